// int8 conv2d with few input channels (issue 12), as a matMul over compact patches: int8Im2col
// writes each output pixel's taps x inC values (zero point subtracted, 0 for taps outside the
// image) back to back as one i16 row padded to a multiple of 8, and int8CompactWeights lays each
// output channel's taps x inC int8 weights the same way; int8MatMulRange (assembly/int8.ts) then
// runs the dots. With inC = 1 or 4 this reads 16 / 40 values per pixel and channel instead of the
// 72 (9 taps x 8) that the per-tap path pads to. The sums are the same exact int32s. With few
// output channels too (outC <= 16) int8SmallConvRange reads the widened input directly: per pixel,
// pairs of input values against interleaved weight pairs of 4 channels (i32x4.dot_i16x8_s), no
// horizontal sums and no patch matrix.
import { finishTile, padRow, setEpilogue } from './int8';

@inline function rowBytesOf(cols: i32): i32 {
  return ((cols + 3) >> 2) << 2;
}

/**
 * Packed int8 NHWC pixels (inC values each, rowBytesOf(inC) apart) -> i16 values x - zp back to
 * back (pixel p's channel c at p * inC + c), plus 8 zeros of slack.
 */
export function int8WidenCompact(x: usize, pixels: i32, inC: i32, zp: i32, dst: usize): void {
  const zv = i16x8.splat(<i16>zp);
  const total = pixels * inC;
  let i = 0;
  if (inC % 4 == 0) { // the packed rows hold no padding: one run of int8 values
    for (; i + 8 <= total; i += 8) v128.store(dst + (<usize>i << 1), i16x8.sub(v128.load8x8_s(x + i), zv));
    for (; i < total; i++) store<i16>(dst + (<usize>i << 1), <i16>(<i32>load<i8>(x + i) - zp));
  } else if (inC == 1) { // byte 0 of each int32
    for (; i + 8 <= total; i += 8) {
      const a = i32x4.shr_s(i32x4.shl(v128.load(x + (<usize>i << 2)), 24), 24);
      const b = i32x4.shr_s(i32x4.shl(v128.load(x + (<usize>i << 2), 16), 24), 24);
      v128.store(dst + (<usize>i << 1), i16x8.sub(i16x8.narrow_i32x4_s(a, b), zv));
    }
    for (; i < total; i++) store<i16>(dst + (<usize>i << 1), <i16>(<i32>load<i8>(x + (<usize>i << 2)) - zp));
  } else {
    const rowBytes = <usize>rowBytesOf(inC);
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < inC; c++) store<i16>(dst + (<usize>(p * inC + c) << 1), <i16>(<i32>load<i8>(x + <usize>p * rowBytes + c) - zp));
    }
  }
  v128.store(dst + (<usize>total << 1), v128.splat<i32>(0));
}

/** Bytes of int8Im2col's scratch for an input of `pixels` pixels of inC channels. */
export function int8Im2colScratchBytes(pixels: i32, inC: i32): i32 {
  return ((pixels * inC) << 1) + 32;
}

/**
 * Patches of the output pixels: row p (dstCols i16 values, dstCols a multiple of 8) holds, tap by
 * tap, the inC values x - zp of the input pixel under that tap (0 outside the image), then zeros;
 * then one more row of zeros (the row int8MatMulRange reads past the last one), and 16 bytes that
 * may be scribbled on. x: packed int8 NHWC; params: the ConvGeometry block
 * (src/backends/wasm/kernels.ts writeGeometry); scratch: int8Im2colScratchBytes.
 */
export function int8Im2col(x: usize, params: usize, zp: i32, dst: usize, dstCols: i32, scratch: usize): void {
  int8WidenCompact(x, load<i32>(params) * load<i32>(params, 4) * load<i32>(params, 8), load<i32>(params, 12), zp, scratch);
  gatherPatches(scratch, params, 2, 0, dst, <usize>dstCols << 1);
}

/**
 * gatherPatches of compact pixels (esize bytes per value) into rows of rowEnd bytes (a multiple of
 * 8): taps outside the image get `fill` bytes, the rest of a row zeros, then one more row (taps all
 * outside). A filter row's taps that all lie inside the image (width dilation 1) are one run of the
 * input, copied 16 bytes at a time: the copy may run past the run's end, into places written later.
 */
