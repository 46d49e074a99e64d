/**
 * model.compile(): resolves the optimizer, per-output losses and metrics (Keras / TF.js rules:
 * 'accuracy'/'acc' becomes binary, sparse or categorical accuracy from the output shape and
 * loss; history keys are the names given, 'acc' for both spellings, prefixed with the output
 * name for multi-output models) and computes a batch's loss plus its statistics vector.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { pad, reshape, stack } from '../ops/layout.js';
import { scalar } from '../ops/creation.js';
import { Optimizer } from '../optimizers/optimizer.js';
import { getOptimizer } from '../optimizers/lookup.js';
import { canonicalLossName, perSampleLoss, type LossName, type LossOptions, type PerSampleLoss } from '../losses/core.js';
import { LOSS_NAME } from '../losses/index.js';
import * as m from '../metrics/core.js';
import * as ce from '../metrics/crossentropy.js';
import type { LayersModel } from './layers_model.js';

export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;
export type LossIdentifier = string | LossFn | ({ name: string } & LossOptions);
export type MetricIdentifier = string | LossFn;

export interface CompileArgs {
  optimizer: string | Optimizer;
  loss: LossIdentifier | LossIdentifier[] | Record<string, LossIdentifier>;
  metrics?: MetricIdentifier | MetricIdentifier[] | Record<string, MetricIdentifier | MetricIdentifier[]>;
  /** Keras lossWeights: scale of each output's loss in the total (default 1). */
  lossWeights?: number[] | Record<string, number>;
}

export interface CompiledState {
  args: CompileArgs;
  optimizer: Optimizer;
  /** Whether compile() created the optimizer (then model.dispose() disposes it). */
  ownsOptimizer: boolean;
  /** Resolved once the model's outputs are known (see resolveCompiled). */
  resolved?: ResolvedLosses;
}

interface ResolvedLosses {
  outputNames: string[];
  losses: { fn: PerSampleLoss; canonical?: LossName; weight: number }[];
  metrics: { output: number; spec: m.MetricSpec }[];
  /** Names of the (numerator, denominator) pairs in a stats vector: 'loss', per-output losses, metrics. */
  statNames: string[];
}

export function compile(model: LayersModel, args: CompileArgs): void {
  if (!args || args.optimizer === undefined || args.loss === undefined) {
    throw new Error('compile: needs {optimizer, loss}');
  }
  const optimizer = getOptimizer(args.optimizer);
  const previous = model.compiled as CompiledState | undefined;
  const next: CompiledState = { args, optimizer, ownsOptimizer: !(args.optimizer instanceof Optimizer) };
  // Resolve the new losses and metrics before giving up the previous compile: a failed
  // compile (unknown loss, bad metric) leaves the model compiled as it was.
  model.compiled = next;
  try {
    if (model.outputs.length) resolveCompiled(model);
    else checkLossNames(args.loss);
  } catch (e) {
    model.compiled = previous;
    if (next.ownsOptimizer) optimizer.dispose();
    throw e;
  }
  if (previous?.ownsOptimizer && previous.optimizer !== optimizer) previous.optimizer.dispose();
}

/** Named losses must be known even before the model's outputs are (checked again on resolve). */
function checkLossNames(spec: CompileArgs['loss']): void {
  const ids = Array.isArray(spec) ? spec : typeof spec === 'object' && spec !== null && !('name' in spec) ? Object.values(spec) : [spec];
  for (const id of ids) if (typeof id !== 'function') resolveLoss(id as LossIdentifier);
}

export function disposeCompiled(model: LayersModel): void {
  const c = model.compiled as CompiledState | undefined;
  if (c?.ownsOptimizer) c.optimizer.dispose();
  model.compiled = undefined;
}

export function requireCompiled(model: LayersModel, op: string): CompiledState {
  const c = model.compiled as CompiledState | undefined;
  if (!c) throw new Error(`${op}: model '${model.name}' must be compiled first (model.compile({optimizer, loss}))`);
  return c;
}

function perOutput<T>(what: string, spec: T | T[] | Record<string, T>, names: string[], isItem: (x: unknown) => boolean): T[] {
  if (Array.isArray(spec)) {
    if (spec.length !== names.length) throw new Error(`compile: ${what} has ${spec.length} entries for ${names.length} outputs`);
    return spec;
  }
  if (isItem(spec)) return names.map(() => spec as T);
  const rec = spec as Record<string, T>;
  for (const k of Object.keys(rec)) {
    if (!names.includes(k)) throw new Error(`compile: ${what} names output '${k}'; the outputs are ${names.join(', ')}`);
  }
  return names.map((n) => {
    if (!(n in rec)) throw new Error(`compile: ${what} has no entry for output '${n}'`);
    return rec[n];
  });
}

