/**
 * TF.js core-style losses (`tf.losses.*` of @tensorflow/tfjs-core): elementwise losses with
 * optional weights and a Reduction (default SUM_BY_NONZERO_WEIGHTS), positional arguments
 * (labels, predictions, weights?, [extra], reduction?) as TF.js has them. Each runs as an op, so what it
 * converts or computes on the way is freed.
 */
import type { Tensor } from '../tensor.js';
import { add, div, minimum, mul, notEqual, sub } from '../ops/binary.js';
import { abs, cast, log, neg, relu, softplus, square } from '../ops/unary.js';
import { mean, sum } from '../ops/reduce.js';
import { logSoftmax } from '../ops/softmax.js';
import { ones } from '../ops/creation.js';
import { op, toTensor, type Input } from '../ops/operand.js';
import { matchLabels } from './core.js';
import { shapesEqual } from '../util.js';

/** TF.js `Reduction`. */
export enum Reduction {
  NONE = 0,
  MEAN = 1,
  SUM = 2,
  SUM_BY_NONZERO_WEIGHTS = 3,
}

/**
 * Weight and reduce elementwise losses (TF.js computeWeightedLoss).
 * @example
 * ```js
 * tf.losses.computeWeightedLoss(tf.tensor([1, 2, 3])).print(); // 2 (mean)
 * ```
 */
export const computeWeightedLoss = op('computeWeightedLoss', function computeWeightedLoss(lossValues: Input, weights?: Input | null, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  return weightAndReduce('computeWeightedLoss', toTensor(lossValues, 'computeWeightedLoss', 'losses'), weights, reduction);
});

/** computeWeightedLoss on behalf of `op` (argument errors name that loss). */
function weightAndReduce(op: string, losses: Tensor, weights?: Input | null, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  const w = weights === undefined || weights === null ? null : toTensor(weights, op, 'weights');
  const weighted = w ? mul(losses, w) : losses;
  switch (reduction) {
    case Reduction.NONE:
      return weighted;
    case Reduction.SUM:
      return sum(weighted);
    case Reduction.MEAN: {
      if (!w) return mean(weighted);
      const r = div(sum(weighted), sum(w));
      const factor = losses.size / w.size;
      return factor > 1 ? div(r, factor) : r;
    }
    case Reduction.SUM_BY_NONZERO_WEIGHTS: {
      if (!w) return div(sum(weighted), losses.size);
      const nonZero = sum(cast(notEqual(mul(w, ones(losses.shape)), 0), 'float32'));
      return div(sum(weighted), nonZero);
    }
    default:
      throw new Error(`${op}: unknown reduction ${reduction}`);
  }
}

/** Labels and predictions as tensors of one shape (TF.js wording when they differ). */
const pair = (op: string, labels: Input, predictions: Input, names = ['labels', 'predictions']): [Tensor, Tensor] => {
  const z = toTensor(labels, op, names[0]);
  const p = toTensor(predictions, op, names[1]);
  if (!shapesEqual(z.shape, p.shape)) throw new Error(`Error in ${op}:  Shapes ${z.shape} and ${p.shape} must match`);
  return [matchLabels(op, z, p), p];
};

/**
 * The weighted mean of `|labels - predictions|`.
 * @example
 * ```js
 * tf.losses.absoluteDifference(tf.tensor([1, 2]), tf.tensor([2, 4])).print(); // 1.5
 * ```
 */
export const absoluteDifference = op('absoluteDifference', function absoluteDifference(labels: Input, predictions: Input, weights?: Input | null, reduction?: Reduction): Tensor {
  const [z, p] = pair('absoluteDifference', labels, predictions);
  return weightAndReduce('absoluteDifference', abs(sub(p, z)), weights, reduction);
});

/** Elementwise squared error with TF.js-core weights/reduction. */
export const weightedMeanSquaredError = op('weightedMeanSquaredError', function weightedMeanSquaredError(labels: Input, predictions: Input, weights?: Input | null, reduction?: Reduction): Tensor {
  const [z, p] = pair('meanSquaredError', labels, predictions);
  return weightAndReduce('meanSquaredError', square(sub(p, z)), weights, reduction);
});

/**
 * Huber loss: quadratic for errors below `delta` (1), linear above.
 * @example
 * ```js
 * tf.losses.huberLoss(tf.tensor([0, 0]), tf.tensor([0.5, 3])).print(); // (0.125 + 2.5) / 2
 * ```
 */
