// The two conv2d gradients over NHWC data (filters [fh, fw, inC, outC]), both as implicit GEMMs
// that read taps in place, each invocation owning a 4 x 4 register block:
// - conv2d_backprop_input: dx[b, iy, ix, ci] = sum over the (ky, kx) whose forward tap lands on
//   (iy, ix) (oy = (iy + padTop - ky * dilationH) / strideH exact and in range) and over co of
//   dy[b, oy, ox, co] * f[ky, kx, ci, co]. Block: 4 input pixels x 4 input channels.
// - conv2d_backprop_filter: df[ky, kx, ci, co] = sum over (b, oy, ox) with an in-image tap of
//   x[b, iy, ix, ci] * dy[b, oy, ox, co]. Block: one tap, 4 input x 4 output channels.
// This is also the kernel of conv2dTranspose (backprop input).
#include "dtype.wgsl"
#include "conv_geometry.wgsl"

override WG: u32 = 64u;
override VEC_X: bool = false;   // in_c % 4 == 0
override VEC_DY: bool = false;  // out_c % 4 == 0 (dy rows and filter rows are aligned vec4s)

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;  // dy (input grad) or x (filter grad)
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;  // filter (input grad) or dy (filter grad)
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn a1(i: u32) -> f32 { return a[i >> 2u][i & 3u]; }
fn b1(i: u32) -> f32 { return b[i >> 2u][i & 3u]; }

// ---- backprop input: a = dy, b = filter ------------------------------------------------------

/** dy[i..i+3] (in bounds by construction). */
fn dy4_in(i: u32) -> vec4<f32> {
  if (VEC_DY) { return a[i >> 2u]; }
  return vec4<f32>(a1(i), a1(i + 1u), a1(i + 2u), a1(i + 3u));
}

/** Filter row ci (4 output channels from i), zero when ci >= in_c. */
fn frow4(i: u32, ci: u32) -> vec4<f32> {
  if (ci >= params.in_c) { return vec4<f32>(0.0f); }
  if (VEC_DY) { return b[i >> 2u]; }
  return vec4<f32>(b1(i), b1(i + 1u), b1(i + 2u), b1(i + 3u));
}

fn frow1(i: u32, ci: u32) -> f32 { return select(0.0f, b1(i), ci < params.in_c); }

struct DyTap { base: u32, ok: bool }

fn dy_tap(iy: u32, ix: u32, img: u32, ky: u32, kx: u32, live: bool) -> DyTap {
  let oy = out_index(iy, ky, params.pad_top, params.dilation_h, params.stride_h, params.out_h);
  let ox = out_index(ix, kx, params.pad_left, params.dilation_w, params.stride_w, params.out_w);
  let ok = live && oy >= 0 && ox >= 0;
  let base = ((img * params.out_h + u32(max(oy, 0))) * params.out_w + u32(max(ox, 0))) * params.out_c;
  return DyTap(select(0u, base, ok), ok);
}

@compute @workgroup_size(WG)
fn conv2d_backprop_input(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                         @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_workgroup(wid, nwg) * WG + lid.x;
  let in_c = params.in_c;
  let out_c = params.out_c;
  let c_blocks = (in_c + 3u) / 4u;
  let m_total = params.batch * params.in_h * params.in_w;
  let m0 = (idx / c_blocks) * 4u;
  let ci = (idx % c_blocks) * 4u;
  if (m0 >= m_total) { return; }

  var iy: array<u32, 4>;
  var ix: array<u32, 4>;
  var img: array<u32, 4>;
  var live: array<bool, 4>;
  for (var r = 0u; r < 4u; r++) {
    let m = min(m0 + r, m_total - 1u);
    live[r] = m0 + r < m_total;
    ix[r] = m % params.in_w;
    let t = m / params.in_w;
    iy[r] = t % params.in_h;
    img[r] = t / params.in_h;
  }

  var acc0 = vec4<f32>(0.0f);
  var acc1 = vec4<f32>(0.0f);
  var acc2 = vec4<f32>(0.0f);
  var acc3 = vec4<f32>(0.0f);
  let zero = vec4<f32>(0.0f);
  let o4 = out_c & ~3u;
  for (var ky = 0u; ky < params.filter_h; ky++) {
    for (var kx = 0u; kx < params.filter_w; kx++) {
      let t0 = dy_tap(iy[0], ix[0], img[0], ky, kx, live[0]);
      let t1 = dy_tap(iy[1], ix[1], img[1], ky, kx, live[1]);
      let t2 = dy_tap(iy[2], ix[2], img[2], ky, kx, live[2]);
      let t3 = dy_tap(iy[3], ix[3], img[3], ky, kx, live[3]);
      if (!(t0.ok || t1.ok || t2.ok || t3.ok)) { continue; }
      let f0 = ((ky * params.filter_w + kx) * in_c + ci) * out_c;
      var co = 0u;
      for (; co < o4; co += 4u) {
        // column j = f[ky, kx, ci + j, co..co+3]; v * fm has component j = dot(v, column j)
        let fb = f0 + co;
        let fm = mat4x4<f32>(frow4(fb, ci), frow4(fb + out_c, ci + 1u), frow4(fb + 2u * out_c, ci + 2u),
                             frow4(fb + 3u * out_c, ci + 3u));
        acc0 += select(zero, dy4_in(t0.base + co), t0.ok) * fm;
        acc1 += select(zero, dy4_in(t1.base + co), t1.ok) * fm;
        acc2 += select(zero, dy4_in(t2.base + co), t2.ok) * fm;
        acc3 += select(zero, dy4_in(t3.base + co), t3.ok) * fm;
      }
      for (; co < out_c; co++) {
        let fb = f0 + co;
        let fv = vec4<f32>(frow1(fb, ci), frow1(fb + out_c, ci + 1u), frow1(fb + 2u * out_c, ci + 2u),
                           frow1(fb + 3u * out_c, ci + 3u));
        acc0 += fv * select(0.0f, a1(t0.base + co), t0.ok);
        acc1 += fv * select(0.0f, a1(t1.base + co), t1.ok);
        acc2 += fv * select(0.0f, a1(t2.base + co), t2.ok);
        acc3 += fv * select(0.0f, a1(t3.base + co), t3.ok);
      }
    }
  }

  let acc = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    if (live[r]) {
      let o = (m0 + r) * in_c + ci;
      for (var c = 0u; c < 4u; c++) {
        if (ci + c < in_c) { out[o + c] = acc[r][c]; }
      }
    }
  }
}

