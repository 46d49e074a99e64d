/**
 * TF.js image.transform: projective transforms of a batch of images, computed on the host (it
 * reads the image and the transforms synchronously, so it runs on js and wasm; on webgpu the
 * synchronous read throws). Unlike TF.js's cpu kernel, every batch entry is transformed (TF.js
 * 4.22's cpu kernel fills all but the first with fillValue).
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { scoped, type Input } from './operand.js';
import { check, imageArg } from './image_util.js';

type FillMode = 'constant' | 'reflect' | 'wrap' | 'nearest';

/** Where an out-of-range source coordinate reads from, per fill mode (TF's ImageProjectiveTransform rules). */
function mapCoord(x: number, len: number, mode: FillMode): number {
  if (mode === 'constant') return x;
  if (mode === 'nearest') return Math.min(Math.max(x, 0), len - 1);
  if (len <= 1 && (x < 0 || x > len - 1)) return 0;
  if (mode === 'reflect') {
    const period = 2 * len;
    if (x < 0) {
      if (x < -period) x += period * Math.trunc(-x / period);
      x = x < -len ? x + period : -x - 1;
    } else if (x > len - 1) {
      x -= period * Math.trunc(x / period);
      if (x >= len) x = period - x - 1;
    }
  } else if (x < 0) {
    x += len * (Math.trunc(-x / (len - 1)) + 1);
  } else if (x > len - 1) {
    x -= len * Math.trunc(x / (len - 1));
  }
  return Math.min(Math.max(x, 0), len - 1);
}

/**
 * TF.js image.transform(image, transforms, interpolation = 'nearest', fillMode = 'constant',
 * fillValue = 0, outputShape?). transforms is [1 or batch, 8]: (a0..a2, b0..b2, c0, c1) maps an
 * output point (x, y) to the input point ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k) with
 * k = c0 x + c1 y + 1.
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
    const pixels = x.dataSync();
    const t = tr.dataSync();
    const out = new Float32Array(batch * outH * outW * c).fill(fillValue);
    const read = (b: number, y: number, xx: number, ch: number) =>
      y >= 0 && y < h && xx >= 0 && xx < w ? pixels[((b * h + y) * w + xx) * c + ch] : fillValue;
    for (let b = 0; b < batch; b++) {
      const m = tr.shape[0] === 1 ? 0 : 8 * b;
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          const k = t[m + 6] * ox + t[m + 7] * oy + 1;
          if (k === 0) continue;
          const inX = mapCoord((t[m] * ox + t[m + 1] * oy + t[m + 2]) / k, w, fillMode);
          const inY = mapCoord((t[m + 3] * ox + t[m + 4] * oy + t[m + 5]) / k, h, fillMode);
          const at = ((b * outH + oy) * outW + ox) * c;
          for (let ch = 0; ch < c; ch++) {
            if (interpolation === 'nearest') {
              out[at + ch] = read(b, Math.round(inY), Math.round(inX), ch);
              continue;
            }
            const y0 = Math.floor(inY), x0 = Math.floor(inX);
            const top = (x0 + 1 - inX) * read(b, y0, x0, ch) + (inX - x0) * read(b, y0, x0 + 1, ch);
            const bottom = (x0 + 1 - inX) * read(b, y0 + 1, x0, ch) + (inX - x0) * read(b, y0 + 1, x0 + 1, ch);
            out[at + ch] = (y0 + 1 - inY) * top + (inY - y0) * bottom;
          }
        }
      }
    }
    return ENGINE.makeTensor(out, [batch, outH, outW, c], 'float32');
  });
}
