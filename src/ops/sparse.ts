/**
 * The `tf.sparse` namespace (TF.js names): sparseFillEmptyRows, sparseReshape,
 * sparseSegmentSum and sparseSegmentMean. Index bookkeeping (validation, sorting, output sizes
 * that depend on the values) runs on the host as in TF.js's cpu backend; the segment reductions
 * then gather and scatter-add the data with the backend's kernels.
 */
import type { DType } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape, sizeOf, stridesOf } from '../util.js';
import { hostValues, storageFor, toTensor, type Input, op } from './operand.js';
import { cast } from './unary.js';
import { div } from './binary.js';
import { fill } from './creation.js';
import { gather, unsortedSegmentSum } from './indexing.js';

const intTensor = (values: number[], shape: number[]) => ENGINE.makeTensor(Int32Array.from(values), shape, 'int32');

/**
 * Gives every empty row of a 2-D+ sparse tensor one entry [row, 0, ...] = defaultValue; entries
 * come out ordered by row (stable within a row).
 * @example
 * ```js
 * const { outputIndices, outputValues, emptyRowIndicator } = tf.sparse.sparseFillEmptyRows([[0, 0], [2, 1]], [5, 6], [3, 2], -1);
 * ```
 */
export const sparseFillEmptyRows = op('sparseFillEmptyRows', function sparseFillEmptyRows(
  indices: Input, values: Input, denseShape: Input, defaultValue: Input,
): { outputIndices: Tensor; outputValues: Tensor; emptyRowIndicator: Tensor; reverseIndexMap: Tensor } {
  const host = (t: Tensor) => hostValues('sparseFillEmptyRows', t);
  const ind = toTensor(indices, 'sparseFillEmptyRows', 'indices', 'int32');
  const val = toTensor(values, 'sparseFillEmptyRows', 'values');
  const shp = toTensor(denseShape, 'sparseFillEmptyRows', 'denseShape', 'int32');
  const dflt = toTensor(defaultValue, 'sparseFillEmptyRows', 'defaultValue', val.dtype);
  if (ind.rank !== 2) throw new Error(`Indices should be Tensor2D but received shape ${ind.shape}`);
  if (val.rank !== 1) throw new Error(`Values should be Tensor1D but received shape ${val.shape}`);
  if (shp.rank !== 1) throw new Error(`Dense shape should be Tensor1D but received shape ${shp.shape}`);
  if (dflt.rank !== 0) throw new Error(`Default value should be a scalar but received shape ${dflt.shape}`);
  const n = ind.shape[0];
  const rank = ind.shape[1];
  const idx = host(ind);
  const vals = host(val);
  const denseRows = host(shp)[0];
  const fillValue = host(dflt)[0];
  if (denseRows === 0) {
    if (n !== 0) throw new Error(`Received SparseTensor with denseShape[0] = 0 but\n  indices.shape[0] = ${n}`);
    return {
      outputIndices: intTensor([], [0, rank]), outputValues: ENGINE.makeTensor(storageFor([], val.dtype), [0], val.dtype),
      emptyRowIndicator: ENGINE.makeTensor(new Int32Array(0), [0], 'bool'), reverseIndexMap: intTensor([], [0]),
    };
  }
  const perRow = new Array<number>(denseRows).fill(0);
  for (let i = 0; i < n; i++) {
    const row = idx[i * rank];
    if (row < 0) throw new Error(`indices(${i}, 0) is invalid: ${row} < 0`);
    if (row >= denseRows) throw new Error(`indices(${i}, 0) is invalid: ${row} >= ${denseRows}`);
    perRow[row]++;
  }
  // Output slot of each row's first entry (an empty row still takes one slot).
  const rowStart: number[] = [];
  let total = 0;
  for (let r = 0; r < denseRows; r++) {
    rowStart.push(total);
    total += Math.max(perRow[r], 1);
  }
  const outIdx = new Array<number>(total * rank).fill(0);
  const outVals = new Array<number>(total).fill(fillValue);
  const reverse: number[] = [];
  const used = new Array<number>(denseRows).fill(0);
  for (let i = 0; i < n; i++) {
    const row = idx[i * rank];
    const slot = rowStart[row] + used[row]++;
    for (let k = 0; k < rank; k++) outIdx[slot * rank + k] = idx[i * rank + k];
    outVals[slot] = vals[i];
    reverse.push(slot);
  }
  for (let r = 0; r < denseRows; r++) if (perRow[r] === 0) outIdx[rowStart[r] * rank] = r;
  return {
    outputIndices: intTensor(outIdx, [total, rank]),
    outputValues: ENGINE.makeTensor(storageFor(outVals, val.dtype), [total], val.dtype),
    emptyRowIndicator: ENGINE.makeTensor(Int32Array.from(perRow, (c) => (c === 0 ? 1 : 0)), [denseRows], 'bool'),
    reverseIndexMap: intTensor(reverse, [n]),
  };
});

