/**
 * js reference matMul: the textbook triple loop per batch, with transposes read through index
 * arithmetic, followed by the fused epilogue (bias, activation). Accumulates in float64.
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';
import { activationFn } from './scalar_ops.js';

export function matMul(
  x: StorageArray, y: StorageArray, bias: StorageArray | null, prelu: StorageArray | null,
  out: StorageArray, a: KernelAttrs['matMul'],
): void {
  const { M, N, K } = a;
  const act = activationFn(a.activation);
  for (let b = 0; b < a.batch; b++) {
    const aBase = b * a.aBatchStride;
    const bBase = b * a.bBatchStride;
    const oBase = b * M * N;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = x[aBase + (a.transposeA ? k * M + m : m * K + k)];
          const bv = y[bBase + (a.transposeB ? n * K + k : k * N + n)];
          s += av * bv;
        }
        if (a.hasBias && bias) s += bias[a.biasSize === 1 ? 0 : n];
        const pw = prelu ? prelu[a.preluSize === 1 ? 0 : n] : 0;
        out[oBase + m * N + n] = act(s, a.alpha, pw);
      }
    }
  }
}
