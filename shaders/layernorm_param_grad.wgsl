// layerNorm's parameter gradients (kernel `layerNormBackprop` with paramGrads) over [rows, cols]
// views, after the dx pass (shaders/layernorm.wgsl, STATS) stored each row's mean and rstd:
// one invocation per column sums over the rows
//   dgamma[c] = sum_r dy[r, c] * (x[r, c] - mean_r) * rstd_r,  dbeta[c] = sum_r dy[r, c].
#include "dtype.wgsl"

struct Params {
  rows: u32,
  cols: u32,
  epsilon: f32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(5) var<storage, read_write> dbeta: array<f32>;

@compute @workgroup_size(WG)
fn layer_norm_param_grad(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                         @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = linear_workgroup(wid, nwg) * WG + lid.x;
  let n = params.cols;
  if (c >= n) { return; }
  var dg = 0.0f;
  var db = 0.0f;
  for (var r = 0u; r < params.rows; r++) {
    let st = stats[r];
    let g = dy[r * n + c];
    dg += g * ((x[r * n + c] - st.x) * st.y);
    db += g;
  }
  dgamma[c] = dg;
  dbeta[c] = db;
}
