/**
 * Elementwise ops composed from existing kernels (TF.js names): addN, logSigmoid, movingAverage,
 * and bitwiseAnd (int32, computed on the host as TF.js's cpu backend does; no kernel has
 * integer bit operations). Gradients come from the composed ops.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape, shapesEqual } from '../util.js';
import { hostValues, toTensor, type Input, op } from './operand.js';
import { add, div, mul, pow, sub } from './binary.js';
import { neg, softplus } from './unary.js';
import { clone } from './creation.js';

/**
 * Elementwise sum of same-shape, same-dtype tensors (TF.js addN).
 * @example
 * ```js
 * tf.addN([tf.tensor([1, 2]), tf.tensor([3, 4]), tf.tensor([5, 6])]).print(); // [9, 12]
 * ```
 */
export const addN = op('addN', function addN(tensors: Input[]): Tensor {
  if (!Array.isArray(tensors)) throw new Error('The argument passed to tf.addN() must be a list of tensors');
  if (tensors.length < 1) throw new Error(`Must pass at least one tensor to tf.addN(), but got ${tensors.length}`);
  const ts = tensors.map((t, i) => toTensor(t, 'addN', `tensors${i}`));
  for (const t of ts) {
    if (t.dtype !== ts[0].dtype) throw new Error('All tensors passed to tf.addN() must have the same dtype');
    if (!shapesEqual(t.shape, ts[0].shape)) throw new Error('All tensors passed to tf.addN() must have the same shape');
  }
  return ts.length === 1 ? clone(ts[0]) : ts.slice(2).reduce((acc, t) => add(acc, t), add(ts[0], ts[1]));
});

/**
 * log(sigmoid(x)) = -softplus(-x), stable for large |x|.
 * @example
 * ```js
 * tf.logSigmoid(tf.tensor([0])).print(); // [-0.693]
 * ```
 */
export const logSigmoid = op('logSigmoid', function logSigmoid(x: Input): Tensor {
  const t = toTensor(x, 'logSigmoid', 'x');
  return neg(softplus(neg(t)));
});

/**
 * v + (x - v) * (1 - decay), divided by 1 - decay^step when zeroDebias (TF.js movingAverage).
 * @example
 * ```js
 * tf.movingAverage(tf.tensor([1]), tf.tensor([3]), 0.5, null, false).print(); // [2]
 * ```
 */
export const movingAverage = op('movingAverage', function movingAverage(v: Input, x: Input, decay: number | Tensor, step?: number | Tensor, zeroDebias = true): Tensor {
  const tv = toTensor(v, 'movingAverage', 'v');
  const tx = toTensor(x, 'movingAverage', 'x');
  if (tv.dtype !== tx.dtype) throw new Error(`The dtypes of the first(${tv.dtype}) and second(${tx.dtype}) input must match`);
  if (!shapesEqual(tv.shape, tx.shape)) throw new Error(`Shape mismatch in v and x: ${fmtShape(tv.shape)} vs ${fmtShape(tx.shape)}`);
  const d = toTensor(decay, 'movingAverage', 'decay');
  let update = mul(sub(tx, tv), sub(1, d));
  if (zeroDebias) {
    if (step == null) throw new Error('When using zeroDebias: true, step is required.');
    update = div(update, sub(1, pow(d, toTensor(step, 'movingAverage', 'step'))));
  }
  return add(tv, update);
});

/**
 * Bitwise AND of two same-shape int32 tensors.
 * @example
 * ```js
 * tf.bitwiseAnd(tf.tensor1d([12, 10], 'int32'), tf.tensor1d([10, 6], 'int32')).print(); // [8, 2]
 * ```
 */
export const bitwiseAnd = op('bitwiseAnd', function bitwiseAnd(x: Input, y: Input): Tensor {
  const a = toTensor(x, 'bitwiseAnd', 'x');
  const b = toTensor(y, 'bitwiseAnd', 'y');
  if (!shapesEqual(a.shape, b.shape)) throw new Error(`BitwiseAnd: Tensors must have the same shape. x: ${a.shape}, y: ${b.shape}`);
  if (a.dtype !== 'int32' || b.dtype !== 'int32') {
    throw new Error(`BitwiseAnd: Only supports 'int32' values in tensor, found type of x: ${a.dtype} and type of y: ${b.dtype}`);
  }
  const av = hostValues('bitwiseAnd', a);
  const bv = hostValues('bitwiseAnd', b);
  const out = new Int32Array(av.length);
  for (let i = 0; i < out.length; i++) out[i] = av[i] & bv[i];
  return ENGINE.makeTensor(out, a.shape, 'int32');
});
