/**
 * Model topology <-> the TF.js/Keras JSON form. Saving (topology_writer.ts, re-exported here) turns a
 * Sequential or functional LayersModel into {class_name, config, keras_version, backend} with snake_case
 * keys (and snake_case string values, as TF.js writes them); loading converts back to camelCase, rebuilds
 * every layer through the layer registry and reconnects the graph (inbound_nodes, input_layers,
 * output_layers), or stacks the layers of a Sequential (new and legacy list formats, an
 * optional leading InputLayer entry).
 */
import { InputLayer, Layer, SymbolicTensor } from '../layers/layer.js';
import { getLayerClass, layerFromConfig } from '../layers/serialization.js';
import { registerBuiltinLayers } from '../layers/all.js';
import { LayersModel } from '../models/layers_model.js';
import { Sequential } from '../models/sequential.js';
import { NAME_LIST_KEYS } from './topology_writer.js';

export { KERAS_VERSION, BACKEND_NAME, toSnake, toPythonic, modelToTopology, modelToConfig } from './topology_writer.js';
type Dict = Record<string, unknown>;

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

/** snake_case -> camelCase (inverse of toSnake for identifiers without digits after '_'). */
export function toCamel(name: string): string {
  if (name.length <= 1 || !name.includes('_')) return name;
  return name.replace(/_+(\w|$)/g, (_m, c: string) => c.toUpperCase());
}

/** TF.js/Keras JSON to a camelCase config (the inverse of toPythonic). */
export function fromPythonic(value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toCamel(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    return value.map((v, i) => (i === 0 && typeof v === 'string' && key && NAME_LIST_KEYS.has(key) ? v : fromPythonic(v, key)));
  }
  const out: Dict = {};
  for (const [k, v] of Object.entries(value as Dict)) {
    const ck = toCamel(k);
    out[ck] = k === 'name' && typeof v === 'string' ? v : fromPythonic(v, ck);
  }
  return out;
}

// ---- loading ------------------------------------------------------------------------------

/** How deep a topology may nest (objects and arrays); real Keras/TF.js models stay far below. */
export const MAX_TOPOLOGY_DEPTH = 100;

/**
 * Refuse a topology that refers back to itself (possible with io.fromMemory objects) or nests
 * absurdly deep, with the path to the spot, before the recursive conversions below would run
 * out of stack. The walk itself stops at MAX_TOPOLOGY_DEPTH, so it cannot overflow either.
 */
function checkTopologyStructure(value: unknown, path: string, depth: number, ancestors: Set<object>): void {
  if (value === null || typeof value !== 'object') return;
  if (ancestors.has(value)) throw new Error(`loadLayersModel: modelTopology is cyclic: ${path} refers back to an enclosing object`);
  if (depth > MAX_TOPOLOGY_DEPTH) {
    throw new Error(`loadLayersModel: modelTopology is nested more than ${MAX_TOPOLOGY_DEPTH} levels deep (at ${path.slice(0, 200)}...)`);
  }
  ancestors.add(value);
  if (Array.isArray(value)) value.forEach((v, i) => checkTopologyStructure(v, `${path}[${i}]`, depth + 1, ancestors));
  else for (const [k, v] of Object.entries(value)) checkTopologyStructure(v, `${path}.${k}`, depth + 1, ancestors);
  ancestors.delete(value);
}

/** Rebuild a model from artifacts.modelTopology (TF.js or Keras JSON). */
export function modelFromTopology(topology: unknown): LayersModel {
  registerBuiltinLayers();
  if (topology === null || typeof topology !== 'object' || Array.isArray(topology)) {
    throw new Error('loadLayersModel: modelTopology must be a JSON object');
  }
  checkTopologyStructure(topology, 'modelTopology', 0, new Set());
  let top = topology as Dict;
  if (top.model_config) top = top.model_config as Dict; // Keras h5 conversions: {model_config, training_config}
  if (top.config && typeof top.config === 'object' && !Array.isArray(top.config)) top = { ...top, config: keras3Nodes(top.config as Dict) };
  const ts = fromPythonic(top) as Dict;
  return modelFromConfig(ts);
}

