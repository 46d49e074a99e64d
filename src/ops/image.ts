/**
 * The `tf.image` ops (TF.js names, argument orders and error wording): resizeBilinear and
 * resizeNearestNeighbor (with gradients), cropAndResize, flipLeftRight, rotateWithOffset,
 * grayscaleToRGB, rgbToGrayscale and threshold. Images are NHWC. Resize and cropAndResize run
 * their own kernels; the rest are compositions of existing kernels, so they stay on the device.
 * transform lives in image_transform.ts and the nonMaxSuppression family in image_nms.ts.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { runOp, scoped, type Input } from './operand.js';
import { reshape, reverse, tile, split } from './layout.js';
import { add, div, greater, lessEqual, mul, sub, where } from './binary.js';
import { cast, round } from './unary.js';
import { argMax, max, sum } from './reduce.js';
import { matMul } from './matmul.js';
import { fill, tensor1d } from './creation.js';
import { check, imageArg, resizeTable } from './image_util.js';

export { transform } from './image_transform.js';
export {
  nonMaxSuppression, nonMaxSuppressionAsync, nonMaxSuppressionWithScore, nonMaxSuppressionWithScoreAsync,
  nonMaxSuppressionPadded, nonMaxSuppressionPaddedAsync,
} from './image_nms.js';

type Size = [number, number];

/** Shared body of the two resize ops: validation, rank-3 batching, the kernel and its gradient. */
function resizeOp(name: string, images: Input, size: Size, alignCorners: boolean, halfPixelCenters: boolean, nearest: boolean): Tensor {
  return scoped(() => {
    let x = imageArg(images, 'images', name);
    check(x.rank === 3 || x.rank === 4, () => `Error in ${name}: x must be rank 3 or 4, but got rank ${x.rank}.`);
    check(Array.isArray(size) && size.length === 2, () => `Error in ${name}: new shape must 2D, but got shape ${size}.`);
    check(size.every((d) => Number.isInteger(d) && d >= 0), () => `Error in ${name}: size must be non-negative integers, but got ${size}.`);
    if (nearest) check(x.dtype === 'float32' || x.dtype === 'int32', () => '`images` must have `int32` or `float32` as dtype');
    check(!halfPixelCenters || !alignCorners, () => `Error in ${name}: If halfPixelCenters is true, alignCorners must be false.`);
    const rank3 = x.rank === 3;
    if (rank3) x = reshape(x, [1, ...x.shape]);
    if (!nearest && x.dtype !== 'float32') x = cast(x, 'float32');
    const [batch, inH, inW, channels] = x.shape;
    const [outH, outW] = size;
    const outShape = [batch, outH, outW, channels];
    check(batch * outH * outW * channels === 0 || inH * inW > 0,
      () => `Error in ${name}: cannot resize an empty image ${fmtShape(x.shape)} to [${size}]`);
    const attrs = { batch, inH, inW, channels, outH, outW };
    const table = resizeTable(inH, inW, outH, outW, alignCorners, halfPixelCenters, nearest);
    const y = runOp('resize', [x, table], outShape, x.dtype, { ...attrs, nearest });
    table.dispose();
    if (x.dtype === 'float32') {
      const xs = x;
      ENGINE.record(name, [xs], [y], ([dy]) => {
        if (!dy) return [null];
        const t = resizeTable(inH, inW, outH, outW, alignCorners, halfPixelCenters, nearest);
        const dx = runOp('resizeBackprop', [dy, t], xs.shape, 'float32', attrs);
        t.dispose();
        return [dx];
      });
    }
    return rank3 ? reshape(y, outShape.slice(1)) : y;
  });
}

/**
 * TF.js image.resizeBilinear(images, size, alignCorners = false, halfPixelCenters = false); output float32.
 * @example
 * ```js
 * tf.image.resizeBilinear(tf.ones([1, 4, 4, 3]), [8, 8]).shape; // [1, 8, 8, 3]
 * ```
 */
