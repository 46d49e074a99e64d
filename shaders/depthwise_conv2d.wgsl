// Depthwise conv2d over NHWC data, filters [fh, fw, inC, mult]: output channel oc = c * mult + m
// reads input channel c and filter element f[ky, kx, c, m], which sits at (tap * outC + oc), so
// filter rows are contiguous in oc. Entries:
// - depthwise_conv2d: 4 output pixels x 4 consecutive output channels per invocation (the filter
//   quad of each tap is loaded once for the 4 pixels), fused epilogue. Any geometry.
// - depthwise_conv2d_row8: the common 3-wide, column-stride-1 case (mult 1, channels in quads):
//   8 neighbouring output pixels of one row x 1 channel quad per invocation slide one window
//   along the input row, so each row of taps loads 10 input quads for 24 products instead of
//   24 (on CPU adapters such as SwiftShader the loads are what costs); grid (x: quads of the
//   row, y: output row, z: image), no index division.
// - depthwise_backprop_input: one dx element per invocation, gathering the (tap, m) that reach it.
// - depthwise_backprop_filter: one workgroup per filter element; its invocations stride over the
//   output pixels and a tree reduction in workgroup memory sums their partials.
#include "dtype.wgsl"
#include "conv_geometry.wgsl"
#include "conv_epilogue.wgsl"
#include "float16_words.wgsl"

override WG: u32 = 64u;
override VEC: bool = false;     // mult == 1 and in_c % 4 == 0: x and f quads are aligned vec4s
override F_HALF: bool = false;  // forward: the filter holds float16 pairs (float16_words.wgsl)
override HAS_BIAS: bool = false;
override ACT: u32 = 0u;
override RESIDUAL: u32 = 0u; // conv_epilogue.wgsl: 0 none, 1 + r before the activation, 2 after it

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;  // x (forward, filter grad) or dy (input grad)
@group(0) @binding(2) var<storage, read> b: array<vec4<u32>>;  // filter (forward, input grad) or dy (filter grad)
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;   // forward only
@group(0) @binding(5) var<storage, read> prelu: array<f32>;  // forward only
@group(0) @binding(6) var<storage, read> residual: array<f32>;  // forward only
// The output as channel quads, for depthwise_conv2d_row8 only (an entry point binds one of the two).
@group(0) @binding(3) var<storage, read_write> out_quads: array<vec4<f32>>;

var<workgroup> partial: array<f32, WG>;

fn a1(i: u32) -> f32 { return a[i >> 2u][i & 3u]; }
fn b1(i: u32) -> f32 { return bitcast<f32>(b[i >> 2u][i & 3u]); }
/** The forward filter's element i, and quad q (elements 4q..4q+3). */
fn f_elem(i: u32) -> f32 {
  if (F_HALF) { return half_in(b[i >> 3u], i); }
  return b1(i);
}
fn f_quad(q: u32) -> vec4<f32> {
  if (F_HALF) { return half_quad(b[q >> 1u], q); }
  return bitcast<vec4<f32>>(b[q]);
}

/** The 4 input values feeding output channels oc..oc+3 (input channels ch) at input offset xb. */
fn x_quad(xb: u32, oc: u32, ch: vec4<u32>) -> vec4<f32> {
  if (VEC) { return a[(xb + oc) >> 2u]; }
  return vec4<f32>(a1(xb + ch.x), a1(xb + ch.y), a1(xb + ch.z), a1(xb + ch.w));
}

