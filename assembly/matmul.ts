// Batched matMul with fused epilogue (bias, activation), register-blocked with f32x4.
//
// Per batch, A is packed into row tiles of MR rows ([k block][tile][kc][MR], zero padded) and B
// into column panels of NR = 8 ([k block][panel][kc][8], zero padded) by assembly/matmul_pack.ts;
// packing absorbs both transposes, so the micro-kernel only ever streams contiguous memory. The loops follow the GotoBLAS order:
// k blocks of up to KC (a B micro-panel slice stays in L1), row blocks of MC (the A block stays in L2),
// then 5 x 8 tiles of C held in v128 accumulators. madd is relaxed_madd in the relaxed build.
// Partial tiles (M, N not multiples of 4, 8) run the same loop over the zero-padded panels and
// store only their valid lanes. Two cheaper routes skip packing: products under 2^18
// multiply-adds read A and B in place (matMulSmall), and one-row / one-column products are
// vector-matrix or dot-product loops (matVec). bench/matmul_ladder.md has the measurements.
// Measured alternatives at 1024^3 (Node 20, AMD EPYC, GFLOP/s): this 4 x 8 load-splat kernel 45;
// A as one v128 + 4 lane shuffles 41; k unrolled by 2 32; a 6 x 8 tile 29 (V8 spills). The 5 x 8
// tile (10 accumulators) replaced 4 x 8 in 2026-12 (Chromium +8-13%, Node 20 within noise).
import { applyActivation } from './generated_dispatch';
import { vecMatAcc } from './conv';
import { geluF32x4, madd, sigmoidF32x4Called, tanhF32x4 } from './simd_math';
import { MR, NR, blockOffset, kBlock, packA, packB, packPanel } from './matmul_pack';

const MC = 64;
/** Up to this many rows one row block holds all of M (its A block, <= 256 KB, stays in L2), so
 * the packed B streams once per k block instead of once per 64 rows (197 x 3072 x 768: +5%). */
const MC_ONE_BLOCK = 256;

/** Bytes of packing scratch the caller must provide for an M x N x K product. */
export function matMulScratchBytes(M: i32, N: i32, K: i32): i32 {
  const mt = (M + MR - 1) / MR, nt = (N + NR - 1) / NR;
  return (mt * MR * K + nt * NR * K) * 4 + 16 * 4 * NR * MR;
}

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

/** attention's tile (assembly/attention.ts): C[0..4, 0..8] (row stride ldc bytes) = (accumulate ? C : 0) + Apanel[kc x 4]^T * Bpanel[kc x 8]. */
export function micro4x8(a: usize, b: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  if (accumulate) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  }
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(a, 8);
    c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(a, 12);
    c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
    a += 16; b += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/** One C row: + bias, then the activation, in place. */
export function epilogueRow(c: usize, N: i32, bias: usize, biasSize: i32, act: i32, alpha: f32, prelu: usize, preluSize: i32): void {
  const zero = f32x4.splat(0);
  let n = 0;
  if (act != 3) { // elu keeps the scalar expm1 path (exp(x) - 1 cancels near 0)
    const six = f32x4.splat(6), va = f32x4.splat(alpha);
    for (; n + 4 <= N; n += 4) {
      let v = v128.load(at(c, n));
      if (bias) v = f32x4.add(v, biasSize == 1 ? v128.load32_splat(bias) : v128.load(at(bias, n)));
      if (act == 1) v = f32x4.max(v, zero);
      else if (act == 2) v = f32x4.min(f32x4.max(v, zero), six);
      else if (act == 4) v = v128.bitselect(f32x4.mul(v, va), v, f32x4.lt(v, zero));
      else if (act == 5) {
        const w = preluSize == 1 ? v128.load32_splat(prelu) : v128.load(at(prelu, n));
        v = v128.bitselect(f32x4.mul(v, w), v, f32x4.lt(v, zero));
      } else if (act == 6) v = sigmoidF32x4Called(v);
      else if (act == 7) v = tanhF32x4(v);
      else if (act == 8) v = geluF32x4(v);
      v128.store(at(c, n), v);
    }
  }
  for (; n < N; n++) {
    let v = <f64>load<f32>(at(c, n));
    if (bias) v = <f64>(<f32>v + load<f32>(at(bias, biasSize == 1 ? 0 : n)));
    const pw: f64 = act == 5 ? <f64>load<f32>(at(prelu, preluSize == 1 ? 0 : n)) : 0;
    store<f32>(at(c, n), <f32>applyActivation(act, v, <f64>alpha, pw));
  }
}

