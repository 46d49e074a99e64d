// Selection and scan kernels. topk: one invocation per input element counts the elements of
// its row that rank before it (larger, NaN above all numbers, ties by lower index); an element
// whose rank is below k writes itself to that output slot, so the k outputs of a row are a
// permutation and never collide. O(cols) per element, no sorting network or shared memory.
// cumulative: one invocation per (outer, inner) line scans its n elements in order, in f32 or
// i32 arithmetic (the same per-step rounding as the reference).
#include "dtype.wgsl"

struct Params {
  size: u32,      // invocations
  rows: u32,      // topk: rows; cumulative: outer
  cols: u32,      // topk: cols; cumulative: n
  k: u32,         // topk: k; cumulative: inner
  is_int: u32,    // elements are i32 (else f32)
  op: u32,        // cumulative: 0 sum, 1 prod
  exclusive: u32,
  reverse: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> values: array<u32>;
@group(0) @binding(3) var<storage, read_write> indices: array<i32>;
@group(0) @binding(2) var<storage, read_write> scan_out: array<u32>;

fn element_index(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return linear_workgroup(wid, nwg) * WG + lid.x;
}

/** Word a (at index ia) ranks before word b (at ib). */
fn ranks_before(a: u32, ia: u32, b: u32, ib: u32) -> bool {
  if (params.is_int != 0u) {
    let ai = bitcast<i32>(a);
    let bi = bitcast<i32>(b);
    return ai > bi || (ai == bi && ia < ib);
  }
  let af = bitcast<f32>(a);
  let bf = bitcast<f32>(b);
  let a_nan = is_nan_f32(af);
  let b_nan = is_nan_f32(bf);
  if (a_nan || b_nan) { return a_nan && (!b_nan || ia < ib); }
  return af > bf || (af == bf && ia < ib);
}

@compute @workgroup_size(WG)
fn topk(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = element_index(lid, wid, nwg);
  if (t >= params.size) { return; }
  let cols = params.cols;
  let row = t / cols;
  let i = t - row * cols;
  let base = row * cols;
  let w = x[t];
  var rank = 0u;
  for (var j = 0u; j < cols && rank < params.k; j++) {
    if (j != i && ranks_before(x[base + j], j, w, i)) { rank++; }
  }
  if (rank < params.k) {
    values[row * params.k + rank] = w;
    indices[row * params.k + rank] = i32(i);
  }
}

@compute @workgroup_size(WG)
fn cumulative(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
              @builtin(num_workgroups) nwg: vec3<u32>) {
  let t = element_index(lid, wid, nwg);
  if (t >= params.size) { return; }
  let n = params.cols;
  let inner = params.k;
  let o = t / inner;
  let base = o * n * inner + (t - o * inner);
  let prod = params.op == 1u;
  var acc_i = select(0i, 1i, prod);
  var acc_f = select(0.0f, 1.0f, prod);
  for (var s = 0u; s < n; s++) {
    let j = select(s, n - 1u - s, params.reverse != 0u);
    let at = base + j * inner;
    let w = x[at];
    if (params.exclusive != 0u) {
      scan_out[at] = select(bitcast<u32>(acc_f), bitcast<u32>(acc_i), params.is_int != 0u);
    }
    if (params.is_int != 0u) {
      acc_i = select(acc_i + bitcast<i32>(w), acc_i * bitcast<i32>(w), prod);
    } else {
      acc_f = select(acc_f + bitcast<f32>(w), acc_f * bitcast<f32>(w), prod);
    }
    if (params.exclusive == 0u) {
      scan_out[at] = select(bitcast<u32>(acc_f), bitcast<u32>(acc_i), params.is_int != 0u);
    }
  }
}
