// Fused optimizer update: one Adam / AdamW step per element (kernel `adamUpdate`, see
// src/backends/kernels.ts), four elements per invocation through array<vec4<f32>> bindings
// (the buffer pool rounds every buffer up to 16 bytes, so the padding lanes exist and belong to
// the tensor). One dispatch reads param, grad, m, v and writes the three new tensors:
//   m' = beta1 m + (1 - beta1) g;  v' = beta2 v + (1 - beta2) g^2
//   w' = (decay != 0 ? w - w * decay : w) - ((m' / bc1) / (sqrt(v' / bc2) + epsilon)) * lr
// The host forms every constant in f64 (1 - beta, decay = lr * weightDecay, bc = 1 - beta^t)
// and packs it as f32.
#include "dtype.wgsl"

struct Params {
  size: u32,              // elements
  lr: f32,
  beta1: f32,
  one_minus_beta1: f32,
  beta2: f32,
  one_minus_beta2: f32,
  epsilon: f32,
  bias_correction1: f32,  // 1 - beta1^t
  bias_correction2: f32,  // 1 - beta2^t
  decay: f32,             // lr * weightDecay (AdamW); 0 for Adam
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> param: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> grad: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> m_in: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> v_in: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> param_out: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> m_out: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read_write> v_out: array<vec4<f32>>;

/** sqrt per lane with IEEE results at +Infinity and NaN (plain sqrt leaves them undefined). */
fn sqrt4(x: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(safe_sqrt(x.x), safe_sqrt(x.y), safe_sqrt(x.z), safe_sqrt(x.w));
}

@compute @workgroup_size(WG)
fn adam_update(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
               @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear_workgroup(wid, nwg) * WG + lid.x;
  if (i * 4u >= params.size) { return; }
  let g = grad[i];
  let m2 = params.beta1 * m_in[i] + params.one_minus_beta1 * g;
  let v2 = params.beta2 * v_in[i] + params.one_minus_beta2 * (g * g);
  let denom = sqrt4(v2 / params.bias_correction2) + params.epsilon;
  let step = ((m2 / params.bias_correction1) / denom) * params.lr;
  var w = param[i];
  if (params.decay != 0.0f) { w = w - w * params.decay; }
  param_out[i] = w - step;
  m_out[i] = m2;
  v_out[i] = v2;
}
