// Layout and indexing kernels that move raw 4-byte words (no dtype conversion): strided copy
// (transpose, slice, tile, broadcast, reverse), constant pad, copy-into (concat), gather and
// oneHot, plus the f32 scatter-add unsorted_segment_sum (gather's gradient). The host converts
// pad/oneHot constants to the output's word encoding. One output element per invocation; the
// 1-D dispatch may be folded into a 2-D grid.
#include "dtype.wgsl"

struct Params {
  size: u32,      // output elements
  rank: u32,
  offset: u32,    // copyStrided: input offset; copyInto: column offset
  value: u32,     // pad value word / oneHot on word
  a: u32,         // copyInto: inner; gather: axisDim; oneHot: depth; segment sum: n
  b: u32,         // copyInto: outInner; gather: inner; oneHot: off word; segment sum: inner
  c: u32,         // gather: numIndices; segment sum: numSegments
  d: u32,
  shape0: array<vec4<u32>, 2>, // outShape
  shape1: array<vec4<u32>, 2>, // copyStrided: inStrides; pad: inShape
  shape2: array<vec4<u32>, 2>, // copyStrided: modDims; pad: padBefore
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;
@group(0) @binding(2) var<storage, read> indices: array<i32>;
@group(0) @binding(3) var<storage, read_write> dst_gather: array<u32>;
@group(0) @binding(1) var<storage, read> one_hot_indices: array<i32>;

fn dim(v: array<vec4<u32>, 2>, d: u32) -> u32 { return v[d >> 2u][d & 3u]; }

fn element_index(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return linear_workgroup(wid, nwg) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn copy_strided(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  if (i >= params.size) { return; }
  var rest = i;
  var s = params.offset;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let du = u32(d);
    let n = dim(params.shape0, du);
    let c = rest % n;
    rest = rest / n;
    // strides may be negative (reverse): u32 arithmetic wraps, which is exact modulo 2^32
    s += (c % dim(params.shape2, du)) * dim(params.shape1, du);
  }
  dst[i] = src[s];
}

@compute @workgroup_size(WG)
fn pad(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
       @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  if (i >= params.size) { return; }
  var rest = i;
  var s = 0u;
  var stride = 1u;
  var inside = true;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let du = u32(d);
    let n = dim(params.shape0, du);
    let coord = rest % n;
    rest = rest / n;
    let c = i32(coord) - bitcast<i32>(dim(params.shape2, du));
    let in_dim = dim(params.shape1, du);
    if (c < 0 || c >= i32(in_dim)) { inside = false; }
    s += u32(c) * stride;
    stride *= in_dim;
  }
  dst[i] = select(params.value, src[s], inside);
}

@compute @workgroup_size(WG)
fn copy_into(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  if (i >= params.size) { return; }
  let inner = params.a;
  let o = i / inner;
  let k = i - o * inner;
  dst[o * params.b + params.offset + k] = src[i];
}

@compute @workgroup_size(WG)
fn gather(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  if (i >= params.size) { return; }
  let axis_dim = params.a;
  let inner = params.b;
  let num_indices = params.c;
  let k = i % inner;
  let rest = i / inner;
  let j = rest % num_indices;
  let o = rest / num_indices;
  let idx = indices[j];
  var w = 0u;
  if (idx >= 0 && u32(idx) < axis_dim) { w = src[(o * axis_dim + u32(idx)) * inner + k]; }
  dst_gather[i] = w;
}

@compute @workgroup_size(WG)
fn one_hot(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  if (i >= params.size) { return; }
  let depth = params.a;
  let j = i / depth;
  let d = i - j * depth;
  dst[i] = select(params.b, params.value, one_hot_indices[j] == i32(d));
}

// Scatter-add without float atomics: each invocation owns one output element (o, s, k) and
// scans all n ids, summing x[o, j, k] where ids[j] == s (in increasing j, like the js
// reference). O(output size * n) work but no contention and a deterministic result; the ids
// scan is uniform across a workgroup's lanes that share o and s.
@compute @workgroup_size(WG)
fn unsorted_segment_sum(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  if (i >= params.size) { return; }
  let n = params.a;
  let inner = params.b;
  let num_segments = params.c;
  let k = i % inner;
  let rest = i / inner;
  let s = i32(rest % num_segments);
  let o = rest / num_segments;
  let base = o * n * inner + k;
  var acc = 0.0;
  for (var j = 0u; j < n; j++) {
    if (indices[j] == s) { acc += bitcast<f32>(src[base + j * inner]); }
  }
  dst_gather[i] = bitcast<u32>(acc);
}
