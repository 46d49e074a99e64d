/**
 * The unary rows of the elementwise op table, keyed by op name (codes in src/backends/kernels.ts
 * `Unary`). The WGSL / AssemblyScript expressions of each row are in exprs.ts. Gradients follow TF.js's.
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
    dtype: 'cast', js: (x) => x,
    grad: gy((_o, _x, _y, dy) => dy), // cast passes the cotangent through, as TF.js
  },
  neg: {
    dtype: 'keepInt', js: (x) => -x,
    grad: gy((o, _x, _y, dy) => o.neg(dy)),
  },
  abs: {
    dtype: 'keepInt', js: (x) => Math.abs(x),
    grad: gx((o, x, _y, dy) => o.mul(dy, o.sign(x))),
  },
  exp: {
    dtype: 'float', js: (x) => Math.exp(x),
    grad: gy((o, _x, y, dy) => o.mul(dy, y)),
  },
  log: {
    dtype: 'floatOnly', js: (x) => Math.log(x),
    grad: gx((o, x, _y, dy) => o.div(dy, x)),
  },
  sqrt: {
    dtype: 'floatOnly', js: (x) => Math.sqrt(x),
    grad: gy((o, _x, y, dy) => o.div(dy, o.mul(y, 2))),
  },
  rsqrt: {
    dtype: 'floatOnly', js: (x) => 1 / Math.sqrt(x),
    grad: gxy((o, x, y, dy) => o.mul(dy, o.div(o.mul(y, -0.5), x))),
  },
  square: {
    dtype: 'keepInt', js: (x) => x * x,
    grad: gx((o, x, _y, dy) => o.mul(dy, o.mul(x, 2))),
  },
  reciprocal: {
    dtype: 'float', js: (x) => 1 / x,
    grad: gy((o, _x, y, dy) => o.neg(o.mul(dy, o.mul(y, y)))),
  },
  relu: {
    dtype: 'keepInt', js: (x) => (x > 0 ? x : x === x ? 0 : x),
    // y > 0 exactly where x > 0, and y is NaN where x is: step(y) = step(x)
    grad: gy((o, _x, y, dy) => o.mul(dy, o.step(y))),
  },
  relu6: {
    dtype: 'keepInt', js: (x) => (x !== x ? x : Math.min(Math.max(x, 0), 6)),
    // TF.js: 1 on (0, 6], which y cannot tell apart at 6
    grad: gx((o, x, _y, dy) => o.mul(dy, o.logicalAnd(o.greater(x, 0), o.lessEqual(x, 6)))),
  },
  leakyRelu: {
    dtype: 'float', js: (x, alpha) => (x < 0 ? alpha * x : x),
    grad: gx((o, x, _y, dy, alpha) => o.mul(dy, o.where(o.greater(x, 0), 1, alpha))),
  },
  elu: {
    dtype: 'floatOnly', js: (x) => (x < 0 ? Math.expm1(x) : x),
    grad: gy((o, _x, y, dy) => o.mul(dy, o.where(o.less(y, 0), o.add(y, 1), 1))), // TF.js EluGrad reads y
  },
  selu: {
    dtype: 'float', js: (x) => (x < 0 ? SELU_SCALE * SELU_ALPHA * Math.expm1(x) : SELU_SCALE * x),
    // x <= 0 takes the exponential branch (TF.js: at x = 0 the slope is scale * alpha).
    grad: gx((o, x, _y, dy) => o.mul(dy, o.where(o.greater(x, 0), SELU_SCALE, o.mul(o.exp(x), SELU_SCALE * SELU_ALPHA)))),
  },
  gelu: {
    dtype: 'float', js: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
    grad: gx((o, x, _y, dy) => {
      // d/dx x*Phi(x) = Phi(x) + x*phi(x)
      const cdf = o.mul(o.add(o.erf(o.mul(x, Math.SQRT1_2)), 1), 0.5);
      const pdf = o.mul(o.exp(o.mul(o.square(x), -0.5)), 1 / Math.sqrt(2 * Math.PI));
      return o.mul(dy, o.add(cdf, o.mul(x, pdf)));
    }),
  },
  sigmoid: {
    dtype: 'floatOnly', js: sigmoid,
    grad: gy((o, _x, y, dy) => o.mul(dy, o.mul(y, o.sub(1, y)))),
  },
  tanh: {
    dtype: 'floatOnly', js: (x) => Math.tanh(x),
    grad: gy((o, _x, y, dy) => o.mul(dy, o.sub(1, o.square(y)))),
  },
  softplus: {
    dtype: 'float', js: softplus,
    grad: gx((o, x, _y, dy) => o.mul(dy, o.sigmoid(x))),
  },
  sin: {
    dtype: 'floatOnly', js: (x) => Math.sin(x),
    grad: gx((o, x, _y, dy) => o.mul(dy, o.cos(x))),
  },
  cos: {
    dtype: 'floatOnly', js: (x) => Math.cos(x),
    grad: gx((o, x, _y, dy) => o.neg(o.mul(dy, o.sin(x)))),
  },
  floor: {
    dtype: 'floatOnly', js: (x) => Math.floor(x),
    grad: zeros('piecewise constant'),
  },
  ceil: {
    dtype: 'floatOnly', js: (x) => Math.ceil(x),
    grad: zeros('piecewise constant'),
  },
  round: {
    dtype: 'keepInt', js: roundHalfEven, // all half to even
    grad: zeros('piecewise constant'),
  },
  sign: {
    dtype: 'keepInt', js: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), // NaN -> 0, as TF.js
    grad: zeros('piecewise constant'),
  },
  clip: {
    dtype: 'keepInt', js: (x, lo, hi) => (x !== x ? x : Math.min(Math.max(x, lo), hi)),
    grad: gx((o, x, _y, dy, lo, hi) => o.mul(dy, o.logicalAnd(o.greaterEqual(x, lo), o.lessEqual(x, hi)))),
  },
  logicalNot: {
    dtype: 'bool', js: (x) => (x === 0 ? 1 : 0),
    grad: none('bool-valued'),
  },
  softsign: {
    dtype: 'float', js: (x) => x / (1 + Math.abs(x)),
    grad: gx((o, x, _y, dy) => o.div(dy, o.square(o.add(o.abs(x), 1)))),
  },
  hardSigmoid: {
    dtype: 'float', js: (x) => Math.min(Math.max(0.2 * x + 0.5, 0), 1),
    grad: gx((o, x, _y, dy) => o.mul(dy, o.mul(o.logicalAnd(o.greater(x, -2.5), o.less(x, 2.5)), 0.2))),
  },
  swish: {
    dtype: 'float', js: (x) => x * sigmoid(x),
    grad: gx((o, x, _y, dy) => {
      const s = o.sigmoid(x);
      return o.mul(dy, o.add(s, o.mul(x, o.mul(s, o.sub(1, s)))));
    }),
  },
  mish: {
    dtype: 'float', js: (x) => x * Math.tanh(softplus(x)),
    grad: gx((o, x, _y, dy) => {
      const t = o.tanh(o.softplus(x));
      return o.mul(dy, o.add(t, o.mul(o.mul(x, o.sub(1, o.square(t))), o.sigmoid(x))));
    }),
  },
  expm1: {
    dtype: 'float', js: (x) => Math.expm1(x),
    grad: gx((o, x, _y, dy) => o.mul(dy, o.exp(x))),
  },
  log1p: {
    dtype: 'float', js: (x) => Math.log1p(x),
    grad: gx((o, x, _y, dy) => o.div(dy, o.add(x, 1))),
  },
  erf: {
    dtype: 'float', js: erf,
    grad: gx((o, x, _y, dy) => o.mul(dy, o.mul(o.exp(o.neg(o.square(x))), 2 / Math.sqrt(Math.PI)))),
  },
  isNaN: {
    dtype: 'predicate', js: (x) => (x !== x ? 1 : 0),
    grad: none('bool-valued'),
  },
  isInf: {
    dtype: 'predicate', js: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
    grad: none('bool-valued'),
  },
  isFinite: {
    dtype: 'predicate', js: (x) => (Number.isFinite(x) ? 1 : 0),
    grad: none('bool-valued'),
  },
  tan: {
    dtype: 'floatOnly', js: (x) => Math.tan(x),
    grad: gx((o, x, _y, dy) => o.div(dy, o.square(o.cos(x)))),
  },
  asin: {
    dtype: 'float', js: (x) => Math.asin(x),
    grad: gx((o, x, _y, dy) => o.div(dy, o.sqrt(o.sub(1, o.square(x))))),
  },
  acos: {
    dtype: 'float', js: (x) => Math.acos(x),
    grad: gx((o, x, _y, dy) => o.neg(o.div(dy, o.sqrt(o.sub(1, o.square(x)))))),
  },
  atan: {
    dtype: 'float', js: (x) => Math.atan(x),
    grad: gx((o, x, _y, dy) => o.div(dy, o.add(o.square(x), 1))),
  },
  sinh: {
    dtype: 'float', js: (x) => Math.sinh(x),
    grad: gx((o, x, _y, dy) => o.mul(dy, o.cosh(x))),
  },
  cosh: {
    dtype: 'floatOnly', js: (x) => Math.cosh(x),
    grad: gx((o, x, _y, dy) => o.mul(dy, o.sinh(x))),
  },
  asinh: {
    dtype: 'float', js: (x) => Math.asinh(x),
    grad: gx((o, x, _y, dy) => o.div(dy, o.sqrt(o.add(o.square(x), 1)))),
  },
  acosh: {
    dtype: 'float', js: (x) => Math.acosh(x),
    grad: gx((o, x, _y, dy) => o.div(dy, o.sqrt(o.sub(o.square(x), 1)))),
  },
  atanh: {
    dtype: 'float', js: (x) => Math.atanh(x),
    grad: gx((o, x, _y, dy) => o.div(dy, o.sub(1, o.square(x)))),
  },
  step: {
    dtype: 'keepInt', js: (x, alpha) => (x > 0 ? 1 : x !== x ? x : alpha),
    grad: none('piecewise constant (TF.js records no gradient)'),
  },
  geluTanh: {
    dtype: 'float', js: (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))),
    grad: gx((o, x, _y, dy) => {
      // y = 0.5x(1 + t), t = tanh(u), u = c(x + 0.044715x^3): y' = 0.5(1 + t) + 0.5x(1 - t^2)c(1 + 3*0.044715x^2)
      const x2 = o.square(x);
      const t = o.tanh(o.mul(o.add(x, o.mul(o.mul(x2, x), 0.044715)), SQRT_2_OVER_PI));
      const du = o.mul(o.add(o.mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI);
      return o.mul(dy, o.add(o.mul(o.add(t, 1), 0.5), o.mul(o.mul(o.mul(x, 0.5), o.sub(1, o.square(t))), du)));
    }),
  },
};
