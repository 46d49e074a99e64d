// int8 conv2d with few input channels (inC = 1, 3, 4, 12, ...; and inC 8k on big images) on the u8 relaxed dot (DOT_U8 of
// assembly/int8_relaxed.ts; taken only where the probe in src/backends/wasm/int8.ts passed): the
// input biased to u8 (x + 128, int8BiasCompact) is read by int8BcastRange filter row by filter row
// where four pixels' windows lie inside the image (else the unit gathers them, on its own thread),
// and each lane of a relaxed dot is one output channel: 4 input bytes of a filter row broadcast to
// all lanes (v128.load32_splat) against 4 bytes of 4 channels (int8InterleaveU8Weights: per group
// of 4 values of a filter row, 4 bytes of each channel). Short runs then need no horizontal sums and
// no padding to 16: an [8 channels x 4 pixels] block per group of 4 values. Runs of 4k + 1 values
// (9 for a 3x3 RGB filter row) in at most 4 filter rows put their last values together in one tail
// group (hasTail): 7 groups for a 3x3x3 filter where rows padded to 12 took 9. Taps outside the image hold zp + 128, so that, as everywhere in
// DOT_U8, sum (x - zp) w = sum (x + 128) w - (128 + zp) sum w over the channel's weights.
import { biasVec, finishTile, finishVec, padRow, scaleVec, setEpilogue, vecEpilogueAct } from './int8';

@inline function rowBytesOf(cols: i32): i32 {
  return ((cols + 3) >> 2) << 2;
}

/** Packed int8 NHWC pixels (inC values each, rowBytesOf(inC) apart) -> u8 values x + 128 back to back, plus 16 bytes of slack. */
export function int8BiasCompact(x: usize, pixels: i32, inC: i32, dst: usize): void {
  const rowBytes = <usize>rowBytesOf(inC), total = pixels * inC;
  // inC a multiple of 4: the packed rows hold no padding, one run whose bytes flip their top bit
  if (rowBytes == inC) for (let i = 0; i < total; i += 16) v128.store(dst + i, v128.xor(v128.load(x + i), i8x16.splat(-128)));
  // inC = 1: byte 0 of each 4 (reads up to 12 bytes past the last pixel, inside its 16-byte block)
  else if (inC == 1) for (let i = 0; i < total; i += 4) {
    v128.store32_lane(dst + i, v128.xor(i8x16.shuffle(v128.load(x + (<usize>i << 2)), v128.splat<i32>(0), 0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), i8x16.splat(-128)), 0);
  }
  // inC = 3 (RGB): 4 pixels' 12 bytes of each 16 (reads up to 12 bytes past the last pixel, inside its 16-byte block)
  else if (inC == 3) for (let i = 0; i < total; i += 12) {
    v128.store(dst + i, v128.xor(i8x16.shuffle(v128.load(x + <usize>(i / 3 << 2)), v128.splat<i32>(0), 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0), i8x16.splat(-128)));
  }
  else for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < inC; c++) store<u8>(dst + <usize>(p * inC + c), <u8>(<i32>load<i8>(x + <usize>p * rowBytes + c) + 128));
  }
  v128.store(dst + <usize>total, v128.splat<i32>(0));
}

/**
 * Whether each filter row's run of fw * inC values ends in one value past its full groups of 4 (a 3x3
 * RGB filter: 9 values) and at most 4 rows: those last values then share one "tail" group (byte ky
 * row ky's), so a 3x3x3 filter takes 7 groups, not 3 rows of 3.
 */
@inline function hasTail(fh: i32, run: i32): bool {
  return (run & 3) == 1 && fh <= 4;
}

/** The tail group of pixel i (table: its filter rows' runs, 4 pixels a row): byte ky of a splat is row ky's last value. */
@inline function tailSplat(table: usize, i: usize, fh: i32, off: usize): v128 {
  let v = 0;
  for (let ky = 0; ky < fh; ky++) v |= <i32>load<u8>(load<usize>(table + (<usize>ky << 4) + (i << 2)) + off) << (ky << 3);
  return i32x4.splat(v);
}

