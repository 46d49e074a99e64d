// 2-D max / average pooling over NHWC data and its gradient; only in-image taps take part (a
// window with none gives -Infinity / 0) and NaN never wins a max, as in TF.js.
// - pool: one output element per invocation (OP 2 / 3: int8MaxPool / int8AvgPool, one packed word;
//   the average is the i32 code sum over the count rounded half to even, in integers).
// - pool_backprop: one dx element per invocation, gathering from every window that has it as a
//   tap (at most one per window): max adds dy at the window's first maximal tap, avg dy / count.
#include "dtype.wgsl"
#include "window.wgsl"
#include "int8_dot.wgsl"

struct Params {
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
}

override WG: u32 = 64u;
override OP: u32 = 0u; // 0 = max, 1 = avg, 2 = int8 max, 3 = int8 avg

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;  // backprop only

/** One window's scan: max and its tap, sum, in-image tap count, int8 max (OP 2) or code sum (OP 3). */
struct Window { best: f32, best_tap: u32, sum: f32, count: u32, q: vec4<i32> }

/** Scan the window of output (img, oy, ox) in channel c. */
fn scan(img: u32, oy: u32, ox: u32, c: u32) -> Window {
  var w = Window(f32_neg_inf(), 0xffffffffu, 0.0f, 0u, vec4<i32>(select(0, -128, OP == 2u)));
  let iy0 = i32(oy * params.stride_h) - params.pad_top;
  let ix0 = i32(ox * params.stride_w) - params.pad_left;
  for (var ky = 0u; ky < params.filter_h; ky++) {
    let iy = iy0 + i32(ky * params.dilation_h);
    if (iy < 0 || iy >= i32(params.in_h)) { continue; }
    for (var kx = 0u; kx < params.filter_w; kx++) {
      let ix = ix0 + i32(kx * params.dilation_w);
      if (ix < 0 || ix >= i32(params.in_w)) { continue; }
      let i = (((img * params.in_h) + u32(iy)) * params.in_w + u32(ix)) * params.channels + c;
      if (OP == 2u) { w.q = max(w.q, unpack_i8x4(x[i])); }
      if (OP == 3u) { w.q += unpack_i8x4(x[i]); }
      let v = bitcast<f32>(x[i]);
      if (OP == 0u) {
        let better = !is_nan_f32(v) && (v > w.best || (w.best_tap == 0xffffffffu && v == w.best));
        if (better) { w.best = v; w.best_tap = ky * params.filter_w + kx; }
      } else {
        w.sum += v;
      }
      w.count += 1u;
    }
  }
  return w;
}

@compute @workgroup_size(WG)
fn pool(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_workgroup(wid, nwg) * WG + lid.x;
  let C = params.channels;
  if (idx >= params.batch * params.out_h * params.out_w * C) { return; }
  let c = idx % C;
  let p = idx / C;
  let ox = p % params.out_w;
  let t = p / params.out_w;
  let w = scan(t / params.out_h, t % params.out_h, ox, c);
  if (OP == 2u) {
    out[idx] = pack_i8x4(w.q);
  } else if (OP == 3u) {
    // s = n * f + r with 0 <= r < n (WGSL's % truncates); f + 1 when 2r > n, or 2r == n and f is odd
    let n = vec4<i32>(i32(w.count));
    let r = w.q % n + select(vec4<i32>(0), n, w.q % n < vec4<i32>(0));
    let f = (w.q - r) / n;
    let up = (2 * r > n) | ((2 * r == n) & ((f & vec4<i32>(1)) == vec4<i32>(1)));
    out[idx] = pack_i8x4(f + select(vec4<i32>(0), vec4<i32>(1), up));
  } else if (OP == 0u) {
    out[idx] = bitcast<u32>(w.best);
  } else {
    out[idx] = bitcast<u32>(select(w.sum / f32(w.count), 0.0f, w.count == 0u));
  }
}

@compute @workgroup_size(WG)
fn pool_backprop(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_workgroup(wid, nwg) * WG + lid.x;
  let C = params.channels;
  if (idx >= params.batch * params.in_h * params.in_w * C) { return; }
  let c = idx % C;
  let p = idx / C;
  let ix = p % params.in_w;
  let t = p / params.in_w;
  let iy = t % params.in_h;
  let img = t / params.in_h;
  var acc = 0.0f;
  for (var ky = 0u; ky < params.filter_h; ky++) {
    let oy = out_index(iy, ky, params.pad_top, params.dilation_h, params.stride_h, params.out_h);
    if (oy < 0) { continue; }
    for (var kx = 0u; kx < params.filter_w; kx++) {
      let ox = out_index(ix, kx, params.pad_left, params.dilation_w, params.stride_w, params.out_w);
      if (ox < 0) { continue; }
      let d = dy[((img * params.out_h + u32(oy)) * params.out_w + u32(ox)) * C + c];
      let w = scan(img, u32(oy), u32(ox), c);
      if (OP == 0u) {
        if (w.best_tap == ky * params.filter_w + kx) { acc += d; }
      } else {
        acc += d / f32(w.count);
      }
    }
  }
  out[idx] = bitcast<u32>(acc);
}
