// Layout and indexing kernels that move raw 4-byte words (no dtype conversion): strided copy
// (transpose, slice, tile, broadcast, reverse), constant pad, copy-into (concat), gather and
// oneHot, plus the f32 scatter-add unsorted_segment_sum (gather's gradient). The host converts
// pad/oneHot constants to the output's word encoding. One output element per invocation (4 along
// the innermost axis for copy_strided_row4, 16 vec4s for copy_strided_rows, the CPU-adapter
// strided copy of unchunked calls); the 1-D dispatch may be folded into a 2-D grid.
// Every other entry runs over a box of its iteration space (`start` + the box extents), so a call on
// tensors past one storage binding is split into dispatches over sub-boxes (chunking.ts), each
// binding aligned element ranges: `*_base` is the first element of the bound range (0 when the
// whole buffer is bound). gather and the segment sum also take a block [lo, hi) of the source
// axis; an unchunked call passes the whole box, zero bases and the whole axis.
#include "dtype.wgsl"

struct Params {
  size: u32,      // output elements
  rank: u32,
  offset: u32,    // copyStrided: input offset; copyInto: column offset
  value: u32,     // pad value word / oneHot on word
  a: u32,         // copyInto: inner; gather: axisDim; oneHot: depth; segment sum: n
  b: u32,         // copyInto: outInner; gather: inner; oneHot: off word; segment sum: inner
  c: u32,         // gather: numIndices; segment sum: numSegments
  lo: u32,        // gather / segment sum: source axis block [lo, hi)
  hi: u32,
  src_base: u32,  // binding 1 (src / oneHot indices)
  aux_base: u32,  // binding 2 when read (gather indices, segment ids)
  dst_base: u32,  // the output binding
  check_dim: u32,   // gather_checked: index j is valid in [g * check_dim, (g + 1) * check_dim),
  check_group: u32, // g = j / check_group
  shape0: array<vec4<u32>, 2>, // box extents (the outShape when unchunked)
  shape1: array<vec4<u32>, 2>, // copyStrided: inStrides; pad: inShape
  shape2: array<vec4<u32>, 2>, // copyStrided: modDims; pad: padBefore
  start: array<vec4<u32>, 2>,  // box start (zeros when unchunked)
  out_strides: array<vec4<u32>, 2>, // copyStrided / pad: row-major strides of the whole output
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;
@group(0) @binding(2) var<storage, read> indices: array<i32>;
@group(0) @binding(3) var<storage, read_write> dst_gather: array<u32>;
@group(0) @binding(1) var<storage, read> one_hot_indices: array<i32>;
// gather_checked's fault word (zeroed by the host): [any index too large, the largest such,
// any negative index, the most negative one], each relative to its group's range.
@group(0) @binding(4) var<storage, read_write> index_fault: array<atomic<i32>, 4>;
@group(0) @binding(3) var<storage, read_write> one_hot_fault: array<atomic<i32>, 4>; // one_hot_checked's

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
  var o = 0u;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let du = u32(d);
    let n = dim(params.shape0, du);
    let c = rest % n + dim(params.start, du);
    rest = rest / n;
    o += c * dim(params.out_strides, du);
    // strides may be negative (reverse): u32 arithmetic wraps, which is exact modulo 2^32
    s += (c % dim(params.shape2, du)) * dim(params.shape1, du);
  }
  dst[o - params.dst_base] = src[s - params.src_base];
}

/**
 * copy_strided for a box whose innermost extent is a multiple of 4: 4 consecutive output elements
 * per invocation, so the coordinate decomposition (divisions, which CPU adapters run lane by
 * lane) and the invocation count drop 4x.
 */
@compute @workgroup_size(WG)
fn copy_strided_row4(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                     @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg) * 4u;
  if (i >= params.size) { return; }
  let last = params.rank - 1u;
  let n_last = dim(params.shape0, last);
  let c_last = i % n_last + dim(params.start, last);
  var rest = i / n_last;
  var s = params.offset;
  var o = c_last * dim(params.out_strides, last);
  for (var d = i32(last) - 1; d >= 0; d--) {
    let du = u32(d);
    let n = dim(params.shape0, du);
    let c = rest % n + dim(params.start, du);
    rest = rest / n;
    o += c * dim(params.out_strides, du);
    s += (c % dim(params.shape2, du)) * dim(params.shape1, du);
  }
  let stride = dim(params.shape1, last);
  let modulo = dim(params.shape2, last);
  let o_step = dim(params.out_strides, last);
  for (var e = 0u; e < 4u; e++) {
    dst[o + e * o_step - params.dst_base] = src[s + ((c_last + e) % modulo) * stride - params.src_base];
  }
}

