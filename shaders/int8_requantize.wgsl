// Float32 -> int8 as the int8 contract words it (KernelAttrs.quantizeInt8 in
// src/backends/kernels.ts): q = clamp(roundHalfToEven(y / scale) + zero_point, -128, 127), NaN ->
// zero_point. WGSL `round` rounds half to even. Shared by quantize_int8 and the int8 epilogue.
#include "math.wgsl"

fn requantize(y: f32, scale: f32, zero_point: i32) -> i32 {
  let r = round(y / scale);
  if (is_nan_f32(r)) { return zero_point; }
  return i32(clamp(r + f32(zero_point), -128.0f, 127.0f));
}
