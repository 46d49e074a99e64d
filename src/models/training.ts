/**
 * Keras workflow for LayersModel (the functions layers_model.ts delegates to): compile, fit,
 * fitDataset, evaluate, predict, predictOnBatch, trainOnBatch. The pieces live in compile.ts
 * (optimizer, losses, metrics), fit_loop.ts (training loops), data.ts (batching) and
 * callbacks.ts / callback_list.ts.
 */
import { tidy } from '../globals.js';
import type { Tensor } from '../tensor.js';
import { concat } from '../ops/layout.js';
import type { LayersModel } from './layers_model.js';
import { requireCompiled, resolveCompiled } from './compile.js';
import { ensureBuilt, evaluateStats, numSamples, sliceAll, statsToScalars, toList, type TensorArg } from './data.js';
import type { DatasetLike, FitArgs, FitDatasetArgs, History } from './fit_loop.js';

export { compile, disposeCompiled } from './compile.js';
export type { CompileArgs, CompiledState, LossIdentifier, MetricIdentifier } from './compile.js';
import { reviveWeights } from './fit_recovery.js';
import { applyForPredict } from './predict_plan.js';
export type { FitArgs, FitDatasetArgs, History, DatasetLike } from './fit_loop.js';

// The training loops (fit_loop.ts) are async: they load on their first call (src/async_parts.ts).
export async function fit(model: LayersModel, x: TensorArg, y: TensorArg, args?: FitArgs): Promise<History> {
  return (await import('../async_parts.js')).fit(model, x, y, args);
}
export async function fitDataset(model: LayersModel, dataset: DatasetLike, args: FitDatasetArgs): Promise<History> {
  return (await import('../async_parts.js')).fitDataset(model, dataset, args);
}
export async function evaluateDataset(model: LayersModel, dataset: DatasetLike, args?: { batches?: number; verbose?: number }): Promise<Tensor | Tensor[]> {
  return (await import('../async_parts.js')).evaluateDataset(model, dataset, args);
}
export async function trainOnBatch(model: LayersModel, x: TensorArg, y: TensorArg): Promise<number | number[]> {
  return (await import('../async_parts.js')).trainOnBatch(model, x, y);
}

export interface EvaluateArgs {
  batchSize?: number;
  verbose?: number;
}
export interface PredictArgs {
  batchSize?: number;
  verbose?: boolean;
}

/**
 * Loss (and metrics) over (x, y) in inference mode: a scalar tensor, or [loss, ...] when
 * metrics or several outputs are compiled (TF.js). Computed on the device, no readback.
 */
export function evaluate(model: LayersModel, x: TensorArg, y: TensorArg, args: EvaluateArgs = {}): Tensor | Tensor[] {
  requireCompiled(model, 'evaluate');
  const xs = toList(model, x, 'x', 'evaluate');
  const ys = toList(model, y, 'y', 'evaluate');
  numSamples('evaluate', [xs, ys]);
  ensureBuilt(model, xs);
  reviveWeights(model, 'evaluate');
  const r = resolveCompiled(model);
  const acc = evaluateStats(model, r, xs, ys, args.batchSize ?? 32);
  const out = statsToScalars(acc, r.statNames.length);
  acc.dispose();
  return out.length === 1 ? out[0] : out;
}

/** Run the model in inference mode over x in batches; outputs concatenated along the batch. */
export function predict(model: LayersModel, x: TensorArg, args: PredictArgs = {}): Tensor | Tensor[] {
  const xs = toList(model, x, 'x', 'predict');
  const n = numSamples('predict', [xs]);
  const batchSize = args.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`predict: batchSize must be a positive integer, got ${batchSize}`);
  if (n <= batchSize) return predictOnBatch(model, xs.length === 1 ? xs[0] : xs);
  reviveWeights(model, 'predict');
  // Not under noGrad: as in TF.js, predictions inside tf.grad / variableGrads are differentiable
  // (policy-gradient programs call predict in the loss); outside a gradient scope nothing is taped.
  return tidy(() => {
    const pieces: Tensor[][] = [];
    let isList = false;
    for (let start = 0; start < n; start += batchSize) {
      const out = applyForPredict(model, sliceAll(xs, start, Math.min(batchSize, n - start)));
      isList = Array.isArray(out);
      pieces.push(Array.isArray(out) ? out : [out]);
    }
    const outs = pieces[0].map((_, k) => concat(pieces.map((p) => p[k]), 0));
    return isList ? outs : outs[0];
  });
}


/** The model on one batch, inference mode. */
export function predictOnBatch(model: LayersModel, x: TensorArg): Tensor | Tensor[] {
  const xs = toList(model, x, 'x', 'predictOnBatch');
  numSamples('predictOnBatch', [xs]);
  reviveWeights(model, 'predict');
  return tidy(() => applyForPredict(model, xs)); // differentiable (eager under a tape), see predict
}

