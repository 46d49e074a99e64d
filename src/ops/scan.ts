/**
 * Selection and scan ops with TF.js names: topk (the k largest along the last axis, with their
 * int32 indices), cumsum and cumprod along any axis. Both run one kernel each on every backend
 * (no transpose: the scan kernel walks the [outer, n, inner] view directly). cumsum's vjp is the
 * reverse-direction cumsum of dy; cumprod's is cumsum(dy * y) in the other direction divided
 * by x (as TensorFlow's; a zero in x gives a non-finite gradient there).
 */
import { Scan } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape, normAxis, sizeOf } from '../util.js';
import { runOp, toTensor, type Input, op } from './operand.js';
import { cast } from './unary.js';
import { div, mul } from './binary.js';

/**
 * TF.js topk(x, k = 1, sorted = true) -> {values, indices} along the last axis.
 * @example
 * ```js
 * const { values, indices } = tf.topk(tf.tensor([1, 5, 3]), 2); // [5, 3] and [1, 2]
 * ```
 */
export const topk = op('topk', function topk(x: Input, k = 1, sorted = true): { values: Tensor; indices: Tensor } {
  const t = toTensor(x, 'topk', 'x');
  if (t.rank === 0) throw new Error('topk() expects the input to be of rank 1 or higher');
  const cols = t.shape[t.rank - 1];
  if (typeof k !== 'number' || !Number.isInteger(k)) throw new Error(`'k' passed to topk() must be an integer but got ${k}`);
  if (k < 0) throw new Error(`'k' passed to topk() must be >= 0 but got ${k}`);
  if (k > cols) throw new Error(`'k' passed to topk() must be <= the last dimension (${cols}) but got ${k}`);
  void sorted; // the kernel always returns the k entries in rank order, which satisfies both modes
  const outShape = [...t.shape.slice(0, -1), k];
  const values = ENGINE.makeOutput(outShape, t.dtype);
  const indices = ENGINE.makeOutput(outShape, 'int32');
  if (values.size > 0) ENGINE.runKernel('topk', [t], [values, indices], { rows: sizeOf(t.shape.slice(0, -1)), cols, k });
  return { values, indices };
});

function scan(name: 'cumsum' | 'cumprod', x: Input, axis: number, exclusive: boolean, reverse: boolean): Tensor {
  const t0 = toTensor(x, name, 'x');
  if (t0.rank === 0) throw new Error(`${name}: x must be of rank 1 or higher, got shape ${fmtShape(t0.shape)}`);
  const ax = normAxis(name, axis, t0.rank);
  // bool counts as int32 (TF.js upcasts to int32)
  const t = t0.dtype === 'bool' ? cast(t0, 'int32') : t0;
  const attrs = {
    op: Scan[name === 'cumsum' ? 'sum' : 'prod'], outer: sizeOf(t.shape.slice(0, ax)), n: t.shape[ax],
    inner: sizeOf(t.shape.slice(ax + 1)), exclusive: Boolean(exclusive), reverse: Boolean(reverse),
  };
  const y = runOp('cumulative', [t], t.shape, t.dtype, attrs);
  if (t.dtype === 'float32') {
    ENGINE.record(name, [t], [y], ([dy]) => {
      if (!dy) return [null];
      if (name === 'cumsum') return [cumsum(dy, ax, exclusive, !reverse)];
      return [div(cumsum(mul(dy, y), ax, exclusive, !reverse), t)];
    });
  }
  return y;
}

/**
 * TF.js cumsum(x, axis = 0, exclusive = false, reverse = false).
 * @example
 * ```js
 * tf.cumsum(tf.tensor([1, 2, 3])).print(); // [1, 3, 6]
 * ```
 */
export const cumsum = op('cumsum', function cumsum(x: Input, axis = 0, exclusive = false, reverse = false): Tensor {
  return scan('cumsum', x, axis, exclusive, reverse);
});

/**
 * TF.js cumprod(x, axis = 0, exclusive = false, reverse = false).
 * @example
 * ```js
 * tf.cumprod(tf.tensor([1, 2, 3])).print(); // [1, 2, 6]
 * ```
 */
export const cumprod = op('cumprod', function cumprod(x: Input, axis = 0, exclusive = false, reverse = false): Tensor {
  return scan('cumprod', x, axis, exclusive, reverse);
});
