// The relaxed-SIMD int8 dots of the int8 kernels (assembly/int8.ts int8MatMulRange / int8ConvRange):
// operand preparation, the 4x2 dot blocks and the integer corrections. Two forms, each taken only
// after src/backends/wasm/int8.ts's probe gave exact sums on the running engine:
// - DOT_U8 (x86 with AVX-VNNI, where V8 lowers i32x4.relaxed_dot_i8x16_i7x16_add_s to vpdpbusd,
//   an exact unsigned x signed byte dot): activations biased to u8 (x + 128, int8BiasRows) as the
//   second operand against the raw int8 weights (int8PadWeights), 16 products per lane group per
//   instruction; sum (x - zp) w = sum (x + 128) w - (128 + zp) sum w.
// - DOT_SPLIT (any engine: the relaxed dot is deterministic and exact when its second operand lies
//   in [0, 127], pairwise sums within i16: 2 * 128 * 127 < 2^15): int8SplitWeights feeds each weight
//   as u = w + 127 = uh + ul with uh, ul in [0, 127], int8PadRows the raw int8 activations, and
//   sum (x - zp) w = sum x uh + sum x ul - 127 sum x - zp sum w. Two dots per 16 products.
// correctTile applies either correction to a tile of int32 sums.

/** The dot forms of int8MatMulRange / int8ConvRange (their dotMode argument). */
export const DOT_I16 = 0, DOT_SPLIT = 1, DOT_U8 = 2;

@inline function rowBytesOf(cols: i32): i32 {
  return ((cols + 3) >> 2) << 2;
}

/** [sum of a's lanes, b's, c's, d's]. */
@inline export function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(v128.shuffle<i32>(a, b, 0, 4, 1, 5), v128.shuffle<i32>(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(v128.shuffle<i32>(c, d, 0, 4, 1, 5), v128.shuffle<i32>(c, d, 2, 6, 3, 7));
  return i32x4.add(v128.shuffle<i32>(ab, cd, 0, 1, 4, 5), v128.shuffle<i32>(ab, cd, 2, 3, 6, 7));
}

@inline function sumBytes(v: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(v));
}

/** Raw int8 rows padded with zeros to dstCols bytes (a multiple of 16), their sums in xsum; then a row of zp (conv taps outside the image). */
export function int8PadRows(src: usize, rows: i32, cols: i32, zp: i32, dst: usize, dstCols: i32, xsum: usize): void {
  const rowBytes = rowBytesOf(cols);
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * <usize>rowBytes, d = dst + <usize>r * <usize>dstCols;
    let acc = i32x4.splat(0), c = 0;
    for (; c + 16 <= cols; c += 16) {
      const v = v128.load(s + c);
      v128.store(d + c, v);
      acc = i32x4.add(acc, sumBytes(v));
    }
    let total = i32x4.extract_lane(hsum4(acc, acc, acc, acc), 0);
    for (; c < cols; c++) {
      const v = <i32>load<i8>(s + c);
      store<i8>(d + c, <i8>v);
      total += v;
    }
    memory.fill(d + cols, 0, dstCols - cols);
    store<i32>(xsum + (<usize>r << 2), total);
  }
  const last = dst + <usize>rows * <usize>dstCols;
  memory.fill(last, <u8>zp, cols);
  memory.fill(last + cols, 0, dstCols - cols);
  store<i32>(xsum + (<usize>rows << 2), zp * cols);
}

/**
 * Weight rows (cols int8 values each, rowBytesOf(cols) apart), `group` rows per output channel, as
 * per channel [uh of its rows | ul of its rows], each row dstCols bytes:
 * uh = min(w + 127, 127), ul = max(w, 0), so uh + ul = w + 127, each in [0, 127] (w in [-127, 127],
 * as the contract says), zero padded; wsum[r / group] += the row's sum of w.
 */
