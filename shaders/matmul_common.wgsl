// Shared body of the matMul shaders (matmul.wgsl, matmul_subgroup.wgsl): the Params struct,
// override constants and bindings, the branch-free 4x4 block loads of A and B (any transpose,
// quad or scalar loads, clamped edges with CHECK), the register-block step and the epilogue
// store (bias, residual add, activation). The including file adds its entry points (and workgroup sizes).
#include "float16_words.wgsl"
struct Params {
  M: u32,
  N: u32,
  K: u32,
  a_batch_stride: u32,
  b_batch_stride: u32,
  bias_size: u32,
  prelu_size: u32,
  alpha: f32,
  lda: u32,            // row stride of A as stored (K, or M when transposed)
  ldb: u32,            // row stride of B as stored (N, or K when transposed)
  ldc: u32,            // row stride of the output (the full N)
  a_offset: u32,
  b_offset: u32,
  c_offset: u32,
  c_batch_stride: u32, // the full M * N
  bias_offset: u32,    // added to n for bias / prelu reads (the block's first column)
  prelu_offset: u32,
  accumulate: u32,     // 1: add the partial sums already in the output (a later K block)
  epilogue: u32,       // 1: this is the last K block: bias, residual, activation, output dtype
  r_offset: u32,       // the block's first output element inside the bound residual range
  sg_n: u32,           // matmul_subgroup: subgroups along N
}

override TRANS_A: bool = false;
override TRANS_B: bool = false;
override VEC_A: bool = false;  // A's contiguous dim and batch stride are multiples of 4
override VEC_B: bool = false;
override CHECK: bool = true;   // bounds checks needed (dims not multiples of the tile)
override A_INT: bool = false;
override B_INT: bool = false;
override B_HALF: bool = false; // B holds float16 pairs (float16_words.wgsl)
override OUT_KIND: u32 = 0u;
override HAS_BIAS: bool = false;
override ACT: u32 = 0u;
override RESIDUAL: u32 = 0u;   // + r (float32, the output's layout): 0 none, 1 before the activation, 2 after
// Also write sum over k of B(k, n) (a weight gradient's bias gradient; one K block, batch 1): the
// invocations owning rows 0..3 of C add up the B blocks they load anyway and store them.
override COL_SUMS: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> bias: array<u32>;
@group(0) @binding(4) var<storage, read> prelu: array<u32>;
@group(0) @binding(5) var<storage, read_write> out: array<u32>;
@group(0) @binding(6) var<storage, read> residual: array<u32>;
@group(0) @binding(7) var<storage, read_write> col_sums: array<u32>;

/**
 * 4 consecutive words of A along its contiguous dim (row `outer` as stored, columns inner..inner+3).
 * With CHECK the columns are clamped into [0, inner_dim): no branch, the loads stay in bounds, and
 * the copies they make past the edge land in rows or columns of C that are never stored (or, along
 * K, are zeroed by the caller).
 */
fn a_row4(base: u32, outer: u32, inner: u32, inner_dim: u32) -> vec4<f32> {
  let row = base + outer * params.lda;
  if (VEC_A) {
    // inner_dim % 4 == 0 here, so a clamped quad start stays aligned
    let s = row + select(inner, min(inner, inner_dim - 4u), CHECK);
    return word4_to_f32(a[s >> 2u], A_INT);
  }
  var i = vec4<u32>(inner) + vec4<u32>(0u, 1u, 2u, 3u);
  if (CHECK) { i = min(i, vec4<u32>(inner_dim - 1u)); }
  let s = vec4<u32>(row) + i;
  return word4_to_f32(vec4<u32>(a[s.x >> 2u][s.x & 3u], a[s.y >> 2u][s.y & 3u],
                                a[s.z >> 2u][s.z & 3u], a[s.w >> 2u][s.w & 3u]), A_INT);
}

