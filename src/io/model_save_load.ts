/**
 * The work of model.save and loadLayersModel (their entry points are in model_io.ts; this module loads
 * through src/async_parts.ts on the first call): saveModel encodes the topology and weights and hands them
 * to an IO handler or URL scheme; loadLayersModel reads artifacts, rebuilds the model and sets its weights,
 * matched to the model's weights by name (TF.js names like 'dense_Dense1/kernel') with order as a fallback,
 * after validating names, shapes, dtypes and byte lengths with errors naming layer and weight.
 */
import { ENGINE } from '../engine.js';
import { env } from '../environment.js';
import { float16Tensor } from './float16_tensor.js';
import { storageFor } from '../ops/operand.js';
import { keepHostBackup } from '../host_backup.js';
import { fmtShape } from '../util.js';
import type { Variable } from '../variable.js';
import type { LayersModel } from '../models/layers_model.js';
import { concatBuffers, decodeWeights, warnNonFinite, type DecodedWeight } from './weights.js';
import { encodeWeights } from './weights_encode.js';
import { optimizerWeights, restoreTraining, trainingConfigOf } from './training_config.js';
import { modelFromTopology, modelToTopology } from './topology.js';
import { checkQuantizeDtype } from './weight_codecs.js';
import { GENERATED_BY, getLoadHandler, getSaveHandler, type SaveConfig } from './model_io.js';
import { LAYERS_MODEL_FORMAT, type IOHandler, type LoadOptions, type ModelArtifacts, type SaveResult } from './types.js';

// ---- weight names -------------------------------------------------------------------------------

interface WeightRef {
  variable: Variable;
  /** Canonical saved name: `${layer}/${weight}` without the registry's uniqueness suffix. */
  name: string;
  layer: string;
  weight: string;
  /** How the weight is stored when saved (LayerWeight.storage). */
  storage?: 'int8';
}

/** The model's weights in `model.weights` order (TF.js order) with canonical names. */
function weightRefs(model: LayersModel): WeightRef[] {
  const info = new Map<Variable, { layer: string; weight: string; storage?: 'int8' }>();
  const collect = (layers: readonly { name: string; weightEntries(): { originalName: string; variable: Variable; storage?: 'int8' }[] }[]) => {
    for (const l of layers) for (const e of l.weightEntries()) if (!info.has(e.variable)) info.set(e.variable, { layer: l.name, weight: e.originalName, storage: e.storage });
  };
  collect(model.layers);
  return model.weights.map((v) => {
    const meta = info.get(v);
    let name = v.name;
    // Variables with a name already in use get a `_N` suffix; saved names never carry it.
    if (meta && !name.endsWith(`/${meta.weight}`) && name.replace(/_\d+$/, '').endsWith(`/${meta.weight}`)) name = name.replace(/_\d+$/, '');
    const cut = name.lastIndexOf('/');
    return { variable: v, name, layer: meta?.layer ?? (cut > 0 ? name.slice(0, cut) : '?'), weight: meta?.weight ?? name.slice(cut + 1), storage: meta?.storage };
  });
}

const describe = (r: WeightRef) => `layer '${r.layer}' weight '${r.weight}'`;

// ---- saving -------------------------------------------------------------------------------------

