// The int8 convolutions of issue 12 (KernelAttrs.int8Conv2d / int8DepthwiseConv2d in
// src/backends/kernels.ts) over packed NHWC data: four int8 channels per u32 word, little-endian,
// each pixel padded to whole words (in_cw words). Both entries give each invocation 4 output
// pixels x 4 output channels (one word of an int8 output per pixel) and read taps in place.
// - int8_conv2d: implicit GEMM over (tap, input word); weights [outC, fh, fw, in_cw]. Taps outside
//   the image contribute 0: the activation zero point is applied as
//   acc = sum dot(x, w) - zero_point * sum(w over the pixel's in-image taps); the weight padding
//   bytes are 0, so whole words are summed.
// - int8_depthwise_conv2d: channel multiplier 1, weights [fh, fw, in_cw]; per channel
//   acc += (x - zero_point) * w, with out-of-image taps read as the zero point.
// Then the shared requantize epilogue (int8_epilogue.wgsl).
#include "int8_dot.wgsl"

struct Params {
  batch: u32,
  in_h: u32,
  in_w: u32,
  in_cw: u32,          // words per input pixel (packedCols(inC))
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
  scale: f32,          // aScale
  zero_point: i32,     // aZeroPoint
  alpha: f32,
  out_scale: f32,
  out_zero_point: i32,
}

override WG: u32 = 64u;
override HAS_BIAS: bool = false;
override ACT: u32 = 0u;
override OUT_INT8: bool = false;
override ZERO_POINT: bool = true;  // zero_point != 0: the weight sums are needed

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;        // packed [batch, in_h, in_w, in_cw]
@group(0) @binding(2) var<storage, read> w: array<u32>;        // packed weights
@group(0) @binding(3) var<storage, read> w_scale: array<f32>;  // [outC]
@group(0) @binding(4) var<storage, read> bias: array<f32>;     // [outC] (a dummy when absent)
@group(0) @binding(5) var<storage, read_write> out: array<u32>;

#include "int8_epilogue.wgsl"

/** The block of an invocation: first output pixel and channel, or none past the end. */
struct Block { p0: u32, c0: u32, live: bool }

fn block_of(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> Block {
  let idx = (wid.x + wid.y * nwg.x) * WG + lid.x;
  let c_blocks = (params.out_c + 3u) / 4u;
  let pixels = params.batch * params.out_h * params.out_w;
  return Block((idx / c_blocks) * 4u, (idx % c_blocks) * 4u, idx < ((pixels + 3u) / 4u) * c_blocks);
}

/** Window origins (may lie in the padding) and image row offsets of pixels p0..p0+3. */
struct Pixels { oy0: vec4<i32>, ox0: vec4<i32>, img_row0: vec4<u32> }

fn pixels_of(p0: u32) -> Pixels {
  let last = params.batch * params.out_h * params.out_w - 1u;
  var q: Pixels;
  for (var r = 0u; r < 4u; r++) {
    let p = min(p0 + r, last);
    let t = p / params.out_w;
    q.oy0[r] = i32((t % params.out_h) * params.stride_h) - params.pad_top;
    q.ox0[r] = i32((p % params.out_w) * params.stride_w) - params.pad_left;
    q.img_row0[r] = (t / params.out_h) * params.in_h;
  }
  return q;
}

/** Whether each pixel's tap (ky, kx) lies in the image, and its first input word (0 when not). */
struct Taps { ok: vec4<bool>, base: vec4<u32> }

fn taps_of(q: Pixels, ky: u32, kx: u32) -> Taps {
  let iy = q.oy0 + vec4<i32>(i32(ky * params.dilation_h));
  let ix = q.ox0 + vec4<i32>(i32(kx * params.dilation_w));
  let ok = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(i32(params.in_h))) & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(i32(params.in_w)));
  let base = ((q.img_row0 + vec4<u32>(max(iy, vec4<i32>(0)))) * params.in_w + vec4<u32>(max(ix, vec4<i32>(0)))) * params.in_cw;
  return Taps(ok, select(vec4<u32>(0u), base, ok));
}

