// Template of the recorded plan's fused elementwise kernel (src/plan/fuse.ts,
// specs/fused_elementwise.ts). One invocation computes element i of a chain of float32
// unary/binary table ops held in registers. The generator keeps one entry section and fills:
//   @BINDINGS: `in{j}: array<f32>` (read) for each input, then `out{k}` (read_write) per output;
//   @STEPS: per table op a function `fn step{r}(x, alpha, beta)` / `fn step{r}(a, b)` whose body
//           is the row's WGSL expression (RED_OP, store_reduced with a reduction), and per
//           instruction one line of `element` (which returns the reduced register).
// Input j is read at (first + i) % period(j) (scalar or trailing-dims broadcast), or at i when its
// period is 0 (a whole input, bound by range like the outputs when a call is split).
// fused_rows (a chain ending in a reduction): a workgroup per row; invocation t folds elements
// t, t + WG, .. then a fixed tree (a deterministic order).
#include "math.wgsl"
#include "elementwise_math.wgsl"

struct Params {
  size: u32,                       // elements this dispatch computes
  first: u32,                      // flat index of its first element (a call split over bindings)
  periods: array<vec4<u32>, 2>,    // per input: read index i % period
  consts0: array<vec4<u32>, 2>,    // alpha / beta of the unary steps, as f32 bits (32 in all)
  consts1: array<vec4<u32>, 2>,
  consts2: array<vec4<u32>, 2>,
  consts3: array<vec4<u32>, 2>,
  inner: u32,                      // fused_rows: row length
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
//@BINDINGS

fn period(j: u32) -> u32 { return params.periods[j >> 2u][j & 3u]; }
fn at(j: u32, i: u32) -> u32 {
  let p = period(j);
  return select((params.first + i) % p, i, p == 0u);
}

fn konst(c: u32) -> f32 {
  let w = c & 7u;
  var v: array<vec4<u32>, 2>;
  switch c >> 3u {
    case 0u: { v = params.consts0; }
    case 1u: { v = params.consts1; }
    case 2u: { v = params.consts2; }
    default: { v = params.consts3; }
  }
  return bitcast<f32>(v[w >> 2u][w & 3u]);
}

//@STEPS

fn element(i: u32) -> f32 {
  //@BODY
}

//@ELEMENTS_BEGIN
@compute @workgroup_size(WG)
fn fused(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
         @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid.x;
  if (i >= params.size) { return; }
  _ = element(i);
}
//@ELEMENTS_END

//@ROWS_BEGIN
var<workgroup> partials: array<f32, WG>;

// Reduce codes: 0 sum, 1 mean, 2 max, 3 min (NaN propagates)
fn fold(acc: f32, v: f32) -> f32 {
  switch RED_OP {
    case 2u: { return max_nan(acc, v); }
    case 3u: { return min_nan(acc, v); }
    default: { return acc + v; }
  }
}

@compute @workgroup_size(WG)
fn fused_rows(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
              @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= params.size) { return; }
  let t = lid.x;
  let n = params.inner;
  var acc = 0.0f;
  if (RED_OP == 2u) { acc = f32_neg_inf(); }
  if (RED_OP == 3u) { acc = f32_inf(); }
  for (var c = t; c < n; c += WG) { acc = fold(acc, element(row * n + c)); }
  partials[t] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (t < s) { partials[t] = fold(partials[t], partials[t + s]); }
    workgroupBarrier();
  }
  if (t == 0u) { store_reduced(row, select(partials[0], partials[0] / f32(n), RED_OP == 1u)); }
}
//@ROWS_END
