// conv2d (NHWC, filter [fh, fw, inC, outC]) with the fused bias/activation epilogue, and its two
// backprops. The forward is an implicit GEMM, never an im2col buffer: the filter is packed into
// panels of 8 output channels ([panel][tap][inC][8], zero padded) and a 6-pixel (5 in the plain
// SIMD build, 4 on the inC < 8 path) x 8-channel register tile accumulates over the taps. Two ways
// to find the input of a tap:
// - inC >= 8 (convIndirect): per block of 240 output pixels, a table of input pointers per
//   (pixel, tap), padding taps pointing at a zero row (XNNPACK's indirection idea). Border pixels
//   and small images (pixel groups span rows and images) run at full speed.
// - 3x3, stride 1, dilation 1 with channels multiples of 4 (conv_winograd.ts, wgEligible): Winograd
//   F(2x2, 3x3), 16 products per 2x2 tile instead of 36, on the same register tile.
// - inC < 8 (first layers): per output row, pixels whose window is inside the image along x run
//   the 4x8 tile with the taps of one filter row merged into one run of fw*inC when the x
//   dilation is 1; border pixels take a 1-pixel path that checks every tap.
// Geometry arrives in a params block of i32s (G_* slots below), written by the TS side.
import { mayWinograd, wgEligible, wgPackFilter, wgRange, wgThreadBytes, wgUnits } from './conv_winograd';
import { epilogueRow, storeRow } from './matmul';
import { madd } from './simd_math';

// Geometry slots of the params block (i32 each), in ConvGeometry order.
export const G_BATCH = 0, G_INH = 1, G_INW = 2, G_INC = 3, G_OUTH = 4, G_OUTW = 5, G_OUTC = 6, G_FH = 7,
  G_FW = 8, G_SH = 9, G_SW = 10, G_DH = 11, G_DW = 12, G_PT = 13, G_PL = 14;

@inline export function geo(params: usize, slot: i32): i32 { return load<i32>(params + (<usize>slot << 2)); }
@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

/** Bytes of scratch conv2d needs: the packed filter (conv2dPackedBytes), then one thread's tables (the direct path's edge tile
 * and indirection table, or the Winograd path's, whichever is larger where both may run). */
export function conv2dScratchBytes(fh: i32, fw: i32, inC: i32, outC: i32): i32 {
  const indirection = inC >= INDIRECT_MIN_C ? PIX_BLOCK * fh * fw * 4 + ((inC + 3) & ~3) * 4 : 0;
  return conv2dPackedBytes(fh, fw, inC, outC) + max(4 * 8 * 4 + indirection + 32, mayWinograd(fh, fw, inC, outC) ? wgThreadBytes(inC, outC) : 0);
}



/** From this many input channels up, conv2d uses the indirection path (see convIndirect). */
const INDIRECT_MIN_C = 8;
/** Output pixels per indirection block (at most; the pool may ask for smaller blocks to split
 * finer): bounds the pointer table to PIX_BLOCK * taps entries; a multiple of 4 and of both IND_MRs
 * (a block of groups * IND_MR > PIX_BLOCK pixels would write pointers over the zero row). */
const PIX_BLOCK = 240;
/**
 * Output pixels per register tile of the indirection path (tileIndirect): 6 in the relaxed build,
 * where 12 accumulators + 2 panel vectors + 1 broadcast fill V8's 15 usable xmm registers; 5 in the
 * plain SIMD build, whose separate multiply needs one more register (6 spills there: 2-4% slower).
 */
export const IND_MR = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;

/** Bytes of scratch conv2dBackpropInput needs: the filter transposed per tap to [tap][outC][inC]. */
export function conv2dBackpropInputScratchBytes(fh: i32, fw: i32, inC: i32, outC: i32): i32 {
  return fh * fw * inC * outC * 4 + 16;
}

/** o[0..cols) = the first `cols` lanes of (v0, v1): matmul.ts's storeRow, as one call instead of a copy inlined per tile row. */
function storeConvRow(o: usize, v0: v128, v1: v128, cols: i32): void {
  storeRow(o, v0, v1, cols, false);
}

