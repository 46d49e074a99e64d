// N-d indexing kernels on raw 4-byte words, one output element per invocation. gather_nd:
// the element's slice index tuple is turned into an offset (a zero word when out of range).
// scatter_nd: the element scans the update index tuples for the ones naming its slice: mode 0
// sums them (f32 or i32) in increasing order into 0; mode 1 takes the last one, else keeps the
// base word. No atomics, so the result is deterministic; O(updates) work per output element.
#include "dtype.wgsl"

struct Params {
  size: u32,        // output elements
  count: u32,       // gather: numSlices; scatter: numUpdates
  slice_size: u32,
  depth: u32,       // index tuple length (<= 8)
  mode: u32,        // scatter: 0 add into zeros, 1 replace over base
  is_int: u32,      // scatter add: i32 sums (else f32)
  pad0: u32,
  pad1: u32,
  strides: array<vec4<u32>, 2>,
  dims: array<vec4<u32>, 2>,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read> index_tuples: array<i32>;
@group(0) @binding(3) var<storage, read_write> dst: array<u32>;
@group(0) @binding(4) var<storage, read> base_words: array<u32>;

fn dim(v: array<vec4<u32>, 2>, d: u32) -> u32 { return v[d >> 2u][d & 3u]; }

fn element_index(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return linear_workgroup(wid, nwg) * WG + lid.x;
}

/** Element offset of index tuple `row`, or -1 when a coordinate is outside its dim. */
fn slice_offset(row: u32) -> i32 {
  var offset = 0u;
  for (var d = 0u; d < params.depth; d++) {
    let c = index_tuples[row * params.depth + d];
    if (c < 0 || u32(c) >= dim(params.dims, d)) { return -1; }
    offset += u32(c) * dim(params.strides, d);
  }
  return i32(offset);
}

@compute @workgroup_size(WG)
fn gather_nd(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  let s = e / params.slice_size;
  let at = slice_offset(s);
  var w = 0u;
  if (at >= 0) { w = src[u32(at) + e - s * params.slice_size]; }
  dst[e] = w;
}

// src holds the updates here.
@compute @workgroup_size(WG)
fn scatter_nd(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
              @builtin(num_workgroups) nwg: vec3<u32>) {
  let e = element_index(lid, wid, nwg);
  if (e >= params.size) { return; }
  let i = e % params.slice_size;
  let slice_start = i32(e - i);
  let n = params.count;
  if (params.mode == 1u) {
    var w = base_words[e];
    for (var j = n; j > 0u; j--) {
      if (slice_offset(j - 1u) == slice_start) {
        w = src[(j - 1u) * params.slice_size + i];
        break;
      }
    }
    dst[e] = w;
    return;
  }
  var acc_f = 0.0f;
  var acc_i = 0i;
  for (var j = 0u; j < n; j++) {
    if (slice_offset(j) == slice_start) {
      let w = src[j * params.slice_size + i];
      acc_f += bitcast<f32>(w);
      acc_i += bitcast<i32>(w);
    }
  }
  dst[e] = select(bitcast<u32>(acc_f), bitcast<u32>(acc_i), params.is_int != 0u);
}
