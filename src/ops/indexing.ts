/**
 * Indexing ops (TF.js names): gather along an axis, oneHot and unsortedSegmentSum. The op
 * layer flattens to the [outer, axis, inner] view the kernels take. gather's vjp is a
 * scatter-add (the unsortedSegmentSum kernel) of dy into a zeroed x-shaped tensor, and
 * unsortedSegmentSum's vjp is a gather of dy, so neither builds a dense one-hot matrix.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape, normAxis, sizeOf } from '../util.js';
import { runOp, toTensor, type Input, op } from './operand.js';
import { reshape, transpose } from './layout.js';
import { add, mul } from './binary.js';
import { range } from './creation.js';
import { cast } from './unary.js';
import type { DType } from '../backends/backend.js';

/**
 * x.shape[:axis] + indices.shape[batchDims:] + x.shape[axis+1:]; out-of-range indices throw (see
 * checkIndices). With batchDims b, the first b dimensions of x and indices are batch
 * dimensions that pair up: batch i gathers from x[i] with indices[i].
 * @example
 * ```js
 * tf.gather(tf.tensor([10, 20, 30]), tf.tensor1d([2, 0], 'int32')).print(); // [30, 10]
 * ```
 */
export const gather = op('gather', function gather(x: Input, indices: Input, axis = 0, batchDims = 0): Tensor {
  const t = toTensor(x, 'gather', 'x');
  const idx = toTensor(indices, 'gather', 'indices', 'int32');
  if (idx.dtype !== 'int32') throw new Error(`gather: indices must be int32, got ${idx.dtype} ${fmtShape(idx.shape)}`);
  if (t.rank === 0) throw new Error('gather: x must have rank >= 1');
  const a = normAxis('gather', axis, t.rank);
  const checkedOnHost = checkIndices(idx, t.shape[a]);
  if (!(Number.isInteger(batchDims) && batchDims >= -idx.rank && batchDims <= idx.rank)) {
    throw new Error(`Expect batchDims in the range of [-${idx.rank}, ${idx.rank}], but got ${batchDims}`);
  }
  const b = batchDims < 0 ? batchDims + idx.rank : batchDims;
  if (b > a) throw new Error(`batchDims (${b}) must be less than or equal to axis (${a}).`);
  for (let i = 0; i < b; i++) {
    if (t.shape[i] !== idx.shape[i]) {
      throw new Error(`x.shape[${i}]: ${t.shape[i]} should be equal to indices.shape[${i}]: ${idx.shape[i]}.`);
    }
  }
  if (b > 0) return batchedGather(t, idx, a, b, checkedOnHost);
  return gatherAlong(t, idx, a, checkedOnHost ? undefined : { dim: t.shape[a], perGroup: Math.max(1, idx.size) });
});

/**
 * gather with b batch dimensions, as one plain gather: move the axis next to the batch
 * dimensions, fold batch into it ([B * N, ...]), offset each batch's indices by i * N, and
 * put the result's dimensions back in TF.js's order [batch, x between batch and axis,
 * indices after batch, x after axis]. Differentiable through the ops it is made of.
 */
function batchedGather(t: Tensor, idx: Tensor, a: number, b: number, checkedOnHost: boolean): Tensor {
  const batchShape = t.shape.slice(0, b);
  const between = t.shape.slice(b, a);
  const after = t.shape.slice(a + 1);
  const kShape = idx.shape.slice(b);
  const [B, N, K] = [sizeOf(batchShape), t.shape[a], sizeOf(kShape)];
  const axes = t.shape.map((_, i) => i);
  const moved = transpose(t, [...axes.slice(0, b), a, ...axes.slice(b, a), ...axes.slice(a + 1)]);
  const folded = reshape(moved, [B * N, ...between, ...after]);
  const offsets = mul(reshape(range(0, B, 1, 'int32'), [B, 1]), N);
  const flat = reshape(add(reshape(idx, [B, K]), offsets), [B * K]);
  // batch i's indices must stay in [i * N, (i + 1) * N) (a device check names index - i * N)
  const check = checkedOnHost ? undefined : { dim: N, perGroup: Math.max(1, K) };
  const g = reshape(gatherAlong(folded, flat, 0, check), [B, K, sizeOf(between), sizeOf(after)]);
  return reshape(transpose(g, [0, 2, 1, 3]), [...batchShape, ...between, ...kShape, ...after]);
}

/**
 * gather without the host range check: out-of-range ids give 0 (the segment-sum vjp relies on
 * it), unless `check` asks the backend to fail on them (see the gather kernel's attrs).
 */
function gatherAlong(t: Tensor, idx: Tensor, a: number, check?: { dim: number; perGroup: number }): Tensor {
  const outer = sizeOf(t.shape.slice(0, a));
  const inner = sizeOf(t.shape.slice(a + 1));
  const axisDim = t.shape[a];
  const outShape = [...t.shape.slice(0, a), ...idx.shape, ...t.shape.slice(a + 1)];
  const y = runOp('gather', [t, idx], outShape, t.dtype, { outer, axisDim, inner, numIndices: idx.size, ...(check ? { check } : {}) });
  if (t.dtype === 'float32') {
    ENGINE.record('gather', [t, idx], [y], ([dy]) => {
      if (!dy) return [null, null];
      // dx[o, idx[n], i] += dy[o, n, i]
      const dx = segmentSum(dy, reshape(idx, [idx.size]), outer, idx.size, inner, axisDim, t.shape);
      return [dx, null];
    });
  }
  return y;
}

