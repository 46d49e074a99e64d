// The int8 matMul of issue 12 (KernelAttrs.int8MatMul in src/backends/kernels.ts): int8 values
// are stored four to a u32 word, little-endian, each row padded to whole words.
// int8_matmul: out[m, n] from a [M, Kw] and w [N, Kw] (both K-contiguous, Kw = words per row).
//   Each invocation owns a 4x4 register block (rows m0..m0+3, columns n0..n0+3, n0 a multiple of
//   4, so an int8 output block is exactly one word per row); per K word it loads 4 words of a and
//   4 of w and does 16 packed dot products (VEC: 4 words per load when Kw % 4 == 0). The activation zero point is applied once at the end:
//   acc = sum dot(a, w) - a_zero_point * sum(w) (exact in i32; the weight padding bytes are 0, so
//   whole words can be summed). Rows and columns past M and N re-read the last one (no branches
//   in the loop) and are dropped on store. No workgroup memory: K is streamed from storage
//   (the CPU-adapter path, as matmul_direct).
// int8_matmul_tiled: the same blocks, with the a and w rows of a workgroup's tile staged through
//   workgroup memory TILE_KW words at a time (the GPU path, as matmul_tiled).
// "int8_dot.wgsl" is the portable (shift-unpacking) helper set; specs/int8.ts swaps in
// int8_dot_packed.wgsl (dot4I8Packed) where the language feature exists.
#include "int8_dot.wgsl"

struct Params {
  m: u32,              // rows of a (M)
  n: u32,              // rows of w = output columns (N)
  k_words: u32,        // words per row of a and w (packedCols(K))
  scale: f32,          // aScale
  zero_point: i32,     // aZeroPoint
  alpha: f32,
  out_scale: f32,      // outScale (int8 output)
  out_zero_point: i32, // outZeroPoint (int8 output)
}

override WG: u32 = 64u;     // int8_matmul: invocations per workgroup
override WG_X: u32 = 8u;    // int8_matmul_tiled: invocations along N (4 columns each)
override WG_Y: u32 = 8u;    // int8_matmul_tiled: invocations along M (4 rows each)
override TILE_KW: u32 = 8u; // int8_matmul_tiled: K words staged per step
override HAS_BIAS: bool = false;
override ACT: u32 = 0u;
override OUT_INT8: bool = false;
override ZERO_POINT: bool = true;  // zero_point != 0: the weight sums are needed
override VEC: bool = false;        // Kw % 4 == 0: int8_matmul reads rows as vec4 (4 words, 16 values)

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4<u32>>;  // packed activations [M, Kw]
@group(0) @binding(2) var<storage, read> w: array<vec4<u32>>;  // packed weights [N, Kw]
@group(0) @binding(3) var<storage, read> w_scale: array<f32>;  // [N]
@group(0) @binding(4) var<storage, read> bias: array<f32>;     // [N] (a dummy when absent)
@group(0) @binding(5) var<storage, read_write> out: array<u32>;

#include "int8_epilogue.wgsl"

fn a_word(i: u32) -> u32 { return a[i >> 2u][i & 3u]; }
fn w_word(i: u32) -> u32 { return w[i >> 2u][i & 3u]; }

/** acc[r] += the dots of a word of row r with a word of each column; the column words' sums to w_sum. */
fn accumulate(acc: ptr<function, array<vec4<i32>, 4>>, w_sum: ptr<function, vec4<i32>>, av: vec4<u32>, wv: vec4<u32>) {
  let w0 = load_i8x4(wv.x);
  let w1 = load_i8x4(wv.y);
  let w2 = load_i8x4(wv.z);
  let w3 = load_i8x4(wv.w);
  if (ZERO_POINT) { *w_sum += vec4<i32>(sum_i8x4(w0), sum_i8x4(w1), sum_i8x4(w2), sum_i8x4(w3)); }
  for (var r = 0u; r < 4u; r++) {
    let x = load_i8x4(av[r]);
    (*acc)[r] += vec4<i32>(dot_i8x4(x, w0), dot_i8x4(x, w1), dot_i8x4(x, w2), dot_i8x4(x, w3));
  }
}

