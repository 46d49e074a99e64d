/**
 * js reference kernels for the elementwise family: unary, broadcasting binary, select.
 * Straightforward loops over flat indices; broadcasting is done by decomposing every output
 * index into coordinates and dotting them with the per-input strides.
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';
import { binaryFn, toBool, unaryFn } from './scalar_ops.js';

/** Offset of flat output index `i` in an input with the given strides over `outShape`. */
export function stridedOffset(i: number, outShape: number[], strides: number[]): number {
  let offset = 0;
  for (let d = outShape.length - 1; d >= 0; d--) {
    const dim = outShape[d];
    const coord = i % dim;
    i = (i - coord) / dim;
    offset += coord * strides[d];
  }
  return offset;
}

export function unary(x: StorageArray, out: StorageArray, outIsBool: boolean, a: KernelAttrs['unary']): void {
  const f = unaryFn(a.op);
  for (let i = 0; i < out.length; i++) {
    const v = f(x[i], a.alpha, a.beta);
    out[i] = outIsBool ? toBool(v) : v;
  }
}

export function binary(x: StorageArray, y: StorageArray, out: StorageArray, outIsBool: boolean, a: KernelAttrs['binary']): void {
  const f = binaryFn(a.op);
  for (let i = 0; i < out.length; i++) {
    const v = f(x[stridedOffset(i, a.outShape, a.aStrides)], y[stridedOffset(i, a.outShape, a.bStrides)]);
    out[i] = outIsBool ? toBool(v) : v;
  }
}

export function select(cond: StorageArray, x: StorageArray, y: StorageArray, out: StorageArray, a: KernelAttrs['select']): void {
  for (let i = 0; i < out.length; i++) {
    const c = cond[stridedOffset(i, a.outShape, a.condStrides)];
    out[i] = c !== 0 ? x[stridedOffset(i, a.outShape, a.aStrides)] : y[stridedOffset(i, a.outShape, a.bStrides)];
  }
}
