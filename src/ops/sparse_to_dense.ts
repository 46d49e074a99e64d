/**
 * sparseToDense: a dense tensor of `outputShape` filled with `defaultValue`, with `sparseValues` written at
 * `sparseIndices` (0-D, 1-D or 2-D, as TF.js). Numeric values are a tensorScatterUpdate on the device; string
 * values (kept on the host) are placed on the host.
 */
import type { Tensor } from '../tensor.js';
import { ENGINE } from '../engine.js';
import { fmtShape, sizeOf } from '../util.js';
import { broadcastTo, reshape } from './layout.js';
import { hostValues, op, toTensor, type Input } from './operand.js';
import { tensorScatterUpdate } from './scatter.js';

/**
 * Scatters `sparseValues` at `sparseIndices` into a dense tensor of `outputShape` filled with `defaultValue`.
 * @example
 * ```js
 * tf.sparseToDense(tf.tensor1d([0, 2], 'int32'), tf.tensor1d([5, 6]), [4]).print(); // [5, 0, 6, 0]
 * ```
 */
export const sparseToDense = op('sparseToDense', function sparseToDense(
  sparseIndices: Input, sparseValues: Input, outputShape: number[], defaultValue: Input = 0,
): Tensor {
  const name = 'sparseToDense';
  const indices = toTensor(sparseIndices, name, 'sparseIndices', 'int32', 'int32');
  const values = toTensor(sparseValues, name, 'sparseValues', undefined, 'any');
  const dflt = toTensor(defaultValue, name, 'defaultValue', values.dtype, 'any');
  if (dflt.dtype !== values.dtype) {
    throw new Error(`sparseToDense: defaultValue is ${dflt.dtype} but sparseValues are ${values.dtype}`);
  }
  if (dflt.size !== 1) throw new Error(`sparseToDense: defaultValue must be a scalar, got shape ${fmtShape(dflt.shape)}`);
  if (indices.rank > 2) throw new Error(`sparseIndices should be a scalar, vector, or matrix, but got shape ${indices.shape}.`);
  const numElems = indices.rank > 0 ? indices.shape[0] : 1;
  const numDims = indices.rank > 1 ? indices.shape[1] : 1;
  if (values.rank > 1 || (values.rank === 1 && values.size !== numElems)) {
    throw new Error(`sparseValues has incorrect shape ${values.shape}, should be [] or [${numElems}]`);
  }
  if (numDims !== outputShape.length) {
    throw new Error(`outputShape has incorrect number of elements:, ${outputShape.length}, should be: ${numDims}.`);
  }
  if (values.dtype === 'string') return placeStrings(indices, values, dflt, outputShape, numElems, numDims);
  const dense = broadcastTo(reshape(dflt, outputShape.map(() => 1)), outputShape);
  if (numElems === 0) return dense;
  return tensorScatterUpdate(dense, reshape(indices, [numElems, numDims]), values.rank === 0 ? broadcastTo(values, [numElems]) : values);
});

function placeStrings(indices: Tensor, values: Tensor, dflt: Tensor, shape: number[], numElems: number, numDims: number): Tensor {
  const idx = hostValues('sparseToDense', indices); // the host copy, so webgpu can place strings too
  const vals = values.dataSync() as unknown as string[];
  const out: string[] = new Array(sizeOf(shape)).fill((dflt.dataSync() as unknown as string[])[0]);
  for (let e = 0; e < numElems; e++) {
    let flat = 0;
    for (let d = 0; d < numDims; d++) flat = flat * shape[d] + idx[e * numDims + d];
    out[flat] = vals[values.rank === 0 ? 0 : e];
  }
  return ENGINE.makeStringTensor(out.map((s) => new TextEncoder().encode(s)), shape);
}