export const huberLoss = op('huberLoss', function huberLoss(labels: Input, predictions: Input, weights?: Input | null, delta = 1, reduction?: Reduction): Tensor {
  const [z, p] = pair('huberLoss', labels, predictions);
  const err = abs(sub(p, z));
  const quad = minimum(err, delta);
  return weightAndReduce('huberLoss', add(mul(square(quad), 0.5), mul(sub(err, quad), delta)), weights, reduction);
});

/**
 * Binary log loss of probabilities `predictions` against 0/1 `labels`.
 * @example
 * ```js
 * tf.losses.logLoss(tf.tensor([1, 0]), tf.tensor([0.9, 0.1])).print(); // 0.105
 * ```
 */
export const logLoss = op('logLoss', function logLoss(labels: Input, predictions: Input, weights?: Input | null, epsilon = 1e-7, reduction?: Reduction): Tensor {
  const [z, p] = pair('logLoss', labels, predictions);
  const l = neg(add(mul(z, log(add(p, epsilon))), mul(sub(1, z), log(add(sub(1, p), epsilon)))));
  return weightAndReduce('logLoss', l, weights, reduction);
});

/**
 * Hinge loss `max(0, 1 - y * p)` with 0/1 labels mapped to -1/1.
 * @example
 * ```js
 * tf.losses.hingeLoss(tf.tensor([1, 0]), tf.tensor([0.5, -0.5])).print(); // 0.5
 * ```
 */
export const hingeLoss = op('hingeLoss', function hingeLoss(labels: Input, predictions: Input, weights?: Input | null, reduction?: Reduction): Tensor {
  const [z, p] = pair('hingeLoss', labels, predictions);
  return weightAndReduce('hingeLoss', relu(sub(1, mul(sub(mul(z, 2), 1), p))), weights, reduction);
});

/**
 * Sigmoid cross-entropy of `logits` against multi-class 0/1 labels.
 * @example
 * ```js
 * tf.losses.sigmoidCrossEntropy(tf.tensor([[1, 0]]), tf.tensor([[2, -2]])).print();
 * ```
 */
export const sigmoidCrossEntropy = op('sigmoidCrossEntropy', function sigmoidCrossEntropy(multiClassLabels: Input, logits: Input, weights?: Input | null, labelSmoothing = 0, reduction?: Reduction): Tensor {
  let [z, x] = pair('sigmoidCrossEntropy', multiClassLabels, logits, ['multiClassLabels', 'logits']);
  if (labelSmoothing > 0) z = add(mul(z, 1 - labelSmoothing), 0.5 * labelSmoothing);
  const l = add(sub(relu(x), mul(x, z)), softplus(neg(abs(x))));
  return weightAndReduce('sigmoidCrossEntropy', l, weights, reduction);
});

/**
 * Softmax cross-entropy of `logits` against one-hot labels.
 * @example
 * ```js
 * tf.losses.softmaxCrossEntropy(tf.tensor([[0, 1]]), tf.tensor([[1, 3]])).print(); // 0.127
 * ```
 */
export const softmaxCrossEntropy = op('softmaxCrossEntropy', function softmaxCrossEntropy(onehotLabels: Input, logits: Input, weights?: Input | null, labelSmoothing = 0, reduction?: Reduction): Tensor {
  let [z, x] = pair('softmaxCrossEntropy', onehotLabels, logits, ['onehotLabels', 'logits']);
  if (labelSmoothing > 0) z = add(mul(z, 1 - labelSmoothing), labelSmoothing / x.shape[x.rank - 1]);
  return weightAndReduce('softmaxCrossEntropy', neg(sum(mul(z, logSoftmax(x)), -1)), weights, reduction);
});

/**
 * 1 - sum(labels * predictions) along `axis` (kept as size 1); inputs are expected unit-normalised.
 * @example
 * ```js
 * tf.losses.cosineDistance(tf.tensor([[0, 1]]), tf.tensor([[0, 1]]), 1).print(); // 0
 * ```
 */
export const cosineDistance = op('cosineDistance', function cosineDistance(labels: Input, predictions: Input, axis: number, weights?: Input | null, reduction?: Reduction): Tensor {
  const [z, p] = pair('cosineDistance', labels, predictions);
  return weightAndReduce('cosineDistance', sub(1, sum(mul(z, p), axis, true)), weights, reduction);
});
