// Fused scaled-dot-product attention, flash-attention style: per (bh, tile of 4 query rows) the
// keys/values stream in tiles of BC with an online softmax (running max m and sum l per row; the
// output accumulator is rescaled by exp(m_old - m_new) whenever the max grows), so the
// seqQ x seqK score matrix never exists; memory is O(seqK * headDim) for the packed K/V of one bh.
// K is packed per bh into panels [key/8][headDim][8] and V into [dim/8][key][8] (zero padded), so
// both products reuse matMul's 4 x 8 register micro-kernel: S = (scale q) K^T and O += P V.
// Causal rows stop at their last visible key (key j is visible to query i when j <= i + seqK - seqQ),
// and key tiles past a query tile's last visible key are skipped entirely.
import { micro4x8 } from './matmul';
import { expF32x4 } from './simd_math';

const BR = 4; // query rows per tile (the micro-kernel's MR)
const BC = 64; // keys per tile

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

/** Bytes of scratch attention needs for seqK keys of headDim D. */
export function attentionScratchBytes(seqK: i32, D: i32): i32 {
  const seqK8 = (seqK + 7) & ~7, Dp = (D + 7) & ~7;
  return (seqK8 * D + seqK8 * Dp + D * BR + BR * BC + BC * BR + BR * Dp + 3 * BR) * 4 + 64;
}

function packK(k: usize, seqK: i32, seqK8: i32, D: i32, dst: usize): void {
  for (let j0 = 0; j0 < seqK8; j0 += 8) {
    const panel = at(dst, j0 * D);
    for (let l = 0; l < 8; l++) {
      const j = j0 + l;
      if (j < seqK) {
        const src = at(k, j * D);
        for (let d = 0; d < D; d++) store<f32>(at(panel, d * 8 + l), load<f32>(at(src, d)));
      } else {
        for (let d = 0; d < D; d++) store<f32>(at(panel, d * 8 + l), 0);
      }
    }
  }
}

function packV(v: usize, seqK: i32, seqK8: i32, D: i32, Dp: i32, dst: usize): void {
  for (let d0 = 0; d0 < Dp; d0 += 8) {
    const panel = at(dst, d0 * seqK8);
    const cols = min(8, D - d0);
    for (let j = 0; j < seqK8; j++) {
      const o = at(panel, j * 8);
      if (j < seqK && cols == 8) {
        const src = at(v, j * D + d0);
        v128.store(o, v128.load(src));
        v128.store(o, v128.load(src, 16), 16);
      } else {
        for (let l = 0; l < 8; l++) store<f32>(at(o, l), j < seqK && l < cols ? load<f32>(at(v, j * D + d0 + l)) : 0);
      }
    }
  }
}

/** Largest non-NaN element of row[0..n) (n a multiple of 4), -Infinity when none. */
function rowMax(row: usize, n: i32): f32 {
  let m = f32x4.splat(-Infinity);
  for (let j = 0; j < n; j += 4) m = f32x4.pmax(m, v128.load(at(row, j)));
  return max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
}

