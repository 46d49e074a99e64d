/**
 * Reductions along any axes with keepDims (TF.js names). Every backend reduces the inner axis of
 * an [outer, inner] view (the op layer moves the reduced axes last when they are not trailing) or,
 * for a float32 sum or mean over leading axes, the middle axis of an [outer, inner, cols] view;
 * vjps broadcast the cotangent back over the reduced axes.
 */
import type { DType } from '../backends/backend.js';
import { Reduce, type ReduceOp } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { normAxes, normAxis, sizeOf } from '../util.js';
import { runOp, toTensor, type Accept, type Input, op } from './operand.js';
import { broadcastTo, reshape, transpose } from './layout.js';
import { cast, exp } from './unary.js';
import { div, equal, mul, sub, where } from './binary.js';

interface Plan {
  x: Tensor;
  axes: number[];
  outShape: number[];
  keepShape: number[];
}

function plan(op: string, x: Input, axis: number | number[] | undefined | null, keepDims: boolean, accept: Accept = 'numeric'): Plan {
  const t = toTensor(x, op, 'x', undefined, accept);
  const axes = normAxes(op, axis, t.rank);
  const keepShape = t.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outShape = keepDims ? keepShape : t.shape.filter((_, i) => !axes.includes(i));
  return { x: t, axes, outShape, keepShape };
}

/**
 * Most elements a column reduction takes: WebGPU's guaranteed storage binding size (128 MiB), so
 * the webgpu kernel binds its input whole on every device.
 */
const COLUMNS_MAX_SIZE = 2 ** 25;

/**
 * Run a reduce kernel over `axes` of x. Size-1 dims are ignored: reduced axes that then trail
 * reduce rows of x as it is; a float32 sum or mean over one run of axes with kept axes after it
 * (a bias gradient: sum over [0, 1] of [B, S, D]) reduces columns of the [outer, inner, cols] view
 * (reduceColumns); anything else moves the reduced axes last first (a transpose).
 */
function reduceKernel(code: ReduceOp, p: Plan, dtype: DType): Tensor {
  const { x, axes } = p;
  const live = x.shape.map((_, i) => i).filter((i) => x.shape[i] !== 1);
  const at = live.flatMap((a, i) => (axes.includes(a) ? [i] : []));
  const run = at.length > 0 && at[at.length - 1] - at[0] === at.length - 1;
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const inner = sizeOf(axes.map((a) => x.shape[a]));
  const outer = sizeOf(kept.map((a) => x.shape[a]));
  if (!at.length || (run && at[at.length - 1] === live.length - 1)) {
    return runOp('reduce', [x], p.outShape, dtype, { op: Reduce[code], outer, inner });
  }
  if (run && (code === 'sum' || code === 'mean') && x.dtype === 'float32' && x.size > 0 && x.size <= COLUMNS_MAX_SIZE) {
    const cols = sizeOf(live.slice(at[at.length - 1] + 1).map((a) => x.shape[a]));
    return runOp('reduceColumns', [x], p.outShape, 'float32', { op: Reduce[code], outer: outer / cols, inner, cols });
  }
  const src = ENGINE.noGrad(() => transpose(x, [...kept, ...axes]));
  const out = runOp('reduce', [src], p.outShape, dtype, { op: Reduce[code], outer, inner });
  src.dispose();
  return out;
}

/** Broadcast a reduced cotangent back to x's shape. */
function expandBack(dy: Tensor, p: Plan): Tensor {
  return broadcastTo(reshape(dy, p.keepShape), p.x.shape);
}

/**
 * The sum over `axis` (all elements by default).
 * @example
 * ```js
 * tf.sum(tf.tensor2d([[1, 2], [3, 4]]), 1).print(); // [3, 7]
 * ```
 */
export const sum = op('sum', function sum(x: Input, axis?: number | number[] | null, keepDims = false): Tensor {
  const p = plan('sum', x, axis, keepDims);
  const dtype = p.x.dtype === 'float32' ? 'float32' : 'int32';
  const y = reduceKernel('sum', p, dtype);
  ENGINE.record('sum', [p.x], [y], ([dy]) => [dy ? expandBack(dy, p) : null]);
  return y;
});

/**
 * The mean over `axis` (all elements by default).
 * @example
 * ```js
 * tf.mean(tf.tensor2d([[1, 2], [3, 4]]), 0).print(); // [2, 3]
 * ```
 */
export const mean = op('mean', function mean(x: Input, axis?: number | number[] | null, keepDims = false): Tensor {
  const p = plan('mean', x, axis, keepDims);
  const y = reduceKernel('mean', p, 'float32');
  const n = sizeOf(p.axes.map((a) => p.x.shape[a]));
  ENGINE.record('mean', [p.x], [y], ([dy]) => [dy ? div(expandBack(dy, p), n) : null]);
  return y;
});

/**
 * The product over `axis` (all elements by default).
 * @example
 * ```js
 * tf.prod(tf.tensor([1, 2, 3, 4])).print(); // 24
 * ```
 */