/**
 * Re-indexes a sparse tensor's entries for a new dense shape (one dim may be -1).
 * @example
 * ```js
 * const { outputIndices, outputShape } = tf.sparse.sparseReshape(tf.tensor2d([[0, 1]], [1, 2], 'int32'), [2, 3], [3, 2]);
 * ```
 */
export const sparseReshape = op('sparseReshape', function sparseReshape(
  inputIndices: Input, inputShape: Input, newShape: Input,
): { outputIndices: Tensor; outputShape: Tensor } {
  const host = (t: Tensor) => hostValues('sparseReshape', t);
  const ind = toTensor(inputIndices, 'sparseReshape', 'inputIndices', 'int32');
  const inShapeT = toTensor(inputShape, 'sparseReshape', 'inputShape', 'int32');
  const newShapeT = toTensor(newShape, 'sparseReshape', 'newShape', 'int32');
  if (ind.rank !== 2) throw new Error(`Input indices should be Tensor2D but received shape ${ind.shape}`);
  if (inShapeT.rank !== 1) throw new Error(`Input shape should be Tensor1D but received shape ${inShapeT.shape}`);
  if (newShapeT.rank !== 1) throw new Error(`New shape should be Tensor1D but received shape ${newShapeT.shape}`);
  const inShape = host(inShapeT);
  const outShape = host(newShapeT);
  const denseSize = sizeOf(inShape);
  let unknown = -1;
  let product = 1;
  outShape.forEach((d, i) => {
    if (d === -1) {
      if (unknown !== -1) throw new Error(`only one output dimension may be -1, not both ${unknown} and ${i}`);
      unknown = i;
    } else if (d < 0) {
      throw new Error(`size ${i} must be non-negative, not ${d}`);
    } else product *= d;
  });
  if (unknown !== -1) {
    if (product <= 0) throw new Error('reshape cannot infer the missing input size for an empty tensor unless all specified input sizes are non-zero');
    const missing = Math.trunc(denseSize / product);
    if (product * missing !== denseSize) {
      throw new Error(`Input to reshape is a SparseTensor with ${denseSize}\n  dense values, but the requested shape requires a multiple of ${product}. inputShape=${inShape} outputShape= ${outShape}`);
    }
    outShape[unknown] = missing;
  }
  if (sizeOf(outShape) !== denseSize) {
    throw new Error(`Input to reshape is a tensor with ${denseSize} dense values, but the requested shape has ${sizeOf(outShape)}. inputShape=${inShape} outputShape=${outShape}`);
  }
  const n = ind.shape[0];
  const inRank = ind.shape[1];
  if (inRank !== inShape.length) {
    throw new Error(`sparseReshape: inputIndices ${fmtShape(ind.shape)} must have one column per inputShape dim (${inShape.length})`);
  }
  const idx = host(ind);
  const inStrides = stridesOf(inShape);
  const outStrides = stridesOf(outShape);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let linear = 0;
    for (let k = 0; k < inRank; k++) linear += idx[i * inRank + k] * inStrides[k];
    for (let k = 0; k < outShape.length; k++) {
      out.push(Math.floor(linear / outStrides[k]));
      linear %= outStrides[k];
    }
  }
  return { outputIndices: intTensor(out, [n, outShape.length]), outputShape: intTensor(outShape, [outShape.length]) };
});

