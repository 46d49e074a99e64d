// The uniform Params of every conv-family shader (conv2d, conv2d_backprop, depthwise_conv2d;
// CONV_PARAMS in src/backends/webgpu/specs/conv.ts mirrors it) and the pixel-quad and input-tap
// helpers of the forward convolutions. The including shader declares `var<uniform> params: Params`.
#include "window.wgsl"

struct Params {
  batch: u32,
  in_h: u32,
  in_w: u32,
  in_c: u32,
  out_h: u32,
  out_w: u32,
  out_c: u32,
  filter_h: u32,
  filter_w: u32,
  stride_h: u32,
  stride_w: u32,
  dilation_h: u32,
  dilation_w: u32,
  pad_top: i32,
  pad_left: i32,
  bias_size: u32,
  prelu_size: u32,
  alpha: f32,
  mult: u32,
}

/** Input offset of pixel (img_row0 + iy, ix), or none when the tap falls in the padding. */
struct Tap { base: u32, ok: bool }

fn tap_of(iy: i32, ix: i32, img_row0: u32, live: bool) -> Tap {
  let ok = live && iy >= 0 && iy < i32(params.in_h) && ix >= 0 && ix < i32(params.in_w);
  let base = ((img_row0 + u32(max(iy, 0))) * params.in_w + u32(max(ix, 0))) * params.in_c;
  return Tap(select(0u, base, ok), ok);
}

/** Window origins (top-left tap, may lie in the padding) and image row offsets of the 4 output
 *  pixels m0..m0+3 of a forward conv; pixels past m_total repeat the last one with live false. */
struct PixelQuad { oy0: array<i32, 4>, ox0: array<i32, 4>, img: array<u32, 4>, live: array<bool, 4> }

fn pixel_quad(m0: u32, m_total: u32) -> PixelQuad {
  var q: PixelQuad;
  for (var r = 0u; r < 4u; r++) {
    let m = min(m0 + r, m_total - 1u);
    q.live[r] = m0 + r < m_total;
    let t = m / params.out_w;
    q.oy0[r] = i32((t % params.out_h) * params.stride_h) - params.pad_top;
    q.ox0[r] = i32((m % params.out_w) * params.stride_w) - params.pad_left;
    q.img[r] = (t / params.out_h) * params.in_h;
  }
  return q;
}
