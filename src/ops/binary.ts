/**
 * Binary elementwise ops with NumPy broadcasting (TF.js names), plus `where`. The op layer
 * computes the broadcast shape and per-operand strides, collapses contiguous dims so any rank
 * fits the kernel limit, and records vjps that sum gradients back to each input's shape.
 */
import type { DType } from '../backends/backend.js';
import { Binary, MAX_KERNEL_RANK, type BinaryOp } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, broadcastStrides, collapseDims, fmtShape, shapesEqual } from '../util.js';
import { runOp, toTensor, toTensorLike, upcastDtype, type Input, op } from './operand.js';
import { reshape } from './layout.js';
import { sum } from './reduce.js';
import { cast, log, neg, square, floor } from './unary.js';
import { zerosLike } from './creation.js';

type Kind = 'arith' | 'compare' | 'logical';

/** Broadcast strides for every operand, collapsed to the kernel's rank limit. */
export function broadcastPlan(op: string, shapes: number[][]): { outShape: number[]; kShape: number[]; strides: number[][] } {
  let outShape = shapes[0];
  for (let i = 1; i < shapes.length; i++) outShape = broadcastShapes(op, outShape, shapes[i]);
  const { shape, strides } = collapseDims(outShape, shapes.map((s) => broadcastStrides(s, outShape)));
  if (shape.length > MAX_KERNEL_RANK) {
    throw new Error(`${op}: broadcasting ${shapes.map(fmtShape).join(' and ')} needs ${shape.length} distinct dims; at most ${MAX_KERNEL_RANK} are supported`);
  }
  return { outShape, kShape: shape, strides };
}

function binaryOp(name: string, code: BinaryOp, a: Input, b: Input, kind: Kind, args = ['a', 'b']): { out: Tensor; ta: Tensor; tb: Tensor } {
  const ta = kind === 'logical' ? toTensor(a, name, args[0], 'bool') : toTensorLike(a, b, name, args[0]);
  const tb = kind === 'logical' ? toTensor(b, name, args[1], 'bool') : toTensorLike(b, ta, name, args[1]);
  if (kind === 'logical' && (ta.dtype !== 'bool' || tb.dtype !== 'bool')) {
    throw new Error(`${name}: inputs must be bool, got a ${fmtShape(ta.shape)} ${ta.dtype} and b ${fmtShape(tb.shape)} ${tb.dtype}`);
  }
  const { outShape, kShape, strides } = broadcastPlan(name, [ta.shape, tb.shape]);
  let dtype: DType;
  if (kind === 'arith') {
    dtype = upcastDtype(ta.dtype, tb.dtype);
    if (dtype === 'bool') dtype = 'int32';
  } else dtype = 'bool';
  const out = runOp('binary', [ta, tb], outShape, dtype, { op: Binary[code], outShape: kShape, aStrides: strides[0], bStrides: strides[1] });
  return { out, ta, tb };
}

/** Sum a broadcast gradient back to `shape`. */
export function reduceTo(dy: Tensor, shape: number[]): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  const s = axes.length ? sum(dy, axes, false) : dy;
  return reshape(s, shape);
}

type BinVjp = (a: Tensor, b: Tensor, y: Tensor, dy: Tensor) => [Tensor | null, Tensor | null];

function defBinary(name: string, code: BinaryOp, kind: Kind, vjp: BinVjp | null, args = ['a', 'b']) {
  return op(name, (a: Input, b: Input): Tensor => {
    const { out, ta, tb } = binaryOp(name, code, a, b, kind, args);
    if (vjp) {
      // Integer operands differentiate as float32 (TF.js: int32 mul/div have real gradients).
      ENGINE.record(name, [ta, tb], [out], ([dy]) => {
        if (!dy) return [null, null];
        const [fa, fb, fy] = [ta, tb, out].map((t) => (t.dtype === 'float32' ? t : cast(t, 'float32')));
        const [da, db] = vjp(fa, fb, fy, dy);
        return [da && reduceTo(da, ta.shape), db && reduceTo(db, tb.shape)];
      });
    } else if (kind !== 'arith') {
      ENGINE.recordZeroGrad(name, [ta, tb], [out]);
    }
    return out;
  });
}

