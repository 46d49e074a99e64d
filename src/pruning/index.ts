/**
 * The `tf.pruning` namespace (magnitude pruning in the manner of tfmot's prune_low_magnitude):
 * pruneLowMagnitude(model, {schedule, blockSize, layers}) wraps the prunable layers of a copy of the model,
 * updatePruningStep() is the fit callback that advances the schedule per batch, strip(model) gives the
 * plain model back (masked weights, no masks), sparsityReport(model) counts the zeros per layer and weight.
 */
import { LayersModel } from '../models/layers_model.js';
import { tidy } from '../globals.js';
import { mul } from '../ops/binary.js';
import { scalar } from '../ops/creation.js';
import { Callback } from '../models/callbacks.js';
import { Layer } from '../layers/layer.js';
import { modelToConfig, modelFromConfig } from '../io/topology.js';
import { registerBuiltinLayers } from '../layers/all.js';
import { PruneLowMagnitude, prunableWeightNames, renameRefs } from './prune_wrapper.js';
import { PruningSchedule } from './schedules.js';
import { checkBlockSize } from './magnitude_mask.js';

export { PruneLowMagnitude } from './prune_wrapper.js';
export { PruningSchedule, PolynomialDecay, ConstantSparsity, polynomialDecay, constantSparsity } from './schedules.js';
export { magnitudeMask } from './magnitude_mask.js';

type Dict = Record<string, unknown>;

/** Options of tf.pruning.pruneLowMagnitude: the schedule (required), the block size and which layers. */
export interface PruneLowMagnitudeOptions {
  /** When masks are recomputed and to which sparsity: tf.pruning.polynomialDecay or tf.pruning.constantSparsity. */
  schedule: PruningSchedule;
  /** [1, 1] (default: each weight on its own) or e.g. [1, 4]: blocks ranked by mean |w|. */
  blockSize?: [number, number];
  /** Which layers to prune: names, or a predicate; default every prunable layer. */
  layers?: string[] | ((layer: Layer) => boolean);
}

function assertModel(fn: string, model: unknown): asserts model is LayersModel {
  if (!(model instanceof LayersModel)) throw new Error(`${fn}: expected a LayersModel (tf.sequential or tf.model), got ${model === null ? 'null' : typeof model}`);
}

/** Rebuild a model from an edited config and copy the weights over (pairs: old layer -> where its weights go). */
function rebuild(cfg: Dict, source: LayersModel, target: (newModel: LayersModel, old: Layer) => Layer): LayersModel {
  registerBuiltinLayers();
  const model = modelFromConfig(cfg);
  for (const old of source.layers) {
    if (old.weights.length === 0) continue;
    const dest = target(model, old);
    // Copies into fresh buffers: a weight sharing its buffer with the source model's would let a
    // recorded predict plan read the source's variable after this one is reassigned (mask updates).
    const copy = (from: Layer, to: Layer) => {
      const values = tidy(() => from.getWeights().map((v) => mul(v, scalar(1, v.dtype))));
      to.setWeights(values);
      for (const v of values) v.dispose();
    };
    const from = old instanceof PruneLowMagnitude && !(dest instanceof PruneLowMagnitude) ? old.layer : old;
    copy(from, dest instanceof PruneLowMagnitude && !(old instanceof PruneLowMagnitude) ? dest.layer : dest);
  }
  return model;
}

/**
 * A copy of `model` whose selected prunable layers (Dense, Conv, Embedding kernels) are wrapped in
 * PruneLowMagnitude (named `prune_low_magnitude_${name}`, as tfmot names them); compile it and fit with
 * updatePruningStep(), which zeroes the lowest-magnitude weights as the schedule says.
 * @example
 * ```js
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4], name: 'dense' })] });
 * const pruned = tf.pruning.pruneLowMagnitude(model, {
 *   schedule: tf.pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0, frequency: 1 }),
 * });
 * pruned.layers[0].name; // 'prune_low_magnitude_dense'
 * pruned.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
 * await pruned.fit(tf.ones([8, 4]), tf.ones([8, 2]), { batchSize: 4, callbacks: [tf.pruning.updatePruningStep()] });
 * const report = await tf.pruning.sparsityReport(pruned);
 * report[0].sparsity; // 0.5
 * ```
 */