function resolveLoss(id: LossIdentifier): { fn: PerSampleLoss; canonical?: LossName } {
  if (typeof id === 'function') {
    const named = (id as unknown as Record<symbol, LossName>)[LOSS_NAME];
    return named ? { fn: perSampleLoss(named), canonical: named } : { fn: id };
  }
  const name = typeof id === 'string' ? id : id?.name;
  const canonical = typeof name === 'string' ? canonicalLossName(name) : undefined;
  if (!canonical) {
    throw new Error(`compile: unknown loss ${JSON.stringify(name ?? id)}; use meanSquaredError/mse, meanAbsoluteError/mae, huber, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy, or a function`);
  }
  return { fn: perSampleLoss(canonical, typeof id === 'string' ? {} : id), canonical };
}

const METRICS_BY_NAME: Record<string, () => m.MetricSpec> = {
  binaryAccuracy: () => m.meanMetric('binaryAccuracy', m.binaryAccuracy),
  categoricalAccuracy: () => m.meanMetric('categoricalAccuracy', m.categoricalAccuracy),
  sparseCategoricalAccuracy: () => m.meanMetric('sparseCategoricalAccuracy', m.sparseCategoricalAccuracy),
  precision: () => m.precisionSpec(),
  recall: () => m.recallSpec(),
  mse: () => m.meanMetric('mse', m.meanSquaredError),
  MSE: () => m.meanMetric('MSE', m.meanSquaredError),
  meanSquaredError: () => m.meanMetric('meanSquaredError', m.meanSquaredError),
  mae: () => m.meanMetric('mae', m.meanAbsoluteError),
  MAE: () => m.meanMetric('MAE', m.meanAbsoluteError),
  meanAbsoluteError: () => m.meanMetric('meanAbsoluteError', m.meanAbsoluteError),
  mape: () => m.meanMetric('mape', m.meanAbsolutePercentageError),
  MAPE: () => m.meanMetric('MAPE', m.meanAbsolutePercentageError),
  meanAbsolutePercentageError: () => m.meanMetric('meanAbsolutePercentageError', m.meanAbsolutePercentageError),
  cosine: () => m.meanMetric('cosine', m.cosineProximity),
  cosineProximity: () => m.meanMetric('cosineProximity', m.cosineProximity),
  binaryCrossentropy: () => m.meanMetric('binaryCrossentropy', ce.binaryCrossentropy),
  categoricalCrossentropy: () => m.meanMetric('categoricalCrossentropy', ce.categoricalCrossentropy),
  sparseCategoricalCrossentropy: () => m.meanMetric('sparseCategoricalCrossentropy', ce.sparseCategoricalCrossentropy),
};
const METRIC_FUNCTIONS = new Map<unknown, string>([
  [m.binaryAccuracy, 'binaryAccuracy'], [m.categoricalAccuracy, 'categoricalAccuracy'],
  [m.sparseCategoricalAccuracy, 'sparseCategoricalAccuracy'], [m.precision, 'precision'], [m.recall, 'recall'],
  [m.meanSquaredError, 'meanSquaredError'], [m.meanAbsoluteError, 'meanAbsoluteError'],
  [m.meanAbsolutePercentageError, 'meanAbsolutePercentageError'], [m.cosineProximity, 'cosineProximity'],
  [ce.binaryCrossentropy, 'binaryCrossentropy'], [ce.categoricalCrossentropy, 'categoricalCrossentropy'],
  [ce.sparseCategoricalCrossentropy, 'sparseCategoricalCrossentropy'],
]);

function resolveMetric(id: MetricIdentifier, lastDim: number | null, loss?: LossName): m.MetricSpec {
  if (typeof id === 'function') {
    const known = METRIC_FUNCTIONS.get(id);
    if (known) return METRICS_BY_NAME[known]();
    const lossName = (id as unknown as Record<symbol, LossName>)[LOSS_NAME];
    if (lossName) return m.meanMetric(lossName, perSampleLoss(lossName));
    return m.meanMetric(id.name || 'metric', id);
  }
  if (id === 'accuracy' || id === 'acc' || id === 'crossentropy' || id === 'ce') {
    const isAcc = id === 'accuracy' || id === 'acc';
    const kind = lastDim === 1 || loss === 'binaryCrossentropy' ? 'binary' : loss === 'sparseCategoricalCrossentropy' ? 'sparseCategorical' : 'categorical';
    const spec = METRICS_BY_NAME[kind + (isAcc ? 'Accuracy' : 'Crossentropy')]();
    return { name: isAcc ? 'acc' : 'ce', stats: spec.stats };
  }
  const make = typeof id === 'string' ? METRICS_BY_NAME[id] : undefined;
  if (!make) throw new Error(`compile: unknown metric ${JSON.stringify(id)}; known: accuracy, acc, ${Object.keys(METRICS_BY_NAME).join(', ')}, or a function`);
  return make();
}

