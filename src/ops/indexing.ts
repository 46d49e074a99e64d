/**
 * Indexing ops (TF.js names): gather along an axis and oneHot. The op layer flattens to the
 * [outer, axis, inner] view the kernels take; gather's vjp scatters through a oneHot matMul.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape, normAxis, sizeOf } from '../util.js';
import { runOp, toTensor, type Input, op } from './operand.js';
import { reshape } from './layout.js';
import { cast } from './unary.js';
import { matMul } from './matmul.js';
import type { DType } from '../backends/backend.js';

/** x.shape[:axis] + indices.shape + x.shape[axis+1:]; out-of-range indices give 0. */
export const gather = op(function gather(x: Input, indices: Input, axis = 0, batchDims = 0): Tensor {
  if (batchDims !== 0) throw new Error(`gather: batchDims ${batchDims} is not supported yet (only 0)`);
  const t = toTensor(x, 'gather', 'x');
  const idx = toTensor(indices, 'gather', 'indices', 'int32');
  if (idx.dtype !== 'int32') throw new Error(`gather: indices must be int32, got ${idx.dtype} ${fmtShape(idx.shape)}`);
  if (t.rank === 0) throw new Error('gather: x must have rank >= 1');
  const a = normAxis('gather', axis, t.rank);
  const outer = sizeOf(t.shape.slice(0, a));
  const inner = sizeOf(t.shape.slice(a + 1));
  const axisDim = t.shape[a];
  const outShape = [...t.shape.slice(0, a), ...idx.shape, ...t.shape.slice(a + 1)];
  const y = runOp('gather', [t, idx], outShape, t.dtype, { outer, axisDim, inner, numIndices: idx.size });
  if (t.dtype === 'float32') {
    ENGINE.record('gather', [t, idx], [y], ([dy]) => {
      if (!dy) return [null, null];
      // dx[o, j, i] = sum_n onehot[n, j] * dy[o, n, i]
      const oh = cast(oneHot(reshape(idx, [idx.size]), axisDim), 'float32');
      const d3 = reshape(dy, [outer, idx.size, inner]);
      const dx = matMul(oh, d3, true, false);
      return [reshape(dx, t.shape), null];
    });
  }
  return y;
});

/** indices.shape + [depth], onValue where index == position else offValue. */
export const oneHot = op(function oneHot(indices: Input, depth: number, onValue = 1, offValue = 0, dtype: DType = 'int32'): Tensor {
  const idx = toTensor(indices, 'oneHot', 'indices', 'int32');
  if (idx.dtype !== 'int32') throw new Error(`oneHot: indices must be int32, got ${idx.dtype}`);
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot: depth must be a positive integer, got ${depth}`);
  return runOp('oneHot', [idx], [...idx.shape, depth], dtype, { depth, onValue, offValue });
});