/** f viewed [K][N] -> dst [ceil(N/8)][K][8], zero padded. */
function packPanels(f: usize, K: i32, N: i32, dst: usize): void {
  for (let n0 = 0; n0 < N; n0 += 8) {
    const cols = min(8, N - n0);
    const panel = dst + (<usize>n0 * <usize>K << 2);
    for (let k = 0; k < K; k++) {
      const src = at(f, k * N + n0);
      const d = panel + (<usize>k << 5);
      if (cols == 8) {
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      } else {
        for (let c = 0; c < 8; c++) store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(src + (<usize>c << 2)) : 0);
      }
    }
  }
}


/**
 * Four output pixels x 8 channels. xp: input of pixel 0 at (first valid filter row, kx = 0);
 * ps: bytes between the pixels; per filter row xp advances xStepY and bp bStepY; each row is nseg
 * segments of segLen (x advancing xStepSeg, the panel bStepSeg between segments).
 */
function tile4x8(
  xp: usize, xStepY: usize, ps: usize, bp: usize, bStepY: usize, nky: i32, nseg: i32, segLen: i32,
  xStepSeg: usize, bStepSeg: usize, o: usize, ldo: usize, cols: i32,
): void {
  const ps2 = ps + ps, ps3 = ps2 + ps;
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let y = 0; y < nky; y++) {
    let xs = xp, bs = bp;
    for (let s = 0; s < nseg; s++) {
      let a = xs, b = bs;
      for (let k = 0; k < segLen; k++) {
        const b0 = v128.load(b);
        const b1 = v128.load(b, 16);
        const a0 = v128.load32_splat(a);
        c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
        const a1 = v128.load32_splat(a + ps);
        c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
        const a2 = v128.load32_splat(a + ps2);
        c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
        const a3 = v128.load32_splat(a + ps3);
        c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
        a += 4; b += 32;
      }
      xs += xStepSeg; bs += bStepSeg;
    }
    xp += xStepY; bp += bStepY;
  }
  storeConvRow(o, c00, c01, cols);
  storeConvRow(o + ldo, c10, c11, cols);
  storeConvRow(o + 2 * ldo, c20, c21, cols);
  storeConvRow(o + 3 * ldo, c30, c31, cols);
}

/** One output pixel x 8 channels, skipping taps outside the image along x. */
function pixel1x8(
  rowp: usize, rowStepY: usize, nky: i32, bp: usize, bStepY: usize, ix0: i32, fw: i32, dW: i32, inW: i32, inC: i32,
  o: usize, cols: i32,
): void {
  let c0 = f32x4.splat(0), c1 = c0;
  for (let y = 0; y < nky; y++) {
    for (let kx = 0; kx < fw; kx++) {
      const ix = ix0 + kx * dW;
      if (ix < 0 || ix >= inW) continue;
      let a = rowp + (<usize>(ix * inC) << 2);
      let b = bp + (<usize>(kx * inC) << 5);
      for (let k = 0; k < inC; k++) {
        const av = v128.load32_splat(a);
        c0 = madd(av, v128.load(b), c0); c1 = madd(av, v128.load(b, 16), c1);
        a += 4; b += 32;
      }
    }
    rowp += rowStepY; bp += bStepY;
  }
  storeConvRow(o, c0, c1, cols);
}

/**
 * IND_MR output pixels x 8 channels through an indirection table: ind holds, per tap, the
 * IND_MR pixels' input pointers (a zero row for taps in the padding), so the pixels may come from
 * different rows or images and border pixels cost the same as interior ones. 6 x 8 in the relaxed
 * build (issue 9, Chromium A/B against 5 x 8: up to 10% faster on the bench's 3x3 convs and 1x1s;
 * same sums in the same order, so bit-identical); the sixth row compiles away in the plain build.
 */