/**
 * Packed conv weights [outC, fh, fw, rowBytesOf(inC)] -> groups of 4 values of one filter row: a
 * filter row's fw * inC values (kx * inC + c) padded with zeros to runGroups groups of 4; group
 * ky * runGroups + j holds, for channels 0 .. nPad - 1 (nPad a multiple of 8), the channel's values
 * 4j .. 4j + 3 of filter row ky (zero for channels past outC). wsum[n]: channel n's sum of weights
 * (0 past outC).
 */
export function int8InterleaveU8Weights(w: usize, outC: i32, fh: i32, fw: i32, inC: i32, dst: usize, runGroups: i32, nPad: i32, wsum: usize): void {
  const rowBytes = <usize>rowBytesOf(inC), run = fw * inC, groupBytes = <usize>nPad << 2, full = run >> 2, tail = hasTail(fh, run);
  const rowGroups = tail ? full : runGroups;
  memory.fill(dst, 0, <usize>(fh * runGroups) * groupBytes);
  memory.fill(wsum, 0, <usize>nPad << 2);
  for (let n = 0; n < outC; n++) {
    let total = 0;
    if (<i32>rowBytes == inC && (run & 3) == 0) {
      // inC a multiple of 4 (no tail): the channel's filter rows lie back to back in whole groups, 4 bytes a copy
      for (let g = 0; g < fh * runGroups; g++) {
        const v = load<i32>(w + <usize>(n * fh * run) + (<usize>g << 2));
        store<i32>(dst + <usize>g * groupBytes + (<usize>n << 2), v);
        total += (v << 24 >> 24) + (v << 16 >> 24) + (v << 8 >> 24) + (v >> 24);
      }
      store<i32>(wsum + (<usize>n << 2), total);
      continue;
    }
    for (let ky = 0; ky < fh; ky++) {
      for (let r = 0; r < run; r++) {
        const v = <i32>load<i8>(w + <usize>((n * fh + ky) * fw + r / inC) * rowBytes + <usize>(r % inC));
        // a filter row's last value, past its full groups, goes to byte ky of the tail group
        const last = tail && r >> 2 == full, g = last ? fh * full : ky * rowGroups + (r >> 2);
        store<i8>(dst + <usize>g * groupBytes + <usize>(n << 2) + <usize>(last ? ky : r & 3), <i8>v);
        total += v;
      }
    }
    store<i32>(wsum + (<usize>n << 2), total);
  }
}

/**
 * finishVec of 4 rows' sums of channels n .. n + 3, stored outRow bytes apart from o: one copy of the
 * code for every block (inlined 8 times per block it cost 17 bytes of gzip more; a call per 4 channels
 * costs the RGB conv ~10%, and saves the 1 -> 4 conv the tile and finishTile, ~25%).
 */
@inline function storeRows(o: usize, outRow: usize, a0: v128, a1: v128, a2: v128, a3: v128, n: i32, act: i32): void {
  const s = scaleVec(n), b = biasVec(n);
  v128.store(o, finishVec(a0, s, b, act)); v128.store(o + outRow, finishVec(a1, s, b, act));
  v128.store(o + 2 * outRow, finishVec(a2, s, b, act)); v128.store(o + 3 * outRow, finishVec(a3, s, b, act));
}

/** Bytes of per-thread scratch for int8BcastRange: a 4 x nPad int32 tile, 4 x fh row pointers, 4 patches of fh x runGroups groups and slack. */
export function int8BcastScratchBytes(nPad: i32, fh: i32, runGroups: i32): i32 {
  return 16 * nPad + 16 * fh + 16 * fh * runGroups + 16;
}

/**
 * int8Conv2d on u8 input over units [begin, end) of 4 output pixels x all channels. xc:
 * int8BiasCompact's input (x + 128, inC bytes a pixel, 16 bytes of slack); params: the ConvGeometry
 * block (src/backends/wasm/kernels.ts writeGeometry); w: int8InterleaveU8Weights's groups with
 * channel sums wsum; N channels; epilogue as int8MatMulRange. A filter row whose taps all lie inside
 * the image (width dilation 1) is read from the input where it lies (its last group may read up to
 * 3 bytes past the run: they meet zero weights); other filter rows are gathered into scratch (taps
 * outside the image zp + 128). scratch: int8BcastScratchBytes(nPad, fh, runGroups).
 */
