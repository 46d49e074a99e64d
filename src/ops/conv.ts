/**
 * Convolution ops with TF.js names, argument orders and geometry: conv2d, conv1d,
 * conv2dTranspose, conv2DBackpropInput / conv2DBackpropFilter, depthwiseConv2d and
 * separableConv2d. Each validates shapes and geometry (clear Errors), lifts rank-3 input to a
 * batch of 1, moves NCHW to the kernels' NHWC with transposes, and runs the differentiable
 * primitives of conv_core.ts, whose vjps are the backprop kernels.
 */
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { toTensor, type Input } from './operand.js';
import { reshape } from './layout.js';
import {
  conv2dBackpropFilterPrim, conv2dBackpropInputPrim, conv2dPrim, depthwisePrim,
} from './conv_core.js';
import {
  assertFloat32, checkDataFormat, checkFilter, composite, conv2dGeometry, convGeometry, nhwcShape, toNhwc,
  type ConvDataFormat, type Pair, type PadSpec, type RoundingMode,
} from './conv_util.js';

export type { ExplicitPadding, PadSpec, RoundingMode } from './conv_util.js';
export type { ConvDataFormat } from './conv_util.js';

const FORMATS = ['NHWC', 'NCHW'] as const;

/**
 * TF.js conv2d: x [batch, h, w, inC] (or NCHW), filter [fh, fw, inC, outC].
 * @example
 * ```js
 * tf.conv2d(tf.ones([1, 5, 5, 1]), tf.ones([3, 3, 1, 2]), 1, 'valid').shape; // [1, 3, 3, 2]
 * ```
 */
export function conv2d(
  x: Input, filter: Input, strides: Pair, pad: PadSpec, dataFormat: ConvDataFormat = 'NHWC',
  dilations: Pair = [1, 1], dimRoundingMode?: RoundingMode,
): Tensor {
  return composite(() => {
    const op = 'conv2d';
    const tx = toTensor(x, op, 'x');
    const tf = toTensor(filter, op, 'filter');
    const fmt = checkDataFormat(op, dataFormat, FORMATS);
    assertFloat32(op, tx, 'x');
    const what = `x ${fmtShape(tx.shape)} ${fmt}, filter ${fmtShape(tf.shape)}`;
    const g = conv2dGeometry(op, nhwcShape(op, tx, fmt), tf, strides, pad, dilations, fmt, dimRoundingMode, what);
    return composite(() => {
      const { xh, finish } = toNhwc(tx, fmt);
      return finish(conv2dPrim(xh, tf, g));
    });
  });
}

/**
 * TF.js conv1d: x [batch, width, inC] (or [width, inC]), filter [fw, inC, outC].
 * @example
 * ```js
 * tf.conv1d(tf.ones([1, 8, 2]), tf.ones([3, 2, 4]), 1, 'same').shape; // [1, 8, 4]
 * ```
 */