export function int8SplitWeights(w: usize, rows: i32, cols: i32, group: i32, dst: usize, dstCols: i32, wsum: usize): void {
  const rowBytes = rowBytesOf(cols);
  const top = i8x16.splat(127), zero = i8x16.splat(0);
  memory.fill(wsum, 0, <usize>(rows / group) << 2);
  for (let r = 0; r < rows; r++) {
    // channel r / group: its `group` rows' uh side by side, then their ul
    const s = w + <usize>r * <usize>rowBytes, half = <usize>group * <usize>dstCols;
    const d = dst + <usize>(r / group) * 2 * half + <usize>(r % group) * <usize>dstCols;
    let acc = i32x4.splat(0), c = 0;
    for (; c + 16 <= cols; c += 16) {
      const v = v128.load(s + c);
      v128.store(d + c, i8x16.add_sat_s(v, top));
      v128.store(d + half + c, i8x16.max_s(v, zero));
      acc = i32x4.add(acc, sumBytes(v));
    }
    let total = i32x4.extract_lane(hsum4(acc, acc, acc, acc), 0);
    for (; c < cols; c++) {
      const v = <i32>load<i8>(s + c);
      store<u8>(d + c, <u8>min(v + 127, 127));
      store<u8>(d + half + c, <u8>max(v, 0));
      total += v;
    }
    memory.fill(d + cols, 0, dstCols - cols);
    memory.fill(d + half + cols, 0, dstCols - cols);
    const at = wsum + (<usize>(r / group) << 2);
    store<i32>(at, load<i32>(at) + total);
  }
}

/** dot4x2 of the relaxed build: x rows raw int8, weights [uh | ul] pairs of len bytes (len a multiple of 16). */
export function dot4x2Relaxed(table: usize, taps: i32, w0: usize, w1: usize, wTapBytes: usize, len: i32, dst: usize, dstStride: usize): void {
  if (!ASC_FEATURE_RELAXED_SIMD) return;
  let a00 = i32x4.splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  for (let t = 0; t < taps; t++) {
    const e = table + (<usize>t << 4);
    let p0 = load<usize>(e), p1 = load<usize>(e, 4), p2 = load<usize>(e, 8), p3 = load<usize>(e, 12);
    let q0 = w0 + <usize>t * wTapBytes, q1 = w1 + <usize>t * wTapBytes;
    const lo = <usize>len;
    for (let c = 0; c < len; c += 16) {
      const h0 = v128.load(q0), h1 = v128.load(q1);
      const x0 = v128.load(p0), x1 = v128.load(p1), x2 = v128.load(p2), x3 = v128.load(p3);
      a00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x0, h0, a00); a01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x0, h1, a01);
      a10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x1, h0, a10); a11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x1, h1, a11);
      a20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x2, h0, a20); a21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x2, h1, a21);
      a30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x3, h0, a30); a31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x3, h1, a31);
      const l0 = v128.load(q0 + lo), l1 = v128.load(q1 + lo);
      a00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x0, l0, a00); a01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x0, l1, a01);
      a10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x1, l0, a10); a11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x1, l1, a11);
      a20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x2, l0, a20); a21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x2, l1, a21);
      a30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x3, l0, a30); a31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(x3, l1, a31);
      p0 += 16; p1 += 16; p2 += 16; p3 += 16; q0 += 16; q1 += 16;
    }
  }
  const top = hsum4(a00, a01, a10, a11), bottom = hsum4(a20, a21, a30, a31);
  v128.store64_lane(dst, top, 0);
  v128.store64_lane(dst + dstStride, top, 1);
  v128.store64_lane(dst + 2 * dstStride, bottom, 0);
  v128.store64_lane(dst + 3 * dstStride, bottom, 1);
}

/**
 * DOT_U8 activations: packed int8 rows -> rows of dstCols bytes (a multiple of 16) holding x + 128
 * as u8, zero padded; then the row that conv taps outside the image read: zp + 128, zero padded.
 */
export function int8BiasRows(src: usize, rows: i32, cols: i32, zp: i32, dst: usize, dstCols: i32): void {
  const rowBytes = rowBytesOf(cols);
  const bias = i8x16.splat(-128);
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * <usize>rowBytes, d = dst + <usize>r * <usize>dstCols;
    let c = 0;
    for (; c + 16 <= cols; c += 16) v128.store(d + c, v128.xor(v128.load(s + c), bias));
    for (; c < cols; c++) store<u8>(d + c, <u8>(<i32>load<i8>(s + c) + 128));
    memory.fill(d + cols, 0, dstCols - cols);
  }
  const last = dst + <usize>rows * <usize>dstCols;
  memory.fill(last, <u8>(zp + 128), cols);
  memory.fill(last + cols, 0, dstCols - cols);
}

/**
 * DOT_U8 weights: rows of cols int8 values (rowBytesOf(cols) apart), `group` rows per output channel;
 * wsum[r / group] = the channel's sum of w. With dst != 0 the rows are also copied to rows of dstCols
 * bytes (a multiple of 16), zero padded; with dst = 0 (cols a multiple of 16) the packed rows serve as they are.
 */
