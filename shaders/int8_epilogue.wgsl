// The requantize epilogue of the int8 kernels (KernelAttrs.int8MatMul in src/backends/kernels.ts),
// in the js reference's float32 operation order: y = (scale * w_scale[n]) * f32(acc) + bias[n],
// then the activation; int8 outputs then go through `requantize` (int8_requantize.wgsl). The
// including shader declares `params` with scale, alpha, out_scale and out_zero_point fields, the
// `w_scale` and `bias` f32 bindings and the HAS_BIAS / ACT overrides.
#include "generated_activation.wgsl"
#include "int8_requantize.wgsl"

/** The float result of an exact int32 accumulator of output channel n. */
fn int8_epilogue(acc: i32, n: u32) -> f32 {
  let s = params.scale * w_scale[n];
  var y = s * f32(acc);
  if (HAS_BIAS) { y = y + bias[n]; }
  return apply_activation(ACT, y, params.alpha, 0.0f);
}

/** The int8 output value of an accumulator. */
fn int8_output(acc: i32, n: u32) -> i32 {
  return requantize(int8_epilogue(acc, n), params.out_scale, params.out_zero_point);
}
