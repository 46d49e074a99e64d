/**
 * Model -> the TF.js/Keras JSON topology (model.toJSON, save, and the model rebuilds of pruning and
 * quantization): {class_name, config, keras_version, backend} with snake_case keys (and snake_case string
 * values, as TF.js writes them). Reading is topology.ts. This half imports no layer class, so an app that
 * never reads a topology keeps none it does not use (layers_model.ts imports it for toJSON).
 */
import { type Layer, type SymbolicTensor, toSnakeCase, type LayerNode } from '../layers/layer.js';
import { LayersModel } from '../models/layers_model.js';
import { version_layers } from './types.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Dict = Record<string, unknown>;

export const KERAS_VERSION = `tfjs-layers ${version_layers}`;
export const BACKEND_NAME = 'tensor_flow.js';

/** camelCase -> snake_case the way TF.js writes configs (batchInputShape -> batch_input_shape). */
export const toSnake = toSnakeCase;
/** Arrays under these keys hold layer names at index 0, which are never case-converted. */
export const NAME_LIST_KEYS = new Set(['inboundNodes', 'inbound_nodes', 'inputLayers', 'input_layers', 'outputLayers', 'output_layers']);

/** A camelCase config (keys and string values) to TF.js's Python-style JSON. */
export function toPythonic(value: unknown, key?: string): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toSnake(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    return value.map((v, i) => (i === 0 && typeof v === 'string' && key && NAME_LIST_KEYS.has(key) ? v : toPythonic(v, key)));
  }
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value as Dict)) {
      if (v === undefined || typeof v === 'function') continue;
      out[toSnake(k)] = (k === 'name' || k === 'className') && typeof v === 'string' ? v : toPythonic(v, k);
    }
    return out;
  }
  throw new Error(`model topology: cannot serialize a value of type ${typeof value} under '${key}'`);
}

// ---- saving -------------------------------------------------------------------------------

/** The full topology object stored as artifacts.modelTopology. */
export function modelToTopology(model: LayersModel): Record<string, Json> {
  return { ...(toPythonic(modelToConfig(model)) as Record<string, Json>), keras_version: KERAS_VERSION, backend: BACKEND_NAME };
}

/** {className, config} of a model (camelCase). */
export function modelToConfig(model: LayersModel): Dict {
  return isSequential(model) ? sequentialConfig(model) : functionalConfig(model);
}

function layerConfig(layer: Layer): Dict {
  if (layer instanceof LayersModel) return modelToConfig(layer);
  return { className: layer.getClassName(), config: layer.getConfig() };
}

/**
 * `model instanceof Sequential` without importing sequential.ts: its class extends layers_model.ts's,
 * which imports this module for toJSON, so the import would be a cycle that runs `extends` too early.
 */
function isSequential(model: LayersModel): boolean {
  for (let c: unknown = model.constructor; c && c !== LayersModel; c = Object.getPrototypeOf(c)) {
    if (Object.hasOwn(c as object, 'className') && (c as { className: unknown }).className === 'Sequential') return true;
  }
  return false;
}

function sequentialConfig(model: LayersModel): Dict {
  const layers = model.layers.map((l, i) => {
    const entry = layerConfig(l);
    // A Sequential built from its first call (or from an InputLayer) still records the input
    // shape on its first layer, as TF.js does, so the loaded model can build its weights.
    if (i === 0 && model.inputs.length && !(l instanceof LayersModel)) {
      const cfg = { ...(entry.config as Dict) };
      if (!cfg.batchInputShape) cfg.batchInputShape = model.inputs[0].shape;
      entry.config = cfg;
    }
    return entry;
  });
  return { className: 'Sequential', config: { name: model.name, layers } };
}

/** The graph nodes reachable from the model's outputs (the nodes that belong to this model). */
function modelNodes(model: LayersModel): Set<LayerNode> {
  const seen = new Set<LayerNode>();
  const visit = (t: SymbolicTensor) => {
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    if (!node || seen.has(node)) return;
    seen.add(node);
    for (const x of node.inboundTensors) visit(x);
  };
  for (const t of [...model.outputs, ...model.inputs]) visit(t);
  return seen;
}

function functionalConfig(model: LayersModel): Dict {
  const nodes = modelNodes(model);
  // Node indices restart from 0 over the nodes of each layer that belong to this model; a nested
  // model's count starts at 1 (TF.js and Keras reserve node 0 for the model's own graph).
  const newIndex = (layer: Layer, original: number): number => {
    let k = layer instanceof LayersModel ? 1 : 0;
    for (let i = 0; i < original; i++) if (nodes.has(layer.inboundNodes[i])) k++;
    return k;
  };
  const ref = (t: SymbolicTensor) => [t.sourceLayer.name, newIndex(t.sourceLayer, t.nodeIndex), t.tensorIndex];
  const layers = model.layers.map((layer) => {
    const inboundNodes: unknown[] = [];
    for (const node of layer.inboundNodes) {
      if (!nodes.has(node) || node.inboundTensors.length === 0) continue;
      const kwargs = serializableKwargs(layer, node.kwargs);
      inboundNodes.push(node.inboundTensors.map((t) => [...ref(t), kwargs]));
    }
    return { name: layer.name, ...layerConfig(layer), inboundNodes };
  });
  return {
    className: 'Model',
    config: { name: model.name, layers, inputLayers: model.inputs.map(ref), outputLayers: model.outputs.map(ref) },
  };
}

function serializableKwargs(layer: Layer, kwargs: Dict): Dict {
  try {
    JSON.stringify(kwargs);
    return kwargs;
  } catch {
    throw new Error(`model topology: layer '${layer.name}' was called with keyword arguments that cannot be serialized`);
  }
}
