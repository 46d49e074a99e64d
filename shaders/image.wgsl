// Image kernels over NHWC data, one output element per invocation (the 1-D dispatch may be
// folded into a 2-D grid):
// - resize: samples the images through the host-computed source table (rowLo, rowHi, rowFrac,
//   colLo, colHi, colFrac; see KernelAttrs.resize). Bilinear lerps in f32; nearest copies the
//   raw word, so int32 images keep their values.
// - resize_backprop: the adjoint, gathered: each dx element sums the dy elements whose taps reach
//   it, scanning only the output rows / columns the table's inverse ranges name. No atomics.
// - crop_and_resize: TF.js cropAndResize with the sample positions in f32; the division comes
//   last so that box edges at 0 and 1 land exactly on the first and last pixel.
#include "dtype.wgsl"

struct Params {
  batch: u32,
  in_h: u32,
  in_w: u32,
  channels: u32,
  out_h: u32,        // crop_and_resize: crop height
  out_w: u32,        // crop_and_resize: crop width
  nearest: u32,
  num_boxes: u32,
  extrapolation: f32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;          // images / dy (f32 bits)
@group(0) @binding(2) var<storage, read> table: array<f32>;        // resize source table
@group(0) @binding(3) var<storage, read_write> dst: array<u32>;
@group(0) @binding(1) var<storage, read> image: array<f32>;        // crop_and_resize
@group(0) @binding(2) var<storage, read> boxes: array<f32>;
@group(0) @binding(3) var<storage, read> box_ind: array<i32>;
@group(0) @binding(4) var<storage, read_write> crop_out: array<f32>;

fn element_index(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return linear_workgroup(wid, nwg) * WG + lid.x;
}

fn pixel(b: u32, row: u32, col: u32, c: u32) -> u32 {
  return ((b * params.in_h + row) * params.in_w + col) * params.channels + c;
}

@compute @workgroup_size(WG)
fn resize(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  let C = params.channels;
  let out_h = params.out_h;
  let out_w = params.out_w;
  if (i >= params.batch * out_h * out_w * C) { return; }
  let c = i % C;
  let p = i / C;
  let x = p % out_w;
  let t = p / out_w;
  let y = t % out_h;
  let b = t / out_h;
  let cols = 3u * out_h;
  let top = u32(table[y]);
  let left = u32(table[cols + x]);
  if (params.nearest != 0u) {
    dst[i] = src[pixel(b, top, left, c)];
    return;
  }
  let bottom = u32(table[out_h + y]);
  let right = u32(table[cols + out_w + x]);
  let fy = table[2u * out_h + y];
  let fx = table[cols + 2u * out_w + x];
  let tl = bitcast<f32>(src[pixel(b, top, left, c)]);
  let tr = bitcast<f32>(src[pixel(b, top, right, c)]);
  let bl = bitcast<f32>(src[pixel(b, bottom, left, c)]);
  let br = bitcast<f32>(src[pixel(b, bottom, right, c)]);
  let upper = tl + (tr - tl) * fx;
  let lower = bl + (br - bl) * fx;
  dst[i] = bitcast<u32>(upper + (lower - upper) * fy);
}

/** Weight of output coordinate o on input coordinate k along one axis: lo at `base`, hi, frac follow by n. */
fn tap_weight(base: u32, n: u32, o: u32, k: u32) -> f32 {
  let f = table[base + 2u * n + o];
  var w = 0.0f;
  if (u32(table[base + o]) == k) { w += 1.0f - f; }
  if (u32(table[base + n + o]) == k) { w += f; }
  return w;
}

@compute @workgroup_size(WG)
fn resize_backprop(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                   @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  let C = params.channels;
  let in_h = params.in_h;
  let in_w = params.in_w;
  let out_h = params.out_h;
  let out_w = params.out_w;
  if (i >= params.batch * in_h * in_w * C) { return; }
  let c = i % C;
  let p = i / C;
  let col = p % in_w;
  let t = p / in_w;
  let row = t % in_h;
  let b = t / in_h;
  let inv = 3u * out_h + 3u * out_w;
  let y0 = i32(table[inv + row]);
  let y1 = i32(table[inv + in_h + row]);
  let x0 = i32(table[inv + 2u * in_h + col]);
  let x1 = i32(table[inv + 2u * in_h + in_w + col]);
  var acc = 0.0f;
  for (var y = y0; y <= y1; y++) {
    let wr = tap_weight(0u, out_h, u32(y), row);
    if (wr == 0.0f) { continue; }
    for (var x = x0; x <= x1; x++) {
      let wc = tap_weight(3u * out_h, out_w, u32(x), col);
      let g = bitcast<f32>(src[((b * out_h + u32(y)) * out_w + u32(x)) * C + c]);
      acc += g * wr * wc;
    }
  }
  dst[i] = bitcast<u32>(acc);
}

/** Sample position of output coordinate i of a crop of `crop` samples between lo and hi (normalized). */
fn sample_pos(crop: u32, lo: f32, hi: f32, in_size: u32, i: u32) -> f32 {
  let last = f32(in_size - 1u);
  if (crop > 1u) {
    let steps = f32(crop - 1u);
    return (lo * last * steps + f32(i) * (hi - lo) * last) / steps;
  }
  return 0.5f * (lo + hi) * last;
}

@compute @workgroup_size(WG)
fn crop_and_resize(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                   @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  let C = params.channels;
  let crop_h = params.out_h;
  let crop_w = params.out_w;
  if (i >= params.num_boxes * crop_h * crop_w * C) { return; }
  let c = i % C;
  let p = i / C;
  let x = p % crop_w;
  let t = p / crop_w;
  let y = t % crop_h;
  let n = t / crop_h;
  let bi = box_ind[n];
  if (bi < 0 || bi >= i32(params.batch)) {
    crop_out[i] = 0.0f;
    return;
  }
  let b = u32(bi);
  let in_y = sample_pos(crop_h, boxes[4u * n], boxes[4u * n + 2u], params.in_h, y);
  let in_x = sample_pos(crop_w, boxes[4u * n + 1u], boxes[4u * n + 3u], params.in_w, x);
  let inside = in_y >= 0.0f && in_y <= f32(params.in_h - 1u) && in_x >= 0.0f && in_x <= f32(params.in_w - 1u);
  if (!inside) {
    crop_out[i] = params.extrapolation;
    return;
  }
  if (params.nearest != 0u) {
    crop_out[i] = image[pixel(b, u32(floor(in_y + 0.5f)), u32(floor(in_x + 0.5f)), c)];
    return;
  }
  let top = u32(floor(in_y));
  let bottom = u32(ceil(in_y));
  let left = u32(floor(in_x));
  let right = u32(ceil(in_x));
  let fy = in_y - floor(in_y);
  let fx = in_x - floor(in_x);
  let tl = image[pixel(b, top, left, c)];
  let tr = image[pixel(b, top, right, c)];
  let bl = image[pixel(b, bottom, left, c)];
  let br = image[pixel(b, bottom, right, c)];
  let upper = tl + (tr - tl) * fx;
  let lower = bl + (br - bl) * fx;
  crop_out[i] = upper + (lower - upper) * fy;
}
