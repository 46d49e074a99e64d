/**
 * Tensors of float16-saved weights (`quantizeWeights: 'float16'`) kept float16 on backends that
 * store them so (webgpu: IEEE halves two per 4-byte word, widened exactly as kernels read them;
 * see Backend.allocateFloat16). Lives with model loading, off the core path.
 */
import { ENGINE } from '../engine.js';
import { Tensor, type DataRecord } from '../tensor.js';
import { assertSize, fmtShape } from '../util.js';

/**
 * A float32 tensor of IEEE half `bits` (`values`: the same widened), float16-stored where the
 * active backend can (then `tf.memory()` counts 2 bytes per element), else a float32 tensor.
 */
export function float16Tensor(bits: Uint16Array, values: Float32Array, shape: number[]): Tensor<'float32'> {
  const op = ENGINE.opNames[0] ?? 'tensor';
  const size = assertSize(op, shape);
  if (bits.length !== size || values.length !== size) {
    throw new Error(`${op}: shape ${fmtShape(shape)} has ${size} elements, got ${bits.length} float16 values (${values.length} widened)`);
  }
  const b = ENGINE.backend;
  const dataId = b.allocateFloat16?.(bits, values);
  if (!dataId) return ENGINE.makeTensor(values, shape, 'float32');
  const rec: DataRecord = { backendName: b.name, dataId, dtype: 'float32', size, refCount: 1 };
  ENGINE.tracer?.wrote(rec, values);
  return new Tensor(shape, 'float32', rec);
}
