/**
 * int8 pooling (issue 12) on the codes of an Int8Tensor, in its scale and zero point:
 * - int8MaxPool: the affine quantization is monotonic, so the max of the codes is the code of the
 *   max: the result is what quantizing tf.maxPool of the dequantized values gives.
 * - int8AvgPool / int8GlobalAvgPool: the mean of codes in one scale and zero point is a value in
 *   them, rounded to a code half to even (the rounding quantizeInt8 uses; TFLite's average pool
 *   rounds half away from zero, and also keeps the input's parameters). Against quantizing the
 *   float average of the dequantized values this differs only by that rounding: at most one code.
 *   Exact integer semantics (KernelAttrs.int8AvgPool), the same bits on js, wasm and webgpu.
 * An int8 chain (src/quantization/int8_chain.ts) runs MaxPooling2D, AveragePooling2D and
 * GlobalAveragePooling2D this way. Internal (not in tf.quantization): the chain linker loads them
 * with the async parts, off the up-front bundle.
 */
import { packedCols } from '../backends/kernels.js';
import { fmtShape } from '../util.js';
import { convGeometry, geometryAttrs, parsePair, type Pair } from './conv_util.js';
import { op, runOp } from './operand.js';
import { checkInt8Tensor, Int8Tensor } from './quantized.js';
import { reshape } from './layout.js';

/** The wasm kernel's mean divides an i32 sum in f32: exact (the right half-to-even code) up to this many taps. */
const MAX_TAPS = 65535;

function pool(name: 'int8MaxPool' | 'int8AvgPool', x: Int8Tensor, filterSize: Pair, strides: Pair, pad: 'valid' | 'same'): Int8Tensor {
  checkInt8Tensor(name, x, 'x');
  // (explicit padding could leave a window without an in-image tap, which the kernels do not define)
  if (pad !== 'valid' && pad !== 'same') throw new Error(`${name}: pad must be 'valid' or 'same', got ${JSON.stringify(pad)}`);
  if (x.rank !== 4) throw new Error(`${name}: x must be rank 4 [batch, height, width, channels], got shape ${fmtShape(x.shape)}`);
  const [fh, fw] = parsePair(name, 'filterSize', filterSize, 1);
  if (name === 'int8AvgPool' && fh * fw > MAX_TAPS) {
    throw new Error(`${name}: filterSize ${JSON.stringify(filterSize)} has ${fh * fw} taps; at most ${MAX_TAPS} (x shape ${fmtShape(x.shape)})`);
  }
  const g = convGeometry({
    op: name, xShape: x.shape, filterH: fh, filterW: fw, outC: x.shape[3], strides, dilations: 1, pad,
    what: `x ${fmtShape(x.shape)}, filterSize ${JSON.stringify(filterSize)}`,
  });
  const packed = runOp(name, [x.packed], [g.batch, g.outH, g.outW, packedCols(g.outC)], 'int32', geometryAttrs(g));
  return new Int8Tensor(packed, [g.batch, g.outH, g.outW, g.outC], x.scale, x.zeroPoint);
}

const maxPoolOp = op('int8MaxPool', (x: Int8Tensor, filterSize: Pair, strides: Pair, pad: 'valid' | 'same') => pool('int8MaxPool', x, filterSize, strides, pad));
const avgPoolOp = op('int8AvgPool', (x: Int8Tensor, filterSize: Pair, strides: Pair, pad: 'valid' | 'same') => pool('int8AvgPool', x, filterSize, strides, pad));
const globalAvgPoolOp = op('int8GlobalAvgPool', (x: Int8Tensor): Int8Tensor => {
  checkInt8Tensor('int8GlobalAvgPool', x, 'x');
  if (x.rank !== 4) throw new Error(`int8GlobalAvgPool: x must be rank 4 [batch, height, width, channels], got shape ${fmtShape(x.shape)}`);
  const [b, h, w, c] = x.shape;
  const y = pool('int8AvgPool', x, [h, w], 1, 'valid');
  return new Int8Tensor(reshape(y.packed, [b, packedCols(c)]), [b, c], x.scale, x.zeroPoint);
});

/**
 * Max pooling of int8 x [batch, h, w, C] (NHWC) on its codes: filterSize, strides and pad
 * ('valid' or 'same') as tf.maxPool (padding never wins). An Int8Tensor in x's scale and zero point, equal to quantizing
 * tf.maxPool(dequantizeInt8(x)) with them.
 */
export function int8MaxPool(x: Int8Tensor, filterSize: Pair, strides: Pair, pad: 'valid' | 'same'): Int8Tensor {
  return maxPoolOp(x, filterSize, strides, pad);
}

/**
 * Average pooling of int8 x [batch, h, w, C] (NHWC) on its codes, over the in-image taps as
 * tf.avgPool: each code is the mean of the window's codes rounded half to even, in x's scale and
 * zero point. At most 65535 taps per window.
 */
export function int8AvgPool(x: Int8Tensor, filterSize: Pair, strides: Pair, pad: 'valid' | 'same'): Int8Tensor {
  return avgPoolOp(x, filterSize, strides, pad);
}

/** Global average pooling of int8 x [batch, h, w, C] to [batch, C]: int8AvgPool over the whole image. */
export function int8GlobalAvgPool(x: Int8Tensor): Int8Tensor {
  return globalAvgPoolOp(x);
}
