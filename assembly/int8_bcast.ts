// int8 conv2d with few input channels (inC = 3, 12, ...) on the u8 relaxed dot (DOT_U8 of
// assembly/int8_relaxed.ts; taken only where the probe in src/backends/wasm/int8.ts passed): the
// compact patches of assembly/int8_im2col.ts as u8 bytes (x + 128: int8BiasCompact's input, gathered
// by each unit of int8BcastRange for its 4 pixels, so on every thread), and a matMul over them in which each lane of a relaxed dot is one output channel: 4 patch bytes broadcast to all
// lanes (v128.load32_splat) against 4 bytes of 4 channels (int8InterleaveU8Weights: per group of 4
// patch values, 4 bytes of each channel). Short rows (27 values for a 3x3 RGB filter) then need no
// horizontal sums and no padding to 16: an [8 channels x 4 pixels] block per group of 4 values.
// Taps outside the image hold zp + 128, so that, as everywhere in DOT_U8,
// sum (x - zp) w = sum (x + 128) w - (128 + zp) sum w over the channel's weights.
import { biasVec, finishTile, finishVec, padRow, scaleVec, setEpilogue, vecEpilogueAct } from './int8';
import { gatherRows } from './int8_im2col';

@inline function rowBytesOf(cols: i32): i32 {
  return ((cols + 3) >> 2) << 2;
}

/** Packed int8 NHWC pixels (inC values each, rowBytesOf(inC) apart) -> u8 values x + 128 back to back, plus 16 bytes of slack. */
export function int8BiasCompact(x: usize, pixels: i32, inC: i32, dst: usize): void {
  const rowBytes = <usize>rowBytesOf(inC);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < inC; c++) store<u8>(dst + <usize>(p * inC + c), <u8>(<i32>load<i8>(x + <usize>p * rowBytes + c) + 128));
  }
  v128.store(dst + <usize>(pixels * inC), v128.splat<i32>(0));
}

/**
 * Packed conv weights [outC, taps, rowBytesOf(inC)] -> groups of 4 patch values: group g holds, for
 * channels 0 .. nPad - 1 (nPad a multiple of 8), the channel's values 4g .. 4g + 3 (value t * inC + c
 * is tap t, channel c; zero past taps * inC and for channels past outC); cols / 4 groups. wsum[n]:
 * channel n's sum of weights (0 past outC).
 */
export function int8InterleaveU8Weights(w: usize, outC: i32, taps: i32, inC: i32, dst: usize, cols: i32, nPad: i32, wsum: usize): void {
  const rowBytes = <usize>rowBytesOf(inC), K = taps * inC;
  memory.fill(dst, 0, <usize>cols * <usize>nPad);
  memory.fill(wsum, 0, <usize>nPad << 2);
  for (let n = 0; n < outC; n++) {
    let total = 0;
    for (let k = 0; k < K; k++) {
      const v = <i32>load<i8>(w + (<usize>n * <usize>taps + <usize>(k / inC)) * rowBytes + <usize>(k % inC));
      store<i8>(dst + <usize>(k >> 2) * <usize>(nPad << 2) + <usize>(n << 2) + <usize>(k & 3), <i8>v);
      total += v;
    }
    store<i32>(wsum + (<usize>n << 2), total);
  }
}

/** Bytes of per-thread scratch for int8BcastRange: a 4 x nPad int32 tile, 4 patch rows of `cols` bytes and slack. */
export function int8BcastScratchBytes(nPad: i32, cols: i32): i32 {
  return 16 * nPad + 4 * cols + 32;
}

/**
 * int8Conv2d's matMul over u8 patches, units [begin, end) of 4 patch rows (pixels) x all channels:
 * xc: int8BiasCompact's input, whose patches (gatherRows, cols bytes a row, cols a multiple of 8,
 * taps outside the image zp + 128) each unit gathers; params: the ConvGeometry block
 * (src/backends/wasm/kernels.ts writeGeometry); w: int8InterleaveU8Weights's groups with channel
 * sums wsum; M pixels, N channels; epilogue as int8MatMulRange. scratch: int8BcastScratchBytes(nPad, cols).
 */