/** Build from a camelCase {className, config}. */
export function modelFromConfig(entry: Dict): LayersModel {
  const className = entry.className as string;
  if (className === 'Sequential') return sequentialFromConfig(entry.config);
  if (className === 'Model' || className === 'Functional') return functionalFromConfig(entry.config as Dict);
  throw new Error(`loadLayersModel: the topology's class_name is '${className}'; expected Sequential, Model or Functional`);
}

/** Drop nulls (TF.js writes unset options as null; tessera's constructors default undefined). */
function cleanLayerConfig(className: string, config: Dict): Dict {
  const out: Dict = {};
  for (const [k, v] of Object.entries(config ?? {})) if (v !== null) out[k] = v;
  // Keras 3 writes dtype as a DTypePolicy object: {class_name: 'DTypePolicy', config: {name: 'float32'}}.
  const policy = out.dtype as Dict | undefined;
  if (policy && typeof policy === 'object') {
    const name = (policy.config as Dict | undefined)?.name;
    if (typeof name === 'string') out.dtype = name;
    else delete out.dtype;
  }
  if (className === 'InputLayer') {
    if (!out.batchInputShape && out.batchShape) out.batchInputShape = out.batchShape; // Keras 3
    delete out.batchShape;
    delete out.ragged;
  }
  return out;
}

function buildLayer(entry: Dict): Layer {
  const className = String(entry.className);
  if (MODEL_CLASSES.has(className)) return modelFromConfig(entry);
  const config = cleanLayerConfig(className, entry.config as Dict);
  const name = String(config.name ?? entry.name ?? '?');
  if (!getLayerClass(className)) {
    throw new Error(`loadLayersModel: layer '${name}' has unknown layer class '${className}' (not implemented by tessera)`);
  }
  try {
    return layerFromConfig(className, config);
  } catch (e) {
    throw new Error(`loadLayersModel: cannot build layer '${name}' (${className}) from its config: ${(e as Error).message}`);
  }
}

function sequentialFromConfig(config: unknown): Sequential {
  let entries: Dict[];
  let name: string | undefined;
  if (Array.isArray(config)) entries = config as Dict[]; // older format: the list of layers
  else if (config && Array.isArray((config as Dict).layers)) {
    entries = (config as Dict).layers as Dict[];
    name = (config as Dict).name as string | undefined;
  } else throw new Error('loadLayersModel: a Sequential config must be a list of layers or {name, layers}');
  const model = new Sequential({ name });
  for (const e of entries) {
    if (!e || typeof e !== 'object' || !e.className) throw new Error(`loadLayersModel: malformed Sequential layer entry ${JSON.stringify(e)}`);
    const layer = buildLayer(e);
    try {
      model.add(layer); // builds the layer: its weights (sized from the config) are created here
    } catch (err) {
      model.dispose();
      throw new Error(`loadLayersModel: cannot add layer '${layer.name}' (${e.className}) to the model: ${(err as Error).message}`);
    }
  }
  return model;
}

type NodeRef = [string, number, number, Dict?];