/** row[j] = exp(row[j] - m) for j < n (n a multiple of 4); returns the sum. */
function expRow(row: usize, n: i32, m: f32): f32 {
  const vm = f32x4.splat(m);
  let s = f32x4.splat(0);
  for (let j = 0; j < n; j += 4) {
    const p = expF32x4(f32x4.sub(v128.load(at(row, j)), vm));
    v128.store(at(row, j), p);
    s = f32x4.add(s, p);
  }
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/**
 * out[bh, seqQ, D] and lse[bh, seqQ] from q [bh, seqQ, D], k, v [bh, kvStride, D] (first seqK rows) and the optional
 * additive mask [seqQ, seqK] (0 when absent). scratch: attentionScratchBytes(seqK, D), 16-aligned.
 */
export function attention(
  q: usize, k: usize, v: usize, mask: usize, out: usize, lse: usize, bh: i32, seqQ: i32, seqK: i32, D: i32,
  scale: f32, causal: i32, kvStride: i32, scratch: usize,
): void {
  const seqK8 = (seqK + 7) & ~7, Dp = (D + 7) & ~7;
  const KP = scratch;
  const VP = at(KP, seqK8 * D);
  const QP = at(VP, seqK8 * Dp);
  const S = at(QP, D * BR);
  const PT = at(S, BR * BC);
  const O = at(PT, BC * BR);
  const causalOffset = seqK - seqQ;
  const state = at(O, BR * Dp); // per-row running max, running sum, visible key count
  for (let h = 0; h < bh; h++) {
    packK(at(k, h * kvStride * D), seqK, seqK8, D, KP);
    packV(at(v, h * kvStride * D), seqK, seqK8, D, Dp, VP);
    for (let i0 = 0; i0 < seqQ; i0 += BR) {
      const rows = min(BR, seqQ - i0);
      let visMax = 0;
      for (let r = 0; r < BR; r++) {
        const i = i0 + r;
        const n = r >= rows ? 0 : causal ? min(seqK, max(0, i + causalOffset + 1)) : seqK;
        store<i32>(at(state, 2 * BR + r), n);
        store<f32>(at(state, r), -Infinity);
        store<f32>(at(state, BR + r), 0);
        visMax = max(visMax, n);
        const qr = at(q, (h * seqQ + i) * D);
        for (let d = 0; d < D; d++) store<f32>(at(QP, d * BR + r), r < rows ? load<f32>(at(qr, d)) * scale : 0);
      }
      memory.fill(O, 0, <usize>(BR * Dp) << 2);
      for (let j0 = 0; j0 < visMax; j0 += BC) {
        const kc8 = (min(BC, visMax - j0) + 7) & ~7;
        for (let jp = 0; jp < kc8; jp += 8) micro4x8(QP, at(KP, (j0 + jp) * D), D, at(S, jp), BC << 2, false);
        for (let r = 0; r < BR; r++) {
          const row = at(S, r * BC);
          const nv = min(kc8, max(0, load<i32>(at(state, 2 * BR + r)) - j0));
          if (mask && nv > 0) {
            const mr = at(mask, (i0 + r) * seqK + j0);
            let j = 0;
            for (; j + 4 <= nv; j += 4) v128.store(at(row, j), f32x4.add(v128.load(at(row, j)), v128.load(at(mr, j))));
            for (; j < nv; j++) store<f32>(at(row, j), load<f32>(at(row, j)) + load<f32>(at(mr, j)));
          }
          for (let j = nv; j < kc8; j++) store<f32>(at(row, j), -Infinity);
          const mOld = load<f32>(at(state, r));
          const mNew = max(mOld, rowMax(row, kc8));
          if (mNew == -Infinity) { // nothing visible yet: no contribution
            memory.fill(row, 0, <usize>kc8 << 2);
            continue;
          }
          const sum = expRow(row, kc8, mNew);
          if (mNew != mOld) {
            const corr = <f32>Math.exp(<f64>(mOld - mNew)); // 0 when mOld = -inf
            store<f32>(at(state, BR + r), load<f32>(at(state, BR + r)) * corr);
            const orow = at(O, r * Dp);
            const vc = f32x4.splat(corr);
            for (let d = 0; d < Dp; d += 4) v128.store(at(orow, d), f32x4.mul(v128.load(at(orow, d)), vc));
            store<f32>(at(state, r), mNew);
          }
          store<f32>(at(state, BR + r), load<f32>(at(state, BR + r)) + sum);
        }
        // P [BR][kc8] -> PT [kc8][BR] for the micro-kernel's A layout
        for (let j = 0; j < kc8; j += 4) {
          const p0 = v128.load(at(S, j)), p1 = v128.load(at(S, BC + j));
          const p2 = v128.load(at(S, 2 * BC + j)), p3 = v128.load(at(S, 3 * BC + j));
          const t0 = v128.shuffle<u32>(p0, p1, 0, 4, 1, 5), t1 = v128.shuffle<u32>(p2, p3, 0, 4, 1, 5);
          const t2 = v128.shuffle<u32>(p0, p1, 2, 6, 3, 7), t3 = v128.shuffle<u32>(p2, p3, 2, 6, 3, 7);
          const d = at(PT, j * BR);
          v128.store(d, v128.shuffle<u64>(t0, t1, 0, 2));
          v128.store(d, v128.shuffle<u64>(t0, t1, 1, 3), 16);
          v128.store(d, v128.shuffle<u64>(t2, t3, 0, 2), 32);
          v128.store(d, v128.shuffle<u64>(t2, t3, 1, 3), 48);
        }
        for (let d0 = 0; d0 < Dp; d0 += 8) micro4x8(PT, at(VP, d0 * seqK8 + j0 * 8), kc8, at(O, d0), <usize>Dp << 2, true);
      }
      for (let r = 0; r < rows; r++) {
        const i = i0 + r;
        const o = at(out, (h * seqQ + i) * D);
        const l = load<f32>(at(state, BR + r));
        const orow = at(O, r * Dp);
        if (l == 0) {
          memory.fill(o, 0, <usize>D << 2);
          store<f32>(at(lse, h * seqQ + i), -Infinity);
          continue;
        }
        const inv = f32x4.splat(<f32>1 / l);
        let d = 0;
        for (; d + 4 <= D; d += 4) v128.store(at(o, d), f32x4.mul(v128.load(at(orow, d)), inv));
        for (; d < D; d++) store<f32>(at(o, d), load<f32>(at(orow, d)) / l);
        store<f32>(at(lse, h * seqQ + i), <f32>(<f64>load<f32>(at(state, r)) + Math.log(<f64>l)));
      }
    }
  }
}
