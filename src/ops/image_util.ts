/**
 * Shared helpers of the image ops: TF.js-worded argument conversion, and the per-axis source
 * tables that the resize kernels sample by (computed here once, in float64, from the shapes and
 * the alignCorners / halfPixelCenters rules, so every backend reads the same pixels).
 */
import type { DType } from '../backends/backend.js';
import { resizeTableSize } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import { Tensor } from '../tensor.js';
import { isTypedArray } from '../util.js';
import { toTensor, type Input } from './operand.js';

/**
 * TF.js's convertToTensor wording: a non-tensor-like argument, or a tensor of the wrong dtype
 * where one is required, throws "Argument 'x' passed to 'op' must be ...".
 */
export function imageArg(x: Input, arg: string, op: string, dtype?: DType): Tensor {
  if (x instanceof Tensor) {
    if (dtype && x.dtype !== dtype) {
      throw new Error(`Argument '${arg}' passed to '${op}' must be ${dtype} tensor, but got ${x.dtype} tensor`);
    }
    return toTensor(x, op, arg);
  }
  const tensorLike = typeof x === 'number' || typeof x === 'boolean' || Array.isArray(x) || isTypedArray(x);
  if (!tensorLike) {
    const kind = x === null ? 'null' : (x as unknown as object)?.constructor?.name ?? typeof x;
    throw new Error(`Argument '${arg}' passed to '${op}' must be a Tensor or TensorLike, but got '${kind}'`);
  }
  return toTensor(x, op, arg, dtype);
}

export function check(cond: boolean, msg: () => string): void {
  if (!cond) throw new Error(msg());
}

interface AxisMap {
  lo: number[];
  hi: number[];
  frac: number[];
}

/** Source taps of each output coordinate along one axis (TF.js's ResizeBilinear / NearestNeighbor rules). */
function axisMap(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean, nearest: boolean): AxisMap {
  const aligned = alignCorners && outSize > 1;
  const ratio = (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
  const map: AxisMap = { lo: [], hi: [], frac: [] };
  for (let o = 0; o < outSize; o++) {
    if (nearest) {
      const src = halfPixelCenters ? ratio * (o + 0.5) : ratio * o;
      let i = Math.min(inSize - 1, alignCorners ? Math.round(src) : Math.floor(src));
      if (halfPixelCenters) i = Math.max(0, i);
      map.lo.push(i);
      map.hi.push(i);
      map.frac.push(0);
    } else {
      const src = halfPixelCenters ? ratio * (o + 0.5) - 0.5 : ratio * o;
      const lo = Math.max(0, Math.floor(src));
      map.lo.push(lo);
      map.hi.push(Math.min(inSize - 1, Math.ceil(src)));
      map.frac.push(src - lo);
    }
  }
  return map;
}

/** For each input coordinate, the range of output coordinates whose lo or hi tap is it. */
function inverseRanges(map: AxisMap, inSize: number): { first: number[]; last: number[] } {
  const first = new Array<number>(inSize).fill(map.lo.length);
  const last = new Array<number>(inSize).fill(-1);
  map.lo.forEach((lo, o) => {
    for (let i = lo; i <= map.hi[o]; i++) {
      first[i] = Math.min(first[i], o);
      last[i] = Math.max(last[i], o);
    }
  });
  return { first, last };
}

/** The resize / resizeBackprop table (layout in KernelAttrs.resize) as a float32 tensor. */
export function resizeTable(
  inH: number, inW: number, outH: number, outW: number, alignCorners: boolean, halfPixelCenters: boolean, nearest: boolean,
): Tensor {
  const data = resizeTableData(inH, inW, outH, outW, alignCorners, halfPixelCenters, nearest);
  return ENGINE.makeTensor(data, [data.length], 'float32');
}

/** The values of the resize table (see resizeTable). */
export function resizeTableData(
  inH: number, inW: number, outH: number, outW: number, alignCorners: boolean, halfPixelCenters: boolean, nearest: boolean,
): Float32Array {
  const rows = axisMap(inH, outH, alignCorners, halfPixelCenters, nearest);
  const cols = axisMap(inW, outW, alignCorners, halfPixelCenters, nearest);
  const rowInv = inverseRanges(rows, inH);
  const colInv = inverseRanges(cols, inW);
  const data = Float32Array.from([
    ...rows.lo, ...rows.hi, ...rows.frac, ...cols.lo, ...cols.hi, ...cols.frac,
    ...rowInv.first, ...rowInv.last, ...colInv.first, ...colInv.last,
  ]);
  if (data.length !== resizeTableSize(inH, inW, outH, outW)) throw new Error('internal: resize table size');
  return data;
}
