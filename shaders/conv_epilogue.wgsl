// The fused epilogue of the forward convolutions (conv2d, depthwise_conv2d): bias add (per
// channel, or one broadcast value) then the activation. The including shader declares the
// conv Params, the `bias` and `prelu` f32 bindings and the HAS_BIAS / ACT overrides.
#include "generated_activation.wgsl"

fn epilogue_value(v: f32, c: u32) -> f32 {
  var r = v;
  if (HAS_BIAS) { r += bias[select(c, 0u, params.bias_size == 1u)]; }
  var w = 0.0f;
  if (ACT == 5u) { w = prelu[select(c, 0u, params.prelu_size == 1u)]; }
  return apply_activation(ACT, r, params.alpha, w);
}

// Four consecutive channels oc..oc+3 of one output pixel (the row-sliding vec4 entries).
fn epilogue_quad(v: vec4<f32>, oc: u32) -> vec4<f32> {
  if (!HAS_BIAS && ACT == 0u) { return v; }
  return vec4<f32>(epilogue_value(v.x, oc), epilogue_value(v.y, oc + 1u), epilogue_value(v.z, oc + 2u),
                   epilogue_value(v.w, oc + 3u));
}
