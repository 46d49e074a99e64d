/**
 * js reference kernels for selection and scans: topk (k largest per row, TF.js tie order) and
 * the cumulative sum / product along the middle axis of an [outer, n, inner] view. Float sums
 * and products are rounded to f32 after every step (Math.fround), so they match a backend that
 * accumulates in f32 in the same order; int32 wraps as i32 arithmetic does.
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

/** True when value a (at index ia) ranks before value b (at ib): larger first, NaN largest, ties by index. */
export function ranksBefore(a: number, ia: number, b: number, ib: number): boolean {
  const aNaN = a !== a;
  const bNaN = b !== b;
  if (aNaN || bNaN) return aNaN && (!bNaN || ia < ib);
  return a > b || (a === b && ia < ib);
}

export function topk(x: StorageArray, values: StorageArray, indices: StorageArray, a: KernelAttrs['topk']): void {
  const order: number[] = [];
  for (let r = 0; r < a.rows; r++) {
    const base = r * a.cols;
    order.length = 0;
    for (let i = 0; i < a.cols; i++) order.push(i);
    order.sort((i, j) => (ranksBefore(x[base + i], i, x[base + j], j) ? -1 : 1));
    for (let i = 0; i < a.k; i++) {
      values[r * a.k + i] = x[base + order[i]];
      indices[r * a.k + i] = order[i];
    }
  }
}

export function cumulative(x: StorageArray, out: StorageArray, isInt: boolean, a: KernelAttrs['cumulative']): void {
  const prod = a.op === 1;
  const step = (acc: number, v: number): number => {
    if (isInt) return prod ? Math.imul(acc, v) : (acc + v) | 0;
    return Math.fround(prod ? acc * v : acc + v);
  };
  for (let o = 0; o < a.outer; o++) {
    for (let i = 0; i < a.inner; i++) {
      let acc = prod ? 1 : 0;
      for (let t = 0; t < a.n; t++) {
        const j = a.reverse ? a.n - 1 - t : t;
        const at = (o * a.n + j) * a.inner + i;
        const v = x[at];
        if (a.exclusive) {
          out[at] = acc;
          acc = step(acc, v);
        } else {
          acc = step(acc, v);
          out[at] = acc;
        }
      }
    }
  }
}
