/**
 * js reference kernel for fused scaled-dot-product attention. Being the reference, it simply
 * materialises one row of scores at a time (float64) instead of streaming K/V tiles:
 *   s[j] = scale * q_i . k_j + mask[i, j]   (mask additive, shared by every bh)
 *   key j is visible to query i only when !causal || j <= i + (seqK - seqQ)
 *   k / v hold kvStride (>= seqK) rows per bh; only the first seqK are read
 *   heads > 0: q, k, v, out with the heads packed in the last axis (headRow)
 *   out_i = sum_j softmax(s)_j v_j,  lse_i = log(sum_j exp(s_j))
 * A row with no visible key, or whose every score is -Infinity, gives zeros and lse = -Infinity.
 * attentionGrad (its gradient, unmasked) recomputes each row of probabilities from lse the same way.
 */
import { checkAttentionHeads, type KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

/**
 * Element offset of row r (of seq rows) of slice h (of bh = batch * heads): [bh, seq, D], or with
 * heads > 0 the heads packed in the last axis, [batch, seq, heads, D].
 */
function headRow(h: number, r: number, seq: number, heads: number, D: number): number {
  return heads ? ((Math.floor(h / heads) * seq + r) * heads + (h % heads)) * D : (h * seq + r) * D;
}

export function attention(
  q: StorageArray, k: StorageArray, v: StorageArray, mask: StorageArray | null,
  out: StorageArray, lse: StorageArray, a: KernelAttrs['attention'],
): void {
  checkAttentionHeads('js', a);
  const { bh, seqQ, seqK, headDim: D, scale } = a;
  const H = a.heads ?? 0;
  const scores = new Float64Array(seqK);
  const acc = new Float64Array(D);
  const causalOffset = seqK - seqQ;
  const stride = a.kvStride ?? seqK; // rows per bh in k / v (a KV cache's capacity)
  for (let h = 0; h < bh; h++) {
    for (let i = 0; i < seqQ; i++) {
      const qBase = headRow(h, i, seqQ, H, D);
      const visible = a.causal ? Math.min(seqK, Math.max(0, i + causalOffset + 1)) : seqK;
      let m = -Infinity;
      for (let j = 0; j < visible; j++) {
        const kBase = headRow(h, j, stride, H, D);
        let dot = 0;
        for (let d = 0; d < D; d++) dot += q[qBase + d] * k[kBase + d];
        let s = scale * dot;
        if (a.hasMask && mask) s += mask[i * seqK + j];
        scores[j] = s;
        if (s > m) m = s;
      }
      const oBase = qBase;
      if (m === -Infinity) {
        for (let d = 0; d < D; d++) out[oBase + d] = 0;
        lse[h * seqQ + i] = -Infinity;
        continue;
      }
      acc.fill(0);
      let denom = 0;
      for (let j = 0; j < visible; j++) {
        const p = Math.exp(scores[j] - m);
        denom += p;
        const vBase = headRow(h, j, stride, H, D);
        for (let d = 0; d < D; d++) acc[d] += p * v[vBase + d];
      }
      for (let d = 0; d < D; d++) out[oBase + d] = acc[d] / denom;
      lse[h * seqQ + i] = m + Math.log(denom);
    }
  }
}

/** The attentionGrad kernel (KernelAttrs.attentionGrad): float64 sums, one query row at a time. */
export function attentionGrad(
  q: StorageArray, k: StorageArray, v: StorageArray, out: StorageArray, lse: StorageArray, dO: StorageArray,
  dQ: StorageArray, dK: StorageArray, dV: StorageArray, a: KernelAttrs['attentionGrad'],
): void {
  const { bh, seqQ, seqK, headDim: D, scale, heads: H } = a;
  const causalOffset = seqK - seqQ;
  const row = (h: number, r: number, seq: number) => headRow(h, r, seq, H, D);
  const dq = new Float64Array(D), dk = new Float64Array(seqK * D), dv = new Float64Array(seqK * D);
  for (let h = 0; h < bh; h++) {
    dk.fill(0);
    dv.fill(0);
    for (let i = 0; i < seqQ; i++) {
      const qBase = row(h, i, seqQ);
      const visible = a.causal ? Math.min(seqK, Math.max(0, i + causalOffset + 1)) : seqK;
      const l = Math.max(lse[h * seqQ + i], -1e30);
      let delta = 0;
      for (let d = 0; d < D; d++) delta += dO[qBase + d] * out[qBase + d];
      dq.fill(0);
      for (let j = 0; j < visible; j++) {
        const kBase = row(h, j, seqK);
        let s = 0, dp = 0;
        for (let d = 0; d < D; d++) {
          s += q[qBase + d] * k[kBase + d];
          dp += dO[qBase + d] * v[kBase + d];
        }
        const p = Math.exp(scale * s - l);
        const ds = p * (dp - delta);
        for (let d = 0; d < D; d++) {
          dq[d] += ds * k[kBase + d];
          dk[j * D + d] += ds * q[qBase + d];
          dv[j * D + d] += p * dO[qBase + d];
        }
      }
      for (let d = 0; d < D; d++) dQ[qBase + d] = scale * dq[d];
    }
    for (let j = 0; j < seqK; j++) {
      const kBase = row(h, j, seqK);
      for (let d = 0; d < D; d++) {
        dK[kBase + d] = scale * dk[j * D + d];
        dV[kBase + d] = dv[j * D + d];
      }
    }
  }
}