function functionalFromConfig(config: Dict): LayersModel {
  const entries = config.layers as Dict[];
  if (!Array.isArray(entries)) throw new Error('loadLayersModel: a functional model config needs a list of layers');
  const created = new Map<string, Layer>();
  const pending = new Map<string, NodeRef[][]>();
  for (const e of entries) {
    const layer = buildLayer(e);
    const name = (e.name as string) ?? layer.name;
    created.set(name, layer);
    const inbound = (e.inboundNodes ?? []) as unknown[];
    pending.set(name, inbound.map((n) => normalizeNode(name, n)));
  }
  const tensorOf = (ref: NodeRef, who: string): SymbolicTensor | null => {
    const src = created.get(ref[0]);
    if (!src) throw new Error(`loadLayersModel: layer '${who}' takes input from layer '${ref[0]}', which is not in the model`);
    const node = src.inboundNodes[src instanceof LayersModel ? Math.max(0, ref[1] - 1) : ref[1]];
    return node ? node.outputTensors[ref[2]] ?? null : null;
  };
  // Apply layers to their inputs once those exist (shared layers may wait for later nodes).
  let remaining = [...pending.values()].reduce((n, l) => n + l.length, 0);
  while (remaining > 0) {
    let progress = false;
    for (const e of entries) {
      const name = (e.name as string) ?? '';
      const queue = pending.get(name)!;
      while (queue.length) {
        const refs = queue[0];
        const inputs = refs.map((r) => tensorOf(r, name));
        if (inputs.some((t) => !t)) break;
        queue.shift();
        remaining--;
        progress = true;
        const kwargs = (refs[0]?.[3] ?? {}) as Dict;
        created.get(name)!.apply(inputs.length === 1 ? inputs[0]! : (inputs as SymbolicTensor[]), kwargs);
      }
    }
    if (!progress) {
      const stuck = entries.find((e) => pending.get((e.name as string) ?? '')!.length)!;
      throw new Error(`loadLayersModel: cannot connect layer '${stuck.name}': its inputs never become available (bad inbound_nodes)`);
    }
  }
  const ends = (key: string): SymbolicTensor[] => {
    const list = (config[key] ?? []) as NodeRef[];
    return list.map((r) => {
      const t = tensorOf(r, `(model ${key})`);
      if (!t) throw new Error(`loadLayersModel: model ${key} refers to node ${r[1]} of layer '${r[0]}', which does not exist`);
      return t;
    });
  };
  const inputs = ends('inputLayers');
  const outputs = ends('outputLayers');
  for (const t of inputs) {
    if (!(t.sourceLayer instanceof InputLayer)) throw new Error(`loadLayersModel: model input '${t.sourceLayer.name}' is not an InputLayer`);
  }
  return new LayersModel({
    inputs: inputs.length === 1 ? inputs[0] : inputs,
    outputs: outputs.length === 1 ? outputs[0] : outputs,
    name: config.name as string | undefined,
  });
}

/** One node's input list: [[layer, node, tensor, kwargs], ...]. */
function normalizeNode(layerName: string, node: unknown): NodeRef[] {
  if (!Array.isArray(node)) throw new Error(`loadLayersModel: layer '${layerName}' has a malformed inbound node ${JSON.stringify(node)}`);
  return node.map((r) => {
    if (!Array.isArray(r) || typeof r[0] !== 'string') {
      throw new Error(`loadLayersModel: layer '${layerName}' has a malformed inbound node entry ${JSON.stringify(r)}`);
    }
    return [r[0], Number(r[1] ?? 0), Number(r[2] ?? 0), (r[3] ?? {}) as Dict];
  });
}

/**
 * Keras 3 writes inbound nodes as {args: [{class_name: '__keras_tensor__', config: {keras_history:
 * [layer, node, tensor]}}], kwargs}; rewrite them (before case conversion) into the list form.
 */
function keras3Nodes(config: Dict): Dict {
  if (!Array.isArray(config.layers)) return config;
  const layers = (config.layers as Dict[]).map((l) => {
    const nodes = l.inbound_nodes as unknown[] | undefined;
    if (!Array.isArray(nodes) || !nodes.some((n) => n && typeof n === 'object' && !Array.isArray(n))) return l;
    const converted = nodes.map((n) => {
      const refs: unknown[] = [];
      const walk = (x: unknown) => {
        if (Array.isArray(x)) x.forEach(walk);
        else if (x && typeof x === 'object') {
          const d = x as Dict;
          const hist = (d.config as Dict | undefined)?.keras_history as unknown[] | undefined;
          if (d.class_name === '__keras_tensor__' && Array.isArray(hist)) refs.push([hist[0], hist[1], hist[2], {}]);
          else Object.values(d).forEach(walk);
        }
      };
      walk((n as Dict).args);
      return refs;
    });
    return { ...l, inbound_nodes: converted };
  });
  return { ...config, layers };
}
