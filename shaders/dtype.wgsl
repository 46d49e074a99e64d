// Storage conversions shared by all kernels. Every dtype is a 4-byte word: float32 holds f32
// bits, int32 and bool hold i32 values. Kernels load words as f32 for arithmetic (exact for
// integers up to 2^24 in magnitude; larger int32 values lose low bits, a documented limit of
// f32 arithmetic) and store according to the output kind.
#include "math.wgsl"

const KIND_FLOAT: u32 = 0u;
const KIND_INT: u32 = 1u;
const KIND_BOOL: u32 = 2u;

fn word_to_f32(w: u32, is_int: bool) -> f32 {
  if (is_int) { return f32(bitcast<i32>(w)); }
  return bitcast<f32>(w);
}

fn word4_to_f32(w: vec4<u32>, is_int: bool) -> vec4<f32> {
  if (is_int) { return vec4<f32>(bitcast<vec4<i32>>(w)); }
  return bitcast<vec4<f32>>(w);
}

/** float32: as is; int32: truncate toward zero (NaN/Inf -> 0, out of range saturates); bool: 0/1. */
fn f32_to_word(v: f32, kind: u32) -> u32 {
  if (kind == KIND_INT) {
    if (!is_finite_f32(v)) { return 0u; }
    return bitcast<u32>(i32(clamp(v, -2147483648.0f, 2147483520.0f)));
  }
  if (kind == KIND_BOOL) { return select(0u, 1u, v != 0.0f && !is_nan_f32(v)); }
  return bitcast<u32>(v);
}

fn f32x4_to_word(v: vec4<f32>, kind: u32) -> vec4<u32> {
  return vec4<u32>(f32_to_word(v.x, kind), f32_to_word(v.y, kind), f32_to_word(v.z, kind), f32_to_word(v.w, kind));
}

/** Linear workgroup index of a dispatch folded into a 2-D grid (maxComputeWorkgroupsPerDimension). */
fn linear_workgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + wid.y * nwg.x;
}
