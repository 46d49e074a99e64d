/**
 * N-d indexing ops with TF.js names: gatherND (slices of x picked by index tuples), scatterND
 * (update slices summed into zeros of a given shape) and tensorScatterUpdate (update slices
 * written over a copy of a tensor, the last of repeated indices winning). Validation and
 * error wording follow TF.js. An index tuple outside x's (or the output's) dims gives a zero
 * slice (gatherND) or is skipped (scatter): the kernels cannot throw from the device, so tessera
 * does not read indices back to check them (TF.js's cpu backend throws instead).
 * Gradients: gatherND <-> scatterND are each other's vjp; tensorScatterUpdate's tensor gets dy
 * with the updated slices zeroed and its updates get gatherND(dy).
 */
import type { DType } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape, sizeOf } from '../util.js';
import { runOp, toTensor, type Input, op } from './operand.js';
import { zeros } from './creation.js';
import { reshape } from './layout.js';

/** Row-major strides of `shape`. */
function stridesOf(shape: number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

function gatherNDPrim(x: Tensor, indices: Tensor): Tensor {
  const depth = indices.shape[indices.rank - 1];
  const outShape = [...indices.shape.slice(0, -1), ...x.shape.slice(depth)];
  const sliceSize = sizeOf(x.shape.slice(depth));
  const numSlices = sizeOf(indices.shape.slice(0, -1));
  const y = runOp('gatherND', [x, indices], outShape, x.dtype, {
    numSlices, sliceSize, indexDepth: depth, strides: stridesOf(x.shape).slice(0, depth), dims: x.shape.slice(0, depth),
  });
  if (x.dtype === 'float32') {
    ENGINE.record('gatherND', [x, indices], [y], ([dy]) => [dy ? scatterPrim(indices, dy, x.shape, null) : null, null]);
  }
  return y;
}

/** mode 0 (base null): sum updates into zeros of `shape`; mode 1: write them over base. */
function scatterPrim(indices: Tensor, updates: Tensor, shape: number[], base: Tensor | null): Tensor {
  const depth = indices.rank > 1 ? indices.shape[indices.rank - 1] : 1;
  const numUpdates = depth === 0 ? 0 : indices.size / depth;
  const sliceSize = sizeOf(shape.slice(depth));
  const dtype: DType = base ? base.dtype : updates.dtype;
  const inputs = base ? [indices, updates, base] : [indices, updates];
  const y = runOp('scatterND', inputs, shape, dtype, {
    numUpdates, sliceSize, indexDepth: depth, strides: stridesOf(shape).slice(0, depth), dims: shape.slice(0, depth),
    outSize: sizeOf(shape), mode: base ? 1 : 0,
  });
  if (dtype === 'float32') {
    const tuples = indices.rank > 1 ? indices : ENGINE.noGrad(() => reshape(indices, [indices.size, 1]));
    ENGINE.record(base ? 'tensorScatterUpdate' : 'scatterND', inputs, [y], ([dy]) => {
      if (!dy) return inputs.map(() => null);
      const dUpdates = reshape(gatherNDPrim(dy, tuples), updates.shape);
      if (!base) return [null, dUpdates];
      return [null, dUpdates, scatterPrim(indices, zeros(updates.shape), shape, dy)];
    });
  }
  return y;
}

/**
 * TF.js gatherND(x, indices): out[i...] = x[indices[i..., :], ...].
 * @example
 * ```js
 * tf.gatherND(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[1, 0]], [1, 2], 'int32')).print(); // [3]
 * ```
 */
export const gatherND = op('gatherND', function gatherND(x: Input, indices: Input): Tensor {
  const t = toTensor(x, 'gatherND', 'x');
  const idx = toTensor(indices, 'gatherND', 'indices', 'int32');
  if (t.rank < 1) throw new Error(`tf.gatherND() expects the input to be rank 1 or higher, but the rank was ${t.rank}.`);
  if (idx.rank < 1) throw new Error(`tf.gatherND() expects the indices to be rank 1 or higher, but the rank was ${idx.rank}.`);
  if (idx.dtype !== 'int32') throw new Error(`tf.gatherND() expects the indices to be int32 type, but the dtype was ${idx.dtype}.`);
  const depth = idx.shape[idx.rank - 1];
  if (depth > t.rank) throw new Error(`index innermost dimension length must be <= tensor rank; saw: ${depth} vs. ${t.rank}`);
  if (t.size === 0) throw new Error(`Requested more than 0 entries, but input is empty. Input shape: ${t.shape}.`);
  if (depth > 8) throw new Error(`gatherND: index depth ${depth} exceeds 8 (indices ${fmtShape(idx.shape)})`);
  return gatherNDPrim(t, idx);
});

/** TF.js scatter_nd_util.validateInput (same checks and wording). */
function validateScatter(op: string, updates: Tensor, indices: Tensor, shape: number[]): void {
  if (indices.rank < 1) throw new Error(`tf.scatterND() expects the indices to be rank 1 or higher, but the rank was ${indices.rank}.`);
  if (updates.rank < 1) throw new Error(`tf.scatterND() expects the updates to be rank 1 or higher, but the rank was ${updates.rank}.`);
  if (indices.dtype !== 'int32') throw new Error(`The dtype of 'indices' should be int32, but got dtype: ${indices.dtype}`);
  if (shape.length < 1) throw new Error(`Output rank must be greater or equal to 1, but got shape: ${shape}`);
  const sliceDim = indices.rank > 1 ? indices.shape[indices.rank - 1] : 1;
  const batchDim = indices.rank > 1 ? indices.rank - 1 : 1;
  const shapeError = 'Must have updates.shape = indices.shape[:batchDim] + ' +
    `shape[sliceDim:], got updates.shape: ${updates.shape}, indices.shape: ${indices.shape}, shape: ${shape}` +
    `, sliceDim: ${sliceDim}, and batchDim: ${batchDim}.`;
  if (updates.rank < batchDim) throw new Error(`${shapeError} update.rank < ${batchDim}. `);
  if (shape.length < sliceDim + (updates.rank - batchDim)) {
    throw new Error(`${shapeError} Output shape length < ${sliceDim + (updates.rank - batchDim)}`);
  }
  if (updates.rank !== batchDim + shape.length - sliceDim) throw new Error(`${shapeError} update.rank != ${batchDim + shape.length - sliceDim}`);
  for (let d = 0; d < batchDim; ++d) {
    if (updates.shape[d] !== indices.shape[d]) {
      throw new Error(`${shapeError} updates.shape[${d}] (${updates.shape[d]}) != indices.shape[${d}] (${indices.shape[d]}).`);
    }
  }
  for (let d = 0; d < updates.rank - batchDim; ++d) {
    if (updates.shape[d + batchDim] !== shape[d + sliceDim]) {
      throw new Error(`${shapeError} updates.shape[${d + batchDim}] (${updates.shape[d + batchDim]}) != shape[${d + batchDim}] (${shape[d + batchDim]})`);
    }
  }
  if (sliceDim > 8) throw new Error(`${op}: index depth ${sliceDim} exceeds 8 (indices ${fmtShape(indices.shape)})`);
}

/**
 * TF.js scatterND(indices, updates, shape): zeros of `shape` plus every update slice at its index.
 * @example
 * ```js
 * tf.scatterND(tf.tensor2d([[1], [3]], [2, 1], 'int32'), tf.tensor([9, 8]), [4]).print(); // [0, 9, 0, 8]
 * ```
 */
export const scatterND = op('scatterND', function scatterND(indices: Input, updates: Input, shape: number[]): Tensor {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`Tensor must have a shape comprised of positive integers but got shape [${shape}].`);
  }
  const idx = toTensor(indices, 'scatterND', 'indices', 'int32');
  const upd = toTensor(updates, 'scatterND', 'updates');
  validateScatter('scatterND', upd, idx, shape);
  if (upd.dtype === 'bool') throw new Error(`scatterND: updates must be float32 or int32, got bool ${fmtShape(upd.shape)}`);
  return scatterPrim(idx, upd, shape, null);
});

/**
 * TF.js tensorScatterUpdate(tensor, indices, updates): a copy of tensor with the indexed slices replaced.
 * @example
 * ```js
 * tf.tensorScatterUpdate(tf.zeros([4]), tf.tensor2d([[1]], [1, 1], 'int32'), tf.tensor([5])).print(); // [0, 5, 0, 0]
 * ```
 */
export const tensorScatterUpdate = op('tensorScatterUpdate', function tensorScatterUpdate(tensor: Input, indices: Input, updates: Input): Tensor {
  const t = toTensor(tensor, 'tensorScatterupdate', 'tensor');
  const idx = toTensor(indices, 'tensorScatterupdate', 'indices', 'int32');
  const upd = toTensor(updates, 'tensorScatterupdate', 'updates');
  validateScatter('tensorScatterUpdate', upd, idx, t.shape);
  if (t.dtype !== upd.dtype) {
    throw new Error(`tensor and updates must have the same dtype, instead they are ${t.dtype} and ${upd.dtype}.`);
  }
  return scatterPrim(idx, upd, t.shape, t);
});
