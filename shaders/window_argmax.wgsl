// Window maxima that report their winning tap, over NHWC x: grayscale dilation (TF.js
// dilation2d, [fh, fw, C] filters) with its input and filter backprops, and maxPoolWithArgmax.
// One output element per invocation; the backprops gather: a dx element sums the dy of every
// window whose winning tap is it, a filter tap sums the dy of every window it wins. A window's
// winner is its first tap (in (ky, kx) order) strictly greater than all earlier ones, starting
// from -2^53 for dilation (TF.js's Number.MIN_SAFE_INTEGER in f32), -Infinity for the pool.
#include "dtype.wgsl"

struct Params {
  size: u32,
  batch: u32,
  in_h: u32,
  in_w: u32,
  channels: u32,
  out_h: u32,
  out_w: u32,
  filter_h: u32,
  filter_w: u32,
  stride_h: u32,
  stride_w: u32,
  dilation_h: u32,
  dilation_w: u32,
  pad_top: i32,
  pad_left: i32,
  include_batch: u32, // maxPoolWithArgmax: flattened positions count the batch
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> filter_values: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> pool_values: array<f32>;
@group(0) @binding(3) var<storage, read_write> pool_indexes: array<i32>;

const START: f32 = -9007199254740992.0;

fn element_index(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return linear_workgroup(wid, nwg) * WG + lid.x;
}

/** Winner of window (b, oy, ox, c): value, x index and filter index (TF.js defaults without a winner). */
struct Winner { value: f32, xi: u32, fi: u32 }

fn winner(b: u32, oy: u32, ox: u32, c: u32) -> Winner {
  let y0 = i32(oy * params.stride_h) - params.pad_top;
  let x0 = i32(ox * params.stride_w) - params.pad_left;
  var w = Winner(START, ((b * params.in_h + u32(max(y0, 0))) * params.in_w + u32(max(x0, 0))) * params.channels + c, c);
  for (var ky = 0u; ky < params.filter_h; ky++) {
    let iy = y0 + i32(ky * params.dilation_h);
    if (iy < 0 || iy >= i32(params.in_h)) { continue; }
    for (var kx = 0u; kx < params.filter_w; kx++) {
      let ix = x0 + i32(kx * params.dilation_w);
      if (ix < 0 || ix >= i32(params.in_w)) { continue; }
      let xi = ((b * params.in_h + u32(iy)) * params.in_w + u32(ix)) * params.channels + c;
      let fi = (ky * params.filter_w + kx) * params.channels + c;
      let v = x[xi] + filter_values[fi];
      if (!is_nan_f32(v) && v > w.value) { w = Winner(v, xi, fi); }
    }
  }
  return w;
}

@compute @workgroup_size(WG)
fn dilation2d(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
              @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  let c = e % params.channels;
  var r = e / params.channels;
  let ox = r % params.out_w; r = r / params.out_w;
  let oy = r % params.out_h;
  out[e] = winner(r / params.out_h, oy, ox, c).value;
}

// one dx element per invocation: the windows that can reach it through some tap
@compute @workgroup_size(WG)
fn dilation2d_backprop_input(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                             @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  let c = e % params.channels;
  var r = e / params.channels;
  let ix = r % params.in_w; r = r / params.in_w;
  let iy = r % params.in_h;
  let b = r / params.in_h;
  var acc = 0.0f;
  // every output window whose span covers (iy, ix): its winner (or its default position) may be this element
  for (var oy = 0u; oy < params.out_h; oy++) {
    let y0 = i32(oy * params.stride_h) - params.pad_top;
    if (i32(iy) < max(y0, 0) || i32(iy) > y0 + i32((params.filter_h - 1u) * params.dilation_h)) { continue; }
    for (var ox = 0u; ox < params.out_w; ox++) {
      let x0 = i32(ox * params.stride_w) - params.pad_left;
      if (i32(ix) < max(x0, 0) || i32(ix) > x0 + i32((params.filter_w - 1u) * params.dilation_w)) { continue; }
      if (winner(b, oy, ox, c).xi == e) { acc += dy[((b * params.out_h + oy) * params.out_w + ox) * params.channels + c]; }
    }
  }
  grad[e] = acc;
}

// one dFilter element (ky, kx, c) per invocation: every window it wins
@compute @workgroup_size(WG)
fn dilation2d_backprop_filter(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                              @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  let c = e % params.channels;
  var acc = 0.0f;
  for (var b = 0u; b < params.batch; b++) {
    for (var oy = 0u; oy < params.out_h; oy++) {
      for (var ox = 0u; ox < params.out_w; ox++) {
        if (winner(b, oy, ox, c).fi == e) { acc += dy[((b * params.out_h + oy) * params.out_w + ox) * params.channels + c]; }
      }
    }
  }
  grad[e] = acc;
}

@compute @workgroup_size(WG)
fn max_pool_with_argmax(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                        @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  let c = e % params.channels;
  var r = e / params.channels;
  let ox = r % params.out_w; r = r / params.out_w;
  let oy = r % params.out_h;
  let b = r / params.out_h;
  let y0 = i32(oy * params.stride_h) - params.pad_top;
  let x0 = i32(ox * params.stride_w) - params.pad_left;
  var best = f32_neg_inf();
  var pos = -1;
  for (var ky = 0u; ky < params.filter_h; ky++) {
    let iy = y0 + i32(ky * params.dilation_h);
    if (iy < 0 || iy >= i32(params.in_h)) { continue; }
    for (var kx = 0u; kx < params.filter_w; kx++) {
      let ix = x0 + i32(kx * params.dilation_w);
      if (ix < 0 || ix >= i32(params.in_w)) { continue; }
      let xi = i32(((b * params.in_h + u32(iy)) * params.in_w + u32(ix)) * params.channels + c);
      let v = x[xi];
      if (!is_nan_f32(v) && v > best) { best = v; pos = xi; }
    }
  }
  let batch_part = select(i32(b * params.in_h * params.in_w * params.channels), 0, params.include_batch != 0u);
  pool_values[e] = best;
  pool_indexes[e] = select(pos - batch_part, -1, pos < 0);
}
