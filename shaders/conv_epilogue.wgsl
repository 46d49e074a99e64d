// The fused epilogue of the forward convolutions (conv2d, depthwise_conv2d): bias add (per
// channel, or one broadcast value), the residual add (r[i] of output element i) when RESIDUAL is
// 1, the activation, the residual add when RESIDUAL is 2 (the order of KernelAttrs Epilogue); and
// the store of a row8 entry's strip. The including shader declares the conv Params, the `bias`,
// `prelu` and `residual` f32 bindings, the `out_quads` output and the HAS_BIAS / ACT / RESIDUAL
// overrides.
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
// One epilogue_value call site in a loop, not four: shader compilers that inline every call (SwiftShader)
// would otherwise compile the activation switch once per element.
fn epilogue_quad(v: vec4<f32>, oc: u32, i: u32) -> vec4<f32> {
  if (!HAS_BIAS && ACT == 0u && RESIDUAL == 0u) { return v; }
  var r = v;
  for (var c = 0u; c < 4u; c++) { r[c] = epilogue_value(v[c], oc + c, i + c); }
  return r;
}

// The row8 entries' store: channels 4q..4q+3 of the 8-pixel strip sx of output row oy of image img
// (quads = channel quads per pixel), each through the epilogue; pixels past the row's end are skipped.
fn store_row8(img: u32, oy: u32, sx: u32, q: u32, quads: u32, acc0: vec4<f32>, acc1: vec4<f32>, acc2: vec4<f32>,
              acc3: vec4<f32>, acc4: vec4<f32>, acc5: vec4<f32>, acc6: vec4<f32>, acc7: vec4<f32>) {
  let ob = ((img * params.out_h + oy) * params.out_w + sx * 8u) * quads + q;
  let oc = q * 4u;
  let left = min(params.out_w - sx * 8u, 8u); // pixels of this strip inside the row (>= 1)
  // one epilogue call site in a loop (see epilogue_quad)
  let acc = array<vec4<f32>, 8>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
  for (var p = 0u; p < left; p++) {
    let o = ob + p * quads;
    out_quads[o] = epilogue_quad(acc[p], oc, o * 4u);
  }
}