// copy_strided_rows (CPU adapters, unchunked calls: the box is the whole output, dst_base 0):
// vec4 views of the same bindings. Each invocation owns ROWS_V consecutive output vec4s and walks
// their elements with an odometer, paying the coordinate decomposition once per innermost row it
// enters instead of once per element; a run of 4 that is contiguous and 4-aligned in the input
// (stride 1, no wrap) is one vec4 load (two when misaligned), other runs 4 word loads per vec4. Tensor
// buffers are whole vec4s (16-byte rounded), so every vec4 holding an element is bound.
@group(0) @binding(1) var<storage, read> src4: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> dst4: array<vec4<u32>>;

override ROWS_V: u32 = 64u;

/** Input index (modulo wrap applied) of the start of output row `row` (outer dims only). */
fn row_source(row: u32, last: u32) -> u32 {
  var rest = row;
  var s = params.offset;
  for (var d = i32(last) - 1; d >= 0; d--) {
    let du = u32(d);
    let n = params.shape0[du >> 2u][du & 3u];
    let c = rest % n;
    rest = rest / n;
    s += (c % params.shape2[du >> 2u][du & 3u]) * params.shape1[du >> 2u][du & 3u];
  }
  return s;
}

fn src_word(k: u32) -> u32 { return src4[k >> 2u][k & 3u]; }

// Where copy_strided_rows is: output row `row` (source start `s_row`), innermost coordinate `cl`
// (`cm` after the wrap), and the row's coordinate along dim last - 1 (`c1`, `cm1` after the wrap;
// its extent, stride and wrap in n1, st1, md1; n1 = 1 at rank 1).
struct RowWalk { last: u32, row: u32, s_row: u32, cl: u32, cm: u32, c1: u32, cm1: u32, n1: u32, st1: u32, md1: u32 }

/** Moves to the next row: one step along dim last - 1, a full decomposition past its extent. */
fn next_row(w: ptr<function, RowWalk>) {
  (*w).cl = 0u;
  (*w).cm = 0u;
  (*w).row++;
  (*w).c1++;
  (*w).cm1++;
  if ((*w).c1 == (*w).n1) {
    (*w).c1 = 0u;
    (*w).cm1 = 0u;
    (*w).s_row = row_source((*w).row, (*w).last);
  } else if ((*w).cm1 == (*w).md1) {
    (*w).cm1 = 0u;
    (*w).s_row -= ((*w).md1 - 1u) * (*w).st1;
  } else {
    (*w).s_row += (*w).st1;
  }
}

