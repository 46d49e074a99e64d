/**
 * Search and counting ops (TF.js names). searchSorted / lowerBound / upperBound and bincount /
 * denseBincount are composed from comparison, sum and scatter-add kernels, so they run on every
 * backend. Ops whose output shape depends on the values (unique, whereAsync, booleanMaskAsync,
 * setdiff1dAsync) and inTopKAsync read the values on the host, as TF.js's cpu backend does;
 * their outputs are then built with gather or written once.
 */
import type { DType } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape, normAxis, shapesEqual, sizeOf } from '../util.js';
import { hostValues, storageFor, toTensor, type Input, op } from './operand.js';
import { reshape } from './layout.js';
import { cast, logicalNot } from './unary.js';
import { add, floorDiv, greater, less, lessEqual, logicalAnd, greaterEqual, minimum, mul, where } from './binary.js';
import { range, zeros } from './creation.js';
import { gather, oneHot, unsortedSegmentSum } from './indexing.js';
import { matMul } from './matmul.js';

/**
 * Index where each value would be inserted into its row of sortedSequence (TF.js searchSorted).
 * @example
 * ```js
 * tf.searchSorted(tf.tensor([1, 3, 5]), tf.tensor([0, 3, 6])).print(); // [0, 1, 3]
 * ```
 */
export const searchSorted = op('searchSorted', function searchSorted(sortedSequence: Input, values: Input, side: 'left' | 'right' = 'left'): Tensor {
  const seq = toTensor(sortedSequence, 'searchSorted', 'sortedSequence');
  const vals = toTensor(values, 'searchSorted', 'values', seq.dtype);
  if (seq.dtype !== vals.dtype) {
    throw new Error(`searchSorted: sortedSequence and values must have the same dtype, got ${seq.dtype} and ${vals.dtype}`);
  }
  if (seq.rank < 1) throw new Error('Sorted input argument must be at least 1-dimensional');
  if (seq.rank !== vals.rank) {
    throw new Error(`Leading dimension of 'sortedSequence' and 'values' must match. sortedSequence has shape ${fmtShape(seq.shape)} and values has shape ${fmtShape(vals.shape)}`);
  }
  if (!shapesEqual(seq.shape.slice(0, -1), vals.shape.slice(0, -1))) {
    throw new Error(`Leading dimension of 'sortedSequence' and 'values' must match. sortedSequence has shape ${fmtShape(seq.shape)} and values has shape ${fmtShape(vals.shape)}`);
  }
  if (side !== 'left' && side !== 'right') throw new Error(`searchSorted: side must be 'left' or 'right', got ${side}`);
  // Binary search for every value at once: ceil(log2(N + 1)) rounds of gather + compare over
  // [rows, M] bounds, so memory stays O(rows * M) on every backend.
  const n = seq.shape[seq.rank - 1];
  const m = vals.shape[vals.rank - 1];
  const rows = sizeOf(seq.shape.slice(0, -1));
  if (n === 0 || vals.size === 0) return zeros(vals.shape, 'int32');
  const flatSeq = reshape(seq, [rows * n]);
  const v = reshape(vals, [rows, m]);
  const rowStart = mul(reshape(range(0, rows, 1, 'int32'), [rows, 1]), n);
  let lo = zeros([rows, m], 'int32');
  let hi = add(lo, n);
  for (let span = n; span > 0; span = Math.floor(span / 2)) {
    const active = less(lo, hi);
    const mid = floorDiv(add(lo, hi), 2);
    const probe = gather(flatSeq, reshape(add(minimum(mid, n - 1), rowStart), [rows * m]));
    const below = reshape(side === 'left' ? less(probe, reshape(v, [rows * m])) : lessEqual(probe, reshape(v, [rows * m])), [rows, m]);
    const goRight = logicalAnd(active, below);
    lo = where(goRight, add(mid, 1), lo);
    hi = where(logicalAnd(active, logicalNot(below)), mid, hi);
  }
  return reshape(lo, vals.shape);
});

/**
 * For each value, the first index in the sorted sequence whose element is >= it.
 * @example
 * ```js
 * tf.lowerBound(tf.tensor([1, 3, 5]), tf.tensor([3, 4])).print(); // [1, 2]
 * ```
 */
export const lowerBound = (sortedSequence: Input, values: Input): Tensor => searchSorted(sortedSequence, values, 'left');
/**
 * For each value, the first index in the sorted sequence whose element is > it.
 * @example
 * ```js
 * tf.upperBound(tf.tensor([1, 3, 5]), tf.tensor([3, 4])).print(); // [2, 2]
 * ```
 */
