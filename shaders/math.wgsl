// Shared scalar math for tessera's WGSL kernels: NaN/Inf tests on the bit pattern (so no
// fast-math assumption can fold them away), and numerically careful versions of functions
// whose builtins are undefined or inaccurate at the edges (log of negatives, tanh overflow,
// expm1/log1p near 0). Matches src/backends/js/scalar_ops.ts.

const POS_INF_BITS: u32 = 0x7f800000u;
// NaN/Inf must not be constant-folded (WGSL rejects non-finite constants), so their bit
// patterns live in private variables and are bitcast at run time.
var<private> nan_bits: u32 = 0x7fc00000u;
var<private> pos_inf_bits: u32 = 0x7f800000u;
var<private> neg_inf_bits: u32 = 0xff800000u;

fn f32_nan() -> f32 { return bitcast<f32>(nan_bits); }
fn f32_inf() -> f32 { return bitcast<f32>(pos_inf_bits); }
fn f32_neg_inf() -> f32 { return bitcast<f32>(neg_inf_bits); }
fn is_nan_f32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > POS_INF_BITS; }
fn is_inf_f32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == POS_INF_BITS; }
fn is_finite_f32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) < POS_INF_BITS; }

/** max/min that propagate NaN from either side (the builtins leave it undefined). */
fn max_nan(a: f32, b: f32) -> f32 {
  if (is_nan_f32(a) || is_nan_f32(b)) { return f32_nan(); }
  return max(a, b);
}
fn min_nan(a: f32, b: f32) -> f32 {
  if (is_nan_f32(a) || is_nan_f32(b)) { return f32_nan(); }
  return min(a, b);
}

/** a != b that is true when either side is NaN (some drivers lower != as an ordered compare). */
fn ne_f32(a: f32, b: f32) -> bool { return !(a == b); }

/** sin and cos of x: Cody-Waite reduction by pi/2 and Taylor polynomials on [-pi/4, pi/4]
 *  (the builtins may be as coarse as 2^-11 absolute). Returns vec2(sin, cos). */
fn sincos_f32(x: f32) -> vec2<f32> {
  if (!is_finite_f32(x)) { return vec2<f32>(f32_nan()); }
  let k = round(x * 0.6366197723675814f);
  // pi/2 split into three parts (the first two with few mantissa bits so k * part is exact)
  let r = ((x - k * 1.5703125f) - k * 4.837512969970703125e-4f) - k * 7.54978995489188216e-8f;
  let r2 = r * r;
  let s = r + r * r2 * (-0.16666666666666666f + r2 * (0.008333333333333333f + r2 * (-0.0001984126984126984f + r2 * 2.7557319223985893e-6f)));
  let c = 1.0f + r2 * (-0.5f + r2 * (0.041666666666666664f + r2 * (-0.001388888888888889f + r2 * (2.48015873015873e-5f - r2 * 2.755731922398589e-7f))));
  let q = i32(k) & 3;
  if (q == 0) { return vec2<f32>(s, c); }
  if (q == 1) { return vec2<f32>(c, -s); }
  if (q == 2) { return vec2<f32>(-s, -c); }
  return vec2<f32>(-c, s);
}

fn sign_bit(x: f32) -> bool { return (bitcast<u32>(x) >> 31u) == 1u; }

/** atan2(y, x) with JS Math.atan2 semantics for signed zeros and infinities. */
fn atan2_js(y: f32, x: f32) -> f32 {
  if (is_nan_f32(x) || is_nan_f32(y)) { return f32_nan(); }
  let pi = 3.141592653589793f;
  let ys = select(1.0f, -1.0f, sign_bit(y));
  if (is_inf_f32(x) && is_inf_f32(y)) { return ys * select(0.25f * pi, 0.75f * pi, x < 0.0f); }
  if (x == 0.0f) {
    if (y == 0.0f) { return select(y, ys * pi, sign_bit(x)); }
    return ys * 0.5f * pi;
  }
  let t = atan(y / x);
  if (x > 0.0f) { return t; }
  return t + ys * pi;
}