/**
 * The residual epilogue (KernelAttrs.matMul.residual) over `total` output values in rows of N
 * channels: c += r, then (for a residual added before the activation) the activation per row;
 * the kernel before ran with the bias and, for a residual added after, with the activation.
 */
export function addResidual(c: usize, r: usize, total: i32, N: i32, act: i32, alpha: f32, prelu: usize, preluSize: i32): void {
  let i = 0;
  for (; i + 4 <= total; i += 4) v128.store(at(c, i), f32x4.add(v128.load(at(c, i)), v128.load(at(r, i))));
  for (; i < total; i++) store<f32>(at(c, i), load<f32>(at(c, i)) + load<f32>(at(r, i)));
  if (act == 0) return;
  for (let row = 0; row < total; row += N) epilogueRow(at(c, row), N, 0, 1, act, alpha, prelu, preluSize);
}

/**
 * C tile of `rows` (<= 4) x `cols` (<= 8) at c (row stride ldc bytes) (+)= A rows x B panel over kc
 * steps. A row r's k-th element is at pr + k * aStep (missing rows repeat row 0, so every load
 * stays inside A); the B panel's k-th 8 floats at b + k * bStep. Partial tiles store lane by lane,
 * so no scratch tile and no copies: edges cost what their useful lanes cost.
 */
function tile4x8(
  p0: usize, p1: usize, p2: usize, p3: usize, aStep: usize, b: usize, bStep: usize, kc: i32,
  c: usize, ldc: usize, rows: i32, cols: i32, accumulate: bool,
): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  let off: usize = 0;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(p0 + off);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(p1 + off);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(p2 + off);
    c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(p3 + off);
    c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
    off += aStep; b += bStep;
  }
  storeRow(c, c00, c01, cols, accumulate);
  if (rows > 1) storeRow(c + ldc, c10, c11, cols, accumulate);
  if (rows > 2) storeRow(c + 2 * ldc, c20, c21, cols, accumulate);
  if (rows > 3) storeRow(c + 3 * ldc, c30, c31, cols, accumulate);
}

/** The packed path's full tile: C[0..5, 0..8] (row stride ldc bytes) = (accumulate ? C : 0) + A micro-panel [kc][5]^T x B micro-panel [kc][8]. */
function micro5x8(a: usize, b: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00;
  if (accumulate) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
    c40 = v128.load(c + 4 * ldc); c41 = v128.load(c + 4 * ldc, 16);
  }
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(a, 8);
    c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(a, 12);
    c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
    const a4 = v128.load32_splat(a, 16);
    c40 = madd(a4, b0, c40); c41 = madd(a4, b1, c41);
    a += 20; b += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
  v128.store(c + 4 * ldc, c40); v128.store(c + 4 * ldc, c41, 16);
}

/**
 * The packed path's tile: rows <= 5 x cols <= 8 of C (+)= the same product. Full tiles go to
 * micro5x8; partial ones run the same loop from zero and store only their lanes (storeRow). One
 * function for both ran Node 20's V8 out of registers (1024^3 57 -> 33 GFLOP/s).
 */
