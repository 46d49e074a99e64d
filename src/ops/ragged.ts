/**
 * Ragged-tensor ops (TF.js names): raggedGather, raggedRange and raggedTensorToTensor. Row
 * splits and row ids are index bookkeeping with value-dependent output sizes, so they are read
 * and resolved on the host as in TF.js's cpu backend; raggedGather then moves the dense values
 * with the backend's gather kernel.
 */
import type { DType } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { sizeOf } from '../util.js';
import { hostValues, storageFor, toTensor, type Input, op } from './operand.js';
import { gather } from './indexing.js';

const intTensor = (values: number[]) => ENGINE.makeTensor(Int32Array.from(values), [values.length], 'int32');

/** Checks one level of row splits against the length of the level below it. */
function validateSplits(splits: number[], below: number): void {
  if (splits.length === 0) throw new Error('Ragged splits may not be empty');
  if (splits[0] < 0) throw new Error('Ragged splits must be non-negative');
  if (splits[splits.length - 1] > below) throw new Error('Ragged splits must not point past values');
  for (let i = 1; i < splits.length; i++) if (splits[i] < splits[i - 1]) throw new Error('Ragged splits must be sorted in ascending order');
}

/**
 * Gathers rows of a ragged tensor (nested row splits + dense values) by `indices`; the
 * result's leading indices.rank - 1 dims become uniform row splits.
 * @example
 * ```js
 * const { outputDenseValues } = tf.raggedGather([tf.tensor1d([0, 2, 3], 'int32')], tf.tensor([1, 2, 3]), tf.tensor1d([1], 'int32'), 1);
 * ```
 */
export const raggedGather = op('raggedGather', function raggedGather(
  paramsNestedSplits: Input[], paramsDenseValues: Input, indices: Input, outputRaggedRank: number,
): { outputNestedSplits: Tensor[]; outputDenseValues: Tensor } {
  const host = (t: Tensor) => hostValues('raggedGather', t);
  const splitsT = paramsNestedSplits.map((s, i) => toTensor(s, 'raggedGather', `tensors${i}`, 'int32'));
  const values = toTensor(paramsDenseValues, 'raggedGather', 'paramsDenseValues');
  const idxT = toTensor(indices, 'raggedGather', 'indices', 'int32');
  if (splitsT.length === 0) throw new Error('paramsNestedSplits must be non empty');
  if (splitsT.some((s) => s.rank === 0)) throw new Error('Split tensors must not be scalars');
  if (values.rank === 0) throw new Error('params.rank must be nonzero');
  const splits = splitsT.map(host);
  splits.forEach((s, k) => validateSplits(s, k + 1 < splits.length ? splits[k + 1].length - 1 : values.shape[0]));
  const idx = host(idxT);
  const numParams = splits[0].length - 1;
  idx.forEach((v, i) => {
    if (v < 0 || v >= numParams) {
      const loc = idxT.rank <= 1 ? `${i}` : idxT.shape.map((_, d) => Math.floor(i / sizeOf(idxT.shape.slice(d + 1))) % idxT.shape[d]).join(',');
      throw new Error(`indices[${loc}] = ${v} is not in [0, ${numParams})`);
    }
  });
  // Walk down the levels: each selected row range [a, b) of level k adds its rows' lengths to
  // output level k and selects [splits[k][a], splits[k][b]) of the level below.
  const outSplits: number[][] = splits.map(() => [0]);
  const valueRows: number[] = [];
  for (const top of idx) {
    let a = top;
    let b = top + 1;
    for (let k = 0; k < splits.length; k++) {
      const out = outSplits[k];
      for (let r = a; r < b; r++) out.push(out[out.length - 1] + splits[k][r + 1] - splits[k][r]);
      [a, b] = [splits[k][a], splits[k][b]];
    }
    for (let r = a; r < b; r++) valueRows.push(r);
  }
  // Leading index dims become uniform splits; a scalar index drops the first level.
  const uniform: number[][] = [];
  for (let d = 0; d + 1 < idxT.rank; d++) {
    const rows = sizeOf(idxT.shape.slice(0, d + 1));
    const step = idxT.shape[d + 1];
    uniform.push(Array.from({ length: rows + 1 }, (_, i) => i * step));
  }
  const nested = idxT.rank === 0 ? outSplits.slice(1) : [...uniform, ...outSplits];
  if (outputRaggedRank !== undefined && outputRaggedRank !== nested.length) {
    throw new Error(`raggedGather: outputRaggedRank ${outputRaggedRank} must be ${nested.length} (params ragged rank ${splits.length} + indices rank ${idxT.rank} - 1)`);
  }
  const rowIdx = intTensor(valueRows);
  return { outputNestedSplits: nested.map(intTensor), outputDenseValues: gather(values, rowIdx, 0) };
});

