// Row reductions over an [outer, inner] view -> [outer]. `reduce_rows` gives each row one
// workgroup: every invocation folds a strided slice of the row into a partial (value, index),
// then a tree reduction in workgroup memory combines them. `reduce_serial` gives each row one
// invocation, for short rows and many of them. Op codes are the Reduce codes of kernels.ts.
#include "math.wgsl"
#include "dtype.wgsl"

struct Params {
  outer: u32,
  inner: u32,
}

override WG: u32 = 256u;
override OP: u32 = 0u;
override X_INT: bool = false;
override OUT_KIND: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

var<workgroup> shared_val: array<f32, WG>;
var<workgroup> shared_idx: array<u32, WG>;

const OP_SUM: u32 = 0u;
const OP_MEAN: u32 = 1u;
const OP_MAX: u32 = 2u;
const OP_MIN: u32 = 3u;
const OP_PROD: u32 = 4u;
const OP_ARGMAX: u32 = 5u;
const OP_ARGMIN: u32 = 6u;
const OP_ANY: u32 = 7u;
const OP_ALL: u32 = 8u;
const OP_LSE: u32 = 9u;

/** A partial result: the folded value, and for argMax/argMin the winning index. */
struct Partial { v: f32, i: u32 }

/** The fold's starting value (for logSumExp: the sum of exp(x - max), so 0). */
fn identity() -> Partial {
  switch OP {
    case 2u: { return Partial(f32_neg_inf(), 0xffffffffu); }
    case 3u: { return Partial(f32_inf(), 0xffffffffu); }
    case 5u: { return Partial(f32_neg_inf(), 0xffffffffu); }
    case 6u: { return Partial(f32_inf(), 0xffffffffu); }
    case 4u, 8u: { return Partial(1.0f, 0u); }
    default: { return Partial(0.0f, 0u); }
  }
}

/**
 * Does candidate (v, i) beat the current best for argMax/argMin? NaN never wins (TF.js ignores
 * it; an all-NaN row gives index 0), ties go to the lower index.
 */
fn arg_better(v: f32, i: u32, best: Partial) -> bool {
  let vn = is_nan_f32(v);
  let bn = is_nan_f32(best.v);
  if (vn || bn) {
    if (vn && bn) { return i < best.i; }
    return bn;
  }
  if (v == best.v) { return i < best.i; }
  if (OP == OP_ARGMAX) { return v > best.v; }
  return v < best.v;
}

/** Fold (v, i) into p. For logSumExp, `m` is the row max found by a first pass. */
fn combine(p: Partial, v: f32, i: u32, m: f32) -> Partial {
  switch OP {
    case 0u, 1u: { return Partial(p.v + v, 0u); }
    case 2u: { return Partial(max_nan(p.v, v), 0u); }
    case 3u: { return Partial(min_nan(p.v, v), 0u); }
    case 4u: { return Partial(p.v * v, 0u); }
    case 5u, 6u: { if (arg_better(v, i, p)) { return Partial(v, i); } return p; }
    case 7u: { return Partial(select(p.v, 1.0f, ne_f32(v, 0.0f)), 0u); }
    case 8u: { return Partial(select(p.v, 0.0f, v == 0.0f), 0u); }
    default: { return Partial(p.v + safe_exp(v - m), 0u); } // logSumExp, second pass
  }
}

/** Merge two partials (a tree step). */
fn merge(a: Partial, b: Partial) -> Partial {
  switch OP {
    case 5u, 6u: { if (b.i != 0xffffffffu && arg_better(b.v, b.i, a)) { return b; } return a; }
    case 9u: { return Partial(a.v + b.v, 0u); }
    default: { return combine(a, b.v, b.i, 0.0f); }
  }
}

fn finish(p: Partial, m: f32, n: u32) -> f32 {
  switch OP {
    case 1u: { if (n == 0u) { return f32_nan(); } return p.v / f32(n); }
    case 5u, 6u: { return select(f32(p.i), 0.0f, p.i == 0xffffffffu); }
    case 9u: {
      if (is_nan_f32(m) || is_inf_f32(m)) { return m; }
      return m + safe_log(p.v);
    }
    default: { return p.v; }
  }
}

fn load(i: u32) -> f32 { return word_to_f32(x[i], X_INT); }

/** Tree-reduce partials across the workgroup; every invocation gets the result. */
fn workgroup_merge(p: Partial, t: u32) -> Partial {
  shared_val[t] = p.v;
  shared_idx[t] = p.i;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (t < s) {
      let r = merge(Partial(shared_val[t], shared_idx[t]), Partial(shared_val[t + s], shared_idx[t + s]));
      shared_val[t] = r.v;
      shared_idx[t] = r.i;
    }
    workgroupBarrier();
  }
  let r = Partial(shared_val[0], shared_idx[0]);
  workgroupBarrier();
  return r;
}

@compute @workgroup_size(WG)
fn reduce_rows(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
               @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = linear_workgroup(wid, nwg);
  if (row >= params.outer) { return; }
  let t = lid.x;
  let n = params.inner;
  let base = row * n;
  var m = 0.0f;
  if (OP == OP_LSE) {
    var pm = f32_neg_inf();
    for (var i = t; i < n; i += WG) { pm = max_nan(pm, load(base + i)); }
    shared_val[t] = pm;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s >> 1u) {
      if (t < s) { shared_val[t] = max_nan(shared_val[t], shared_val[t + s]); }
      workgroupBarrier();
    }
    m = shared_val[0];
    workgroupBarrier();
  }
  var p = identity();
  if (OP != OP_LSE || is_finite_f32(m)) {
    for (var i = t; i < n; i += WG) { p = combine(p, load(base + i), i, m); }
  }
  let r = workgroup_merge(p, t);
  if (t == 0u) { out[row] = f32_to_word(finish(r, m, n), OUT_KIND); }
}

@compute @workgroup_size(WG)
fn reduce_serial(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = linear_workgroup(wid, nwg) * WG + lid.x;
  if (row >= params.outer) { return; }
  let n = params.inner;
  let base = row * n;
  var m = 0.0f;
  if (OP == OP_LSE) {
    m = f32_neg_inf();
    for (var i = 0u; i < n; i++) { m = max_nan(m, load(base + i)); }
  }
  var p = identity();
  if (OP != OP_LSE || is_finite_f32(m)) {
    for (var i = 0u; i < n; i++) { p = combine(p, load(base + i), i, m); }
  }
  out[row] = f32_to_word(finish(p, m, n), OUT_KIND);
}
