/**
 * int8 pooling (issue 12): int8MaxPool, max pooling on the codes of an Int8Tensor. The affine
 * quantization is monotonic, so the max of the codes is the code of the max: the result is what
 * quantizing tf.maxPool of the dequantized values gives, in the same scale and zero point, and
 * an int8 chain (src/quantization/int8_chain.ts) runs MaxPooling2D this way. Internal (not in
 * tf.quantization): the chain linker loads it with the async parts, off the up-front bundle.
 */
import { packedCols } from '../backends/kernels.js';
import { fmtShape } from '../util.js';
import { convGeometry, geometryAttrs, parsePair, type Pair } from './conv_util.js';
import { op, runOp } from './operand.js';
import { checkInt8Tensor, Int8Tensor } from './quantized.js';

const maxPoolOp = op('int8MaxPool', (x: Int8Tensor, filterSize: Pair, strides: Pair, pad: 'valid' | 'same'): Int8Tensor => {
  const name = 'int8MaxPool';
  checkInt8Tensor(name, x, 'x');
  // (explicit padding could leave a window without an in-image tap, which the kernels do not define)
  if (pad !== 'valid' && pad !== 'same') throw new Error(`${name}: pad must be 'valid' or 'same', got ${JSON.stringify(pad)}`);
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
 * Max pooling of int8 x [batch, h, w, C] (NHWC) on its codes: filterSize, strides and pad
 * ('valid' or 'same') as tf.maxPool (padding never wins). An Int8Tensor in x's scale and zero point, equal to quantizing
 * tf.maxPool(dequantizeInt8(x)) with them.
 */
export function int8MaxPool(x: Int8Tensor, filterSize: Pair, strides: Pair, pad: 'valid' | 'same'): Int8Tensor {
  return maxPoolOp(x, filterSize, strides, pad);
}
