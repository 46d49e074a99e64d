// conv2d forward over NHWC data with filters [fh, fw, inC, outC], as an implicit GEMM: rows are
// output pixels (batch * outH * outW), columns output channels, and the reduction runs over
// (ky, kx, ci) reading the input taps in place (no im2col buffer). Every invocation owns a
// 4-pixel x 4-channel register block; for each tap it loads 4 filter rows (a mat4x4 whose
// column j is f[ky, kx, ci + j, n..n+3]) and one vec4 of input channels per pixel, so one step
// is 4 mat4x4 * vec4 products. Taps in the padding contribute 0. The fused epilogue (bias,
// activation) is conv_epilogue.wgsl, shared with depthwise_conv2d.
#include "dtype.wgsl"
#include "conv_geometry.wgsl"
#include "conv_epilogue.wgsl"

override WG: u32 = 64u;
override VEC_X: bool = false;   // in_c % 4 == 0: input channel quads are aligned vec4 loads
override VEC_F: bool = false;   // out_c % 4 == 0: filter rows are aligned vec4 loads
override HAS_BIAS: bool = false;
override ACT: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> f: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> prelu: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

fn x1(i: u32) -> f32 { return x[i >> 2u][i & 3u]; }

/** x[i..i+3] (the caller guarantees all four are in bounds). */
fn x4(i: u32) -> vec4<f32> {
  if (VEC_X) { return x[i >> 2u]; }
  return vec4<f32>(x1(i), x1(i + 1u), x1(i + 2u), x1(i + 3u));
}

/** f[i..i+3] = filter row columns n..n+3, zero past out_c. */
fn f4(i: u32, n: u32) -> vec4<f32> {
  if (VEC_F) { return f[i >> 2u]; }
  var r = vec4<f32>(0.0f);
  for (var j = 0u; j < 4u; j++) {
    if (n + j < params.out_c) { let k = i + j; r[j] = f[k >> 2u][k & 3u]; }
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
        if (n + c < out_c) { out[o + c] = epilogue_value(acc[r][c], n + c); }
      }
    }
  }
}