export function pruneLowMagnitude(model: LayersModel, options: PruneLowMagnitudeOptions): LayersModel {
  const fn = 'pruning.pruneLowMagnitude';
  assertModel(fn, model);
  if (!options || !(options.schedule instanceof PruningSchedule)) {
    throw new Error(`${fn}: options.schedule must be a schedule from tf.pruning.polynomialDecay or tf.pruning.constantSparsity, got ${JSON.stringify(options?.schedule)}`);
  }
  const blockSize = checkBlockSize(fn, options.blockSize ?? [1, 1]);
  if (!model.built || model.inputs.length === 0) throw new Error(`${fn}: model '${model.name}' is not built yet; give its first layer an inputShape`);
  const sel = options.layers;
  let selected: Set<string>;
  if (sel == null) {
    selected = new Set(model.layers.filter((l) => !(l instanceof PruneLowMagnitude) && prunableWeightNames(l) != null).map((l) => l.name));
  } else if (typeof sel === 'function') {
    selected = new Set(model.layers.filter((l) => sel(l)).map((l) => l.name));
  } else if (Array.isArray(sel)) {
    for (const name of sel) {
      if (!model.layers.some((l) => l.name === name)) {
        throw new Error(`${fn}: no layer named ${JSON.stringify(name)} in model '${model.name}' (layers: ${model.layers.map((l) => l.name).join(', ')})`);
      }
    }
    selected = new Set(sel);
  } else throw new Error(`${fn}: options.layers must be a list of layer names or a function (layer) => boolean, got ${typeof sel}`);
  for (const name of selected) {
    const l = model.getLayer(name);
    if (l instanceof PruneLowMagnitude) throw new Error(`${fn}: layer '${name}' is already pruned`);
    if (prunableWeightNames(l) == null) throw new Error(`${fn}: layer '${name}' (${l.getClassName()}) has no prunable weights`);
  }
  if (selected.size === 0) throw new Error(`${fn}: no prunable layer selected in model '${model.name}'`);

  const cfg = modelToConfig(model);
  const config = cfg.config as Dict;
  const renames = new Map<string, string>();
  const schedule = { className: options.schedule.className, config: options.schedule.getConfig() };
  config.layers = (config.layers as Dict[]).map((e) => {
    const name = ((e.config as Dict)?.name ?? e.name) as string;
    if (!selected.has(name)) return e;
    const wrapped = `prune_low_magnitude_${name}`;
    renames.set(name, wrapped);
    const { inboundNodes, name: _n, ...inner } = e;
    return { ...(inboundNodes ? { name: wrapped, inboundNodes } : {}), className: 'PruneLowMagnitude', config: { name: wrapped, layer: inner, pruningSchedule: schedule, blockSize } };
  });
  renameRefs(config, renames);
  return rebuild(cfg, model, (m, old) => m.getLayer(renames.get(old.name) ?? old.name));
}

/**
 * tfmot's strip_pruning: the same model without the wrappers (weights as masked, no masks or step
 * counters), giving the same predictions; save or deploy this one.
 * @example
 * ```js
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4], name: 'dense' })] });
 * const pruned = tf.pruning.pruneLowMagnitude(model, { schedule: tf.pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0 }) });
 * // ... compile and fit pruned with callbacks: [tf.pruning.updatePruningStep()] ...
 * const plain = tf.pruning.strip(pruned);
 * plain.layers[0].name; // 'dense'
 * plain.predict(tf.ones([1, 4])).shape; // [1, 2]
 * ```
 */
export function strip(model: LayersModel): LayersModel {
  const fn = 'pruning.strip';
  assertModel(fn, model);
  const cfg = modelToConfig(model);
  const config = cfg.config as Dict;
  const renames = new Map<string, string>();
  config.layers = (config.layers as Dict[]).map((e) => {
    if (e.className !== 'PruneLowMagnitude') return e;
    const inner = (e.config as Dict).layer as Dict;
    const innerName = (inner.config as Dict).name as string;
    renames.set((e.config as Dict).name as string, innerName);
    return { ...(e.inboundNodes ? { name: innerName, inboundNodes: e.inboundNodes } : {}), ...inner };
  });
  renameRefs(config, renames);
  return rebuild(cfg, model, (m, old) => m.getLayer(old instanceof PruneLowMagnitude ? old.layer.name : old.name));
}

