// The gradient of unmasked scaled-dot-product attention (kernel `attentionGrad`), two dispatches
// over the same bindings, one invocation per row, recomputing the probabilities from the saved
// lse instead of storing the [bh, seqQ, seqK] scores:
//   P = exp(scale * q.k - max(lse, -1e30))  (0 where causal hides key j: j > i + seqK - seqQ)
//   delta_i = dO_i . out_i,  dS = P * (dO_i . v_j - delta_i)
// `attention_grad_q`: one query row i: dQ_i = scale * sum_j dS_ij k_j   (grad_a = dQ)
// `attention_grad_kv`: one key row j: dK_j = scale * sum_i dS_ij q_i, dV_j = sum_i P_ij dO_i
//   (grad_a = dK, grad_b = dV). Both sum their dot products in the same order, so they agree on P.
// headDim <= MAX_D: the row of each operand an invocation reuses stays in registers. Rows are
// [bh, seq, head_dim], or with heads > 0 [batch, seq, heads, head_dim] (lse stays [bh, seq_q]).
#include "math.wgsl"
#include "attention_rows.wgsl"

struct Params {
  bh: u32,
  seq_q: u32,
  seq_k: u32,
  head_dim: u32,
  scale: f32,
  heads: u32,
}

override WG: u32 = 32u;
override CAUSAL: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> out: array<f32>;
@group(0) @binding(5) var<storage, read> lse: array<f32>;
@group(0) @binding(6) var<storage, read> d_out: array<f32>;
@group(0) @binding(7) var<storage, read_write> grad_a: array<f32>;
@group(0) @binding(8) var<storage, read_write> grad_b: array<f32>;

const MAX_D: u32 = 128u;


/** lse of query row r of slice h, clamped so a row with no visible key gives P = 0, not NaN. */
fn row_lse(h: u32, r: u32) -> f32 {
  return max(lse[h * params.seq_q + r], -1e30f);
}

@compute @workgroup_size(WG)
fn attention_grad_q(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let i = wid.x * WG + lid.x;
  let h = wid.y;
  let seq_q = params.seq_q;
  let seq_k = params.seq_k;
  let D = params.head_dim;
  if (i >= seq_q) { return; }
  let qb = row_at(h, i, seq_q);
  var qr: array<f32, MAX_D>;
  var dor: array<f32, MAX_D>;
  var acc: array<f32, MAX_D>;
  var delta = 0.0f;
  for (var d = 0u; d < D; d++) {
    qr[d] = q[qb + d];
    dor[d] = d_out[qb + d];
    delta += dor[d] * out[qb + d];
    acc[d] = 0.0f;
  }
  let l = row_lse(h, i);
  var k_end = seq_k;
  if (CAUSAL) { k_end = u32(clamp(i32(i) + i32(seq_k) - i32(seq_q) + 1, 0, i32(seq_k))); }
  for (var j = 0u; j < k_end; j++) {
    let kb = row_at(h, j, seq_k);
    var s = 0.0f;
    var dp = 0.0f;
    for (var d = 0u; d < D; d++) {
      s += qr[d] * k[kb + d];
      dp += dor[d] * v[kb + d];
    }
    let p = safe_exp(params.scale * s - l);
    let ds = p * (dp - delta);
    for (var d = 0u; d < D; d++) { acc[d] += ds * k[kb + d]; }
  }
  for (var d = 0u; d < D; d++) { grad_a[qb + d] = params.scale * acc[d]; }
}

@compute @workgroup_size(WG)
fn attention_grad_kv(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let j = wid.x * WG + lid.x;
  let h = wid.y;
  let seq_q = params.seq_q;
  let seq_k = params.seq_k;
  let D = params.head_dim;
  if (j >= seq_k) { return; }
  let kb = row_at(h, j, seq_k);
  var kr: array<f32, MAX_D>;
  var vr: array<f32, MAX_D>;
  var dk: array<f32, MAX_D>;
  var dv: array<f32, MAX_D>;
  for (var d = 0u; d < D; d++) {
    kr[d] = k[kb + d];
    vr[d] = v[kb + d];
    dk[d] = 0.0f;
    dv[d] = 0.0f;
  }
  // causal: query i sees key j iff j <= i + seq_k - seq_q
  var i0 = 0u;
  if (CAUSAL) { i0 = u32(max(i32(j) - i32(seq_k) + i32(seq_q), 0)); }
  for (var i = i0; i < seq_q; i++) {
    let qb = row_at(h, i, seq_q);
    var s = 0.0f;
    var dp = 0.0f;
    var delta = 0.0f;
    for (var d = 0u; d < D; d++) {
      let g = d_out[qb + d];
      s += q[qb + d] * kr[d];
      dp += g * vr[d];
      delta += g * out[qb + d];
    }
    let p = safe_exp(params.scale * s - row_lse(h, i));
    let ds = p * (dp - delta);
    for (var d = 0u; d < D; d++) {
      dv[d] += p * d_out[qb + d];
      dk[d] += ds * q[qb + d];
    }
  }
  for (var d = 0u; d < D; d++) {
    grad_a[kb + d] = params.scale * dk[d];
    grad_b[kb + d] = dv[d];
  }
}
