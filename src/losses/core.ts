/**
 * Keras loss functions, per sample: each reduces the last axis (the class / feature axis) and
 * returns one value per sample, [batch] (or [batch, ...] for sequence outputs). The model's
 * training loop weights and averages these; the public `losses` namespace wraps them with a
 * reduction. Probabilities are clipped to [1e-7, 1 - 1e-7] as Keras does; logits use the
 * log-softmax / softplus forms, which stay finite for extreme values.
 */
import type { Tensor } from '../tensor.js';
import { fmtShape, shapesEqual } from '../util.js';
import { add, minimum, mul, sub, div } from '../ops/binary.js';
import { abs, cast, clipByValue, log, neg, relu, softplus, square } from '../ops/unary.js';
import { mean, sum } from '../ops/reduce.js';
import { logSoftmax } from '../ops/softmax.js';
import { oneHot } from '../ops/indexing.js';
import { reshape } from '../ops/layout.js';
import { op } from '../ops/operand.js';

/** Keras's fuzz factor for clipping probabilities. */
export const EPSILON = 1e-7;

/**
 * Options of the `tf.losses.*` functions: sample weights and the reduction.
 */
export interface LossOptions {
  /** Predictions are logits rather than probabilities (crossentropies). */
  fromLogits?: boolean;
  /** Smooth the labels toward uniform (binary / categorical crossentropy). */
  labelSmoothing?: number;
  /** Where huber switches from quadratic to linear (default 1). */
  delta?: number;
}
export type PerSampleLoss = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Float labels of the predictions' shape, or a clear error. */
export function matchLabels(op: string, yTrue: Tensor, yPred: Tensor): Tensor {
  if (!shapesEqual(yTrue.shape, yPred.shape)) {
    throw new Error(`${op}: labels shape ${fmtShape(yTrue.shape)} and predictions shape ${fmtShape(yPred.shape)} must match`);
  }
  return yTrue.dtype === 'float32' ? yTrue : cast(yTrue, 'float32');
}

/** Integer class labels [..] or [.., 1] as one-hot float labels of the predictions' shape. */
export function sparseToOneHot(op: string, yTrue: Tensor, yPred: Tensor): Tensor {
  const lead = yPred.shape.slice(0, -1);
  const n = lead.reduce((a, b) => a * b, 1);
  if (yPred.rank < 1 || yTrue.size !== n) {
    throw new Error(`${op}: integer labels of shape ${fmtShape(yTrue.shape)} do not fit predictions of shape ${fmtShape(yPred.shape)} (expected ${fmtShape(lead)} or ${fmtShape([...lead, 1])})`);
  }
  const idx = yTrue.dtype === 'int32' ? yTrue : cast(yTrue, 'int32');
  return oneHot(reshape(idx, lead), yPred.shape[yPred.rank - 1], 1, 0, 'float32');
}

// Scoped like ops (see operand.ts `op`): called outside tidy they leave only their result.
/**
 * Mean squared error over the last axis, per example (also `mse`, `MSE`).
 * @example
 * ```js
 * tf.metrics.meanSquaredError(tf.tensor([[1, 2]]), tf.tensor([[2, 4]])).print(); // [2.5]
 * ```
 */
export const meanSquaredError: PerSampleLoss = op('meanSquaredError', (yTrue: Tensor, yPred: Tensor) => mean(square(sub(yPred, matchLabels('meanSquaredError', yTrue, yPred))), -1));
/**
 * Mean absolute error over the last axis, per example (also `mae`, `MAE`).
 * @example
 * ```js
 * tf.metrics.meanAbsoluteError(tf.tensor([[1, 2]]), tf.tensor([[2, 4]])).print(); // [1.5]
 * ```
 */
export const meanAbsoluteError: PerSampleLoss = op('meanAbsoluteError', (yTrue: Tensor, yPred: Tensor) => mean(abs(sub(yPred, matchLabels('meanAbsoluteError', yTrue, yPred))), -1));

