/**
 * Binary elementwise ops with NumPy broadcasting (TF.js names), plus `where`. The op layer
 * computes the broadcast shape and per-operand strides, collapses contiguous dims so any rank
 * fits the kernel limit, and records the gradients of the ops' rows in the elementwise op table
 * (src/ops/elementwise_table), summed back to each input's shape.
 */
import type { DType } from '../backends/backend.js';
import { Binary, MAX_KERNEL_RANK, type BinaryOp } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, broadcastStrides, collapseDims, fmtShape, shapesEqual } from '../util.js';
import { runOp, toTensor, toTensorLike, upcastDtype, type Input, op } from './operand.js';
import { reshape } from './layout.js';
import { sum } from './reduce.js';
import { cast } from './unary.js';
import { BINARY_ROWS, isNoGrad } from './elementwise_table/index.js';
import { gradOps } from './grad_ops.js';
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

/**
 * Define a binary op from its table row (src/ops/elementwise_table): the row's dtype rule picks
 * the operand checks and output dtype, and its gradient is recorded (or none for bool-valued ops).
 */
/* @__NO_SIDE_EFFECTS__ */ function defBinary(name: string, code: BinaryOp, args = ['a', 'b']) {
  const row = BINARY_ROWS[code];
  const kind: Kind = row.dtype === 'float' ? 'arith' : row.dtype;
  const g = row.grad;
  return op(name, (a: Input, b: Input): Tensor => {
    const { out, ta, tb } = binaryOp(name, code, a, b, kind, args);
    if (isNoGrad(g)) {
      ENGINE.recordZeroGrad(name, [ta, tb], [out]);
    } else {
      // Integer operands differentiate as float32 (TF.js: int32 mul/div have real gradients).
      ENGINE.record(name, [ta, tb], [out], ([dy]) => {
        if (!dy) return [null, null];
        const [fa, fb, fy] = [ta, tb, out].map((t) => (t.dtype === 'float32' ? t : cast(t, 'float32')));
        const [da, db] = g.fn(gradOps(), fa, fb, fy, dy);
        return [da && reduceTo(da, ta.shape), db && reduceTo(db, tb.shape)];
      });
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
export const add = defBinary('add', 'add');
/**
 * Subtracts `b` from `a` elementwise, with broadcasting.
 * @example
 * ```js
 * tf.sub(tf.tensor([10, 20]), tf.tensor([1, 2])).print(); // [9, 18]
 * ```
 */
export const sub = defBinary('sub', 'sub');
/**
 * Multiplies two tensors elementwise, with broadcasting.
 * @example
 * ```js
 * tf.mul(tf.tensor([1, 2, 3]), 2).print(); // [2, 4, 6]
 * ```
 */
export const mul = defBinary('mul', 'mul');
const realDiv = defBinary('div', 'div');
/**
 * Its gradient is real division's, as TF.js's FloorDiv gradient.
 * @example
 * ```js
 * tf.floorDiv(tf.tensor([7, -7]), tf.tensor([2, 2])).print(); // [3, -4]
 * ```
 */
export const floorDiv = defBinary('floorDiv', 'floorDiv');
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
export const divNoNan = defBinary('divNoNan', 'divNoNan');
/**
 * Raises `a` to the power `b` elementwise, with broadcasting.
 * @example
 * ```js
 * tf.pow(tf.tensor([2, 3]), 2).print(); // [4, 9]
 * ```
 */
export const pow = defBinary('pow', 'pow', ['base', 'exp']);
/**
 * The elementwise maximum of `a` and `b`, with broadcasting.
 * @example
 * ```js
 * tf.maximum(tf.tensor([1, 5]), tf.tensor([3, 2])).print(); // [3, 5]
 * ```
 */
export const maximum = defBinary('maximum', 'maximum');
/**
 * The elementwise minimum of `a` and `b`, with broadcasting.
 * @example
 * ```js
 * tf.minimum(tf.tensor([1, 5]), tf.tensor([3, 2])).print(); // [1, 2]
 * ```
 */
export const minimum = defBinary('minimum', 'minimum');
/**
 * `(a - b) * (a - b)` elementwise, with broadcasting.
 * @example
 * ```js
 * tf.squaredDifference(tf.tensor([1, 4]), tf.tensor([3, 1])).print(); // [4, 9]
 * ```
 */
export const squaredDifference = defBinary('squaredDifference', 'squaredDifference');
/**
 * The elementwise remainder of `a / b`, with the sign of `b` (like `floorMod`).
 * @example
 * ```js
 * tf.mod(tf.tensor([5, -5]), tf.tensor([3, 3])).print(); // [2, 1]
 * ```
 */
export const mod = defBinary('mod', 'mod');
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
export const atan2 = defBinary('atan2', 'atan2');
const preluFloat = defBinary('prelu', 'prelu', ['x', 'alpha']);
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
export const equal = defBinary('equal', 'equal');
/**
 * Elementwise `a != b`, as a bool tensor.
 * @example
 * ```js
 * tf.notEqual(tf.tensor([1, 2]), tf.tensor([1, 0])).print(); // [false, true]
 * ```
 */
export const notEqual = defBinary('notEqual', 'notEqual');
/**
 * Elementwise `a > b`, as a bool tensor.
 * @example
 * ```js
 * tf.greater(tf.tensor([1, 2, 3]), 2).print(); // [false, false, true]
 * ```
 */
export const greater = defBinary('greater', 'greater');
/**
 * Elementwise `a >= b`, as a bool tensor.
 * @example
 * ```js
 * tf.greaterEqual(tf.tensor([1, 2, 3]), 2).print(); // [false, true, true]
 * ```
 */
export const greaterEqual = defBinary('greaterEqual', 'greaterEqual');
/**
 * Elementwise `a < b`, as a bool tensor.
 * @example
 * ```js
 * tf.less(tf.tensor([1, 2, 3]), 2).print(); // [true, false, false]
 * ```
 */
export const less = defBinary('less', 'less');
/**
 * Elementwise `a <= b`, as a bool tensor.
 * @example
 * ```js
 * tf.lessEqual(tf.tensor([1, 2, 3]), 2).print(); // [true, true, false]
 * ```
 */
export const lessEqual = defBinary('lessEqual', 'lessEqual');
/**
 * Elementwise logical AND of two bool tensors.
 * @example
 * ```js
 * tf.logicalAnd(tf.tensor([true, true], [2], 'bool'), tf.tensor([true, false], [2], 'bool')).print(); // [true, false]
 * ```
 */
export const logicalAnd = defBinary('logicalAnd', 'logicalAnd');
/**
 * Elementwise logical OR of two bool tensors.
 * @example
 * ```js
 * tf.logicalOr(tf.tensor([true, false], [2], 'bool'), tf.tensor([false, false], [2], 'bool')).print(); // [true, false]
 * ```
 */
export const logicalOr = defBinary('logicalOr', 'logicalOr');
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