export function tileIndirect(ind: usize, taps: i32, inC: i32, bp: usize, o: usize, ldo: usize, rows: i32, cols: i32): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (let t = 0; t < taps; t++) {
    const p0 = <usize>load<u32>(ind), p1 = <usize>load<u32>(ind, 4), p2 = <usize>load<u32>(ind, 8), p3 = <usize>load<u32>(ind, 12);
    const p4 = <usize>load<u32>(ind, 16), p5 = IND_MR > 5 ? <usize>load<u32>(ind, 20) : 0;
    ind += IND_MR * 4;
    const end = p0 + (<usize>inC << 2);
    let off: usize = 0;
    for (let a = p0; a < end; a += 4) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      const a0 = v128.load32_splat(a);
      c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
      const a1 = v128.load32_splat(p1 + off);
      c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
      const a2 = v128.load32_splat(p2 + off);
      c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
      const a3 = v128.load32_splat(p3 + off);
      c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
      const a4 = v128.load32_splat(p4 + off);
      c40 = madd(a4, b0, c40); c41 = madd(a4, b1, c41);
      if (IND_MR > 5) {
        const a5 = v128.load32_splat(p5 + off);
        c50 = madd(a5, b0, c50); c51 = madd(a5, b1, c51);
      }
      off += 4; bp += 32;
    }
  }
  storeConvRow(o, c00, c01, cols);
  if (rows > 1) storeConvRow(o + ldo, c10, c11, cols);
  if (rows > 2) storeConvRow(o + 2 * ldo, c20, c21, cols);
  if (rows > 3) storeConvRow(o + 3 * ldo, c30, c31, cols);
  if (rows > 4) storeConvRow(o + 4 * ldo, c40, c41, cols);
  if (IND_MR > 5 && rows > 5) storeConvRow(o + 5 * ldo, c50, c51, cols);
}

/**
 * conv2d for inC >= INDIRECT_MIN_C: output pixels (flattened over batch and rows) go in blocks of
 * PIX_BLOCK; per block an indirection table of input pointers is built once, then every panel of 8
 * output channels sweeps the block's IND_MR-pixel groups (the panel stays in cache across the block).
 */
function convIndirect(
  x: usize, out: usize, panels: usize, K: i32, ind: usize, zero: usize, params: usize,
  bias: usize, biasSize: i32, act: i32, alpha: f32, prelu: usize, preluSize: i32, firstBlock: i32, lastBlock: i32, block: i32,
): void {
  const batch = geo(params, G_BATCH), inH = geo(params, G_INH), inW = geo(params, G_INW), inC = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW), outC = geo(params, G_OUTC);
  const fh = geo(params, G_FH), fw = geo(params, G_FW), sH = geo(params, G_SH), sW = geo(params, G_SW);
  const dH = geo(params, G_DH), dW = geo(params, G_DW), pT = geo(params, G_PT), pL = geo(params, G_PL);
  const taps = fh * fw;
  const P = batch * outH * outW;
  const ldo = <usize>outC << 2;
  memory.fill(zero, 0, <usize>inC << 2);
  for (let p0 = firstBlock * block; p0 < min(P, lastBlock * block); p0 += block) {
    const np = min(block, P - p0);
    const groups = (np + IND_MR - 1) / IND_MR;
    for (let q = 0; q < groups * IND_MR; q++) {
      const g = q / IND_MR, j = q % IND_MR;
      const slot = ind + (<usize>(g * taps * IND_MR + j) << 2);
      if (q >= np) {
        for (let t = 0; t < taps; t++) store<u32>(slot + (<usize>(t * IND_MR) << 2), <u32>zero);
        continue;
      }
      const p = p0 + q;
      const ox = p % outW, rest = p / outW;
      const oy = rest % outH, b = rest / outH;
      for (let ky = 0; ky < fh; ky++) {
        const iy = oy * sH - pT + ky * dH;
        for (let kx = 0; kx < fw; kx++) {
          const ix = ox * sW - pL + kx * dW;
          const inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
          const ptr = inside ? x + (<usize>(((b * inH + iy) * inW + ix) * inC) << 2) : zero;
          store<u32>(slot + (<usize>((ky * fw + kx) * IND_MR) << 2), <u32>ptr);
        }
      }
    }
    const oBlock = out + <usize>p0 * ldo;
    for (let n0 = 0; n0 < outC; n0 += 8) {
      const cols = min(8, outC - n0);
      const bp = panels + (<usize>n0 * <usize>K << 2);
      for (let g = 0; g < groups; g++) {
        tileIndirect(ind + (<usize>(g * taps * IND_MR) << 2), taps, inC, bp, oBlock + <usize>(g * IND_MR) * ldo + (<usize>n0 << 2), ldo, min(IND_MR, np - g * IND_MR), cols);
      }
    }
    if (bias || act != 0) {
      for (let q = 0; q < np; q++) epilogueRow(oBlock + <usize>q * ldo, outC, bias, biasSize, act, alpha, prelu, preluSize);
    }
  }
}

