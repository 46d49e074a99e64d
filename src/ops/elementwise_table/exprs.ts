/**
 * The kernel-language expressions of the elementwise op table, by op name: `wgsl` (WebGPU) and `as` / `asSimd`
 * (AssemblyScript on f64 / f32x4); conventions in types.ts. scripts/gen_elementwise.mjs generates the WGSL and
 * AssemblyScript `switch (op)` dispatch from them at build time, and the webgpu backend's fused-elementwise kernels
 * read `wgsl` at run time. They sit apart from the rows (unary.ts, binary.ts: dtype rule, js function, gradient) so
 * the JS every app loads up front carries no kernel source: only the lazily loaded webgpu chunk imports this file.
 */
import type { BinaryOp, UnaryOp } from '../../backends/kernels.js';
import type { KernelExprs } from './types.js';

export const UNARY_EXPRS: Record<UnaryOp, KernelExprs> = {
  identity: { wgsl: 'x', as: 'x', asSimd: 'v' },
  neg: { wgsl: '-x', as: '-x', asSimd: 'f32x4.neg(v)' },
  abs: { wgsl: 'abs(x)', as: 'Math.abs(x)', asSimd: 'f32x4.abs(v)' },
  exp: { wgsl: 'safe_exp(x)', as: 'Math.exp(x)', asSimd: 'expF32x4(v)' },
  log: { wgsl: 'safe_log(x)', as: 'Math.log(x)' },
  sqrt: { wgsl: 'safe_sqrt(x)', as: 'Math.sqrt(x)', asSimd: 'f32x4.sqrt(v)' },
  rsqrt: { wgsl: '1.0f / safe_sqrt(x)', as: '1.0 / Math.sqrt(x)', asSimd: 'f32x4.div(one, f32x4.sqrt(v))' },
  square: { wgsl: 'x * x', as: 'x * x', asSimd: 'f32x4.mul(v, v)' },
  reciprocal: { wgsl: '1.0f / x', as: '1.0 / x', asSimd: 'f32x4.div(one, v)' },
  relu: { wgsl: 'select(max(x, 0.0f), x, is_nan_f32(x))', as: 'x > 0 ? x : x == x ? 0 : x', asSimd: 'f32x4.max(v, zero)' },
  relu6: {
    wgsl: 'select(min(max(x, 0.0f), 6.0f), x, is_nan_f32(x))',
    as: 'x != x ? x : jsMin(jsMax(x, 0), 6)',
    asSimd: 'f32x4.min(f32x4.max(v, zero), f32x4.splat(6))',
  },
  leakyRelu: {
    wgsl: 'select(x, alpha * x, x < 0.0f)',
    as: 'x < 0 ? alpha * x : x',
    asSimd: 'v128.bitselect(f32x4.mul(v, alpha), v, f32x4.lt(v, zero))',
  },
  elu: { wgsl: 'select(x, expm1_f32(x), x < 0.0f)', as: 'x < 0 ? Math.expm1(x) : x' },
  selu: {
    wgsl: 'select(1.0507009873554805f * x, 1.7580993408473766f * expm1_f32(x), x < 0.0f)',
    as: 'x < 0 ? SELU_SCALE * SELU_ALPHA * Math.expm1(x) : SELU_SCALE * x',
  },
  gelu: { wgsl: 'gelu_f32(x)', as: '0.5 * x * (1.0 + erf64(x / Math.SQRT2))', asSimd: 'geluF32x4(v)' },
  sigmoid: { wgsl: 'sigmoid_f32(x)', as: 'sigmoid64(x)', asSimd: 'sigmoidF32x4(v)' },
  tanh: { wgsl: 'tanh_f32(x)', as: 'Math.tanh(x)', asSimd: 'tanhF32x4(v)' },
  softplus: { wgsl: 'softplus_f32(x)', as: 'softplus64(x)' },
  sin: { wgsl: 'sincos_f32(x).x', as: 'Math.sin(x)' },
  cos: { wgsl: 'sincos_f32(x).y', as: 'Math.cos(x)' },
  floor: { wgsl: 'floor(x)', as: 'Math.floor(x)', asSimd: 'f32x4.floor(v)' },
  ceil: { wgsl: 'ceil(x)', as: 'Math.ceil(x)', asSimd: 'f32x4.ceil(v)' },
  round: { wgsl: 'round(x)', as: 'nearest<f64>(x)', asSimd: 'f32x4.nearest(v)' },
  sign: {
    wgsl: 'select(select(select(0.0f, -1.0f, x < 0.0f), 1.0f, x > 0.0f), 0.0f, is_nan_f32(x))',
    as: 'x > 0 ? 1 : x < 0 ? -1 : 0',
  },
  clip: {
    wgsl: 'select(min(max(x, alpha), beta), x, is_nan_f32(x))',
    as: 'x != x ? x : jsMin(jsMax(x, alpha), beta)',
    asSimd: 'f32x4.min(f32x4.max(v, alpha), beta)',
  },
  logicalNot: { wgsl: 'select(0.0f, 1.0f, x == 0.0f)', as: 'x == 0 ? 1 : 0' },
  softsign: { wgsl: 'x / (1.0f + abs(x))', as: 'x / (1.0 + Math.abs(x))', asSimd: 'f32x4.div(v, f32x4.add(one, f32x4.abs(v)))' },
  hardSigmoid: {
    wgsl: 'select(min(max(0.2f * x + 0.5f, 0.0f), 1.0f), x, is_nan_f32(x))',
    as: 'jsMin(jsMax(0.2 * x + 0.5, 0), 1)',
    asSimd: 'f32x4.min(f32x4.max(f32x4.add(f32x4.mul(v, f32x4.splat(0.2)), f32x4.splat(0.5)), zero), one)',
  },
  swish: { wgsl: 'x * sigmoid_f32(x)', as: 'x * sigmoid64(x)', asSimd: 'f32x4.div(v, f32x4.add(one, expF32x4(f32x4.neg(v))))' },
  mish: { wgsl: 'x * tanh_f32(softplus_f32(x))', as: 'x * Math.tanh(softplus64(x))' },
  expm1: { wgsl: 'expm1_f32(x)', as: 'Math.expm1(x)' },
  log1p: { wgsl: 'log1p_f32(x)', as: 'Math.log1p(x)' },
  erf: { wgsl: 'erf_f32(x)', as: 'erf64(x)', asSimd: 'erfF32x4(v)' },
  isNaN: { wgsl: 'select(0.0f, 1.0f, is_nan_f32(x))', as: 'x != x ? 1 : 0' },
  isInf: { wgsl: 'select(0.0f, 1.0f, is_inf_f32(x))', as: 'x == Infinity || x == -Infinity ? 1 : 0' },
  isFinite: { wgsl: 'select(0.0f, 1.0f, is_finite_f32(x))', as: 'isFinite<f64>(x) ? 1 : 0' },
  tan: { wgsl: 'tan_f32(x)', as: 'Math.tan(x)' },
  asin: { wgsl: 'asin_f32(x)', as: 'Math.asin(x)' },
  acos: { wgsl: 'acos_f32(x)', as: 'Math.acos(x)' },
  atan: { wgsl: 'select(atan(x), x, is_nan_f32(x))', as: 'Math.atan(x)' },
  sinh: { wgsl: 'sinh_f32(x)', as: 'Math.sinh(x)' },
  cosh: { wgsl: '0.5f * (safe_exp(x) + safe_exp(-x))', as: 'Math.cosh(x)' },
  asinh: { wgsl: 'asinh_f32(x)', as: 'Math.asinh(x)' },
  acosh: { wgsl: 'acosh_f32(x)', as: 'Math.acosh(x)' },
  atanh: { wgsl: 'atanh_f32(x)', as: 'Math.atanh(x)' },
  step: { wgsl: 'select(select(alpha, 1.0f, x > 0.0f), x, is_nan_f32(x))', as: 'x > 0 ? 1 : x != x ? x : alpha' },
  geluTanh: {
    wgsl: 'gelu_tanh_f32(x)',
    as: '0.5 * x * (1.0 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))',
    asSimd: 'geluTanhF32x4(v)',
  },
};

