// conv2d forward over NHWC data with filters [fh, fw, inC, outC], as an implicit GEMM: rows are
// output pixels (batch * outH * outW), columns output channels, and the reduction runs over
// (ky, kx, ci) reading the input taps in place (no im2col buffer). Every invocation owns a
// 4-pixel x 4-channel register block; for each tap it loads 4 filter rows (a mat4x4 whose
// column j is f[ky, kx, ci + j, n..n+3]) and one vec4 of input channels per pixel, so one step
// is 4 mat4x4 * vec4 products. Taps in the padding contribute 0. The fused epilogue (bias,
// residual add, activation) is conv_epilogue.wgsl, shared with depthwise_conv2d.
// conv2d_row8 is the 3-wide, column-stride-1 case with out_c in quads: 8 neighbouring output
// pixels of one row x 1 output-channel quad per invocation slide one window along the input
// row, so each (filter row, input channel) loads 10 inputs and 3 filter quads for 96 products
// (the general entry: 32 loads per 64), and no per-pixel tap arithmetic; any in_c (1 included).
#include "dtype.wgsl"
#include "conv_geometry.wgsl"
#include "conv_epilogue.wgsl"
#include "float16_words.wgsl"

override WG: u32 = 64u;
override VEC_X: bool = false;   // in_c % 4 == 0: input channel quads are aligned vec4 loads
override VEC_F: bool = false;   // out_c % 4 == 0: filter rows are aligned vec4 loads
override F_HALF: bool = false;  // the filter holds float16 pairs (float16_words.wgsl)
override HAS_BIAS: bool = false;
override ACT: u32 = 0u;
override RESIDUAL: u32 = 0u; // conv_epilogue.wgsl: 0 none, 1 + r before the activation, 2 after it

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> f: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> prelu: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read> residual: array<f32>;
// The output as channel quads, for conv2d_row8 only (an entry point binds one of the two).
@group(0) @binding(5) var<storage, read_write> out_quads: array<vec4<f32>>;

fn x1(i: u32) -> f32 { return x[i >> 2u][i & 3u]; }

/** x[i..i+3] (the caller guarantees all four are in bounds). */
fn x4(i: u32) -> vec4<f32> {
  if (VEC_X) { return x[i >> 2u]; }
  return vec4<f32>(x1(i), x1(i + 1u), x1(i + 2u), x1(i + 3u));
}

/** Filter element i, and quad q (elements 4q..4q+3). */
fn f_elem(i: u32) -> f32 {
  if (F_HALF) { return half_in(f[i >> 3u], i); }
  return bitcast<f32>(f[i >> 2u][i & 3u]);
}
fn f_quad(q: u32) -> vec4<f32> {
  if (F_HALF) { return half_quad(f[q >> 1u], q); }
  return bitcast<vec4<f32>>(f[q]);
}

/** f[i..i+3] = filter row columns n..n+3, zero past out_c. */
fn f4(i: u32, n: u32) -> vec4<f32> {
  if (VEC_F) { return f_quad(i >> 2u); }
  var r = vec4<f32>(0.0f);
  for (var j = 0u; j < 4u; j++) {
    if (n + j < params.out_c) { r[j] = f_elem(i + j); }
  }
  return r;
}

@compute @workgroup_size(WG)
fn conv2d(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = linear_workgroup(wid, nwg) * WG + lid.x;
  let out_c = params.out_c;
  let in_c = params.in_c;
  let n_blocks = (out_c + 3u) / 4u;
  let m_total = params.batch * params.out_h * params.out_w;
  let m0 = (idx / n_blocks) * 4u;
  let n = (idx % n_blocks) * 4u;
  if (m0 >= m_total) { return; }

  var q = pixel_quad(m0, m_total);

  var acc0 = vec4<f32>(0.0f);
  var acc1 = vec4<f32>(0.0f);
  var acc2 = vec4<f32>(0.0f);
  var acc3 = vec4<f32>(0.0f);
  let c4 = in_c & ~3u;
  let zero = vec4<f32>(0.0f);
  for (var ky = 0u; ky < params.filter_h; ky++) {
    let dy = i32(ky * params.dilation_h);
    for (var kx = 0u; kx < params.filter_w; kx++) {
      let dx = i32(kx * params.dilation_w);
      let t0 = tap_of(q.oy0[0] + dy, q.ox0[0] + dx, q.img[0], q.live[0]);
      let t1 = tap_of(q.oy0[1] + dy, q.ox0[1] + dx, q.img[1], q.live[1]);
      let t2 = tap_of(q.oy0[2] + dy, q.ox0[2] + dx, q.img[2], q.live[2]);
      let t3 = tap_of(q.oy0[3] + dy, q.ox0[3] + dx, q.img[3], q.live[3]);
      if (!(t0.ok || t1.ok || t2.ok || t3.ok)) { continue; }
      let f_row0 = (ky * params.filter_w + kx) * in_c;
      var ci = 0u;
      for (; ci < c4; ci += 4u) {
        let fb = (f_row0 + ci) * out_c + n;
        let fm = mat4x4<f32>(f4(fb, n), f4(fb + out_c, n), f4(fb + 2u * out_c, n), f4(fb + 3u * out_c, n));
        acc0 += fm * select(zero, x4(t0.base + ci), t0.ok);
        acc1 += fm * select(zero, x4(t1.base + ci), t1.ok);
        acc2 += fm * select(zero, x4(t2.base + ci), t2.ok);
        acc3 += fm * select(zero, x4(t3.base + ci), t3.ok);
      }
      for (; ci < in_c; ci++) {
        let fv = f4((f_row0 + ci) * out_c + n, n);
        acc0 += fv * select(0.0f, x1(t0.base + ci), t0.ok);
        acc1 += fv * select(0.0f, x1(t1.base + ci), t1.ok);
        acc2 += fv * select(0.0f, x1(t2.base + ci), t2.ok);
        acc3 += fv * select(0.0f, x1(t3.base + ci), t3.ok);
      }
    }
  }

  let acc = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    if (q.live[r]) {
      let o = (m0 + r) * out_c + n;
      for (var c = 0u; c < 4u; c++) {
        if (n + c < out_c) { out[o + c] = epilogue_value(acc[r][c], n + c, o + c); }
      }
    }
  }
}

