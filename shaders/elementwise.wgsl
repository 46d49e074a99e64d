// Elementwise kernels: unary, binary and select. Storage is bound as array<vec4<u32>> (the
// buffer pool rounds every buffer up to 16 bytes, so the padding lanes exist and are private to
// the tensor). Contiguous entries (unary, binary_contiguous) move one vec4 per invocation; the
// strided entries (binary_strided, select_strided) broadcast through per-input strides over
// outShape (rank <= 6) and also produce 4 consecutive outputs per invocation, so no two
// invocations ever write into the same vec4. Op codes and dtype flags are override constants.
#include "math.wgsl"
#include "dtype.wgsl"

struct Params {
  size: u32,          // number of output elements
  rank: u32,
  alpha: f32,
  beta: f32,
  first: u32,         // strided entries: flat output index of this dispatch's first element
  base0: u32,         // strided entries: first element of each input's bound range
  base1: u32,
  base2: u32,
  out_vec: u32,       // strided entries: vec4 index of `first` inside the bound output range
  out_shape: array<vec4<u32>, 2>,
  strides0: array<vec4<u32>, 2>, // unary/binary: a; select: cond
  strides1: array<vec4<u32>, 2>, // binary: b; select: a
  strides2: array<vec4<u32>, 2>, // select: b
}

override WG: u32 = 64u;
override OP: u32 = 0u;
override IN0_INT: bool = false;
override IN1_INT: bool = false;
override OUT_KIND: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> in0: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> in1: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> in2: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> out_unary: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> out_binary: array<vec4<u32>>;
@group(0) @binding(4) var<storage, read_write> out_select: array<vec4<u32>>;

