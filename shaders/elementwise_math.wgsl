// Scalar helpers the elementwise op table's WGSL expressions call (src/ops/elementwise_table):
// the functions that need statements (branches, loops) rather than one expression, with JS
// Math semantics at the edges (NaN, infinities, signed zero, out-of-domain inputs).
#include "math.wgsl"

/** a^b with JS Math.pow semantics; integer exponents by repeated squaring (exact for ints). */
fn pow_js(a: f32, b: f32) -> f32 {
  if (b == 0.0f) { return 1.0f; }
  if (is_nan_f32(a) || is_nan_f32(b)) { return f32_nan(); }
  if (floor(b) == b && abs(b) < 16777216.0f) {
    var e = u32(abs(b));
    var base = a;
    var r = 1.0f;
    loop {
      if ((e & 1u) == 1u) { r = r * base; }
      e = e >> 1u;
      if (e == 0u) { break; }
      base = base * base;
    }
    return select(r, 1.0f / r, b < 0.0f);
  }
  var x = a;
  if (a < 0.0f) {
    // a finite negative base with a fractional exponent has no real power
    if (!is_inf_f32(a) && !is_inf_f32(b) && abs(b) < 16777216.0f) { return f32_nan(); }
    x = -a; // b is +-inf or a huge (even) integer, or a = -inf: same as |a|^b
  }
  if (x == 1.0f) { return select(1.0f, f32_nan(), is_inf_f32(b)); }
  if (x == 0.0f) { return select(0.0f, f32_inf(), b < 0.0f); }
  if (is_inf_f32(x)) { return select(f32_inf(), 0.0f, b < 0.0f); }
  if (is_inf_f32(b)) { return select(0.0f, f32_inf(), (x > 1.0f) == (b > 0.0f)); }
  return exp2(b * log2(x));
}

/** floor(a / b), corrected so that integer operands give the exact floored quotient. */
fn floor_div(a: f32, b: f32) -> f32 {
  var q = floor(a / b);
  if (is_finite_f32(q) && b != 0.0f && floor(a) == a && floor(b) == b && abs(a) < 16777216.0f) {
    let r = a - q * b;
    if (b > 0.0f) {
      if (r >= b) { q = q + 1.0f; } else if (r < 0.0f) { q = q - 1.0f; }
    } else {
      if (r <= b) { q = q + 1.0f; } else if (r > 0.0f) { q = q - 1.0f; }
    }
  }
  return q;
}

/** Floored modulo: the result has the sign of b (TF.js floorMod). */
fn mod_js(a: f32, b: f32) -> f32 {
  if (is_nan_f32(a) || is_nan_f32(b) || is_inf_f32(a) || b == 0.0f) { return f32_nan(); }
  if (is_inf_f32(b)) { return select(a, b, a != 0.0f && (a < 0.0f) != (b < 0.0f)); }
  var r = a - b * floor_div(a, b);
  if (r != 0.0f && (r < 0.0f) != (b < 0.0f)) { r = r + b; }
  return r;
}

fn tan_f32(x: f32) -> f32 {
  let sc = sincos_f32(x);
  return sc.x / sc.y;
}

fn asin_f32(x: f32) -> f32 {
  if (!(abs(x) <= 1.0f)) { return f32_nan(); }
  return atan2_js(x, sqrt((1.0f - x) * (1.0f + x)));
}

fn acos_f32(x: f32) -> f32 {
  if (!(abs(x) <= 1.0f)) { return f32_nan(); }
  return atan2_js(sqrt((1.0f - x) * (1.0f + x)), x);
}

fn sinh_f32(x: f32) -> f32 {
  if (abs(x) < 1.0f) { let e = expm1_f32(x); return 0.5f * (e + e / (e + 1.0f)); }
  return 0.5f * (safe_exp(x) - safe_exp(-x));
}

fn asinh_f32(x: f32) -> f32 {
  if (is_nan_f32(x) || is_inf_f32(x)) { return x; }
  let ax = abs(x);
  var r: f32;
  if (ax > 1e18f) { r = safe_log(ax) + 0.6931471805599453f; }
  else { r = log1p_f32(ax + ax * ax / (1.0f + sqrt(1.0f + ax * ax))); }
  return select(r, -r, x < 0.0f);
}

fn acosh_f32(x: f32) -> f32 {
  if (is_nan_f32(x) || x < 1.0f) { return f32_nan(); }
  if (x > 1e18f) { return safe_log(x) + 0.6931471805599453f; }
  return safe_log(x + sqrt(x * x - 1.0f));
}

fn atanh_f32(x: f32) -> f32 {
  if (is_nan_f32(x) || abs(x) > 1.0f) { return f32_nan(); }
  return 0.5f * log1p_f32(2.0f * x / (1.0f - x));
}

/** Approximate gelu: 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))). */
fn gelu_tanh_f32(x: f32) -> f32 {
  return 0.5f * x * (1.0f + tanh_f32(0.7978845608028654f * (x + 0.044715f * x * x * x)));
}