export function int8PadWeights(w: usize, rows: i32, cols: i32, group: i32, dst: usize, dstCols: i32, wsum: usize): void {
  const rowBytes = rowBytesOf(cols);
  memory.fill(wsum, 0, <usize>(rows / group) << 2);
  for (let r = 0; r < rows; r++) {
    const s = w + <usize>r * <usize>rowBytes, d = dst + <usize>r * <usize>dstCols;
    let acc = i32x4.splat(0), c = 0;
    for (; c + 16 <= cols; c += 16) {
      const v = v128.load(s + c);
      if (dst) v128.store(d + c, v);
      acc = i32x4.add(acc, sumBytes(v));
    }
    let total = i32x4.extract_lane(hsum4(acc, acc, acc, acc), 0);
    for (; c < cols; c++) {
      const v = <i32>load<i8>(s + c);
      if (dst) store<i8>(d + c, <i8>v);
      total += v;
    }
    if (dst) memory.fill(d + cols, 0, dstCols - cols);
    const at = wsum + (<usize>(r / group) << 2);
    store<i32>(at, load<i32>(at) + total);
  }
}

/** DOT_U8 4x2 block: 4 rows of u8 (pointers at table .. table + 12) against int8 weight rows w0, w1, len bytes (a multiple of 16). */
export function dot4x2U8(table: usize, w0: usize, w1: usize, len: i32, dst: usize, dstStride: usize): void {
  if (!ASC_FEATURE_RELAXED_SIMD) return;
  let a00 = i32x4.splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  let p0 = load<usize>(table), p1 = load<usize>(table, 4), p2 = load<usize>(table, 8), p3 = load<usize>(table, 12);
  let q0 = w0, q1 = w1;
  let c = 0;
  for (; c + 32 <= len; c += 32) { // two chunks per trip, the second through immediate offsets
    let h0 = v128.load(q0), h1 = v128.load(q1);
    let x = v128.load(p0);
    a00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a00); a01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a01);
    x = v128.load(p1);
    a10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a10); a11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a11);
    x = v128.load(p2);
    a20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a20); a21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a21);
    x = v128.load(p3);
    a30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a30); a31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a31);
    h0 = v128.load(q0, 16); h1 = v128.load(q1, 16);
    x = v128.load(p0, 16);
    a00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a00); a01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a01);
    x = v128.load(p1, 16);
    a10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a10); a11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a11);
    x = v128.load(p2, 16);
    a20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a20); a21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a21);
    x = v128.load(p3, 16);
    a30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x, a30); a31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x, a31);
    p0 += 32; p1 += 32; p2 += 32; p3 += 32; q0 += 32; q1 += 32;
  }
  if (c < len) { // len is a multiple of 16: one chunk left at most
    const h0 = v128.load(q0), h1 = v128.load(q1);
    const x0 = v128.load(p0), x1 = v128.load(p1), x2 = v128.load(p2), x3 = v128.load(p3);
    a00 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x0, a00); a01 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x0, a01);
    a10 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x1, a10); a11 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x1, a11);
    a20 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x2, a20); a21 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x2, a21);
    a30 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h0, x3, a30); a31 = i32x4.relaxed_dot_i8x16_i7x16_add_s(h1, x3, a31);
  }
  const top = hsum4(a00, a01, a10, a11), bottom = hsum4(a20, a21, a30, a31);
  v128.store64_lane(dst, top, 0);
  v128.store64_lane(dst + dstStride, top, 1);
  v128.store64_lane(dst + 2 * dstStride, bottom, 0);
  v128.store64_lane(dst + 3 * dstStride, bottom, 1);
}

/**
 * The relaxed dots' integer terms: tile[r][n - c0] -= xsMul * xs[r] + wMul * wsum[n]
 * (DOT_SPLIT: 127 and zp; DOT_U8: 0 and 128 + zp).
 */
export function correctTile(tile: usize, tileStride: usize, xs: usize, xsMul: i32, c0: i32, c1: i32, wMul: i32, wsum: usize): void {
  const zv = i32x4.splat(wMul);
  for (let r = 0; r < 4; r++) {
    const row = tile + <usize>r * tileStride;
    const base = xsMul ? xsMul * load<i32>(xs + (<usize>r << 2)) : 0;
    const bv = i32x4.splat(base);
    let n = c0;
    for (; n + 4 <= c1; n += 4) {
      const at = row + (<usize>(n - c0) << 2);
      v128.store(at, i32x4.sub(i32x4.sub(v128.load(at), bv), i32x4.mul(zv, v128.load(wsum + (<usize>n << 2)))));
    }
    for (; n < c1; n++) {
      const at = row + (<usize>(n - c0) << 2);
      store<i32>(at, load<i32>(at) - base - wMul * load<i32>(wsum + (<usize>n << 2)));
    }
  }
}