/** Resolve losses and metrics against the model's outputs (needs a built model). */
export function resolveCompiled(model: LayersModel): ResolvedLosses {
  const c = requireCompiled(model, 'compile');
  if (c.resolved) return c.resolved;
  if (!model.outputs.length) throw new Error(`compile: model '${model.name}' has no outputs yet`);
  const outputNames = model.outputs.map((o) => o.sourceLayer.name);
  const isLossItem = (x: unknown) => typeof x === 'string' || typeof x === 'function' || (typeof x === 'object' && x !== null && 'name' in x);
  const lossIds = perOutput('loss', c.args.loss, outputNames, isLossItem);
  const weights = c.args.lossWeights === undefined ? outputNames.map(() => 1) : perOutput('lossWeights', c.args.lossWeights, outputNames, (x) => typeof x === 'number');
  const losses = lossIds.map((id, i) => ({ ...resolveLoss(id), weight: weights[i] }));
  const metrics: ResolvedLosses['metrics'] = [];
  const multi = outputNames.length > 1;
  if (c.args.metrics !== undefined && c.args.metrics !== null) {
    const spec = c.args.metrics;
    let perOut: MetricIdentifier[][];
    if (Array.isArray(spec)) perOut = outputNames.map(() => spec);
    else if (typeof spec === 'string' || typeof spec === 'function') perOut = outputNames.map(() => [spec]);
    else {
      const rec = spec as Record<string, MetricIdentifier | MetricIdentifier[]>;
      for (const k of Object.keys(rec)) {
        if (!outputNames.includes(k)) throw new Error(`compile: metrics name output '${k}'; the outputs are ${outputNames.join(', ')}`);
      }
      perOut = outputNames.map((n) => (rec[n] === undefined ? [] : Array.isArray(rec[n]) ? (rec[n] as MetricIdentifier[]) : [rec[n] as MetricIdentifier]));
    }
    perOut.forEach((ids, i) => {
      const shape = model.outputs[i].shape;
      for (const id of ids) {
        const spec = resolveMetric(id, shape[shape.length - 1] ?? null, losses[i].canonical);
        metrics.push({ output: i, spec: multi ? { ...spec, name: `${outputNames[i]}_${spec.name}` } : spec });
      }
    });
  }
  const statNames = ['loss', ...(multi ? outputNames.map((n) => `${n}_loss`) : []), ...metrics.map((x) => x.spec.name)];
  c.resolved = { outputNames, losses, metrics, statNames };
  return c.resolved;
}

/**
 * Loss of a batch (differentiable scalar: weighted mean per-sample losses plus regularization)
 * and its statistics vector [num0, den0, num1, den1, ...] in statNames order (not taped).
 */
export function batchLoss(
  model: LayersModel, r: ResolvedLosses, outs: Tensor[], ys: Tensor[], sampleWeights?: (Tensor | null)[],
): { total: Tensor; stats: Tensor } {
  if (ys.length !== outs.length) throw new Error(`${model.name}: got ${ys.length} target tensor(s) for ${outs.length} output(s)`);
  const batch = outs[0].shape[0] ?? 1;
  const outputLosses = outs.map((out, i) => {
    let per = r.losses[i].fn(ys[i], out);
    const w = sampleWeights?.[i];
    if (w) per = mul(per, per.rank > w.rank ? reshape(w, [...w.shape, ...new Array(per.rank - w.rank).fill(1)]) : w);
    return mean(per);
  });
  // Per-output losses are logged unweighted (Keras); the total uses lossWeights.
  const weighted = outputLosses.map((l, i) => (r.losses[i].weight === 1 ? l : mul(l, r.losses[i].weight)));
  let total = weighted.reduce((a, b) => add(a, b));
  for (const reg of model.regularizationLosses()) total = add(total, reg);
  const stats = ENGINE.noGrad(() => {
    // the common case, one output and no metrics: [total * batch, batch] as one pad of the product (one
    // kernel where a stack of the two would copy each)
    if (outs.length === 1 && r.metrics.length === 0) return pad(reshape(mul(total, batch), [1]), [[0, 1]], batch);
    const n = scalar(batch);
    const parts: Tensor[] = [mul(total, batch), n];
    if (outs.length > 1) for (const l of outputLosses) parts.push(mul(l, batch), n);
    for (const { output, spec } of r.metrics) parts.push(...spec.stats(ys[output], outs[output]));
    return stack(parts);
  });
  return { total, stats };
}

/** Statistic values (num / den) from summed statistics, in statNames order. */
export function statsToValues(r: ResolvedLosses, values: ArrayLike<number>): number[] {
  return r.statNames.map((_, k) => m.ratio(values[2 * k], values[2 * k + 1]));
}

/** Logs from summed statistics: name -> num / den. */
export function statsToLogs(r: ResolvedLosses, values: ArrayLike<number>, prefix = ''): Record<string, number> {
  const logs: Record<string, number> = {};
  const ratios = statsToValues(r, values);
  r.statNames.forEach((name, k) => {
    logs[prefix + name] = ratios[k];
  });
  return logs;
}
