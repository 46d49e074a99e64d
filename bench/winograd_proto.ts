// Bench-only prototype (not part of the library build): Winograd F(2x2, 3x3) conv2d, NHWC, batch 1,
// stride 1, 'same' padding, even H and W, inC % 4 == 0, outC % 8 == 0, relaxed SIMD. Measures how
// much a Winograd path could win over the direct conv (assembly/conv.ts) on the bench's 3x3 rows:
// 16 multiplies per 2x2 output tile and channel pair instead of 36 (2.25x fewer).
// Per block of TB output tiles: input transform V[16][TB][inC] = B^T d B, 16 GEMMs
// M[e] = V[e] x U[e] with a 6 x 8 register tile (K = inC), output transform A^T m A.
// Build: node_modules/.bin/asc bench/winograd_proto.ts --enable simd --enable relaxed-simd -O3 --runtime stub
//   --importMemory --noAssert -o build/ab/winograd.wasm   (bench/winograd_ab_page.mjs does it)

const TB = 24; // output tiles per block (a multiple of 6)

export function heapBase(): usize { return __heap_base; }

@inline function madd(a: v128, b: v128, c: v128): v128 { return f32x4.relaxed_madd(a, b, c); }

/** Bytes of scratch wgConv2d needs (packed transformed filter, then V and M of one block). */
export function wgScratchBytes(C: i32, N: i32): i32 {
  return 16 * C * N * 4 + 16 * TB * C * 4 + 16 * TB * N * 4 + 64;
}

/** U[e][N/8][C][8] = (G g G^T)[e] for every (ci, co); f is [3][3][C][N]. */
function packFilter(f: usize, C: i32, N: i32, U: usize): void {
  const half = f32x4.splat(0.5);
  const panels = N >> 3;
  for (let ci = 0; ci < C; ci++) {
    for (let co = 0; co < N; co += 4) {
      const base = f + (<usize>(ci * N + co) << 2);
      const tapStride = <usize>(C * N) << 2;
      const g00 = v128.load(base), g01 = v128.load(base + tapStride), g02 = v128.load(base + 2 * tapStride);
      const g10 = v128.load(base + 3 * tapStride), g11 = v128.load(base + 4 * tapStride), g12 = v128.load(base + 5 * tapStride);
      const g20 = v128.load(base + 6 * tapStride), g21 = v128.load(base + 7 * tapStride), g22 = v128.load(base + 8 * tapStride);
      // G g: 4 rows x 3 columns
      const r00 = g00, r01 = g01, r02 = g02;
      const r10 = f32x4.mul(half, f32x4.add(f32x4.add(g00, g10), g20)), r11 = f32x4.mul(half, f32x4.add(f32x4.add(g01, g11), g21)), r12 = f32x4.mul(half, f32x4.add(f32x4.add(g02, g12), g22));
      const r20 = f32x4.mul(half, f32x4.add(f32x4.sub(g00, g10), g20)), r21 = f32x4.mul(half, f32x4.add(f32x4.sub(g01, g11), g21)), r22 = f32x4.mul(half, f32x4.add(f32x4.sub(g02, g12), g22));
      const r30 = g20, r31 = g21, r32 = g22;
      const dst = U + (<usize>(((co >> 3) * C + ci) * 8 + (co & 7)) << 2);
      const eStride = <usize>(panels * C * 8) << 2;
      storeRowG(dst, eStride, 0, r00, r01, r02, half);
      storeRowG(dst, eStride, 4, r10, r11, r12, half);
      storeRowG(dst, eStride, 8, r20, r21, r22, half);
      storeRowG(dst, eStride, 12, r30, r31, r32, half);
    }
  }
}

/** One row of (G g) times G^T: 4 values for e = e0 .. e0 + 3. */
@inline function storeRowG(dst: usize, eStride: usize, e0: i32, a: v128, b: v128, c: v128, half: v128): void {
  v128.store(dst + <usize>e0 * eStride, a);
  v128.store(dst + <usize>(e0 + 1) * eStride, f32x4.mul(half, f32x4.add(f32x4.add(a, b), c)));
  v128.store(dst + <usize>(e0 + 2) * eStride, f32x4.mul(half, f32x4.add(f32x4.sub(a, b), c)));
  v128.store(dst + <usize>(e0 + 3) * eStride, c);
}

/** 6 rows (stride lda bytes) x 8 columns, K = k: o rows (stride ldo bytes) = A x B panel [k][8]. */
function tile6x8(a: usize, lda: usize, bp: usize, k: i32, o: usize, ldo: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const end = a + (<usize>k << 2);
  const l2 = lda + lda, l3 = l2 + lda, l4 = l3 + lda, l5 = l4 + lda;
  for (let p = a; p < end; p += 4) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let x = v128.load32_splat(p); c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load32_splat(p + lda); c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load32_splat(p + l2); c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load32_splat(p + l3); c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    x = v128.load32_splat(p + l4); c40 = madd(x, b0, c40); c41 = madd(x, b1, c41);
    x = v128.load32_splat(p + l5); c50 = madd(x, b0, c50); c51 = madd(x, b1, c51);
    bp += 32;
  }
  v128.store(o, c00); v128.store(o, c01, 16);
  v128.store(o + ldo, c10); v128.store(o + ldo, c11, 16);
  v128.store(o + 2 * ldo, c20); v128.store(o + 2 * ldo, c21, 16);
  v128.store(o + 3 * ldo, c30); v128.store(o + 3 * ldo, c31, 16);
  v128.store(o + 4 * ldo, c40); v128.store(o + 4 * ldo, c41, 16);
  v128.store(o + 5 * ldo, c50); v128.store(o + 5 * ldo, c51, 16);
}

