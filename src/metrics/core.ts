/**
 * Metric functions (Keras / TF.js semantics) and their epoch accumulation. Accuracy-style and
 * error metrics are per sample (last axis reduced); precision and recall are ratios over the
 * whole batch with a 0.5 threshold. For training every metric is expressed as a
 * (numerator, denominator) pair of scalars so batches can be summed on the device and the epoch
 * value read once: mean metrics use (sum of values, count), precision (TP, TP + FP),
 * recall (TP, TP + FN).
 */
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { equal, greater, logicalAnd, div, where, mul, sub, maximum } from '../ops/binary.js';
import { abs, cast, clipByValue, neg, sqrt, square } from '../ops/unary.js';
import { argMax, mean, sum } from '../ops/reduce.js';
import { reshape } from '../ops/layout.js';
import { scalar } from '../ops/creation.js';
import { op } from '../ops/operand.js';
import { EPSILON, matchLabels, meanAbsoluteError, meanSquaredError } from '../losses/core.js';

const THRESHOLD = 0.5;

/**
 * Per example, the share of predictions on the right side of `threshold` (0.5).
 * @example
 * ```js
 * tf.metrics.binaryAccuracy(tf.tensor([[1], [0]]), tf.tensor([[0.7], [0.6]])).print(); // [1, 0]
 * ```
 */
export const binaryAccuracy = op('binaryAccuracy', function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = THRESHOLD): Tensor {
  const z = matchLabels('binaryAccuracy', yTrue, yPred);
  return mean(cast(equal(z, cast(greater(yPred, threshold), 'float32')), 'float32'), -1);
});

/**
 * 1 where the argmax of `yPred` matches the argmax of one-hot `yTrue`, else 0.
 * @example
 * ```js
 * tf.metrics.categoricalAccuracy(tf.tensor([[0, 1], [1, 0]]), tf.tensor([[0.2, 0.8], [0.3, 0.7]])).print(); // [1, 0]
 * ```
 */
export const categoricalAccuracy = op('categoricalAccuracy', function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  matchLabels('categoricalAccuracy', yTrue, yPred);
  return cast(equal(argMax(yTrue, -1), argMax(yPred, -1)), 'float32');
});

/**
 * 1 where the argmax of `yPred` equals the integer label in `yTrue`, else 0.
 * @example
 * ```js
 * tf.metrics.sparseCategoricalAccuracy(tf.tensor([1, 0]), tf.tensor([[0.2, 0.8], [0.3, 0.7]])).print(); // [1, 0]
 * ```
 */
export const sparseCategoricalAccuracy = op('sparseCategoricalAccuracy', function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const lead = yPred.shape.slice(0, -1);
  if (yTrue.size !== lead.reduce((a, b) => a * b, 1)) {
    throw new Error(`sparseCategoricalAccuracy: labels of shape ${fmtShape(yTrue.shape)} do not fit predictions of shape ${fmtShape(yPred.shape)}`);
  }
  const labels = reshape(yTrue.dtype === 'int32' ? yTrue : cast(yTrue, 'int32'), lead);
  return cast(equal(labels, argMax(yPred, -1)), 'float32');
});

/** [true positives, predicted positives, actual positives] as float scalars. */
function confusion(op: string, yTrue: Tensor, yPred: Tensor): [Tensor, Tensor, Tensor] {
  const z = greater(matchLabels(op, yTrue, yPred), THRESHOLD);
  const p = greater(yPred, THRESHOLD);
  const f = (t: Tensor) => sum(cast(t, 'float32'));
  return [f(logicalAnd(z, p)), f(p), f(z)];
}

const safeRatio = (num: Tensor, den: Tensor) => where(greater(den, 0), div(num, where(greater(den, 0), den, 1)), 0);

/**
 * TP / (TP + FP), 0 when nothing is predicted positive.
 * @example
 * ```js
 * tf.metrics.precision(tf.tensor([1, 0, 1]), tf.tensor([1, 1, 0])).print(); // 0.5
 * ```
 */
