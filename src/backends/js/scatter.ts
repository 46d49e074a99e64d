/**
 * js reference kernels for N-d indexing: gatherND (slices picked by index tuples) and
 * scatterND (slices added into zeros, or written over a base tensor for tensorScatterUpdate).
 * Index tuples outside the indexed dims give a zero slice (gather) or are skipped (scatter).
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

/** Element offset of index tuple `row` of `indices`, or -1 when a coordinate is out of range. */
export function sliceOffset(indices: StorageArray, row: number, depth: number, strides: number[], dims: number[]): number {
  let offset = 0;
  for (let d = 0; d < depth; d++) {
    const c = indices[row * depth + d];
    if (c < 0 || c >= dims[d]) return -1;
    offset += c * strides[d];
  }
  return offset;
}

export function gatherND(x: StorageArray, indices: StorageArray, out: StorageArray, a: KernelAttrs['gatherND']): void {
  for (let s = 0; s < a.numSlices; s++) {
    const from = sliceOffset(indices, s, a.indexDepth, a.strides, a.dims);
    for (let i = 0; i < a.sliceSize; i++) out[s * a.sliceSize + i] = from < 0 ? 0 : x[from + i];
  }
}

export function scatterND(
  indices: StorageArray, updates: StorageArray, base: StorageArray | null, out: StorageArray, isInt: boolean,
  a: KernelAttrs['scatterND'],
): void {
  if (a.mode === 1) out.set(base!.subarray(0, a.outSize));
  else out.fill(0);
  for (let j = 0; j < a.numUpdates; j++) {
    const to = sliceOffset(indices, j, a.indexDepth, a.strides, a.dims);
    if (to < 0) continue;
    for (let i = 0; i < a.sliceSize; i++) {
      const v = updates[j * a.sliceSize + i];
      if (a.mode === 1) out[to + i] = v;
      else out[to + i] = isInt ? (out[to + i] + v) | 0 : Math.fround(out[to + i] + v);
    }
  }
}
