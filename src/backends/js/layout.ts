/**
 * js reference kernels for layout and indexing: strided copy (transpose, slice, tile,
 * broadcast, reverse), constant pad, copy-into (concat), gather, oneHot and the scatter-add
 * unsortedSegmentSum.
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

export function copyStrided(x: StorageArray, out: StorageArray, a: KernelAttrs['copyStrided']): void {
  const rank = a.outShape.length;
  for (let i = 0; i < out.length; i++) {
    let rest = i;
    let src = a.offset;
    for (let d = rank - 1; d >= 0; d--) {
      const coord = rest % a.outShape[d];
      rest = (rest - coord) / a.outShape[d];
      src += (coord % a.modDims[d]) * a.inStrides[d];
    }
    out[i] = x[src];
  }
}

export function pad(x: StorageArray, out: StorageArray, a: KernelAttrs['pad']): void {
  const rank = a.outShape.length;
  for (let i = 0; i < out.length; i++) {
    let rest = i;
    let src = 0;
    let stride = 1;
    let inside = true;
    for (let d = rank - 1; d >= 0; d--) {
      const coord = rest % a.outShape[d];
      rest = (rest - coord) / a.outShape[d];
      const c = coord - a.padBefore[d];
      if (c < 0 || c >= a.inShape[d]) inside = false;
      src += c * stride;
      stride *= a.inShape[d];
    }
    out[i] = inside ? x[src] : a.value;
  }
}

export function copyInto(x: StorageArray, out: StorageArray, a: KernelAttrs['copyInto']): void {
  for (let o = 0; o < a.outer; o++) {
    for (let i = 0; i < a.inner; i++) out[o * a.outInner + a.offset + i] = x[o * a.inner + i];
  }
}

export function gather(x: StorageArray, indices: StorageArray, out: StorageArray, a: KernelAttrs['gather']): void {
  for (let o = 0; o < a.outer; o++) {
    for (let j = 0; j < a.numIndices; j++) {
      const idx = indices[j];
      for (let i = 0; i < a.inner; i++) {
        out[(o * a.numIndices + j) * a.inner + i] =
          idx >= 0 && idx < a.axisDim ? x[(o * a.axisDim + idx) * a.inner + i] : 0;
      }
    }
  }
}

export function oneHot(indices: StorageArray, out: StorageArray, a: KernelAttrs['oneHot']): void {
  for (let j = 0; j < indices.length; j++) {
    for (let d = 0; d < a.depth; d++) out[j * a.depth + d] = indices[j] === d ? a.onValue : a.offValue;
  }
}

export function unsortedSegmentSum(
  x: StorageArray, ids: StorageArray, out: StorageArray, a: KernelAttrs['unsortedSegmentSum'],
): void {
  out.fill(0);
  for (let o = 0; o < a.outer; o++) {
    for (let j = 0; j < a.n; j++) {
      const s = ids[j];
      if (s < 0 || s >= a.numSegments) continue;
      const src = (o * a.n + j) * a.inner;
      const dst = (o * a.numSegments + s) * a.inner;
      for (let i = 0; i < a.inner; i++) out[dst + i] += x[src + i];
    }
  }
}