/**
 * Adds two tensors elementwise, with broadcasting.
 * @example
 * ```js
 * tf.add(tf.tensor([1, 2, 3]), tf.tensor([10, 20, 30])).print(); // [11, 22, 33]
 * ```
 */
export const add = defBinary('add', 'add', 'arith', (_a, _b, _y, dy) => [dy, dy]);
/**
 * Subtracts `b` from `a` elementwise, with broadcasting.
 * @example
 * ```js
 * tf.sub(tf.tensor([10, 20]), tf.tensor([1, 2])).print(); // [9, 18]
 * ```
 */
export const sub = defBinary('sub', 'sub', 'arith', (_a, _b, _y, dy) => [dy, neg(dy)]);
/**
 * Multiplies two tensors elementwise, with broadcasting.
 * @example
 * ```js
 * tf.mul(tf.tensor([1, 2, 3]), 2).print(); // [2, 4, 6]
 * ```
 */
export const mul = defBinary('mul', 'mul', 'arith', (a, b, _y, dy) => [mul(dy, b), mul(dy, a)]);
const divVjp: BinVjp = (a, b, _y, dy) => [div(dy, b), neg(div(mul(dy, a), square(b)))];
const realDiv = defBinary('div', 'div', 'arith', divVjp);
/**
 * Its gradient is real division's, as TF.js's FloorDiv gradient.
 * @example
 * ```js
 * tf.floorDiv(tf.tensor([7, -7]), tf.tensor([2, 2])).print(); // [3, -4]
 * ```
 */
export const floorDiv = defBinary('floorDiv', 'floorDiv', 'arith', divVjp);
/**
 * a / b; for two int32 tensors this is floor division, as in TF.js.
 * @example
 * ```js
 * tf.div(tf.tensor([1, 4, 9]), tf.tensor([1, 2, 3])).print(); // [1, 2, 3]
 * ```
 */
export const div = op('div', function div(a: Input, b: Input): Tensor {
  const ta = toTensorLike(a, b, 'div', 'a');
  const tb = toTensorLike(b, ta, 'div', 'b');
  if (ta.dtype === 'int32' && tb.dtype === 'int32') return floorDiv(ta, tb);
  return realDiv(ta, tb);
});
/**
 * Divides `a` by `b` elementwise as floats (the same as `div` for float inputs).
 * @example
 * ```js
 * tf.realDivide(tf.tensor([1, 3]), tf.tensor([2, 2])).print(); // [0.5, 1.5]
 * ```
 */
export const realDivide = realDiv;
/**
 * Divides `a` by `b` elementwise, returning 0 where `b` is 0.
 * @example
 * ```js
 * tf.divNoNan(tf.tensor([1, 2]), tf.tensor([0, 4])).print(); // [0, 0.5]
 * ```
 */
export const divNoNan = defBinary('divNoNan', 'divNoNan', 'arith', (a, b, _y, dy) => {
  const nz = notEqual(b, 0);
  return [where(nz, div(dy, b), 0), where(nz, neg(div(mul(dy, a), square(b))), 0)];
});
/**
 * Raises `a` to the power `b` elementwise, with broadcasting.
 * @example
 * ```js
 * tf.pow(tf.tensor([2, 3]), 2).print(); // [4, 9]
 * ```
 */
export const pow = defBinary('pow', 'pow', 'arith', (a, b, y, dy) => {
  const da = mul(dy, mul(b, pow(a, sub(b, 1))));
  const db = mul(dy, where(greater(a, 0), mul(y, log(a)), 0));
  return [da, db];
}, ['base', 'exp']);
/**
 * The elementwise maximum of `a` and `b`, with broadcasting.
 * @example
 * ```js
 * tf.maximum(tf.tensor([1, 5]), tf.tensor([3, 2])).print(); // [3, 5]
 * ```
 */
