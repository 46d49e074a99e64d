// The fused epilogue of the forward convolutions (conv2d, depthwise_conv2d): bias add (per
// channel, or one broadcast value), the residual add (r[i] of output element i) when RESIDUAL is
// 1, the activation, the residual add when RESIDUAL is 2 (the order of KernelAttrs Epilogue). The
// including shader declares the conv Params, the `bias`, `prelu` and `residual` f32 bindings and
// the HAS_BIAS / ACT / RESIDUAL overrides.
#include "generated_activation.wgsl"

// Output element i, channel c.
fn epilogue_value(v: f32, c: u32, i: u32) -> f32 {
  var r = v;
  if (HAS_BIAS) { r += bias[select(c, 0u, params.bias_size == 1u)]; }
  var res = 0.0f;
  if (RESIDUAL != 0u) { res = residual[i]; }
  if (RESIDUAL == 1u) { r += res; }
  var w = 0.0f;
  if (ACT == 5u) { w = prelu[select(c, 0u, params.prelu_size == 1u)]; }
  let y = apply_activation(ACT, r, params.alpha, w);
  if (RESIDUAL == 2u) { return y + res; }
  return y;
}

// Four consecutive channels oc..oc+3 of one output pixel, output elements i..i+3 (the row-sliding vec4 entries).
fn epilogue_quad(v: vec4<f32>, oc: u32, i: u32) -> vec4<f32> {
  if (!HAS_BIAS && ACT == 0u && RESIDUAL == 0u) { return v; }
  return vec4<f32>(epilogue_value(v.x, oc, i), epilogue_value(v.y, oc + 1u, i + 1u), epilogue_value(v.z, oc + 2u, i + 2u),
                   epilogue_value(v.w, oc + 3u, i + 3u));
}