export const BINARY_EXPRS: Record<BinaryOp, KernelExprs> = {
  add: { wgsl: 'a + b', as: 'a + b', asSimd: 'f32x4.add(a, b)', wgslVec4: true },
  sub: { wgsl: 'a - b', as: 'a - b', asSimd: 'f32x4.sub(a, b)', wgslVec4: true },
  mul: { wgsl: 'a * b', as: 'a * b', asSimd: 'f32x4.mul(a, b)', wgslVec4: true },
  div: { wgsl: 'a / b', as: 'a / b', asSimd: 'f32x4.div(a, b)', wgslVec4: true },
  floorDiv: { wgsl: 'floor_div(a, b)', as: 'Math.floor(a / b)' },
  pow: { wgsl: 'pow_js(a, b)', as: 'powJs(a, b)' },
  maximum: { wgsl: 'max_nan(a, b)', as: 'jsMax(a, b)', asSimd: 'f32x4.max(a, b)' },
  minimum: { wgsl: 'min_nan(a, b)', as: 'jsMin(a, b)', asSimd: 'f32x4.min(a, b)' },
  squaredDifference: {
    wgsl: '(a - b) * (a - b)',
    as: '(a - b) * (a - b)',
    asSimd: 'f32x4.mul(f32x4.sub(a, b), f32x4.sub(a, b))',
  },
  mod: { wgsl: 'mod_js(a, b)', as: 'floorMod64(a, b)' },
  equal: { wgsl: 'select(0.0f, 1.0f, a == b)', as: 'a == b ? 1 : 0' },
  notEqual: { wgsl: 'select(0.0f, 1.0f, ne_f32(a, b))', as: 'a != b ? 1 : 0' },
  greater: { wgsl: 'select(0.0f, 1.0f, a > b)', as: 'a > b ? 1 : 0' },
  greaterEqual: { wgsl: 'select(0.0f, 1.0f, a >= b)', as: 'a >= b ? 1 : 0' },
  less: { wgsl: 'select(0.0f, 1.0f, a < b)', as: 'a < b ? 1 : 0' },
  lessEqual: { wgsl: 'select(0.0f, 1.0f, a <= b)', as: 'a <= b ? 1 : 0' },
  logicalAnd: { wgsl: 'select(0.0f, 1.0f, ne_f32(a, 0.0f) && ne_f32(b, 0.0f))', as: 'a != 0 && b != 0 ? 1 : 0' },
  logicalOr: { wgsl: 'select(0.0f, 1.0f, ne_f32(a, 0.0f) || ne_f32(b, 0.0f))', as: 'a != 0 || b != 0 ? 1 : 0' },
  atan2: { wgsl: 'atan2_js(a, b)', as: 'Math.atan2(a, b)' },
  divNoNan: { wgsl: 'select(a / b, 0.0f, b == 0.0f)', as: 'b == 0 ? 0 : a / b' },
  prelu: {
    wgsl: 'select(a, a * b, a < 0.0f)',
    as: 'a < 0 ? a * b : a',
    asSimd: 'v128.bitselect(f32x4.mul(a, b), a, f32x4.lt(a, f32x4.splat(0)))',
  },
};