export const maximum = defBinary('maximum', 'maximum', 'arith', (a, b, _y, dy) => [
  mul(dy, cast(greaterEqual(a, b), 'float32')), mul(dy, cast(less(a, b), 'float32')),
]);
/**
 * The elementwise minimum of `a` and `b`, with broadcasting.
 * @example
 * ```js
 * tf.minimum(tf.tensor([1, 5]), tf.tensor([3, 2])).print(); // [1, 2]
 * ```
 */
export const minimum = defBinary('minimum', 'minimum', 'arith', (a, b, _y, dy) => [
  mul(dy, cast(lessEqual(a, b), 'float32')), mul(dy, cast(greater(a, b), 'float32')),
]);
/**
 * `(a - b) * (a - b)` elementwise, with broadcasting.
 * @example
 * ```js
 * tf.squaredDifference(tf.tensor([1, 4]), tf.tensor([3, 1])).print(); // [4, 9]
 * ```
 */
export const squaredDifference = defBinary('squaredDifference', 'squaredDifference', 'arith', (a, b, _y, dy) => {
  const d = mul(sub(a, b), mul(dy, 2));
  return [d, neg(d)];
});
/**
 * The elementwise remainder of `a / b`, with the sign of `b` (like `floorMod`).
 * @example
 * ```js
 * tf.mod(tf.tensor([5, -5]), tf.tensor([3, 3])).print(); // [2, 1]
 * ```
 */
export const mod = defBinary('mod', 'mod', 'arith', (a, b, _y, dy) => [dy, mul(dy, neg(floor(div(a, b))))]);
/**
 * The elementwise remainder of floor division: `a - floor(a / b) * b`.
 * @example
 * ```js
 * tf.floorMod(tf.tensor([5, -5]), tf.tensor([3, 3])).print(); // [2, 1]
 * ```
 */
export const floorMod = mod;
/**
 * The elementwise arctangent of `a / b`, using the signs of both to pick the quadrant.
 * @example
 * ```js
 * tf.atan2(tf.tensor([1, -1]), tf.tensor([1, 1])).print(); // [0.785, -0.785]
 * ```
 */
export const atan2 = defBinary('atan2', 'atan2', 'arith', (a, b, _y, dy) => {
  const d = add(square(a), square(b));
  return [div(mul(dy, b), d), neg(div(mul(dy, a), d))];
});
const preluFloat = defBinary('prelu', 'prelu', 'arith', (a, b, _y, dy) => {
  const negMask = less(a, 0);
  return [mul(dy, where(negMask, b, 1)), mul(dy, where(negMask, a, 0))];
}, ['x', 'alpha']);
/**
 * x < 0 ? alpha * x : x; always float32 (TF.js casts int32 inputs).
 * @example
 * ```js
 * tf.prelu(tf.tensor([-2, 3]), tf.scalar(0.1)).print(); // [-0.2, 3]
 * ```
 */
export const prelu = op('prelu', function prelu(x: Input, alpha: Input): Tensor {
  const tx = toTensor(x, 'prelu', 'x');
  const ta = toTensor(alpha, 'prelu', 'alpha');
  return preluFloat(tx.dtype === 'float32' ? tx : cast(tx, 'float32'), ta.dtype === 'float32' ? ta : cast(ta, 'float32'));
});
/**
 * Elementwise `a == b`, as a bool tensor.
 * @example
 * ```js
 * tf.equal(tf.tensor([1, 2, 3]), tf.tensor([1, 0, 3])).print(); // [true, false, true]
 * ```
 */
export const equal = defBinary('equal', 'equal', 'compare', null);
/**
 * Elementwise `a != b`, as a bool tensor.
 * @example
 * ```js
 * tf.notEqual(tf.tensor([1, 2]), tf.tensor([1, 0])).print(); // [false, true]
 * ```
 */
export const notEqual = defBinary('notEqual', 'notEqual', 'compare', null);
/**
 * Elementwise `a > b`, as a bool tensor.
 * @example
 * ```js
 * tf.greater(tf.tensor([1, 2, 3]), 2).print(); // [false, false, true]
 * ```
 */
