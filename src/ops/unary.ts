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

/**
 * `-x` elementwise.
 * @example
 * ```js
 * tf.neg(tf.tensor([1, -2])).print(); // [-1, 2]
 * ```
 */
export const neg = defUnary('neg', 'neg');
/**
 * `|x|` elementwise.
 * @example
 * ```js
 * tf.abs(tf.tensor([-1, 2])).print(); // [1, 2]
 * ```
 */
export const abs = defUnary('abs', 'abs');
/**
 * `e^x` elementwise.
 * @example
 * ```js
 * tf.exp(tf.tensor([0, 1])).print(); // [1, 2.718]
 * ```
 */
export const exp = defUnary('exp', 'exp');
/**
 * The natural logarithm elementwise.
 * @example
 * ```js
 * tf.log(tf.tensor([1, Math.E])).print(); // [0, 1]
 * ```
 */
export const log = defUnary('log', 'log');
/**
 * The square root elementwise.
 * @example
 * ```js
 * tf.sqrt(tf.tensor([4, 9])).print(); // [2, 3]
 * ```
 */
export const sqrt = defUnary('sqrt', 'sqrt');
/**
 * `1 / sqrt(x)` elementwise.
 * @example
 * ```js
 * tf.rsqrt(tf.tensor([4, 16])).print(); // [0.5, 0.25]
 * ```
 */
export const rsqrt = defUnary('rsqrt', 'rsqrt');
/**
 * `x * x` elementwise.
 * @example
 * ```js
 * tf.square(tf.tensor([2, 3])).print(); // [4, 9]
 * ```
 */
export const square = defUnary('square', 'square');
/**
 * `1 / x` elementwise.
 * @example
 * ```js
 * tf.reciprocal(tf.tensor([2, 4])).print(); // [0.5, 0.25]
 * ```
 */
export const reciprocal = defUnary('reciprocal', 'reciprocal');
/**
 * `max(x, 0)` elementwise.
 * @example
 * ```js
 * tf.relu(tf.tensor([-1, 2])).print(); // [0, 2]
 * ```
 */
export const relu = defUnary('relu', 'relu');
/**
 * `min(max(x, 0), 6)` elementwise.
 * @example
 * ```js
 * tf.relu6(tf.tensor([-1, 3, 8])).print(); // [0, 3, 6]
 * ```
 */
export const relu6 = defUnary('relu6', 'relu6');
/**
 * `x` for x > 0, `exp(x) - 1` otherwise.
 * @example
 * ```js
 * tf.elu(tf.tensor([-1, 2])).print(); // [-0.632, 2]
 * ```
 */
export const elu = defUnary('elu', 'elu');
/**
 * Scaled ELU (the self-normalizing activation).
 * @example
 * ```js
 * tf.selu(tf.tensor([-1, 1])).print(); // [-1.111, 1.051]
 * ```
 */
export const selu = defUnary('selu', 'selu');
/**
 * The Gaussian error linear unit `x * Φ(x)`.
 * @example
 * ```js
 * tf.gelu(tf.tensor([0, 1])).print(); // [0, 0.841]
 * ```
 */
export const gelu = defUnary('gelu', 'gelu');
/**
 * `1 / (1 + exp(-x))` elementwise.
 * @example
 * ```js
 * tf.sigmoid(tf.tensor([0])).print(); // [0.5]
 * ```
 */
export const sigmoid = defUnary('sigmoid', 'sigmoid');
/**
 * The hyperbolic tangent elementwise.
 * @example
 * ```js
 * tf.tanh(tf.tensor([0, 1])).print(); // [0, 0.762]
 * ```
 */
export const tanh = defUnary('tanh', 'tanh');
/**
 * `log(1 + exp(x))` elementwise.
 * @example
 * ```js
 * tf.softplus(tf.tensor([0])).print(); // [0.693]
 * ```
 */
export const softplus = defUnary('softplus', 'softplus');
/**
 * The sine elementwise (radians).
 * @example
 * ```js
 * tf.sin(tf.tensor([0, Math.PI / 2])).print(); // [0, 1]
 * ```
 */
export const sin = defUnary('sin', 'sin');
/**
 * The cosine elementwise (radians).
 * @example
 * ```js
 * tf.cos(tf.tensor([0, Math.PI])).print(); // [1, -1]
 * ```
 */
