// 3-D convolution over NDHWC with filters [fd, fh, fw, inC, outC], its input and filter
// backprops, and 3-D max / average pooling with its backprop. Direct kernels: one output
// element per invocation, each gathering over its taps (the backprops gather from every output
// position that reaches their element, so nothing is scattered and no atomics are needed).
// Max pooling ignores NaN taps; its backprop credits the last tap >= all earlier ones.
#include "dtype.wgsl"

struct Params {
  size: u32,       // invocations
  op: u32,         // pooling: 0 max, 1 avg
  batch: u32,
  in_d: u32,
  in_h: u32,
  in_w: u32,
  in_c: u32,
  out_d: u32,
  out_h: u32,
  out_w: u32,
  out_c: u32,
  filter_d: u32,
  filter_h: u32,
  filter_w: u32,
  stride_d: u32,
  stride_h: u32,
  stride_w: u32,
  dilation_d: u32,
  dilation_h: u32,
  dilation_w: u32,
  pad_front: i32,
  pad_top: i32,
  pad_left: i32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> pool_out: array<f32>;

fn element_index(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return linear_workgroup(wid, nwg) * WG + lid.x;
}

/** Input coordinate of output o through tap k along one axis (may be outside [0, limit)). */
fn tap(o: u32, k: u32, stride: u32, dilation: u32, pad: i32) -> i32 {
  return i32(o * stride + k * dilation) - pad;
}

fn inside(i: i32, limit: u32) -> bool { return i >= 0 && u32(i) < limit; }

/** Output coordinate whose tap k lands on input i along one axis, or -1. */
fn reaching(i: u32, k: u32, stride: u32, dilation: u32, pad: i32, out_dim: u32) -> i32 {
  let n = i32(i) + pad - i32(k * dilation);
  if (n < 0 || n % i32(stride) != 0) { return -1; }
  let o = n / i32(stride);
  return select(-1, o, u32(o) < out_dim);
}

fn x_index(bi: u32, id: u32, iy: u32, ix: u32) -> u32 {
  return (((bi * params.in_d + id) * params.in_h + iy) * params.in_w + ix) * params.in_c;
}
fn y_index(bi: u32, od: u32, oy: u32, ox: u32) -> u32 {
  return (((bi * params.out_d + od) * params.out_h + oy) * params.out_w + ox) * params.out_c;
}
fn f_index(kd: u32, ky: u32, kx: u32) -> u32 {
  return ((kd * params.filter_h + ky) * params.filter_w + kx) * params.in_c * params.out_c;
}

/** (b, od, oy, ox, c) of output element e (channel count c_count). */
fn split_out(e: u32, c_count: u32) -> array<u32, 5> {
  let c = e % c_count;
  var r = e / c_count;
  let ox = r % params.out_w; r = r / params.out_w;
  let oy = r % params.out_h; r = r / params.out_h;
  let od = r % params.out_d;
  return array<u32, 5>(r / params.out_d, od, oy, ox, c);
}
fn split_in(e: u32) -> array<u32, 5> {
  let c = e % params.in_c;
  var r = e / params.in_c;
  let ix = r % params.in_w; r = r / params.in_w;
  let iy = r % params.in_h; r = r / params.in_h;
  let id = r % params.in_d;
  return array<u32, 5>(r / params.in_d, id, iy, ix, c);
}

// a = x, b = filter
@compute @workgroup_size(WG)
fn conv3d(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  let p = split_out(e, params.out_c);
  var acc = 0.0f;
  for (var kd = 0u; kd < params.filter_d; kd++) {
    let id = tap(p[1], kd, params.stride_d, params.dilation_d, params.pad_front);
    if (!inside(id, params.in_d)) { continue; }
    for (var ky = 0u; ky < params.filter_h; ky++) {
      let iy = tap(p[2], ky, params.stride_h, params.dilation_h, params.pad_top);
      if (!inside(iy, params.in_h)) { continue; }
      for (var kx = 0u; kx < params.filter_w; kx++) {
        let ix = tap(p[3], kx, params.stride_w, params.dilation_w, params.pad_left);
        if (!inside(ix, params.in_w)) { continue; }
        let xb = x_index(p[0], u32(id), u32(iy), u32(ix));
        let fb = f_index(kd, ky, kx) + p[4];
        for (var ci = 0u; ci < params.in_c; ci++) { acc += a[xb + ci] * b[fb + ci * params.out_c]; }
      }
    }
  }
  out[e] = acc;
}

// a = dy, b = filter; one dx element per invocation
@compute @workgroup_size(WG)
fn conv3d_backprop_input(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                         @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  let p = split_in(e);
  var acc = 0.0f;
  for (var kd = 0u; kd < params.filter_d; kd++) {
    let od = reaching(p[1], kd, params.stride_d, params.dilation_d, params.pad_front, params.out_d);
    if (od < 0) { continue; }
    for (var ky = 0u; ky < params.filter_h; ky++) {
      let oy = reaching(p[2], ky, params.stride_h, params.dilation_h, params.pad_top, params.out_h);
      if (oy < 0) { continue; }
      for (var kx = 0u; kx < params.filter_w; kx++) {
        let ox = reaching(p[3], kx, params.stride_w, params.dilation_w, params.pad_left, params.out_w);
        if (ox < 0) { continue; }
        let yb = y_index(p[0], u32(od), u32(oy), u32(ox));
        let fb = f_index(kd, ky, kx) + p[4] * params.out_c;
        for (var co = 0u; co < params.out_c; co++) { acc += a[yb + co] * b[fb + co]; }
      }
    }
  }
  out[e] = acc;
}

// a = x, b = dy; one dFilter element (kd, ky, kx, ci, co) per invocation
@compute @workgroup_size(WG)
fn conv3d_backprop_filter(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                          @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  let co = e % params.out_c;
  var r = e / params.out_c;
  let ci = r % params.in_c; r = r / params.in_c;
  let kx = r % params.filter_w; r = r / params.filter_w;
  let ky = r % params.filter_h;
  let kd = r / params.filter_h;
  var acc = 0.0f;
  for (var bi = 0u; bi < params.batch; bi++) {
    for (var od = 0u; od < params.out_d; od++) {
      let id = tap(od, kd, params.stride_d, params.dilation_d, params.pad_front);
      if (!inside(id, params.in_d)) { continue; }
      for (var oy = 0u; oy < params.out_h; oy++) {
        let iy = tap(oy, ky, params.stride_h, params.dilation_h, params.pad_top);
        if (!inside(iy, params.in_h)) { continue; }
        for (var ox = 0u; ox < params.out_w; ox++) {
          let ix = tap(ox, kx, params.stride_w, params.dilation_w, params.pad_left);
          if (!inside(ix, params.in_w)) { continue; }
          acc += a[x_index(bi, u32(id), u32(iy), u32(ix)) + ci] * b[y_index(bi, od, oy, ox) + co];
        }
      }
    }
  }
  out[e] = acc;
}

/** Pool window of output (b, od, oy, ox, c) over x = a: (x index of the max tap or -1, value, count). */
struct Window { best: i32, value: f32, count: u32 }

fn pool_window(p: array<u32, 5>) -> Window {
  var w = Window(-1, f32_neg_inf(), 0u);
  var sum = 0.0f;
  for (var kd = 0u; kd < params.filter_d; kd++) {
    let id = tap(p[1], kd, params.stride_d, params.dilation_d, params.pad_front);
    if (!inside(id, params.in_d)) { continue; }
    for (var ky = 0u; ky < params.filter_h; ky++) {
      let iy = tap(p[2], ky, params.stride_h, params.dilation_h, params.pad_top);
      if (!inside(iy, params.in_h)) { continue; }
      for (var kx = 0u; kx < params.filter_w; kx++) {
        let ix = tap(p[3], kx, params.stride_w, params.dilation_w, params.pad_left);
        if (!inside(ix, params.in_w)) { continue; }
        let xi = x_index(p[0], u32(id), u32(iy), u32(ix)) + p[4];
        let v = a[xi];
        if (params.op == 0u) {
          if (!is_nan_f32(v) && v >= w.value) { w.best = i32(xi); w.value = v; }
        } else {
          sum += v;
        }
        w.count++;
      }
    }
  }
  if (params.op == 1u) { w.value = select(0.0f, sum / f32(w.count), w.count > 0u); }
  return w;
}

@compute @workgroup_size(WG)
fn pool3d(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  pool_out[e] = pool_window(split_out(e, params.in_c)).value;
}

// a = x, b = dy; one dx element per invocation, gathering from the windows that contain it
@compute @workgroup_size(WG)
fn pool3d_backprop(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                   @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  let p = split_in(e);
  var acc = 0.0f;
  for (var kd = 0u; kd < params.filter_d; kd++) {
    let od = reaching(p[1], kd, params.stride_d, params.dilation_d, params.pad_front, params.out_d);
    if (od < 0) { continue; }
    for (var ky = 0u; ky < params.filter_h; ky++) {
      let oy = reaching(p[2], ky, params.stride_h, params.dilation_h, params.pad_top, params.out_h);
      if (oy < 0) { continue; }
      for (var kx = 0u; kx < params.filter_w; kx++) {
        let ox = reaching(p[3], kx, params.stride_w, params.dilation_w, params.pad_left, params.out_w);
        if (ox < 0) { continue; }
        let w = pool_window(array<u32, 5>(p[0], u32(od), u32(oy), u32(ox), p[4]));
        let d = b[y_index(p[0], u32(od), u32(oy), u32(ox)) + p[4]];
        if (params.op == 0u) {
          if (w.best == i32(e)) { acc += d; }
        } else {
          acc += d / f32(w.count);
        }
      }
    }
  }
  out[e] = acc;
}
