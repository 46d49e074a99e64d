// Fused optimizer update: one Adam / AdamW step per element (kernel `adamUpdate`, see
// src/backends/kernels.ts), four elements per invocation through array<vec4<f32>> bindings
// (the buffer pool rounds every buffer up to 16 bytes, so the padding lanes exist and belong to
// the tensor). Two entries share the arithmetic:
//   adam_update         one variable: reads param, grad, m, v and writes the three new tensors;
//   adam_update_packed  several small variables gathered (by buffer copies) into one buffer of
//                       four sections [params | grads | m | v], each `size` elements, writing
//                       [params | m | v] to another: one dispatch for all of them.
//   m' = beta1 m + (1 - beta1) g;  v' = beta2 v + (1 - beta2) g^2
//   w' = (decay != 0 ? w - w * decay : w) - ((m' / bc1) / (sqrt(v' / bc2) + epsilon)) * lr
// The host forms every constant in f64 (1 - beta, decay = lr * weightDecay, bc = 1 - beta^t)
// and packs it as f32.
#include "dtype.wgsl"

struct Params {
  size: u32,              // elements (adam_update_packed: of each section, a multiple of 4)
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

struct AdamStep {
  w: vec4<f32>,
  m: vec4<f32>,
  v: vec4<f32>,
}

/** The update of four elements. */
fn adam_step(w_in: vec4<f32>, g: vec4<f32>, m: vec4<f32>, v: vec4<f32>) -> AdamStep {
  let m2 = params.beta1 * m + params.one_minus_beta1 * g;
  let v2 = params.beta2 * v + params.one_minus_beta2 * (g * g);
  let denom = sqrt4(v2 / params.bias_correction2) + params.epsilon;
  let step = ((m2 / params.bias_correction1) / denom) * params.lr;
  var w = w_in;
  if (params.decay != 0.0f) { w = w - w * params.decay; }
  return AdamStep(w - step, m2, v2);
}

@compute @workgroup_size(WG)
fn adam_update(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
               @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear_workgroup(wid, nwg) * WG + lid.x;
  if (i * 4u >= params.size) { return; }
  let r = adam_step(param[i], grad[i], m_in[i], v_in[i]);
  param_out[i] = r.w;
  m_out[i] = r.m;
  v_out[i] = r.v;
}

@group(0) @binding(1) var<storage, read> packed_in: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> packed_out: array<vec4<f32>>;

@compute @workgroup_size(WG)
fn adam_update_packed(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                      @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear_workgroup(wid, nwg) * WG + lid.x;
  let section = params.size / 4u;
  if (i >= section) { return; }
  let r = adam_step(packed_in[i], packed_in[section + i], packed_in[2u * section + i], packed_in[3u * section + i]);
  packed_out[i] = r.w;
  packed_out[section + i] = r.m;
  packed_out[2u * section + i] = r.v;
}
