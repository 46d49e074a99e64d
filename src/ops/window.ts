/**
 * Window ops with TF.js names: dilation2d (grayscale morphological dilation; its kernel and two
 * backprops), maxPoolWithArgmax (max pool plus TF.js's flattened argmax positions, one kernel, no
 * gradient as in TF.js) and localResponseNormalization, which has no kernel of its own: a
 * windowed sum of squares along channels as a difference of cumsums, on the device of every
 * backend, differentiated through its parts.
 */
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { runOp, toTensor, type Input } from './operand.js';
import { add, div, mul, pow, sub } from './binary.js';
import { square } from './unary.js';
import { pad, reshape, slice } from './layout.js';
import { cumsum } from './scan.js';
import { assertFloat32, composite, convGeometry, geometryAttrs, parsePair, type Pair } from './conv_util.js';
import { ENGINE } from '../engine.js';

/**
 * TF.js localResponseNormalization(x, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5) over the last axis.
 * @example
 * ```js
 * tf.localResponseNormalization(tf.ones([1, 2, 2, 4]), 2).shape; // [1, 2, 2, 4]
 * ```
 */
export function localResponseNormalization(x: Input, depthRadius = 5, bias = 1, alpha = 1, beta = 0.5): Tensor {
  return composite(() => {
    const t = toTensor(x, 'localResponseNormalization', 'x');
    if (t.rank !== 3 && t.rank !== 4) {
      throw new Error(`Error in localResponseNormalization: x must be rank 3 or 4 but got rank ${t.rank}.`);
    }
    if (!Number.isInteger(depthRadius)) {
      throw new Error(`Error in localResponseNormalization: depthRadius must be an integer but got depthRadius ${depthRadius}.`);
    }
    const depth = t.shape[t.rank - 1];
    const r = Math.min(Math.max(depthRadius, 0), depth);
    // window sum over channels [c - r, c + r] = C[c + 2r + 1] - C[c], C the cumsum of the squares padded by r + 1 before and r after
    const padding = t.shape.map((): [number, number] => [0, 0]);
    padding[t.rank - 1] = [r + 1, r];
    const c = cumsum(pad(square(t), padding), t.rank - 1);
    const begin = t.shape.map(() => 0);
    const hi = slice(c, [...begin.slice(0, -1), 2 * r + 1], t.shape);
    const lo = slice(c, begin, t.shape);
    return div(t, pow(add(mul(sub(hi, lo), alpha), bias), beta));
  });
}

function as4d(op: string, x: Input, rankMessage: string): { x4: Tensor; finish: (y: Tensor) => Tensor } {
  const t = toTensor(x, op, 'x');
  if (t.rank !== 3 && t.rank !== 4) throw new Error(rankMessage.replace('$RANK', String(t.rank)));
  if (t.rank === 4) return { x4: t, finish: (y) => y };
  return { x4: reshape(t, [1, ...t.shape]), finish: (y) => reshape(y, y.shape.slice(1)) };
}

/**
 * TF.js dilation2d(x, filter [fh, fw, C], strides, pad, dilations = [1, 1], dataFormat = 'NHWC').
 * @example
 * ```js
 * tf.dilation2d(tf.ones([1, 4, 4, 1]), tf.zeros([2, 2, 1]), 1, 'valid').shape; // [1, 3, 3, 1]
 * ```
 */
