/**
 * The `losses` namespace. Functions take (yTrue, yPred, options?) in the TF.js argument order
 * and, like tf.losses.*, return the mean over all samples (a scalar) by default;
 * `{reduction: 'none'}` gives Keras's per-sample values (last axis reduced), `'sum'` the sum.
 * They can be passed to compile({loss}) directly; for options there, use
 * `{name: 'binaryCrossentropy', fromLogits: true}` or a closure.
 */
import type { Tensor } from '../tensor.js';
import { mean, sum } from '../ops/reduce.js';
import * as core from './core.js';
import type { LossName, LossOptions } from './core.js';

export type { LossOptions };
export type Reduction = 'mean' | 'sum' | 'none';
export interface LossCallOptions extends LossOptions {
  reduction?: Reduction;
}

function reduce(values: Tensor, reduction: Reduction = 'mean'): Tensor {
  if (reduction === 'none') return values;
  if (reduction === 'sum') return sum(values);
  if (reduction === 'mean') return mean(values);
  throw new Error(`losses: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
}

/** Marks the public functions so compile() can map them to their per-sample forms. */
export const LOSS_NAME = Symbol('tessera.lossName');
function define(name: LossName) {
  const fn = (yTrue: Tensor, yPred: Tensor, options: LossCallOptions = {}): Tensor =>
    reduce(core.perSampleLoss(name, options)(yTrue, yPred), options.reduction);
  (fn as unknown as Record<symbol, string>)[LOSS_NAME] = name;
  return fn;
}

export const meanSquaredError = define('meanSquaredError');
export const meanAbsoluteError = define('meanAbsoluteError');
export const huber = define('huber');
export const binaryCrossentropy = define('binaryCrossentropy');
export const categoricalCrossentropy = define('categoricalCrossentropy');
export const sparseCategoricalCrossentropy = define('sparseCategoricalCrossentropy');
export { meanSquaredError as mse, meanAbsoluteError as mae, huber as huberLoss };
