/**
 * Unary elementwise ops (TF.js names) and cast. Each validates its input, runs the `unary`
 * kernel with an op code from src/backends/kernels.ts, and records the gradient of its row in
 * the elementwise op table (src/ops/elementwise_table).
 */
import type { DType } from '../backends/backend.js';
import { Unary, type UnaryOp } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { UNARY_ROWS, isNoGrad } from './elementwise_table/index.js';
import { gradOps } from './grad_ops.js';
import { assertDtype } from '../util.js';
import { runOp, toTensor, type Input, op } from './operand.js';
import { zerosLike } from './creation.js';

/** Run a unary op code; integer inputs to float ops produce float32 (as TF.js). */
const unaryOp = op('unaryOp', function unaryOp(name: string, code: UnaryOp, x: Input, outDtype?: DType, alpha = 0, beta = 0): Tensor {
  const t = toTensor(x, name, 'x');
  const dt = outDtype ?? (t.dtype === 'bool' ? 'float32' : t.dtype);
  return runOp('unary', [t], t.shape, dt, { op: Unary[code], alpha, beta });
});

/**
 * Record the gradient of a unary row (src/ops/elementwise_table): its grad function, a zero
 * cotangent, or none, as the row says.
 */
function recordUnary(name: string, code: UnaryOp, t: Tensor, y: Tensor, alpha = 0, beta = 0): void {
  const g = UNARY_ROWS[code].grad;
  if (isNoGrad(g)) {
    if (g.zero === 'none') ENGINE.recordZeroGrad(name, [t], [y]);
    else ENGINE.record(name, [t], [y], ([dy]) => [dy ? zerosLike(t) : null]);
  } else {
    ENGINE.record(name, [t], [y], ([dy]) => [dy ? g.fn(gradOps(), t, y, dy, alpha, beta) : null]);
  }
}

/**
 * Define a unary op from its table row: TF.js's float-only unaries reject int32/bool inputs;
 * `keepInt` rows keep int32 as int32; everything else produces float32.
 */
/* @__NO_SIDE_EFFECTS__ */ function defUnary(name: string, code: UnaryOp) {
  const rule = UNARY_ROWS[code].dtype;
  const accept = rule === 'floatOnly' ? 'float32' : 'numeric';
  return op(name, (x: Input): Tensor => {
    const t = toTensor(x, name, 'x', undefined, accept);
    const y = unaryOp(name, code, t, rule === 'keepInt' && t.dtype === 'int32' ? 'int32' : 'float32');
    recordUnary(name, code, t, y);
    return y;
  });
}

export const neg = defUnary('neg', 'neg');
export const abs = defUnary('abs', 'abs');
export const exp = defUnary('exp', 'exp');
export const log = defUnary('log', 'log');
export const sqrt = defUnary('sqrt', 'sqrt');
export const rsqrt = defUnary('rsqrt', 'rsqrt');
export const square = defUnary('square', 'square');
export const reciprocal = defUnary('reciprocal', 'reciprocal');
export const relu = defUnary('relu', 'relu');
export const relu6 = defUnary('relu6', 'relu6');
export const elu = defUnary('elu', 'elu');
export const selu = defUnary('selu', 'selu');
export const gelu = defUnary('gelu', 'gelu');
export const sigmoid = defUnary('sigmoid', 'sigmoid');
export const tanh = defUnary('tanh', 'tanh');
export const softplus = defUnary('softplus', 'softplus');
export const sin = defUnary('sin', 'sin');
export const cos = defUnary('cos', 'cos');
export const floor = defUnary('floor', 'floor');
export const ceil = defUnary('ceil', 'ceil');
export const round = defUnary('round', 'round');
export const sign = defUnary('sign', 'sign');
export const softsign = defUnary('softsign', 'softsign');
export const hardSigmoid = defUnary('hardSigmoid', 'hardSigmoid');
export const swish = defUnary('swish', 'swish');
export const mish = defUnary('mish', 'mish');
export const expm1 = defUnary('expm1', 'expm1');
export const log1p = defUnary('log1p', 'log1p');
export const erf = defUnary('erf', 'erf');
export const tan = defUnary('tan', 'tan');
export const asin = defUnary('asin', 'asin');
export const acos = defUnary('acos', 'acos');
export const atan = defUnary('atan', 'atan');
export const sinh = defUnary('sinh', 'sinh');
export const cosh = defUnary('cosh', 'cosh');
export const asinh = defUnary('asinh', 'asinh');
export const acosh = defUnary('acosh', 'acosh');
export const atanh = defUnary('atanh', 'atanh');