/**
 * An index outside [0, axisDim) is an error, as on TF.js's cpu backend (silent zeros hide
 * off-by-one vocabularies). Checked here where the indices can be read synchronously (js, wasm,
 * and on webgpu indices written from the host, whose values it keeps): returns true. Otherwise
 * (computed indices on webgpu) returns false and the kernel checks on the device: the batch
 * that ran it fails, so reading the result rejects with the same wording.
 */
function checkIndices(idx: Tensor, axisDim: number): boolean {
  let values: ArrayLike<number> | undefined;
  try {
    values = ENGINE.readHostSync(idx) as ArrayLike<number> | undefined;
  } catch {
    return false;
  }
  if (!values) return false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0 || v >= axisDim) throw new Error(`GatherV2: the index value ${v} is not in [0, ${axisDim - 1}]`);
  }
  return true;
}

/**
 * indices.shape + [depth], onValue where index == position else offValue.
 * @example
 * ```js
 * tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3).print(); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export const oneHot = op('oneHot', function oneHot(indices: Input, depth: number, onValue = 1, offValue = 0, dtype: DType = 'int32'): Tensor {
  const idx = toTensor(indices, 'oneHot', 'indices', 'int32');
  if (idx.dtype !== 'int32') throw new Error(`oneHot: indices must be int32, got ${idx.dtype}`);
  if (!Number.isInteger(depth) || depth < 2) throw new Error(`Error in oneHot: depth must be >=2, but it is ${depth}`);
  const y = runOp('oneHot', [idx], [...idx.shape, depth], dtype, { depth, onValue, offValue });
  ENGINE.recordZeroGrad('oneHot', [idx], [y]);
  return y;
});

/**
 * Scatter-add of float32 x viewed [outer, n, inner] by ids (int32, n) into a zeroed tensor of
 * `outShape` viewed [outer, numSegments, inner]; ids outside [0, numSegments) are dropped.
 * Differentiable: the vjp gathers dy's rows back by the same ids (dropped rows get 0).
 */
function segmentSum(
  x: Tensor, ids: Tensor, outer: number, n: number, inner: number, numSegments: number, outShape: number[],
): Tensor {
  const y = runOp('unsortedSegmentSum', [x, ids], outShape, 'float32', { outer, n, inner, numSegments });
  ENGINE.record('unsortedSegmentSum', [x, ids], [y], ([dy]) => {
    if (!dy) return [null, null];
    const dx = gatherAlong(reshape(dy, [outer, numSegments, inner]), ids, 1);
    return [reshape(dx, x.shape), null];
  });
  return y;
}

/**
 * TF.js unsortedSegmentSum: x [n, ...rest], segmentIds int32 [n] -> [numSegments, ...rest] with
 * out[s] = sum of x[j] over j where segmentIds[j] == s. Ids outside [0, numSegments) are
 * dropped. float32 x is differentiable; int32 x is summed in float32 (exact below 2^24).
 * @example
 * ```js
 * tf.unsortedSegmentSum(tf.tensor([1, 2, 3]), tf.tensor1d([0, 1, 0], 'int32'), 2).print(); // [4, 2]
 * ```
 */
export const unsortedSegmentSum = op('unsortedSegmentSum', function unsortedSegmentSum(x: Input, segmentIds: Input, numSegments: number): Tensor {
  const t = toTensor(x, 'unsortedSegmentSum', 'x');
  const ids = toTensor(segmentIds, 'unsortedSegmentSum', 'segmentIds', 'int32');
  if (t.dtype === 'bool') throw new Error(`unsortedSegmentSum: x must be float32 or int32, got bool ${fmtShape(t.shape)}`);
  if (ids.dtype !== 'int32') {
    throw new Error(`unsortedSegmentSum: segmentIds must be int32, got ${ids.dtype} ${fmtShape(ids.shape)}`);
  }
  if (ids.rank !== 1) throw new Error(`unsortedSegmentSum: segmentIds must be 1-D, got shape ${fmtShape(ids.shape)}`);
  if (t.rank === 0 || t.shape[0] !== ids.size) {
    throw new Error(
      `unsortedSegmentSum: x.shape[0] must equal segmentIds length ${ids.size}, got x ${fmtShape(t.shape)}`,
    );
  }
  if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 1) {
    throw new Error(`unsortedSegmentSum: numSegments must be a positive integer, got ${numSegments}`);
  }
  const rest = t.shape.slice(1);
  const outShape = [numSegments, ...rest];
  const inner = sizeOf(rest);
  if (t.dtype === 'int32') {
    const sum = segmentSum(cast(t, 'float32'), ids, 1, ids.size, inner, numSegments, outShape);
    return cast(sum, 'int32');
  }
  return segmentSum(t, ids, 1, ids.size, inner, numSegments, outShape);
});