export function conv1d(
  x: Input, filter: Input, stride: number, pad: 'same' | 'valid' | number, dataFormat: 'NWC' = 'NWC',
  dilation = 1, dimRoundingMode?: RoundingMode,
): Tensor {
  return composite(() => {
    const op = 'conv1d';
    const tx = toTensor(x, op, 'x');
    const tf = toTensor(filter, op, 'filter');
    checkDataFormat(op, dataFormat, ['NWC'] as const);
    assertFloat32(op, tx, 'x');
    if (tx.rank !== 2 && tx.rank !== 3) throw new Error(`${op}: x must be rank 3 [batch, width, inChannels] (or rank 2), got shape ${fmtShape(tx.shape)}`);
    if (tf.rank !== 3) throw new Error(`${op}: filter must be rank 3 [filterWidth, inChannels, outChannels], got shape ${fmtShape(tf.shape)}`);
    for (const [name, v] of [['stride', stride], ['dilation', dilation]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
    }
    const pad2: PadSpec = typeof pad === 'number' ? [[0, 0], [0, 0], [pad, pad], [0, 0]] : pad;
    const what = `x ${fmtShape(tx.shape)}, filter ${fmtShape(tf.shape)}`;
    const x3 = tx.rank === 2 ? [1, ...tx.shape] : tx.shape;
    const f4Shape = [1, ...tf.shape];
    const xShape = [x3[0], 1, x3[1], x3[2]];
    if (tf.shape[1] !== xShape[3]) {
      throw new Error(`${op}: input has ${xShape[3]} channels but filter shape ${fmtShape(tf.shape)} expects ${tf.shape[1]} (${what})`);
    }
    const g = convGeometry({
      op, xShape, filterH: 1, filterW: tf.shape[0], outC: tf.shape[2], strides: [1, stride],
      dilations: [1, dilation], pad: pad2, roundingMode: dimRoundingMode, what,
    });
    return composite(() => {
      const y = conv2dPrim(reshape(tx, xShape), reshape(tf, f4Shape), g);
      return reshape(y, tx.rank === 2 ? [g.outW, g.outC] : [g.batch, g.outW, g.outC]);
    });
  });
}

/**
 * Gradient of conv2d w.r.t. its input, also the transposed convolution. xShape is the shape of
 * the (forward) input, dy [batch, outH, outW, outC], filter [fh, fw, inC, outC].
 * @example
 * ```js
 * const dx = tf.conv2DBackpropInput([1, 5, 5, 1], tf.ones([1, 3, 3, 2]), tf.ones([3, 3, 1, 2]), 1, 'valid'); // shape [1, 5, 5, 1]
 * ```
 */
export function conv2DBackpropInput(
  xShape: number[], dy: Input, filter: Input, strides: Pair, pad: PadSpec,
  dataFormat: ConvDataFormat = 'NHWC', dimRoundingMode?: RoundingMode, opName = 'conv2DBackpropInput',
): Tensor {
  return composite(() => {
    const op = opName;
    const dyName = op === 'conv2dTranspose' ? 'x' : 'dy'; // TF.js's argument name for each entry point
    const tdy = toTensor(dy, op, dyName);
    const tf = toTensor(filter, op, 'filter');
    const fmt = checkDataFormat(op, dataFormat, FORMATS);
    assertFloat32(op, tdy, dyName);
    if (!Array.isArray(xShape) || xShape.length !== tdy.rank || (xShape.length !== 3 && xShape.length !== 4) ||
        !xShape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new Error(`${op}: output shape ${JSON.stringify(xShape)} must be rank ${tdy.rank} (matching the input ${fmtShape(tdy.shape)}) of positive integers`);
    }
    const what = `input ${fmtShape(tdy.shape)}, filter ${fmtShape(tf.shape)}, output shape ${fmtShape(xShape)}`;
    const xs = xShape.length === 3 ? [1, ...xShape] : xShape;
    const xNhwc = fmt === 'NCHW' ? [xs[0], xs[2], xs[3], xs[1]] : xs;
    const dyNhwc = nhwcShape(op, tdy, fmt, 'dy');
    const g = conv2dGeometry(op, xNhwc, tf, strides, pad, [1, 1], fmt, dimRoundingMode, what);
    if (dyNhwc[3] !== tf.shape[3]) {
      throw new Error(`${op}: input has ${dyNhwc[3]} channels but filter shape ${fmtShape(tf.shape)} has ${tf.shape[3]} (filter shape[3]) (${what})`);
    }
    if (dyNhwc[0] !== g.batch || dyNhwc[1] !== g.outH || dyNhwc[2] !== g.outW) {
      throw new Error(`${op}: input spatial shape ${dyNhwc[1]}x${dyNhwc[2]} (batch ${dyNhwc[0]}) does not match the ${g.outH}x${g.outW} (batch ${g.batch}) that the output shape gives with these strides and pad (${what})`);
    }
    return composite(() => {
      const { xh, finish } = toNhwc(tdy, fmt);
      return finish(conv2dBackpropInputPrim(xh, tf, g));
    });
  });
}

/**
 * TF.js conv2dTranspose: x [batch, h, w, inC], filter [fh, fw, outC, inC], outputShape [batch, H, W, outC].
 * @example
 * ```js
 * tf.conv2dTranspose(tf.ones([1, 2, 2, 3]), tf.ones([2, 2, 4, 3]), [1, 4, 4, 4], 2, 'valid').shape; // [1, 4, 4, 4]
 * ```
 */
export function conv2dTranspose(
  x: Input, filter: Input, outputShape: number[], strides: Pair, pad: PadSpec, dimRoundingMode?: RoundingMode,
): Tensor {
  return conv2DBackpropInput(outputShape, x, filter, strides, pad, 'NHWC', dimRoundingMode, 'conv2dTranspose');
}

/**
 * Gradient of conv2d w.r.t. its filter: x [batch, h, w, inC], dy [batch, outH, outW, outC].
 * @example
 * ```js
 * const dw = tf.conv2DBackpropFilter(tf.ones([1, 5, 5, 1]), tf.ones([1, 3, 3, 2]), [3, 3, 1, 2], 1, 'valid');
 * ```
 */
export function conv2DBackpropFilter(
  x: Input, dy: Input, filterShape: [number, number, number, number], strides: Pair, pad: PadSpec,
  dataFormat: ConvDataFormat = 'NHWC', dimRoundingMode?: RoundingMode,
): Tensor {
  return composite(() => {
    const op = 'conv2DBackpropFilter';
    const tx = toTensor(x, op, 'x');
    const tdy = toTensor(dy, op, 'dy');
    const fmt = checkDataFormat(op, dataFormat, FORMATS);
    assertFloat32(op, tx, 'x');
    assertFloat32(op, tdy, 'dy');
    if (!Array.isArray(filterShape) || filterShape.length !== 4 || !filterShape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new Error(`${op}: filterShape must be 4 positive integers, got ${JSON.stringify(filterShape)}`);
    }
    if (tx.rank !== tdy.rank) throw new Error(`${op}: x ${fmtShape(tx.shape)} and dy ${fmtShape(tdy.shape)} must have the same rank`);
    const xNhwc = nhwcShape(op, tx, fmt);
    const dyNhwc = nhwcShape(op, tdy, fmt, 'dy');
    const what = `x ${fmtShape(tx.shape)}, dy ${fmtShape(tdy.shape)}, filterShape ${fmtShape(filterShape)}`;
    if (filterShape[2] !== xNhwc[3] || filterShape[3] !== dyNhwc[3]) {
      throw new Error(`${op}: filterShape ${fmtShape(filterShape)} needs ${filterShape[2]} input and ${filterShape[3]} output channels (${what})`);
    }
    const g = convGeometry({
      op, xShape: xNhwc, filterH: filterShape[0], filterW: filterShape[1], outC: filterShape[3], strides,
      dilations: [1, 1], pad, dataFormat: fmt, roundingMode: dimRoundingMode, what,
    });
    if (dyNhwc[0] !== g.batch || dyNhwc[1] !== g.outH || dyNhwc[2] !== g.outW) {
      throw new Error(`${op}: dy spatial shape ${dyNhwc[1]}x${dyNhwc[2]} does not match the conv output ${g.outH}x${g.outW} (${what})`);
    }
    return composite(() => {
      const a = toNhwc(tx, fmt).xh;
      const d = toNhwc(tdy, fmt).xh;
      return conv2dBackpropFilterPrim(a, d, g);
    });
  });
}

/**
 * TF.js depthwiseConv2d: filter [fh, fw, inC, multiplier], output channels inC * multiplier.
 * @example
 * ```js
 * tf.depthwiseConv2d(tf.ones([1, 5, 5, 2]), tf.ones([3, 3, 2, 1]), 1, 'same').shape; // [1, 5, 5, 2]
 * ```
 */
export function depthwiseConv2d(
  x: Input, filter: Input, strides: Pair, pad: PadSpec, dataFormat: ConvDataFormat = 'NHWC',
  dilations: Pair = [1, 1], dimRoundingMode?: RoundingMode,
): Tensor {
  return composite(() => {
    const op = 'depthwiseConv2d';
    const tx = toTensor(x, op, 'x');
    const tf = toTensor(filter, op, 'filter');
    const fmt = checkDataFormat(op, dataFormat, FORMATS);
    assertFloat32(op, tx, 'x');
    const what = `x ${fmtShape(tx.shape)} ${fmt}, filter ${fmtShape(tf.shape)}`;
    const g = conv2dGeometry(op, nhwcShape(op, tx, fmt), tf, strides, pad, dilations, fmt, dimRoundingMode, what, true);
    return composite(() => {
      const { xh, finish } = toNhwc(tx, fmt);
      return finish(depthwisePrim(xh, tf, g));
    });
  });
}

/**
 * TF.js separableConv2d: a depthwise conv (filter [fh, fw, inC, mult]) followed by a 1x1
 * pointwise conv (filter [1, 1, inC * mult, outC]).
 * @example
 * ```js
 * tf.separableConv2d(tf.ones([1, 5, 5, 2]), tf.ones([3, 3, 2, 1]), tf.ones([1, 1, 2, 4]), 1, 'same').shape; // [1, 5, 5, 4]
 * ```
 */
export function separableConv2d(
  x: Input, depthwiseFilter: Input, pointwiseFilter: Input, strides: Pair, pad: PadSpec,
  dilation: Pair = [1, 1], dataFormat: ConvDataFormat = 'NHWC',
): Tensor {
  return composite(() => {
    const op = 'separableConv2d';
    const tx = toTensor(x, op, 'x');
    const dwf = toTensor(depthwiseFilter, op, 'depthwiseFilter');
    const pwf = toTensor(pointwiseFilter, op, 'pointwiseFilter');
    const fmt = checkDataFormat(op, dataFormat, FORMATS);
    assertFloat32(op, tx, 'x');
    const what = `x ${fmtShape(tx.shape)} ${fmt}, depthwiseFilter ${fmtShape(dwf.shape)}, pointwiseFilter ${fmtShape(pwf.shape)}`;
    if ((tx.rank === 3 || tx.rank === 4) && pwf.rank === 4 && dwf.rank === 4) {
      // TF.js's wording, checked before the depthwise geometry so the pointwise shape is what gets named
      const dims = ['first', 'second', 'third'];
      const want = [1, 1, dwf.shape[2] * dwf.shape[3]];
      for (let d = 0; d < 3; d++) {
        if (pwf.shape[d] !== want[d]) {
          throw new Error(`Error in separableConv2d: the ${dims[d]} dimension of pointwise filter must be ${want[d]}, but got ${pwf.shape[d]}. (${what})`);
        }
      }
    }
    const dg = conv2dGeometry(op, nhwcShape(op, tx, fmt), dwf, strides, pad, dilation, fmt, undefined, what, true);
    checkFilter(op, pwf, dg.outC, what, 'pointwiseFilter');
    if (pwf.shape[0] !== 1 || pwf.shape[1] !== 1) {
      throw new Error(`${op}: pointwiseFilter must be [1, 1, inChannels * multiplier, outChannels], got ${fmtShape(pwf.shape)} (${what})`);
    }
    const pg = convGeometry({
      op, xShape: [dg.batch, dg.outH, dg.outW, dg.outC], filterH: 1, filterW: 1, outC: pwf.shape[3],
      strides: 1, dilations: 1, pad: 'valid', what,
    });
    return composite(() => {
      const { xh, finish } = toNhwc(tx, fmt);
      return finish(conv2dPrim(depthwisePrim(xh, dwf, dg), pwf, pg));
    });
  });
}