export const upperBound = (sortedSequence: Input, values: Input): Tensor => searchSorted(sortedSequence, values, 'right');

function checkBincount(opName: string, x: Tensor, w: Tensor, size: number): void {
  if (x.dtype !== 'int32') throw new Error(`${opName}: x must be int32, got ${x.dtype} ${fmtShape(x.shape)}`);
  if (!Number.isInteger(size) || size < 0) throw new Error(`${opName}: size must be a non-negative integer, got ${size}`);
  if (w.size !== 0 && !shapesEqual(w.shape, x.shape)) {
    throw new Error(`${opName}: weights ${fmtShape(w.shape)} must have the same shape as x ${fmtShape(x.shape)} or be empty`);
  }
}

/** Counts (or weight sums) per id in x, ids outside [0, size) ignored; rows separately for 2-D x. */
function countIds(x: Tensor, w: Tensor, size: number, binaryOutput: boolean): Tensor {
  const dtype: DType = w.dtype === 'bool' ? 'int32' : w.dtype;
  const rows = x.rank === 2 ? x.shape[0] : 1;
  const flat = reshape(x, [x.size]);
  const inRange = logicalAnd(greaterEqual(flat, 0), less(flat, size));
  // Row r's ids go to segments [r * size, (r + 1) * size); out-of-range ids to -1 (dropped).
  const rowOffset = rows > 1 ? mul(reshape(range(0, rows, 1, 'int32'), [rows, 1]), size) : null;
  const ids2 = rowOffset ? reshape(add(reshape(flat, x.shape), rowOffset), [x.size]) : flat;
  const ids = where(inRange, ids2, -1);
  const weights = binaryOutput || w.size === 0 ? cast(inRange, dtype) : reshape(w, [w.size]);
  const outShape = x.rank === 2 ? [rows, size] : [size];
  if (rows * size === 0 || x.size === 0) return zeros(outShape, dtype);
  let counts = unsortedSegmentSum(weights, ids, rows * size);
  if (binaryOutput) counts = cast(greater(counts, 0), dtype);
  return reshape(counts, outShape);
}

/**
 * TF.js bincount(x, weights, size): x int32 1-D.
 * @example
 * ```js
 * tf.bincount(tf.tensor1d([0, 1, 1, 3], 'int32'), tf.tensor1d([], 'float32'), 4).print(); // [1, 2, 0, 1]
 * ```
 */
export const bincount = op('bincount', function bincount(x: Input, weights: Input, size: number): Tensor {
  const t = toTensor(x, 'bincount', 'x');
  const w = toTensor(weights, 'bincount', 'weights');
  if (t.rank !== 1) throw new Error(`bincount: x must be 1-D, got ${fmtShape(t.shape)}`);
  checkBincount('bincount', t, w, size);
  return countIds(t, w, size, false);
});

/**
 * TF.js denseBincount(x, weights, size, binaryOutput): x int32 1-D or 2-D (per row).
 * @example
 * ```js
 * tf.denseBincount(tf.tensor1d([0, 1, 1, 3], 'int32'), tf.tensor1d([], 'float32'), 4).print(); // [1, 2, 0, 1]
 * ```
 */
export const denseBincount = op('denseBincount', function denseBincount(x: Input, weights: Input, size: number, binaryOutput = false): Tensor {
  const t = toTensor(x, 'denseBincount', 'x');
  const w = toTensor(weights, 'denseBincount', 'weights');
  if (t.rank !== 1 && t.rank !== 2) throw new Error(`Error in denseBincount: input must be at most rank 2, but got rank ${t.rank}.`);
  checkBincount('denseBincount', t, w, size);
  return countIds(t, w, size, binaryOutput);
});

/**
 * Unique slices along `axis` in order of first appearance, and each slice's index into them.
 * @example
 * ```js
 * const { values, indices } = tf.unique(tf.tensor([1, 2, 1, 3]));
 * values.print(); // [1, 2, 3]
 * ```
 */
export const unique = op('unique', function unique(x: Input, axis = 0): { values: Tensor; indices: Tensor } {
  const t = toTensor(x, 'unique', 'x');
  if (t.rank === 0) throw new Error('unique: x must have rank >= 1, got a scalar');
  const a = normAxis('unique', axis, t.rank);
  const data: ArrayLike<number | string> = t.dtype === 'string' ? (t.dataSync() as unknown as string[]) : hostValues('unique', t);
  const outer = sizeOf(t.shape.slice(0, a));
  const n = t.shape[a];
  const inner = sizeOf(t.shape.slice(a + 1));
  const firstOf = new Map<string, number>();
  const keep: number[] = [];
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const parts: Array<number | string> = [];
    for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) parts.push(data[(o * n + i) * inner + k]);
    // strings are quoted (they may hold commas); numbers keep String() so NaN and ±Infinity stay apart
    const key = parts.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(',');
    let u = firstOf.get(key);
    if (u === undefined) {
      u = keep.length;
      firstOf.set(key, u);
      keep.push(i);
    }
    indices[i] = u;
  }
  const idx = ENGINE.makeTensor(Int32Array.from(keep), [keep.length], 'int32');
  return { values: gather(t, idx, a), indices: ENGINE.makeTensor(indices, [n], 'int32') };
});

