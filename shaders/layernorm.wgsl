// Layer normalization over the rows of a [rows, cols] float32 view, one workgroup per row with
// tree reductions in workgroup memory (two-pass statistics: mean, then biased variance; epsilon
// inside the square root), and its input gradient
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),  g = dy * gamma, xhat = (x - mean) * rstd;
// with STATS the backprop entry also stores each row's (mean, rstd) for the parameter gradients
// (shaders/layernorm_param_grad.wgsl's column pass).
#include "dtype.wgsl"

struct Params {
  rows: u32,
  cols: u32,
  epsilon: f32,
}

override WG: u32 = 256u;
override STATS: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta_or_dy: array<f32>;  // beta (forward) or dy (backprop)
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats_out: array<vec2<f32>>;  // backprop with STATS

var<workgroup> red0: array<f32, WG>;
var<workgroup> red1: array<f32, WG>;

/** Sum two partials across the workgroup; every invocation gets both totals. */
fn sum2(p0: f32, p1: f32, t: u32) -> vec2<f32> {
  red0[t] = p0;
  red1[t] = p1;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (t < s) {
      red0[t] += red0[t + s];
      red1[t] += red1[t + s];
    }
    workgroupBarrier();
  }
  let r = vec2<f32>(red0[0], red1[0]);
  workgroupBarrier();
  return r;
}

/** Mean and reciprocal standard deviation of the row of x at `base`. */
fn row_stats(base: u32, t: u32) -> vec2<f32> {
  let n = params.cols;
  var s = 0.0f;
  for (var i = t; i < n; i += WG) { s += x[base + i]; }
  let mean = sum2(s, 0.0f, t).x / f32(n);
  var v = 0.0f;
  for (var i = t; i < n; i += WG) {
    let d = x[base + i] - mean;
    v += d * d;
  }
  let variance = sum2(v, 0.0f, t).x / f32(n);
  return vec2<f32>(mean, 1.0f / sqrt(variance + params.epsilon));
}

@compute @workgroup_size(WG)
fn layer_norm(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
              @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = linear_workgroup(wid, nwg);
  if (row >= params.rows) { return; }
  let t = lid.x;
  let n = params.cols;
  let base = row * n;
  let st = row_stats(base, t);
  for (var i = t; i < n; i += WG) {
    out[base + i] = (x[base + i] - st.x) * st.y * gamma[i] + beta_or_dy[i];
  }
}

@compute @workgroup_size(WG)
fn layer_norm_backprop(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                       @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = linear_workgroup(wid, nwg);
  if (row >= params.rows) { return; }
  let t = lid.x;
  let n = params.cols;
  let base = row * n;
  let st = row_stats(base, t);
  if (STATS && t == 0u) { stats_out[row] = st; }
  var sg = 0.0f;
  var sgx = 0.0f;
  for (var i = t; i < n; i += WG) {
    let g = beta_or_dy[base + i] * gamma[i];
    sg += g;
    sgx += g * (x[base + i] - st.x) * st.y;
  }
  let sums = sum2(sg, sgx, t) / f32(n);
  for (var i = t; i < n; i += WG) {
    let xhat = (x[base + i] - st.x) * st.y;
    out[base + i] = st.y * (beta_or_dy[base + i] * gamma[i] - sums.x - xhat * sums.y);
  }
}