export const precision = op('precision', function precision(yTrue: Tensor, yPred: Tensor): Tensor {
  const [tp, pp] = confusion('precision', yTrue, yPred);
  return safeRatio(tp, pp);
});
/**
 * TP / (TP + FN), 0 when there are no positives.
 * @example
 * ```js
 * tf.metrics.recall(tf.tensor([1, 0, 1]), tf.tensor([1, 1, 0])).print(); // 0.5
 * ```
 */
export const recall = op('recall', function recall(yTrue: Tensor, yPred: Tensor): Tensor {
  const [tp, , ap] = confusion('recall', yTrue, yPred);
  return safeRatio(tp, ap);
});

export { meanSquaredError, meanAbsoluteError };

/**
 * 100 * mean(|yTrue - yPred| / max(|yTrue|, 1e-7)) over the last axis.
 * @example
 * ```js
 * tf.metrics.meanAbsolutePercentageError(tf.tensor([[2, 4]]), tf.tensor([[1, 4]])).print(); // [25]
 * ```
 */
export const meanAbsolutePercentageError = op('meanAbsolutePercentageError', function meanAbsolutePercentageError(yTrue: Tensor, yPred: Tensor): Tensor {
  const z = matchLabels('meanAbsolutePercentageError', yTrue, yPred);
  return mul(mean(abs(div(sub(z, yPred), clipByValue(abs(z), EPSILON, Number.MAX_VALUE))), -1), 100);
});

const l2Normalize = (x: Tensor) => div(x, sqrt(maximum(sum(square(x), -1, true), EPSILON)));

/**
 * -sum(normalize(yTrue) * normalize(yPred)) over the last axis (TF.js cosineProximity).
 * @example
 * ```js
 * tf.metrics.cosineProximity(tf.tensor([[0, 1]]), tf.tensor([[0, 2]])).print(); // [-1]
 * ```
 */
export const cosineProximity = op('cosineProximity', function cosineProximity(yTrue: Tensor, yPred: Tensor): Tensor {
  const z = matchLabels('cosineProximity', yTrue, yPred);
  return neg(sum(mul(l2Normalize(z), l2Normalize(yPred)), -1));
});

/**
 * Coefficient of determination 1 - SS_res / SS_tot over the whole batch (a scalar).
 * @example
 * ```js
 * tf.metrics.r2Score(tf.tensor([1, 2, 3]), tf.tensor([1, 2, 3])).print(); // 1
 * ```
 */
export const r2Score = op('r2Score', function r2Score(yTrue: Tensor, yPred: Tensor): Tensor {
  const z = matchLabels('r2Score', yTrue, yPred);
  return sub(1, div(sum(square(sub(z, yPred))), sum(square(sub(z, mean(z))))));
});

/** A metric for the training loop: name plus batch statistics (numerator, denominator). */
export interface MetricSpec {
  name: string;
  stats(yTrue: Tensor, yPred: Tensor): [Tensor, Tensor];
}

/** Mean-style metric from a per-sample function (or any function: its values are averaged). */
export function meanMetric(name: string, fn: (yTrue: Tensor, yPred: Tensor) => Tensor): MetricSpec {
  return {
    name,
    stats: (yTrue, yPred) => {
      const v = fn(yTrue, yPred);
      return [sum(v), scalar(v.size)];
    },
  };
}

export const precisionSpec = (name = 'precision'): MetricSpec => ({
  name,
  stats: (t, p) => {
    const [tp, pp] = confusion('precision', t, p);
    return [tp, pp];
  },
});
export const recallSpec = (name = 'recall'): MetricSpec => ({
  name,
  stats: (t, p) => {
    const [tp, , ap] = confusion('recall', t, p);
    return [tp, ap];
  },
});

/** num / den as a number, 0 when den is 0. */
export const ratio = (num: number, den: number): number => (den > 0 ? num / den : 0);

