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

export const add = defBinary('add', 'add', 'arith', (_a, _b, _y, dy) => [dy, dy]);
export const sub = defBinary('sub', 'sub', 'arith', (_a, _b, _y, dy) => [dy, neg(dy)]);
export const mul = defBinary('mul', 'mul', 'arith', (a, b, _y, dy) => [mul(dy, b), mul(dy, a)]);
const divVjp: BinVjp = (a, b, _y, dy) => [div(dy, b), neg(div(mul(dy, a), square(b)))];
const realDiv = defBinary('div', 'div', 'arith', divVjp);
/** Its gradient is real division's, as TF.js's FloorDiv gradient. */
export const floorDiv = defBinary('floorDiv', 'floorDiv', 'arith', divVjp);
/** a / b; for two int32 tensors this is floor division, as in TF.js. */
export const div = op('div', function div(a: Input, b: Input): Tensor {
  const ta = toTensorLike(a, b, 'div', 'a');
  const tb = toTensorLike(b, ta, 'div', 'b');
  if (ta.dtype === 'int32' && tb.dtype === 'int32') return floorDiv(ta, tb);
  return realDiv(ta, tb);
});
export const realDivide = realDiv;
export const divNoNan = defBinary('divNoNan', 'divNoNan', 'arith', (a, b, _y, dy) => {
  const nz = notEqual(b, 0);
  return [where(nz, div(dy, b), 0), where(nz, neg(div(mul(dy, a), square(b))), 0)];
});
export const pow = defBinary('pow', 'pow', 'arith', (a, b, y, dy) => {
  const da = mul(dy, mul(b, pow(a, sub(b, 1))));
  const db = mul(dy, where(greater(a, 0), mul(y, log(a)), 0));
  return [da, db];
}, ['base', 'exp']);
export const maximum = defBinary('maximum', 'maximum', 'arith', (a, b, _y, dy) => [
  mul(dy, cast(greaterEqual(a, b), 'float32')), mul(dy, cast(less(a, b), 'float32')),
]);
export const minimum = defBinary('minimum', 'minimum', 'arith', (a, b, _y, dy) => [
  mul(dy, cast(lessEqual(a, b), 'float32')), mul(dy, cast(greater(a, b), 'float32')),
]);
export const squaredDifference = defBinary('squaredDifference', 'squaredDifference', 'arith', (a, b, _y, dy) => {
  const d = mul(sub(a, b), mul(dy, 2));
  return [d, neg(d)];
});
export const mod = defBinary('mod', 'mod', 'arith', (a, b, _y, dy) => [dy, mul(dy, neg(floor(div(a, b))))]);
export const floorMod = mod;
export const atan2 = defBinary('atan2', 'atan2', 'arith', (a, b, _y, dy) => {
  const d = add(square(a), square(b));
  return [div(mul(dy, b), d), neg(div(mul(dy, a), d))];
});
const preluFloat = defBinary('prelu', 'prelu', 'arith', (a, b, _y, dy) => {
  const negMask = less(a, 0);
  return [mul(dy, where(negMask, b, 1)), mul(dy, where(negMask, a, 0))];
}, ['x', 'alpha']);
/** x < 0 ? alpha * x : x; always float32 (TF.js casts int32 inputs). */
export const prelu = op('prelu', function prelu(x: Input, alpha: Input): Tensor {
  const tx = toTensor(x, 'prelu', 'x');
  const ta = toTensor(alpha, 'prelu', 'alpha');
  return preluFloat(tx.dtype === 'float32' ? tx : cast(tx, 'float32'), ta.dtype === 'float32' ? ta : cast(ta, 'float32'));
});
export const equal = defBinary('equal', 'equal', 'compare', null);
export const notEqual = defBinary('notEqual', 'notEqual', 'compare', null);
export const greater = defBinary('greater', 'greater', 'compare', null);
export const greaterEqual = defBinary('greaterEqual', 'greaterEqual', 'compare', null);
export const less = defBinary('less', 'less', 'compare', null);
export const lessEqual = defBinary('lessEqual', 'lessEqual', 'compare', null);
export const logicalAnd = defBinary('logicalAnd', 'logicalAnd', 'logical', null);
export const logicalOr = defBinary('logicalOr', 'logicalOr', 'logical', null);
export const logicalXor = op('logicalXor', function logicalXor(a: Input, b: Input): Tensor {
  return notEqual(cast(toTensor(a, 'logicalXor', 'a'), 'bool'), cast(toTensor(b, 'logicalXor', 'b'), 'bool'));
});

/** cond ? a : b elementwise, all three broadcast together (TF.js `where`). */
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


