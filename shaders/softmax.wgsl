// Softmax / logSoftmax along the rows of a [rows, cols] float32 matrix, one workgroup per row:
// a tree max, then a tree sum of exp(x - max), then the normalized write. WG is picked by the
// spec (wide on GPUs, a few invocations on CPU adapters where each barrier is a context switch).
// Subtracting the max keeps logits of +-1000 finite; NaN anywhere in a row makes that row NaN,
// as in the js reference.
#include "math.wgsl"
#include "dtype.wgsl"

struct Params {
  rows: u32,
  cols: u32,
}

override WG: u32 = 256u;
override LOG: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> scratch: array<f32, WG>;

// Tree reductions of one value per invocation over the workgroup (every invocation gets the result).
fn workgroup_max(t: u32, v: f32) -> f32 {
  scratch[t] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (t < s) { scratch[t] = max_nan(scratch[t], scratch[t + s]); }
    workgroupBarrier();
  }
  let r = scratch[0];
  workgroupBarrier(); // scratch is written again by the next reduction
  return r;
}

fn workgroup_sum(t: u32, v: f32) -> f32 {
  scratch[t] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (t < s) { scratch[t] = scratch[t] + scratch[t + s]; }
    workgroupBarrier();
  }
  return scratch[0];
}

@compute @workgroup_size(WG)
fn softmax(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
           @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = linear_workgroup(wid, nwg);
  if (row >= params.rows) { return; }
  let t = lid.x;
  let n = params.cols;
  let base = row * n;

  var m = f32_neg_inf();
  for (var i = t; i < n; i += WG) { m = max_nan(m, logits[base + i]); }
  m = workgroup_max(t, m);

  // exp(x - m) is written to out (softmax) so the last pass only rescales; each invocation
  // reads back only the columns it wrote, so no barrier is needed between the two.
  var sum = 0.0f;
  for (var i = t; i < n; i += WG) {
    let e = safe_exp(logits[base + i] - m);
    if (!LOG) { out[base + i] = e; }
    sum += e;
  }
  sum = workgroup_sum(t, sum);

  let log_sum = safe_log(sum);
  for (var i = t; i < n; i += WG) {
    if (LOG) { out[base + i] = (logits[base + i] - m) - log_sum; } else { out[base + i] = out[base + i] / sum; }
  }
}

// The same three passes over vec4s, for rows whose width is a multiple of 4 (the spec picks it):
// a quarter of the loads, stores and loop steps, which is what CPU adapters pay most for.
@group(0) @binding(1) var<storage, read> logits4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out4: array<vec4<f32>>;

fn max_nan4(a: vec4<f32>) -> f32 { return max_nan(max_nan(a.x, a.y), max_nan(a.z, a.w)); }
fn safe_exp4(d: vec4<f32>) -> vec4<f32> { return vec4<f32>(safe_exp(d.x), safe_exp(d.y), safe_exp(d.z), safe_exp(d.w)); }

@compute @workgroup_size(WG)
fn softmax_vec4(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = linear_workgroup(wid, nwg);
  if (row >= params.rows) { return; }
  let t = lid.x;
  let n = params.cols / 4u;
  let base = row * n;

  var m = f32_neg_inf();
  for (var i = t; i < n; i += WG) { m = max_nan(m, max_nan4(logits4[base + i])); }
  m = workgroup_max(t, m);

  var sum = 0.0f;
  for (var i = t; i < n; i += WG) {
    let e = safe_exp4(logits4[base + i] - vec4<f32>(m));
    if (!LOG) { out4[base + i] = e; }
    sum += (e.x + e.y) + (e.z + e.w);
  }
  sum = workgroup_sum(t, sum);

  let log_sum = safe_log(sum);
  for (var i = t; i < n; i += WG) {
    if (LOG) {
      out4[base + i] = (logits4[base + i] - vec4<f32>(m)) - vec4<f32>(log_sum);
    } else {
      out4[base + i] = out4[base + i] / sum;
    }
  }
}
