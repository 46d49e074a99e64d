// The quick-to-compile attention tier (specs/attention.ts): one invocation per query row, plain
// scalar loops, no register arrays, no workgroup memory. Causal, mask, KV stride and packed heads are
// uniform params, not override constants, so ONE pipeline serves every float32 attention call and it
// compiles in a fraction of the flash-attention entries' time. The backend records it for a small
// call whose real pipeline (attention.wgsl / attention_subgroup.wgsl) is still compiling
// (DispatchDesc.fallback); the next call uses the real one. Same math in three passes over the keys
// (row max, then probabilities summed into the output row, then the normalisation), so another
// summation order. A row with no visible key (or all scores -Infinity) gives zeros and lse = -Infinity.
#include "math.wgsl"
#include "attention_rows.wgsl"

struct Params {
  bh: u32,
  seq_q: u32,
  seq_k: u32,
  head_dim: u32,
  scale: f32,
  kv_stride: u32, // rows per bh in the k / v buffers
  heads: u32,     // > 0: rows packed as [batch, seq, heads, head_dim] (row_at)
  causal: u32,    // 1: key j visible to query i only if j <= i + seq_k - seq_q
  has_mask: u32,  // 1: add mask[i * seq_k + j] ([seq_q, seq_k], shared by every slice)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> lse: array<f32>;

/** The masked, scaled score of query row qb (element offset) against key j of slice h. */
fn score(h: u32, qi: u32, qb: u32, j: u32) -> f32 {
  let kb = row_at(h, j, params.kv_stride);
  var s = 0.0f;
  for (var d = 0u; d < params.head_dim; d++) { s = fma(q[qb + d], k[kb + d], s); }
  s *= params.scale;
  if (params.has_mask == 1u) { s += mask[qi * params.seq_k + j]; }
  return s;
}

@compute @workgroup_size(64)
fn attention_simple(@builtin(global_invocation_id) gid: vec3<u32>) {
  let qi = gid.x;
  let h = gid.y;
  let seq_q = params.seq_q;
  let seq_k = params.seq_k;
  if (qi >= seq_q || h >= params.bh) { return; }
  var k_end = seq_k;
  if (params.causal == 1u) { k_end = u32(clamp(i32(qi) + i32(seq_k) - i32(seq_q) + 1, 0, i32(seq_k))); }
  let qb = row_at(h, qi, seq_q);
  let o = qb;
  var m = f32_neg_inf();
  for (var j = 0u; j < k_end; j++) {
    let s = score(h, qi, qb, j);
    if (s > m) { m = s; } // a NaN score is not a max (it makes the row NaN below, as in attention.wgsl)
  }
  for (var d = 0u; d < params.head_dim; d++) { out[o + d] = 0.0f; }
  if (m == f32_neg_inf()) {
    lse[h * seq_q + qi] = f32_neg_inf();
    return;
  }
  var l = 0.0f;
  for (var j = 0u; j < k_end; j++) {
    let p = safe_exp(score(h, qi, qb, j) - m);
    l += p;
    let vb = row_at(h, j, params.kv_stride);
    for (var d = 0u; d < params.head_dim; d++) { out[o + d] = fma(p, v[vb + d], out[o + d]); }
  }
  let inv = 1.0f / l;
  for (var d = 0u; d < params.head_dim; d++) { out[o + d] *= inv; }
  lse[h * seq_q + qi] = m + safe_log(l);
}
