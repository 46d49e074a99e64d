/**
 * TF.js image.transform: projective transforms of a batch of images, composed from elementwise
 * ops and the gather kernel so it runs on every backend's device (no host reads). The source
 * point of every output pixel comes from the transforms tensor; fill modes fold it back into the
 * image (TF's ImageProjectiveTransform rules), and the taps read with fillValue outside.
 * Unlike TF.js 4.22's cpu kernel, every batch entry is transformed (that kernel fills all but
 * the first with fillValue).
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { runOp, scoped, type Input } from './operand.js';
import { add, div, greater, greaterEqual, less, logicalAnd, mul, notEqual, sub, where } from './binary.js';
import { cast, ceil, clipByValue, floor, neg } from './unary.js';
import { expandDims, reshape, slice } from './layout.js';
import { check, imageArg } from './image_util.js';

type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';

/** Round toward zero. */
const trunc = (x: Tensor) => where(less(x, 0), ceil(x), floor(x));

/** Folds source coordinates x (float32) into [0, len - 1] by the fill mode ('constant' leaves them). */
function mapCoord(x: Tensor, len: number, mode: FillMode): Tensor {
  if (mode === 'constant') return x;
  if (mode === 'nearest') return clipByValue(x, 0, len - 1);
  if (len <= 1) return mul(x, 0);
  let below: Tensor, above: Tensor;
  if (mode === 'reflect') {
    const period = 2 * len;
    const folded = where(less(x, -period), add(x, mul(trunc(div(neg(x), period)), period)), x);
    below = where(less(folded, -len), add(folded, period), sub(neg(folded), 1));
    const wrapped = sub(x, mul(trunc(div(x, period)), period));
    above = where(greaterEqual(wrapped, len), sub(period - 1, wrapped), wrapped);
  } else {
    below = add(x, mul(add(trunc(div(neg(x), len - 1)), 1), len));
    above = sub(x, mul(trunc(div(x, len - 1)), len));
  }
  return clipByValue(where(less(x, 0), below, where(greater(x, len - 1), above, x)), 0, len - 1);
}

/**
 * TF.js image.transform(image, transforms, interpolation = 'nearest', fillMode = 'constant',
 * fillValue = 0, outputShape?). transforms is [1 or batch, 8]: (a0..a2, b0..b2, c0, c1) maps an
 * output point (x, y) to the input point ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k) with
 * k = c0 x + c1 y + 1; k = 0 gives fillValue.
 * @example
 * ```js
 * tf.image.transform(tf.ones([1, 4, 4, 1]), tf.tensor2d([[1, 0, 0, 0, 1, 0, 0, 0]])).shape; // identity: [1, 4, 4, 1]
 * ```
 */
export function transform(
  image: Input, transforms: Input, interpolation: 'nearest' | 'bilinear' = 'nearest', fillMode: FillMode = 'constant',
  fillValue = 0, outputShape?: [number, number],
): Tensor {
  return scoped(() => {
    const x = imageArg(image, 'image', 'transform', 'float32');
    const tr = imageArg(transforms, 'transforms', 'transform', 'float32');
    check(x.rank === 4, () => `Error in transform: image must be rank 4,but got rank ${x.rank}.`);
    check(tr.rank === 2 && (tr.shape[0] === x.shape[0] || tr.shape[0] === 1) && tr.shape[1] === 8,
      () => 'Error in transform: Input transform should be batch x 8 or 1 x 8');
    check(outputShape == null || outputShape.length === 2, () => `Error in transform: outputShape must be [height, width] or null, but got ${outputShape}.`);
    check(interpolation === 'nearest' || interpolation === 'bilinear',
      () => `Error in Transform: Expect 'nearest' or 'bilinear', but got ${interpolation}`);
    check(['constant', 'reflect', 'wrap', 'nearest'].includes(fillMode),
      () => `Error in transform: fillMode must be constant, reflect, wrap or nearest, but got ${fillMode}`);
    const [batch, h, w, c] = x.shape;
    const [outH, outW] = outputShape ?? [h, w];
    const out = [batch, outH, outW, c];
    if (batch * outH * outW * c === 0) return ENGINE.makeTensor(new Float32Array(0), out, 'float32');
    // coefficient j of each batch entry as [B, 1, 1], against output column / row grids
    const coef = (j: number) => reshape(slice(tr, [0, j], [tr.shape[0], 1]), [tr.shape[0], 1, 1]);
    const ox = ENGINE.makeTensor(Float32Array.from({ length: outW }, (_, i) => i), [1, 1, outW], 'float32');
    const oy = ENGINE.makeTensor(Float32Array.from({ length: outH }, (_, i) => i), [1, outH, 1], 'float32');
    const plane = (a: number) => add(add(mul(coef(a), ox), mul(coef(a + 1), oy)), coef(a + 2));
    const k = add(add(mul(coef(6), ox), mul(coef(7), oy)), 1);
    const inX = mapCoord(div(plane(0), k), w, fillMode);
    const inY = mapCoord(div(plane(3), k), h, fillMode);
    const pixels = reshape(x, [batch * h * w, c]);
    const batchBase = ENGINE.makeTensor(Float32Array.from({ length: batch }, (_, b) => b * h * w), [batch, 1, 1], 'float32');
    /** Pixels at integer source points (ys, xs) per output pixel, fillValue outside the image. */
    const read = (ys: Tensor, xs: Tensor): Tensor => {
      const inside = logicalAnd(logicalAnd(greaterEqual(ys, 0), less(ys, h)), logicalAnd(greaterEqual(xs, 0), less(xs, w)));
      const flat = add(add(mul(clipByValue(ys, 0, h - 1), w), clipByValue(xs, 0, w - 1)), batchBase);
      const idx = reshape(cast(flat, 'int32'), [batch * outH * outW]);
      const taps = runOp('gather', [pixels, idx], [batch * outH * outW, c], 'float32', {
        outer: 1, axisDim: batch * h * w, inner: c, numIndices: batch * outH * outW,
      });
      return where(expandDims(inside, -1), reshape(taps, out), fillValue);
    };
    let value: Tensor;
    if (interpolation === 'nearest') {
      value = read(floor(add(inY, 0.5)), floor(add(inX, 0.5)));
    } else {
      const y0 = floor(inY), x0 = floor(inX);
      const y1 = add(y0, 1), x1 = add(x0, 1);
      const [wx0, wx1] = [expandDims(sub(x1, inX), -1), expandDims(sub(inX, x0), -1)];
      const [wy0, wy1] = [expandDims(sub(y1, inY), -1), expandDims(sub(inY, y0), -1)];
      const top = add(mul(wx0, read(y0, x0)), mul(wx1, read(y0, x1)));
      const bottom = add(mul(wx0, read(y1, x0)), mul(wx1, read(y1, x1)));
      value = add(mul(wy0, top), mul(wy1, bottom));
    }
    return where(expandDims(notEqual(k, 0), -1), value, fillValue);
  });
}