fn b_row4(base: u32, outer: u32, inner: u32, inner_dim: u32) -> vec4<f32> {
  let row = base + outer * params.ldb;
  if (B_HALF) { return b_half_row4(row, inner, inner_dim); }
  if (VEC_B) {
    let s = row + select(inner, min(inner, inner_dim - 4u), CHECK);
    return word4_to_f32(b[s >> 2u], B_INT);
  }
  var i = vec4<u32>(inner) + vec4<u32>(0u, 1u, 2u, 3u);
  if (CHECK) { i = min(i, vec4<u32>(inner_dim - 1u)); }
  let s = vec4<u32>(row) + i;
  return word4_to_f32(vec4<u32>(b[s.x >> 2u][s.x & 3u], b[s.y >> 2u][s.y & 3u],
                                b[s.z >> 2u][s.z & 3u], b[s.w >> 2u][s.w & 3u]), B_INT);
}

/** b_row4 of float16 pairs (B_HALF). */
fn b_half_row4(row: u32, inner: u32, inner_dim: u32) -> vec4<f32> {
  if (VEC_B) {
    let s = row + select(inner, min(inner, inner_dim - 4u), CHECK);
    return half_quad(b[s >> 3u], s >> 2u);
  }
  var i = vec4<u32>(inner) + vec4<u32>(0u, 1u, 2u, 3u);
  if (CHECK) { i = min(i, vec4<u32>(inner_dim - 1u)); }
  let s = vec4<u32>(row) + i;
  return vec4<f32>(half_in(b[s.x >> 3u], s.x), half_in(b[s.y >> 3u], s.y), half_in(b[s.z >> 3u], s.z), half_in(b[s.w >> 3u], s.w));
}

/** Row `r` of M or N clamped into the matrix (CHECK). */
fn clamp_to(r: u32, dim: u32) -> u32 { return select(r, min(r, dim - 1u), CHECK); }

/** Zero where step k of the K loop is past K (`tail`: the last, partial step of the loop). */
fn keep_k(v: vec4<f32>, k: u32, tail: bool) -> vec4<f32> { return select(v, vec4<f32>(0.0f), tail && k >= params.K); }
fn keep_k4(v: vec4<f32>, k: u32, tail: bool) -> vec4<f32> {
  return select(v, vec4<f32>(0.0f), vec4<bool>(tail) & (vec4<u32>(k) + vec4<u32>(0u, 1u, 2u, 3u) >= vec4<u32>(params.K)));
}

/** A(m..m+3, kk) from stored [K, M] (TRANS_A). */
fn a_col(base: u32, m: u32, kk: u32, tail: bool) -> vec4<f32> {
  let row = select(kk, min(kk, params.K - 1u), tail);
  return keep_k(a_row4(base, row, m, params.M), kk, tail);
}
/** A(mm, k..k+3) from stored [M, K]. */
fn a_row(base: u32, mm: u32, k: u32, tail: bool) -> vec4<f32> {
  return keep_k4(a_row4(base, clamp_to(mm, params.M), k, params.K), k, tail);
}

/** Column j = A(m..m+3, k+j). `tail`: k + 3 may pass K (those columns are zero). */
fn a_block(base: u32, m: u32, k: u32, tail: bool) -> mat4x4<f32> {
  if (TRANS_A) {
    return mat4x4<f32>(a_col(base, m, k, tail), a_col(base, m, k + 1u, tail),
                       a_col(base, m, k + 2u, tail), a_col(base, m, k + 3u, tail));
  }
  return transpose(mat4x4<f32>(a_row(base, m, k, tail), a_row(base, m + 1u, k, tail),
                               a_row(base, m + 2u, k, tail), a_row(base, m + 3u, k, tail)));
}

/** B(kk, n..n+3) from stored [K, N]. */
fn b_row(base: u32, n: u32, kk: u32, tail: bool) -> vec4<f32> {
  let row = select(kk, min(kk, params.K - 1u), tail);
  return keep_k(b_row4(base, row, n, params.N), kk, tail);
}
/** B(k..k+3, nn) from stored [N, K] (TRANS_B). */
fn b_col(base: u32, nn: u32, k: u32, tail: bool) -> vec4<f32> {
  return keep_k4(b_row4(base, clamp_to(nn, params.N), k, params.K), k, tail);
}