/** Input channel ci at column `col` of the input row starting at pixel `row`; zero in the padding. */
fn row_x(row: u32, col: i32, ci: u32) -> f32 {
  let c = u32(clamp(col, 0, i32(params.in_w) - 1));
  return select(0.0f, x1((row + c) * params.in_c + ci), col >= 0 && col < i32(params.in_w));
}

@compute @workgroup_size(WG)
fn conv2d_row8(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  // Requires (host-checked): out_c % 4 == 0, filter_w 3, stride_w 1, dilation_w 1.
  let quads = params.out_c / 4u;
  let strips = (params.out_w + 7u) / 8u;
  let i = wid.x * WG + lid.x;
  let q = i % quads;
  let sx = i / quads;
  if (sx >= strips) { return; }
  let oy = wid.y;
  let img = wid.z;
  let ix0 = i32(sx * 8u) - params.pad_left;
  let in_c = params.in_c;
  let zero = vec4<f32>(0.0f);
  var acc0 = zero; var acc1 = zero; var acc2 = zero; var acc3 = zero;
  var acc4 = zero; var acc5 = zero; var acc6 = zero; var acc7 = zero;
  for (var ky = 0u; ky < params.filter_h; ky++) {
    let iy = i32(oy * params.stride_h + ky * params.dilation_h) - params.pad_top;
    let row_ok = iy >= 0 && iy < i32(params.in_h);
    let row = (img * params.in_h + u32(clamp(iy, 0, i32(params.in_h) - 1))) * params.in_w;
    for (var ci = 0u; ci < in_c; ci++) {
      // filter quads f[ky, kx, ci, 4q..4q+3]; a row in the padding gets zero taps
      let fb = ((ky * 3u) * in_c + ci) * quads + q;
      let f0 = select(zero, f_quad(fb), row_ok);
      let f1 = select(zero, f_quad(fb + in_c * quads), row_ok);
      let f2 = select(zero, f_quad(fb + 2u * in_c * quads), row_ok);
      // v0..v2 rotate through the 10 inputs of the window
      var v0 = row_x(row, ix0, ci);
      var v1 = row_x(row, ix0 + 1, ci);
      var v2 = row_x(row, ix0 + 2, ci);
      acc0 = fma(vec4<f32>(v0), f0, fma(vec4<f32>(v1), f1, fma(vec4<f32>(v2), f2, acc0)));
      v0 = row_x(row, ix0 + 3, ci);
      acc1 = fma(vec4<f32>(v1), f0, fma(vec4<f32>(v2), f1, fma(vec4<f32>(v0), f2, acc1)));
      v1 = row_x(row, ix0 + 4, ci);
      acc2 = fma(vec4<f32>(v2), f0, fma(vec4<f32>(v0), f1, fma(vec4<f32>(v1), f2, acc2)));
      v2 = row_x(row, ix0 + 5, ci);
      acc3 = fma(vec4<f32>(v0), f0, fma(vec4<f32>(v1), f1, fma(vec4<f32>(v2), f2, acc3)));
      v0 = row_x(row, ix0 + 6, ci);
      acc4 = fma(vec4<f32>(v1), f0, fma(vec4<f32>(v2), f1, fma(vec4<f32>(v0), f2, acc4)));
      v1 = row_x(row, ix0 + 7, ci);
      acc5 = fma(vec4<f32>(v2), f0, fma(vec4<f32>(v0), f1, fma(vec4<f32>(v1), f2, acc5)));
      v2 = row_x(row, ix0 + 8, ci);
      acc6 = fma(vec4<f32>(v0), f0, fma(vec4<f32>(v1), f1, fma(vec4<f32>(v2), f2, acc6)));
      v0 = row_x(row, ix0 + 9, ci);
      acc7 = fma(vec4<f32>(v1), f0, fma(vec4<f32>(v2), f1, fma(vec4<f32>(v0), f2, acc7)));
    }
  }
  store_row8(img, oy, sx, q, quads, acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
}