export function dilation2d(
  x: Input, filter: Input, strides: Pair, pad: 'same' | 'valid', dilations: Pair = [1, 1], dataFormat: 'NHWC' = 'NHWC',
): Tensor {
  return composite(() => {
    const { x4, finish } = as4d('dilation2d', x, 'Error in dilation2d: input must be rank 3 or 4, but got rank $RANK.');
    const f = toTensor(filter, 'dilation2d', 'filter');
    assertFloat32('dilation2d', x4, 'x');
    assertFloat32('dilation2d', f, 'filter');
    if (f.rank !== 3) throw new Error(`Error in dilation2d: filter must be rank 3, but got rank ${f.rank}.`);
    if (dataFormat !== 'NHWC') throw new Error(`Error in dilation2d: Only NHWC is currently supported, but got dataFormat of ${dataFormat}`);
    if (x4.shape[3] !== f.shape[2]) {
      throw new Error(`Error in dilation2d:  input and filter must have the same depth: ${x4.shape[3]} vs ${f.shape[2]}`);
    }
    const [sH, sW] = parsePair('dilation2d', 'strides', strides, 1);
    const [dH, dW] = parsePair('dilation2d', 'dilations', dilations, 1);
    // the geometry helper refuses strides and dilations > 1 together (conv2d's rule); dilation2d allows them
    const g = { ...convGeometry({
      op: 'dilation2d', xShape: x4.shape, filterH: f.shape[0], filterW: f.shape[1], outC: x4.shape[3],
      strides: dH > 1 || dW > 1 ? 1 : [sH, sW], dilations: [dH, dW], pad, what: `x ${fmtShape(x4.shape)}, filter ${fmtShape(f.shape)}`,
    }) };
    if ((sH > 1 || sW > 1) && (dH > 1 || dW > 1)) {
      const effH = (g.filterH - 1) * dH + 1, effW = (g.filterW - 1) * dW + 1;
      const outH = pad === 'same' ? Math.ceil(g.inH / sH) : Math.ceil((g.inH - effH + 1) / sH);
      const outW = pad === 'same' ? Math.ceil(g.inW / sW) : Math.ceil((g.inW - effW + 1) / sW);
      const alongH = pad === 'same' ? Math.max(0, (outH - 1) * sH + effH - g.inH) : 0;
      const alongW = pad === 'same' ? Math.max(0, (outW - 1) * sW + effW - g.inW) : 0;
      Object.assign(g, { outH, outW, strideH: sH, strideW: sW, padTop: Math.floor(alongH / 2), padBottom: alongH - Math.floor(alongH / 2),
        padLeft: Math.floor(alongW / 2), padRight: alongW - Math.floor(alongW / 2) });
    }
    const geometry = geometryAttrs(g);
    const y = runOp('dilation2d', [x4, f], [g.batch, g.outH, g.outW, g.inC], 'float32', geometry);
    ENGINE.record('dilation2d', [x4, f], [y], ([dy]) => [
      dy ? runOp('dilation2dBackpropInput', [x4, f, dy], x4.shape, 'float32', geometry) : null,
      dy ? runOp('dilation2dBackpropFilter', [x4, f, dy], f.shape, 'float32', geometry) : null,
    ]);
    return finish(y);
  });
}

/**
 * TF.js maxPoolWithArgmax(x [batch, H, W, C], filterSize, strides, pad, includeBatchInIndex = false)
 * -> {result, indexes}: indexes (int32) of the first maximal tap, flattened as
 * ((b * H + y) * W + x) * C + c with includeBatchInIndex, else (y * W + x) * C + c.
 * @example
 * ```js
 * const { result, indexes } = tf.maxPoolWithArgmax(tf.ones([1, 4, 4, 1]), 2, 2, 'valid');
 * ```
 */
export function maxPoolWithArgmax(
  x: Input, filterSize: Pair, strides: Pair, pad: 'same' | 'valid' | number, includeBatchInIndex = false,
): { result: Tensor; indexes: Tensor } {
  return composite(() => {
    const t = toTensor(x, 'maxPoolWithArgmax', 'x');
    assertFloat32('maxPoolWithArgmax', t, 'x');
    if (t.rank !== 4) throw new Error(`maxPoolWithArgmax: x must be rank 4 [batch, height, width, channels], got shape ${fmtShape(t.shape)}`);
    const [fh, fw] = parsePair('maxPoolWithArgmax', 'filterSize', filterSize, 1);
    const g = convGeometry({
      op: 'maxPoolWithArgmax', xShape: t.shape, filterH: fh, filterW: fw, outC: t.shape[3], strides, dilations: 1, pad,
      what: `x ${fmtShape(t.shape)}, filterSize ${JSON.stringify(filterSize)}`,
    });
    const values = ENGINE.makeOutput([g.batch, g.outH, g.outW, g.inC], 'float32');
    const indexes = ENGINE.makeOutput(values.shape, 'int32');
    if (values.size > 0) ENGINE.runKernel('maxPoolWithArgmax', [t], [values, indexes], { ...geometryAttrs(g), includeBatchInIndex: Boolean(includeBatchInIndex) });
    return { result: values, indexes };
  });
}
