// int8 quantized kernels (issue 12): quantize / dequantize, and int8 matMul, conv2d and depthwise
// conv2d with the requantize epilogue of src/backends/kernels.ts (KernelAttrs.int8MatMul), bit for
// bit as the js reference (src/backends/js/int8.ts).
//
// Activations are first widened to i16 with the zero point subtracted (int8Widen: rows padded with
// zeros to a multiple of 8), so the hot loops need no zero-point arithmetic. Weights stay packed
// int8 and are widened on load (v128.load8x8_s). The dot products run along K (matMul) or inC
// (conv, per tap) with i32x4.dot_i16x8_s into int32 accumulators: exact, so the order of the sums
// never changes a result, and any split over threads gives identical bits. Reading 8 weights at a
// time may run up to 4 bytes past a weight row (rows hold a multiple of 4): those bytes meet the
// zero padding of the widened activations, and the arena rounds every block up to 16 bytes.
// The relaxed-SIMD build can take an int8 dot instead (assembly/int8_relaxed.ts: DOT_U8, DOT_SPLIT),
// each only after a probe gave exact sums on the running engine (src/backends/wasm/int8.ts).
import { applyActivation } from './generated_dispatch';
import { DOT_SPLIT, DOT_U8, correctTile, dot4x2Relaxed, dot4x2U8, hsum4 } from './int8_relaxed';

@inline function clampRound(r: f64, zp: i32): i32 {
  if (r != r) return zp; // NaN
  const v = r + <f64>zp;
  return v < -128 ? -128 : v > 127 ? 127 : <i32>v;
}

/**
 * Lanes clamped to [lo, hi] = [-512, 512], NaN kept (then truncated to 0): pmin / pmax, one
 * instruction each on x64, where f32x4.min / max (exact about -0 and NaN) take several.
 */
@inline function clamp512(v: v128, hi: v128, lo: v128): v128 {
  return f32x4.pmax(f32x4.pmin(v, hi), lo);
}

/**
 * The relu of applyActivation lane by lane: `top` (y, or y capped at 6 for relu6) where y > 0, y
 * itself where it is NaN, else +0 (also for -0), as bit masks.
 */
@inline function reluVec(top: v128, y: v128, zero: v128): v128 {
  return v128.and(top, v128.or(f32x4.gt(y, zero), f32x4.ne(y, y)));
}

/** q = clamp(roundHalfEven(f32(x / scale)) + zp, -128, 127), NaN -> zp (js quantizeValue). */
@inline function quantizeValue(x: f64, scale: f64, zp: i32): i32 {
  return clampRound(nearest<f64>(<f64><f32>(x / scale)), zp);
}

@inline function rowBytesOf(cols: i32): i32 {
  return ((cols + 3) >> 2) << 2;
}

/** The int8 codes of 4 float32 values, before the saturating narrows: clamp in float first (NaN stays NaN and truncates to 0, i.e. zp). */
@inline function codes4(v: v128, sv: v128, hi: v128, lo: v128, zv: v128): v128 {
  return i32x4.add(i32x4.trunc_sat_f32x4_s(clamp512(f32x4.nearest(f32x4.div(v, sv)), hi, lo)), zv);
}