export function int8BcastRange(
  xc: usize, params: usize, w: usize, wScale: usize, bias: usize, out: usize, N: i32, runGroups: i32, nPad: i32, wsum: usize, aZp: i32,
  aScale: f32, act: i32, alpha: f64, outInt8: i32, outScale: f64, outZp: i32, scratch: usize, begin: i32, end: i32,
): void {
  if (!ASC_FEATURE_RELAXED_SIMD) return;
  setEpilogue(wScale, bias, aScale, act, alpha, outInt8, outScale, outZp);
  const batch = load<i32>(params), inH = load<i32>(params, 4), inW = load<i32>(params, 8), inC = load<i32>(params, 12);
  const outH = load<i32>(params, 16), outW = load<i32>(params, 20);
  const fh = load<i32>(params, 28), fw = load<i32>(params, 32), sh = load<i32>(params, 36), sw = load<i32>(params, 40);
  const dh = load<i32>(params, 44), dw = load<i32>(params, 48), padTop = load<i32>(params, 52), padLeft = load<i32>(params, 56);
  const M = batch * outH * outW, tapBytes = <usize>inC, runBytes = <usize>(runGroups << 2), fill = <u8>(aZp + 128);
  // (runGroups 0: no dots at all, the epilogue stage of bench/int8_fewch_profile.mjs)
  const run = fw * inC, tail = runGroups > 0 && hasTail(fh, run), tailOff = <usize>(run & ~3), dotBytes = tail ? tailOff : runBytes;
  const tile = scratch, tileStride = <usize>nPad << 2, groupBytes = <usize>nPad << 2, rowGroupBytes = (dotBytes >> 2) * groupBytes;
  const table = tile + 4 * tileStride, patches = table + <usize>(16 * fh), patchBytes = <usize>fh * runBytes;
  const zw = i32x4.splat(-128 - aZp), vecAct = vecEpilogueAct(), outRow = <usize>N << 2;
  memory.fill(table, 0, <usize>(16 * fh));
  // the pixel (b, oy, ox) walks along without divisions
  let ox = (begin * 4) % outW, oy = ((begin * 4) / outW) % outH, b = (begin * 4) / (outW * outH);
  for (let u = begin; u < end; u++) {
    const r0 = u * 4, rows = min(4, M - r0);
    // each pixel's filter rows: table[4 ky + i] points at pixel i's run of filter row ky (pixels past
    // M keep an earlier unit's pointers, or 0: valid memory whose sums are not stored)
    const ix0 = ox * sw - padLeft, iy0 = oy * sh - padTop;
    if (rows == 4 && dw == 1 && ox + 3 < outW && ix0 >= 0 && ix0 + 3 * sw + fw <= inW && iy0 >= 0 && iy0 + (fh - 1) * dh < inH) {
      // four along one output row with their windows inside the image: runs step bytes apart
      const step = <usize>sw * tapBytes, rowStep = <usize>(dh * inW) * tapBytes;
      let p = xc + <usize>((b * inH + iy0) * inW + ix0) * tapBytes;
      for (let ky = 0; ky < fh; ky++, p += rowStep) {
        const e = table + (<usize>ky << 4);
        store<usize>(e, p); store<usize>(e, p + step, 4); store<usize>(e, p + 2 * step, 8); store<usize>(e, p + 3 * step, 12);
      }
      ox += 4;
      if (ox == outW) {
        ox = 0;
        if (++oy == outH) { oy = 0; b++; }
      }
    } else for (let i = 0; i < 4; i++) {
      if (i >= rows) break;
      const px0 = ox * sw - padLeft, inside = dw == 1 && px0 >= 0 && px0 + fw <= inW;
      const patch = patches + <usize>i * patchBytes;
      for (let ky = 0; ky < fh; ky++) {
        const iy = oy * sh - padTop + ky * dh, row = xc + <usize>((b * inH + iy) * inW) * tapBytes;
        let ptr = row + <usize>px0 * tapBytes;
        if (!inside || iy < 0 || iy >= inH) {
          ptr = patch + <usize>ky * runBytes;
          // byte by byte: a tap is a few bytes, where memory.fill / copy cost a call each
          for (let kx = 0; kx < fw; kx++) {
            const ix = px0 + kx * dw, t = ptr + <usize>kx * tapBytes, src = row + <usize>ix * tapBytes;
            const outside = iy < 0 || iy >= inH || ix < 0 || ix >= inW;
            for (let c: usize = 0; c < tapBytes; c++) {
              let v = fill;
              if (!outside) v = load<u8>(src + c);
              store<u8>(t + c, v);
            }
          }
        }
        store<usize>(table + (<usize>(4 * ky + i) << 2), ptr);
      }
      if (++ox == outW) {
        ox = 0;
        if (++oy == outH) { oy = 0; b++; }
      }
    }
    // the tail groups of the unit's 4 pixels (pixels past M read valid memory, their sums unstored)
    let y0 = v128.splat<i32>(0), y1 = y0, y2 = y0, y3 = y0;
    if (tail) {
      y0 = tailSplat(table, 0, fh, tailOff); y1 = tailSplat(table, 1, fh, tailOff);
      y2 = tailSplat(table, 2, fh, tailOff); y3 = tailSplat(table, 3, fh, tailOff);
    }
    // float32 outputs of 4 whole rows: channels below `direct` (a multiple of 4) go straight from the sums to out
    const direct = vecAct >= 0 && rows == 4 ? N & ~3 : 0;
    for (let n = 0; n < nPad; n += 8) {
      // the sums start at -(128 + zp) sum w, the u8 bias and zero point terms of each channel
      const c0 = i32x4.mul(zw, v128.load(wsum + (<usize>n << 2))), c1 = i32x4.mul(zw, v128.load(wsum + (<usize>n << 2), 16));
      let a00 = c0, a01 = c1, a10 = c0, a11 = c1, a20 = c0, a21 = c1, a30 = c0, a31 = c1;
      let qRow = w + (<usize>n << 2);
      for (let ky = 0; ky < fh; ky++, qRow += rowGroupBytes) {
        const e = table + (<usize>ky << 4);
        const x0 = load<usize>(e), x1 = load<usize>(e, 4), x2 = load<usize>(e, 8), x3 = load<usize>(e, 12);
        let q = qRow;
        for (let k: usize = 0; k < dotBytes; k += 4, q += groupBytes) {
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
      }
      if (tail) {
        // qRow is at the tail group now
        const h0 = v128.load(qRow), h1 = v128.load(qRow, 16);
        a00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, y0, a00); a01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, y0, a01);
        a10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, y1, a10); a11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, y1, a11);
        a20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, y2, a20); a21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, y2, a21);
        a30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, y3, a30); a31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, y3, a31);
      }
      if (n < direct) {
        // the block's first 4 channels; the other 4 too below `direct`, else through the tile
        const o = out + ((<usize>r0 * <usize>N + <usize>n) << 2);
        storeRows(o, outRow, a00, a10, a20, a30, n, vecAct);
        if (n + 8 <= direct) {
          storeRows(o + 16, outRow, a01, a11, a21, a31, n + 4, vecAct);
          continue;
        }
      }
      const at = tile + (<usize>n << 2);
      v128.store(at, a00); v128.store(at, a01, 16);
      v128.store(at + tileStride, a10); v128.store(at + tileStride, a11, 16);
      v128.store(at + 2 * tileStride, a20); v128.store(at + 2 * tileStride, a21, 16);
      v128.store(at + 3 * tileStride, a30); v128.store(at + 3 * tileStride, a31, 16);
    }
    // (direct == N: float32 outputs all stored, nothing left for finishTile nor padRow)
    if (direct < N) {
      finishTile(out, r0, M, direct, N, N, tile + (<usize>direct << 2), tileStride);
      for (let r = r0; r < r0 + rows; r++) padRow(out, r, N);
    }
  }
}
