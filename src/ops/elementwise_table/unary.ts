/**
 * The unary rows of the elementwise op table, keyed by op name (codes in src/backends/kernels.ts
 * `Unary`). See types.ts for the expression conventions. Gradients follow TF.js's.
 */
import type { UnaryOp } from '../../backends/kernels.js';
import { erf, roundHalfEven, sigmoid, softplus } from '../../backends/js/scalar_math.js';
import type { NoGrad, UnaryGrad, UnaryRow } from './types.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT_2_OVER_PI = 0.7978845608028654;

const gx = (fn: UnaryGrad['fn']): UnaryGrad => ({ uses: 'x', fn });
const gy = (fn: UnaryGrad['fn']): UnaryGrad => ({ uses: 'y', fn });
const gxy = (fn: UnaryGrad['fn']): UnaryGrad => ({ uses: 'xy', fn });
const zeros = (reason: string): NoGrad => ({ zero: 'zeros', reason });
const none = (reason: string): NoGrad => ({ zero: 'none', reason });

export const UNARY_ROWS: Record<UnaryOp, UnaryRow> = {
  identity: {
    dtype: 'cast', js: (x) => x, wgsl: 'x', as: 'x', asSimd: 'v',
    grad: gy((_o, _x, _y, dy) => dy), // cast passes the cotangent through, as TF.js
  },
  neg: {
    dtype: 'keepInt', js: (x) => -x, wgsl: '-x', as: '-x', asSimd: 'f32x4.neg(v)',
    grad: gy((o, _x, _y, dy) => o.neg(dy)),
  },
  abs: {
    dtype: 'keepInt', js: (x) => Math.abs(x), wgsl: 'abs(x)', as: 'Math.abs(x)', asSimd: 'f32x4.abs(v)',
    grad: gx((o, x, _y, dy) => o.mul(dy, o.sign(x))),
  },
  exp: {
    dtype: 'float', js: (x) => Math.exp(x), wgsl: 'safe_exp(x)', as: 'Math.exp(x)', asSimd: 'expF32x4(v)',
    grad: gy((o, _x, y, dy) => o.mul(dy, y)),
  },
  log: {
    dtype: 'floatOnly', js: (x) => Math.log(x), wgsl: 'safe_log(x)', as: 'Math.log(x)',
    grad: gx((o, x, _y, dy) => o.div(dy, x)),
  },
  sqrt: {
    dtype: 'floatOnly', js: (x) => Math.sqrt(x), wgsl: 'safe_sqrt(x)', as: 'Math.sqrt(x)', asSimd: 'f32x4.sqrt(v)',
    grad: gy((o, _x, y, dy) => o.div(dy, o.mul(y, 2))),
  },
  rsqrt: {
    dtype: 'floatOnly', js: (x) => 1 / Math.sqrt(x), wgsl: '1.0f / safe_sqrt(x)', as: '1.0 / Math.sqrt(x)',
    asSimd: 'f32x4.div(one, f32x4.sqrt(v))',
    grad: gxy((o, x, y, dy) => o.mul(dy, o.div(o.mul(y, -0.5), x))),
  },
  square: {
    dtype: 'keepInt', js: (x) => x * x, wgsl: 'x * x', as: 'x * x', asSimd: 'f32x4.mul(v, v)',
    grad: gx((o, x, _y, dy) => o.mul(dy, o.mul(x, 2))),
  },
  reciprocal: {
    dtype: 'float', js: (x) => 1 / x, wgsl: '1.0f / x', as: '1.0 / x', asSimd: 'f32x4.div(one, v)',
    grad: gy((o, _x, y, dy) => o.neg(o.mul(dy, o.mul(y, y)))),
  },
  relu: {
    dtype: 'keepInt', js: (x) => (x > 0 ? x : x === x ? 0 : x),
    wgsl: 'select(max(x, 0.0f), x, is_nan_f32(x))', as: 'x > 0 ? x : x == x ? 0 : x', asSimd: 'f32x4.max(v, zero)',
    // y > 0 exactly where x > 0, and y is NaN where x is: step(y) = step(x)
    grad: gy((o, _x, y, dy) => o.mul(dy, o.step(y))),
  },
  relu6: {
    dtype: 'keepInt', js: (x) => (x !== x ? x : Math.min(Math.max(x, 0), 6)),
    wgsl: 'select(min(max(x, 0.0f), 6.0f), x, is_nan_f32(x))', as: 'x != x ? x : jsMin(jsMax(x, 0), 6)',
    asSimd: 'f32x4.min(f32x4.max(v, zero), f32x4.splat(6))',
    // TF.js: 1 on (0, 6], which y cannot tell apart at 6
    grad: gx((o, x, _y, dy) => o.mul(dy, o.logicalAnd(o.greater(x, 0), o.lessEqual(x, 6)))),
  },
  leakyRelu: {
    dtype: 'float', js: (x, alpha) => (x < 0 ? alpha * x : x),
    wgsl: 'select(x, alpha * x, x < 0.0f)', as: 'x < 0 ? alpha * x : x',
    asSimd: 'v128.bitselect(f32x4.mul(v, alpha), v, f32x4.lt(v, zero))',
    grad: gx((o, x, _y, dy, alpha) => o.mul(dy, o.where(o.greater(x, 0), 1, alpha))),
  },
  elu: {
    dtype: 'floatOnly', js: (x) => (x < 0 ? Math.expm1(x) : x),
    wgsl: 'select(x, expm1_f32(x), x < 0.0f)', as: 'x < 0 ? Math.expm1(x) : x',
    grad: gy((o, _x, y, dy) => o.mul(dy, o.where(o.less(y, 0), o.add(y, 1), 1))), // TF.js EluGrad reads y
  },
  selu: {
    dtype: 'float', js: (x) => (x < 0 ? SELU_SCALE * SELU_ALPHA * Math.expm1(x) : SELU_SCALE * x),
    wgsl: 'select(1.0507009873554805f * x, 1.7580993408473766f * expm1_f32(x), x < 0.0f)',
    as: 'x < 0 ? SELU_SCALE * SELU_ALPHA * Math.expm1(x) : SELU_SCALE * x',
    // x <= 0 takes the exponential branch (TF.js: at x = 0 the slope is scale * alpha).
    grad: gx((o, x, _y, dy) => o.mul(dy, o.where(o.greater(x, 0), SELU_SCALE, o.mul(o.exp(x), SELU_SCALE * SELU_ALPHA)))),
  },
  gelu: {
    dtype: 'float', js: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
    wgsl: 'gelu_f32(x)', as: '0.5 * x * (1.0 + erf64(x / Math.SQRT2))', asSimd: 'geluF32x4(v)',
    grad: gx((o, x, _y, dy) => {
      // d/dx x*Phi(x) = Phi(x) + x*phi(x)
      const cdf = o.mul(o.add(o.erf(o.mul(x, Math.SQRT1_2)), 1), 0.5);
      const pdf = o.mul(o.exp(o.mul(o.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return o.mul(dy, o.add(cdf, o.mul(x, pdf)));
    }),
  },
  sigmoid: {
    dtype: 'floatOnly', js: sigmoid, wgsl: 'sigmoid_f32(x)', as: 'sigmoid64(x)', asSimd: 'sigmoidF32x4(v)',
    grad: gy((o, _x, y, dy) => o.mul(dy, o.mul(y, o.sub(1, y)))),
  },
  tanh: {
    dtype: 'floatOnly', js: (x) => Math.tanh(x), wgsl: 'tanh_f32(x)', as: 'Math.tanh(x)', asSimd: 'tanhF32x4(v)',
    grad: gy((o, _x, y, dy) => o.mul(dy, o.sub(1, o.square(y)))),
  },
  softplus: {
    dtype: 'float', js: softplus, wgsl: 'softplus_f32(x)', as: 'softplus64(x)',
    grad: gx((o, x, _y, dy) => o.mul(dy, o.sigmoid(x))),
  },
  sin: {
    dtype: 'floatOnly', js: (x) => Math.sin(x), wgsl: 'sincos_f32(x).x', as: 'Math.sin(x)',
    grad: gx((o, x, _y, dy) => o.mul(dy, o.cos(x))),
  },
  cos: {
    dtype: 'floatOnly', js: (x) => Math.cos(x), wgsl: 'sincos_f32(x).y', as: 'Math.cos(x)',
    grad: gx((o, x, _y, dy) => o.neg(o.mul(dy, o.sin(x)))),
  },
  floor: {
    dtype: 'floatOnly', js: (x) => Math.floor(x), wgsl: 'floor(x)', as: 'Math.floor(x)', asSimd: 'f32x4.floor(v)',
    grad: zeros('piecewise constant'),
  },
  ceil: {
    dtype: 'floatOnly', js: (x) => Math.ceil(x), wgsl: 'ceil(x)', as: 'Math.ceil(x)', asSimd: 'f32x4.ceil(v)',
    grad: zeros('piecewise constant'),
  },
  round: {
    dtype: 'keepInt', js: roundHalfEven, wgsl: 'round(x)', as: 'nearest<f64>(x)', asSimd: 'f32x4.nearest(v)', // all half to even
    grad: zeros('piecewise constant'),
  },
  sign: {
    dtype: 'keepInt', js: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), // NaN -> 0, as TF.js
    wgsl: 'select(select(select(0.0f, -1.0f, x < 0.0f), 1.0f, x > 0.0f), 0.0f, is_nan_f32(x))',
    as: 'x > 0 ? 1 : x < 0 ? -1 : 0',
    grad: zeros('piecewise constant'),
  },
  clip: {
    dtype: 'keepInt', js: (x, lo, hi) => (x !== x ? x : Math.min(Math.max(x, lo), hi)),
    wgsl: 'select(min(max(x, alpha), beta), x, is_nan_f32(x))', as: 'x != x ? x : jsMin(jsMax(x, alpha), beta)',
    asSimd: 'f32x4.min(f32x4.max(v, alpha), beta)',
    grad: gx((o, x, _y, dy, lo, hi) => o.mul(dy, o.logicalAnd(o.greaterEqual(x, lo), o.lessEqual(x, hi)))),
  },
  logicalNot: {
    dtype: 'bool', js: (x) => (x === 0 ? 1 : 0), wgsl: 'select(0.0f, 1.0f, x == 0.0f)', as: 'x == 0 ? 1 : 0',
    grad: none('bool-valued'),
  },
  softsign: {
    dtype: 'float', js: (x) => x / (1 + Math.abs(x)), wgsl: 'x / (1.0f + abs(x))', as: 'x / (1.0 + Math.abs(x))',
    asSimd: 'f32x4.div(v, f32x4.add(one, f32x4.abs(v)))',
    grad: gx((o, x, _y, dy) => o.div(dy, o.square(o.add(o.abs(x), 1)))),
  },
  hardSigmoid: {
    dtype: 'float', js: (x) => Math.min(Math.max(0.2 * x + 0.5, 0), 1),
    wgsl: 'select(min(max(0.2f * x + 0.5f, 0.0f), 1.0f), x, is_nan_f32(x))', as: 'jsMin(jsMax(0.2 * x + 0.5, 0), 1)',
    asSimd: 'f32x4.min(f32x4.max(f32x4.add(f32x4.mul(v, f32x4.splat(0.2)), f32x4.splat(0.5)), zero), one)',
    grad: gx((o, x, _y, dy) => o.mul(dy, o.mul(o.logicalAnd(o.greater(x, -2.5), o.less(x, 2.5)), 0.2))),
  },
  swish: {
    dtype: 'float', js: (x) => x * sigmoid(x), wgsl: 'x * sigmoid_f32(x)', as: 'x * sigmoid64(x)',
    asSimd: 'f32x4.div(v, f32x4.add(one, expF32x4(f32x4.neg(v))))',
    grad: gx((o, x, _y, dy) => {
      const s = o.sigmoid(x);
      return o.mul(dy, o.add(s, o.mul(x, o.mul(s, o.sub(1, s)))));
    }),
  },
  mish: {
    dtype: 'float', js: (x) => x * Math.tanh(softplus(x)), wgsl: 'x * tanh_f32(softplus_f32(x))',
    as: 'x * Math.tanh(softplus64(x))',
    grad: gx((o, x, _y, dy) => {
      const t = o.tanh(o.softplus(x));
      return o.mul(dy, o.add(t, o.mul(o.mul(x, o.sub(1, o.square(t))), o.sigmoid(x))));
    }),
  },
  expm1: {
    dtype: 'float', js: (x) => Math.expm1(x), wgsl: 'expm1_f32(x)', as: 'Math.expm1(x)',
    grad: gx((o, x, _y, dy) => o.mul(dy, o.exp(x))),
  },
  log1p: {
    dtype: 'float', js: (x) => Math.log1p(x), wgsl: 'log1p_f32(x)', as: 'Math.log1p(x)',
    grad: gx((o, x, _y, dy) => o.div(dy, o.add(x, 1))),
  },
  erf: {
    dtype: 'float', js: erf, wgsl: 'erf_f32(x)', as: 'erf64(x)', asSimd: 'erfF32x4(v)',
    grad: gx((o, x, _y, dy) => o.mul(dy, o.mul(o.exp(o.neg(o.square(x))), 2 / Math.sqrt(Math.PI)))),
  },
  isNaN: {
    dtype: 'predicate', js: (x) => (x !== x ? 1 : 0), wgsl: 'select(0.0f, 1.0f, is_nan_f32(x))', as: 'x != x ? 1 : 0',
    grad: none('bool-valued'),
  },
  isInf: {
    dtype: 'predicate', js: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
    wgsl: 'select(0.0f, 1.0f, is_inf_f32(x))', as: 'x == Infinity || x == -Infinity ? 1 : 0',
    grad: none('bool-valued'),
  },
  isFinite: {
    dtype: 'predicate', js: (x) => (Number.isFinite(x) ? 1 : 0),
    wgsl: 'select(0.0f, 1.0f, is_finite_f32(x))', as: 'isFinite<f64>(x) ? 1 : 0',
    grad: none('bool-valued'),
  },
  tan: {
    dtype: 'floatOnly', js: (x) => Math.tan(x), wgsl: 'tan_f32(x)', as: 'Math.tan(x)',
    grad: gx((o, x, _y, dy) => o.div(dy, o.square(o.cos(x)))),
  },
  asin: {
    dtype: 'float', js: (x) => Math.asin(x), wgsl: 'asin_f32(x)', as: 'Math.asin(x)',
    grad: gx((o, x, _y, dy) => o.div(dy, o.sqrt(o.sub(1, o.square(x))))),
  },
  acos: {
    dtype: 'float', js: (x) => Math.acos(x), wgsl: 'acos_f32(x)', as: 'Math.acos(x)',
    grad: gx((o, x, _y, dy) => o.neg(o.div(dy, o.sqrt(o.sub(1, o.square(x)))))),
  },
  atan: {
    dtype: 'float', js: (x) => Math.atan(x), wgsl: 'select(atan(x), x, is_nan_f32(x))', as: 'Math.atan(x)',
    grad: gx((o, x, _y, dy) => o.div(dy, o.add(o.square(x), 1))),
  },
  sinh: {
    dtype: 'float', js: (x) => Math.sinh(x), wgsl: 'sinh_f32(x)', as: 'Math.sinh(x)',
    grad: gx((o, x, _y, dy) => o.mul(dy, o.cosh(x))),
  },
  cosh: {
    dtype: 'floatOnly', js: (x) => Math.cosh(x), wgsl: '0.5f * (safe_exp(x) + safe_exp(-x))', as: 'Math.cosh(x)',
    grad: gx((o, x, _y, dy) => o.mul(dy, o.sinh(x))),
  },
  asinh: {
    dtype: 'float', js: (x) => Math.asinh(x), wgsl: 'asinh_f32(x)', as: 'Math.asinh(x)',
    grad: gx((o, x, _y, dy) => o.div(dy, o.sqrt(o.add(o.square(x), 1)))),
  },
  acosh: {
    dtype: 'float', js: (x) => Math.acosh(x), wgsl: 'acosh_f32(x)', as: 'Math.acosh(x)',
    grad: gx((o, x, _y, dy) => o.div(dy, o.sqrt(o.sub(o.square(x), 1)))),
  },
  atanh: {
    dtype: 'float', js: (x) => Math.atanh(x), wgsl: 'atanh_f32(x)', as: 'Math.atanh(x)',
    grad: gx((o, x, _y, dy) => o.div(dy, o.sub(1, o.square(x)))),
  },
  step: {
    dtype: 'keepInt', js: (x, alpha) => (x > 0 ? 1 : x !== x ? x : alpha),
    wgsl: 'select(select(alpha, 1.0f, x > 0.0f), x, is_nan_f32(x))', as: 'x > 0 ? 1 : x != x ? x : alpha',
    grad: none('piecewise constant (TF.js records no gradient)'),
  },
  geluTanh: {
    dtype: 'float', js: (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))),
    wgsl: 'gelu_tanh_f32(x)', as: '0.5 * x * (1.0 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))',
    asSimd: 'geluTanhF32x4(v)',
    grad: gx((o, x, _y, dy) => {
      // y = 0.5x(1 + t), t = tanh(u), u = c(x + 0.044715x^3): y' = 0.5(1 + t) + 0.5x(1 - t^2)c(1 + 3*0.044715x^2)
      const x2 = o.square(x);
      const t = o.tanh(o.mul(o.add(x, o.mul(o.mul(x2, x), 0.044715)), SQRT_2_OVER_PI));
      const du = o.mul(o.add(o.mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI);
      return o.mul(dy, o.add(o.mul(o.add(t, 1), 0.5), o.mul(o.mul(o.mul(x, 0.5), o.sub(1, o.square(t))), du)));
    }),
  },
};