function tile5x8Packed(a: usize, b: usize, kc: i32, c: usize, ldc: usize, rows: i32, cols: i32, accumulate: bool): void {
  if (rows == MR && cols == NR) {
    micro5x8(a, b, kc, c, ldc, accumulate);
    return;
  }
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(a, 8);
    c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(a, 12);
    c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
    const a4 = v128.load32_splat(a, 16);
    c40 = madd(a4, b0, c40); c41 = madd(a4, b1, c41);
    a += 20; b += 32;
  }
  storeRow(c, c00, c01, cols, accumulate);
  if (rows > 1) storeRow(c + ldc, c10, c11, cols, accumulate);
  if (rows > 2) storeRow(c + 2 * ldc, c20, c21, cols, accumulate);
  if (rows > 3) storeRow(c + 3 * ldc, c30, c31, cols, accumulate);
  if (rows > 4) storeRow(c + 4 * ldc, c40, c41, cols, accumulate);
}

/** c[0..cols) (+)= the first `cols` lanes of (v0, v1). */
@inline export function storeRow(c: usize, v0: v128, v1: v128, cols: i32, accumulate: bool): void {
  if (cols == 8) {
    if (accumulate) { v0 = f32x4.add(v0, v128.load(c)); v1 = f32x4.add(v1, v128.load(c, 16)); }
    v128.store(c, v0); v128.store(c, v1, 16);
    return;
  }
  let rest = cols;
  let v = v0;
  if (rest >= 4) {
    if (accumulate) v0 = f32x4.add(v0, v128.load(c));
    v128.store(c, v0);
    v = v1; c += 16; rest -= 4;
  }
  if (rest > 0) store<f32>(c, (accumulate ? load<f32>(c) : 0) + f32x4.extract_lane(v, 0));
  if (rest > 1) store<f32>(c, (accumulate ? load<f32>(c, 4) : 0) + f32x4.extract_lane(v, 1), 4);
  if (rest > 2) store<f32>(c, (accumulate ? load<f32>(c, 8) : 0) + f32x4.extract_lane(v, 2), 8);
}

/** Rows of the in-place (small) path's tile, which walks four A row pointers (tile4x8). */
const SMALL_MR = 4;

/** Below this many multiply-adds (M * N * K) matMul reads A and B in place instead of packing them. */
const SMALL_MNK: i64 = 1 << 18;

/**
 * Small products, one batch: A read in place (row pointers of the 4-row tile, stride per k 4 bytes
 * or M * 4 bytes when transposed), B in place when not transposed (only a partial last column panel
 * is packed, zero padded, so vector loads never run past B) and packed when transposed. All of K in
 * one pass, so C is written once.
 */
function matMulSmall(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, transA: i32, transB: i32, scratch: usize): void {
  const ldc = <usize>N << 2;
  const rowStep: usize = transA ? 4 : <usize>K << 2;
  const aStep: usize = transA ? <usize>M << 2 : 4;
  const fullCols = transB ? 0 : N & ~(NR - 1); // columns read straight from B
  if (transB) packB(b, N, K, 1, scratch, (N + NR - 1) / NR * NR, 0, 0, N, K);
  else if (fullCols < N) packPanel(b, N, K, fullCols, scratch);
  for (let n0 = 0; n0 < N; n0 += NR) {
    const cols = min(NR, N - n0);
    const direct = n0 < fullCols;
    const panel: i32 = transB ? n0 : 0;
    const bp = direct ? at(b, n0) : scratch + (<usize>panel * <usize>K << 2);
    const bStep: usize = direct ? ldc : NR << 2;
    for (let m = 0; m < M; m += SMALL_MR) {
      const rows = min(SMALL_MR, M - m);
      const p0 = a + <usize>m * rowStep;
      const p1 = rows > 1 ? p0 + rowStep : p0, p2 = rows > 2 ? p1 + rowStep : p0, p3 = rows > 3 ? p2 + rowStep : p0;
      tile4x8(p0, p1, p2, p3, aStep, bp, bStep, K, c + <usize>m * ldc + (<usize>n0 << 2), ldc, rows, cols, false);
    }
  }
}

