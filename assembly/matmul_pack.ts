// matMul's operand packing (assembly/matmul.ts runs the products): A into row tiles of MR rows
// and B into column panels of NR columns, zero padded, laid out k block by k block, so the
// micro-kernel streams contiguous memory whatever the transposes; plus the shared pack task of
// the 2-thread path (matMulPackRange). bench/matmul_ladder.md has the measurements.

/** Rows of the packed path's register tile: 5 x 8 keeps 10 accumulators (+ 2 B vectors + 1 A
 * broadcast = 13 v128 registers), enough independent FMA chains to cover the FMA latency at two
 * FMAs per cycle; 4 x 8's 8 chains sit exactly at that limit (Chromium: +8-13% at 256^3, 512^3,
 * 1024 x 2048 x 256; Node 20 within noise). */
export const MR = 5;
/** Columns of the register tile (two f32x4). */
export const NR = 8;
/** Most k steps per block. One block up to K = 1024 (the B micro-panel, 32 KB, still stays in
 * L1): every k block after the first reloads and re-stores all of C, which cost 1024^3 15% at
 * KC = 256 (compute 50 -> 59 GFLOP/s single-thread, bench/matmul_ladder.md). */
export const KC = 1024;

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

/** Steps per k block for a K-step product: K cut into equal blocks of at most KC (K = 1100 is two of 550, not 1024 + 76). */
@inline export function kBlock(K: i32): i32 {
  const blocks = (K + KC - 1) / KC;
  return (K + blocks - 1) / blocks;
}

/**
 * Packed operands are laid out k block by k block (blocks of kcb steps): block k0 holds, for every
 * row tile (A) or column panel (B) of the buffer, its kc = min(kcb, K - k0) steps contiguously.
 * So the tiles and panels one k block of the product streams are one contiguous run (the L2 and
 * TLB see one stream, not a jump of K * 32 bytes per panel: 1024^3 ran 50 GFLOP/s against 58 at
 * K = 256 with whole-K panels), and kcb >= K gives the plain [tile][K][MR] / [panel][K][NR] layout.
 * Byte offset of the micro-panel of buffer row / column `first` (a tile / panel start) at k block k0:
 */
@inline export function blockOffset(padded: i32, first: i32, k0: i32, kc: i32): usize {
  return (<usize>padded * <usize>k0 + <usize>first * <usize>kc) << 2;
}

/**
 * Rows of A / columns of B per packing pass and per matMulPackRange unit: where the operand's
 * packed direction runs across its rows in memory (A transposed, B not), each pass reads a run of
 * 64 floats (256 bytes) per k, where a tile / panel at a time read 16 / 32 bytes of a row M or N
 * floats apart per k (a TLB miss per k once the operand outgrows the TLB: 768 x 3072 packed at
 * 1.7 ns per float).
 */
const PACK_SPAN = 64;
/** PACK_SPAN's counterpart for A: whole tiles of MR rows. */
export const PACK_ROWS = MR * 12;

/**
 * Four rows of a row-major matrix (row stride `rowBytes`, kc floats each from src) interleaved:
 * step k's four values go to dst + k * dstStep (20: an A tile's first four rows; 32: half of a B panel). Blocks of
 * 4 steps are transposed in registers; the last kc % 4 steps go one float at a time.
 */
function packFourRows(src: usize, rowBytes: usize, dst: usize, dstStep: usize, kc: i32): void {
  const p0 = src, p1 = p0 + rowBytes, p2 = p1 + rowBytes, p3 = p2 + rowBytes;
  let k = 0;
  for (; k + 4 <= kc; k += 4) {
    const off = <usize>k << 2;
    const r0 = v128.load(p0 + off), r1 = v128.load(p1 + off), r2 = v128.load(p2 + off), r3 = v128.load(p3 + off);
    const t0 = v128.shuffle<u32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<u32>(r2, r3, 0, 4, 1, 5);
    const t2 = v128.shuffle<u32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<u32>(r2, r3, 2, 6, 3, 7);
    const d = dst + <usize>k * dstStep;
    v128.store(d, v128.shuffle<u64>(t0, t1, 0, 2));
    v128.store(d + dstStep, v128.shuffle<u64>(t0, t1, 1, 3));
    v128.store(d + 2 * dstStep, v128.shuffle<u64>(t2, t3, 0, 2));
    v128.store(d + 3 * dstStep, v128.shuffle<u64>(t2, t3, 1, 3));
  }
  for (; k < kc; k++) {
    const off = <usize>k << 2, d = dst + <usize>k * dstStep;
    store<f32>(d, load<f32>(p0 + off)); store<f32>(d, load<f32>(p1 + off), 4);
    store<f32>(d, load<f32>(p2 + off), 8); store<f32>(d, load<f32>(p3 + off), 12);
  }
}