@compute @workgroup_size(WG)
fn depthwise_conv2d(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                    @builtin(num_workgroups) nwg: vec3<u32>) {
  // Each invocation: 4 consecutive output pixels x 4 consecutive output channels; the filter
  // quad of a tap is loaded once for the 4 pixels.
  let idx = linear_workgroup(wid, nwg) * WG + lid.x;
  let out_c = params.out_c;
  let in_c = params.in_c;
  let mult = params.mult;
  let c_blocks = (out_c + 3u) / 4u;
  let m_total = params.batch * params.out_h * params.out_w;
  let m0 = (idx / c_blocks) * 4u;
  let oc = (idx % c_blocks) * 4u;
  if (m0 >= m_total) { return; }
  var q = pixel_quad(m0, m_total);
  // input channel of each of the 4 output channels (clamped in range; masked on store)
  let ch = min(vec4<u32>(oc, oc + 1u, oc + 2u, oc + 3u), vec4<u32>(out_c - 1u)) / mult;
  let zero = vec4<f32>(0.0f);
  var acc0 = zero;
  var acc1 = zero;
  var acc2 = zero;
  var acc3 = zero;
  for (var ky = 0u; ky < params.filter_h; ky++) {
    let dy = i32(ky * params.dilation_h);
    for (var kx = 0u; kx < params.filter_w; kx++) {
      let dx = i32(kx * params.dilation_w);
      let t0 = tap_of(q.oy0[0] + dy, q.ox0[0] + dx, q.img[0], q.live[0]);
      let t1 = tap_of(q.oy0[1] + dy, q.ox0[1] + dx, q.img[1], q.live[1]);
      let t2 = tap_of(q.oy0[2] + dy, q.ox0[2] + dx, q.img[2], q.live[2]);
      let t3 = tap_of(q.oy0[3] + dy, q.ox0[3] + dx, q.img[3], q.live[3]);
      let fb = (ky * params.filter_w + kx) * out_c + oc;
      var fv: vec4<f32>;
      if (VEC) {
        fv = f_quad(fb >> 2u);
      } else {
        fv = zero;
        for (var j = 0u; j < 4u; j++) { if (oc + j < out_c) { fv[j] = f_elem(fb + j); } }
      }
      acc0 = fma(select(zero, x_quad(t0.base, oc, ch), t0.ok), fv, acc0);
      acc1 = fma(select(zero, x_quad(t1.base, oc, ch), t1.ok), fv, acc1);
      acc2 = fma(select(zero, x_quad(t2.base, oc, ch), t2.ok), fv, acc2);
      acc3 = fma(select(zero, x_quad(t3.base, oc, ch), t3.ok), fv, acc3);
    }
  }
  let acc = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    if (q.live[r]) {
      let o = (m0 + r) * out_c + oc;
      for (var c = 0u; c < 4u; c++) {
        if (oc + c < out_c) { out[o + c] = epilogue_value(acc[r][c], oc + c, o + c); }
      }
    }
  }
}

/** Input quad q at column `col` of the input row starting at pixel `row`; zero in the padding. */
fn row_quad(row: u32, col: i32, quads: u32, q: u32) -> vec4<f32> {
  let c = u32(clamp(col, 0, i32(params.in_w) - 1));
  return select(vec4<f32>(0.0f), a[(row + c) * quads + q], col >= 0 && col < i32(params.in_w));
}