/**
 * Coordinates of the true elements of a bool tensor, [count, rank] int32 (TF.js whereAsync).
 * @example
 * ```js
 * (await tf.whereAsync(tf.tensor([true, false, true], [3], 'bool'))).print(); // [[0], [2]]
 * ```
 */
export async function whereAsync(condition: Input): Promise<Tensor> {
  const c = toTensor(condition, 'whereAsync', 'condition', 'bool');
  if (c.dtype !== 'bool') throw new Error(`Argument 'condition' passed to 'whereAsync' must be bool tensor, but got ${c.dtype} tensor`);
  const vals = await c.data();
  const coords: number[] = [];
  const strides = c.shape.map((_, i) => sizeOf(c.shape.slice(i + 1)));
  let count = 0;
  for (let i = 0; i < vals.length; i++) {
    if (!vals[i]) continue;
    count++;
    for (let d = 0; d < c.rank; d++) coords.push(Math.floor(i / strides[d]) % c.shape[d]);
  }
  const out = ENGINE.makeTensor(Int32Array.from(coords), [count, c.rank], 'int32');
  if (c !== condition) c.dispose();
  return out;
}

/**
 * Runs an async host op with its arguments converted to tensors; the tensors it converted from arrays are
 * freed when the op settles, on the error path too.
 */