/** model.save(handlerOrUrl, {includeOptimizer}): topology + weights (+ training config and optimizer state) through an IO handler. */
export async function saveModel(model: LayersModel, handlerOrUrl: unknown, config: SaveConfig = {}): Promise<SaveResult> {
  const handler = typeof handlerOrUrl === 'string' ? getSaveHandler(handlerOrUrl) : (handlerOrUrl as IOHandler);
  if (!handler || typeof handler.save !== 'function') {
    throw new Error('model.save: expected a URL string or an IO handler with a save() method (e.g. io.withSaveHandler(fn))');
  }
  if (!model.built || !model.inputs.length) {
    throw new Error(`model.save: model '${model.name}' is not built yet; give its first layer an inputShape or call it on data first`);
  }
  checkQuantizeDtype('model.save', config.quantizeWeights);
  const refs = weightRefs(model);
  const seen = new Set<string>();
  for (const r of refs) {
    if (seen.has(r.name)) throw new Error(`model.save: two weights are named '${r.name}'; layer names must be unique`);
    seen.add(r.name);
  }
  let { data, specs } = await encodeWeights(refs.map((r) => ({ name: r.name, tensor: r.variable, storage: r.storage })), undefined, config.quantizeWeights);
  let trainingConfig: Record<string, unknown> | undefined;
  if (config.includeOptimizer) {
    trainingConfig = trainingConfigOf(model);
    const named = await optimizerWeights(model, new Map(refs.map((r) => [r.variable.name, r.name])));
    try {
      const opt = await encodeWeights(named, 'optimizer');
      data = concatBuffers([data, opt.data]);
      specs = [...specs, ...opt.specs];
    } finally {
      for (const n of named) n.tensor.dispose();
    }
  }
  const artifacts: ModelArtifacts = {
    modelTopology: modelToTopology(model),
    weightSpecs: specs,
    weightData: data,
    format: LAYERS_MODEL_FORMAT,
    generatedBy: GENERATED_BY,
    convertedBy: null,
  };
  if (trainingConfig) artifacts.trainingConfig = trainingConfig;
  return handler.save(artifacts);
}

// ---- loading ------------------------------------------------------------------------------------

