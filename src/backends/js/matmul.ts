/**
 * js reference matMul: the textbook triple loop per batch, with transposes read through index
 * arithmetic, followed by the fused epilogue (bias, activation, residual). Accumulates in float64.
 * With colSums (a weight gradient whose bias gradient the plan merged in) it also writes the column
 * sums of B (colSums, shared with the wasm backend).
 */
import { checkColSums, Reduce, type KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';
import { activationFn } from './scalar_ops.js';
import { reduceColumns } from './reduce.js';

export function matMul(
  x: StorageArray, y: StorageArray, bias: StorageArray | null, prelu: StorageArray | null,
  out: StorageArray, a: KernelAttrs['matMul'], residual: StorageArray | null = null, sums: StorageArray | null = null,
): void {
  const { M, N, K } = a;
  if (a.colSums) colSums('matMul', y, sums, a);
  const act = activationFn(a.activation);
  checkResidual('matMul', a, residual, a.batch * M * N);
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
        const o = oBase + m * N + n;
        if (a.residual === 1) s += residual![o];
        const pw = prelu ? prelu[a.preluSize === 1 ? 0 : n] : 0;
        out[o] = a.residual === 2 ? act(s, a.alpha, pw) + residual![o] : act(s, a.alpha, pw);
      }
    }
  }
}

/** The residual input a residual epilogue needs: present, of the output's size, and not with prelu before the activation. */
export function checkResidual(op: string, a: { residual?: number; activation: number }, r: StorageArray | null, size: number): void {
  if (!a.residual) return;
  if (a.residual !== 1 && a.residual !== 2) throw new Error(`${op}: residual must be 0, 1 or 2, got ${a.residual}`);
  if (!r || r.length !== size) throw new Error(`${op}: the residual input must have ${size} elements (the output's), got ${r ? r.length : 'none'}`);
  if (a.residual === 1 && a.activation === 5) throw new Error(`${op}: a residual added before the activation does not combine with prelu`);
}

/**
 * KernelAttrs.matMul.colSums: sums[n] = sum over k of B(k, n) for the weight-gradient form, summed as
 * reduceColumns sums (float64). Bad attrs or sizes throw naming the op (checkColSums).
 */
export function colSums(op: string, b: StorageArray, sums: StorageArray | null, a: KernelAttrs['matMul']): void {
  const dtype = (x: StorageArray) => ({ size: x.length, dtype: x instanceof Float32Array ? 'float32' : 'int32' });
  checkColSums(op, a, dtype(b), sums ? dtype(sums) : undefined);
  reduceColumns(b, sums!, { op: Reduce.sum, outer: 1, inner: a.K, cols: a.N });
}
