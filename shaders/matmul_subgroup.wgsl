// Batched matMul for CPU adapters with 4-lane subgroups (SwiftShader; loads are gathers): a lane
// holds 8 x 8 outputs; each A quad it loads (row m + lane) is broadcast to the subgroup, so one B
// block serves 8 rows. Bounds, transposes, split blocks, the epilogue and COL_SUMS are matmul_common's.
enable subgroups;
#include "dtype.wgsl"
#include "generated_activation.wgsl"
#include "matmul_common.wgsl"

/** Rows r = A(m+r, k..k+3) of the subgroup's 4x4 A block, each lane having loaded one quad. */
fn shared_a_rows(base: u32, m: u32, k: u32, lane: u32, tail: bool) -> mat4x4<f32> {
  if (TRANS_A) {
    let col = a_col(base, m, k + lane, tail); // A(m..m+3, k+lane)
    return transpose(mat4x4<f32>(subgroupBroadcast(col, 0u), subgroupBroadcast(col, 1u),
                                 subgroupBroadcast(col, 2u), subgroupBroadcast(col, 3u)));
  }
  let row = a_row(base, m + lane, k, tail); // A(m+lane, k..k+3)
  return mat4x4<f32>(subgroupBroadcast(row, 0u), subgroupBroadcast(row, 1u),
                     subgroupBroadcast(row, 2u), subgroupBroadcast(row, 3u));
}

/** One K step of 4: rows m..m+7 x columns n..n+3 and n+16..n+19 (COL_SUMS: cs, those columns' B sums). */
fn subgroup_step(acc00: ptr<function, array<vec4<f32>, 4>>, acc01: ptr<function, array<vec4<f32>, 4>>,
                 acc10: ptr<function, array<vec4<f32>, 4>>, acc11: ptr<function, array<vec4<f32>, 4>>,
                 cs: ptr<function, array<vec4<f32>, 2>>, a_base: u32, b_base: u32, m: u32, n: u32, k: u32, lane: u32, tail: bool) {
  let b0 = b_block(b_base, k, n, tail);
  let b1 = b_block(b_base, k, n + 16u, tail);
  if (COL_SUMS) {
    (*cs)[0] += block_col_sums(b0);
    (*cs)[1] += block_col_sums(b1);
  }
  let ta0 = shared_a_rows(a_base, m, k, lane, tail);
  block_step(acc00, ta0, b0);
  block_step(acc01, ta0, b1);
  let ta1 = shared_a_rows(a_base, m + 4u, k, lane, tail);
  block_step(acc10, ta1, b0);
  block_step(acc11, ta1, b1);
}

// 4 subgroups of 8 x 32 outputs, params.sg_n of them along N. Grid: x N, y M, z batch.
@compute @workgroup_size(16, 1, 1)
fn matmul_subgroup(@builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_id) sg: u32,
                   @builtin(subgroup_invocation_id) lane: u32) {
  let batch = wid.z;
  let a_base = params.a_offset + batch * params.a_batch_stride;
  let b_base = params.b_offset + batch * params.b_batch_stride;
  let sg_n = params.sg_n;
  let m = (wid.y * (4u / sg_n) + sg / sg_n) * 8u;
  let n = (wid.x * sg_n + sg % sg_n) * 32u + lane * 4u;
  var acc00 = array<vec4<f32>, 4>(vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f));
  var acc01 = acc00;
  var acc10 = acc00;
  var acc11 = acc00;
  var cs = array<vec4<f32>, 2>(vec4<f32>(0.0f), vec4<f32>(0.0f));
  // Uniform control flow for subgroupBroadcast: blocks past M or N read clamped copies, store nothing.
  let k_whole = params.K & ~3u;
  for (var k = 0u; k < k_whole; k += 4u) {
    subgroup_step(&acc00, &acc01, &acc10, &acc11, &cs, a_base, b_base, m, n, k, lane, false);
  }
  if (CHECK && k_whole < params.K) {
    subgroup_step(&acc00, &acc01, &acc10, &acc11, &cs, a_base, b_base, m, n, k_whole, lane, true);
  }
  // one store_block call site in a loop: SwiftShader inlines every call, and four copies of the
  // epilogue made this entry 3-4x slower to compile
  let blocks = array<array<vec4<f32>, 4>, 4>(acc00, acc01, acc10, acc11);
  for (var b = 0u; b < 4u; b++) { store_block(blocks[b], batch, m + (b >> 1u) * 4u, n + (b & 1u) * 16u); }
  for (var h = 0u; h < 2u; h++) { store_col_sums(cs[h], m, n + h * 16u); }
}
