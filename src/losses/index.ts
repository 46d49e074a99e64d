/**
 * The `losses` namespace. Two families share it:
 * - Keras-named losses (meanSquaredError/mse, meanAbsoluteError/mae, huber, binaryCrossentropy,
 *   categoricalCrossentropy, sparseCategoricalCrossentropy) called as (yTrue, yPred, options?)
 *   with options {fromLogits, labelSmoothing, delta, reduction: 'mean' | 'sum' | 'none'}: the
 *   mean over samples (a scalar) by default, Keras's per-sample values with 'none'.
 * - TF.js core losses (computeWeightedLoss, absoluteDifference, huberLoss, logLoss, hingeLoss,
 *   sigmoidCrossEntropy, softmaxCrossEntropy, and meanSquaredError called with a weights
 *   third argument) with positional (labels, predictions, weights?, ..., reduction?) and the
 *   Reduction enum.
 * All of them can be passed to compile({loss}); for Keras options there use
 * `{name: 'binaryCrossentropy', fromLogits: true}` or a closure.
 */
import { Tensor } from '../tensor.js';
import { mean, sum } from '../ops/reduce.js';
import { op, type Input } from '../ops/operand.js';
import * as core from './core.js';
import type { LossName, LossOptions } from './core.js';
import { Reduction, computeWeightedLoss, weightedMeanSquaredError } from './weighted.js';

export { Reduction, computeWeightedLoss };
export { absoluteDifference, cosineDistance, huberLoss, logLoss, hingeLoss, sigmoidCrossEntropy, softmaxCrossEntropy } from './weighted.js';
export type { LossOptions };
/**
 * How a Keras-style loss reduces its per-example values: 'mean', 'sum' or 'none'.
 */
export type ReductionName = 'mean' | 'sum' | 'none';
/**
 * The options object a Keras-style loss (`tf.losses.meanSquaredError`, ...) takes as its third argument.
 */
export interface LossCallOptions extends LossOptions {
  reduction?: ReductionName | Reduction;
}

function reduce(values: Tensor, reduction: ReductionName | Reduction = 'mean'): Tensor {
  if (reduction === 'none' || reduction === Reduction.NONE) return values;
  if (reduction === 'sum' || reduction === Reduction.SUM) return sum(values);
  if (reduction === 'mean' || reduction === Reduction.MEAN || reduction === Reduction.SUM_BY_NONZERO_WEIGHTS) return mean(values);
  throw new Error(`losses: reduction must be 'mean', 'sum' or 'none' (or a Reduction), got '${reduction}'`);
}

const isOptions = (v: unknown): v is LossCallOptions =>
  v === undefined || (typeof v === 'object' && v !== null && !(v instanceof Tensor) && !Array.isArray(v) && !ArrayBuffer.isView(v));

/** Marks the public functions so compile() can map them to their per-sample forms. */
export const LOSS_NAME = Symbol('tessera.lossName');
type LossFunction = (yTrue: Tensor, yPred: Tensor, optionsOrWeights?: LossCallOptions | Input | null, reduction?: Reduction) => Tensor;
function define(name: LossName): LossFunction {
  // op(): called outside tidy, a loss leaves only its result (and nothing when it throws).
  const fn: LossFunction = op(name, (yTrue: Tensor, yPred: Tensor, third?: LossCallOptions | Input | null, reduction?: Reduction) => {
    if (reduction === undefined && isOptions(third)) return reduce(core.perSampleLoss(name, third ?? {})(yTrue, yPred), third?.reduction);
    // TF.js core form: (labels, predictions, weights, reduction).
    const weights = (reduction === undefined && isOptions(third) ? null : third) as Input | null | undefined;
    if (name === 'meanSquaredError') return weightedMeanSquaredError(yTrue, yPred, weights, reduction);
    return computeWeightedLoss(core.perSampleLoss(name)(yTrue, yPred), weights, reduction);
  });
  (fn as unknown as Record<symbol, string>)[LOSS_NAME] = name;
  return fn;
}

/**
 * Mean squared error of `yPred` against `yTrue` (Keras / TF.js semantics).
 * @example
 * ```js
 * tf.losses.meanSquaredError(tf.tensor([1, 2]), tf.tensor([2, 4])).print(); // 2.5
 * ```
 */
export const meanSquaredError = define('meanSquaredError');
/**
 * Mean absolute error of `yPred` against `yTrue`.
 * @example
 * ```js
 * tf.losses.meanAbsoluteError(tf.tensor([1, 2]), tf.tensor([2, 4])).print(); // 1.5
 * ```
 */
export const meanAbsoluteError = define('meanAbsoluteError');
/**
 * Huber loss (Keras name), quadratic below delta 1 and linear above.
 * @example
 * ```js
 * tf.losses.huber(tf.tensor([0, 0]), tf.tensor([0.5, 3])).print();
 * ```
 */
export const huber = define('huber');
/**
 * Binary cross-entropy of probabilities `yPred` against 0/1 `yTrue`.
 * @example
 * ```js
 * tf.losses.binaryCrossentropy(tf.tensor([1, 0]), tf.tensor([0.9, 0.1])).print(); // 0.105
 * ```
 */
export const binaryCrossentropy = define('binaryCrossentropy');
/**
 * Categorical cross-entropy of probabilities `yPred` against one-hot `yTrue`.
 * @example
 * ```js
 * tf.losses.categoricalCrossentropy(tf.tensor([[0, 1]]), tf.tensor([[0.2, 0.8]])).print(); // 0.223
 * ```
 */
export const categoricalCrossentropy = define('categoricalCrossentropy');
/**
 * Categorical cross-entropy with integer class labels instead of one-hot.
 * @example
 * ```js
 * tf.losses.sparseCategoricalCrossentropy(tf.tensor([1]), tf.tensor([[0.2, 0.8]])).print(); // 0.223
 * ```
 */
export const sparseCategoricalCrossentropy = define('sparseCategoricalCrossentropy');
export { meanSquaredError as mse, meanAbsoluteError as mae };