@inline function ld(x: usize, iy: i32, ix: i32, H: i32, W: i32, C: i32, ci: i32): v128 {
  return iy >= 0 && iy < H && ix >= 0 && ix < W ? v128.load(x + (<usize>((iy * W + ix) * C + ci) << 2)) : f32x4.splat(0);
}

/** out [H][W][N] = conv2d(x [H][W][C], f [3][3][C][N]) 'same'. packed: whether scratch already holds U. */
export function wgConv2d(x: usize, f: usize, out: usize, H: i32, W: i32, C: i32, N: i32, scratch: usize, packed: i32): void {
  const U = scratch;
  const V = U + (<usize>(16 * C * N) << 2);
  const M = V + (<usize>(16 * TB * C) << 2);
  if (!packed) packFilter(f, C, N, U);
  const tW = W >> 1, T = (H >> 1) * tW;
  const panels = N >> 3;
  const vE = <usize>(TB * C) << 2, mE = <usize>(TB * N) << 2;
  for (let t0 = 0; t0 < T; t0 += TB) {
    const nt = min(TB, T - t0);
    // input transform
    for (let tt = 0; tt < nt; tt++) {
      const t = t0 + tt, ty = t / tW, tx = t % tW;
      const y0 = 2 * ty - 1, x0 = 2 * tx - 1;
      for (let ci = 0; ci < C; ci += 4) {
        // B^T d (rows), then (.) B (columns); d[r][c] = input (y0 + r, x0 + c)
        let s0: v128, s1: v128, s2: v128, s3: v128;
        const dst = V + (<usize>(tt * C + ci) << 2);
        for (let c = 0; c < 4; c++) {
          const d0 = ld(x, y0, x0 + c, H, W, C, ci), d1 = ld(x, y0 + 1, x0 + c, H, W, C, ci);
          const d2 = ld(x, y0 + 2, x0 + c, H, W, C, ci), d3 = ld(x, y0 + 3, x0 + c, H, W, C, ci);
          // column c of B^T d, kept in a small stack of the V rows: write rows later
          s0 = f32x4.sub(d0, d2); s1 = f32x4.add(d1, d2); s2 = f32x4.sub(d2, d1); s3 = f32x4.sub(d1, d3);
          // stash column c of (B^T d) at e = 4r + c temporarily
          v128.store(dst + <usize>(c) * vE, s0);
          v128.store(dst + <usize>(4 + c) * vE, s1);
          v128.store(dst + <usize>(8 + c) * vE, s2);
          v128.store(dst + <usize>(12 + c) * vE, s3);
        }
        for (let r = 0; r < 4; r++) {
          const p = dst + <usize>(4 * r) * vE;
          const a0 = v128.load(p), a1 = v128.load(p + vE), a2 = v128.load(p + 2 * vE), a3 = v128.load(p + 3 * vE);
          v128.store(p, f32x4.sub(a0, a2));
          v128.store(p + vE, f32x4.add(a1, a2));
          v128.store(p + 2 * vE, f32x4.sub(a2, a1));
          v128.store(p + 3 * vE, f32x4.sub(a1, a3));
        }
      }
    }
    // 16 GEMMs: M[e][tt][N] = V[e][tt][C] x U[e][C][N]
    const lda = <usize>C << 2, ldo = <usize>N << 2;
    for (let e = 0; e < 16; e++) {
      const Ve = V + <usize>e * vE, Me = M + <usize>e * mE;
      for (let p = 0; p < panels; p++) {
        const bp = U + (<usize>((e * panels + p) * C * 8) << 2);
        for (let tt = 0; tt < nt; tt += 6) tile6x8(Ve + <usize>tt * lda, lda, bp, C, Me + <usize>tt * ldo + (<usize>p << 5), ldo);
      }
    }
    // output transform: y = A^T m A
    for (let tt = 0; tt < nt; tt++) {
      const t = t0 + tt, ty = t / tW, tx = t % tW;
      const o00 = out + (<usize>(((2 * ty) * W + 2 * tx) * N) << 2);
      const o10 = o00 + (<usize>(W * N) << 2);
      for (let co = 0; co < N; co += 4) {
        const m = M + (<usize>(tt * N + co) << 2);
        // rows i of m: A^T over i -> q0 = m0 + m1 + m2, q1 = m1 - m2 - m3 (per column j)
        let q00 = f32x4.splat(0), q01 = q00, q02 = q00, q03 = q00, q10 = q00, q11 = q00, q12 = q00, q13 = q00;
        for (let j = 0; j < 4; j++) {
          const m0 = v128.load(m + <usize>j * mE), m1 = v128.load(m + <usize>(4 + j) * mE);
          const m2 = v128.load(m + <usize>(8 + j) * mE), m3 = v128.load(m + <usize>(12 + j) * mE);
          const a = f32x4.add(f32x4.add(m0, m1), m2), b = f32x4.sub(f32x4.sub(m1, m2), m3);
          if (j == 0) { q00 = a; q10 = b; } else if (j == 1) { q01 = a; q11 = b; } else if (j == 2) { q02 = a; q12 = b; } else { q03 = a; q13 = b; }
        }
        const oc = <usize>co << 2;
        v128.store(o00 + oc, f32x4.add(f32x4.add(q00, q01), q02));
        v128.store(o00 + oc + ldo, f32x4.sub(f32x4.sub(q01, q02), q03));
        v128.store(o10 + oc, f32x4.add(f32x4.add(q10, q11), q12));
        v128.store(o10 + oc + ldo, f32x4.sub(f32x4.sub(q11, q12), q13));
      }
    }
  }
}
