// Scalar (f64) definitions of every unary, binary and activation op code, mirroring
// src/backends/js/scalar_ops.ts line for line. The general (strided, mixed-dtype) paths of the
// kernels use these, so they agree with the js reference to the last bit wherever the math
// library does; SIMD fast paths live in the kernel files.

const SELU_ALPHA: f64 = 1.6732632423543772;
const SELU_SCALE: f64 = 1.0507009873554805;

/** erf with max error ~1.2e-7 (Numerical Recipes erfc Chebyshev fit), same formula as js. */
export function erf64(x: f64): f64 {
  const z = Math.abs(x);
  const t = 1.0 / (1.0 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1.0 - r : r - 1.0;
}

@inline function softplus64(x: f64): f64 {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

@inline function sigmoid64(x: f64): f64 {
  return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
}

/** NaN-propagating max/min (js Math.max/min semantics, -0 < +0). */
@inline function jsMax(a: f64, b: f64): f64 { return max<f64>(a, b); }
@inline function jsMin(a: f64, b: f64): f64 { return min<f64>(a, b); }

export function applyUnary(op: i32, x: f64, alpha: f64, beta: f64): f64 {
  switch (op) {
    case 0: return x;
    case 1: return -x;
    case 2: return Math.abs(x);
    case 3: return Math.exp(x);
    case 4: return Math.log(x);
    case 5: return Math.sqrt(x);
    case 6: return 1.0 / Math.sqrt(x);
    case 7: return x * x;
    case 8: return 1.0 / x;
    case 9: return x > 0 ? x : x == x ? 0 : x;
    case 10: return x != x ? x : jsMin(jsMax(x, 0), 6);
    case 11: return x < 0 ? alpha * x : x;
    case 12: return x < 0 ? Math.expm1(x) : x;
    case 13: return x < 0 ? SELU_SCALE * SELU_ALPHA * Math.expm1(x) : SELU_SCALE * x;
    case 14: return 0.5 * x * (1.0 + erf64(x / Math.SQRT2));
    case 15: return sigmoid64(x);
    case 16: return Math.tanh(x);
    case 17: return softplus64(x);
    case 18: return Math.sin(x);
    case 19: return Math.cos(x);
    case 20: return Math.floor(x);
    case 21: return Math.ceil(x);
    case 22: return nearest<f64>(x); // round half to even
    case 23: return x > 0 ? 1 : x < 0 ? -1 : 0; // NaN -> 0, as TF.js
    case 24: return x != x ? x : jsMin(jsMax(x, alpha), beta);
    case 25: return x == 0 ? 1 : 0;
    case 26: return x / (1.0 + Math.abs(x));
    case 27: return jsMin(jsMax(0.2 * x + 0.5, 0), 1);
    case 28: return x * sigmoid64(x);
    case 29: return x * Math.tanh(softplus64(x));
    case 30: return Math.expm1(x);
    case 31: return Math.log1p(x);
    case 32: return erf64(x);
    case 33: return x != x ? 1 : 0;
    case 34: return x == Infinity || x == -Infinity ? 1 : 0;
    case 35: return isFinite<f64>(x) ? 1 : 0;
    case 36: return Math.tan(x);
    case 37: return Math.asin(x);
    case 38: return Math.acos(x);
    case 39: return Math.atan(x);
    case 40: return Math.sinh(x);
    case 41: return Math.cosh(x);
    case 42: return Math.asinh(x);
    case 43: return Math.acosh(x);
    case 44: return Math.atanh(x);
    case 45: return x > 0 ? 1 : x != x ? x : alpha;
    case 46: return 0.5 * x * (1.0 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    default: return NaN;
  }
}

export function applyBinary(op: i32, a: f64, b: f64): f64 {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return Math.floor(a / b);
    case 5: return Math.pow(a, b);
    case 6: return jsMax(a, b);
    case 7: return jsMin(a, b);
    case 8: return (a - b) * (a - b);
    case 9: { const r = a % b; return r != 0 && (r < 0) != (b < 0) ? r + b : r; }
    case 10: return a == b ? 1 : 0;
    case 11: return a != b ? 1 : 0;
    case 12: return a > b ? 1 : 0;
    case 13: return a >= b ? 1 : 0;
    case 14: return a < b ? 1 : 0;
    case 15: return a <= b ? 1 : 0;
    case 16: return a != 0 && b != 0 ? 1 : 0;
    case 17: return a != 0 || b != 0 ? 1 : 0;
    case 18: return Math.atan2(a, b);
    case 19: return b == 0 ? 0 : a / b;
    case 20: return a < 0 ? a * b : a;
    default: return NaN;
  }
}

/** Fused-epilogue activation (Activation codes); `pw` is the prelu slope of this column. */
export function applyActivation(act: i32, x: f64, alpha: f64, pw: f64): f64 {
  switch (act) {
    case 0: return x;
    case 1: return x > 0 ? x : x == x ? 0 : x;
    case 2: return x != x ? x : jsMin(jsMax(x, 0), 6);
    case 3: return x < 0 ? Math.expm1(x) : x;
    case 4: return x < 0 ? alpha * x : x;
    case 5: return x < 0 ? pw * x : x;
    case 6: return sigmoid64(x);
    case 7: return Math.tanh(x);
    case 8: return 0.5 * x * (1.0 + erf64(x / Math.SQRT2));
    default: return NaN;
  }
}

/** Element kinds: 0 float32 (f32), 1 int32 (i32), 2 bool (i32 0/1). */
@inline export function loadAs64(p: usize, isInt: i32): f64 {
  return isInt ? <f64>load<i32>(p) : <f64>load<f32>(p);
}

/** JS ToInt32 (what an Int32Array store does): truncate, wrap modulo 2^32, NaN/Inf -> 0. */
@inline export function toInt32(v: f64): i32 {
  if (!isFinite<f64>(v)) return 0;
  if (Math.abs(v) < 2147483648.0) return <i32>v;
  let r = Math.trunc(v) % 4294967296.0;
  if (r < 0) r += 4294967296.0;
  return <i32><u32>r;
}

/** Store conversion of the kernel contract: int32 truncates (NaN/Inf -> 0), bool is 0/1. */
@inline export function storeAs(p: usize, v: f64, kind: i32): void {
  if (kind == 0) store<f32>(p, <f32>v);
  else if (kind == 1) store<i32>(p, toInt32(v));
  else store<i32>(p, v != 0 && v == v ? 1 : 0);
}