fn safe_exp(x: f32) -> f32 {
  if (is_nan_f32(x)) { return x; }
  if (x > 88.72283f) { return f32_inf(); }
  if (x < -103.97208f) { return 0.0f; }
  // exp(x) = 2^n * exp(r) with r = x - n*ln2 in [-ln2/2, ln2/2] (ln2 split in a high part exact in
  // f32 and a low part): built-in exp loses ~|x| ulps for large |x| (exp(10) 1.5 ulp off on
  // SwiftShader), exp of the small r does not, and the power of two is exact.
  let n = round(x * 1.4426950408889634f);
  let r = (x - n * 0.693145751953125f) - n * 1.4286068203094172e-6f;
  let half = i32(n) / 2;
  return ldexp(ldexp(exp(r), half), i32(n) - half);
}

fn safe_log(x: f32) -> f32 {
  if (is_nan_f32(x) || x < 0.0f) { return f32_nan(); }
  if (x == 0.0f) { return f32_neg_inf(); }
  if (is_inf_f32(x)) { return x; }
  return log(x);
}

fn safe_sqrt(x: f32) -> f32 {
  if (is_nan_f32(x) || x < 0.0f) { return f32_nan(); }
  if (is_inf_f32(x)) { return x; }
  return sqrt(x);
}

/** exp(x) - 1 accurate near 0 (Kahan's trick). */
fn expm1_f32(x: f32) -> f32 {
  if (is_nan_f32(x)) { return x; }
  if (abs(x) < 1e-5f) { return x + 0.5f * x * x; }
  // above 17, e^x > 2^24 so the - 1 is lost in rounding (and um1 * x below would overflow near 88)
  if (x > 17.0f) { return safe_exp(x); }
  let u = safe_exp(x);
  if (is_inf_f32(u)) { return u; }
  if (u == 0.0f) { return -1.0f; }
  let um1 = u - 1.0f;
  if (um1 == 0.0f) { return x; }
  return um1 * x / log(u);
}

/** log(1 + x) accurate near 0 (Kahan's trick). */
fn log1p_f32(x: f32) -> f32 {
  if (is_nan_f32(x) || x < -1.0f) { return f32_nan(); }
  if (x == -1.0f) { return f32_neg_inf(); }
  if (is_inf_f32(x)) { return x; }
  if (abs(x) < 1e-5f) { return x - 0.5f * x * x; }
  let u = 1.0f + x;
  return log(u) * x / (u - 1.0f);
}

/** erf with max error ~1.2e-7 (the same Chebyshev fit as the js reference). */
fn erf_f32(x: f32) -> f32 {
  if (is_nan_f32(x)) { return x; }
  let z = abs(x);
  let t = 1.0f / (1.0f + 0.5f * z);
  let poly = -z * z - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f +
    t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f +
    t * (-0.82215223f + t * 0.17087277f))))))));
  let r = t * safe_exp(poly);
  return select(r - 1.0f, 1.0f - r, x >= 0.0f);
}

fn sigmoid_f32(x: f32) -> f32 {
  if (x >= 0.0f) { return 1.0f / (1.0f + safe_exp(-x)); }
  let e = safe_exp(x);
  return e / (1.0f + e);
}

/** tanh without overflow for large |x|. */
fn tanh_f32(x: f32) -> f32 {
  if (is_nan_f32(x)) { return x; }
  let ax = abs(x);
  var r: f32;
  if (ax < 0.0004f) {
    r = ax;
  } else {
    let t = expm1_f32(-2.0f * ax);
    r = -t / (2.0f + t);
  }
  return select(r, -r, x < 0.0f);
}

/** log(1 + e^x) = max(x, 0) + log1p(e^-|x|). */
fn softplus_f32(x: f32) -> f32 {
  if (is_nan_f32(x)) { return x; }
  return max(x, 0.0f) + log1p_f32(safe_exp(-abs(x)));
}

fn gelu_f32(x: f32) -> f32 {
  return 0.5f * x * (1.0f + erf_f32(x * 0.7071067811865476f));
}