@compute @workgroup_size(WG)
fn copy_strided_rows(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                     @builtin(num_workgroups) nwg: vec3<u32>) {
  let size = params.size;
  let q0 = element_index(lid, wid, nwg) * ROWS_V;
  if (q0 * 4u >= size) { return; }
  let q_end = min(q0 + ROWS_V, (size + 3u) / 4u);
  let last = params.rank - 1u;
  let n_last = dim(params.shape0, last);
  let stride = dim(params.shape1, last);
  let modulo = dim(params.shape2, last);
  let i0 = q0 * 4u;
  let row = i0 / n_last;
  let cl = i0 - row * n_last;
  var w = RowWalk(last, row, row_source(row, last), cl, cl % modulo, 0u, 0u, 1u, 0u, 1u);
  if (last > 0u) {
    let d = last - 1u;
    w.n1 = params.shape0[d >> 2u][d & 3u];
    w.st1 = params.shape1[d >> 2u][d & 3u];
    w.md1 = params.shape2[d >> 2u][d & 3u];
    w.c1 = row % w.n1;
    w.cm1 = w.c1 % w.md1;
  }
  var q = q0;
  while (q < q_end) {
    if (w.cl == n_last) { next_row(&w); }
    // whole vec4s left in this row before the end, the wrap or this invocation's last one
    let nv = min(min(n_last - w.cl, modulo - w.cm) / 4u, q_end - q);
    let at = w.s_row + w.cm * stride;
    if (nv > 0u && stride == 1u) {
      let first = at >> 2u;
      let m = at & 3u;
      if (m == 0u) {
        for (var k = 0u; k < nv; k++) { dst4[q + k] = src4[first + k]; }
      } else {
        // misaligned: each vec4 straddles two source vec4s (the last one holds a copied element)
        var lo = src4[first];
        for (var k = 0u; k < nv; k++) {
          let hi = src4[first + k + 1u];
          dst4[q + k] = select(select(vec4<u32>(lo.w, hi.xyz), vec4<u32>(lo.zw, hi.xy), m == 2u), vec4<u32>(lo.yzw, hi.x), m == 1u);
          lo = hi;
        }
      }
    } else if (nv > 0u) {
      var a = at; // a strided or broadcast (stride 0) row: 4 word loads per vec4
      for (var k = 0u; k < nv; k++) {
        dst4[q + k] = vec4<u32>(src_word(a), src_word(a + stride), src_word(a + 2u * stride), src_word(a + 3u * stride));
        a += 4u * stride;
      }
    } else {
      // one vec4 element by element (wrapping, ending a row or the tensor)
      let i = q * 4u;
      var v: vec4<u32>;
      if (i + 4u > size) { v = dst4[q]; } // keep the words past the tensor's end as they are
      for (var e = 0u; e < 4u; e++) {
        if (i + e >= size) { break; }
        if (w.cl == n_last) { next_row(&w); }
        v[e] = src_word(w.s_row + w.cm * stride);
        w.cl++;
        w.cm++;
        if (w.cm == modulo) { w.cm = 0u; }
      }
      dst4[q] = v;
      q++;
      continue;
    }
    q += nv;
    w.cl += nv * 4u;
    w.cm += nv * 4u;
    if (w.cm == modulo) { w.cm = 0u; }
  }
}

@compute @workgroup_size(WG)
fn pad(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
       @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  if (i >= params.size) { return; }
  var rest = i;
  var s = 0u;
  var o = 0u;
  var stride = 1u;
  var inside = true;
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let du = u32(d);
    let n = dim(params.shape0, du);
    let coord = rest % n + dim(params.start, du);
    rest = rest / n;
    o += coord * dim(params.out_strides, du);
    let c = i32(coord) - bitcast<i32>(dim(params.shape2, du));
    let in_dim = dim(params.shape1, du);
    if (c < 0 || c >= i32(in_dim)) { inside = false; }
    s += u32(c) * stride;
    stride *= in_dim;
  }
  var w = params.value;
  if (inside) { w = src[s - params.src_base]; }
  dst[o - params.dst_base] = w;
}

@compute @workgroup_size(WG)
fn copy_into(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  if (i >= params.size) { return; }
  let ek = dim(params.shape0, 1u); // box over x viewed [outer, inner]
  let o = i / ek + dim(params.start, 0u);
  let k = i % ek + dim(params.start, 1u);
  dst[o * params.b + params.offset + k - params.dst_base] = src[o * params.a + k - params.src_base];
}

// What one gather invocation did: which index it read (j) and its value; j = -1 past the end.
struct GatherStep { j: i32, idx: i32 }

fn gather_step(i: u32) -> GatherStep {
  if (i >= params.size) { return GatherStep(-1, 0); }
  let axis_dim = params.a;
  let inner = params.b;
  let num_indices = params.c;
  // box over the output [outer, numIndices, inner]; this dispatch reads source rows [lo, hi)
  let ek = dim(params.shape0, 2u);
  let ej = dim(params.shape0, 1u);
  let k = i % ek + dim(params.start, 2u);
  let rest = i / ek;
  let j = rest % ej + dim(params.start, 1u);
  let o = rest / ej + dim(params.start, 0u);
  let idx = indices[j - params.aux_base];
  let at = (o * num_indices + j) * inner + k - params.dst_base;
  if (idx >= 0 && u32(idx) < axis_dim) {
    let r = u32(idx);
    if (r >= params.lo && r < params.hi) { dst_gather[at] = src[(o * axis_dim + r) * inner + k - params.src_base]; }
  } else if (params.lo == 0u) {
    dst_gather[at] = 0u; // an out-of-range index gives 0, written by the first block only
  }
  // one invocation per index reports it: the first of its row, in the first source block
  if (k != 0u || o != 0u || params.lo != 0u) { return GatherStep(-1, 0); }
  return GatherStep(i32(j), idx);
}