/**
 * A product with one row or one column: every element of the matrix operand is used once, so it is
 * read in place, never packed, and no lanes are spent on a 4-row tile's missing rows. The vector
 * operand (A when M == 1, B when N == 1) is contiguous whatever its transpose flag. The matrix is
 * either K rows of the output's length (vecMatAcc) or output-length rows of K (rowDots).
 */
function matVec(a: usize, b: usize, c: usize, M: i32, N: i32, K: i32, transA: i32, transB: i32): void {
  if (M == 1) {
    if (transB) rowDots(a, b, K, N, c);
    else vecMatAcc(c, a, 4, b, <usize>N << 2, K, N, false);
  } else {
    if (transA) vecMatAcc(c, b, 4, a, <usize>M << 2, K, M, false);
    else rowDots(b, a, K, M, c);
  }
}

@inline function sumLanes(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** out[n] = x[0..K) . rows[n * K .. n * K + K) for n < count, four rows at a time. */
function rowDots(x: usize, rows: usize, K: i32, count: i32, out: usize): void {
  const rowBytes = <usize>K << 2;
  const k4 = K & ~3;
  let n = 0;
  for (; n + 4 <= count; n += 4) {
    const r0 = rows + <usize>n * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (let off: usize = 0; off < (<usize>k4 << 2); off += 16) {
      const xv = v128.load(x + off);
      s0 = madd(xv, v128.load(r0 + off), s0); s1 = madd(xv, v128.load(r1 + off), s1);
      s2 = madd(xv, v128.load(r2 + off), s2); s3 = madd(xv, v128.load(r3 + off), s3);
    }
    let d0 = sumLanes(s0), d1 = sumLanes(s1), d2 = sumLanes(s2), d3 = sumLanes(s3);
    for (let k = k4; k < K; k++) {
      const xk = load<f32>(at(x, k));
      d0 += xk * load<f32>(at(r0, k)); d1 += xk * load<f32>(at(r1, k));
      d2 += xk * load<f32>(at(r2, k)); d3 += xk * load<f32>(at(r3, k));
    }
    store<f32>(at(out, n), d0); store<f32>(at(out, n + 1), d1); store<f32>(at(out, n + 2), d2); store<f32>(at(out, n + 3), d3);
  }
  for (; n < count; n++) {
    const r = rows + <usize>n * rowBytes;
    let s = f32x4.splat(0);
    for (let off: usize = 0; off < (<usize>k4 << 2); off += 16) s = madd(v128.load(x + off), v128.load(r + off), s);
    let d = sumLanes(s);
    for (let k = k4; k < K; k++) d += load<f32>(at(x, k)) * load<f32>(at(r, k));
    store<f32>(at(out, n), d);
  }
}

/**
 * out[bt] = act(op(A[bt]) x op(B[bt]) + bias). A starts at a + bt*aBatchStride elements, B at
 * b + bt*bBatchStride (0 broadcasts). bias/prelu are 0 when absent. scratch holds
 * matMulScratchBytes(M, N, K) bytes, 16-byte aligned.
 */
export function matMul(
  a: usize, b: usize, out: usize, batch: i32, M: i32, N: i32, K: i32, transA: i32, transB: i32,
  aBatchStride: i32, bBatchStride: i32, bias: usize, biasSize: i32, act: i32, alpha: f32,
  prelu: usize, preluSize: i32, scratch: usize,
): void {
  matMulRange(a, b, out, batch, M, N, K, transA, transB, aBatchStride, bBatchStride, bias, biasSize, act, alpha, prelu, preluSize, scratch, 0, batch, M, N);
}

/**
 * C rows [mBegin, mEnd) x columns [nBegin, nEnd) from packed operands (k blocks of kBlock(K)): ap holds
 * aPadded rows starting at A's row aRow0, bp bPadded columns starting at B's column bCol0. Every
 * output element goes through the same k blocks and micro-kernel calls whatever the block bounds.
 */
function packedBlock(
  ap: usize, aPadded: i32, aRow0: i32, bp: usize, bPadded: i32, bCol0: i32,
  c: usize, N: i32, K: i32, mBegin: i32, mEnd: i32, nBegin: i32, nEnd: i32,
): void {
  const ldc = <usize>N << 2;
  // Row blocks of at most MC rows, balanced (300 rows: 5 x 60, not 4 x 64 + 44, so no short
  // last block streams all of B for a few row tiles); up to MC_ONE_BLOCK rows, a single block.
  const rows = mEnd - mBegin;
  const blocks = rows <= MC_ONE_BLOCK ? 1 : (rows + MC - 1) / MC;
  const mb = ((rows + blocks - 1) / blocks + MR - 1) / MR * MR;
  const kcb = kBlock(K);
  for (let k0 = 0; k0 < K; k0 += kcb) {
    const kc = min(kcb, K - k0);
    const acc = k0 > 0;
    for (let m0 = mBegin; m0 < mEnd; m0 += mb) {
      const m1 = min(mEnd, m0 + mb);
      for (let n0 = nBegin; n0 < nEnd; n0 += NR) {
        const b = bp + blockOffset(bPadded, n0 - bCol0, k0, kc);
        const cols = min(NR, nEnd - n0);
        for (let m = m0; m < m1; m += MR) {
          const a = ap + blockOffset(aPadded, m - aRow0, k0, kc);
          tile5x8Packed(a, b, kc, c + (<usize>(m * N + n0) << 2), ldc, min(MR, mEnd - m), cols, acc);
        }
      }
    }
  }
}

/**
 * One batch of matMul from operands packed by matMulPackRange, over output tiles [first, last) of
 * mTile rows x nTile columns (unit u = mi * nTiles + ni): nothing is packed twice however many
 * threads share the tiles, and the results are bit-identical to matMul's packed path.
 */
export function matMulPackedRange(
  packed: usize, out: usize, M: i32, N: i32, K: i32, bias: usize, biasSize: i32, act: i32, alpha: f32,
  prelu: usize, preluSize: i32, first: i32, last: i32, mTile: i32, nTile: i32,
): void {
  mTile = min(mTile, M);
  nTile = min(nTile, N);
  const nTiles = (N + nTile - 1) / nTile;
  const aPadded = (M + MR - 1) / MR * MR, bPadded = (N + NR - 1) / NR * NR;
  const packedB = packed + (<usize>aPadded * <usize>K << 2);
  for (let u = first; u < last; u++) {
    const ni = u % nTiles, mi = u / nTiles;
    const mBegin = mi * mTile, mEnd = min(M, mBegin + mTile);
    const nBegin = ni * nTile, nEnd = min(N, nBegin + nTile);
    packedBlock(packed, aPadded, 0, packedB, bPadded, 0, out, N, K, mBegin, mEnd, nBegin, nEnd);
    epilogueBlock(out, N, mBegin, mEnd, nBegin, nEnd, bias, biasSize, act, alpha, prelu, preluSize);
  }
}

/** The bias / activation epilogue over C rows [mBegin, mEnd), columns [nBegin, nEnd). */
function epilogueBlock(c: usize, N: i32, mBegin: i32, mEnd: i32, nBegin: i32, nEnd: i32, bias: usize, biasSize: i32, act: i32, alpha: f32, prelu: usize, preluSize: i32): void {
  if (!bias && act == 0) return;
  const ldc = <usize>N << 2;
  const bn = bias != 0 && biasSize != 1 ? at(bias, nBegin) : bias;
  const pn = prelu != 0 && preluSize != 1 ? at(prelu, nBegin) : prelu;
  for (let m = mBegin; m < mEnd; m++) epilogueRow(c + <usize>m * ldc + (<usize>nBegin << 2), nEnd - nBegin, bn, biasSize, act, alpha, pn, preluSize);
}

/**
 * matMul restricted to work units [first, last): the output is cut into tiles of mTile rows x
 * nTile columns (mTile a multiple of MR, nTile of NR), unit u = (bt * mTiles + mi) * nTiles + ni.
 * A unit that is a whole matrix takes the fast paths of small and one-row / one-column problems;
 * tiled units (the worker pool only tiles problems that are neither) take the packed path, where
 * every output element goes through the same k blocks and micro-kernel calls whatever the tiling,
 * so any split of the units gives bit-identical results. scratch holds
 * matMulScratchBytes(min(M, mTile), min(N, nTile), K) bytes.
 */
export function matMulRange(
  a: usize, b: usize, out: usize, batch: i32, M: i32, N: i32, K: i32, transA: i32, transB: i32,
  aBatchStride: i32, bBatchStride: i32, bias: usize, biasSize: i32, act: i32, alpha: f32,
  prelu: usize, preluSize: i32, scratch: usize, first: i32, last: i32, mTile: i32, nTile: i32,
): void {
  if (M <= 0 || N <= 0) return;
  mTile = min(mTile, M);
  nTile = min(nTile, N);
  const mTiles = (M + mTile - 1) / mTile, nTiles = (N + nTile - 1) / nTile;
  const whole = mTiles == 1 && nTiles == 1;
  const small = <i64>M * <i64>N * <i64>K < SMALL_MNK;
  const packedA = scratch;
  const packedB = scratch + (<usize>((mTile + MR - 1) / MR * MR) * <usize>K << 2);
  const ldc = <usize>N << 2;
  let packedAKey = -1, packedBKey = -1; // which (batch, tile) the scratch holds
  for (let u = first; u < last; u++) {
    const ni = u % nTiles, rest = u / nTiles;
    const mi = rest % mTiles, bt = rest / mTiles;
    const mBegin = mi * mTile, mEnd = min(M, mBegin + mTile);
    const nBegin = ni * nTile, nEnd = min(N, nBegin + nTile);
    const c = out + (<usize>bt * <usize>M * <usize>N << 2);
    if (K == 0) {
      for (let m = mBegin; m < mEnd; m++) memory.fill(c + <usize>m * ldc + (<usize>nBegin << 2), 0, <usize>(nEnd - nBegin) << 2);
    } else if (whole && (M == 1 || N == 1)) {
      matVec(at(a, bt * aBatchStride), at(b, bt * bBatchStride), c, M, N, K, transA, transB);
    } else if (whole && small) {
      matMulSmall(at(a, bt * aBatchStride), at(b, bt * bBatchStride), c, M, N, K, transA, transB, packedB);
    } else {
      const aKey = (aBatchStride != 0 ? bt : 0) * mTiles + mi, bKey = (bBatchStride != 0 ? bt : 0) * nTiles + ni;
      const aPadded = (mEnd - mBegin + MR - 1) / MR * MR, bPadded = (nEnd - nBegin + NR - 1) / NR * NR;
      if (aKey != packedAKey) { packA(at(a, bt * aBatchStride), M, K, transA, packedA, aPadded, mBegin, mBegin, mEnd, kBlock(K)); packedAKey = aKey; }
      if (bKey != packedBKey) { packB(at(b, bt * bBatchStride), N, K, transB, packedB, bPadded, nBegin, nBegin, nEnd, kBlock(K)); packedBKey = bKey; }
      packedBlock(packedA, aPadded, mBegin, packedB, bPadded, nBegin, c, N, K, mBegin, mEnd, nBegin, nEnd);
    }
    epilogueBlock(c, N, mBegin, mEnd, nBegin, nEnd, bias, biasSize, act, alpha, prelu, preluSize);
  }
}