/**
 * Row-split ragged tensor of ranges [starts[i], limits[i]) by deltas[i] (scalars broadcast).
 * @example
 * ```js
 * const { rtNestedSplits, rtDenseValues } = tf.raggedRange([0, 5], [3, 7], [1, 1]); // splits [0, 3, 5], values [0, 1, 2, 5, 6]
 * ```
 */
export const raggedRange = op('raggedRange', function raggedRange(starts: Input, limits: Input, deltas: Input): { rtNestedSplits: Tensor; rtDenseValues: Tensor } {
  const host = (t: Tensor) => hostValues('raggedRange', t);
  const s = toTensor(starts, 'raggedRange', 'starts');
  const l = toTensor(limits, 'raggedRange', 'limits', s.dtype);
  const d = toTensor(deltas, 'raggedRange', 'deltas', s.dtype);
  if (s.rank > 1) throw new Error('starts must be a scalar or vector');
  if (l.rank > 1) throw new Error('limits must be a scalar or vector');
  if (d.rank > 1) throw new Error('deltas must be a scalar or vector');
  if (l.dtype !== s.dtype || d.dtype !== s.dtype) {
    throw new Error(`raggedRange: starts, limits and deltas must share a dtype, got ${s.dtype}, ${l.dtype}, ${d.dtype}`);
  }
  const vectors = [s, l, d].filter((t) => t.rank === 1);
  const n = vectors.length ? vectors[0].size : 1;
  if (vectors.some((t) => t.size !== n)) throw new Error('starts, limits, and deltas must have the same shape');
  const [sv, lv, dv] = [s, l, d].map(host);
  const at = (v: number[], t: Tensor, i: number) => (t.rank === 0 ? v[0] : v[i]);
  const splits = [0];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = at(sv, s, i);
    const limit = at(lv, l, i);
    const delta = at(dv, d, i);
    if (delta === 0) throw new Error('Requires delta != 0');
    const size = (delta > 0 && limit < start) || (delta < 0 && limit > start) ? 0 : Math.ceil(Math.abs((limit - start) / delta));
    if (size > 2147483647) throw new Error('Requires ((limit - start) / delta) <= 2147483647');
    for (let k = 0; k < size; k++) values.push(start + k * delta);
    splits.push(splits[splits.length - 1] + size);
  }
  return {
    rtNestedSplits: intTensor(splits),
    rtDenseValues: ENGINE.makeTensor(storageFor(values, s.dtype), [values.length], s.dtype),
  };
});

type PartitionType = 'FIRST_DIM_SIZE' | 'VALUE_ROWIDS' | 'ROW_SPLITS';

/** For each item of a level: [parent row, position within the parent]. */
function itemsOf(kind: PartitionType, part: number[]): Array<[number, number]> {
  const items: Array<[number, number]> = [];
  if (kind === 'ROW_SPLITS') {
    for (let r = 0; r + 1 < part.length; r++) for (let j = part[r]; j < part[r + 1]; j++) items.push([r, j - part[r]]);
  } else if (kind === 'VALUE_ROWIDS') {
    for (let j = 0; j < part.length; j++) {
      if (j > 0 && part[j] < part[j - 1]) throw new Error('Invalid row ids.');
      items.push([part[j], j > 0 && part[j] === part[j - 1] ? items[j - 1][1] + 1 : 0]);
    }
  } else throw new Error(`Cannot handle partition type ${kind}`);
  return items;
}

/**
 * Dense tensor of `shape` (-1 entries: the ragged tensor's own extent) from a ragged tensor given
 * as flat values plus row partitions; elements outside the shape are dropped, holes get defaultValue.
 * @example
 * ```js
 * tf.raggedTensorToTensor([2, 2], [1, 2, 3], 0, [tf.scalar(2, 'int32'), tf.tensor1d([0, 0, 1], 'int32')], ['FIRST_DIM_SIZE', 'VALUE_ROWIDS']).print(); // [[1, 2], [3, 0]]
 * ```
 */
