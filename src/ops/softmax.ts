/**
 * softmax and logSoftmax along the last axis, numerically stable (the kernel subtracts the row
 * max), with their vjps.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { runOp, toTensor, type Input, op } from './operand.js';
import { exp } from './unary.js';
import { mul, sub } from './binary.js';
import { sum } from './reduce.js';

function softmaxOp(name: string, logits: Input, dim: number, log: boolean): Tensor {
  const t = toTensor(logits, name, 'logits', undefined, name === 'softmax' ? 'float32' : 'numeric');
  if (t.rank === 0) throw new Error(`${name}: logits must have rank >= 1, got a scalar`);
  if (dim !== -1 && dim !== t.rank - 1) {
    throw new Error(`${name}: only the last dimension is supported (dim -1 or ${t.rank - 1}), got ${dim}`);
  }
  if (t.dtype !== 'float32') throw new Error(`${name}: logits must be float32, got ${t.dtype}`);
  const cols = t.shape[t.rank - 1];
  const rows = cols === 0 ? 0 : t.size / cols;
  const y = runOp('softmax', [t], t.shape, 'float32', { rows, cols, log });
  ENGINE.record(name, [t], [y], ([dy]) => {
    if (!dy) return [null];
    if (log) return [sub(dy, mul(exp(y), sum(dy, -1, true)))];
    return [mul(y, sub(dy, sum(mul(dy, y), -1, true)))];
  });
  return y;
}

/**
 * Softmax over the last dimension: `exp(x) / sum(exp(x))`.
 * @example
 * ```js
 * tf.softmax(tf.tensor([1, 1, 2])).print(); // [0.212, 0.212, 0.576]
 * ```
 */
export const softmax = op('softmax', (logits: Input, dim = -1) => softmaxOp('softmax', logits, dim, false));
/**
 * The log of softmax over the last dimension, computed stably.
 * @example
 * ```js
 * tf.logSoftmax(tf.tensor([1, 1])).print(); // [-0.693, -0.693]
 * ```
 */
export const logSoftmax = op('logSoftmax', (logits: Input, axis = -1) => softmaxOp('logSoftmax', logits, axis, true));
