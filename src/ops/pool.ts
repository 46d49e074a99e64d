/**
 * Pooling ops with TF.js names: maxPool, avgPool (TF.js 'same' semantics: padding never wins a
 * max and is not counted in an average) and the generic `pool` (with dilations). Inputs are
 * NHWC, rank 4 or rank 3 (a batch of 1). The gradient is the poolBackprop kernel.
 */
import type { ConvGeometry } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { runOp, toTensor, type Input } from './operand.js';
import { reshape } from './layout.js';
import { clone } from './creation.js';
import { assertFloat32, composite, convGeometry, geometryAttrs, parsePair, type Pair, type PadSpec, type RoundingMode } from './conv_util.js';

const MAX = 0;
const AVG = 1;

function poolPrim(x: Tensor, g: ConvGeometry, op: number): Tensor {
  const y = runOp('pool', [x], [g.batch, g.outH, g.outW, g.outC], 'float32', { ...geometryAttrs(g), op });
  ENGINE.record(op === MAX ? 'maxPool' : 'avgPool', [x], [y], ([dy]) => [
    dy ? runOp('poolBackprop', [dy, x], x.shape, 'float32', { ...geometryAttrs(g), op }) : null,
  ]);
  return y;
}

function pool2d(
  name: string, code: number, x: Input, filterSize: Pair, strides: Pair, pad: PadSpec,
  dilations: Pair | undefined, dimRoundingMode: RoundingMode | undefined,
): Tensor {
  return composite(() => {
    const tx = toTensor(x, name, 'x');
    assertFloat32(name, tx, 'x');
    if (tx.rank !== 3 && tx.rank !== 4) {
      throw new Error(`${name}: x must be rank 4 [batch, height, width, channels] (or rank 3), got shape ${fmtShape(tx.shape)}`);
    }
    const [fh, fw] = parsePair(name, 'filterSize', filterSize, 1);
    const xShape = tx.rank === 3 ? [1, ...tx.shape] : tx.shape;
    const g = convGeometry({
      op: name, xShape, filterH: fh, filterW: fw, outC: xShape[3], strides, dilations, pad,
      roundingMode: dimRoundingMode, what: `x ${fmtShape(tx.shape)}, filterSize ${JSON.stringify(filterSize)}`,
    });
    // TF.js's kernels treat a 1x1 window whose output keeps the input's size as the identity,
    // whatever the strides and padding say; its pool specs expect that.
    if (fh === 1 && fw === 1 && g.outH === xShape[1] && g.outW === xShape[2]) return clone(tx);
    return composite(() => {
      const y = poolPrim(tx.rank === 3 ? reshape(tx, xShape) : tx, g, code);
      return tx.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
    });
  });
}

/**
 * TF.js maxPool(x, filterSize, strides, pad, dimRoundingMode).
 * @example
 * ```js
 * tf.maxPool(tf.ones([1, 4, 4, 1]), 2, 2, 'valid').shape; // [1, 2, 2, 1]
 * ```
 */
export function maxPool(x: Input, filterSize: Pair, strides: Pair, pad: PadSpec, dimRoundingMode?: RoundingMode): Tensor {
  return pool2d('maxPool', MAX, x, filterSize, strides, pad, 1, dimRoundingMode);
}

/**
 * TF.js avgPool(x, filterSize, strides, pad, dimRoundingMode); averages in-image taps only.
 * @example
 * ```js
 * tf.avgPool(tf.ones([1, 4, 4, 1]), 2, 2, 'valid').shape; // [1, 2, 2, 1]
 * ```
 */
export function avgPool(x: Input, filterSize: Pair, strides: Pair, pad: PadSpec, dimRoundingMode?: RoundingMode): Tensor {
  return pool2d('avgPool', AVG, x, filterSize, strides, pad, 1, dimRoundingMode);
}

/**
 * TF.js pool(input, windowShape, poolingType, pad, dilations, strides, dimRoundingMode).
 * @example
 * ```js
 * tf.pool(tf.ones([1, 4, 4, 1]), [2, 2], 'max', 'valid', 1, 2).shape; // [1, 2, 2, 1]
 * ```
 */
export function pool(
  input: Input, windowShape: Pair, poolingType: 'max' | 'avg', pad: PadSpec, dilations: Pair = 1,
  strides: Pair = 1, dimRoundingMode?: RoundingMode,
): Tensor {
  if (poolingType !== 'max' && poolingType !== 'avg') {
    throw new Error(`pool: poolingType must be 'max' or 'avg', got '${String(poolingType)}'`);
  }
  return pool2d('pool', poolingType === 'max' ? MAX : AVG, input, windowShape, strides, pad, dilations, dimRoundingMode);
}