export const leakyRelu = op('leakyRelu', function leakyRelu(x: Input, alpha = 0.2): Tensor {
  const t = toTensor(x, 'leakyRelu', 'x');
  const y = unaryOp('leakyRelu', 'leakyRelu', t, 'float32', alpha);
  recordUnary('leakyRelu', 'leakyRelu', t, y, alpha);
  return y;
});

/** x > 0 ? 1 : alpha; int32 stays int32 (as TF.js). Its gradient is zero. */
export const step = op('step', function step(x: Input, alpha = 0): Tensor {
  const t = toTensor(x, 'step', 'x');
  const y = unaryOp('step', 'step', t, t.dtype === 'int32' ? 'int32' : 'float32', alpha);
  recordUnary('step', 'step', t, y, alpha);
  return y;
});

export const clipByValue = op('clipByValue', function clipByValue(x: Input, clipValueMin: number, clipValueMax: number): Tensor {
  const t = toTensor(x, 'clipByValue', 'x');
  if (!(clipValueMin <= clipValueMax)) {
    throw new Error(`clipByValue: clipValueMin (${clipValueMin}) must be <= clipValueMax (${clipValueMax})`);
  }
  const y = unaryOp('clipByValue', 'clip', t, t.dtype === 'int32' ? 'int32' : 'float32', clipValueMin, clipValueMax);
  recordUnary('clipByValue', 'clip', t, y, clipValueMin, clipValueMax);
  return y;
});

export const logicalNot = op('logicalNot', function logicalNot(x: Input): Tensor {
  const t = toTensor(x, 'logicalNot', 'x', 'bool');
  if (t.dtype !== 'bool') throw new Error(`logicalNot: input must be bool, got [${t.shape}] ${t.dtype}`);
  const y = unaryOp('logicalNot', 'logicalNot', t, 'bool');
  recordUnary('logicalNot', 'logicalNot', t, y);
  return y;
});
/** A bool-valued test of each element; its gradient is zero (as TF.js). */
/* @__NO_SIDE_EFFECTS__ */ function defPredicate(name: string, code: UnaryOp) {
  return op(name, (x: Input): Tensor => {
    const t = toTensor(x, name, 'x');
    const y = unaryOp(name, code, t, 'bool');
    recordUnary(name, code, t, y);
    return y;
  });
}
export const isNaN = defPredicate('isNaN', 'isNaN');
export const isInf = defPredicate('isInf', 'isInf');
export const isFinite = defPredicate('isFinite', 'isFinite');

/** Convert dtype. float -> int truncates toward zero; anything -> bool is (x != 0). */
export const cast = op('cast', function cast(x: Input, dtype: DType): Tensor {
  const t = toTensor(x, 'cast', 'x');
  assertDtype('cast', dtype);
  if (t.dtype === dtype) {
    const same = ENGINE.makeView(t, t.shape);
    ENGINE.record('cast', [t], [same], ([dy]) => [dy]);
    return same;
  }
  const y = runOp('unary', [t], t.shape, dtype, { op: Unary.identity, alpha: 0, beta: 0 });
  // TF.js passes the cotangent through a cast whatever the dtypes (int32 mul/div gradients rely on it).
  ENGINE.record('cast', [t], [y], ([dy]) => [dy]);
  return y;
});
