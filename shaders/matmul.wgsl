// Batched matrix multiply C[b] = A[b] x B[b] with a fused epilogue (bias, residual add, activation).
// Every invocation owns a 4x4 register block of C. Operands are read as 4x4 blocks: four vec4
// loads along each operand's contiguous dimension (any transpose), assembled into a mat4x4 whose
// column j is (A(m..m+3, k+j)) for A and (B(k+j, n..n+3)) for B, so the inner product step is
// acc[r] += Bblock * Arow_r. `matmul_tiled` stages TILE_K-deep tiles of A and B in workgroup
// memory (the GPU path); `matmul_direct` reads blocks straight from storage with no barriers
// (fastest on CPU implementations such as SwiftShader, where caches already do the staging).
// Bounds checks compile away (CHECK = false) when M, N and K are multiples of the tile; with
// CHECK, loads never branch: indices are clamped into the matrix and only the K steps past K
// are zeroed (the direct entry runs whole steps of 4 unchecked, then one masked tail step).
// Every operand is addressed as a sub-matrix (offset + row stride), so a call on tensors past
// one storage binding runs as dispatches over blocks of (batch, M, N, K) that bind aligned
// ranges (specs/matmul.ts): M, N, K are the block's, `ld*` the full row strides, `*_offset` the
// block's first element inside its bound range. Blocks along K accumulate: all but the first
// add to the partial sums stored (as raw f32 bits) by the previous one, and only the last
// applies the epilogue and converts to the output dtype.
// COL_SUMS (a weight gradient dW = X^T dY with its bias gradient): the invocations owning rows
// 0..3 also add up the B values they load (summed over K) and store them as a second output.
#include "dtype.wgsl"
#include "generated_activation.wgsl"

override WG_X: u32 = 16u;      // invocations along N (4 columns each)
override WG_Y: u32 = 16u;      // invocations along M (4 rows each)
override TILE_K: u32 = 16u;    // K depth staged per step (multiple of 4), tiled entry only

#include "matmul_common.wgsl"

var<workgroup> tile_a: array<vec4<f32>, TILE_K * WG_Y>; // [k][m / 4]
var<workgroup> tile_b: array<vec4<f32>, TILE_K * WG_X>; // [k][n / 4]

@compute @workgroup_size(WG_X, WG_Y, 1)
fn matmul_tiled(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let batch = wid.z;
  let a_base = params.a_offset + batch * params.a_batch_stride;
  let b_base = params.b_offset + batch * params.b_batch_stride;
  let m0 = wid.y * WG_Y * 4u;
  let n0 = wid.x * WG_X * 4u;
  let tid = lid.y * WG_X + lid.x;
  let threads = WG_X * WG_Y;
  let k_blocks = TILE_K / 4u;
  var acc = array<vec4<f32>, 4>(vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f));
  var cs = vec4<f32>(0.0f); // COL_SUMS: B(k, n0 + lid.x * 4 ..) summed over k (rows past K load as 0)
  for (var k0 = 0u; k0 < params.K; k0 += TILE_K) {
    for (var l = tid; l < WG_Y * k_blocks; l += threads) {
      let mb = l % WG_Y;
      let kb = l / WG_Y;
      let blk = a_block(a_base, m0 + mb * 4u, k0 + kb * 4u, CHECK);
      for (var j = 0u; j < 4u; j++) { tile_a[(kb * 4u + j) * WG_Y + mb] = blk[j]; }
    }
    for (var l = tid; l < WG_X * k_blocks; l += threads) {
      let nb = l % WG_X;
      let kb = l / WG_X;
      let blk = b_block(b_base, k0 + kb * 4u, n0 + nb * 4u, CHECK);
      for (var j = 0u; j < 4u; j++) { tile_b[(kb * 4u + j) * WG_X + nb] = blk[j]; }
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      let av = tile_a[k * WG_Y + lid.y];
      let bv = tile_b[k * WG_X + lid.x];
      acc[0] += av.x * bv;
      acc[1] += av.y * bv;
      acc[2] += av.z * bv;
      acc[3] += av.w * bv;
      if (COL_SUMS) { cs += bv; }
    }
    workgroupBarrier();
  }
  store_block(acc, batch, m0 + lid.y * 4u, n0 + lid.x * 4u);
  store_col_sums(cs, m0 + lid.y * 4u, n0 + lid.x * 4u);
}

/** acc[r] += A(m+r, k..k+3) . B(k..k+3, n..n+3) for the 4 rows; COL_SUMS: cs += the B block's column sums. */
fn direct_step(acc: ptr<function, array<vec4<f32>, 4>>, cs: ptr<function, vec4<f32>>, a_base: u32, b_base: u32, m: u32, n: u32, k: u32, tail: bool) {
  let ta = transpose(a_block(a_base, m, k, tail)); // row r of ta = A(m+r, k..k+3)
  let bb = b_block(b_base, k, n, tail);
  block_step(acc, ta, bb);
  if (COL_SUMS) { *cs += block_col_sums(bb); }
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn matmul_direct(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let batch = wid.z;
  let a_base = params.a_offset + batch * params.a_batch_stride;
  let b_base = params.b_offset + batch * params.b_batch_stride;
  let m = (wid.y * WG_Y + lid.y) * 4u;
  let n = (wid.x * WG_X + lid.x) * 4u;
  var acc = array<vec4<f32>, 4>(vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f));
  // Whole steps of 4 need no check along K; blocks past M or N read clamped copies (CHECK) and
  // store nothing, so no branch guards the loop.
  var cs = vec4<f32>(0.0f);
  let k_whole = params.K & ~3u;
  for (var k = 0u; k < k_whole; k += 4u) { direct_step(&acc, &cs, a_base, b_base, m, n, k, false); }
  if (CHECK && k_whole < params.K) { direct_step(&acc, &cs, a_base, b_base, m, n, k_whole, true); }
  store_block(acc, batch, m, n);
  store_col_sums(cs, m, n);
}
