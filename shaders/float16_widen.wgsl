// The float32 copy of a float16-stored tensor (float16_words.wgsl), one word (two elements) per
// invocation; the float32 buffer holds whole vec4s, so an odd count's last pair stays in bounds.
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