fn apply_unary(x: f32, alpha: f32, beta: f32) -> f32 {
  switch OP {
    case 0u: { return x; }
    case 1u: { return -x; }
    case 2u: { return abs(x); }
    case 3u: { return safe_exp(x); }
    case 4u: { return safe_log(x); }
    case 5u: { return safe_sqrt(x); }
    case 6u: { return 1.0f / safe_sqrt(x); }
    case 7u: { return x * x; }
    case 8u: { return 1.0f / x; }
    case 9u: { if (is_nan_f32(x)) { return x; } return max(x, 0.0f); }
    case 10u: { if (is_nan_f32(x)) { return x; } return min(max(x, 0.0f), 6.0f); }
    case 11u: { return select(x, alpha * x, x < 0.0f); }
    case 12u: { return select(x, expm1_f32(x), x < 0.0f); }
    case 13u: { return select(1.0507009873554805f * x, 1.7580993408473766f * expm1_f32(x), x < 0.0f); }
    case 14u: { return gelu_f32(x); }
    case 15u: { return sigmoid_f32(x); }
    case 16u: { return tanh_f32(x); }
    case 17u: { return softplus_f32(x); }
    case 18u: { return sincos_f32(x).x; }
    case 19u: { return sincos_f32(x).y; }
    case 20u: { return floor(x); }
    case 21u: { return ceil(x); }
    case 22u: { return round(x); } // WGSL round() is round-half-to-even
    case 23u: { // NaN -> 0, as TF.js
      if (is_nan_f32(x)) { return 0.0f; }
      return select(select(0.0f, -1.0f, x < 0.0f), 1.0f, x > 0.0f);
    }
    case 24u: { if (is_nan_f32(x)) { return x; } return min(max(x, alpha), beta); }
    case 25u: { return select(0.0f, 1.0f, x == 0.0f); }
    case 26u: { return x / (1.0f + abs(x)); }
    case 27u: { if (is_nan_f32(x)) { return x; } return min(max(0.2f * x + 0.5f, 0.0f), 1.0f); }
    case 28u: { return x * sigmoid_f32(x); }
    case 29u: { return x * tanh_f32(softplus_f32(x)); }
    case 30u: { return expm1_f32(x); }
    case 31u: { return log1p_f32(x); }
    case 32u: { return erf_f32(x); }
    case 33u: { return select(0.0f, 1.0f, is_nan_f32(x)); }
    case 34u: { return select(0.0f, 1.0f, is_inf_f32(x)); }
    case 35u: { return select(0.0f, 1.0f, is_finite_f32(x)); }
    case 36u: { let sc = sincos_f32(x); return sc.x / sc.y; }
    case 37u: { if (!(abs(x) <= 1.0f)) { return f32_nan(); } return atan2_js(x, sqrt((1.0f - x) * (1.0f + x))); }
    case 38u: { if (!(abs(x) <= 1.0f)) { return f32_nan(); } return atan2_js(sqrt((1.0f - x) * (1.0f + x)), x); }
    case 39u: { if (is_nan_f32(x)) { return x; } return atan(x); }
    case 40u: { // sinh
      if (abs(x) < 1.0f) { let e = expm1_f32(x); return 0.5f * (e + e / (e + 1.0f)); }
      return 0.5f * (safe_exp(x) - safe_exp(-x));
    }
    case 41u: { return 0.5f * (safe_exp(x) + safe_exp(-x)); } // cosh
    case 42u: { // asinh
      if (is_nan_f32(x) || is_inf_f32(x)) { return x; }
      let ax = abs(x);
      var r: f32;
      if (ax > 1e18f) { r = safe_log(ax) + 0.6931471805599453f; }
      else { r = log1p_f32(ax + ax * ax / (1.0f + sqrt(1.0f + ax * ax))); }
      return select(r, -r, x < 0.0f);
    }
    case 43u: { // acosh
      if (is_nan_f32(x) || x < 1.0f) { return f32_nan(); }
      if (x > 1e18f) { return safe_log(x) + 0.6931471805599453f; }
      return safe_log(x + sqrt(x * x - 1.0f));
    }
    case 44u: { // atanh
      if (is_nan_f32(x) || abs(x) > 1.0f) { return f32_nan(); }
      return 0.5f * log1p_f32(2.0f * x / (1.0f - x));
    }
    case 45u: { if (is_nan_f32(x)) { return x; } return select(alpha, 1.0f, x > 0.0f); }
    case 46u: { return 0.5f * x * (1.0f + tanh_f32(0.7978845608028654f * (x + 0.044715f * x * x * x))); }
    default: { return f32_nan(); }
  }
}

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

fn apply_binary(a: f32, b: f32) -> f32 {
  switch OP {
    case 0u: { return a + b; }
    case 1u: { return a - b; }
    case 2u: { return a * b; }
    case 3u: { return a / b; }
    case 4u: { return floor_div(a, b); }
    case 5u: { return pow_js(a, b); }
    case 6u: { return max_nan(a, b); }
    case 7u: { return min_nan(a, b); }
    case 8u: { return (a - b) * (a - b); }
    case 9u: { // floored modulo: result has the sign of b
      if (is_nan_f32(a) || is_nan_f32(b) || is_inf_f32(a) || b == 0.0f) { return f32_nan(); }
      if (is_inf_f32(b)) { return select(a, b, a != 0.0f && (a < 0.0f) != (b < 0.0f)); }
      var r = a - b * floor_div(a, b);
      if (r != 0.0f && (r < 0.0f) != (b < 0.0f)) { r = r + b; }
      return r;
    }
    case 10u: { return select(0.0f, 1.0f, a == b); }
    case 11u: { return select(0.0f, 1.0f, ne_f32(a, b)); }
    case 12u: { return select(0.0f, 1.0f, a > b); }
    case 13u: { return select(0.0f, 1.0f, a >= b); }
    case 14u: { return select(0.0f, 1.0f, a < b); }
    case 15u: { return select(0.0f, 1.0f, a <= b); }
    case 16u: { return select(0.0f, 1.0f, ne_f32(a, 0.0f) && ne_f32(b, 0.0f)); }
    case 17u: { return select(0.0f, 1.0f, ne_f32(a, 0.0f) || ne_f32(b, 0.0f)); }
    case 18u: { return atan2_js(a, b); }
    case 19u: { return select(a / b, 0.0f, b == 0.0f); }
    case 20u: { return select(a, a * b, a < 0.0f); }
    default: { return f32_nan(); }
  }
}