export const greater = defBinary('greater', 'greater', 'compare', null);
/**
 * Elementwise `a >= b`, as a bool tensor.
 * @example
 * ```js
 * tf.greaterEqual(tf.tensor([1, 2, 3]), 2).print(); // [false, true, true]
 * ```
 */
export const greaterEqual = defBinary('greaterEqual', 'greaterEqual', 'compare', null);
/**
 * Elementwise `a < b`, as a bool tensor.
 * @example
 * ```js
 * tf.less(tf.tensor([1, 2, 3]), 2).print(); // [true, false, false]
 * ```
 */
export const less = defBinary('less', 'less', 'compare', null);
/**
 * Elementwise `a <= b`, as a bool tensor.
 * @example
 * ```js
 * tf.lessEqual(tf.tensor([1, 2, 3]), 2).print(); // [true, true, false]
 * ```
 */
export const lessEqual = defBinary('lessEqual', 'lessEqual', 'compare', null);
/**
 * Elementwise logical AND of two bool tensors.
 * @example
 * ```js
 * tf.logicalAnd(tf.tensor([true, true], [2], 'bool'), tf.tensor([true, false], [2], 'bool')).print(); // [true, false]
 * ```
 */
export const logicalAnd = defBinary('logicalAnd', 'logicalAnd', 'logical', null);
/**
 * Elementwise logical OR of two bool tensors.
 * @example
 * ```js
 * tf.logicalOr(tf.tensor([true, false], [2], 'bool'), tf.tensor([false, false], [2], 'bool')).print(); // [true, false]
 * ```
 */
export const logicalOr = defBinary('logicalOr', 'logicalOr', 'logical', null);
/**
 * Elementwise logical XOR of two bool tensors.
 * @example
 * ```js
 * tf.logicalXor(tf.tensor([true, true], [2], 'bool'), tf.tensor([true, false], [2], 'bool')).print(); // [false, true]
 * ```
 */
export const logicalXor = op('logicalXor', function logicalXor(a: Input, b: Input): Tensor {
  return notEqual(cast(toTensor(a, 'logicalXor', 'a'), 'bool'), cast(toTensor(b, 'logicalXor', 'b'), 'bool'));
});

/**
 * cond ? a : b elementwise, all three broadcast together (TF.js `where`).
 * @example
 * ```js
 * tf.where(tf.tensor([true, false], [2], 'bool'), tf.tensor([1, 2]), tf.tensor([10, 20])).print(); // [1, 20]
 * ```
 */
export const where = op('where', function where(condition: Input, a: Input, b: Input): Tensor {
  const tc = toTensor(condition, 'where', 'condition', 'bool');
  const ta = toTensorLike(a, b, 'where', 'a');
  const tb = toTensorLike(b, ta, 'where', 'b');
  if (tc.dtype !== 'bool') throw new Error(`where: condition must be bool, got ${fmtShape(tc.shape)} ${tc.dtype}`);
  const dtype = upcastDtype(ta.dtype, tb.dtype);
  const { outShape, kShape, strides } = broadcastPlan('where', [tc.shape, ta.shape, tb.shape]);
  // The select kernel moves raw 4-byte words: convert a mixed-dtype operand first.
  const xa = ta.dtype === dtype ? ta : cast(ta, dtype);
  const xb = tb.dtype === dtype ? tb : cast(tb, dtype);
  const out = runOp('select', [tc, xa, xb], outShape, dtype, {
    outShape: kShape, condStrides: strides[0], aStrides: strides[1], bStrides: strides[2],
  });
  // The condition's gradient is zero (null); a and b get dy where they were chosen.
  ENGINE.record('where', [tc, ta, tb], [out], ([dy]) => {
    if (!dy) return [null, null, null];
    const z = zerosLike(dy);
    return [null, reduceTo(where(tc, dy, z), ta.shape), reduceTo(where(tc, z, dy), tb.shape)];
  });
  return out;
});


