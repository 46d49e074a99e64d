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

export const add = defBinary('add', 'add');
export const sub = defBinary('sub', 'sub');
export const mul = defBinary('mul', 'mul');
const realDiv = defBinary('div', 'div');
/** Its gradient is real division's, as TF.js's FloorDiv gradient. */
export const floorDiv = defBinary('floorDiv', 'floorDiv');
/** a / b; for two int32 tensors this is floor division, as in TF.js. */
export const div = op('div', function div(a: Input, b: Input): Tensor {
  const ta = toTensorLike(a, b, 'div', 'a');
  const tb = toTensorLike(b, ta, 'div', 'b');
  if (ta.dtype === 'int32' && tb.dtype === 'int32') return floorDiv(ta, tb);
  return realDiv(ta, tb);
});
export const realDivide = realDiv;
export const divNoNan = defBinary('divNoNan', 'divNoNan');
export const pow = defBinary('pow', 'pow', ['base', 'exp']);
export const maximum = defBinary('maximum', 'maximum');
export const minimum = defBinary('minimum', 'minimum');
export const squaredDifference = defBinary('squaredDifference', 'squaredDifference');
export const mod = defBinary('mod', 'mod');
export const floorMod = mod;
export const atan2 = defBinary('atan2', 'atan2');
const preluFloat = defBinary('prelu', 'prelu', ['x', 'alpha']);
/** x < 0 ? alpha * x : x; always float32 (TF.js casts int32 inputs). */
export const prelu = op('prelu', function prelu(x: Input, alpha: Input): Tensor {
  const tx = toTensor(x, 'prelu', 'x');
  const ta = toTensor(alpha, 'prelu', 'alpha');
  return preluFloat(tx.dtype === 'float32' ? tx : cast(tx, 'float32'), ta.dtype === 'float32' ? ta : cast(ta, 'float32'));
});
export const equal = defBinary('equal', 'equal');
export const notEqual = defBinary('notEqual', 'notEqual');
export const greater = defBinary('greater', 'greater');
export const greaterEqual = defBinary('greaterEqual', 'greaterEqual');
export const less = defBinary('less', 'less');
export const lessEqual = defBinary('lessEqual', 'lessEqual');
export const logicalAnd = defBinary('logicalAnd', 'logicalAnd');
export const logicalOr = defBinary('logicalOr', 'logicalOr');
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


