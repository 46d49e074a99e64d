/**
 * int8 pooling (issue 12): int8MaxPool, max pooling on the codes of an Int8Tensor. The affine
 * quantization is monotonic, so the max of the codes is the code of the max: the result is what
 * quantizing tf.maxPool of the dequantized values gives, in the same scale and zero point, and
 * an int8 chain (src/quantization/int8_chain.ts) runs MaxPooling2D this way.
 */
import { packedCols } from '../backends/kernels.js';
import { fmtShape } from '../util.js';
import { convGeometry, geometryAttrs, parsePair, type Pair } from './conv_util.js';
import { op, runOp } from './operand.js';
import { checkInt8Tensor, Int8Tensor } from './quantized.js';

const maxPoolOp = op('int8MaxPool', (x: Int8Tensor, filterSize: Pair, strides: Pair, pad: 'valid' | 'same' | number): Int8Tensor => {
  const name = 'int8MaxPool';
  checkInt8Tensor(name, x, 'x');
  if (x.rank !== 4) throw new Error(`${name}: x must be rank 4 [batch, height, width, channels], got shape ${fmtShape(x.shape)}`);
  const [fh, fw] = parsePair(name, 'filterSize', filterSize, 1);
  const g = convGeometry({
    op: name, xShape: x.shape, filterH: fh, filterW: fw, outC: x.shape[3], strides, dilations: 1, pad,
    what: `x ${fmtShape(x.shape)}, filterSize ${JSON.stringify(filterSize)}`,
  });
  const packed = runOp(name, [x.packed], [g.batch, g.outH, g.outW, packedCols(g.outC)], 'int32', geometryAttrs(g));
  return new Int8Tensor(packed, [g.batch, g.outH, g.outW, g.outC], x.scale, x.zeroPoint);
});

/**
 * Max pooling of int8 x [batch, h, w, C] (NHWC) on its codes: filterSize, strides and pad as
 * tf.maxPool (padding never wins). An Int8Tensor in x's scale and zero point, equal to quantizing
 * tf.maxPool(dequantizeInt8(x)) with them.
 * @example
 * ```js
 * const x = tf.quantization.quantizeInt8(tf.tensor4d([1, -2, 3, 0.5], [1, 2, 2, 1]), 0.1, 0);
 * tf.quantization.dequantizeInt8(tf.quantization.int8MaxPool(x, 2, 2, 'valid')).print(); // [[[[3]]]]
 * ```
 */
export function int8MaxPool(x: Int8Tensor, filterSize: Pair, strides: Pair, pad: 'valid' | 'same' | number): Int8Tensor {
  return maxPoolOp(x, filterSize, strides, pad);
}
