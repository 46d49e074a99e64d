// The quick-to-compile matMul tier (specs/matmul_simple.ts): one output element per invocation,
// a plain loop over K. Transposes, batch strides, bias, activation and the residual add are
// uniform params, not override constants, so ONE pipeline serves every float32 matMul and it
// compiles in a fraction of the tiled / register-blocked pipelines' time. The backend records it
// for a small matMul whose real pipeline (shaders/matmul.wgsl) is still compiling (DispatchDesc
// .fallback); the next call uses the real one. Same math, another summation order.
#include "generated_activation.wgsl"

// 0: the activation is linear or relu; 1: any (not prelu). SwiftShader inlines all of
// apply_activation's cases (gelu, tanh, elu, sigmoid): 3-4x the compile time of the rest, so
// a module that needs none of them leaves them out (a `//@fold` switch, see preprocess.ts).
override ACT_SET: u32 = 0u;

struct Params {
  M: u32,
  N: u32,
  K: u32,
  a_batch_stride: u32,
  b_batch_stride: u32,
  trans_a: u32,
  trans_b: u32,
  bias_size: u32,  // 0: no bias, 1: one value, else N
  act: u32,        // Activation code (not prelu)
  alpha: f32,
  residual: u32,   // 0 none, 1 added before the activation, 2 after
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read> residual: array<f32>;

@compute @workgroup_size(8, 8, 1)
fn matmul_simple(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  let m = gid.y;
  let batch = gid.z;
  if (m >= params.M || n >= params.N) { return; }
  // A(m, k) and B(k, n) as stored ([M, K] or [K, M]; [K, N] or [N, K]), stepping along k
  let ta = params.trans_a != 0u;
  let tb = params.trans_b != 0u;
  var ia = batch * params.a_batch_stride + select(m * params.K, m, ta);
  var ib = batch * params.b_batch_stride + select(n, n * params.K, tb);
  let sa = select(1u, params.M, ta);
  let sb = select(params.N, 1u, tb);
  var acc = 0.0f;
  for (var k = 0u; k < params.K; k++) {
    acc += a[ia] * b[ib];
    ia += sa;
    ib += sb;
  }
  if (params.bias_size != 0u) { acc += bias[select(n, 0u, params.bias_size == 1u)]; }
  let at = (batch * params.M + m) * params.N + n;
  var res = 0.0f;
  if (params.residual != 0u) { res = residual[at]; }
  if (params.residual == 1u) { acc += res; }
  var y = activate(acc);
  if (params.residual == 2u) { y += res; }
  out[at] = y;
}

fn activate(x: f32) -> f32 {
  //@fold ACT_SET
  switch ACT_SET {
    case 0u: { return select(x, select(max(x, 0.0f), x, is_nan_f32(x)), params.act == 1u); } // linear, relu (as apply_activation)
    case 1u: { return apply_activation(params.act, x, params.alpha, 0.0f); }
    default: { return x; }
  }
}