export function gatherPatches(src: usize, params: usize, esize: i32, fill: i32, dst: usize, rowEnd: usize): void {
  const batch = load<i32>(params), inH = load<i32>(params, 4), inW = load<i32>(params, 8), inC = load<i32>(params, 12);
  const outH = load<i32>(params, 16), outW = load<i32>(params, 20);
  const fh = load<i32>(params, 28), fw = load<i32>(params, 32), sh = load<i32>(params, 36), sw = load<i32>(params, 40);
  const dh = load<i32>(params, 44), dw = load<i32>(params, 48), padTop = load<i32>(params, 52), padLeft = load<i32>(params, 56);
  const zero = v128.splat<i32>(0), outside = i8x16.splat(<i8>fill);
  const tapBytes = <usize>(inC * esize), runBytes = <usize>(fw * inC * esize);
  const used = <usize>(fh * fw * inC * esize);
  let d = dst;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let at = d;
        const ix0 = ox * sw - padLeft;
        const wholeRun = dw == 1 && ix0 >= 0 && ix0 + fw <= inW;
        for (let ky = 0; ky < fh; ky++, at += runBytes) {
          const iy = oy * sh - padTop + ky * dh;
          if (iy < 0 || iy >= inH) {
            for (let z: usize = 0; z < runBytes; z += 16) v128.store(at + z, outside);
            continue;
          }
          const row = src + (<usize>((b * inH + iy) * inW) * tapBytes);
          if (wholeRun) {
            const s = row + <usize>ix0 * tapBytes;
            for (let z: usize = 0; z < runBytes; z += 16) v128.store(at + z, v128.load(s + z));
            continue;
          }
          for (let kx = 0; kx < fw; kx++) {
            const ix = ix0 + kx * dw, t = at + <usize>kx * tapBytes;
            if (ix < 0 || ix >= inW) memory.fill(t, <u8>fill, tapBytes);
            else memory.copy(t, row + <usize>ix * tapBytes, tapBytes);
          }
        }
        for (let z = used; z < rowEnd; z += 8) v128.store64_lane(d + z, zero, 0); // may run into the next row, written later
        d += rowEnd;
      }
    }
  }
  for (let z: usize = 0; z < rowEnd; z += 16) v128.store(d + z, outside); // the row after the last
}

/**
 * Packed conv weights [outC, taps, rowBytesOf(inC)] -> [outC, dstCols] int8: each channel's taps x
 * inC values back to back, zero padded to dstCols (a multiple of 8).
 */
export function int8CompactWeights(w: usize, outC: i32, taps: i32, inC: i32, dst: usize, dstCols: i32): void {
  const rowBytes = <usize>rowBytesOf(inC);
  for (let n = 0; n < outC; n++) {
    const d = dst + <usize>n * <usize>dstCols;
    for (let t = 0; t < taps; t++) memory.copy(d + <usize>(t * inC), w + (<usize>(n * taps + t)) * rowBytes, <usize>inC);
    memory.fill(d + <usize>(taps * inC), 0, <usize>(dstCols - taps * inC));
  }
}

/**
 * Conv weights packed [outC, fh, fw, rowBytesOf(inC)] -> i16 pairs for int8SmallConvRange: each
 * filter row's fw * inC values padded to an even count (runPairs pairs), rows after each other,
 * pair k of channel n at (k * nPad + n) * 4; padding values and channels past outC are zero.
 */
export function int8InterleaveConvWeights(w: usize, outC: i32, fh: i32, fw: i32, inC: i32, dst: usize, nPad: i32): void {
  const run = fw * inC, runPairs = (run + 1) >> 1, rowBytes = rowBytesOf(inC);
  for (let ky = 0; ky < fh; ky++) {
    for (let j = 0; j < runPairs; j++) {
      const k = ky * runPairs + j;
      for (let n = 0; n < nPad; n++) {
        const d = dst + (<usize>(k * nPad + n) << 2);
        for (let h = 0; h < 2; h++) {
          const r = 2 * j + h;
          let v = 0;
          if (n < outC && r < run) v = <i32>load<i8>(w + <usize>((n * fh + ky) * fw + r / inC) * <usize>rowBytes + <usize>(r % inC));
          store<i16>(d + (<usize>h << 1), <i16>v);
        }
      }
    }
  }
}