export function int8BcastRange(
  xc: usize, params: usize, w: usize, wScale: usize, bias: usize, out: usize, M: i32, N: i32, cols: i32, nPad: i32, wsum: usize, aZp: i32,
  aScale: f32, act: i32, alpha: f64, outInt8: i32, outScale: f64, outZp: i32, scratch: usize, begin: i32, end: i32,
): void {
  if (!ASC_FEATURE_RELAXED_SIMD) return;
  setEpilogue(wScale, bias, aScale, act, alpha, outInt8, outScale, outZp);
  const tile = scratch, tileStride = <usize>nPad << 2, groupBytes = <usize>nPad << 2, groups = cols >> 2;
  const patches = tile + 4 * tileStride, rowBytes = <usize>cols;
  const zw = i32x4.splat(-128 - aZp), vecAct = vecEpilogueAct(), outRow = <usize>N << 2;
  for (let u = begin; u < end; u++) {
    const r0 = u * 4;
    // float32 outputs of 4 whole rows: blocks of 8 channels below `direct` go straight from the sums to out
    const direct = vecAct >= 0 && r0 + 4 <= M ? N & ~7 : 0;
    // this unit's patch rows, gathered here (so on every thread); rows past M read the first
    const rows = min(4, M - r0);
    gatherRows(xc, params, 1, aZp + 128, patches, rowBytes, r0, r0 + rows);
    const x0 = patches, x1 = patches + <usize>min(1, rows - 1) * rowBytes;
    const x2 = patches + <usize>min(2, rows - 1) * rowBytes, x3 = patches + <usize>min(3, rows - 1) * rowBytes;
    for (let n = 0; n < nPad; n += 8) {
      // the sums start at -(128 + zp) sum w, the u8 bias and zero point terms of each channel
      const c0 = i32x4.mul(zw, v128.load(wsum + (<usize>n << 2))), c1 = i32x4.mul(zw, v128.load(wsum + (<usize>n << 2), 16));
      let a00 = c0, a01 = c1, a10 = c0, a11 = c1, a20 = c0, a21 = c1, a30 = c0, a31 = c1;
      let q = w + (<usize>n << 2);
      for (let g = 0; g < groups; g++, q += groupBytes) {
        const k = <usize>g << 2;
        const h0 = v128.load(q), h1 = v128.load(q, 16);
        let x = v128.load32_splat(x0 + k);
        a00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a00); a01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a01);
        x = v128.load32_splat(x1 + k);
        a10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a10); a11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a11);
        x = v128.load32_splat(x2 + k);
        a20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a20); a21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a21);
        x = v128.load32_splat(x3 + k);
        a30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a30); a31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a31);
      }
      if (n < direct) {
        const s0 = scaleVec(n), s1 = scaleVec(n + 4), b0 = biasVec(n), b1 = biasVec(n + 4);
        const o = out + ((<usize>r0 * <usize>N + <usize>n) << 2);
        v128.store(o, finishVec(a00, s0, b0, vecAct)); v128.store(o, finishVec(a01, s1, b1, act), 16);
        v128.store(o + outRow, finishVec(a10, s0, b0, vecAct)); v128.store(o + outRow, finishVec(a11, s1, b1, act), 16);
        v128.store(o + 2 * outRow, finishVec(a20, s0, b0, vecAct)); v128.store(o + 2 * outRow, finishVec(a21, s1, b1, act), 16);
        v128.store(o + 3 * outRow, finishVec(a30, s0, b0, vecAct)); v128.store(o + 3 * outRow, finishVec(a31, s1, b1, act), 16);
        continue;
      }
      const at = tile + (<usize>n << 2);
      v128.store(at, a00); v128.store(at, a01, 16);
      v128.store(at + tileStride, a10); v128.store(at + tileStride, a11, 16);
      v128.store(at + 2 * tileStride, a20); v128.store(at + 2 * tileStride, a21, 16);
      v128.store(at + 3 * tileStride, a30); v128.store(at + 3 * tileStride, a31, 16);
    }
    finishTile(out, r0, M, direct, N, N, tile + (<usize>direct << 2), tileStride);
    for (let r = r0; r < min(M, r0 + 4); r++) padRow(out, r, N);
  }
}