/** Column j = B(k+j, n..n+3). `tail` as for a_block. */
fn b_block(base: u32, k: u32, n: u32, tail: bool) -> mat4x4<f32> {
  if (TRANS_B) {
    return transpose(mat4x4<f32>(b_col(base, n, k, tail), b_col(base, n + 1u, k, tail),
                                 b_col(base, n + 2u, k, tail), b_col(base, n + 3u, k, tail)));
  }
  return mat4x4<f32>(b_row(base, n, k, tail), b_row(base, n, k + 1u, tail),
                     b_row(base, n, k + 2u, tail), b_row(base, n, k + 3u, tail));
}

/** Bias, residual and activation of the value at column n, output element `at` (KernelAttrs.matMul order). */
fn epilogue_value(v: f32, n: u32, at: u32) -> f32 {
  var r = v;
  let float_out = OUT_KIND == KIND_FLOAT;
  if (HAS_BIAS) { r += word_to_f32(bias[select(n + params.bias_offset, 0u, params.bias_size == 1u)], !float_out); }
  var res = 0.0f;
  if (RESIDUAL != 0u) { res = bitcast<f32>(residual[at - params.c_offset + params.r_offset]); }
  if (RESIDUAL == 1u) { r += res; }
  var w = 0.0f;
  if (ACT == 5u) { w = word_to_f32(prelu[select(n + params.prelu_offset, 0u, params.prelu_size == 1u)], !float_out); }
  let y = apply_activation(ACT, r, params.alpha, w);
  if (RESIDUAL == 2u) { return y + res; }
  return y;
}

/** Write rows m..m+3, columns n..n+3 of batch `batch` (clipped to M x N). */
fn store_block(acc: array<vec4<f32>, 4>, batch: u32, m: u32, n: u32) {
  let M = params.M;
  let N = params.N;
  let out_base = params.c_offset + batch * params.c_batch_stride;
  for (var r = 0u; r < 4u; r++) {
    if (m + r < M) {
      for (var c = 0u; c < 4u; c++) {
        if (n + c < N) {
          let at = out_base + (m + r) * params.ldc + n + c;
          var v = acc[r][c];
          if (params.accumulate != 0u) { v += bitcast<f32>(out[at]); }
          if (params.epilogue != 0u) { out[at] = f32_to_word(epilogue_value(v, n + c, at), OUT_KIND); }
          else { out[at] = bitcast<u32>(v); }
        }
      }
    }
  }
}

/** The K blocks' partial sums: C(m..m+3, n..n+3) += A(m.., k..k+3) B(k..k+3, n..) given the A rows. */
fn block_step(acc: ptr<function, array<vec4<f32>, 4>>, ta: mat4x4<f32>, bb: mat4x4<f32>) {
  (*acc)[0] += bb * ta[0];
  (*acc)[1] += bb * ta[1];
  (*acc)[2] += bb * ta[2];
  (*acc)[3] += bb * ta[3];
}

/** Sum over the 4 K rows of a B block (column j = B(k+j, n..n+3)): the block's part of the column sums. */
fn block_col_sums(bb: mat4x4<f32>) -> vec4<f32> { return (bb[0] + bb[1]) + (bb[2] + bb[3]); }

/** COL_SUMS: the invocation owning rows m..m+3 with m = 0 stores the sums of columns n..n+3 (clipped to N). */
fn store_col_sums(cs: vec4<f32>, m: u32, n: u32) {
  if (COL_SUMS && m == 0u) {
    for (var c = 0u; c < 4u; c++) {
      if (n + c < params.N) { col_sums[n + c] = bitcast<u32>(cs[c]); }
    }
  }
}