/**
 * Packs rows [mBegin, mEnd) of op(A) (mBegin a multiple of MR) into dst, a buffer of `padded`
 * rows (a multiple of MR) whose first row is A's row `row0`, in k blocks of kcb steps.
 */
export function packA(a: usize, M: i32, K: i32, transA: i32, dst: usize, padded: i32, row0: i32, mBegin: i32, mEnd: i32, kcb: i32): void {
  if (transA) { // a is [K, M]: PACK_ROWS rows at a time, one run of each of A's rows per k
    for (let g0 = mBegin; g0 < mEnd; g0 += PACK_ROWS) {
      const g1 = min(mEnd, g0 + PACK_ROWS);
      const full = g0 + (g1 - g0) / MR * MR; // tiles before this row have all MR rows
      for (let k0 = 0; k0 < K; k0 += kcb) {
        const kc = min(kcb, K - k0);
        const base = dst + blockOffset(padded, g0 - row0, k0, kc);
        const tileBytes = <usize>(kc * MR) << 2;
        for (let k = 0; k < kc; k++) {
          const src = at(a, (k0 + k) * M);
          let d = base + (<usize>(k * MR) << 2);
          for (let m0 = g0; m0 < full; m0 += MR) {
            v128.store(d, v128.load(at(src, m0)));
            store<f32>(d, load<f32>(at(src, m0 + 4)), 16);
            d += tileBytes;
          }
          if (full < g1) {
            for (let r = 0; r < MR; r++) store<f32>(d + (<usize>r << 2), full + r < g1 ? load<f32>(at(src, full + r)) : 0);
          }
        }
      }
    }
    return;
  }
  for (let m0 = mBegin; m0 < mEnd; m0 += MR) { // a is [M, K]: a tile's rows are contiguous runs
    const rows = min(MR, mEnd - m0);
    for (let k0 = 0; k0 < K; k0 += kcb) {
      const kc = min(kcb, K - k0);
      const tile = dst + blockOffset(padded, m0 - row0, k0, kc);
      if (rows == MR) { // rows 0-3 through register transposes, row 4 one float per step
        packFourRows(at(a, m0 * K + k0), <usize>K << 2, tile, MR << 2, kc);
        const src = at(a, (m0 + 4) * K + k0);
        for (let k = 0; k < kc; k++) store<f32>(tile + (<usize>(k * MR + 4) << 2), load<f32>(src + (<usize>k << 2)));
      } else {
        for (let r = 0; r < MR; r++) {
          const src = at(a, (m0 + min(r, rows - 1)) * K + k0);
          for (let k = 0; k < kc; k++) store<f32>(tile + (<usize>(k * MR + r) << 2), r < rows ? load<f32>(src + (<usize>k << 2)) : 0);
        }
      }
    }
  }
}

/**
 * Packs columns [nBegin, nEnd) of op(B) (nBegin a multiple of NR) into dst, a buffer of `padded`
 * columns (a multiple of NR) whose first column is B's column `col0`, in k blocks of kcb steps.
 */