/** First and one-past-last filter index k in [0, n) whose position base + k*step lies in [0, limit). */
@inline export function validRange(base: i32, step: i32, n: i32, limit: i32): u64 {
  let lo = 0;
  while (lo < n && base + lo * step < 0) lo++;
  let hi = n;
  while (hi > lo && base + (hi - 1) * step >= limit) hi--;
  return (<u64>lo << 32) | <u64>hi;
}

/**
 * Output row (or column) that input row i reaches through filter tap k (window start
 * i + pad - k * dilation a non-negative multiple of the stride and below outDim), or -1.
 */
@inline export function outIndex(i: i32, k: i32, pad: i32, dilation: i32, stride: i32, outDim: i32): i32 {
  const n = i + pad - k * dilation;
  if (n < 0 || n % stride != 0) return -1;
  const o = n / stride;
  return o < outDim ? o : -1;
}

/** out = act(conv2d(x, f) + bias). params: geometry block; scratch: conv2dScratchBytes. */
export function conv2d(
  x: usize, f: usize, out: usize, params: usize, bias: usize, biasSize: i32, act: i32, alpha: f32,
  prelu: usize, preluSize: i32, scratch: usize,
): void {
  conv2dPackFilter(f, params, scratch);
  const packedBytes = <usize>conv2dPackedBytes(geo(params, G_FH), geo(params, G_FW), geo(params, G_INC), geo(params, G_OUTC));
  conv2dPackedRange(x, scratch, out, params, bias, biasSize, act, alpha, prelu, preluSize, scratch + packedBytes, 0, conv2dUnits(params, PIX_BLOCK), PIX_BLOCK);
}

/**
 * The work units conv2dPackedRange splits over: blocks of `block` (at most PIX_BLOCK; a multiple of IND_MR wastes no tile rows)
 * output pixels on the indirection path (inC >= 8), else output rows (batch * outH). Each
 * pixel's outputs are computed the same way whatever the blocks and the split (a pixel group's
 * lanes never mix), so a worker pool's ranges give bit-identical results.
 */
export function conv2dUnits(params: usize, block: i32): i32 {
  if (wgEligible(params)) return wgUnits(params, block);
  const P = geo(params, G_BATCH) * geo(params, G_OUTH) * geo(params, G_OUTW);
  return geo(params, G_INC) >= INDIRECT_MIN_C ? (P + block - 1) / block : geo(params, G_BATCH) * geo(params, G_OUTH);
}

/** Bytes of conv2d's packed filter panels (conv2dPackFilter); conv2dPackedRange needs conv2dScratchBytes minus these. */
export function conv2dPackedBytes(fh: i32, fw: i32, inC: i32, outC: i32): i32 {
  return max(((outC + 7) >> 3) * 8 * fh * fw * inC * 4, mayWinograd(fh, fw, inC, outC) ? 16 * inC * ((outC + 7) & ~7) * 4 : 0); // Winograd: U[16][inC][outC rounded to 8]
}

