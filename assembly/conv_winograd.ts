// conv2d 3x3, stride 1, dilation 1 through Winograd F(2x2, 3x3): each 2x2 output tile takes 16
// products per (input, output) channel pair instead of 36. The filter is transformed once per call
// to U[16][outC/8 panels][inC][8] = G g G^T; per unit of `tiles` output tiles (flattened over batch
// and tile rows) the input patches go to V[16][tiles][inC] = B^T d B, the 16 products
// M[e] = V[e] x U[e] run on conv.ts's register tile (an indirection table of V rows, one tap), and
// A^T m A gives the 2x2 outputs, then the bias/activation epilogue. Each tile's sums do not depend
// on the units, so any split is bit-identical; the results differ from the direct conv by float
// rounding only (issue 9: ~2e-6 of the output's magnitude on the bench's rows, 1.7x faster).
import { epilogueRow } from './matmul';
import { geo, G_BATCH, G_DH, G_DW, G_FH, G_FW, G_INC, G_INH, G_INW, G_OUTC, G_OUTH, G_OUTW, G_PL, G_PT, G_SH, G_SW, IND_MR, tileIndirect } from './conv';

/** Output tiles per unit at most (a multiple of 5 and 6: either register tile fills). */
const WG_TILES = 30;

/**
 * Channel pairs (inC * outC) at most: the transformed filter (64 bytes a pair) is read once per
 * unit, and past ~1 MiB it no longer stays in cache (14x14, 256 -> 256 ran 0.88x of the direct conv).
 */
const WG_MAX_PAIRS = 16384;

/** Whether conv2d with these params takes the Winograd path: 3x3, stride 1, dilation 1, inC >= 8,
 * inC and outC multiples of 4, at most WG_MAX_PAIRS channel pairs (any image size: on tiny images
 * the partial tiles and the filter transform may cost more than the direct path, but both are small there). */
export function wgEligible(params: usize): bool {
  // strides and dilations are >= 1, so their OR is 1 only when all are
  return mayWinograd(geo(params, G_FH), geo(params, G_FW), geo(params, G_INC), geo(params, G_OUTC)) &&
    (geo(params, G_SH) | geo(params, G_SW) | geo(params, G_DH) | geo(params, G_DW)) == 1;
}

/** The filter's part of wgEligible (conv.ts sizes its scratch by it before the geometry is known). */
export function mayWinograd(fh: i32, fw: i32, inC: i32, outC: i32): bool {
  return fh == 3 && fw == 3 && inC >= 8 && ((inC | outC) & 3) == 0 && inC * outC <= WG_MAX_PAIRS;
}

/** Bytes of one thread's V, M and row table. */
export function wgThreadBytes(inC: i32, outC: i32): i32 {
  return 16 * WG_TILES * (inC + outC + 1) * 4 + 16;
}

/** Output tiles per unit for a pool block of `block` pixels (at least 4 * IND_MR: parallel.ts's 60 and up, conv2d's PIX_BLOCK):
 * about block / 4, a multiple of IND_MR, at most WG_TILES. */
function wgTilesPerUnit(block: i32): i32 {
  return min(WG_TILES, (block >> 2) / IND_MR * IND_MR);
}

function wgTiles(params: usize): i32 {
  return geo(params, G_BATCH) * ((geo(params, G_OUTH) + 1) >> 1) * ((geo(params, G_OUTW) + 1) >> 1);
}

export function wgUnits(params: usize, block: i32): i32 {
  const per = wgTilesPerUnit(block);
  return (wgTiles(params) + per - 1) / per;
}

/** (a, (a + b + c) / 2, (a - b + c) / 2, c) of the vectors at pa, pb, pc, stored at dst, dst + ds, ...: one step of G g G^T. */
function gStep(pa: usize, pb: usize, pc: usize, dst: usize, ds: usize): void {
  const half = f32x4.splat(0.5);
  const a = v128.load(pa), b = v128.load(pb), c = v128.load(pc);
  v128.store(dst, a);
  v128.store(dst + ds, f32x4.mul(half, f32x4.add(f32x4.add(a, b), c)));
  v128.store(dst + 2 * ds, f32x4.mul(half, f32x4.add(f32x4.sub(a, b), c)));
  v128.store(dst + 3 * ds, c);
}

/** (a0 - a2, a1 + a2, a2 - a1, a1 - a3) of the vectors at p, p + s, ..., in place, for n vectors from p on: one step of B^T d B. */
function bStep(p: usize, s: usize, n: usize): void {
  for (const end = p + (n << 4); p < end; p += 16) {
    const a0 = v128.load(p), a1 = v128.load(p + s), a2 = v128.load(p + 2 * s), a3 = v128.load(p + 3 * s);
    v128.store(p, f32x4.sub(a0, a2));
    v128.store(p + s, f32x4.add(a1, a2));
    v128.store(p + 2 * s, f32x4.sub(a2, a1));
    v128.store(p + 3 * s, f32x4.sub(a1, a3));
  }
}

/** (a0 + a1 + a2, a1 - a2 - a3) of the vectors at p, p + s, ..., stored at p and p + s, for n vectors from p on: one step of A^T m A. */
function aStep(p: usize, s: usize, n: usize): void {
  for (const end = p + (n << 4); p < end; p += 16) {
    const a0 = v128.load(p), a1 = v128.load(p + s), a2 = v128.load(p + 2 * s), a3 = v128.load(p + 3 * s);
    v128.store(p, f32x4.add(f32x4.add(a0, a1), a2));
    v128.store(p + s, f32x4.sub(f32x4.sub(a1, a2), a3));
  }
}