async function withArgs<T>(args: Array<[Input, string, string, DType?]>, body: (ts: Tensor[]) => Promise<T>): Promise<T> {
  const made: Tensor[] = [];
  try {
    const ts = args.map(([x, opName, argName, dtype]) => {
      const t = toTensor(x, opName, argName, dtype);
      if (t !== x) made.push(t);
      return t;
    });
    return await body(ts);
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * The slices of `tensor` where `mask` (the first K dims from `axis`) is true (TF.js booleanMaskAsync).
 * @example
 * ```js
 * (await tf.booleanMaskAsync(tf.tensor([1, 2, 3]), tf.tensor([true, false, true], [3], 'bool'))).print(); // [1, 3]
 * ```
 */
export function booleanMaskAsync(tensor: Input, mask: Input, axis?: number): Promise<Tensor> {
  return withArgs([[tensor, 'booleanMask', 'tensor'], [mask, 'booleanMask', 'mask', 'bool']], async ([t, m]) => {
  if (m.dtype !== 'bool') throw new Error(`Argument 'mask' passed to 'booleanMask' must be bool tensor, but got ${m.dtype} tensor`);
  const a = axis == null ? 0 : axis;
  const k = m.rank;
  if (k === 0) throw new Error('mask cannot be scalar');
  if (!shapesEqual(t.shape.slice(a, a + k), m.shape)) {
    throw new Error(`mask's shape must match the first K dimensions of tensor's shape, Shapes ${t.shape.slice(a, a + k)} and ${m.shape} must match`);
  }
  const vals = await m.data();
  const keep: number[] = [];
  for (let i = 0; i < vals.length; i++) if (vals[i]) keep.push(i);
  const merged = reshape(t, [...t.shape.slice(0, a), sizeOf(m.shape), ...t.shape.slice(a + k)]);
  const idx = ENGINE.makeTensor(Int32Array.from(keep), [keep.length], 'int32');
  const out = gather(merged, idx, a);
  for (const tmp of [merged, idx]) tmp.dispose();
  return out;
  });
}

/**
 * Values of x (1-D) not in y, and their positions in x (TF.js setdiff1dAsync).
 * @example
 * ```js
 * const [values, indices] = await tf.setdiff1dAsync(tf.tensor([1, 2, 3, 4]), tf.tensor([2, 4]));
 * values.print(); // [1, 3]
 * ```
 */
export function setdiff1dAsync(x: Input, y: Input): Promise<[Tensor, Tensor]> {
  return withArgs([[x, 'setdiff1d', 'x'], [y, 'setdiff1d', 'y']], async ([tx, ty]): Promise<[Tensor, Tensor]> => {
  if (tx.dtype !== ty.dtype) throw new Error(`x and y should have the same dtype, but got x (${tx.dtype}) and y (${ty.dtype}).`);
  if (tx.rank !== 1) throw new Error(`x should be 1D tensor, but got x (${tx.shape}).`);
  if (ty.rank !== 1) throw new Error(`y should be 1D tensor, but got y (${ty.shape}).`);
  const xv = await tx.data();
  const yv = new Set(await ty.data());
  const outVals: number[] = [];
  const outIdx: number[] = [];
  for (let i = 0; i < xv.length; i++) {
    if (!yv.has(xv[i])) {
      outVals.push(xv[i]);
      outIdx.push(i);
    }
  }
  const values = ENGINE.makeTensor(storageFor(outVals, tx.dtype), [outVals.length], tx.dtype);
  const indices = ENGINE.makeTensor(Int32Array.from(outIdx), [outIdx.length], 'int32');
  return [values, indices];
  });
}

/**
 * Whether each target is among the k largest predictions of its row (TF.js inTopKAsync). Ties
 * rank by index, as a stable descending sort does.
 * @example
 * ```js
 * (await tf.inTopKAsync(tf.tensor2d([[0.1, 0.9], [0.8, 0.2]]), tf.tensor1d([1, 1], 'int32'), 1)).print(); // [true, false]
 * ```
 */
export function inTopKAsync(predictions: Input, targets: Input, k = 1): Promise<Tensor> {
  return withArgs([[predictions, 'inTopK', 'predictions'], [targets, 'inTopK', 'targets', 'int32']], async ([p, tg]) => {
  if (p.rank <= 1) throw new Error(`inTopK() expects the predictions to be of rank 2 or higher, but got ${p.rank}`);
  if (p.rank - 1 !== tg.rank) {
    throw new Error(`predictions rank should be 1 larger than targets rank, but got predictions rank ${p.rank} and targets rank ${tg.rank}`);
  }
  if (!shapesEqual(p.shape.slice(0, -1), tg.shape)) {
    throw new Error(`predictions's shape should be align with the targets' shape, except the last dimension. Shapes ${fmtShape(p.shape.slice(0, -1))} and ${fmtShape(tg.shape)} must match`);
  }
  const last = p.shape[p.rank - 1];
  if (!(k > 0 && k <= last)) throw new Error(`'k' passed to inTopK() must be > 0 && <= the predictions last dimension (${last}), but got ${k}`);
  const pv = await p.data();
  const tv = await tg.data();
  const out = new Int32Array(tv.length);
  for (let r = 0; r < tv.length; r++) {
    const row = r * last;
    const target = tv[r];
    const pt = pv[row + target];
    let ahead = 0;
    for (let j = 0; j < last; j++) {
      const v = pv[row + j];
      if (v > pt || (v === pt && j < target)) ahead++;
    }
    out[r] = ahead < k ? 1 : 0;
  }
  return ENGINE.makeTensor(out, tg.shape, 'bool');
  });
}


/**
 * counts[i][j] = number of examples with label i predicted as j (TF.js math.confusionMatrix).
 * @example
 * ```js
 * tf.math.confusionMatrix(tf.tensor1d([0, 1, 1], 'int32'), tf.tensor1d([0, 1, 0], 'int32'), 2).print(); // [[1, 0], [1, 1]]
 * ```
 */
export const confusionMatrix = op('confusionMatrix', function confusionMatrix(labels: Input, predictions: Input, numClasses: number): Tensor {
  const l = toTensor(labels, 'confusionMatrix', 'labels');
  const p = toTensor(predictions, 'confusionMatrix', 'predictions');
  if (!(numClasses == null || (numClasses > 0 && Number.isInteger(numClasses)))) {
    throw new Error(`If provided, numClasses must be a positive integer, but got ${numClasses}`);
  }
  if (l.rank !== 1) throw new Error(`Expected the rank of labels to be 1, but got ${l.rank}`);
  if (p.rank !== 1) throw new Error(`Expected the rank of predictions to be 1, but got ${p.rank}`);
  if (l.shape[0] !== p.shape[0]) {
    throw new Error(`Mismatch in the number of examples: ${l.shape[0]} vs. ${p.shape[0]}. Labels and predictions should have the same number of elements.`);
  }
  if (!(numClasses > 0 && Number.isInteger(numClasses))) throw new Error(`numClasses is required to be a positive integer, but got ${numClasses}`);
  const ol = oneHot(cast(l, 'int32'), numClasses);
  const predicted = oneHot(cast(p, 'int32'), numClasses);
  return cast(matMul(ol, predicted, true, false), 'int32');
});
