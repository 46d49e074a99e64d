/**
 * js reference kernel for fused scaled-dot-product attention. Being the reference, it simply
 * materialises one row of scores at a time (float64) instead of streaming K/V tiles:
 *   s[j] = scale * q_i . k_j + mask[i, j]   (mask additive, shared by every bh)
 *   key j is visible to query i only when !causal || j <= i + (seqK - seqQ)
 *   k / v hold kvStride (>= seqK) rows per bh; only the first seqK are read
 *   out_i = sum_j softmax(s)_j v_j,  lse_i = log(sum_j exp(s_j))
 * A row with no visible key, or whose every score is -Infinity, gives zeros and lse = -Infinity.
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

export function attention(
  q: StorageArray, k: StorageArray, v: StorageArray, mask: StorageArray | null,
  out: StorageArray, lse: StorageArray, a: KernelAttrs['attention'],
): void {
  const { bh, seqQ, seqK, headDim: D, scale } = a;
  const scores = new Float64Array(seqK);
  const acc = new Float64Array(D);
  const causalOffset = seqK - seqQ;
  const stride = a.kvStride ?? seqK; // rows per bh in k / v (a KV cache's capacity)
  for (let h = 0; h < bh; h++) {
    for (let i = 0; i < seqQ; i++) {
      const qBase = (h * seqQ + i) * D;
      const visible = a.causal ? Math.min(seqK, Math.max(0, i + causalOffset + 1)) : seqK;
      let m = -Infinity;
      for (let j = 0; j < visible; j++) {
        const kBase = (h * stride + j) * D;
        let dot = 0;
        for (let d = 0; d < D; d++) dot += q[qBase + d] * k[kBase + d];
        let s = scale * dot;
        if (a.hasMask && mask) s += mask[i * seqK + j];
        scores[j] = s;
        if (s > m) m = s;
      }
      const oBase = (h * seqQ + i) * D;
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
        const vBase = (h * stride + j) * D;
        for (let d = 0; d < D; d++) acc[d] += p * v[vBase + d];
      }
      for (let d = 0; d < D; d++) out[oBase + d] = acc[d] / denom;
      lse[h * seqQ + i] = m + Math.log(denom);
    }
  }
}