export function resizeBilinear(images: Input, size: Size, alignCorners = false, halfPixelCenters = false): Tensor {
  return resizeOp('resizeBilinear', images, size, alignCorners, halfPixelCenters, false);
}

/**
 * TF.js image.resizeNearestNeighbor(images, size, alignCorners = false, halfPixelCenters = false); keeps the dtype.
 * @example
 * ```js
 * tf.image.resizeNearestNeighbor(tf.ones([1, 4, 4, 3]), [2, 2]).shape; // [1, 2, 2, 3]
 * ```
 */
export function resizeNearestNeighbor(images: Input, size: Size, alignCorners = false, halfPixelCenters = false): Tensor {
  return resizeOp('resizeNearestNeighbor', images, size, alignCorners, halfPixelCenters, true);
}

/**
 * TF.js image.cropAndResize(image, boxes, boxInd, cropSize, method = 'bilinear',
 * extrapolationValue = 0) -> float32 [numBoxes, cropH, cropW, C]. Not differentiable (as TF.js).
 * @example
 * ```js
 * tf.image.cropAndResize(tf.ones([1, 8, 8, 3]), tf.tensor2d([[0, 0, 0.5, 0.5]]), tf.tensor1d([0], 'int32'), [4, 4]).shape; // [1, 4, 4, 3]
 * ```
 */
export function cropAndResize(
  image: Input, boxes: Input, boxInd: Input, cropSize: Size, method: 'bilinear' | 'nearest' = 'bilinear', extrapolationValue = 0,
): Tensor {
  return scoped(() => {
    let img = imageArg(image, 'image', 'cropAndResize');
    const bx = imageArg(boxes, 'boxes', 'cropAndResize', 'float32');
    const bi = imageArg(boxInd, 'boxInd', 'cropAndResize', 'int32');
    const numBoxes = bx.shape[0];
    check(img.rank === 4, () => `Error in cropAndResize: image must be rank 4,but got rank ${img.rank}.`);
    check(bx.rank === 2 && bx.shape[1] === 4, () => `Error in cropAndResize: boxes must be have size [${numBoxes},4] but had shape ${bx.shape}.`);
    check(bi.rank === 1 && bi.shape[0] === numBoxes, () => `Error in cropAndResize: boxInd must be have size [${numBoxes}] but had shape ${bi.shape}.`);
    check(Array.isArray(cropSize) && cropSize.length === 2, () => `Error in cropAndResize: cropSize must be of length 2, but got length ${cropSize?.length}.`);
    check(cropSize[0] >= 1 && cropSize[1] >= 1, () => `cropSize must be atleast [1,1], but was ${cropSize}`);
    check(cropSize.every(Number.isInteger), () => `Error in cropAndResize: cropSize must be integers, but was ${cropSize}`);
    check(method === 'bilinear' || method === 'nearest', () => `method must be bilinear or nearest, but was ${method}`);
    if (img.dtype !== 'float32') img = cast(img, 'float32');
    const [batch, inH, inW, channels] = img.shape;
    const [cropH, cropW] = cropSize;
    return runOp('cropAndResize', [img, bx, bi], [numBoxes, cropH, cropW, channels], 'float32', {
      numBoxes, batch, inH, inW, channels, cropH, cropW, nearest: method === 'nearest', extrapolationValue,
    });
  });
}

/**
 * TF.js image.flipLeftRight(image): mirrors the width axis of a float32 [batch, h, w, c] image.
 * @example
 * ```js
 * tf.image.flipLeftRight(tf.tensor4d([1, 2], [1, 1, 2, 1])).print(); // [[[[2], [1]]]]
 * ```
 */
export function flipLeftRight(image: Input): Tensor {
  return scoped(() => {
    const x = imageArg(image, 'image', 'flipLeftRight', 'float32');
    check(x.rank === 4, () => `Error in flipLeftRight: image must be rank 4,but got rank ${x.rank}.`);
    return reverse(x, 2);
  });
}

