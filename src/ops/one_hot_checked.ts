/**
 * oneHot for callers whose out-of-range ids are an error (categoryEncoding) but whose ids the
 * host could not read (computed on webgpu): the backend checks on the device and fails the
 * batch with `message` and the offending value. Internal: not exported from src/index.ts.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { runOp } from './operand.js';

/** int32 ids -> [...ids.shape, depth] int32 one-hot rows; an id outside [0, depth) fails with `message`. */
export function checkedOneHot(ids: Tensor, depth: number, message: string): Tensor {
  if (ids.dtype !== 'int32') throw new Error(`oneHot: indices must be int32, got ${ids.dtype}`);
  const y = runOp('oneHot', [ids], [...ids.shape, depth], 'int32', { depth, onValue: 1, offValue: 0, check: { message } });
  ENGINE.recordZeroGrad('oneHot', [ids], [y]);
  return y;
}