/** Packs the filter into conv2d's panels of 8 output channels at dst (conv2dPackedBytes), Winograd-transformed where that path runs. */
export function conv2dPackFilter(f: usize, params: usize, dst: usize): void {
  if (wgEligible(params)) return wgPackFilter(f, params, dst);
  packPanels(f, geo(params, G_FH) * geo(params, G_FW) * geo(params, G_INC), geo(params, G_OUTC), dst);
}

/**
 * conv2d over units [first, last) of conv2dUnits(params, block) with the filter already packed
 * (conv2dPackFilter) at panels, so threads share one packed copy; scratch: conv2dScratchBytes -
 * conv2dPackedBytes.
 */
export function conv2dPackedRange(
  x: usize, panels: usize, out: usize, params: usize, bias: usize, biasSize: i32, act: i32, alpha: f32,
  prelu: usize, preluSize: i32, scratch: usize, first: i32, last: i32, block: i32,
): void {
  const batch = geo(params, G_BATCH), inH = geo(params, G_INH), inW = geo(params, G_INW), inC = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW), outC = geo(params, G_OUTC);
  const fh = geo(params, G_FH), fw = geo(params, G_FW), sH = geo(params, G_SH), sW = geo(params, G_SW);
  const dH = geo(params, G_DH), dW = geo(params, G_DW), pT = geo(params, G_PT), pL = geo(params, G_PL);
  const K = fh * fw * inC;
  if (wgEligible(params)) {
    wgRange(x, panels, out, params, bias, biasSize, act, alpha, prelu, preluSize, scratch, first, last, block);
    return;
  }
  if (inC >= INDIRECT_MIN_C) {
    const ind = scratch + 4 * 8 * 4;
    const zero = ind + (<usize>(PIX_BLOCK * fh * fw) << 2);
    convIndirect(x, out, panels, K, ind, (zero + 15) & ~15, params, bias, biasSize, act, alpha, prelu, preluSize, first, last, block);
    return;
  }
  const rowStride = <usize>(inW * inC) << 2;
  const ps = <usize>(sW * inC) << 2;
  const ldo = <usize>outC << 2;
  // Output columns whose whole window row is inside the image: [oxLo, oxHi).
  let oxLo = 0;
  while (oxLo < outW && oxLo * sW - pL < 0) oxLo++;
  let oxHi = oxLo;
  while (oxHi < outW && oxHi * sW - pL + (fw - 1) * dW < inW && oxHi * sW - pL >= 0) oxHi++;
  const contiguous = dW == 1;
  const nseg = contiguous ? 1 : fw;
  const segLen = contiguous ? fw * inC : inC;
  const xStepSeg: usize = <usize>(dW * inC) << 2;
  const bStepSeg: usize = <usize>inC << 5;
  const bStepY: usize = <usize>(fw * inC) << 5;
  for (let row = first; row < last; row++) {
    const b = row / outH, oy = row % outH;
    const img = x + <usize>b * <usize>inH * rowStride;
    {
      const iy0 = oy * sH - pT;
      const r = validRange(iy0, dH, fh, inH);
      const kyLo = <i32>(r >> 32), nky = <i32>(r & 0xffffffff) - kyLo;
      const rowp = img + <usize>max(0, iy0 + kyLo * dH) * rowStride;
      const xStepY = <usize>dH * rowStride;
      const orow = out + (<usize>((b * outH + oy) * outW) * ldo);
      for (let n0 = 0; n0 < outC; n0 += 8) {
        const cols = min(8, outC - n0);
        const bp = panels + (<usize>n0 * <usize>K << 2) + <usize>kyLo * bStepY;
        let ox = 0;
        for (; ox < oxLo; ox++) {
          pixel1x8(rowp, xStepY, nky, bp, bStepY, ox * sW - pL, fw, dW, inW, inC, orow + <usize>ox * ldo + (<usize>n0 << 2), cols);
        }
        for (; ox + 4 <= oxHi; ox += 4) {
          const xp = rowp + (<usize>((ox * sW - pL) * inC) << 2);
          tile4x8(xp, xStepY, ps, bp, bStepY, nky, nseg, segLen, xStepSeg, bStepSeg, orow + <usize>ox * ldo + (<usize>n0 << 2), ldo, cols);
        }
        for (; ox < outW; ox++) {
          pixel1x8(rowp, xStepY, nky, bp, bStepY, ox * sW - pL, fw, dW, inW, inC, orow + <usize>ox * ldo + (<usize>n0 << 2), cols);
        }
      }
      if (bias || act != 0) {
        for (let ox = 0; ox < outW; ox++) epilogueRow(orow + <usize>ox * ldo, outC, bias, biasSize, act, alpha, prelu, preluSize);
      }
    }
  }
}