@compute @workgroup_size(WG)
fn gather(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
          @builtin(num_workgroups) nwg: vec3<u32>) {
  _ = gather_step(element_index(lid, wid, nwg));
}

// gather that also records out-of-range indices in index_fault (the host reads it back after
// the batch and fails the batch naming the index, so computed indices are never silently 0).
@compute @workgroup_size(WG)
fn gather_checked(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let s = gather_step(element_index(lid, wid, nwg));
  if (s.j < 0) { return; }
  let group = u32(s.j) / params.check_group;
  let v = s.idx - i32(group * params.check_dim);
  if (v < 0) {
    atomicStore(&index_fault[2], 1);
    atomicMin(&index_fault[3], v);
  } else if (u32(v) >= params.check_dim) {
    atomicStore(&index_fault[0], 1);
    atomicMax(&index_fault[1], v);
  }
}

// One one_hot invocation: writes its element and returns the index its row read when it is the
// row's first element (the one that reports it), else -1 with j = -1.
fn one_hot_step(i: u32) -> GatherStep {
  if (i >= params.size) { return GatherStep(-1, 0); }
  let depth = params.a;
  let ed = dim(params.shape0, 1u); // box over the output [n, depth]
  let j = i / ed + dim(params.start, 0u);
  let d = i % ed + dim(params.start, 1u);
  let idx = one_hot_indices[j - params.src_base];
  dst[j * depth + d - params.dst_base] = select(params.b, params.value, idx == i32(d));
  if (d != 0u) { return GatherStep(-1, 0); }
  return GatherStep(i32(j), idx);
}

@compute @workgroup_size(WG)
fn one_hot(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  _ = one_hot_step(element_index(lid, wid, nwg));
}

// one_hot that records indices outside [0, depth) in one_hot_fault (same encoding as
// index_fault; the host fails the batch with categoryEncoding's message).
@compute @workgroup_size(WG)
fn one_hot_checked(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                   @builtin(num_workgroups) nwg: vec3<u32>) {
  let s = one_hot_step(element_index(lid, wid, nwg));
  if (s.j < 0) { return; }
  if (s.idx < 0) {
    atomicStore(&one_hot_fault[2], 1);
    atomicMin(&one_hot_fault[3], s.idx);
  } else if (u32(s.idx) >= params.a) {
    atomicStore(&one_hot_fault[0], 1);
    atomicMax(&one_hot_fault[1], s.idx);
  }
}

// Scatter-add without float atomics: each invocation owns one output element (o, s, k) and
// scans all n ids, summing x[o, j, k] where ids[j] == s (in increasing j, like the js
// reference). O(output size * n) work but no contention and a deterministic result; the ids
// scan is uniform across a workgroup's lanes that share o and s. A chunked call scans ids in
// blocks [lo, hi), in increasing order; a block after the first adds to the stored partial sum
// (the same additions in the same order as one pass).
@compute @workgroup_size(WG)
fn unsorted_segment_sum(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                        @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = element_index(lid, wid, nwg);
  if (i >= params.size) { return; }
  let n = params.a;
  let inner = params.b;
  let num_segments = params.c;
  let ek = dim(params.shape0, 2u); // box over the output [outer, numSegments, inner]
  let es = dim(params.shape0, 1u);
  let k = i % ek + dim(params.start, 2u);
  let rest = i / ek;
  let seg = rest % es + dim(params.start, 1u);
  let o = rest / es + dim(params.start, 0u);
  let s = i32(seg);
  let base = o * n * inner + k - params.src_base;
  let at = (o * num_segments + seg) * inner + k - params.dst_base;
  var acc = 0.0;
  if (params.lo > 0u) { acc = bitcast<f32>(dst_gather[at]); }
  for (var j = params.lo; j < params.hi; j++) {
    if (indices[j - params.aux_base] == s) { acc += bitcast<f32>(src[base + j * inner]); }
  }
  dst_gather[at] = bitcast<u32>(acc);
}
