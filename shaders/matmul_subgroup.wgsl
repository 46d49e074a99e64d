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

fn subgroup_step(acc0: ptr<function, array<vec4<f32>, 4>>, acc1: ptr<function, array<vec4<f32>, 4>>, a_base: u32,
                 b_base: u32, m: u32, n: u32, k: u32, lane: u32, tail: bool) {
  let ta = shared_a_rows(a_base, m, k, lane, tail);
  block_step(acc0, ta, b_block(b_base, k, n, tail));
  block_step(acc1, ta, b_block(b_base, k, n + 16u, tail));
}

// A workgroup is 4 subgroups stacked along M: 16 rows x 32 columns of C. Each lane holds two
// 4x4 blocks 16 columns apart (columns n..n+3 and n+16..n+19), both fed by the same broadcast A
// rows: half the A loads and broadcasts per product of the 4x4-per-lane form, ~1.2x faster on
// matMul 1024x256 @ 256x2048 (bench/matmul_ladder.md). Grid: x over N / 32, y over M / 16, z batch.
@compute @workgroup_size(16, 1, 1)
fn matmul_subgroup(@builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_id) sg: u32,
                   @builtin(subgroup_invocation_id) lane: u32) {
  let batch = wid.z;
  let a_base = params.a_offset + batch * params.a_batch_stride;
  let b_base = params.b_offset + batch * params.b_batch_stride;
  let m = wid.y * 16u + sg * 4u;
  let n = wid.x * 32u + lane * 4u;
  var acc0 = array<vec4<f32>, 4>(vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f));
  var acc1 = acc0;
  // Control flow stays uniform (every lane runs every step; blocks past M or N read clamped
  // copies and store nothing), as subgroupBroadcast requires.
  let k_whole = params.K & ~3u;
  for (var k = 0u; k < k_whole; k += 4u) { subgroup_step(&acc0, &acc1, a_base, b_base, m, n, k, lane, false); }
  if (CHECK && k_whole < params.K) { subgroup_step(&acc0, &acc1, a_base, b_base, m, n, k_whole, lane, true); }
  store_block(acc0, batch, m, n);
  store_block(acc1, batch, m, n + 16u);
}