/** Store row r (pixel p0 + r) of a block: 4 channels from c0, float32 or one packed int8 word. */
fn store_pixel(p: u32, c0: u32, acc: vec4<i32>) {
  let out_c = params.out_c;
  if (OUT_INT8) {
    var q = vec4<i32>(params.out_zero_point);
    for (var c = 0u; c < 4u; c++) {
      if (c0 + c < out_c) { q[c] = int8_output(acc[c], c0 + c); }
    }
    out[p * ((out_c + 3u) / 4u) + c0 / 4u] = pack_i8x4(q);
  } else {
    for (var c = 0u; c < 4u; c++) {
      if (c0 + c < out_c) { out[p * out_c + c0 + c] = bitcast<u32>(int8_epilogue(acc[c], c0 + c)); }
    }
  }
}

fn store_block(p0: u32, c0: u32, acc: array<vec4<i32>, 4>) {
  let pixels = params.batch * params.out_h * params.out_w;
  for (var r = 0u; r < 4u; r++) {
    if (p0 + r < pixels) { store_pixel(p0 + r, c0, acc[r]); }
  }
}

@compute @workgroup_size(WG)
fn int8_conv2d(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
               @builtin(num_workgroups) nwg: vec3<u32>) {
  let blk = block_of(lid, wid, nwg);
  if (!blk.live) { return; }
  let q = pixels_of(blk.p0);
  let cw = params.in_cw;
  let taps = params.filter_h * params.filter_w;
  // First weight word of each of the block's 4 output channels (clamped into range).
  var w_row: array<u32, 4>;
  for (var c = 0u; c < 4u; c++) { w_row[c] = min(blk.c0 + c, params.out_c - 1u) * taps * cw; }
  var acc: array<vec4<i32>, 4>;    // acc[r][c]: pixel p0 + r, channel c0 + c
  var w_sums: array<vec4<i32>, 4>; // sum of the weights each pixel's in-image taps visited
  for (var ky = 0u; ky < params.filter_h; ky++) {
    for (var kx = 0u; kx < params.filter_w; kx++) {
      let t = taps_of(q, ky, kx);
      let tap_w = (ky * params.filter_w + kx) * cw;
      var tap_sum = vec4<i32>(0);
      for (var k = 0u; k < cw; k++) {
        let w0 = load_i8x4(w[w_row[0] + tap_w + k]);
        let w1 = load_i8x4(w[w_row[1] + tap_w + k]);
        let w2 = load_i8x4(w[w_row[2] + tap_w + k]);
        let w3 = load_i8x4(w[w_row[3] + tap_w + k]);
        if (ZERO_POINT) { tap_sum += vec4<i32>(sum_i8x4(w0), sum_i8x4(w1), sum_i8x4(w2), sum_i8x4(w3)); }
        for (var r = 0u; r < 4u; r++) {
          let xv = load_i8x4(select(0u, x[t.base[r] + k], t.ok[r]));
          acc[r] += vec4<i32>(dot_i8x4(xv, w0), dot_i8x4(xv, w1), dot_i8x4(xv, w2), dot_i8x4(xv, w3));
        }
      }
      for (var r = 0u; r < 4u; r++) { w_sums[r] += select(vec4<i32>(0), tap_sum, t.ok[r]); }
    }
  }
  for (var r = 0u; r < 4u; r++) { acc[r] -= params.zero_point * w_sums[r]; }
  store_block(blk.p0, blk.c0, acc);
}

@compute @workgroup_size(WG)
fn int8_depthwise_conv2d(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                         @builtin(num_workgroups) nwg: vec3<u32>) {
  let blk = block_of(lid, wid, nwg);
  if (!blk.live) { return; }
  let q = pixels_of(blk.p0);
  let cw = params.in_cw;
  let word = blk.c0 / 4u;
  let z = vec4<i32>(params.zero_point);
  var acc: array<vec4<i32>, 4>;
  for (var ky = 0u; ky < params.filter_h; ky++) {
    for (var kx = 0u; kx < params.filter_w; kx++) {
      let t = taps_of(q, ky, kx);
      let wv = unpack_i8x4(w[(ky * params.filter_w + kx) * cw + word]);
      for (var r = 0u; r < 4u; r++) {
        let xv = select(z, unpack_i8x4(x[t.base[r] + word]), t.ok[r]);
        acc[r] += (xv - z) * wv;
      }
    }
  }
  store_block(blk.p0, blk.c0, acc);
}