/**
 * out[s] = reduction of data[indices[j]] over j with segmentIds[j] == s; segmentIds sorted,
 * rows up to the last id; rows with no entries are 0.
 */
function segmentReduce(opName: string, data: Input, indices: Input, segmentIds: Input, mean: boolean): Tensor {
  const host = (t: Tensor) => hostValues(opName, t);
  const x = toTensor(data, opName, 'data');
  const ind = toTensor(indices, opName, 'indices', 'int32');
  const seg = toTensor(segmentIds, opName, 'segmentIds', 'int32');
  if (x.rank < 1) throw new Error('Data should be at least 1 dimensional but received scalar');
  if (ind.rank !== 1) throw new Error(`Indices should be Tensor1D but received shape ${ind.shape}`);
  if (seg.rank !== 1) throw new Error(`Segment ids should be Tensor1D but received shape ${seg.shape}`);
  const iv = host(ind);
  const sv = host(seg);
  const n = iv.length;
  const rows = n > 0 ? sv[n - 1] + 1 : 0;
  if (rows < 0 || (n > 0 && rows === 0)) throw new Error('segment ids must be >= 0');
  const outShape = [rows, ...x.shape.slice(1)];
  const dtype: DType = x.dtype === 'bool' ? 'int32' : x.dtype;
  if (n === 0) return fill(outShape, 0, dtype);
  // The checks, in the order TF reports them: per run of equal ids, order, range, then indices.
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && sv[end] === sv[start]) end++;
    if (end < n && sv[start] >= sv[end]) throw new Error('segment ids are not increasing');
    if (sv[start] < 0 || sv[start] >= rows) {
      throw new Error(`Segment id ${sv[start]} out of range [0, ${rows}), possibly because segmentIds input is not sorted.`);
    }
    for (let i = start; i < end; i++) {
      if (iv[i] < 0 || iv[i] >= x.shape[0]) throw new Error(`Bad: indices[${i}] == ${iv[i]} out of range [0, ${x.shape[0]})`);
    }
    start = end;
  }
  const picked = gather(x.dtype === 'float32' ? x : cast(x, 'float32'), ind, 0);
  let sums = unsortedSegmentSum(picked, seg, rows);
  if (mean) {
    const counts = new Array<number>(rows).fill(0);
    for (const s of sv) counts[s]++;
    const denom = ENGINE.makeTensor(Float32Array.from(counts, (c) => Math.max(c, 1)), [rows, ...x.shape.slice(1).map(() => 1)], 'float32');
    sums = div(sums, denom);
  }
  return dtype === 'float32' ? sums : cast(sums, dtype);
}

/**
 * Sums the rows of `data` picked by `indices` within each segment of `segmentIds`.
 * @example
 * ```js
 * tf.sparse.sparseSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([0, 2], 'int32'), tf.tensor1d([0, 0], 'int32')).print(); // [[6, 8]]
 * ```
 */
export const sparseSegmentSum = op('sparseSegmentSum', function sparseSegmentSum(data: Input, indices: Input, segmentIds: Input): Tensor {
  return segmentReduce('sparseSegmentSum', data, indices, segmentIds, false);
});

/**
 * Averages the rows of `data` picked by `indices` within each segment of `segmentIds`.
 * @example
 * ```js
 * tf.sparse.sparseSegmentMean(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([0, 2], 'int32'), tf.tensor1d([0, 0], 'int32')).print(); // [[3, 4]]
 * ```
 */
export const sparseSegmentMean = op('sparseSegmentMean', function sparseSegmentMean(data: Input, indices: Input, segmentIds: Input): Tensor {
  return segmentReduce('sparseSegmentMean', data, indices, segmentIds, true);
});