/**
 * TF.js image.rotateWithOffset(image, radians, fillValue = 0, center = 0.5): rotates each float32
 * [batch, h, w, c] image counterclockwise about `center` (fractions of width and height),
 * nearest-pixel. The source pixel of every output pixel depends only on the shape, so it is
 * computed here and the pixels move with the gather kernel; fillValue fills the rest (an [r, g, b]
 * fill sets channel 3 to 255, as TF.js does).
 * @example
 * ```js
 * tf.image.rotateWithOffset(tf.ones([1, 4, 4, 3]), Math.PI / 2).shape; // [1, 4, 4, 3]
 * ```
 */
export function rotateWithOffset(image: Input, radians: number, fillValue: number | [number, number, number] = 0, center: number | [number, number] = 0.5): Tensor {
  return scoped(() => {
    const x = imageArg(image, 'image', 'rotateWithOffset', 'float32');
    check(x.rank === 4, () => `Error in rotateWithOffset: image must be rank 4,but got rank ${x.rank}.`);
    const [batch, h, w, c] = x.shape;
    const cx = w * (typeof center === 'number' ? center : center[0]);
    const cy = h * (typeof center === 'number' ? center : center[1]);
    const sin = Math.sin(radians), cos = Math.cos(radians);
    const source = new Int32Array(h * w);
    const inside = new Int32Array(h * w);
    for (let row = 0; row < h; row++) {
      for (let col = 0; col < w; col++) {
        const sx = Math.round((col - cx) * cos - (row - cy) * sin + cx);
        const sy = Math.round((col - cx) * sin + (row - cy) * cos + cy);
        const ok = sx >= 0 && sx < w && sy >= 0 && sy < h;
        source[row * w + col] = ok ? sy * w + sx : -1;
        inside[row * w + col] = ok ? 1 : 0;
      }
    }
    const idx = ENGINE.makeTensor(source, [h * w], 'int32');
    const moved = runOp('gather', [reshape(x, [batch, h * w, c]), idx], [batch, h * w, c], 'float32', {
      outer: batch, axisDim: h * w, inner: c, numIndices: h * w,
    });
    const fills = Array.from({ length: c }, (_, ch) =>
      typeof fillValue === 'number' ? fillValue : ch === 3 ? 255 : fillValue[ch] ?? 0);
    const mask = ENGINE.makeTensor(inside, [h, w, 1], 'bool');
    return where(mask, reshape(moved, x.shape), tensor1d(fills));
  });
}

/**
 * TF.js image.grayscaleToRGB(image): repeats the size-1 last axis three times.
 * @example
 * ```js
 * tf.image.grayscaleToRGB(tf.ones([2, 2, 1])).shape; // [2, 2, 3]
 * ```
 */
export function grayscaleToRGB(image: Input): Tensor {
  return scoped(() => {
    const x = imageArg(image, 'image', 'grayscaleToRGB');
    check(x.rank >= 2, () => `Error in grayscaleToRGB: images must be at least rank 2, but got rank ${x.rank}.`);
    const last = x.shape[x.rank - 1];
    check(last === 1, () => `Error in grayscaleToRGB: last dimension of a grayscale image should be size 1, but got size ${last}.`);
    return tile(x, [...new Array(x.rank - 1).fill(1), 3]);
  });
}

const LUMA = [0.2989, 0.587, 0.114];

/**
 * TF.js image.rgbToGrayscale(image): CCIR 601 luma of the size-3 last axis, kept as a size-1 axis, in the input dtype.
 * @example
 * ```js
 * tf.image.rgbToGrayscale(tf.ones([2, 2, 3])).shape; // [2, 2, 1]
 * ```
 */
export function rgbToGrayscale(image: Input): Tensor {
  return scoped(() => {
    const x = imageArg(image, 'image', 'RGBToGrayscale');
    check(x.rank >= 2, () => `Error in RGBToGrayscale: images must be at least rank 2, but got rank ${x.rank}.`);
    const last = x.shape[x.rank - 1];
    check(last === 3, () => `Error in RGBToGrayscale: last dimension of an RGB image should be size 3, but got size ${last}.`);
    const gray = sum(mul(cast(x, 'float32'), tensor1d(LUMA)), -1, true);
    return cast(gray, x.dtype);
  });
}

