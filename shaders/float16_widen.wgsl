// Widening a float16-stored tensor (two IEEE halves per u32 word, see float16_words.wgsl) into
// float32 words: for kernels that read the tensor as float32, for data() and for moving it to
// another backend. One invocation per word (two elements); the float32 buffer is allocated for
// the element count rounded up to whole vec4s, so the pair written for an odd last element stays
// in bounds. unpack2x16float is exact (every half is an f32), NaN stays NaN.
#include "dtype.wgsl"

struct Params {
  words: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> halves: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<vec2<u32>>;

@compute @workgroup_size(WG)
fn widen_f16(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let w = linear_workgroup(wid, nwg) * WG + lid.x;
  if (w >= params.words) { return; }
  out[w] = bitcast<vec2<u32>>(unpack2x16float(halves[w]));
}