/** float32 [rows, cols] -> packed int8 rows of rowBytesOf(cols) bytes, padding bytes zp. */
export function int8Quantize(x: usize, out: usize, rows: i32, cols: i32, scale: f64, zp: i32): void {
  const rowBytes = rowBytesOf(cols);
  // with a float32 scale, f32(x / scale) is the float32 division: 4 lanes at a time
  const simd = <f64><f32>scale == scale;
  const sv = f32x4.splat(<f32>scale), zv = i32x4.splat(zp);
  const lo = f32x4.splat(-512), hi = f32x4.splat(512);
  if ((cols & 3) == 0 && rows > 1) { // rows without padding bytes lie back to back: one long row
    cols *= rows;
    rows = 1;
  }
  if (simd && cols == 1) { // one value per packed row (conv inputs with one channel): 4 rows at a time
    const pad = i32x4.splat((zp & 0xff) * 0x01010100), mask = i32x4.splat(0xff);
    const qlo = i32x4.splat(-128), qhi = i32x4.splat(127);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const q = i32x4.max_s(i32x4.min_s(codes4(v128.load(x + (<usize>r << 2)), sv, hi, lo, zv), qhi), qlo);
      v128.store(out + (<usize>r << 2), v128.or(v128.and(q, mask), pad));
    }
    x += <usize>r << 2;
    out += <usize>r << 2;
    rows -= r;
  }
  if (simd && cols == 3) { // RGB pixels: 4 rows (12 values) a step, their codes narrowed together, padding bytes zp
    const pad = i8x16.splat(<i8>zp);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const src = x + <usize>r * 12;
      const b = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(codes4(v128.load(src), sv, hi, lo, zv), codes4(v128.load(src, 16), sv, hi, lo, zv)),
        i16x8.narrow_i32x4_s(codes4(v128.load(src, 32), sv, hi, lo, zv), zv));
      v128.store(out + (<usize>r << 2), i8x16.shuffle(b, pad, 0, 1, 2, 16, 3, 4, 5, 16, 6, 7, 8, 16, 9, 10, 11, 16));
    }
    x += <usize>r * 12;
    out += <usize>r << 2;
    rows -= r;
  }
  for (let r = 0; r < rows; r++) {
    const src = x + (<usize>r * <usize>cols << 2);
    const dst = out + <usize>r * <usize>rowBytes;
    let c = 0;
    if (simd) {
      // 4 at a time, past the row's end while the input lasts: the next rows' values land in this
      // row's padding bytes (rowBytes a multiple of 4), which then get the zero point
      const end = min(cols, (rows - r) * cols - 3);
      for (; c < end; c += 4) {
        // clamp in float first (NaN stays NaN and truncates to 0, i.e. the zero point); the narrows saturate
        const q = codes4(v128.load(src + (<usize>c << 2)), sv, hi, lo, zv);
        const b = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q, q), i16x8.splat(0));
        store<i32>(dst + c, i32x4.extract_lane(b, 0));
      }
      c = min(c, cols);
    }
    for (; c < cols; c++) store<i8>(dst + c, <i8>quantizeValue(<f64>load<f32>(src + (<usize>c << 2)), scale, zp));
    for (; c < rowBytes; c++) store<i8>(dst + c, <i8>zp);
  }
}

/** packed int8 rows -> float32 [rows, cols]: scale * (q - zp). */
export function int8Dequantize(q: usize, out: usize, rows: i32, cols: i32, scale: f32, zp: i32): void {
  const rowBytes = rowBytesOf(cols);
  const sv = f32x4.splat(scale), zv = i32x4.splat(zp);
  for (let r = 0; r < rows; r++) {
    const src = q + <usize>r * <usize>rowBytes;
    const dst = out + (<usize>r * <usize>cols << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const w = i16x8.extend_low_i8x16_s(v128.load32_zero(src + c));
      const v = f32x4.convert_i32x4_s(i32x4.sub(i32x4.extend_low_i16x8_s(w), zv));
      v128.store(dst + (<usize>c << 2), f32x4.mul(v, sv));
    }
    for (; c < cols; c++) store<f32>(dst + (<usize>c << 2), scale * <f32>(<i32>load<i8>(src + c) - zp));
  }
}

/** Packed int8 rows (cols values) -> i16 rows of dstCols (a multiple of 8) holding q - zp, then zeros. */
export function int8Widen(src: usize, rows: i32, cols: i32, zp: i32, dst: usize, dstCols: i32): void {
  const rowBytes = rowBytesOf(cols);
  const zv = i16x8.splat(<i16>zp);
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * <usize>rowBytes;
    const d = dst + (<usize>r * <usize>dstCols << 1);
    let c = 0;
    for (; c + 8 <= cols; c += 8) v128.store(d + (<usize>c << 1), i16x8.sub(v128.load8x8_s(s + c), zv));
    for (; c < cols; c++) store<i16>(d + (<usize>c << 1), <i16>(<i32>load<i8>(s + c) - zp));
    for (; c < dstCols; c++) store<i16>(d + (<usize>c << 1), 0);
  }
}