/**
 * TF.js image.threshold(image, method = 'binary', inverted = false, threshValue = 0.5) -> int32
 * 0/255 of a rank-3 image with 1 or 3 channels. 'otsu' picks the threshold that maximizes the
 * between-class variance of the 256-bin histogram of the rounded gray levels; it is computed with
 * the scatter-add and matMul kernels (cumulative sums as a triangular product) on the device.
 * @example
 * ```js
 * tf.image.threshold(tf.tensor3d([10, 200], [1, 2, 1], 'int32'), 'binary', false, 0.5).print(); // [[[0], [255]]]
 * ```
 */
export function threshold(image: Input, method: 'binary' | 'otsu' = 'binary', inverted = false, threshValue = 0.5): Tensor {
  return scoped(() => {
    const x = imageArg(image, 'image', 'threshold');
    check(x.rank === 3, () => `Error in threshold: image must be rank 3,but got rank ${x.rank}.`);
    check(x.shape[2] === 3 || x.shape[2] === 1, () => `Error in threshold: image color channel must be equal to 3 or 1but got ${x.shape[2]}.`);
    check(x.dtype === 'int32' || x.dtype === 'float32', () => `Error in dtype: image dtype must be int32 or float32,but got dtype ${x.dtype}.`);
    check(method === 'otsu' || method === 'binary', () => `Method must be binary or otsu, but was ${method}`);
    let gray: Tensor;
    if (x.shape[2] === 3) {
      const [r, g, b] = split(cast(x, 'float32'), [1, 1, 1], -1);
      gray = add(add(mul(r, LUMA[0]), mul(g, LUMA[1])), mul(b, LUMA[2]));
    } else {
      gray = x;
    }
    const level = method === 'otsu' ? otsuLevel(gray, x.shape[0] * x.shape[1]) : mul(tensor1d([threshValue]), 255);
    const on = inverted ? lessEqual(gray, level) : greater(gray, level);
    return cast(mul(on, 255), 'int32');
  });
}

/** Otsu's level (as a [1] float32 tensor, -1 when no split has positive variance). */
function otsuLevel(gray: Tensor, totalPixels: number): Tensor {
  const bins = 256;
  const ids = reshape(cast(round(gray), 'int32'), [gray.size]);
  const ones = fill([gray.size], 1);
  const hist = runOp('unsortedSegmentSum', [ones, ids], [bins], 'float32', { outer: 1, n: gray.size, inner: 1, numSegments: bins });
  const levels = Float32Array.from({ length: bins }, (_, i) => i);
  // lower[k, i] = 1 for i <= k, k < bins - 1: prefix sums of [count, count * level] for every split k
  const lowerData = new Float32Array((bins - 1) * bins);
  for (let k = 0; k < bins - 1; k++) lowerData.fill(1, k * bins, k * bins + k + 1);
  const lower = ENGINE.makeTensor(lowerData, [bins - 1, bins], 'float32');
  const weighted = mul(hist, ENGINE.makeTensor(levels, [bins], 'float32'));
  const firstCount = reshape(matMul(lower, reshape(hist, [bins, 1])), [bins - 1]);
  const firstMass = reshape(matMul(lower, reshape(weighted, [bins, 1])), [bins - 1]);
  const secondCount = sub(sum(hist), firstCount);
  const secondMass = sub(sum(weighted), firstMass);
  const meanFirst = div(firstMass, firstCount);
  const meanSecond = div(secondMass, secondCount);
  const gap = sub(meanFirst, meanSecond);
  const variance = mul(mul(mul(div(firstCount, totalPixels), div(secondCount, totalPixels)), gap), gap);
  const positive = where(greater(variance, 0), variance, 0);
  const best = cast(argMax(positive), 'float32');
  return reshape(where(greater(max(positive), 0), best, -1), [1]);
}
