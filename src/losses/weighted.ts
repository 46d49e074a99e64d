/**
 * TF.js core-style losses (`tf.losses.*` of @tensorflow/tfjs-core): elementwise losses with
 * optional weights and a Reduction (default SUM_BY_NONZERO_WEIGHTS), positional arguments
 * (labels, predictions, weights?, [extra], reduction?) as TF.js has them.
 */
import type { Tensor } from '../tensor.js';
import { add, div, minimum, mul, notEqual, sub } from '../ops/binary.js';
import { abs, cast, log, neg, relu, softplus, square } from '../ops/unary.js';
import { mean, sum } from '../ops/reduce.js';
import { logSoftmax } from '../ops/softmax.js';
import { ones } from '../ops/creation.js';
import { op, toTensor, type Input } from '../ops/operand.js';
import { matchLabels } from './core.js';

/** TF.js `Reduction`. */
export enum Reduction {
  NONE = 0,
  MEAN = 1,
  SUM = 2,
  SUM_BY_NONZERO_WEIGHTS = 3,
}

/** Weight and reduce elementwise losses (TF.js computeWeightedLoss). */
export const computeWeightedLoss = op(function computeWeightedLoss(losses: Tensor, weights?: Input | null, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  const w = weights === undefined || weights === null ? null : toTensor(weights, 'computeWeightedLoss', 'weights');
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
      throw new Error(`computeWeightedLoss: unknown reduction ${reduction}`);
  }
});

const pair = (op: string, labels: Input, predictions: Input): [Tensor, Tensor] => {
  const p = toTensor(predictions, op, 'predictions');
  return [matchLabels(op, toTensor(labels, op, 'labels'), p), p];
};

export const absoluteDifference = op(function absoluteDifference(labels: Input, predictions: Input, weights?: Input | null, reduction?: Reduction): Tensor {
  const [z, p] = pair('absoluteDifference', labels, predictions);
  return computeWeightedLoss(abs(sub(p, z)), weights, reduction);
});

/** Elementwise squared error with TF.js-core weights/reduction. */
export const weightedMeanSquaredError = op(function weightedMeanSquaredError(labels: Input, predictions: Input, weights?: Input | null, reduction?: Reduction): Tensor {
  const [z, p] = pair('meanSquaredError', labels, predictions);
  return computeWeightedLoss(square(sub(p, z)), weights, reduction);
});

export const huberLoss = op(function huberLoss(labels: Input, predictions: Input, weights?: Input | null, delta = 1, reduction?: Reduction): Tensor {
  const [z, p] = pair('huberLoss', labels, predictions);
  const err = abs(sub(p, z));
  const quad = minimum(err, delta);
  return computeWeightedLoss(add(mul(square(quad), 0.5), mul(sub(err, quad), delta)), weights, reduction);
});

export const logLoss = op(function logLoss(labels: Input, predictions: Input, weights?: Input | null, epsilon = 1e-7, reduction?: Reduction): Tensor {
  const [z, p] = pair('logLoss', labels, predictions);
  const l = neg(add(mul(z, log(add(p, epsilon))), mul(sub(1, z), log(add(sub(1, p), epsilon)))));
  return computeWeightedLoss(l, weights, reduction);
});

export const hingeLoss = op(function hingeLoss(labels: Input, predictions: Input, weights?: Input | null, reduction?: Reduction): Tensor {
  const [z, p] = pair('hingeLoss', labels, predictions);
  return computeWeightedLoss(relu(sub(1, mul(sub(mul(z, 2), 1), p))), weights, reduction);
});

export const sigmoidCrossEntropy = op(function sigmoidCrossEntropy(multiClassLabels: Input, logits: Input, weights?: Input | null, labelSmoothing = 0, reduction?: Reduction): Tensor {
  let [z, x] = pair('sigmoidCrossEntropy', multiClassLabels, logits);
  if (labelSmoothing > 0) z = add(mul(z, 1 - labelSmoothing), 0.5 * labelSmoothing);
  const l = add(sub(relu(x), mul(x, z)), softplus(neg(abs(x))));
  return computeWeightedLoss(l, weights, reduction);
});

export const softmaxCrossEntropy = op(function softmaxCrossEntropy(onehotLabels: Input, logits: Input, weights?: Input | null, labelSmoothing = 0, reduction?: Reduction): Tensor {
  let [z, x] = pair('softmaxCrossEntropy', onehotLabels, logits);
  if (labelSmoothing > 0) z = add(mul(z, 1 - labelSmoothing), labelSmoothing / x.shape[x.rank - 1]);
  return computeWeightedLoss(neg(sum(mul(z, logSoftmax(x)), -1)), weights, reduction);
});
