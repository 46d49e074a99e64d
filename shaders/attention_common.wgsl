// Shared by shaders/attention.wgsl and shaders/attention_subgroup.wgsl: the attention params,
// bindings, the overrides every entry uses and the zero-padded vec4 readers of q, k and v rows
// (a row starts at row_at(...): with head_dim % 4 == 0, VEC, every row base is a multiple of 4).
#include "math.wgsl"
#include "attention_rows.wgsl"

struct Params {
  bh: u32,
  seq_q: u32,
  seq_k: u32,
  head_dim: u32,
  scale: f32,
  kv_stride: u32, // rows per bh in the k / v buffers (a KV cache's capacity; seq_k otherwise)
  heads: u32,     // > 0: q, k, v, out are [batch, seq, heads, head_dim] (kv_stride = seq_k); rows via row_at
}

override WG: u32 = 64u;       // workgroup size, = BQ * TPR
override D4: u32 = 16u;       // head_dim in vec4s, rounded up (at most 8 * TPR)
override VEC: bool = false;   // head_dim % 4 == 0: rows are aligned vec4 loads
override CAUSAL: bool = false;
override HAS_MASK: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> k: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> v: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> lse: array<f32>;

/** Elements 4*d4 .. 4*d4+3 of the head_dim row starting at element `row`, zero past head_dim. */
fn q4(row: u32, d4: u32) -> vec4<f32> {
  if (VEC) { return q[(row >> 2u) + d4]; }
  var r = vec4<f32>(0.0f);
  for (var c = 0u; c < 4u; c++) {
    let d = d4 * 4u + c;
    if (d < params.head_dim) { let i = row + d; r[c] = q[i >> 2u][i & 3u]; }
  }
  return r;
}
fn k4(row: u32, d4: u32) -> vec4<f32> {
  if (VEC) { return k[(row >> 2u) + d4]; }
  var r = vec4<f32>(0.0f);
  for (var c = 0u; c < 4u; c++) {
    let d = d4 * 4u + c;
    if (d < params.head_dim) { let i = row + d; r[c] = k[i >> 2u][i & 3u]; }
  }
  return r;
}
fn v4(row: u32, d4: u32) -> vec4<f32> {
  if (VEC) { return v[(row >> 2u) + d4]; }
  var r = vec4<f32>(0.0f);
  for (var c = 0u; c < 4u; c++) {
    let d = d4 * 4u + c;
    if (d < params.head_dim) { let i = row + d; r[c] = v[i >> 2u][i & 3u]; }
  }
  return r;
}

