// Shared scalar math for tessera's WGSL kernels: NaN/Inf tests on the bit pattern (so no
// fast-math assumption can fold them away), and numerically careful versions of functions
// whose builtins are undefined or inaccurate at the edges (log of negatives, tanh overflow,
// expm1/log1p near 0). Matches src/backends/js/scalar_ops.ts.

const NAN_BITS: u32 = 0x7fc00000u;
const POS_INF_BITS: u32 = 0x7f800000u;
const NEG_INF_BITS: u32 = 0xff800000u;

fn f32_nan() -> f32 { return bitcast<f32>(NAN_BITS); }
fn f32_inf() -> f32 { return bitcast<f32>(POS_INF_BITS); }
fn f32_neg_inf() -> f32 { return bitcast<f32>(NEG_INF_BITS); }
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

fn safe_exp(x: f32) -> f32 {
  if (is_nan_f32(x)) { return x; }
  if (x > 88.72283f) { return f32_inf(); }
  if (x < -103.97208f) { return 0.0f; }
  return exp(x);
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