export function huber(options: LossOptions = {}): PerSampleLoss {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new Error(`huber: delta must be positive, got ${delta}`);
  return (yTrue, yPred) => {
    const err = abs(sub(yPred, matchLabels('huber', yTrue, yPred)));
    const quad = minimum(err, delta);
    // 0.5 q^2 + delta (|e| - q): quadratic inside delta, linear outside.
    return mean(add(mul(square(quad), 0.5), mul(sub(err, quad), delta)), -1);
  };
}

function smoothing(op: string, options: LossOptions): number {
  const s = options.labelSmoothing ?? 0;
  if (!(s >= 0 && s <= 1)) throw new Error(`${op}: labelSmoothing must be in [0, 1], got ${s}`);
  return s;
}

export function binaryCrossentropy(options: LossOptions = {}): PerSampleLoss {
  const ls = smoothing('binaryCrossentropy', options);
  return (yTrue, yPred) => {
    let z = matchLabels('binaryCrossentropy', yTrue, yPred);
    if (ls) z = add(mul(z, 1 - ls), 0.5 * ls);
    if (options.fromLogits) {
      // max(x, 0) - x z + log(1 + exp(-|x|))
      return mean(add(sub(relu(yPred), mul(yPred, z)), softplus(neg(abs(yPred)))), -1);
    }
    const p = clipByValue(yPred, EPSILON, 1 - EPSILON);
    return neg(mean(add(mul(z, log(p)), mul(sub(1, z), log(sub(1, p)))), -1));
  };
}

function crossentropyOf(op: string, z: Tensor, yPred: Tensor, options: LossOptions): Tensor {
  const ls = smoothing(op, options);
  const classes = yPred.shape[yPred.rank - 1];
  if (ls) z = add(mul(z, 1 - ls), ls / classes);
  if (options.fromLogits) return neg(sum(mul(z, logSoftmax(yPred)), -1));
  const p = clipByValue(div(yPred, sum(yPred, -1, true)), EPSILON, 1 - EPSILON);
  return neg(sum(mul(z, log(p)), -1));
}

export function categoricalCrossentropy(options: LossOptions = {}): PerSampleLoss {
  return (yTrue, yPred) => crossentropyOf('categoricalCrossentropy', matchLabels('categoricalCrossentropy', yTrue, yPred), yPred, options);
}

export function sparseCategoricalCrossentropy(options: LossOptions = {}): PerSampleLoss {
  return (yTrue, yPred) =>
    crossentropyOf('sparseCategoricalCrossentropy', sparseToOneHot('sparseCategoricalCrossentropy', yTrue, yPred), yPred, options);
}

/** Canonical loss names with their aliases (TF.js / Keras spellings). */
const ALIASES: Record<string, string> = {
  mse: 'meanSquaredError', meansquarederror: 'meanSquaredError', mean_squared_error: 'meanSquaredError',
  mae: 'meanAbsoluteError', meanabsoluteerror: 'meanAbsoluteError', mean_absolute_error: 'meanAbsoluteError',
  huber: 'huber', huberloss: 'huber', huber_loss: 'huber',
  binarycrossentropy: 'binaryCrossentropy', binary_crossentropy: 'binaryCrossentropy',
  categoricalcrossentropy: 'categoricalCrossentropy', categorical_crossentropy: 'categoricalCrossentropy',
  sparsecategoricalcrossentropy: 'sparseCategoricalCrossentropy', sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};

export type LossName = 'meanSquaredError' | 'meanAbsoluteError' | 'huber' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

/** Canonical name of a loss identifier, or undefined. */
export function canonicalLossName(name: string): LossName | undefined {
  return (ALIASES[name] ?? ALIASES[name.toLowerCase()]) as LossName | undefined;
}

/** The per-sample loss for a canonical name and options. */
export function perSampleLoss(name: LossName, options: LossOptions = {}): PerSampleLoss {
  switch (name) {
    case 'meanSquaredError': return meanSquaredError;
    case 'meanAbsoluteError': return meanAbsoluteError;
    case 'huber': return huber(options);
    case 'binaryCrossentropy': return binaryCrossentropy(options);
    case 'categoricalCrossentropy': return categoricalCrossentropy(options);
    case 'sparseCategoricalCrossentropy': return sparseCategoricalCrossentropy(options);
  }
}
