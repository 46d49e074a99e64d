/**
 * js reference kernels for reductions and softmax: each row of an [outer, inner] view is
 * reduced with a plain loop (reduceColumns: each column of an [outer, inner, cols] view).
 * Softmax subtracts the row max first, so logits of +-1000 are fine.
 */
import { Reduce, type KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

function reduceRow(op: number, x: StorageArray, start: number, n: number): number {
  switch (op) {
    case Reduce.sum:
    case Reduce.mean: {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[start + i];
      return op === Reduce.mean ? s / n : s;
    }
    case Reduce.prod: {
      let p = 1;
      for (let i = 0; i < n; i++) p *= x[start + i];
      return p;
    }
    case Reduce.max: {
      let m = -Infinity;
      for (let i = 0; i < n; i++) { const v = x[start + i]; if (v !== v) return NaN; if (v > m) m = v; }
      return m;
    }
    case Reduce.min: {
      let m = Infinity;
      for (let i = 0; i < n; i++) { const v = x[start + i]; if (v !== v) return NaN; if (v < m) m = v; }
      return m;
    }
    case Reduce.argMax: {
      let best = 0, m = -Infinity;
      // NaN never wins (TF.js ignores it); an all-NaN row gives 0
      for (let i = 0; i < n; i++) { const v = x[start + i]; if (v > m) { m = v; best = i; } }
      return best;
    }
    case Reduce.argMin: {
      let best = 0, m = Infinity;
      for (let i = 0; i < n; i++) { const v = x[start + i]; if (v < m) { m = v; best = i; } }
      return best;
    }
    case Reduce.any: {
      for (let i = 0; i < n; i++) if (x[start + i] !== 0) return 1;
      return 0;
    }
    case Reduce.all: {
      for (let i = 0; i < n; i++) if (x[start + i] === 0) return 0;
      return 1;
    }
    case Reduce.logSumExp: {
      let m = -Infinity;
      for (let i = 0; i < n; i++) { const v = x[start + i]; if (v !== v) return NaN; if (v > m) m = v; }
      if (m === -Infinity || m === Infinity) return m;
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(x[start + i] - m);
      return m + Math.log(s);
    }
    default:
      throw new Error(`reduce: unknown op code ${op}`);
  }
}

export function reduce(x: StorageArray, out: StorageArray, a: KernelAttrs['reduce']): void {
  for (let o = 0; o < a.outer; o++) out[o] = reduceRow(a.op, x, o * a.inner, a.inner);
}

/** Sum or mean over the middle axis of an [outer, inner, cols] view -> [outer, cols]. */
export function reduceColumns(x: StorageArray, out: StorageArray, a: KernelAttrs['reduceColumns']): void {
  const { outer, inner, cols } = a;
  if (a.op !== Reduce.sum && a.op !== Reduce.mean) throw new Error(`reduceColumns: op code ${a.op} is not sum or mean`);
  const acc = new Float64Array(cols);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let r = 0; r < inner; r++) {
      const base = (o * inner + r) * cols;
      for (let c = 0; c < cols; c++) acc[c] += x[base + c];
    }
    for (let c = 0; c < cols; c++) out[o * cols + c] = a.op === Reduce.mean ? acc[c] / inner : acc[c];
  }
}

export function softmax(x: StorageArray, out: StorageArray, a: KernelAttrs['softmax']): void {
  const { rows, cols } = a;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let m = -Infinity;
    for (let c = 0; c < cols; c++) m = Math.max(m, x[base + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[base + c] - m);
    const logS = Math.log(s);
    for (let c = 0; c < cols; c++) {
      out[base + c] = a.log ? x[base + c] - m - logS : Math.exp(x[base + c] - m) / s;
    }
  }
}