/** U = G g G^T for every (inC, outC) pair, 4 output channels at a time; f is [3][3][inC][outC]. */
export function wgPackFilter(f: usize, params: usize, U: usize): void {
  const C = geo(params, G_INC), N = geo(params, G_OUTC);
  const es = <usize>(((N + 7) >> 3) * C * 8) << 2;
  const ts = <usize>(C * N) << 2;
  for (let ci = 0; ci < C; ci++) {
    for (let co = 0; co < N; co += 4) {
      const p = f + (<usize>(ci * N + co) << 2);
      const dst = U + (<usize>(((co >> 3) * C + ci) * 8 + (co & 7)) << 2);
      // over the filter rows (planes 4i + kx), then over the columns of each row (planes 4i .. 4i + 3)
      for (let kx: usize = 0; kx < 3; kx++) gStep(p + kx * ts, p + (3 + kx) * ts, p + (6 + kx) * ts, dst + kx * es, 4 * es);
      for (let i: usize = 0; i < 16; i += 4) gStep(dst + i * es, dst + (i + 1) * es, dst + (i + 2) * es, dst + i * es, es);
    }
  }
}

/** conv2d over units [first, last) of wgUnits(params, block); U from wgPackFilter; scratch: wgThreadBytes. */
export function wgRange(
  x: usize, U: usize, out: usize, params: usize, bias: usize, biasSize: i32, act: i32, alpha: f32,
  prelu: usize, preluSize: i32, scratch: usize, first: i32, last: i32, block: i32,
): void {
  const inH = geo(params, G_INH), inW = geo(params, G_INW), C = geo(params, G_INC);
  const outH = geo(params, G_OUTH), outW = geo(params, G_OUTW), N = geo(params, G_OUTC);
  const pT = geo(params, G_PT), pL = geo(params, G_PL);
  const tW = (outW + 1) >> 1, tImg = ((outH + 1) >> 1) * tW;
  const per = wgTilesPerUnit(block), T = geo(params, G_BATCH) * tImg;
  const V = scratch, M = V + (<usize>(16 * WG_TILES * C) << 2), table = M + (<usize>(16 * WG_TILES * N) << 2);
  const vE = <usize>(WG_TILES * C) << 2, mE = <usize>(WG_TILES * N) << 2;
  const lda = <usize>C << 2, ldo = <usize>N << 2;
  const zero = f32x4.splat(0);
  for (let i = 0; i < 16 * WG_TILES; i++) store<u32>(table + (<usize>i << 2), <u32>(V + <usize>(i / WG_TILES) * vE + <usize>(i % WG_TILES) * lda));
  for (let t0 = first * per; t0 < min(T, last * per); t0 += per) {
    const nt = min(per, T - t0);
    // input transform: V[e = 4r + c][tile] = (B^T d B)[r][c], 4 input channels at a time
    for (let tt = 0; tt < nt; tt++) {
      const t = t0 + tt, b = t / tImg, rem = t % tImg;
      const y0 = ((rem / tW) << 1) - pT, x0 = ((rem % tW) << 1) - pL;
      const img = x + (<usize>(b * inH * inW * C) << 2);
      // d (zero outside the image) into planes 4r + c, then B^T over its columns and B over its rows
      const dst = V + <usize>tt * lda;
      for (let q = 0; q < 16; q++) {
        const iy = y0 + (q >> 2), ix = x0 + (q & 3);
        const inside = u32(iy) < u32(inH) && u32(ix) < u32(inW);
        const src = img + (<usize>((iy * inW + ix) * C) << 2), d = dst + <usize>q * vE;
        for (let i: usize = 0; i < lda; i += 16) v128.store(d + i, inside ? v128.load(src + i) : zero);
      }
      for (let c: usize = 0; c < 4; c++) bStep(dst + c * vE, 4 * vE, lda >> 4);
      for (let r: usize = 0; r < 16; r += 4) bStep(dst + r * vE, vE, lda >> 4);
    }
    // M[e] = V[e] x U[e]: the register tile over IND_MR tiles x 8 output channels, K = inC
    for (let e = 0; e < 16; e++) {
      for (let n0 = 0; n0 < N; n0 += 8) {
        const bp = U + (<usize>((e * ((N + 7) >> 3) + (n0 >> 3)) * C * 8) << 2);
        for (let g = 0; g < nt; g += IND_MR) {
          tileIndirect(table + (<usize>(e * WG_TILES + g) << 2), 1, C, bp, M + <usize>e * mE + <usize>g * ldo + (<usize>n0 << 2), ldo, min(IND_MR, nt - g), min(8, N - n0));
        }
      }
    }
    // output transform: the 2x2 tile = A^T m A, 4 output channels at a time, then the epilogue
    for (let tt = 0; tt < nt; tt++) {
      const t = t0 + tt, b = t / tImg, rem = t % tImg;
      const oy = (rem / tW) << 1, ox = (rem % tW) << 1;
      const o = out + (<usize>(((b * outH + oy) * outW + ox) * N) << 2);
      // A^T over the columns of m (rows 0 and 1 into planes 0-3 and 4-7), then A over those two rows
      const m = M + <usize>tt * ldo;
      for (let j: usize = 0; j < 4; j++) aStep(m + j * mE, 4 * mE, ldo >> 4);
      for (let r: usize = 0; r < 8; r += 4) aStep(m + r * mE, mE, ldo >> 4);
      // the tile's (up to) 4 output pixels: planes 0, 1, 4, 5, then the epilogue
      for (let q = 0; q < 4; q++) {
        const r = q >> 1, c = q & 1;
        if (oy + r >= outH || ox + c >= outW) continue;
        const op = o + <usize>(r * outW + c) * ldo;
        memory.copy(op, m + <usize>(4 * r + c) * mE, ldo);
        if (bias || act != 0) epilogueRow(op, N, bias, biasSize, act, alpha, prelu, preluSize);
      }
    }
  }
}