// ---- backprop filter: a = x, b = dy ------------------------------------------------------------

/** x[i..i+3] = input channels ci..ci+3, zero past in_c. */
fn x4_f(i: u32, ci: u32) -> vec4<f32> {
  if (VEC_X) { return a[i >> 2u]; }
  var r = vec4<f32>(0.0f);
  for (var j = 0u; j < 4u; j++) { if (ci + j < params.in_c) { r[j] = a1(i + j); } }
  return r;
}

/** dy[i..i+3] = output channels co..co+3, zero past out_c. */
fn dy4_f(i: u32, co: u32) -> vec4<f32> {
  if (VEC_DY) { return b[i >> 2u]; }
  var r = vec4<f32>(0.0f);
  for (var j = 0u; j < 4u; j++) { if (co + j < params.out_c) { r[j] = b1(i + j); } }
  return r;
}

@compute @workgroup_size(WG)
fn conv2d_backprop_filter(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                          @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_workgroup(wid, nwg) * WG + lid.x;
  let in_c = params.in_c;
  let out_c = params.out_c;
  let n_blocks = (out_c + 3u) / 4u;
  let c_blocks = (in_c + 3u) / 4u;
  let co = (idx % n_blocks) * 4u;
  let rest = idx / n_blocks;
  let ci = (rest % c_blocks) * 4u;
  let tap = rest / c_blocks;
  if (tap >= params.filter_h * params.filter_w) { return; }
  let ky = tap / params.filter_w;
  let kx = tap % params.filter_w;
  let dy_off = i32(ky * params.dilation_h) - params.pad_top;
  let dx_off = i32(kx * params.dilation_w) - params.pad_left;

  var acc0 = vec4<f32>(0.0f);
  var acc1 = vec4<f32>(0.0f);
  var acc2 = vec4<f32>(0.0f);
  var acc3 = vec4<f32>(0.0f);
  for (var bi = 0u; bi < params.batch; bi++) {
    for (var oy = 0u; oy < params.out_h; oy++) {
      let iy = i32(oy * params.stride_h) + dy_off;
      if (iy < 0 || iy >= i32(params.in_h)) { continue; }
      let x_row = (bi * params.in_h + u32(iy)) * params.in_w;
      let dy_row = (bi * params.out_h + oy) * params.out_w;
      for (var ox = 0u; ox < params.out_w; ox++) {
        let ix = i32(ox * params.stride_w) + dx_off;
        if (ix < 0 || ix >= i32(params.in_w)) { continue; }
        let xv = x4_f((x_row + u32(ix)) * in_c + ci, ci);
        let gv = dy4_f((dy_row + ox) * out_c + co, co);
        acc0 += xv.x * gv;
        acc1 += xv.y * gv;
        acc2 += xv.z * gv;
        acc3 += xv.w * gv;
      }
    }
  }

  let acc = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    if (ci + r < in_c) {
      let o = (tap * in_c + ci + r) * out_c + co;
      for (var c = 0u; c < 4u; c++) {
        if (co + c < out_c) { out[o + c] = acc[r][c]; }
      }
    }
  }
}
