/**
 * The composed ops on webgpu in Chromium, against the same calls on the js reference backend in
 * the same page: values, shapes and dtypes (float32 within 1e-4 relative, since WebGPU's f32
 * math may round differently; NaN must match NaN), a stridedSlice gradient, the async host ops,
 * the sync host-side ops on tensors written from the host (webgpu keeps a host copy of those),
 * and their clear error on a computed tensor.
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

interface Out { shape: number[]; dtype: string; values: number[] }

describe('composed ops on webgpu match js', () => {
  it('every case', async () => {
    const r = await h.page.evaluate(async () => {
      const ts = (window as any).__tessera;
      // Pseudo-random, full-rank data (consecutive sin(a*i) would make rank-deficient matrices).
      const x = Array.from({ length: 60 }, (_, i) => (((i * 7919 + 13) % 61) - 30) / 10);
      const cases: Record<string, () => any> = {
        stridedSlice: () => ts.stridedSlice(ts.tensor(x, [3, 4, 5]), [2, 1, 4], [0, 3, 0], [1, 1, -2], 0b101, 0b011),
        stridedSliceMasks: () => ts.stridedSlice(ts.tensor(x, [3, 4, 5]), [0, 0, 1], [0, 0, 4], [1, 1, 2], 0, 0, 0b001, 0b010),
        einsum: () => ts.einsum('abc,cbd->da', ts.tensor(x.slice(0, 24), [2, 3, 4]), ts.tensor(x, [4, 3, 5])),
        norm: () => ts.norm(ts.tensor(x, [3, 4, 5]), 1, [0, 2], true),
        batchToSpaceND: () => ts.batchToSpaceND(ts.tensor(x.slice(0, 48), [8, 3, 1, 2]), [2, 4], [[1, 2], [0, 3]]),
        spaceToBatchND: () => ts.spaceToBatchND(ts.tensor(x.slice(0, 30), [2, 3, 5, 1]), [2, 3], [[1, 0], [0, 1]]),
        mirrorPad: () => ts.mirrorPad(ts.tensor(x, [3, 4, 5]), [[2, 1], [0, 3], [4, 4]], 'reflect'),
        diag: () => ts.diag(ts.tensor(x.slice(0, 6), [2, 3])),
        bandPart: () => ts.linalg.bandPart(ts.tensor(x, [3, 4, 5]), 1, 2),
        qr: () => ts.linalg.qr(ts.tensor(x.slice(0, 20), [5, 4]), true)[0],
        searchSorted: () => ts.searchSorted(ts.tensor([[0, 3, 9, 9, 10], [1, 2, 3, 4, 5]]), ts.tensor([[2, 9, 9, 11], [0, 2, 6, 5]]), 'right'),
        bincount: () => ts.denseBincount(ts.tensor([[1, 1, 4, 9], [0, 2, 2, 2]], [2, 4], 'int32'), ts.tensor(x.slice(0, 8), [2, 4]), 5),
        confusionMatrix: () => ts.math.confusionMatrix(ts.tensor([0, 1, 2, 2, 1], [5], 'int32'), ts.tensor([0, 2, 2, 1, 1], [5], 'int32'), 3),
        addN: () => ts.addN([ts.tensor(x.slice(0, 7)), ts.tensor(x.slice(7, 14)), ts.tensor(x.slice(14, 21))]),
        logSigmoid: () => ts.logSigmoid(ts.tensor([-100, -3, -0.5, 0, 0.5, 3, 100])),
        movingAverage: () => ts.movingAverage(ts.tensor(x.slice(0, 7)), ts.tensor(x.slice(7, 14)), 0.9, 3),
        meshgrid: () => ts.stack(ts.meshgrid(ts.tensor([1, 2, 3]), ts.tensor([4, 5, 6, 7]))),
        uniqueHostInput: () => ts.unique(ts.tensor([[1, 0, 1, 1], [2, 0, 2, 3]]), 1).values,
        sparseSegmentMean: () => ts.sparse.sparseSegmentMean(ts.tensor(x.slice(0, 20), [4, 5]), ts.tensor([0, 3, 3, 1], [4], 'int32'), ts.tensor([0, 0, 2, 2], [4], 'int32')),
        sparseReshape: () => ts.sparse.sparseReshape(ts.tensor([[0, 0, 1], [1, 2, 4]], [2, 3], 'int32'), [2, 3, 5], [5, -1]).outputIndices,
        raggedGather: () => ts.raggedGather([ts.tensor([0, 1, 3, 3, 5], [5], 'int32')], ts.tensor(x.slice(0, 10), [5, 2]), ts.tensor([3, 1], [2], 'int32'), 1).outputDenseValues,
        raggedTensorToTensor: () => ts.raggedTensorToTensor([3, -1], ts.tensor(x.slice(0, 7)), 9, [ts.tensor([0, 3, 3, 7], [4], 'int32')], ['ROW_SPLITS']),
        bitwiseAnd: () => ts.bitwiseAnd(ts.tensor([-1, 12, 7], [3], 'int32'), ts.tensor([5, 10, -8], [3], 'int32')),
        stridedSliceGrad: () => ts.grad((a: any) => ts.stridedSlice(a, [0, 3, 1], [3, 0, 5], [2, -1, 3]))(ts.tensor(x, [3, 4, 5])),
      };
      const read = async (t: any) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(await t.data(), Number).map(String) });
      const results: Record<string, Record<string, unknown>> = {};
      for (const backend of ['js', 'webgpu']) {
        await ts.setBackend(backend);
        const out: Record<string, unknown> = {};
        for (const [name, f] of Object.entries(cases)) {
          try {
            out[name] = await read(f());
          } catch (e) {
            out[name] = `threw: ${(e as Error).message}`;
          }
        }
        out.whereAsync = await read(await ts.whereAsync(ts.tensor([[true, false, true], [false, false, true]])));
        out.booleanMaskAsync = await read(await ts.booleanMaskAsync(ts.tensor(x.slice(0, 24), [2, 4, 3]), ts.tensor([true, false, false, true]), 1));
        out.inTopKAsync = await read(await ts.inTopKAsync(ts.tensor([[1, 3, 3, 0], [5, 5, 5, 5]]), ts.tensor([2, 3], [2], 'int32'), 2));
        results[backend] = out;
      }
      await ts.setBackend('webgpu');
      let uniqueError = '';
      try {
        ts.unique(ts.add(ts.tensor([1, 2, 1]), 1)); // a computed tensor has no host copy
      } catch (e) {
        uniqueError = (e as Error).message;
      }
      return { results, uniqueError };
    });
    const js = r.results.js as Record<string, { shape: number[]; dtype: string; values: string[] }>;
    const gpu = r.results.webgpu as Record<string, { shape: number[]; dtype: string; values: string[] }>;
    for (const name of Object.keys(js)) {
      expect(typeof js[name], `${name} on js: ${js[name]}`).toBe('object');
      expect(typeof gpu[name], `${name} on webgpu: ${gpu[name]}`).toBe('object');
      const want: Out = { ...js[name], values: js[name].values.map(Number) };
      const got: Out = { ...gpu[name], values: gpu[name].values.map(Number) };
      expect(got.shape, name).toEqual(want.shape);
      expect(got.dtype, name).toBe(want.dtype);
      want.values.forEach((w, i) => {
        const g = got.values[i];
        const ok = Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= 1e-4 * Math.max(1, Math.abs(w));
        if (!ok) expect.fail(`${name}[${i}]: webgpu ${g}, js ${w}`);
      });
    }
    expect(r.uniqueError).toMatch(/^unique runs on the host.*webgpu backend cannot do for a computed tensor.*wasm or js backend/);
  });
});
