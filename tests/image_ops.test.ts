/**
 * tf.image and tf.browser against TF.js's cpu backend (@tensorflow/tfjs-backend-cpu, the
 * independent reference), on tessera's js and wasm backends: resizeBilinear and
 * resizeNearestNeighbor (every alignCorners / halfPixelCenters mode, awkward sizes, rank 3 and 4,
 * int32), their gradients (TF.js's where its kernel is exact, finite differences for
 * halfPixelCenters, which TF.js's gradient ignores), cropAndResize (flipped, partly outside and
 * degenerate boxes, both methods), flipLeftRight, rotateWithOffset, grayscale conversions,
 * threshold (binary and otsu), transform (every fill mode), the nonMaxSuppression family
 * (soft-NMS, padding, async), and fromPixels / toPixels on plain PixelData in Node. Also the
 * wasm image kernels against the js reference kernels directly, including stale output memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// TF.js's gradients are registered by the union package; tfjs-core alone needs this import
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import * as ts from '../src/index.js';
import { createWasmBackendSync } from '../src/backends/wasm/index.js';
import { resizeTableSize } from '../src/backends/kernels.js';
import { checkGradients } from './helpers/gradcheck.js';
import { expectClose, rng, runBoth, sizeOf } from './helpers/wasm_compare.js';

const rand = rng(11);
const values = (n: number, lo = -2, hi = 3) => Array.from({ length: n }, () => lo + (hi - lo) * rand());
const ints = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * rand()));

// TF.js's image namespace, untyped: its overloads want tuple shapes the case tables do not spell out
const tfi: any = tfc.image;

beforeAll(async () => {
  await tfc.setBackend('cpu');
});

function same(got: ts.Tensor, want: tfc.Tensor, rtol: number, atol: number, label: string): void {
  expect(got.shape, `${label}: shape`).toEqual(want.shape);
  expect(got.dtype, `${label}: dtype`).toBe(want.dtype);
  expectClose(got.dataSync() as Float32Array, want.dataSync() as Float32Array, rtol, atol, label);
}

// [image shape (rank 3 or 4), size]
const RESIZES: [number[], [number, number]][] = [
  [[2, 2, 1], [3, 3]],
  [[1, 5, 7, 3], [11, 4]], // up one axis, down the other
  [[2, 6, 4, 5], [3, 9]],
  [[1, 1, 1, 4], [3, 2]], // a single pixel
  [[1, 9, 1, 2], [1, 5]], // size 1 on an axis (alignCorners keeps the ratio of n, not n - 1)
  [[3, 17, 13, 1], [17, 13]], // same size
  [[1, 4, 4, 17], [7, 1]],
  [[1, 3, 5, 2], [0, 4]], // empty output
];
const MODES: [boolean, boolean][] = [[false, false], [true, false], [false, true]];

for (const backend of ['js', 'wasm'] as const) {
  describe(`image ops on ${backend} match tfjs-backend-cpu`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });

    for (const [shape, size] of RESIZES) {
      for (const [align, half] of MODES) {
        const label = `[${shape}] -> [${size}] alignCorners=${align} halfPixelCenters=${half}`;
        it(`resizeBilinear ${label}`, () => {
          const v = values(sizeOf(shape));
          same(ts.image.resizeBilinear(ts.tensor(v, shape) as any, size, align, half),
            tfi.resizeBilinear(tfc.tensor(v, shape), size, align, half), 1e-5, 1e-5, label);
        });
        it(`resizeNearestNeighbor ${label} (float32 and int32)`, () => {
          const v = values(sizeOf(shape));
          same(ts.image.resizeNearestNeighbor(ts.tensor(v, shape) as any, size, align, half),
            tfi.resizeNearestNeighbor(tfc.tensor(v, shape), size, align, half), 0, 0, label);
          const iv = ints(sizeOf(shape), -1000, 1000);
          same(ts.tensor(iv, shape, 'int32').resizeNearestNeighbor(size, align, half),
            tfi.resizeNearestNeighbor(tfc.tensor(iv, shape, 'int32'), size, align, half), 0, 0, `${label} int32`);
        });
        // TF.js's cpu ResizeBilinearGrad returns its shape with height and width swapped, which its
        // own tape rejects for non-square images; its ResizeNearestNeighborGrad never returns when
        // alignCorners meets a size-1 input axis (scale 0, an infinite search window) and offsets dy
        // by the image's batch stride (wrong for batch > 1): finite differences below cover those
        const [inH, inW] = shape.slice(-3, -1);
        const nearestOk = !(align && (inH === 1 || inW === 1)) && (shape.length === 3 || shape[0] === 1);
        const ops = [...(inH === inW ? ['resizeBilinear'] : []), ...(nearestOk ? ['resizeNearestNeighbor'] : [])] as
          ('resizeBilinear' | 'resizeNearestNeighbor')[];
        if (!half && sizeOf(size) > 0 && ops.length > 0) {
          it(`gradients ${label} match TF.js (${ops.join(', ')})`, () => {
            const v = values(sizeOf(shape));
            const dyShape = [...shape.slice(0, shape.length - 3), ...size, shape[shape.length - 1]];
            const dy = values(sizeOf(dyShape));
            for (const op of ops) {
              const mine = ts.grad((x) => ts.image[op](x as any, size, align, half))(ts.tensor(v, shape), ts.tensor(dy, dyShape));
              const want = tfc.grad((x) => tfi[op](x, size, align, half))(tfc.tensor(v, shape), tfc.tensor(dy, dyShape));
              same(mine, want, 1e-5, 1e-5, `${op} grad ${label}`);
            }
          });
        }
      }
    }

    it('int32 images resize bilinearly to float32; rank 3 stays rank 3', () => {
      const iv = ints(24, 0, 255);
      same(ts.image.resizeBilinear(ts.tensor(iv, [4, 2, 3], 'int32') as any, [5, 3]),
        tfi.resizeBilinear(tfc.tensor(iv, [4, 2, 3], 'int32'), [5, 3]), 1e-5, 1e-5, 'int32 bilinear');
    });

    it('cropAndResize matches for flipped, partly outside, degenerate and out-of-batch boxes', () => {
      const shape = [2, 7, 9, 3];
      const img = values(sizeOf(shape));
      const boxes = [
        [0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], [0.8, 0.9, 0.1, 0.05], // whole, inner, flipped
        [-0.3, 0.25, 0.6, 1.4], [0.5, 0.5, 0.5, 0.5], [0.3, -1, 0.9, -0.2], // partly and wholly outside, a point
      ];
      const boxInd = [0, 1, 1, 0, 1, 0];
      for (const method of ['bilinear', 'nearest'] as const) {
        for (const crop of [[5, 4], [1, 1], [1, 6], [13, 2]] as [number, number][]) {
          same(ts.image.cropAndResize(ts.tensor(img, shape), boxes, boxInd, crop, method, -7.5),
            tfi.cropAndResize(tfc.tensor(img, shape), boxes, boxInd, crop, method, -7.5),
            1e-5, 1e-5, `${method} crop [${crop}]`);
        }
      }
    });

    it('flipLeftRight, grayscaleToRGB, rgbToGrayscale', () => {
      const v = values(2 * 3 * 5 * 3);
      same(ts.image.flipLeftRight(ts.tensor(v, [2, 3, 5, 3])), tfi.flipLeftRight(tfc.tensor(v, [2, 3, 5, 3])), 0, 0, 'flip');
      same(ts.image.grayscaleToRGB(ts.tensor(v.slice(0, 10), [2, 5, 1])), tfi.grayscaleToRGB(tfc.tensor(v.slice(0, 10), [2, 5, 1])), 0, 0, 'gray->rgb');
      same(ts.image.rgbToGrayscale(ts.tensor(v, [2, 3, 5, 3])), tfi.rgbToGrayscale(tfc.tensor(v, [2, 3, 5, 3])), 1e-5, 1e-5, 'rgb->gray');
      const iv = ints(30, 0, 255);
      same(ts.image.rgbToGrayscale(ts.tensor(iv, [10, 3], 'int32')), tfi.rgbToGrayscale(tfc.tensor(iv, [10, 3], 'int32')), 0, 0, 'rgb->gray int32');
    });

    it('rotateWithOffset (number and [r, g, b] fill, off-center)', () => {
      const shape = [2, 6, 7, 4];
      const v = values(sizeOf(shape), 0, 255);
      const cases: [number, number | [number, number, number], number | [number, number]][] = [
        [Math.PI / 2, 0, 0.5], [0.7, 9, [0.2, 0.8]], [-2.1, [10, 20, 30], 0.5],
      ];
      for (const [rad, fill, center] of cases) {
        same(ts.image.rotateWithOffset(ts.tensor(v, shape), rad, fill, center),
          tfi.rotateWithOffset(tfc.tensor(v, shape), rad, fill, center), 0, 0, `rotate ${rad}`);
      }
    });

    it('threshold: binary (inverted or not) and otsu, 1 and 3 channels', () => {
      const gray = ints(8 * 9, 0, 255);
      const rgb = ints(6 * 5 * 3, 0, 255);
      for (const [v, shape] of [[gray, [8, 9, 1]], [rgb, [6, 5, 3]]] as [number[], number[]][]) {
        for (const method of ['binary', 'otsu'] as const) {
          for (const inverted of [false, true]) {
            same(ts.image.threshold(ts.tensor(v, shape, 'int32'), method, inverted, 0.35),
              tfi.threshold(tfc.tensor(v, shape, 'int32'), method, inverted, 0.35), 0, 0, `${method} inverted=${inverted} [${shape}]`);
          }
        }
      }
    });

    it('transform: every fill mode and interpolation, projective, with an output shape', () => {
      const shape = [1, 5, 6, 2];
      const v = values(sizeOf(shape));
      // (no source point lands within float32 rounding of a wrap/reflect seam, where float32 and float64 may fold differently)
      const transforms = [[0.9, 0.3, -1.17, -0.4, 1.1, 0.7, 0.02, -0.05], [1, 0, 2.5, 0, 1, -3.5, 0, 0]];
      for (const t of transforms) {
        for (const interpolation of ['nearest', 'bilinear'] as const) {
          for (const fillMode of ['constant', 'reflect', 'wrap', 'nearest'] as const) {
            for (const outShape of [undefined, [7, 4]] as ([number, number] | undefined)[]) {
              same(ts.image.transform(ts.tensor(v, shape), [t], interpolation, fillMode, 1.5, outShape),
                tfi.transform(tfc.tensor(v, shape), tfc.tensor2d([t]), interpolation, fillMode, 1.5, outShape),
                1e-5, 1e-5, `${interpolation} ${fillMode} [${t}] ${outShape}`);
            }
          }
        }
      }
    });

    it('transform transforms every batch entry by its own row (TF.js per entry as the reference)', () => {
      const shape = [3, 5, 6, 2];
      const v = values(sizeOf(shape));
      const rows = [[0.9, 0.3, -1.17, -0.4, 1.1, 0.7, 0.02, -0.05], [1.1, -0.2, 0.4, 0.3, 0.8, -0.6, 0, 0.01], [-1, 0, 5.3, 0, 1, 0.2, 0, 0]];
      const got = ts.image.transform(ts.tensor(v, shape), rows, 'bilinear', 'reflect', 0.5);
      for (let b = 0; b < 3; b++) {
        const one = v.slice(b * 60, (b + 1) * 60);
        const want = tfi.transform(tfc.tensor(one, [1, 5, 6, 2]), tfc.tensor2d([rows[b]]), 'bilinear', 'reflect', 0.5);
        same(ts.slice(got, [b, 0, 0, 0], [1, 5, 6, 2]), want, 1e-5, 1e-5, `transform batch entry ${b}`);
      }
    });

    it('the nonMaxSuppression family selects what TF.js selects', async () => {
      const n = 40;
      const boxes: number[][] = [];
      for (let i = 0; i < n; i++) {
        const [y, x] = [rand() * 10, rand() * 10];
        boxes.push(i % 7 === 3 ? [y + 2, x + 2, y, x] : [y, x, y + 1 + 2 * rand(), x + 1 + 2 * rand()]);
      }
      const scores = values(n, 0, 1);
      scores[5] = scores[9]; // a tie, broken by the lower index
      const settings: [number, number, number][] = [[10, 0.5, -Infinity], [40, 0.3, 0.2], [3, 0.9, 0.5], [40, 0, 0]];
      const arr = async (t: ts.Tensor | tfc.Tensor) => Array.from(await t.data());
      for (const [max, iou, scoreT] of settings) {
        const want = await arr(tfi.nonMaxSuppression(boxes, scores, max, iou, scoreT));
        expect(await arr(ts.image.nonMaxSuppression(boxes, scores, max, iou, scoreT))).toEqual(want);
        expect(await arr(await ts.image.nonMaxSuppressionAsync(boxes, scores, max, iou, scoreT))).toEqual(want);
        for (const sigma of [0, 0.5]) {
          const w = tfi.nonMaxSuppressionWithScore(boxes, scores, max, iou, scoreT, sigma);
          const g = ts.image.nonMaxSuppressionWithScore(boxes, scores, max, iou, scoreT, sigma);
          expect(await arr(g.selectedIndices)).toEqual(await arr(w.selectedIndices));
          expectClose(g.selectedScores.dataSync() as Float32Array, w.selectedScores.dataSync() as Float32Array, 1e-6, 1e-7, `soft-NMS sigma ${sigma}`);
          const ga = await ts.image.nonMaxSuppressionWithScoreAsync(boxes, scores, max, iou, scoreT, sigma);
          expect(await arr(ga.selectedIndices)).toEqual(await arr(w.selectedIndices));
        }
        for (const pad of [false, true]) {
          const w = tfi.nonMaxSuppressionPadded(boxes, scores, max, iou, scoreT, pad);
          const g = ts.image.nonMaxSuppressionPadded(boxes, scores, max, iou, scoreT, pad);
          expect(await arr(g.selectedIndices)).toEqual(await arr(w.selectedIndices));
          expect(await arr(g.validOutputs)).toEqual(await arr(w.validOutputs));
          const ga = await ts.image.nonMaxSuppressionPaddedAsync(boxes, scores, max, iou, scoreT, pad);
          expect(await arr(ga.selectedIndices)).toEqual(await arr(w.selectedIndices));
        }
      }
    });
  });
}

describe('resize gradients against finite differences (halfPixelCenters, which TF.js ignores, and non-square bilinear)', () => {
  beforeAll(async () => {
    await ts.setBackend('js');
  });
  // resize is linear in the image, so central differences are exact up to rounding
  for (const [shape, size] of [[[1, 3, 4, 2], [5, 3]], [[1, 6, 5, 1], [4, 7]], [[2, 2, 3, 1], [1, 1]], [[1, 1, 3, 2], [3, 4]]] as [number[], [number, number]][]) {
    for (const [align, half] of MODES) {
      it(`resizeBilinear [${shape}] -> [${size}] alignCorners=${align} halfPixelCenters=${half}`, () => {
        checkGradients(ts, { name: 'bilinear', f: (t, x) => t.image.resizeBilinear(x as any, size, align, half), shapes: [shape], tol: 1e-3 });
      });
    }
    for (const [align, half] of MODES) {
      it(`resizeNearestNeighbor [${shape}] -> [${size}] alignCorners=${align} halfPixelCenters=${half}`, () => {
        checkGradients(ts, { name: 'nearest', f: (t, x) => t.image.resizeNearestNeighbor(x as any, size, align, half), shapes: [shape], tol: 1e-3 });
      });
    }
  }
});

describe('image errors use TF.js wording', () => {
  it('names the op and the offending values', () => {
    expect(() => ts.image.resizeBilinear({} as any, [1, 1])).toThrow(/Argument 'images' passed to 'resizeBilinear' must be a Tensor/);
    expect(() => ts.image.resizeBilinear(ts.zeros([2, 2]) as any, [1, 1])).toThrow(/resizeBilinear: x must be rank 3 or 4, but got rank 2/);
    expect(() => ts.image.resizeNearestNeighbor(ts.zeros([2, 2, 1]), [1, 1], true, true)).toThrow(/If halfPixelCenters is true, alignCorners must be false/);
    expect(() => ts.image.resizeNearestNeighbor(ts.zeros([2, 2, 1], 'bool'), [1, 1])).toThrow(/`images` must have `int32` or `float32` as dtype/);
    expect(() => ts.image.flipLeftRight(ts.zeros([1, 2, 2, 1], 'int32'))).toThrow(/Argument 'image' passed to 'flipLeftRight' must be float32/);
    expect(() => ts.image.cropAndResize(ts.zeros([1, 2, 2, 1]), [[0, 0, 1, 1]], [0], [0, 2])).toThrow(/cropSize must be atleast \[1,1\]/);
    expect(() => ts.image.nonMaxSuppression([[0, 0, 1, 1]], [0.5, 0.2], 3)).toThrow(/scores has incompatible shape with boxes. Expected 1, but was 2/);
    expect(() => ts.image.transform(ts.zeros([1, 2, 2, 1]), ts.zeros([2, 8]))).toThrow(/Input transform should be batch x 8 or 1 x 8/);
  });
});

describe('tf.browser in Node', () => {
  it('fromPixels reads plain {data, width, height} PixelData (3 and 4 channels)', () => {
    const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);
    const px = { data, width: 3, height: 2 };
    const rgb = ts.browser.fromPixels(px, 3);
    expect(rgb.shape).toEqual([2, 3, 3]);
    expect(rgb.dtype).toBe('int32');
    // every 4th byte (alpha) dropped, by hand from the data above
    expect(Array.from(rgb.dataSync())).toEqual(Array.from(data).filter((_, i) => i % 4 !== 3));
    expect(Array.from(ts.browser.fromPixels(px, 4).dataSync())).toEqual(Array.from(data));
  });
  it('fromPixels throws an Error naming the op for non-pixel input', () => {
    expect(() => ts.browser.fromPixels(5 as any)).toThrow(/tf\.browser\.fromPixels\(\) must be either .* but was number/);
    expect(() => ts.browser.fromPixels({ width: 1 } as any)).toThrow(/tf\.browser\.fromPixels\(\) .* but was Object/);
    expect(() => ts.browser.fromPixels(null as any)).toThrow(/pixels passed to tf.browser.fromPixels\(\) can not be null/);
    expect(() => ts.browser.fromPixels({ data: new Uint8Array(4), width: 1, height: 1 }, 5)).toThrow(/more than 4 channels/);
  });
  it('toPixels matches TF.js for float32 and int32, depth 1, 3 and 4', async () => {
    for (const [v, shape, dtype] of [
      [values(6, 0, 1), [3, 2], 'float32'], [ints(12, 0, 255), [2, 2, 3], 'int32'], [values(16, 0, 1), [2, 2, 4], 'float32'],
    ] as [number[], number[], 'float32' | 'int32'][]) {
      expect(await ts.browser.toPixels(ts.tensor(v, shape, dtype) as any)).toEqual(await (tfc.browser as any).toPixels(tfc.tensor(v, shape, dtype)));
    }
    await expect(ts.browser.toPixels(ts.tensor([[1.5]]))).rejects.toThrow(/must be in the range \[0 - 1\] but encountered 1.5/);
  });
});

describe('wasm image kernels match the js reference kernels', () => {
  const wasm = createWasmBackendSync()!;
  // a table with in-range taps and arbitrary fractions (the kernels only require valid indices)
  const table = (inH: number, inW: number, outH: number, outW: number) => {
    const t = new Float32Array(resizeTableSize(inH, inW, outH, outW));
    const rows = [...Array(outH).keys()].map((o) => Math.min(inH - 1, Math.floor(o * inH / outH)));
    const cols = [...Array(outW).keys()].map((o) => Math.min(inW - 1, Math.floor(o * inW / outW)));
    t.set(rows, 0); t.set(rows.map((r) => Math.min(inH - 1, r + 1)), outH); t.set(rows.map(() => rand()), 2 * outH);
    t.set(cols, 3 * outH); t.set(cols.map((c) => Math.min(inW - 1, c + 1)), 3 * outH + outW); t.set(cols.map(() => rand()), 3 * outH + 2 * outW);
    return t;
  };
  for (const [batch, inH, inW, C, outH, outW] of [[1, 3, 4, 1, 5, 7], [2, 5, 2, 3, 2, 9], [1, 4, 4, 4, 9, 9], [3, 2, 7, 17, 3, 3], [1, 6, 5, 5, 1, 1]]) {
    const attrs = { batch, inH, inW, channels: C, outH, outW };
    const t = table(inH, inW, outH, outW);
    const tIn = { data: t, shape: [t.length], dtype: 'float32' as const };
    it(`resize / resizeBackprop [${batch},${inH},${inW},${C}] <-> [${outH},${outW}]`, () => {
      const x = { data: Float32Array.from(values(batch * inH * inW * C)), shape: [batch, inH, inW, C], dtype: 'float32' as const };
      for (const nearest of [false, true]) {
        const r = runBoth(wasm, 'resize', [x, tIn], [{ shape: [batch, outH, outW, C], dtype: 'float32' }], { ...attrs, nearest }, NaN);
        expectClose(r.got[0], r.want[0], 1e-6, 1e-6, `resize nearest=${nearest}`);
      }
      const xi = { data: Int32Array.from(ints(batch * inH * inW * C, -5e8, 5e8)), shape: x.shape, dtype: 'int32' as const };
      const ri = runBoth(wasm, 'resize', [xi, tIn], [{ shape: [batch, outH, outW, C], dtype: 'int32' }], { ...attrs, nearest: true }, -1);
      expect(Array.from(ri.got[0])).toEqual(Array.from(ri.want[0]));
      const dy = { data: Float32Array.from(values(batch * outH * outW * C)), shape: [batch, outH, outW, C], dtype: 'float32' as const };
      const rb = runBoth(wasm, 'resizeBackprop', [dy, tIn], [{ shape: x.shape, dtype: 'float32' }], attrs, NaN);
      expectClose(rb.got[0], rb.want[0], 1e-5, 1e-5, 'resizeBackprop');
    });
  }
  it('cropAndResize with out-of-range box indices and extrapolation', () => {
    const [batch, inH, inW, C] = [2, 5, 6, 5];
    const image = { data: Float32Array.from(values(batch * inH * inW * C)), shape: [batch, inH, inW, C], dtype: 'float32' as const };
    const boxes = { data: Float32Array.from([0, 0, 1, 1, 0.9, 0.1, 0.2, 0.8, -0.5, -0.5, 1.5, 0.5, 0.3, 0.3, 0.6, 0.9]), shape: [4, 4], dtype: 'float32' as const };
    const boxInd = { data: Int32Array.from([1, 0, 1, 7]), shape: [4], dtype: 'int32' as const };
    for (const nearest of [false, true]) {
      for (const [cropH, cropW] of [[4, 3], [1, 1], [7, 2]]) {
        const r = runBoth(wasm, 'cropAndResize', [image, boxes, boxInd], [{ shape: [4, cropH, cropW, C], dtype: 'float32' }],
          { numBoxes: 4, batch, inH, inW, channels: C, cropH, cropW, nearest, extrapolationValue: 2.5 }, NaN);
        expectClose(r.got[0], r.want[0], 1e-6, 1e-6, `crop nearest=${nearest} [${cropH},${cropW}]`);
      }
    }
  });
});
