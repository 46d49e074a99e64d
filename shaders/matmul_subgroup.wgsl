// Batched matMul for CPU adapters with 4-wide subgroups (SwiftShader runs 4 invocations as the
// lanes of one SIMD register): 4x4 register blocks per invocation as in matmul_direct, but
// the 4 lanes of a subgroup own 4 neighbouring column blocks of the same 4 rows, so each lane
// loads one quad of A (row m + lane, or column k + lane when transposed) and subgroupBroadcast
// hands all four to every lane: 4 + 16 loads per K step of 4 instead of 16 + 16. Where loads
// are gathers (SwiftShader) that is ~1.6x faster on matMul 256^3. The host uses it only when the
// device has the `subgroups` feature with a fixed subgroup size of 4 and the `subgroup_id`
// builtin; bounds, transposes, blocks past one binding and the epilogue are matmul_common's.
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

/** One K step of 4 for the lane's four blocks: rows m..m+3 and m+4..m+7, columns n.. and n+16... */
fn subgroup_step(acc00: ptr<function, array<vec4<f32>, 4>>, acc01: ptr<function, array<vec4<f32>, 4>>,
                 acc10: ptr<function, array<vec4<f32>, 4>>, acc11: ptr<function, array<vec4<f32>, 4>>,
                 a_base: u32, b_base: u32, m: u32, n: u32, k: u32, lane: u32, tail: bool) {
  let b0 = b_block(b_base, k, n, tail);
  let b1 = b_block(b_base, k, n + 16u, tail);
  let ta0 = shared_a_rows(a_base, m, k, lane, tail);
  block_step(acc00, ta0, b0);
  block_step(acc01, ta0, b1);
  let ta1 = shared_a_rows(a_base, m + 4u, k, lane, tail);
  block_step(acc10, ta1, b0);
  block_step(acc11, ta1, b1);
}

// Each lane holds four 4x4 blocks: rows m..m+7 (two broadcast A blocks) x columns n..n+3 and
// n+16..n+19, so one B block load serves 8 rows and one A quad 8 columns (~1.3x faster than two
// blocks per lane on 256^3 and 1024x256 @ 256x2048, 2x on 1 x 1024 x 1024; bench/matmul_ladder.md).
// A subgroup covers 8 x 32 outputs; the workgroup's 4 subgroups stand params.sg_n (1, 2 or 4)
// along N, the rest along M, so the host fits the workgroup tile (32 / sg_n rows x 32 sg_n
// columns) to the shape without another pipeline. Grid: x over N, y over M, z batch.
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
  // Control flow stays uniform (every lane runs every step; blocks past M or N read clamped
  // copies and store nothing), as subgroupBroadcast requires.
  let k_whole = params.K & ~3u;
  for (var k = 0u; k < k_whole; k += 4u) {
    subgroup_step(&acc00, &acc01, &acc10, &acc11, a_base, b_base, m, n, k, lane, false);
  }
  if (CHECK && k_whole < params.K) {
    subgroup_step(&acc00, &acc01, &acc10, &acc11, a_base, b_base, m, n, k_whole, lane, true);
  }
  store_block(acc00, batch, m, n);
  store_block(acc01, batch, m, n + 16u);
  store_block(acc10, batch, m + 4u, n);
  store_block(acc11, batch, m + 4u, n + 16u);
}