/** One weight's line of tf.pruning.sparsityReport: its layer and name, size, and how many entries are zero. */
export interface WeightSparsity {
  /** The layer's name (the wrapper's, for a pruned layer). */
  layer: string;
  /** The weight's name in its layer ('kernel', 'bias', ...). */
  weight: string;
  shape: number[];
  /** Number of entries. */
  size: number;
  /** Entries that are exactly zero. */
  zeros: number;
  /** zeros / size. */
  sparsity: number;
  /** Whether the weight is pruned (has a mask). */
  pruned: boolean;
}

/**
 * Zeros per weight of every layer (masks and step counters left out), in model order: check how
 * sparse a pruned (or stripped) model's weights are.
 * @example
 * ```js
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones' })] });
 * const report = await tf.pruning.sparsityReport(model);
 * report[0].weight; // 'kernel'
 * report[0].sparsity; // 0
 * report[1].weight; // 'bias'
 * report[1].zeros; // 2
 * ```
 */
export async function sparsityReport(model: LayersModel): Promise<WeightSparsity[]> {
  assertModel('pruning.sparsityReport', model);
  const out: WeightSparsity[] = [];
  for (const layer of model.layers) {
    const inner = layer instanceof PruneLowMagnitude ? layer.layer : layer;
    const prunedNames = new Set(layer instanceof PruneLowMagnitude ? layer.prunedWeights().map((p) => p.name) : []);
    for (const w of inner.weightEntries()) {
      const values = await w.variable.data();
      let zeros = 0;
      for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
      out.push({
        layer: layer.name, weight: w.originalName, shape: w.variable.shape.slice(), size: values.length, zeros,
        sparsity: values.length ? zeros / values.length : 0, pruned: prunedNames.has(w.originalName),
      });
    }
  }
  return out;
}

/** The PruneLowMagnitude layers of a model (nested models included). */
function prunedLayers(model: LayersModel): PruneLowMagnitude[] {
  return model.layers.flatMap((l) => (l instanceof PruneLowMagnitude ? [l] : l instanceof LayersModel ? prunedLayers(l) : []));
}

/**
 * tfmot's UpdatePruningStep: the step counter starts after the last step stored in the pruned layers
 * (0 for a fresh model) and goes up by one per batch; before each batch every pruned layer is told the
 * step, and recomputes its masks when the schedule says so.
 */
export class UpdatePruningStep extends Callback {
  private step = 0;
  private layers: PruneLowMagnitude[] = [];

  /** Finds the model's pruned layers and resumes the step count after the last stored step. */
  override async onTrainBegin(): Promise<void> {
    if (!this.model) throw new Error('pruning.updatePruningStep: the callback has no model (pass it in model.fit\'s callbacks)');
    this.layers = prunedLayers(this.model);
    if (this.layers.length === 0) throw new Error(`pruning.updatePruningStep: model '${this.model.name}' has no pruned layers; wrap it with tf.pruning.pruneLowMagnitude first`);
    let last = -1;
    for (const l of this.layers) last = Math.max(last, await l.pruningStep());
    this.step = last + 1;
    for (const l of this.layers) l.stepCallbackActive = true;
  }

  /** Tells every pruned layer the step; on a pruning step they recompute their masks. */
  override async onBatchBegin(): Promise<void> {
    for (const l of this.layers) await l.advanceTo(this.step);
  }

  /** Advances the step counter. */
  override onBatchEnd(): void {
    this.step++;
  }

  /** Marks the pruned layers as no longer under the callback. */
  override onTrainEnd(): void {
    for (const l of this.layers) l.stepCallbackActive = false;
  }
}

/**
 * The fit callback that drives pruning (tfmot's UpdatePruningStep): advances the schedule's step per
 * batch and recomputes the masks on pruning steps. Training a pruned model without it throws.
 * @example
 * ```js
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4] })] });
 * const pruned = tf.pruning.pruneLowMagnitude(model, { schedule: tf.pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0, frequency: 1 }) });
 * pruned.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
 * await pruned.fit(tf.ones([8, 4]), tf.zeros([8, 2]), { batchSize: 4, callbacks: [tf.pruning.updatePruningStep()] });
 * ```
 */
export const updatePruningStep = () => new UpdatePruningStep();