/**
 * o[0..N) (+)= sum over k < K of a[k * aStride bytes] * B[k * ldb bytes + n]: a row vector times a
 * matrix, 16 columns held in registers across all of K.
 */
export function vecMatAcc(o: usize, a: usize, aStride: usize, B: usize, ldb: usize, K: i32, N: i32, accumulate: bool): void {
  let n = 0;
  for (; n + 16 <= N; n += 16) {
    const op = at(o, n);
    let c0 = f32x4.splat(0), c1 = c0, c2 = c0, c3 = c0;
    if (accumulate) { c0 = v128.load(op); c1 = v128.load(op, 16); c2 = v128.load(op, 32); c3 = v128.load(op, 48); }
    let ap = a, bp = at(B, n);
    for (let k = 0; k < K; k++) {
      const s = v128.load32_splat(ap);
      c0 = madd(s, v128.load(bp), c0); c1 = madd(s, v128.load(bp, 16), c1);
      c2 = madd(s, v128.load(bp, 32), c2); c3 = madd(s, v128.load(bp, 48), c3);
      ap += aStride; bp += ldb;
    }
    v128.store(op, c0); v128.store(op, c1, 16); v128.store(op, c2, 32); v128.store(op, c3, 48);
  }
  for (; n + 4 <= N; n += 4) {
    const op = at(o, n);
    let c0 = accumulate ? v128.load(op) : f32x4.splat(0);
    let ap = a, bp = at(B, n);
    for (let k = 0; k < K; k++) {
      c0 = madd(v128.load32_splat(ap), v128.load(bp), c0);
      ap += aStride; bp += ldb;
    }
    v128.store(op, c0);
  }
  for (; n < N; n++) {
    let s: f32 = accumulate ? load<f32>(at(o, n)) : 0;
    let ap = a, bp = at(B, n);
    for (let k = 0; k < K; k++) {
      s += load<f32>(ap) * load<f32>(bp);
      ap += aStride; bp += ldb;
    }
    store<f32>(at(o, n), s);
  }
}

/**
 * dx = conv2dBackpropInput(dy, f), gathered per input pixel: every tap (ky, kx) that some output
 * pixel reaches from it adds dy[that pixel] x f[ky,kx]^T. scratch: conv2dBackpropInputScratchBytes.
 */
export function conv2dBackpropInput(dy: usize, f: usize, dx: usize, params: usize, scratch: usize): void {
  conv2dBackpropInputRange(dy, f, dx, params, scratch, 0, geo(params, G_BATCH) * geo(params, G_INH));
}