export const prod = op('prod', function prod(x: Input, axis?: number | number[] | null, keepDims = false): Tensor {
  const p = plan('prod', x, axis, keepDims);
  const y = reduceKernel('prod', p, p.x.dtype === 'float32' ? 'float32' : 'int32');
  ENGINE.record('prod', [p.x], [y], ([dy]) => [dy ? mul(expandBack(dy, p), productOfOthers(p)) : null]);
  return y;
});

/**
 * d prod / d x_i = product of the other elements of its group, computed without dividing by
 * x_i so zeros are exact: with no zero it is prod / x_i; with one zero, the zero's entry is the
 * product of the non-zeros and every other entry 0; with two or more zeros, all 0.
 */
function productOfOthers(p: Plan): Tensor {
  const x = p.x;
  const isZero = equal(x, 0);
  const nonZero = where(isZero, 1, x);
  const prodNonZero = reduceKernel('prod', plan('prod', nonZero, p.axes, true), 'float32');
  const zeros = reduceKernel('sum', plan('sum', cast(isZero, 'float32'), p.axes, true), 'float32');
  const b = (t: Tensor) => broadcastTo(t, x.shape);
  const noZero = b(equal(zeros, 0));
  const oneZero = b(equal(zeros, 1));
  return where(isZero, where(oneZero, b(prodNonZero), 0), where(noZero, div(b(prodNonZero), nonZero), 0));
}

const minMax = op('minMax', function minMax(name: 'max' | 'min', x: Input, axis?: number | number[] | null, keepDims = false): Tensor {
  const p = plan(name, x, axis, keepDims);
  const y = reduceKernel(name, p, p.x.dtype === 'bool' ? 'int32' : p.x.dtype);
  ENGINE.record(name, [p.x], [y], ([dy]) => {
    if (!dy) return [null];
    const mask = cast(equal(p.x, expandBack(y, p)), 'float32');
    return [mul(expandBack(dy, p), mask)];
  });
  return y;
});
/**
 * The maximum over `axis` (all elements by default).
 * @example
 * ```js
 * tf.max(tf.tensor2d([[1, 5], [3, 4]]), 1).print(); // [5, 4]
 * ```
 */
export const max = (x: Input, axis?: number | number[] | null, keepDims = false) => minMax('max', x, axis, keepDims);
/**
 * The minimum over `axis` (all elements by default).
 * @example
 * ```js
 * tf.min(tf.tensor2d([[1, 5], [3, 4]]), 1).print(); // [1, 3]
 * ```
 */
export const min = (x: Input, axis?: number | number[] | null, keepDims = false) => minMax('min', x, axis, keepDims);

const argOp = op('argOp', function argOp(name: 'argMax' | 'argMin', x: Input, axis = 0): Tensor {
  const t = toTensor(x, name, 'x');
  if (t.rank === 0) throw new Error(`${name}: input must have rank >= 1, got a scalar`);
  const a = normAxis(name, axis, t.rank);
  if (t.shape[a] === 0) throw new Error(`${name}: cannot take ${name} over empty axis ${axis} of shape [${t.shape}]`);
  const y = reduceKernel(name, plan(name, t, a, false), 'int32');
  ENGINE.recordZeroGrad(name, [t], [y]);
  return y;
});
/**
 * Index of the maximum along `axis` (default 0, as TF.js).
 * @example
 * ```js
 * tf.argMax(tf.tensor([1, 9, 3])).print(); // 1
 * ```
 */
export const argMax = (x: Input, axis = 0) => argOp('argMax', x, axis);
/**
 * The index of the minimum along `axis` (0 by default).
 * @example
 * ```js
 * tf.argMin(tf.tensor([4, 1, 3])).print(); // 1
 * ```
 */
export const argMin = (x: Input, axis = 0) => argOp('argMin', x, axis);

/**
 * Logical OR over `axis` of a bool tensor.
 * @example
 * ```js
 * tf.any(tf.tensor([false, true], [2], 'bool')).print(); // true
 * ```
 */
export const any = op('any', function any(x: Input, axis?: number | number[] | null, keepDims = false): Tensor {
  return reduceKernel('any', plan('any', x, axis, keepDims, 'bool'), 'bool');
});
/**
 * Logical AND over `axis` of a bool tensor.
 * @example
 * ```js
 * tf.all(tf.tensor([false, true], [2], 'bool')).print(); // false
 * ```
 */
export const all = op('all', function all(x: Input, axis?: number | number[] | null, keepDims = false): Tensor {
  return reduceKernel('all', plan('all', x, axis, keepDims, 'bool'), 'bool');
});

/**
 * `log(sum(exp(x)))` over `axis`, computed stably.
 * @example
 * ```js
 * tf.logSumExp(tf.tensor([0, 0])).print(); // 0.693
 * ```
 */
export const logSumExp = op('logSumExp', function logSumExp(x: Input, axis?: number | number[] | null, keepDims = false): Tensor {
  const p = plan('logSumExp', x, axis, keepDims);
  const y = reduceKernel('logSumExp', p, 'float32');
  ENGINE.record('logSumExp', [p.x], [y], ([dy]) => [dy ? mul(expandBack(dy, p), exp(sub(p.x, expandBack(y, p)))) : null]);
  return y;
});