export function packB(b: usize, N: i32, K: i32, transB: i32, dst: usize, padded: i32, col0: i32, nBegin: i32, nEnd: i32, kcb: i32): void {
  if (!transB) { // b is [K, N]: PACK_SPAN columns at a time, one run of each of B's rows per k
    for (let g0 = nBegin; g0 < nEnd; g0 += PACK_SPAN) {
      const g1 = min(nEnd, g0 + PACK_SPAN);
      const full = g0 + (g1 - g0) / NR * NR; // panels before this column have all NR columns
      for (let k0 = 0; k0 < K; k0 += kcb) {
        const kc = min(kcb, K - k0);
        const base = dst + blockOffset(padded, g0 - col0, k0, kc);
        const panelBytes = <usize>kc << 5;
        for (let k = 0; k < kc; k++) {
          const src = at(b, (k0 + k) * N);
          let d = base + (<usize>k << 5);
          for (let n0 = g0; n0 < full; n0 += NR) {
            v128.store(d, v128.load(at(src, n0)));
            v128.store(d, v128.load(at(src, n0), 16), 16);
            d += panelBytes;
          }
          if (full < g1) {
            for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), full + c < g1 ? load<f32>(at(src, full + c)) : 0);
          }
        }
      }
    }
  } else { // b is [N, K]
    for (let n0 = nBegin; n0 < nEnd; n0 += NR) {
      const cols = min(NR, nEnd - n0);
      for (let k0 = 0; k0 < K; k0 += kcb) {
        const kc = min(kcb, K - k0);
        const panel = dst + blockOffset(padded, n0 - col0, k0, kc);
        if (cols == NR) { // two runs of four of B's rows, as packA's tiles
          packFourRows(at(b, n0 * K + k0), <usize>K << 2, panel, 32, kc);
          packFourRows(at(b, (n0 + 4) * K + k0), <usize>K << 2, panel + 16, 32, kc);
          continue;
        }
        for (let c = 0; c < NR; c++) {
          if (c < cols) {
            const src = at(b, (n0 + c) * K + k0);
            for (let k = 0; k < kc; k++) store<f32>(panel + (<usize>(k * NR + c) << 2), load<f32>(src + (<usize>k << 2)));
          } else {
            for (let k = 0; k < kc; k++) store<f32>(panel + (<usize>(k * NR + c) << 2), 0);
          }
        }
      }
    }
  }
}

/** B [K, N] columns n0.. (fewer than NR) -> dst [K][NR], zero padded. */
export function packPanel(b: usize, N: i32, K: i32, n0: i32, dst: usize): void {
  const cols = N - n0;
  for (let k = 0; k < K; k++) {
    const d = dst + (<usize>k << 5);
    v128.store(d, f32x4.splat(0)); v128.store(d, f32x4.splat(0), 16);
    for (let j = 0; j < cols; j++) store<f32>(d + (<usize>j << 2), load<f32>(at(b, k * N + n0 + j)));
  }
}

/** Bytes of the shared packed operands of matMulPackRange / matMulPackedRange (one batch): A tiles, then B panels. */
export function matMulPackedBytes(M: i32, N: i32, K: i32): i32 {
  return ((M + MR - 1) / MR * MR + (N + NR - 1) / NR * NR) * K * 4;
}

/**
 * Packs one batch's operands for matMulPackedRange, work units [first, last) of
 * ceil(M / PACK_ROWS) + ceil(N / PACK_SPAN): unit u is A's rows [u * PACK_ROWS, ...) while
 * u < ceil(M / PACK_ROWS), then B's columns [.. * PACK_SPAN, ...). packed holds
 * matMulPackedBytes(M, N, K) bytes.
 */
export function matMulPackRange(a: usize, b: usize, M: i32, N: i32, K: i32, transA: i32, transB: i32, packed: usize, first: i32, last: i32): void {
  const aUnits = (M + PACK_ROWS - 1) / PACK_ROWS;
  const aPadded = (M + MR - 1) / MR * MR, bPadded = (N + NR - 1) / NR * NR;
  const packedB = packed + (<usize>aPadded * <usize>K << 2);
  const kcb = kBlock(K);
  for (let u = first; u < last; u++) {
    if (u < aUnits) {
      const m0 = u * PACK_ROWS;
      packA(a, M, K, transA, packed, aPadded, 0, m0, min(M, m0 + PACK_ROWS), kcb);
    } else {
      const n0 = (u - aUnits) * PACK_SPAN;
      packB(b, N, K, transB, packedB, bPadded, 0, n0, min(N, n0 + PACK_SPAN), kcb);
    }
  }
}