@compute @workgroup_size(WG)
fn depthwise_conv2d_row8(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  // Requires (host-checked): mult 1, in_c % 4 == 0, filter_w 3, stride_w 1, dilation_w 1.
  let quads = params.out_c / 4u;
  let strips = (params.out_w + 7u) / 8u;
  let i = wid.x * WG + lid.x;
  let q = i % quads;
  let sx = i / quads;
  if (sx >= strips) { return; }
  let oy = wid.y;
  let img = wid.z;
  let ix0 = i32(sx * 8u) - params.pad_left;
  let zero = vec4<f32>(0.0f);
  var acc0 = zero; var acc1 = zero; var acc2 = zero; var acc3 = zero;
  var acc4 = zero; var acc5 = zero; var acc6 = zero; var acc7 = zero;
  for (var ky = 0u; ky < params.filter_h; ky++) {
    let iy = i32(oy * params.stride_h + ky * params.dilation_h) - params.pad_top;
    let row_ok = iy >= 0 && iy < i32(params.in_h);
    let row = (img * params.in_h + u32(clamp(iy, 0, i32(params.in_h) - 1))) * params.in_w;
    // a row in the padding contributes nothing: its filter taps are zeroed instead of its inputs
    let fb = ky * 3u * quads + q;
    let f0 = select(zero, f_quad(fb), row_ok);
    let f1 = select(zero, f_quad(fb + quads), row_ok);
    let f2 = select(zero, f_quad(fb + 2u * quads), row_ok);
    // x0..x2 rotate through the 10 input quads of the window
    var x0 = row_quad(row, ix0, quads, q);
    var x1 = row_quad(row, ix0 + 1, quads, q);
    var x2 = row_quad(row, ix0 + 2, quads, q);
    acc0 = fma(x0, f0, fma(x1, f1, fma(x2, f2, acc0)));
    x0 = row_quad(row, ix0 + 3, quads, q);
    acc1 = fma(x1, f0, fma(x2, f1, fma(x0, f2, acc1)));
    x1 = row_quad(row, ix0 + 4, quads, q);
    acc2 = fma(x2, f0, fma(x0, f1, fma(x1, f2, acc2)));
    x2 = row_quad(row, ix0 + 5, quads, q);
    acc3 = fma(x0, f0, fma(x1, f1, fma(x2, f2, acc3)));
    x0 = row_quad(row, ix0 + 6, quads, q);
    acc4 = fma(x1, f0, fma(x2, f1, fma(x0, f2, acc4)));
    x1 = row_quad(row, ix0 + 7, quads, q);
    acc5 = fma(x2, f0, fma(x0, f1, fma(x1, f2, acc5)));
    x2 = row_quad(row, ix0 + 8, quads, q);
    acc6 = fma(x0, f0, fma(x1, f1, fma(x2, f2, acc6)));
    x0 = row_quad(row, ix0 + 9, quads, q);
    acc7 = fma(x1, f0, fma(x2, f1, fma(x0, f2, acc7)));
  }
  store_row8(img, oy, sx, q, quads, acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
}

@compute @workgroup_size(WG)
fn depthwise_backprop_input(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                            @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_workgroup(wid, nwg) * WG + lid.x;
  let in_c = params.in_c;
  let out_c = params.out_c;
  let mult = params.mult;
  if (idx >= params.batch * params.in_h * params.in_w * in_c) { return; }
  let c = idx % in_c;
  let p = idx / in_c;
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
      let gb = ((img * params.out_h + u32(oy)) * params.out_w + u32(ox)) * out_c + c * mult;
      let fb = (ky * params.filter_w + kx) * out_c + c * mult;
      for (var m = 0u; m < mult; m++) { acc += a1(gb + m) * b1(fb + m); }
    }
  }
  out[idx] = acc;
}

@compute @workgroup_size(WG)
fn depthwise_backprop_filter(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                             @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = linear_workgroup(wid, nwg);
  let out_c = params.out_c;
  let taps = params.filter_h * params.filter_w;
  let valid = e < taps * out_c;
  let oc = e % out_c;
  let tap = min(e / out_c, taps - 1u);
  let c = oc / params.mult;
  let dy_off = i32((tap / params.filter_w) * params.dilation_h) - params.pad_top;
  let dx_off = i32((tap % params.filter_w) * params.dilation_w) - params.pad_left;
  let n = params.batch * params.out_h * params.out_w;
  var s = 0.0f;
  if (valid) {
    for (var m = lid.x; m < n; m += WG) {
      let ox = m % params.out_w;
      let t = m / params.out_w;
      let iy = i32((t % params.out_h) * params.stride_h) + dy_off;
      let ix = i32(ox * params.stride_w) + dx_off;
      if (iy < 0 || iy >= i32(params.in_h) || ix < 0 || ix >= i32(params.in_w)) { continue; }
      let xi = (((t / params.out_h) * params.in_h + u32(iy)) * params.in_w + u32(ix)) * params.in_c + c;
      s += a1(xi) * b1(m * out_c + oc);
    }
  }
  partial[lid.x] = s;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k = k >> 1u) {
    if (lid.x < k) { partial[lid.x] += partial[lid.x + k]; }
    workgroupBarrier();
  }
  if (valid && lid.x == 0u) { out[e] = partial[0]; }
}