fn word0(i: u32) -> u32 { return in0[i >> 2u][i & 3u]; }
fn word1(i: u32) -> u32 { return in1[i >> 2u][i & 3u]; }
fn word2(i: u32) -> u32 { return in2[i >> 2u][i & 3u]; }

fn dim(v: array<vec4<u32>, 2>, d: u32) -> u32 { return v[d >> 2u][d & 3u]; }

/**
 * Offsets of flat output index i (relative to `first`) in up to three inputs, from the stride
 * tables, relative to each input's bound range (a call split across bindings, see
 * specs/elementwise.ts; `first` and the bases are 0 otherwise).
 */
fn strided_offsets(index: u32) -> vec3<u32> {
  var rest = index + params.first;
  var off = vec3<u32>(0u);
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let du = u32(d);
    let n = dim(params.out_shape, du);
    let c = rest % n;
    rest = rest / n;
    off += c * vec3<u32>(dim(params.strides0, du), dim(params.strides1, du), dim(params.strides2, du));
  }
  return off - vec3<u32>(params.base0, params.base1, params.base2);
}

fn vec_index(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return linear_workgroup(wid, nwg) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn unary(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
         @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = vec_index(lid, wid, nwg);
  if (v * 4u >= params.size) { return; }
  let x = word4_to_f32(in0[v], IN0_INT);
  let r = vec4<f32>(apply_unary(x.x, params.alpha, params.beta), apply_unary(x.y, params.alpha, params.beta),
                    apply_unary(x.z, params.alpha, params.beta), apply_unary(x.w, params.alpha, params.beta));
  out_unary[v] = f32x4_to_word(r, OUT_KIND);
}

@compute @workgroup_size(WG)
fn binary_contiguous(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                     @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = vec_index(lid, wid, nwg);
  if (v * 4u >= params.size) { return; }
  let a = word4_to_f32(in0[v], IN0_INT);
  let b = word4_to_f32(in1[v], IN1_INT);
  let r = vec4<f32>(apply_binary(a.x, b.x), apply_binary(a.y, b.y), apply_binary(a.z, b.z), apply_binary(a.w, b.w));
  out_binary[v] = f32x4_to_word(r, OUT_KIND);
}

@compute @workgroup_size(WG)
fn binary_strided(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = vec_index(lid, wid, nwg);
  if (v * 4u >= params.size) { return; }
  var r = vec4<u32>(0u);
  for (var j = 0u; j < 4u; j++) {
    let i = v * 4u + j;
    if (i < params.size) {
      let off = strided_offsets(i);
      let a = word_to_f32(word0(off.x), IN0_INT);
      let b = word_to_f32(word1(off.y), IN1_INT);
      r[j] = f32_to_word(apply_binary(a, b), OUT_KIND);
    }
  }
  out_binary[v + params.out_vec] = r;
}

/** out = cond != 0 ? a : b. a and b are copied as raw words (same dtype as the output). */
@compute @workgroup_size(WG)
fn select_strided(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = vec_index(lid, wid, nwg);
  if (v * 4u >= params.size) { return; }
  var r = vec4<u32>(0u);
  for (var j = 0u; j < 4u; j++) {
    let i = v * 4u + j;
    if (i < params.size) {
      let off = strided_offsets(i);
      let c = word_to_f32(word0(off.x), IN0_INT);
      r[j] = select(word2(off.z), word1(off.y), ne_f32(c, 0.0f));
    }
  }
  out_select[v + params.out_vec] = r;
}