/** conv2dBackpropInput for input rows [first, last) of batch * inH (each call transposes the filter into its scratch). */
export function conv2dBackpropInputRange(dy: usize, f: usize, dx: usize, params: usize, scratch: usize, first: i32, last: i32): void {
  const batch = geo(params, G_BATCH), inH = geo(params, G_INH), inW = geo(params, G_INW), inC = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW), outC = geo(params, G_OUTC);
  const fh = geo(params, G_FH), fw = geo(params, G_FW), sH = geo(params, G_SH), sW = geo(params, G_SW);
  const dH = geo(params, G_DH), dW = geo(params, G_DW), pT = geo(params, G_PT), pL = geo(params, G_PL);
  // fT[tap][co][ci] = f[tap][ci][co]
  const tapBytes = <usize>(inC * outC) << 2;
  for (let t = 0; t < fh * fw; t++) {
    const src = f + <usize>t * tapBytes, dst = scratch + <usize>t * tapBytes;
    for (let ci = 0; ci < inC; ci++) {
      for (let co = 0; co < outC; co++) store<f32>(at(dst, co * inC + ci), load<f32>(at(src, ci * outC + co)));
    }
  }
  const ldb = <usize>inC << 2;
  for (let row = first; row < last; row++) {
    const b = row / inH, iy = row % inH;
    {
      for (let ix = 0; ix < inW; ix++) {
        const o = at(dx, ((b * inH + iy) * inW + ix) * inC);
        memory.fill(o, 0, <usize>inC << 2);
        for (let ky = 0; ky < fh; ky++) {
          const oy = outIndex(iy, ky, pT, dH, sH, outH);
          if (oy < 0) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ox = outIndex(ix, kx, pL, dW, sW, outW);
            if (ox < 0) continue;
            vecMatAcc(o, at(dy, ((b * outH + oy) * outW + ox) * outC), 4, scratch + <usize>(ky * fw + kx) * tapBytes, ldb, outC, inC, true);
          }
        }
      }
    }
  }
}

/**
 * dFilter[ky,kx,ci,:] = sum over output pixels of x[tap input, ci] * dy[pixel, :]. For each tap and
 * output row, the output columns whose tap is in the image form one strided run, so each
 * (tap, row, ci) is a single vector-matrix product over that run.
 */
export function conv2dBackpropFilter(x: usize, dy: usize, df: usize, params: usize): void {
  conv2dBackpropFilterRange(x, dy, df, params, 0, geo(params, G_FH) * geo(params, G_FW) * geo(params, G_INC));
}

/**
 * conv2dBackpropFilter for the filter rows [first, last) of taps * inC (row = tap * inC + ci, each
 * a dFilter[ky, kx, ci, :] vector). Each row sums over (batch, output row) in the same order
 * whatever the split, so ranges are bit-identical to the whole.
 */
export function conv2dBackpropFilterRange(x: usize, dy: usize, df: usize, params: usize, first: i32, last: i32): void {
  const batch = geo(params, G_BATCH), inH = geo(params, G_INH), inW = geo(params, G_INW), inC = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW), outC = geo(params, G_OUTC);
  const fw = geo(params, G_FW), sH = geo(params, G_SH), sW = geo(params, G_SW);
  const dH = geo(params, G_DH), dW = geo(params, G_DW), pT = geo(params, G_PT), pL = geo(params, G_PL);
  if (last <= first) return;
  memory.fill(at(df, first * outC), 0, <usize>((last - first) * outC) << 2);
  const aStride = <usize>(sW * inC) << 2;
  const ldb = <usize>outC << 2;
  for (let tap = first / inC; tap * inC < last; tap++) {
    const ky = tap / fw, kx = tap % fw;
    const ciLo = max(first - tap * inC, 0), ciHi = min(last - tap * inC, inC);
    // output columns [oxA, oxA + count) with ix = ox*sW - pL + kx*dW inside [0, inW)
    const run = validRange(kx * dW - pL, sW, outW, inW);
    const oxA = <i32>(run >> 32), count = <i32>(run & 0xffffffff) - oxA;
    if (count <= 0) continue;
    const ix = oxA * sW - pL + kx * dW;
    const dfTap = at(df, tap * inC * outC);
    for (let b = 0; b < batch; b++) {
      for (let oy = 0; oy < outH; oy++) {
        const iy = oy * sH - pT + ky * dH;
        if (iy < 0 || iy >= inH) continue;
        const xp = at(x, ((b * inH + iy) * inW + ix) * inC);
        const dyp = at(dy, ((b * outH + oy) * outW + oxA) * outC);
        for (let ci = ciLo; ci < ciHi; ci++) {
          vecMatAcc(at(dfTap, ci * outC), at(xp, ci), aStride, dyp, ldb, count, outC, true);
        }
      }
    }
  }
}
