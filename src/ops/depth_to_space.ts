/**
 * depthToSpace: moves blocks of channels into spatial blocks (the inverse of a space-to-depth). It is a
 * reshape, a transpose and a reshape, so every backend runs it with its copy kernels and it has a gradient.
 */
import type { Tensor } from '../tensor.js';
import { reshape, transpose } from './layout.js';
import { assertFloat, op, toTensor, type Input } from './operand.js';

/**
 * Moves blocks of channels into spatial blocks (the inverse of spaceToDepth); NHWC by default.
 * @example
 * ```js
 * tf.depthToSpace(tf.tensor4d([1, 2, 3, 4], [1, 1, 1, 4]), 2).shape; // [1, 2, 2, 1]
 * ```
 */
export const depthToSpace = op('depthToSpace', function depthToSpace(x: Input, blockSize: number, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): Tensor {
  const t = toTensor(x, 'depthToSpace', 'x');
  assertFloat('depthToSpace', t);
  if (t.rank !== 4) throw new Error(`depthToSpace: x must be rank 4, got shape [${t.shape}]`);
  if (!Number.isInteger(blockSize) || blockSize <= 1) throw new Error(`blockSize should be > 1 for depthToSpace, but was: ${blockSize}`);
  const nhwc = dataFormat === 'NHWC';
  const [b, h, w, c] = nhwc ? t.shape : [t.shape[0], t.shape[2], t.shape[3], t.shape[1]];
  const bs = blockSize;
  if (h * bs < 0 || w * bs < 0) throw new Error(`depthToSpace: invalid shape [${t.shape}]`);
  if (c % (bs * bs) !== 0) {
    throw new Error(`Dimension size must be evenly divisible by ${bs * bs} but is ${c} for depthToSpace with input shape ${t.shape}`);
  }
  const outC = c / (bs * bs);
  if (nhwc) {
    const blocks = reshape(t, [b, h, w, bs, bs, outC]);
    return reshape(transpose(blocks, [0, 1, 3, 2, 4, 5]), [b, h * bs, w * bs, outC]);
  }
  const blocks = reshape(t, [b, bs, bs, outC, h, w]);
  return reshape(transpose(blocks, [0, 3, 4, 1, 5, 2]), [b, outC, h * bs, w * bs]);
});