export const cos = defUnary('cos', 'cos');
/**
 * Rounds down elementwise.
 * @example
 * ```js
 * tf.floor(tf.tensor([1.5, -1.5])).print(); // [1, -2]
 * ```
 */
export const floor = defUnary('floor', 'floor');
/**
 * Rounds up elementwise.
 * @example
 * ```js
 * tf.ceil(tf.tensor([1.5, -1.5])).print(); // [2, -1]
 * ```
 */
export const ceil = defUnary('ceil', 'ceil');
/**
 * Rounds to the nearest integer elementwise, halves to even.
 * @example
 * ```js
 * tf.round(tf.tensor([0.5, 1.5, 2.4])).print(); // [0, 2, 2]
 * ```
 */
export const round = defUnary('round', 'round');
/**
 * -1, 0 or 1 by the sign of each element.
 * @example
 * ```js
 * tf.sign(tf.tensor([-3, 0, 2])).print(); // [-1, 0, 1]
 * ```
 */
export const sign = defUnary('sign', 'sign');
/**
 * `x / (1 + |x|)` elementwise.
 * @example
 * ```js
 * tf.softsign(tf.tensor([1, -3])).print(); // [0.5, -0.75]
 * ```
 */
export const softsign = defUnary('softsign', 'softsign');
/**
 * `clip(0.2 * x + 0.5, 0, 1)` elementwise (Keras's piecewise-linear sigmoid).
 * @example
 * ```js
 * tf.hardSigmoid(tf.tensor([0, 5])).print(); // [0.5, 1]
 * ```
 */
export const hardSigmoid = defUnary('hardSigmoid', 'hardSigmoid');
/**
 * `x * sigmoid(x)` elementwise (SiLU).
 * @example
 * ```js
 * tf.swish(tf.tensor([0, 1])).print(); // [0, 0.731]
 * ```
 */
export const swish = defUnary('swish', 'swish');
/**
 * `x * tanh(softplus(x))` elementwise.
 * @example
 * ```js
 * tf.mish(tf.tensor([0, 1])).print(); // [0, 0.865]
 * ```
 */
export const mish = defUnary('mish', 'mish');
/**
 * `exp(x) - 1` elementwise, accurate near 0.
 * @example
 * ```js
 * tf.expm1(tf.tensor([0, 1])).print(); // [0, 1.718]
 * ```
 */
export const expm1 = defUnary('expm1', 'expm1');
/**
 * `log(1 + x)` elementwise, accurate near 0.
 * @example
 * ```js
 * tf.log1p(tf.tensor([0, Math.E - 1])).print(); // [0, 1]
 * ```
 */
export const log1p = defUnary('log1p', 'log1p');
/**
 * The Gauss error function elementwise.
 * @example
 * ```js
 * tf.erf(tf.tensor([0, 1])).print(); // [0, 0.843]
 * ```
 */
export const erf = defUnary('erf', 'erf');
/**
 * The tangent elementwise (radians).
 * @example
 * ```js
 * tf.tan(tf.tensor([0, Math.PI / 4])).print(); // [0, 1]
 * ```
 */
export const tan = defUnary('tan', 'tan');
/**
 * The arcsine elementwise.
 * @example
 * ```js
 * tf.asin(tf.tensor([0, 1])).print(); // [0, 1.571]
 * ```
 */
export const asin = defUnary('asin', 'asin');
/**
 * The arccosine elementwise.
 * @example
 * ```js
 * tf.acos(tf.tensor([1, 0])).print(); // [0, 1.571]
 * ```
 */
export const acos = defUnary('acos', 'acos');
/**
 * The arctangent elementwise.
 * @example
 * ```js
 * tf.atan(tf.tensor([0, 1])).print(); // [0, 0.785]
 * ```
 */
export const atan = defUnary('atan', 'atan');
/**
 * The hyperbolic sine elementwise.
 * @example
 * ```js
 * tf.sinh(tf.tensor([0, 1])).print(); // [0, 1.175]
 * ```
 */
export const sinh = defUnary('sinh', 'sinh');
/**
 * The hyperbolic cosine elementwise.
 * @example
 * ```js
 * tf.cosh(tf.tensor([0, 1])).print(); // [1, 1.543]
 * ```
 */