/**
 * Sums over `taps` taps of 4 rows x 2 weight rows: for tap t, row pointers table[4t .. 4t+3] (i16,
 * `len` values, len a multiple of 8) against int8 weights at w0 / w1 + t * wTapBytes. Writes the 8
 * int32 sums as 2 values at dst + r * dstStride for rows r = 0..3.
 */
function dot4x2(table: usize, taps: i32, w0: usize, w1: usize, wTapBytes: usize, len: i32, dst: usize, dstStride: usize): void {
  let a00 = i32x4.splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  for (let t = 0; t < taps; t++) {
    const e = table + (<usize>t << 4);
    let p0 = load<usize>(e), p1 = load<usize>(e, 4), p2 = load<usize>(e, 8), p3 = load<usize>(e, 12);
    let q0 = w0 + <usize>t * wTapBytes, q1 = w1 + <usize>t * wTapBytes;
    let c = 0;
    for (; c + 16 <= len; c += 16) { // two chunks per trip, the second through immediate offsets
      // one x vector live at a time: 8 accumulators + 2 weights + 1 x stay in registers
      let b0 = v128.load8x8_s(q0), b1 = v128.load8x8_s(q1);
      let x = v128.load(p0);
      a00 = i32x4.add(a00, i32x4.dot_i16x8_s(x, b0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(x, b1));
      x = v128.load(p1);
      a10 = i32x4.add(a10, i32x4.dot_i16x8_s(x, b0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(x, b1));
      x = v128.load(p2);
      a20 = i32x4.add(a20, i32x4.dot_i16x8_s(x, b0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(x, b1));
      x = v128.load(p3);
      a30 = i32x4.add(a30, i32x4.dot_i16x8_s(x, b0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(x, b1));
      b0 = v128.load8x8_s(q0, 8); b1 = v128.load8x8_s(q1, 8);
      x = v128.load(p0, 16);
      a00 = i32x4.add(a00, i32x4.dot_i16x8_s(x, b0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(x, b1));
      x = v128.load(p1, 16);
      a10 = i32x4.add(a10, i32x4.dot_i16x8_s(x, b0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(x, b1));
      x = v128.load(p2, 16);
      a20 = i32x4.add(a20, i32x4.dot_i16x8_s(x, b0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(x, b1));
      x = v128.load(p3, 16);
      a30 = i32x4.add(a30, i32x4.dot_i16x8_s(x, b0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(x, b1));
      p0 += 32; p1 += 32; p2 += 32; p3 += 32; q0 += 16; q1 += 16;
    }
    if (c < len) { // len is a multiple of 8: one chunk left at most
      const b0 = v128.load8x8_s(q0), b1 = v128.load8x8_s(q1);
      const x0 = v128.load(p0), x1 = v128.load(p1), x2 = v128.load(p2), x3 = v128.load(p3);
      a00 = i32x4.add(a00, i32x4.dot_i16x8_s(x0, b0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(x0, b1));
      a10 = i32x4.add(a10, i32x4.dot_i16x8_s(x1, b0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(x1, b1));
      a20 = i32x4.add(a20, i32x4.dot_i16x8_s(x2, b0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(x2, b1));
      a30 = i32x4.add(a30, i32x4.dot_i16x8_s(x3, b0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(x3, b1));
    }
  }
  const top = hsum4(a00, a01, a10, a11), bottom = hsum4(a20, a21, a30, a31);
  v128.store64_lane(dst, top, 0);
  v128.store64_lane(dst + dstStride, top, 1);
  v128.store64_lane(dst + 2 * dstStride, bottom, 0);
  v128.store64_lane(dst + 3 * dstStride, bottom, 1);
}

/** The epilogue's arguments, set once per call (each thread's module instance has its own globals). */
let eScale: usize = 0, eBias: usize = 0, eAScale: f32 = 0, eAct: i32 = 0, eAlpha: f64 = 0;
let eOutInt8: i32 = 0, eOutScale: f64 = 1, eOutZp: i32 = 0;

export function setEpilogue(wScale: usize, bias: usize, aScale: f32, act: i32, alpha: f64, outInt8: i32, outScale: f64, outZp: i32): void {
  eScale = wScale; eBias = bias; eAScale = aScale; eAct = act; eAlpha = alpha;
  eOutInt8 = outInt8; eOutScale = outScale; eOutZp = outZp;
}

/**
 * Output (row, n) of an [rows, N] result from its int32 sum: y = f32(aScale * wScale[n]) *
 * f32(acc) + bias[n] in float32, the activation, then stored as float32 or requantized int8.
 */
function finish(out: usize, row: i32, n: i32, N: i32, acc: i32): void {
  const s = eAScale * load<f32>(eScale + (<usize>n << 2));
  let y = s * <f32>acc;
  if (eBias) y += load<f32>(eBias + (<usize>n << 2));
  y = <f32>applyActivation(eAct, <f64>y, eAlpha, 0);
  if (eOutInt8) store<i8>(out + <usize>row * <usize>rowBytesOf(N) + n, <i8>quantizeValue(<f64>y, eOutScale, eOutZp));
  else store<f32>(out + ((<usize>row * <usize>N + n) << 2), y);
}

/** An int8 output row's padding bytes hold the output zero point. */
@inline export function padRow(out: usize, row: i32, N: i32): void {
  if (!eOutInt8) return;
  const rowBytes = rowBytesOf(N);
  for (let n = N; n < rowBytes; n++) store<i8>(out + <usize>row * <usize>rowBytes + n, <i8>eOutZp);
}

/** f32(aScale * wScale[n .. n + 3]), the factor of finishVec. */
@inline export function scaleVec(n: i32): v128 {
  return f32x4.mul(f32x4.splat(eAScale), v128.load(eScale + (<usize>n << 2)));
}

/** bias[n .. n + 3]; without a bias -0, which leaves every float32 it is added to as it is (+0 would turn -0 into +0). */
@inline export function biasVec(n: i32): v128 {
  return eBias ? v128.load(eBias + (<usize>n << 2)) : f32x4.splat(-0.0);
}

/** finish's float32 value of 4 int32 sums for act linear (0), relu (1) or relu6 (2): scale * f32(acc) + bias, then the activation. */
@inline export function finishVec(acc: v128, scale: v128, bias: v128, act: i32): v128 {
  const y = f32x4.add(f32x4.mul(scale, f32x4.convert_i32x4_s(acc)), bias);
  return act == 0 ? y : reluVec(act == 2 ? f32x4.pmin(y, f32x4.splat(6)) : y, y, f32x4.splat(0));
}

/** The activation for finishVec when outputs are float32 and it is linear, relu or relu6; else -1 (through finishTile). */
export function vecEpilogueAct(): i32 {
  return !eOutInt8 && eAct <= 2 ? eAct : -1;
}

/** Whether finishVec computes the epilogue: linear / relu / relu6 (to float32 or, through quantize4, int8). */
@inline function simdEpilogue(): bool {
  return eAct <= 2;
}

/**
 * finishVec's 4 values requantized to int8 as one i32 of 4 bytes: quantizeValue lane by lane (os the
 * output scale as f64x2, zv the zero point): f32(y / scale) divided in f64, rounded half to even,
 * clamped (NaN -> 0 through trunc_sat), + zp, narrowed with saturation to [-128, 127].
 */
@inline function quantize4(y: v128, os: v128, zv: v128, hi: v128, lo: v128): i32 {
  const d = f32x4.demote_f64x2_zero(f64x2.div(f64x2.promote_low_f32x4(y), os));
  const e = f32x4.demote_f64x2_zero(f64x2.div(f64x2.promote_low_f32x4(v128.shuffle<i32>(y, y, 2, 3, 0, 1)), os));
  const v = clamp512(f32x4.nearest(v128.shuffle<i32>(d, e, 0, 1, 4, 5)), hi, lo);
  const q = i32x4.add(i32x4.trunc_sat_f32x4_s(v), zv);
  return i32x4.extract_lane(i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q, q), q), 0);
}

/**
 * The int8 codes (as i32, before the saturating narrows) of 4 float32 values y for a float32 scale
 * os: f32(y / os) clamped to [-512, 512] (NaN masked to 0), rounded half to even by adding
 * 1.5 * 2^23, whose low bits are then the integer; zv holds 0x4b400000 - zp. The codes of
 * quantizeValue (nearest, then trunc_sat) in about 5 fewer instructions on x64.
 */
@inline function codesVec(y: v128, os: v128, zv: v128): v128 {
  const v = clamp512(f32x4.div(y, os), f32x4.splat(512), f32x4.splat(-512));
  return i32x4.sub(f32x4.add(v128.and(v, f32x4.eq(v, v)), f32x4.splat(12582912)), zv);
}

/**
 * Outputs [c0, c1) of rows r0 .. r0 + 3 (those below `rows`) from the int32 tile (row r at tile +
 * r * tileStride, column c0 first). linear / relu / relu6 run 4 lanes at a time in float32, which is
 * what the scalar path computes lane by lane; an int8 output does so when its scale is a float32.
 */
export function finishTile(out: usize, r0: i32, rows: i32, c0: i32, c1: i32, N: i32, tile: usize, tileStride: usize): void {
  // the globals in locals, and 4 columns down the tile's rows per step (one scale and bias load each)
  const act = eAct, outInt8 = eOutInt8, nRows = min(4, rows - r0);
  const simd = act <= 2 && (!outInt8 || <f64><f32>eOutScale == eOutScale);
  const os = f32x4.splat(<f32>eOutScale), zv = i32x4.splat(0x4b400000 - eOutZp), rowBytes = <usize>rowBytesOf(N);
  let n = c0;
  if (simd) {
    for (; n + 4 <= c1; n += 4) {
      const s = scaleVec(n), b = biasVec(n);
      let acc = tile + (<usize>(n - c0) << 2);
      if (outInt8) {
        // the 4 rows' codes narrowed together (rows past nRows read tile scratch and are not
        // stored): i32 lane r of b8 is row r's 4 bytes
        const b8 = i8x16.narrow_i16x8_s(
          i16x8.narrow_i32x4_s(codesVec(finishVec(v128.load(acc), s, b, act), os, zv), codesVec(finishVec(v128.load(acc + tileStride), s, b, act), os, zv)),
          i16x8.narrow_i32x4_s(codesVec(finishVec(v128.load(acc + 2 * tileStride), s, b, act), os, zv), codesVec(finishVec(v128.load(acc + 3 * tileStride), s, b, act), os, zv)));
        const o = out + <usize>r0 * rowBytes + n;
        v128.store32_lane(o, b8, 0);
        if (nRows > 1) v128.store32_lane(o + rowBytes, b8, 1);
        if (nRows > 2) v128.store32_lane(o + 2 * rowBytes, b8, 2);
        if (nRows > 3) v128.store32_lane(o + 3 * rowBytes, b8, 3);
        continue;
      }
      for (let r = 0; r < nRows; r++, acc += tileStride) {
        v128.store(out + (((<usize>(r0 + r)) * <usize>N + n) << 2), finishVec(v128.load(acc), s, b, act));
      }
    }
  }
  for (let r = 0; r < nRows; r++) {
    for (let m = n; m < c1; m++) finish(out, r0 + r, m, N, load<i32>(tile + <usize>r * tileStride + (<usize>(m - c0) << 2)));
  }
}

/**
 * int8MatMul over units [begin, end): unit u is columns nb * (u / rowBlocks) .. +nb (nb even) of
 * rows 4 * (u % rowBlocks) .. +4, so a run of units keeps one block of weight rows in cache.
 * xw: the prepared activations (rows xRowBytes apart, `len` values each) plus the row after them:
 * by dotMode (assembly/int8_relaxed.ts; the relaxed ones in the relaxed build only): DOT_I16,
 * int8Widen's i16 against packed weight rows wRowBytes apart; DOT_SPLIT, int8PadRows's int8 with
 * row sums xsum against int8SplitWeights's rows with channel sums wsum; DOT_U8, int8BiasRows's u8
 * against int8PadWeights's rows (or the packed rows) with channel sums wsum.
 * scratch: int8MatMulScratchBytes(nb) per thread.
 */
export function int8MatMulRange(
  xw: usize, w: usize, wScale: usize, bias: usize, out: usize, M: i32, N: i32, len: i32, xRowBytes: i32, wRowBytes: i32, nb: i32,
  dotMode: i32, xsum: usize, wsum: usize, aZp: i32,
  aScale: f32, act: i32, alpha: f64, outInt8: i32, outScale: f64, outZp: i32, scratch: usize, begin: i32, end: i32,
): void {
  setEpilogue(wScale, bias, aScale, act, alpha, outInt8, outScale, outZp);
  const table = scratch, xs = scratch + 16, tile = scratch + 32, tileStride = <usize>(nb + 2) << 2;
  const split = ASC_FEATURE_RELAXED_SIMD && dotMode == DOT_SPLIT, u8 = ASC_FEATURE_RELAXED_SIMD && dotMode == DOT_U8;
  const rowBlocks = (M + 3) / 4;
  for (let u = begin; u < end; u++) {
    const r0 = (u % rowBlocks) * 4, c0 = (u / rowBlocks) * nb, c1 = min(N, c0 + nb);
    for (let r = 0; r < 4; r++) {
      const row = min(r0 + r, M); // rows past M read the row after the matrix
      store<usize>(table + (<usize>r << 2), xw + <usize>row * <usize>xRowBytes);
      if (split) store<i32>(xs + (<usize>r << 2), load<i32>(xsum + (<usize>row << 2)));
    }
    for (let n = c0; n < c1; n += 2) {
      const w0 = w + <usize>n * <usize>wRowBytes, w1 = n + 1 < N ? w0 + <usize>wRowBytes : w0, at = tile + (<usize>(n - c0) << 2);
      if (u8) dot4x2U8(table, w0, w1, len, at, tileStride);
      else if (split) dot4x2Relaxed(table, 1, w0, w1, 0, len, at, tileStride);
      else dot4x2(table, 1, w0, w1, 0, len, at, tileStride);
    }
    if (u8) correctTile(tile, tileStride, xs, 0, c0, c1, 128 + aZp, wsum);
    else if (split) correctTile(tile, tileStride, xs, 127, c0, c1, aZp, wsum);
    finishTile(out, r0, M, c0, c1, N, tile, tileStride);
    if (c1 == N) for (let r = r0; r < min(M, r0 + 4); r++) padRow(out, r, N);
  }
}

/** Bytes of per-thread scratch for int8MatMulRange: 4 row pointers, 4 row sums and a 4 x (nb + 2) int32 tile. */
export function int8MatMulScratchBytes(nb: i32): i32 {
  return 32 + 16 * (nb + 2);
}

/** Bytes of per-thread scratch for int8ConvRange: 4 row pointers per tap, 4 patch pointers, 4 pixel sums, a 4 x (outC + 2) int32 tile, 4 patches. */
export function int8ConvScratchBytes(taps: i32, outC: i32, xRowBytes: i32): i32 {
  return taps * 16 + 32 + 16 * (outC + 2) + 4 * taps * xRowBytes;
}

/**
 * int8Conv2d over units [begin, end) of 4 consecutive output pixels (flattened over batch, rows,
 * columns), all output channels. xw: the prepared input pixels (as int8MatMulRange's rows) plus the
 * row that taps outside the image read; w: per output channel, its fh * fw tap rows wTapBytes apart
 * (packed [outC, fh, fw, packedCols(inC)], int8PadWeights's rows, or int8SplitWeights's channels),
 * dotMode as int8MatMulRange; params: the ConvGeometry block (src/backends/wasm/kernels.ts
 * writeGeometry). When a channel's taps lie back to back (inC a multiple of 8, or a relaxed
 * layout), each pixel's taps are gathered into one patch row first, so
 * the dots run over taps x channels at a stretch.
 */
export function int8ConvRange(
  xw: usize, w: usize, wScale: usize, bias: usize, out: usize, params: usize, len: i32, xRowBytes: i32, wTapBytes: i32,
  dotMode: i32, xsum: usize, wsum: usize, aZp: i32,
  aScale: f32, act: i32, alpha: f64, outInt8: i32, outScale: f64, outZp: i32, scratch: usize, begin: i32, end: i32,
): void {
  setEpilogue(wScale, bias, aScale, act, alpha, outInt8, outScale, outZp);
  const batch = load<i32>(params), inH = load<i32>(params, 4), inW = load<i32>(params, 8);
  const outH = load<i32>(params, 16), outW = load<i32>(params, 20), outC = load<i32>(params, 24);
  const fh = load<i32>(params, 28), fw = load<i32>(params, 32), sh = load<i32>(params, 36), sw = load<i32>(params, 40);
  const dh = load<i32>(params, 44), dw = load<i32>(params, 48), padTop = load<i32>(params, 52), padLeft = load<i32>(params, 56);
  const taps = fh * fw, pixels = batch * outH * outW;
  const split = ASC_FEATURE_RELAXED_SIMD && dotMode == DOT_SPLIT, u8 = ASC_FEATURE_RELAXED_SIMD && dotMode == DOT_U8;
  const chanBytes = split ? <usize>(2 * taps * len) : <usize>taps * <usize>wTapBytes;
  const gather = split || u8 || wTapBytes == len;
  const outside = batch * inH * inW; // the row taps outside the image read
  const table = scratch, patchTable = scratch + (<usize>taps << 4), xs = patchTable + 16, tile = xs + 16;
  const tileStride = <usize>(outC + 2) << 2, patchBytes = <usize>taps * <usize>xRowBytes;
  for (let u = begin; u < end; u++) {
    const p0 = u * 4;
    for (let i = 0; i < 4; i++) {
      const p = p0 + i;
      const ox = p % outW, oy = (p / outW) % outH, b = p / (outW * outH);
      let sum = 0;
      for (let ky = 0; ky < fh; ky++) {
        const iy = oy * sh - padTop + ky * dh;
        for (let kx = 0; kx < fw; kx++) {
          const ix = ox * sw - padLeft + kx * dw;
          const inside = p < pixels && iy >= 0 && iy < inH && ix >= 0 && ix < inW;
          const row = inside ? (b * inH + iy) * inW + ix : outside;
          store<usize>(table + (<usize>((ky * fw + kx) * 4 + i) << 2), xw + <usize>row * <usize>xRowBytes);
          if (split) sum += load<i32>(xsum + (<usize>row << 2));
        }
      }
      store<i32>(xs + (<usize>i << 2), sum);
    }
    let rows = table, dotTaps = taps, dotLen = len;
    if (gather) {
      const patch = tile + 4 * tileStride;
      for (let i = 0; i < 4; i++) {
        const dst = patch + <usize>i * patchBytes;
        for (let t = 0; t < taps; t++) {
          const src = load<usize>(table + (<usize>(t * 4 + i) << 2));
          const d = dst + <usize>t * <usize>xRowBytes;
          for (let c: usize = 0; c < <usize>xRowBytes; c += 16) v128.store(d + c, v128.load(src + c));
        }
        store<usize>(patchTable + (<usize>i << 2), dst);
      }
      rows = patchTable; dotTaps = 1; dotLen = taps * len;
    }
    for (let n = 0; n < outC; n += 2) {
      const w0 = w + <usize>n * chanBytes, w1 = n + 1 < outC ? w0 + chanBytes : w0, at = tile + (<usize>n << 2);
      if (u8) dot4x2U8(rows, w0, w1, dotLen, at, tileStride);
      else if (split) dot4x2Relaxed(rows, 1, w0, w1, 0, dotLen, at, tileStride);
      else dot4x2(rows, dotTaps, w0, w1, <usize>wTapBytes, dotLen, at, tileStride);
    }
    if (u8) correctTile(tile, tileStride, xs, 0, 0, outC, 128 + aZp, wsum);
    else if (split) correctTile(tile, tileStride, xs, 127, 0, outC, aZp, wsum);
    finishTile(out, p0, pixels, 0, outC, outC, tile, tileStride);
    for (let p = p0; p < min(pixels, p0 + 4); p++) padRow(out, p, outC);
  }
}

/**
 * int8DepthwiseConv2d (channel multiplier 1) over output pixels [begin, end): per channel,
 * sum over in-image taps of (x - zp) * w in int32 (i16 products widened), then the epilogue.
 * xw: the widened input [batch * inH * inW, C8]; w: packed [fh, fw, packedCols(C)].
 */
export function int8DepthwiseRange(
  xw: usize, w: usize, wScale: usize, bias: usize, out: usize, params: usize, C8: i32,
  aScale: f32, act: i32, alpha: f64, outInt8: i32, outScale: f64, outZp: i32, begin: i32, end: i32,
): void {
  setEpilogue(wScale, bias, aScale, act, alpha, outInt8, outScale, outZp);
  const inH = load<i32>(params, 4), inW = load<i32>(params, 8), C = load<i32>(params, 12);
  const outH = load<i32>(params, 16), outW = load<i32>(params, 20);
  const fh = load<i32>(params, 28), fw = load<i32>(params, 32), sh = load<i32>(params, 36), sw = load<i32>(params, 40);
  const dh = load<i32>(params, 44), dw = load<i32>(params, 48), padTop = load<i32>(params, 52), padLeft = load<i32>(params, 56);
  const wRowBytes = <usize>rowBytesOf(C), simd = simdEpilogue();
  const os = f64x2.splat(eOutScale), zv = i32x4.splat(eOutZp), lo512 = f32x4.splat(-512), hi512 = f32x4.splat(512);
  for (let p = begin; p < end; p++) {
    const ox = p % outW, oy = (p / outW) % outH, b = p / (outW * outH);
    for (let c0 = 0; c0 < C; c0 += 8) {
      let lo = i32x4.splat(0), hi = lo;
      for (let ky = 0; ky < fh; ky++) {
        const iy = oy * sh - padTop + ky * dh;
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < fw; kx++) {
          const ix = ox * sw - padLeft + kx * dw;
          if (ix < 0 || ix >= inW) continue;
          const x = v128.load(xw + ((<usize>((b * inH + iy) * inW + ix) * <usize>C8 + c0) << 1));
          const k = v128.load8x8_s(w + <usize>(ky * fw + kx) * wRowBytes + c0);
          lo = i32x4.add(lo, i32x4.extmul_low_i16x8_s(x, k));
          hi = i32x4.add(hi, i32x4.extmul_high_i16x8_s(x, k));
        }
      }
      const n = min(8, C - c0);
      if (simd && n == 8) { // 8 channels through finishVec, as finishTile
        const y0 = finishVec(lo, scaleVec(c0), biasVec(c0), act), y1 = finishVec(hi, scaleVec(c0 + 4), biasVec(c0 + 4), act);
        if (outInt8) {
          const o = out + <usize>p * wRowBytes + <usize>c0;
          store<i32>(o, quantize4(y0, os, zv, hi512, lo512));
          store<i32>(o, quantize4(y1, os, zv, hi512, lo512), 4);
        } else {
          const o = out + ((<usize>p * <usize>C + <usize>c0) << 2);
          v128.store(o, y0);
          v128.store(o, y1, 16);
        }
        continue;
      }
      // else finish lane by lane: lane 0 of lo each step while the lanes shift down
      for (let j = 0; j < n; j++) {
        finish(out, p, c0 + j, C, i32x4.extract_lane(lo, 0));
        lo = v128.shuffle<i32>(lo, hi, 1, 2, 3, 4);
        hi = v128.shuffle<i32>(hi, hi, 1, 2, 3, 0);
      }
    }
    padRow(out, p, C);
  }
}