export const raggedTensorToTensor = op('raggedTensorToTensor', function raggedTensorToTensor(
  shape: Input, values: Input, defaultValue: Input, rowPartitionTensors: Input[], rowPartitionTypes: string[],
): Tensor {
  const host = (t: Tensor) => hostValues('raggedTensorToTensor', t);
  const vals = toTensor(values, 'raggedTensorToTensor', 'values');
  const dflt = toTensor(defaultValue, 'raggedTensorToTensor', 'defaultValue', vals.dtype);
  const shapeT = toTensor(shape, 'raggedTensorToTensor', 'shape', 'int32');
  const parts = rowPartitionTensors.map((t, i) => host(toTensor(t, 'raggedTensorToTensor', `tensors${i}`, 'int32')));
  const types = rowPartitionTypes as PartitionType[];
  if (types.length === 0) throw new Error('No row_partition_types given.');
  if (types.length !== parts.length) {
    throw new Error(`raggedTensorToTensor: ${parts.length} row partition tensors but ${types.length} rowPartitionTypes`);
  }
  if (types[0] === 'VALUE_ROWIDS') throw new Error('Cannot handle VALUE_ROWIDS in first dimension.');
  const levels = types[0] === 'FIRST_DIM_SIZE' ? types.slice(1) : types;
  const levelParts = types[0] === 'FIRST_DIM_SIZE' ? parts.slice(1) : parts;
  const nrows = types[0] === 'FIRST_DIM_SIZE' ? parts[0][0] : parts[0].length - 1;
  const raggedRank = levels.length;
  const inner = vals.shape.slice(1);
  const outRank = 1 + raggedRank + inner.length;
  let want = host(shapeT);
  if (shapeT.rank === 0) {
    if (want[0] !== -1) throw new Error('The only valid scalar shape tensor is the fully unknown shape specified as -1.');
    want = new Array(outRank).fill(-1);
  }
  if (want.length !== outRank) {
    throw new Error(`rt input.shape and shape=${want} are incompatible: rt input.rank = ${outRank} but shape.rank = ${want.length}`);
  }
  inner.forEach((d, i) => {
    const w = want[1 + raggedRank + i];
    if (w !== -1 && w !== d) {
      throw new Error(`rt input.shape and shape=${want} are incompatible: rt input.shape[${i + raggedRank + 1}] = ${d} but shape[${i + raggedRank + 1}] = ${w}`);
    }
  });
  const items = levels.map((kind, k) => itemsOf(kind, levelParts[k]));
  const outShape = want.slice();
  if (outShape[0] === -1) outShape[0] = nrows;
  items.forEach((its, k) => {
    if (outShape[k + 1] === -1) outShape[k + 1] = its.reduce((m, [, pos]) => Math.max(m, pos + 1), 0);
  });
  for (let i = 0; i < inner.length; i++) outShape[1 + raggedRank + i] = inner[i];
  // Flat output row of every item, level by level (-1 = outside the requested shape).
  let rowOut = Array.from({ length: nrows }, (_, r) => (r < outShape[0] ? r : -1));
  items.forEach((its, k) => {
    const width = outShape[k + 1];
    rowOut = its.map(([parent, pos]) => {
      if (parent >= rowOut.length) throw new Error(`Got currentValueRowId=${parent}, which is not less than ${rowOut.length}`);
      return rowOut[parent] === -1 || pos >= width ? -1 : rowOut[parent] * width + pos;
    });
  });
  if (rowOut.length !== vals.shape[0]) {
    throw new Error(`raggedTensorToTensor: the row partitions describe ${rowOut.length} values but values has ${vals.shape[0]} rows`);
  }
  const innerSize = sizeOf(inner);
  const vv = host(vals);
  const fillValue = host(dflt)[0];
  const out = new Array<number>(sizeOf(outShape)).fill(fillValue);
  rowOut.forEach((o, j) => {
    if (o < 0) return;
    for (let i = 0; i < innerSize; i++) out[o * innerSize + i] = vv[j * innerSize + i];
  });
  const dtype: DType = vals.dtype;
  return ENGINE.makeTensor(storageFor(out, dtype), outShape, dtype);
});