export const cosh = defUnary('cosh', 'cosh');
/**
 * The inverse hyperbolic sine elementwise.
 * @example
 * ```js
 * tf.asinh(tf.tensor([0, 1])).print(); // [0, 0.881]
 * ```
 */
export const asinh = defUnary('asinh', 'asinh');
/**
 * The inverse hyperbolic cosine elementwise (x >= 1).
 * @example
 * ```js
 * tf.acosh(tf.tensor([1, 2])).print(); // [0, 1.317]
 * ```
 */
export const acosh = defUnary('acosh', 'acosh');
/**
 * The inverse hyperbolic tangent elementwise (|x| < 1).
 * @example
 * ```js
 * tf.atanh(tf.tensor([0, 0.5])).print(); // [0, 0.549]
 * ```
 */
export const atanh = defUnary('atanh', 'atanh');

/**
 * `x` for x > 0, `alpha * x` otherwise (alpha 0.2 by default).
 * @example
 * ```js
 * tf.leakyRelu(tf.tensor([-1, 2]), 0.1).print(); // [-0.1, 2]
 * ```
 */
export const leakyRelu = op('leakyRelu', function leakyRelu(x: Input, alpha = 0.2): Tensor {
  const t = toTensor(x, 'leakyRelu', 'x');
  const y = unaryOp('leakyRelu', 'leakyRelu', t, 'float32', alpha);
  recordUnary('leakyRelu', 'leakyRelu', t, y, alpha);
  return y;
});

/**
 * x > 0 ? 1 : alpha; int32 stays int32 (as TF.js). Its gradient is zero.
 * @example
 * ```js
 * tf.step(tf.tensor([-1, 2])).print(); // [0, 1]
 * ```
 */
export const step = op('step', function step(x: Input, alpha = 0): Tensor {
  const t = toTensor(x, 'step', 'x');
  const y = unaryOp('step', 'step', t, t.dtype === 'int32' ? 'int32' : 'float32', alpha);
  recordUnary('step', 'step', t, y, alpha);
  return y;
});

/**
 * Limits every element to [clipValueMin, clipValueMax].
 * @example
 * ```js
 * tf.clipByValue(tf.tensor([-5, 0.5, 5]), 0, 1).print(); // [0, 0.5, 1]
 * ```
 */
export const clipByValue = op('clipByValue', function clipByValue(x: Input, clipValueMin: number, clipValueMax: number): Tensor {
  const t = toTensor(x, 'clipByValue', 'x');
  if (!(clipValueMin <= clipValueMax)) {
    throw new Error(`clipByValue: clipValueMin (${clipValueMin}) must be <= clipValueMax (${clipValueMax})`);
  }
  const y = unaryOp('clipByValue', 'clip', t, t.dtype === 'int32' ? 'int32' : 'float32', clipValueMin, clipValueMax);
  recordUnary('clipByValue', 'clip', t, y, clipValueMin, clipValueMax);
  return y;
});

/**
 * Elementwise NOT of a bool tensor.
 * @example
 * ```js
 * tf.logicalNot(tf.tensor([true, false], [2], 'bool')).print(); // [false, true]
 * ```
 */
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
/**
 * True where an element is NaN.
 * @example
 * ```js
 * tf.isNaN(tf.tensor([NaN, 1])).print(); // [true, false]
 * ```
 */
export const isNaN = defPredicate('isNaN', 'isNaN');
/**
 * True where an element is +Infinity or -Infinity.
 * @example
 * ```js
 * tf.isInf(tf.tensor([Infinity, 1])).print(); // [true, false]
 * ```
 */
export const isInf = defPredicate('isInf', 'isInf');
/**
 * True where an element is neither NaN nor infinite.
 * @example
 * ```js
 * tf.isFinite(tf.tensor([Infinity, NaN, 1])).print(); // [false, false, true]
 * ```
 */
export const isFinite = defPredicate('isFinite', 'isFinite');

/**
 * Convert dtype. float -> int truncates toward zero; anything -> bool is (x != 0).
 * @example
 * ```js
 * tf.cast(tf.tensor([1.7, -1.7]), 'int32').print(); // [1, -1]
 * ```
 */
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