fn invocation_index(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return (wid.x + wid.y * nwg.x) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn int8_matmul(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
               @builtin(num_workgroups) nwg: vec3<u32>) {
  let idx = invocation_index(lid, wid, nwg);
  let M = params.m;
  let N = params.n;
  let kw = params.k_words;
  let n_blocks = (N + 3u) / 4u;
  if (idx >= ((M + 3u) / 4u) * n_blocks) { return; }
  let m0 = (idx / n_blocks) * 4u;
  let n0 = (idx % n_blocks) * 4u;
  // Row starts of the block's a rows and w columns (clamped into range).
  var a_row: array<u32, 4>;
  var w_row: array<u32, 4>;
  for (var r = 0u; r < 4u; r++) {
    a_row[r] = min(m0 + r, M - 1u) * kw;
    w_row[r] = min(n0 + r, N - 1u) * kw;
  }
  var acc: array<vec4<i32>, 4>; // acc[r][c]: row m0 + r, column n0 + c
  var w_sum = vec4<i32>(0);
  if (VEC) {
    // 4 words of each row per load; word j of them feeds accumulate() j.
    for (var k = 0u; k < kw; k += 4u) {
      let a0 = a[(a_row[0] + k) >> 2u];
      let a1 = a[(a_row[1] + k) >> 2u];
      let a2 = a[(a_row[2] + k) >> 2u];
      let a3 = a[(a_row[3] + k) >> 2u];
      let w0 = w[(w_row[0] + k) >> 2u];
      let w1 = w[(w_row[1] + k) >> 2u];
      let w2 = w[(w_row[2] + k) >> 2u];
      let w3 = w[(w_row[3] + k) >> 2u];
      for (var j = 0u; j < 4u; j++) {
        accumulate(&acc, &w_sum, vec4<u32>(a0[j], a1[j], a2[j], a3[j]), vec4<u32>(w0[j], w1[j], w2[j], w3[j]));
      }
    }
  } else {
    for (var k = 0u; k < kw; k++) {
      accumulate(&acc, &w_sum, vec4<u32>(a_word(a_row[0] + k), a_word(a_row[1] + k), a_word(a_row[2] + k), a_word(a_row[3] + k)),
                 vec4<u32>(w_word(w_row[0] + k), w_word(w_row[1] + k), w_word(w_row[2] + k), w_word(w_row[3] + k)));
    }
  }
  store_block(m0, n0, acc, w_sum);
}

/** Rows m0..m0+3 (clipped to M) of columns n0..n0+3 (clipped to N): the epilogue of acc - zero_point * w_sum. */
fn store_block(m0: u32, n0: u32, acc: array<vec4<i32>, 4>, w_sum: vec4<i32>) {
  let M = params.m;
  let N = params.n;
  let zero_point_terms = params.zero_point * w_sum;
  let out_words = (N + 3u) / 4u;
  if (n0 >= N) { return; } // a tiled workgroup's blocks past the last column
  for (var r = 0u; r < 4u; r++) {
    let m = m0 + r;
    if (m >= M) { break; }
    let exact = acc[r] - zero_point_terms;
    if (OUT_INT8) {
      var q = vec4<i32>(params.out_zero_point);
      for (var c = 0u; c < 4u; c++) {
        if (n0 + c < N) { q[c] = int8_output(exact[c], n0 + c); }
      }
      out[m * out_words + n0 / 4u] = pack_i8x4(q);
    } else {
      for (var c = 0u; c < 4u; c++) {
        if (n0 + c < N) { out[m * N + n0 + c] = bitcast<u32>(int8_epilogue(exact[c], n0 + c)); }
      }
    }
  }
}

var<workgroup> tile_a: array<u32, 4u * WG_Y * TILE_KW>; // [row of the tile][k word]
var<workgroup> tile_w: array<u32, 4u * WG_X * TILE_KW>;

/**
 * The GPU path: a WG_X x WG_Y workgroup computes a (4 WG_Y) x (4 WG_X) tile of the output, each
 * invocation a 4x4 block as in int8_matmul, staging TILE_KW words of K of the tile's a rows and
 * w rows in workgroup memory per step (words past K are 0, so they add nothing to the dots or
 * the weight sums).
 */
@compute @workgroup_size(WG_X, WG_Y)
fn int8_matmul_tiled(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                     @builtin(num_workgroups) nwg: vec3<u32>) {
  let M = params.m;
  let N = params.n;
  let kw = params.k_words;
  let tiles_n = (N + 4u * WG_X - 1u) / (4u * WG_X);
  let tile = wid.x + wid.y * nwg.x;
  if (tile >= ((M + 4u * WG_Y - 1u) / (4u * WG_Y)) * tiles_n) { return; } // whole workgroup
  let tile_m0 = (tile / tiles_n) * 4u * WG_Y;
  let tile_n0 = (tile % tiles_n) * 4u * WG_X;
  let me = lid.y * WG_X + lid.x;
  var acc: array<vec4<i32>, 4>;
  var w_sum = vec4<i32>(0);
  for (var k0 = 0u; k0 < kw; k0 += TILE_KW) {
    for (var j = me; j < 4u * WG_Y * TILE_KW; j += WG_X * WG_Y) {
      let k = k0 + j % TILE_KW;
      let row = min(tile_m0 + j / TILE_KW, M - 1u);
      tile_a[j] = select(0u, a_word(row * kw + min(k, kw - 1u)), k < kw);
    }
    for (var j = me; j < 4u * WG_X * TILE_KW; j += WG_X * WG_Y) {
      let k = k0 + j % TILE_KW;
      let row = min(tile_n0 + j / TILE_KW, N - 1u);
      tile_w[j] = select(0u, w_word(row * kw + min(k, kw - 1u)), k < kw);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_KW; kk++) {
      let wb = lid.x * 4u * TILE_KW + kk;
      let ab = lid.y * 4u * TILE_KW + kk;
      accumulate(&acc, &w_sum, vec4<u32>(tile_a[ab], tile_a[ab + TILE_KW], tile_a[ab + 2u * TILE_KW], tile_a[ab + 3u * TILE_KW]),
                 vec4<u32>(tile_w[wb], tile_w[wb + TILE_KW], tile_w[wb + 2u * TILE_KW], tile_w[wb + 3u * TILE_KW]));
    }
    workgroupBarrier();
  }
  store_block(tile_m0 + lid.y * 4u, tile_n0 + lid.x * 4u, acc, w_sum);
}