/** loadLayersModel (model_io.ts has the public wrapper and its documentation). */
export async function loadLayersModel(pathOrHandler: string | IOHandler, options: LoadOptions = {}): Promise<LayersModel> {
  const handler = typeof pathOrHandler === 'string' ? getLoadHandler(pathOrHandler, options) : pathOrHandler;
  if (!handler || typeof handler.load !== 'function') {
    throw new Error('loadLayersModel: expected a URL/path string or an IO handler with a load() method (e.g. io.fromMemory(artifacts))');
  }
  const artifacts = await handler.load();
  if (!artifacts || artifacts.modelTopology == null) throw new Error('loadLayersModel: the artifacts have no modelTopology');
  if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('loadLayersModel: binary model topologies (graph models) are not supported');
  if (artifacts.format && artifacts.format !== LAYERS_MODEL_FORMAT) {
    throw new Error(`loadLayersModel: artifacts have format '${artifacts.format}'; tessera loads '${LAYERS_MODEL_FORMAT}'`);
  }
  const model = modelFromTopology(artifacts.modelTopology);
  if (artifacts.weightData != null) {
    if (!artifacts.weightSpecs) {
      model.dispose();
      throw new Error('loadLayersModel: the artifacts have weight data but no weight specs');
    }
    try {
      const all = decodeWeights(artifacts.weightData, artifacts.weightSpecs, true);
      const decoded = all.filter((d) => (d.spec.group ?? 'model') === 'model');
      setModelWeights(model, decoded, options.strict ?? true, options.float16Weights);
      // layers that derive state from their weights and the model prepare it now (the int8 layers:
      // packed kernels and int8 chains)
      for (const l of model.layers) await (l as { weightsLoaded?: (m: LayersModel) => Promise<void> }).weightsLoaded?.(model);
      warnNonFinite('loadLayersModel', decoded);
      if (artifacts.trainingConfig) {
        const byName = new Map(weightRefs(model).map((r) => [r.name, r.variable]));
        const state = all.filter((d) => d.spec.group === 'optimizer');
        await restoreTraining(model, artifacts.trainingConfig, state, (n) => byName.get(n), (d) => {
          const values = storageFor(d.values, d.dtype);
          const t = ENGINE.makeTensor(values, d.spec.shape.slice(), d.dtype);
          keepHostBackup(t.record, values);
          return t;
        });
      }
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  model.startWarmup();
  return model;
}

/** Candidate model-side names for a saved weight name, most exact first. */
function nameVariants(saved: string): string[] {
  const out = [saved];
  const noTensorSuffix = saved.replace(/:\d+$/, ''); // Python 'dense/kernel:0'
  out.push(noTensorSuffix);
  const parts = noTensorSuffix.split('/');
  if (parts.length > 2) out.push([...parts.slice(0, -2), parts[parts.length - 1]].join('/')); // 'lstm/lstm_cell/kernel'
  return [...new Set(out)];
}

/**
 * Match saved weights to the model's weights, validate, and assign. `float16` (default: the env
 * flag WEBGPU_FLOAT16_WEIGHTS): float16-saved weights stay float16 where the backend stores them so.
 */
export function setModelWeights(model: LayersModel, decoded: DecodedWeight[], strict = true,
  float16 = env().getBool('WEBGPU_FLOAT16_WEIGHTS')): void {
  const refs = weightRefs(model);
  if (refs.length && (!model.built || !model.inputs.length)) {
    throw new Error(`loadLayersModel: model '${model.name}' has no input shape, so its weights cannot be created (the first layer needs batch_input_shape)`);
  }
  const byName = new Map<string, WeightRef>();
  for (const r of refs) {
    if (byName.has(r.name)) throw new Error(`loadLayersModel: the model has two weights named '${r.name}'`);
    byName.set(r.name, r);
  }
  const pairs = new Map<WeightRef, DecodedWeight>();
  const unused: DecodedWeight[] = [];
  // 1. Exact names (and the TF/Keras spellings of the same name).
  for (const d of decoded) {
    const r = nameVariants(d.spec.name).map((n) => byName.get(n)).find((x) => x && !pairs.has(x));
    if (r) pairs.set(r, d);
    else unused.push(d);
  }
  // 2. A unique suffix match ('outer/dense_1/kernel' vs 'dense_1/kernel').
  for (const d of [...unused]) {
    const name = d.spec.name.replace(/:\d+$/, '');
    const cands = refs.filter((r) => !pairs.has(r) && (name.endsWith(`/${r.name}`) || r.name.endsWith(`/${name}`)));
    if (cands.length === 1) {
      pairs.set(cands[0], d);
      unused.splice(unused.indexOf(d), 1);
    }
  }
  // 3. No name matches at all (e.g. renamed layers): fall back to order when the counts agree.
  if (pairs.size === 0 && refs.length > 0 && decoded.length === refs.length) {
    refs.forEach((r, i) => pairs.set(r, decoded[i]));
    unused.length = 0;
  }
  const missing = refs.filter((r) => !pairs.has(r));
  if (missing.length && strict) {
    const m = missing[0];
    throw new Error(
      `loadLayersModel: missing weight for ${describe(m)} (expected '${m.name}', shape ${fmtShape(m.variable.shape)}); ` +
      `${missing.length} of ${refs.length} model weights have no saved value. Saved weights: ${decoded.map((d) => d.spec.name).join(', ') || '(none)'}`,
    );
  }
  if (unused.length && strict) {
    throw new Error(`loadLayersModel: saved weight '${unused[0].spec.name}' matches no weight of the model (model weights: ${refs.map((r) => r.name).join(', ')})`);
  }
  // Validate everything before assigning anything.
  for (const [r, d] of pairs) {
    if (d.dtype !== r.variable.dtype) {
      throw new Error(`loadLayersModel: dtype mismatch for ${describe(r)}: the model has ${r.variable.dtype}, the saved weight '${d.spec.name}' is ${d.dtype}`);
    }
    const want = r.variable.shape;
    const got = d.spec.shape;
    if (want.length !== got.length || want.some((x, i) => x !== got[i])) {
      throw new Error(`loadLayersModel: wrong shape for ${describe(r)}: the model expects ${fmtShape(want)}, the saved weight '${d.spec.name}' has ${fmtShape(got)}`);
    }
  }
  for (const [r, d] of pairs) {
    const values = storageFor(d.values, d.dtype);
    const t = float16 && d.float16 && values instanceof Float32Array
      ? float16Tensor(d.float16, values, d.spec.shape.slice())
      : ENGINE.makeTensor(values, d.spec.shape.slice(), d.dtype);
    // On WebGPU the loaded values stay on the host too: a device loss later restores them.
    keepHostBackup(t.record, values);
    r.variable.assign(t);
    t.dispose();
  }
}
