/**
 * tf.image and tf.browser in Chromium through the public API: every image op on webgpu against the
 * same op on the js backend (resize both ways and their gradients, cropAndResize, flip, rotate,
 * grayscale, otsu threshold, transform, async NMS), the synchronous NMS refusing clearly on webgpu, and
 * fromPixels / toPixels on real ImageData and canvases (values worked out by hand below).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
}, 180_000);
afterAll(async () => {
  await h?.close();
});

describe('tf.image on webgpu matches js', () => {
  it('resize, gradients, crop, flip, rotate, grayscale, threshold and async NMS', async () => {
    const r = await h.page.evaluate(async () => {
      const ts = (window as any).__tessera;
      let seed = 99;
      const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
      const vals = (n: number, lo = -2, hi = 3) => Array.from({ length: n }, () => lo + (hi - lo) * rnd());
      const img = vals(2 * 7 * 9 * 3);
      const pix = vals(9 * 11 * 3, 0, 255).map(Math.round);
      const boxes = [[0, 0, 1, 1], [0.11, 0.23, 0.71, 0.93], [0.83, 0.91, 0.07, 0.04], [-0.31, 0.27, 0.61, 1.37]];
      const nmsBoxes = Array.from({ length: 30 }, () => { const [y, x] = [rnd() * 5, rnd() * 5]; return [y, x, y + 1 + rnd(), x + 1 + rnd()]; });
      const nmsScores = vals(30, 0, 1);
      const ops: Record<string, () => any> = {
        bilinear: () => ts.image.resizeBilinear(ts.tensor(img, [2, 7, 9, 3]), [11, 5]),
        bilinearAligned: () => ts.image.resizeBilinear(ts.tensor(img, [2, 7, 9, 3]), [4, 13], true),
        bilinearHalfPixel: () => ts.image.resizeBilinear(ts.tensor(img, [2, 7, 9, 3]), [15, 6], false, true),
        nearestInt32: () => ts.tensor(pix, [9, 11, 3], 'int32').resizeNearestNeighbor([5, 17], false, true),
        bilinearGrad: () => ts.grad((x: any) => ts.image.resizeBilinear(x, [11, 5], false, true))(ts.tensor(img, [2, 7, 9, 3])),
        nearestGrad: () => ts.grad((x: any) => ts.image.resizeNearestNeighbor(x, [3, 20], true))(ts.tensor(img, [2, 7, 9, 3])),
        crop: () => ts.image.cropAndResize(ts.tensor(img, [2, 7, 9, 3]), boxes, [0, 1, 1, 0], [6, 5], 'bilinear', -1),
        flip: () => ts.image.flipLeftRight(ts.tensor(img, [2, 7, 9, 3])),
        rotate: () => ts.image.rotateWithOffset(ts.tensor(pix, [1, 9, 11, 3]), 0.6, [10, 20, 30], [0.3, 0.6]),
        gray: () => ts.image.rgbToGrayscale(ts.tensor(pix, [9, 11, 3], 'int32')),
        otsu: () => ts.image.threshold(ts.tensor(pix, [9, 11, 3], 'int32'), 'otsu'),
        transform: () => ts.image.transform(ts.tensor(img, [2, 7, 9, 3]), [[0.9, 0.3, -1.17, -0.4, 1.1, 0.7, 0.02, -0.05]], 'bilinear', 'reflect', 0.5, [8, 5]),
        transformNearest: () => ts.image.transform(ts.tensor(img, [2, 7, 9, 3]), [[1, 0, 2.5, 0, 1, -3.5, 0, 0], [1.1, -0.2, 0.4, 0.3, 0.8, -0.6, 0, 0.01]], 'nearest', 'wrap'),
        nms: () => ts.image.nonMaxSuppressionAsync(nmsBoxes, nmsScores, 10, 0.4, 0.1),
      };
      const out: Record<string, { shape: number[]; dtype: string; values: number[] }[]> = {};
      for (const backend of ['js', 'webgpu']) {
        await ts.setBackend(backend);
        for (const [name, f] of Object.entries(ops)) {
          const t = await f();
          (out[name] ??= []).push({ shape: t.shape, dtype: t.dtype, values: Array.from(await t.data()) });
        }
      }
      // sync NMS reads webgpu's host copy of host-written inputs; a computed input has none
      const syncFromHost = Array.from(await ts.image.nonMaxSuppression(nmsBoxes, nmsScores, 10, 0.4, 0.1).data());
      let syncNms = '';
      try {
        ts.image.nonMaxSuppression(ts.add(nmsBoxes, 0), nmsScores, 10);
      } catch (e) {
        syncNms = (e as Error).message;
      }
      return { backend: ts.getBackend(), out, syncNms, syncFromHost };
    });
    expect(r.backend).toBe('webgpu');
    for (const [name, [js, gpu]] of Object.entries(r.out)) {
      expect(gpu.shape, name).toEqual(js.shape);
      expect(gpu.dtype, name).toBe(js.dtype);
      expect(gpu.values.length, name).toBe(js.values.length);
      js.values.forEach((w, i) => {
        const g = gpu.values[i];
        if (!(Math.abs(g - w) <= 1e-4 + 1e-5 * Math.abs(w))) expect.fail(`${name}[${i}]: webgpu ${g}, js ${w}`);
      });
    }
    expect(r.out.nms[0].values.length).toBeGreaterThan(1);
    expect(r.syncFromHost).toEqual(r.out.nms[0].values);
    expect(r.syncNms).toMatch(/nonMaxSuppression runs on the host .* webgpu backend cannot do for a computed tensor/);
  });
});

describe('tf.browser pixels in the page', () => {
  it('fromPixels reads ImageData and canvases; toPixels draws on a canvas', async () => {
    const r = await h.page.evaluate(async () => {
      const ts = (window as any).__tessera;
      await ts.setBackend('webgpu');
      const data = new ImageData(2, 1);
      data.data.set([10, 20, 30, 255, 40, 50, 60, 128]);
      const fromImageData = Array.from(await ts.browser.fromPixels(data, 4).data());
      const canvas = document.createElement('canvas');
      const rgb = ts.tensor([[[255, 0, 0], [0, 128, 255]]], [1, 2, 3], 'int32');
      const bytes = Array.from(await ts.browser.toPixels(rgb, canvas));
      const back = ts.browser.fromPixels(canvas);
      const viaAsync = await ts.browser.fromPixelsAsync(canvas, 3);
      let bad = '';
      try {
        ts.browser.fromPixels({ notPixels: true });
      } catch (e) {
        bad = (e as Error).message;
      }
      return { fromImageData, size: [canvas.width, canvas.height], bytes, back: Array.from(await back.data()), shape: back.shape,
        viaAsync: Array.from(await viaAsync.data()), bad };
    });
    expect(r.fromImageData).toEqual([10, 20, 30, 255, 40, 50, 60, 128]);
    expect(r.size).toEqual([2, 1]);
    expect(r.bytes).toEqual([255, 0, 0, 255, 0, 128, 255, 255]); // depth 3 gets alpha 255
    expect(r.shape).toEqual([1, 2, 3]);
    expect(r.back).toEqual([255, 0, 0, 0, 128, 255]);
    expect(r.viaAsync).toEqual(r.back);
    expect(r.bad).toMatch(/tf\.browser\.fromPixels\(\) must be either .* but was Object/);
  });
});
