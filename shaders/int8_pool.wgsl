// int8MaxPool of issue 12 (src/backends/kernels.ts): max pooling on packed int8 NHWC codes, one
// output word (four channels) per invocation; only in-image taps take part (-128 when none).
#include "int8_dot.wgsl"

struct Params {
  words: u32,
  in_h: u32,
  in_w: u32,
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
  total: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(WG)
fn int8_max_pool(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = (wid.x + wid.y * nwg.x) * WG + lid.x;
  if (idx >= params.total) { return; }
  let pixel = idx / params.words;
  let ox = pixel % params.out_w;
  let oy = (pixel / params.out_w) % params.out_h;
  let img = pixel / (params.out_w * params.out_h);
  var best = vec4<i32>(-128);
  for (var ky = 0u; ky < params.filter_h; ky++) {
    let iy = i32(oy * params.stride_h + ky * params.dilation_h) - params.pad_top;
    if (iy < 0 || iy >= i32(params.in_h)) { continue; }
    for (var kx = 0u; kx < params.filter_w; kx++) {
      let ix = i32(ox * params.stride_w + kx * params.dilation_w) - params.pad_left;
      if (ix < 0 || ix >= i32(params.in_w)) { continue; }
      best = max(best, unpack_i8x4(x[((img * params.in_h + u32(iy)) * params.in_w + u32(ix)) * params.words + idx % params.words]));
    }
  }
  out[idx] = pack_i8x4(best);
}
