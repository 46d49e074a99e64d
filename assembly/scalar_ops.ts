// Scalar (f64) helpers for the op table's AssemblyScript expressions (the per-code dispatch is
// generated into generated_dispatch.ts from src/ops/elementwise_table), mirroring the js
// reference helpers in src/backends/js/scalar_math.ts, plus the dtype load/store conversions.

export const SELU_ALPHA: f64 = 1.6732632423543772;
export const SELU_SCALE: f64 = 1.0507009873554805;

/** erf with max error ~1.2e-7 (Numerical Recipes erfc Chebyshev fit), same formula as js. */
export function erf64(x: f64): f64 {
  const z = Math.abs(x);
  const t = 1.0 / (1.0 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1.0 - r : r - 1.0;
}

@inline export function softplus64(x: f64): f64 {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

@inline export function sigmoid64(x: f64): f64 {
  return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
}

/** NaN-propagating max/min (js Math.max/min semantics, -0 < +0). */
@inline export function jsMax(a: f64, b: f64): f64 { return max<f64>(a, b); }
@inline export function jsMin(a: f64, b: f64): f64 { return min<f64>(a, b); }

/** Floored modulo: the result has the sign of b (TF.js floorMod). */
export function floorMod64(a: f64, b: f64): f64 {
  const r = a % b;
  return r != 0 && (r < 0) != (b < 0) ? r + b : r;
}

/**
 * JavaScript's Math.pow (the js backend's pow) in a few lines rather than the runtime library's 2 KB
 * pow: integer exponents by repeated squaring (exact wherever the result is, so int32 pow stays
 * exact), other exponents as exp(b * log|a|), with JS's special cases (b = 0 gives 1, NaN operands
 * NaN, |a| = 1 with an infinite b NaN, a negative base with a fractional exponent NaN). The f64 result
 * is within a few f64 ulps of Math.pow, far inside the float32 the kernels store.
 */
export function powJs(a: f64, b: f64): f64 {
  if (b == 0) return 1;
  if (isNaN(a) || isNaN(b)) return NaN;
  if (Math.floor(b) == b && Math.abs(b) < 9007199254740992.0) {
    let e = <u64>Math.abs(b);
    let base = a, r: f64 = 1;
    while (true) {
      if (e & 1) r *= base;
      e >>= 1;
      if (e == 0) break;
      base *= base;
    }
    return b < 0 ? 1 / r : r;
  }
  let x = a;
  if (a < 0) {
    if (isFinite(a) && Math.floor(b) != b) return NaN; // a fractional exponent: no real power
    // (an integer b here is at least 2^53, so even: |a|^b)
    x = -a;
  }
  if (x == 1) return isFinite(b) ? 1 : NaN;
  if (x == 0) return b < 0 ? Infinity : 0;
  if (!isFinite(x)) return b < 0 ? 0 : Infinity;
  if (!isFinite(b)) return (x > 1) == (b > 0) ? Infinity : 0;
  return Math.exp(b * Math.log(x));
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
