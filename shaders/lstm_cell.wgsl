// The fused LSTM cell (kernels `lstmCell` and `lstmCellGrad`, see src/backends/kernels.ts): one
// invocation per element (b, j) of [batch, units], reading the four gate preactivations
// z[b, k*units + j] (blocks i, f, c, o). Forward: c = f*cPrev + i*tanh(zc), h = o*tanh(c).
// Backward recomputes the gates from z and cPrev and writes dz (four blocks) and dcPrev; an absent
// dh / dc (has_dh / has_dc = 0) is zero and its binding aliases z. The forward binds no dh / dc.
#include "dtype.wgsl"

struct Params {
  batch: u32,
  units: u32,
  rec_act: u32,  // 0 hardSigmoid, 1 sigmoid
  has_dh: u32,
  has_dc: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read> c_prev: array<f32>;
@group(0) @binding(3) var<storage, read_write> out0: array<f32>;  // h, or dz
@group(0) @binding(4) var<storage, read_write> out1: array<f32>;  // c, or dcPrev
@group(0) @binding(5) var<storage, read> dh: array<f32>;  // backward only (absent: aliases z)
@group(0) @binding(6) var<storage, read> dc: array<f32>;  // backward only (absent: aliases z)

fn rec_act(x: f32) -> f32 {
  if (params.rec_act == 0u) { return clamp(0.2f * x + 0.5f, 0.0f, 1.0f); }
  return sigmoid_f32(x);
}

fn rec_act_grad(x: f32, r: f32) -> f32 {
  if (params.rec_act == 0u) { return select(0.0f, 0.2f, x > -2.5f && x < 2.5f); }
  return r * (1.0f - r);
}

/** Element k = b*units + j -> index of gate block 0 in z. */
fn gate_base(k: u32) -> u32 {
  let b = k / params.units;
  return b * 4u * params.units + (k - b * params.units);
}

@compute @workgroup_size(WG)
fn lstm_cell(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
             @builtin(num_workgroups) nwg: vec3<u32>) {
  let k = linear_workgroup(wid, nwg) * WG + lid.x;
  if (k >= params.batch * params.units) { return; }
  let u = params.units;
  let zb = gate_base(k);
  let i = rec_act(z[zb]);
  let f = rec_act(z[zb + u]);
  let g = tanh_f32(z[zb + 2u * u]);
  let o = rec_act(z[zb + 3u * u]);
  let c = f * c_prev[k] + i * g;
  out1[k] = c;
  out0[k] = o * tanh_f32(c);
}

@compute @workgroup_size(WG)
fn lstm_cell_grad(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let k = linear_workgroup(wid, nwg) * WG + lid.x;
  if (k >= params.batch * params.units) { return; }
  let u = params.units;
  let zb = gate_base(k);
  let zi = z[zb];
  let zf = z[zb + u];
  let zc = z[zb + 2u * u];
  let zo = z[zb + 3u * u];
  let i = rec_act(zi);
  let f = rec_act(zf);
  let g = tanh_f32(zc);
  let o = rec_act(zo);
  let cp = c_prev[k];
  let t = tanh_f32(f * cp + i * g);
  var dhk = 0.0f;
  if (params.has_dh != 0u) { dhk = dh[k]; }
  var dct = dhk * o * (1.0f - t * t);
  if (params.has_dc != 0u) { dct = dc[k] + dct; }
  out0[zb] = dct * g * rec_act_grad(zi, i);
  out0[zb + u] = dct * cp * rec_act_grad(zf, f);
  out0[zb + 2u * u] = dct * i * (1.0f - g * g);
  out0[zb + 3u * u] = dhk * t * rec_act_grad(zo, o);
  out1[k] = dct * f;
}