/** Bytes of per-thread scratch for int8SmallConvRange: a 4 x nPad int32 tile, a patch and fh row pointers. */
export function int8SmallConvScratchBytes(fh: i32, fw: i32, inC: i32, nPad: i32): i32 {
  return 16 * nPad + fh * ((fw * inC + 1) >> 1) * 4 + 16 + fh * 4;
}

/**
 * int8Conv2d with few output channels (nPad = outC rounded up to 4, at most 16) over units
 * [begin, end) of 4 output pixels, reading int8WidenCompact's input directly: a filter row whose
 * taps all lie inside the image (width dilation 1) is a run of the widened input, read in pairs
 * (a pair past the run's end meets zero weights); other pixels' patches are built in scratch.
 * acc[n] = sum over pairs of i32x4.dot_i16x8_s(pair splat, weights of 4 channels), then the
 * epilogue (assembly/int8.ts finishTile). Exact int32 sums, as every path.
 */
export function int8SmallConvRange(
  xw: usize, params: usize, w: usize, nPad: i32, wScale: usize, bias: usize, out: usize,
  aScale: f32, act: i32, alpha: f64, outInt8: i32, outScale: f64, outZp: i32, scratch: usize, begin: i32, end: i32,
): void {
  setEpilogue(wScale, bias, aScale, act, alpha, outInt8, outScale, outZp);
  const batch = load<i32>(params), inH = load<i32>(params, 4), inW = load<i32>(params, 8), inC = load<i32>(params, 12);
  const outH = load<i32>(params, 16), outW = load<i32>(params, 20), outC = load<i32>(params, 24);
  const fh = load<i32>(params, 28), fw = load<i32>(params, 32), sh = load<i32>(params, 36), sw = load<i32>(params, 40);
  const dh = load<i32>(params, 44), dw = load<i32>(params, 48), padTop = load<i32>(params, 52), padLeft = load<i32>(params, 56);
  const pixels = batch * outH * outW, runPairs = (fw * inC + 1) >> 1, tapBytes = <usize>inC << 1;
  const tile = scratch, tileStride = <usize>nPad << 2, wPairBytes = <usize>nPad << 2;
  const patch = tile + 4 * tileStride, rowPtrs = patch + <usize>(fh * runPairs * 4 + 16);
  // the pixel (b, oy, ox) walks along without divisions
  let ox = (begin * 4) % outW, oy = ((begin * 4) / outW) % outH, b = (begin * 4) / (outW * outH);
  for (let u = begin; u < end; u++) {
    const r0 = u * 4;
    // next pixel's (b, oy, ox); four along one output row with their windows inside the image share the weight loads
    let nx = ox, ny = oy;
    if (u > begin && ++nx == outW) { nx = 0; ny = oy + 1 == outH ? 0 : oy + 1; }
    const ix0 = nx * sw - padLeft, iy0 = ny * sh - padTop;
    if (dw == 1 && r0 + 4 <= pixels && nx + 3 < outW && ix0 >= 0 && ix0 + 3 * sw + fw <= inW && iy0 >= 0 && iy0 + (fh - 1) * dh < inH) {
      const bb = ny == 0 && nx == 0 && u > begin ? b + 1 : b;
      const base = xw + (<usize>((bb * inH + iy0) * inW + ix0) * tapBytes), rowStep = <usize>(dh * inW) * tapBytes;
      const step = <usize>sw * tapBytes;
      for (let n = 0; n < nPad; n += 4) {
        let a0 = i32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, q = w + (<usize>n << 2), row = base;
        for (let ky = 0; ky < fh; ky++, row += rowStep) {
          for (let j = 0; j < runPairs; j++, q += wPairBytes) {
            const wv = v128.load(q), at = row + (<usize>j << 2);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(i32x4.splat(load<i32>(at)), wv));
            a1 = i32x4.add(a1, i32x4.dot_i16x8_s(i32x4.splat(load<i32>(at + step)), wv));
            a2 = i32x4.add(a2, i32x4.dot_i16x8_s(i32x4.splat(load<i32>(at + 2 * step)), wv));
            a3 = i32x4.add(a3, i32x4.dot_i16x8_s(i32x4.splat(load<i32>(at + 3 * step)), wv));
          }
        }
        const k = <usize>n << 2;
        v128.store(tile + k, a0);
        v128.store(tile + tileStride + k, a1);
        v128.store(tile + 2 * tileStride + k, a2);
        v128.store(tile + 3 * tileStride + k, a3);
      }
      b = bb; oy = ny; ox = nx + 3;
      finishTile(out, r0, pixels, 0, outC, outC, tile, tileStride);
      for (let r = r0; r < r0 + 4; r++) padRow(out, r, outC);
      continue;
    }
    for (let i = 0; i < 4; i++) {
      const p = r0 + i, t = tile + <usize>i * tileStride;
      if (p >= pixels) break;
      if (i > 0 || u > begin) {
        if (++ox == outW) {
          ox = 0;
          if (++oy == outH) { oy = 0; b++; }
        }
      }
      const px0 = ox * sw - padLeft;
      const inside = dw == 1 && px0 >= 0 && px0 + fw <= inW;
      const py0 = oy * sh - padTop;
      if (inside && py0 >= 0 && py0 + (fh - 1) * dh < inH) {
        // the whole window inside the image: its filter rows are runs rowStep apart
        const base = xw + (<usize>((b * inH + py0) * inW + px0) * tapBytes), rowStep = <usize>(dh * inW) * tapBytes;
        for (let n = 0; n < nPad; n += 4) {
          let acc = i32x4.splat(0), q = w + (<usize>n << 2), row = base;
          for (let ky = 0; ky < fh; ky++, row += rowStep) {
            let j = 0;
            for (; j + 2 <= runPairs; j += 2, q += 2 * wPairBytes) {
              acc = i32x4.add(acc, i32x4.dot_i16x8_s(i32x4.splat(load<i32>(row + (<usize>j << 2))), v128.load(q)));
              acc = i32x4.add(acc, i32x4.dot_i16x8_s(i32x4.splat(load<i32>(row + (<usize>j << 2), 4)), v128.load(q + wPairBytes)));
            }
            if (j < runPairs) {
              acc = i32x4.add(acc, i32x4.dot_i16x8_s(i32x4.splat(load<i32>(row + (<usize>j << 2))), v128.load(q)));
              q += wPairBytes;
            }
          }
          v128.store(t + (<usize>n << 2), acc);
        }
        continue;
      }
      for (let ky = 0; ky < fh; ky++) {
        const iy = py0 + ky * dh;
        let ptr: usize;
        if (inside && iy >= 0 && iy < inH) {
          ptr = xw + (<usize>((b * inH + iy) * inW + px0) * tapBytes);
        } else {
          ptr = patch + <usize>(ky * runPairs * 4);
          for (let c: usize = 0; c < <usize>(runPairs * 4); c += 2) store<i16>(ptr + c, 0);
          if (iy >= 0 && iy < inH) {
            for (let kx = 0; kx < fw; kx++) {
              const ix = px0 + kx * dw;
              if (ix >= 0 && ix < inW) memory.copy(ptr + <usize>kx * tapBytes, xw + (<usize>((b * inH + iy) * inW + ix) * tapBytes), tapBytes);
            }
          }
        }
        store<usize>(rowPtrs + (<usize>ky << 2), ptr);
      }
      for (let n = 0; n < nPad; n += 4) {
        let acc = i32x4.splat(0), q = w + (<usize>n << 2);
        for (let ky = 0; ky < fh; ky++) {
          const row = load<usize>(rowPtrs + (<usize>ky << 2));
          for (let j = 0; j < runPairs; j++, q += wPairBytes) {
            acc = i32x4.add(acc, i32x4.dot_i16x8_s(i32x4.splat(load<i32>(row + (<usize>j << 2))), v128.load(q)));
          }
        }
        v128.store(t + (<usize>n << 2), acc);
      }
    }
    finishTile(out, r0, pixels, 0, outC, outC, tile, tileStride);
    for (let r = r0; r < min(pixels, r0 + 4); r++) padRow(out, r, outC);
  }
}
