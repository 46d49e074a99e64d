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
// The relaxed i8 dot (relaxed_dot_i8x16_i7x16) is not used: it is only exact for a 7-bit operand.
import { applyActivation } from './generated_dispatch';

@inline function clampRound(r: f64, zp: i32): i32 {
  if (r != r) return zp; // NaN
  const v = r + <f64>zp;
  return v < -128 ? -128 : v > 127 ? 127 : <i32>v;
}

/** q = clamp(roundHalfEven(f32(x / scale)) + zp, -128, 127), NaN -> zp (js quantizeValue). */
@inline function quantizeValue(x: f64, scale: f64, zp: i32): i32 {
  return clampRound(nearest<f64>(<f64><f32>(x / scale)), zp);
}

@inline function rowBytesOf(cols: i32): i32 {
  return ((cols + 3) >> 2) << 2;
}

/** float32 [rows, cols] -> packed int8 rows of rowBytesOf(cols) bytes, padding bytes zp. */
export function int8Quantize(x: usize, out: usize, rows: i32, cols: i32, scale: f64, zp: i32): void {
  const rowBytes = rowBytesOf(cols);
  // with a float32 scale, f32(x / scale) is the float32 division: 4 lanes at a time
  const simd = <f64><f32>scale == scale;
  const sv = f32x4.splat(<f32>scale), zv = i32x4.splat(zp);
  const lo = f32x4.splat(-512), hi = f32x4.splat(512);
  for (let r = 0; r < rows; r++) {
    const src = x + (<usize>r * <usize>cols << 2);
    const dst = out + <usize>r * <usize>rowBytes;
    let c = 0;
    if (simd) {
      for (; c + 4 <= cols; c += 4) {
        // clamp in float first (NaN stays NaN and truncates to 0, i.e. the zero point); the narrows saturate
        const v = f32x4.max(f32x4.min(f32x4.nearest(f32x4.div(v128.load(src + (<usize>c << 2)), sv)), hi), lo);
        const q = i32x4.add(i32x4.trunc_sat_f32x4_s(v), zv);
        const b = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q, q), i16x8.splat(0));
        store<i32>(dst + c, i32x4.extract_lane(b, 0));
      }
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

@inline function hsum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/**
 * Sums over `taps` taps of 4 rows x 2 weight rows: for tap t, row pointers table[4t .. 4t+3] (i16,
 * `len` values, len a multiple of 8) against int8 weights at w0 / w1 + t * wTapBytes. Writes the 8
 * int32 sums to res (row-major, res[2r + j]).
 */
function dot4x2(table: usize, taps: i32, w0: usize, w1: usize, wTapBytes: usize, len: i32, res: usize): void {
  let a00 = i32x4.splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  for (let t = 0; t < taps; t++) {
    const e = table + (<usize>t << 4);
    let p0 = load<usize>(e), p1 = load<usize>(e, 4), p2 = load<usize>(e, 8), p3 = load<usize>(e, 12);
    let q0 = w0 + <usize>t * wTapBytes, q1 = w1 + <usize>t * wTapBytes;
    for (let c = 0; c < len; c += 8) {
      const b0 = v128.load8x8_s(q0), b1 = v128.load8x8_s(q1);
      const x0 = v128.load(p0);
      a00 = i32x4.add(a00, i32x4.dot_i16x8_s(x0, b0)); a01 = i32x4.add(a01, i32x4.dot_i16x8_s(x0, b1));
      const x1 = v128.load(p1);
      a10 = i32x4.add(a10, i32x4.dot_i16x8_s(x1, b0)); a11 = i32x4.add(a11, i32x4.dot_i16x8_s(x1, b1));
      const x2 = v128.load(p2);
      a20 = i32x4.add(a20, i32x4.dot_i16x8_s(x2, b0)); a21 = i32x4.add(a21, i32x4.dot_i16x8_s(x2, b1));
      const x3 = v128.load(p3);
      a30 = i32x4.add(a30, i32x4.dot_i16x8_s(x3, b0)); a31 = i32x4.add(a31, i32x4.dot_i16x8_s(x3, b1));
      p0 += 16; p1 += 16; p2 += 16; p3 += 16; q0 += 8; q1 += 8;
    }
  }
  store<i32>(res, hsum(a00)); store<i32>(res, hsum(a01), 4);
  store<i32>(res, hsum(a10), 8); store<i32>(res, hsum(a11), 12);
  store<i32>(res, hsum(a20), 16); store<i32>(res, hsum(a21), 20);
  store<i32>(res, hsum(a30), 24); store<i32>(res, hsum(a31), 28);
}

/** The epilogue's arguments, set once per call (each thread's module instance has its own globals). */
let eScale: usize = 0, eBias: usize = 0, eAScale: f32 = 0, eAct: i32 = 0, eAlpha: f64 = 0;
let eOutInt8: i32 = 0, eOutScale: f64 = 1, eOutZp: i32 = 0;

function setEpilogue(wScale: usize, bias: usize, aScale: f32, act: i32, alpha: f64, outInt8: i32, outScale: f64, outZp: i32): void {
  eScale = wScale; eBias = bias; eAScale = aScale; eAct = act; eAlpha = alpha;
  eOutInt8 = outInt8; eOutScale = outScale; eOutZp = outZp;
}

/**
 * Output (row, n) of an [rows, N] result from its int32 sum: y = f32(aScale * wScale[n]) *
 * f32(acc) + bias[n] in float32, the activation, then stored as float32 or requantized int8.
 */
@inline function finish(out: usize, row: i32, n: i32, N: i32, acc: i32): void {
  const s = eAScale * load<f32>(eScale + (<usize>n << 2));
  let y = s * <f32>acc;
  if (eBias) y += load<f32>(eBias + (<usize>n << 2));
  y = <f32>applyActivation(eAct, <f64>y, eAlpha, 0);
  if (eOutInt8) store<i8>(out + <usize>row * <usize>rowBytesOf(N) + n, <i8>quantizeValue(<f64>y, eOutScale, eOutZp));
  else store<f32>(out + ((<usize>row * <usize>N + n) << 2), y);
}

/** An int8 output row's padding bytes hold the output zero point. */
@inline function padRow(out: usize, row: i32, N: i32): void {
  if (!eOutInt8) return;
  const rowBytes = rowBytesOf(N);
  for (let n = N; n < rowBytes; n++) store<i8>(out + <usize>row * <usize>rowBytes + n, <i8>eOutZp);
}

/** The 4 x 2 block of outputs (rows r0.., channels n0, n0 + 1) from res, skipping those past rows / N. */
function finishBlock(out: usize, r0: i32, rows: i32, n0: i32, N: i32, res: usize): void {
  for (let r = 0; r < 4; r++) {
    if (r0 + r >= rows) break;
    finish(out, r0 + r, n0, N, load<i32>(res + (<usize>(2 * r) << 2)));
    if (n0 + 1 < N) finish(out, r0 + r, n0 + 1, N, load<i32>(res + (<usize>(2 * r + 1) << 2)));
  }
}

/**
 * int8MatMul over units [begin, end): unit u is columns nb * (u / rowBlocks) .. +nb (nb even) of
 * rows 4 * (u % rowBlocks) .. +4, so a run of units keeps one block of weight rows in cache. xw: the widened activations [M, K8] (K8 a multiple of 8,
 * zero padded) plus one zero row after them; w: packed weight rows of wRowBytes.
 * scratch: 16 + 32 bytes per thread.
 */
export function int8MatMulRange(
  xw: usize, w: usize, wScale: usize, bias: usize, out: usize, M: i32, N: i32, K8: i32, wRowBytes: i32, nb: i32,
  aScale: f32, act: i32, alpha: f64, outInt8: i32, outScale: f64, outZp: i32, scratch: usize, begin: i32, end: i32,
): void {
  setEpilogue(wScale, bias, aScale, act, alpha, outInt8, outScale, outZp);
  const table = scratch, res = scratch + 16;
  const rowBlocks = (M + 3) / 4;
  const zero = xw + (<usize>M * <usize>K8 << 1);
  for (let u = begin; u < end; u++) {
    const r0 = (u % rowBlocks) * 4, c0 = (u / rowBlocks) * nb, c1 = min(N, c0 + nb);
    for (let r = 0; r < 4; r++) store<usize>(table + (<usize>r << 2), r0 + r < M ? xw + (<usize>(r0 + r) * <usize>K8 << 1) : zero);
    for (let n = c0; n < c1; n += 2) {
      const w0 = w + <usize>n * <usize>wRowBytes;
      dot4x2(table, 1, w0, n + 1 < N ? w0 + <usize>wRowBytes : w0, 0, K8, res);
      finishBlock(out, r0, M, n, N, res);
    }
    if (c1 == N) for (let r = r0; r < min(M, r0 + 4); r++) padRow(out, r, N);
  }
}

/** Bytes of per-thread scratch for int8ConvRange. */
export function int8ConvScratchBytes(taps: i32): i32 {
  return taps * 16 + 32;
}

/**
 * int8Conv2d over units [begin, end) of 4 consecutive output pixels (flattened over batch, rows,
 * columns), all output channels. xw: the widened input [batch * inH * inW, C8] plus one zero row
 * (taps outside the image point there); w: packed [outC, fh, fw, packedCols(inC)]; params: the
 * ConvGeometry block (src/backends/wasm/kernels.ts writeGeometry).
 */
export function int8ConvRange(
  xw: usize, w: usize, wScale: usize, bias: usize, out: usize, params: usize, C8: i32,
  aScale: f32, act: i32, alpha: f64, outInt8: i32, outScale: f64, outZp: i32, scratch: usize, begin: i32, end: i32,
): void {
  setEpilogue(wScale, bias, aScale, act, alpha, outInt8, outScale, outZp);
  const batch = load<i32>(params), inH = load<i32>(params, 4), inW = load<i32>(params, 8), inC = load<i32>(params, 12);
  const outH = load<i32>(params, 16), outW = load<i32>(params, 20), outC = load<i32>(params, 24);
  const fh = load<i32>(params, 28), fw = load<i32>(params, 32), sh = load<i32>(params, 36), sw = load<i32>(params, 40);
  const dh = load<i32>(params, 44), dw = load<i32>(params, 48), padTop = load<i32>(params, 52), padLeft = load<i32>(params, 56);
  const taps = fh * fw, pixels = batch * outH * outW;
  const wRowBytes = <usize>rowBytesOf(inC), chanBytes = <usize>taps * wRowBytes;
  const zero = xw + (<usize>batch * <usize>inH * <usize>inW * <usize>C8 << 1);
  const table = scratch, res = scratch + (<usize>taps << 4);
  for (let u = begin; u < end; u++) {
    const p0 = u * 4;
    for (let i = 0; i < 4; i++) {
      const p = p0 + i;
      const ox = p % outW, oy = (p / outW) % outH, b = p / (outW * outH);
      for (let ky = 0; ky < fh; ky++) {
        const iy = oy * sh - padTop + ky * dh;
        for (let kx = 0; kx < fw; kx++) {
          const ix = ox * sw - padLeft + kx * dw;
          const inside = p < pixels && iy >= 0 && iy < inH && ix >= 0 && ix < inW;
          const row = inside ? xw + (<usize>((b * inH + iy) * inW + ix) * <usize>C8 << 1) : zero;
          store<usize>(table + (<usize>((ky * fw + kx) * 4 + i) << 2), row);
        }
      }
    }
    for (let n = 0; n < outC; n += 2) {
      const w0 = w + <usize>n * chanBytes;
      dot4x2(table, taps, w0, n + 1 < outC ? w0 + chanBytes : w0, wRowBytes, C8, res);
      finishBlock(out, p0, pixels, n, outC, res);
    }
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
  const wRowBytes = <usize>rowBytesOf(C);
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
      if (n > 0) finish(out, p, c0, C, i32x4.extract_lane(lo, 0));
      if (n > 1) finish(out, p, c0 + 1, C, i32x4.extract_lane(lo, 1));
      if (n > 2) finish(out, p, c0 + 2, C, i32x4.extract_lane(lo, 2));
      if (n > 3) finish(out, p, c0 + 3, C, i32x4.extract_lane(lo, 3));
      if (n > 4) finish(out, p, c0 + 4, C, i32x4.extract_lane(hi, 0));
      if (n > 5) finish(out, p, c0 + 5, C, i32x4.extract_lane(hi, 1));
      if (n > 6) finish(out, p, c0 + 6, C, i32x4.extract_lane(hi, 2));
      if (n > 7) finish(out, p, c0 + 7, C, i32x4.extract_lane(hi, 3));
    }
    padRow(out, p, C);
  }
}
