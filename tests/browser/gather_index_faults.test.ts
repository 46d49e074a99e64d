/**
 * gather (and categoryEncoding's oneHot) with indices computed on the GPU (no host copy to
 * range-check), in headless Chromium (WebGPU on SwiftShader): an out-of-range index fails the
 * batch through the device-side fault word (src/backends/webgpu/fault_words.ts) instead of
 * giving a silent zero row, with the js backend's wording; in-range computed indices give exactly the js backend's values; batches
 * without a checking kernel do no extra readback; nothing leaks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inPage as inPageOf, openHarness, type Harness, PAGE_ERR } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
}, 180_000);
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.freshPage();
}, 120_000);

const inPage = <T>(fn: string): Promise<T> => inPageOf<T>(h, fn);

const ERR = PAGE_ERR;

describe('gather range check of computed indices on webgpu', () => {
  it('out-of-range and negative computed indices reject data() naming the index and range; the next batch runs', async () => {
    const r = await inPage<any>(`${ERR}
      await ts.setBackend('js');
      const jsMsg = await err(() => ts.gather(ts.tensor([[1, 2], [3, 4], [5, 6]]), ts.tensor([1, 5], [2], 'int32')));
      const jsNeg = await err(() => ts.gather(ts.tensor([[1, 2], [3, 4], [5, 6]]), ts.tensor([-1, 0], [2], 'int32')));
      await ts.setBackend('webgpu');
      const table = ts.tensor([[1, 2], [3, 4], [5, 6]]);
      const hostIdx = await err(() => ts.gather(table, ts.tensor([1, 5], [2], 'int32')));
      const over = ts.gather(table, ts.add(ts.tensor([1, 5], [2], 'int32'), 0));
      const overMsg = await err(() => over.data());
      const overAgain = await err(() => over.data());
      const neg = ts.gather(table, ts.sub(ts.tensor([0, 1], [2], 'int32'), 1));
      const negMsg = await err(() => neg.data());
      // several bad indices: the largest one too large is named
      const many = await err(() => ts.gather(table, ts.add(ts.tensor([7, 1, 4, -3], [4], 'int32'), 0)).data());
      // along axis 1 with outer > 1 and a row that is fine
      const axis1 = await err(() => ts.gather(table, ts.mul(ts.tensor([1, 2], [2], 'int32'), 1), 1).data());
      const next = Array.from(await ts.gather(table, ts.add(ts.tensor([2, 0], [2], 'int32'), 0)).data());
      const plain = Array.from(await ts.add(table, 1).data());
      return { jsMsg, jsNeg, hostIdx, overMsg, overAgain, negMsg, many, axis1, next, plain };
    `);
    // the js backend's (host) wording is the reference; the GPU check adds where it was found
    expect(r.jsMsg).toBe('GatherV2: the index value 5 is not in [0, 2]');
    expect(r.jsNeg).toBe('GatherV2: the index value -1 is not in [0, 2]');
    expect(r.hostIdx).toBe(r.jsMsg);
    expect(r.overMsg).toBe(
      "webgpu: data(): webgpu: kernel 'gather' failed, so this tensor holds no valid data: " +
      'GatherV2: the index value 5 is not in [0, 2] (found on the GPU)',
    );
    expect(r.overAgain).toBe(r.overMsg);
    expect(r.negMsg).toContain(`${r.jsNeg} (found on the GPU)`);
    expect(r.many).toContain('GatherV2: the index value 7 is not in [0, 2] (found on the GPU)');
    expect(r.axis1).toContain('GatherV2: the index value 2 is not in [0, 1] (found on the GPU)');
    expect(r.next).toEqual([5, 6, 1, 2]);
    expect(r.plain).toEqual([2, 3, 4, 5, 6, 7]);
  }, 120_000);

  it('in-range computed indices (axis 0, axis 1, negative-free batchDims) equal the js backend', async () => {
    const r = await inPage<any>(`
      const run = async () => {
        // x [4, 5, 3] with values 0..59 scaled; indices computed from host tensors
        const x = ts.mul(ts.reshape(ts.range(0, 60, 1), [4, 5, 3]), 0.5);
        const i0 = ts.sub(ts.tensor([4, 1, 2, 4, 1], [5], 'int32'), 1);        // [3, 0, 1, 3, 0]
        const i1 = ts.add(ts.tensor([[0, 3], [4, 2]], [2, 2], 'int32'), 0);
        const ib = ts.add(ts.tensor([[4, 0], [1, 1], [3, 2], [0, 4]], [4, 2], 'int32'), 0);
        return {
          a0: Array.from(await ts.gather(x, i0).data()),
          a1: Array.from(await ts.gather(x, i1, 1).data()),
          b1: Array.from(await ts.gather(x, ib, 1, 1).data()),
        };
      };
      await ts.setBackend('js');
      const js = await run();
      await ts.setBackend('webgpu');
      const gpu = await run();
      return { js, gpu };
    `);
    expect(r.js.a0.length).toBe(5 * 5 * 3);
    expect(r.js.b1.length).toBe(4 * 2 * 3);
    expect(r.gpu).toEqual(r.js);
  }, 120_000);

  it('batchDims: an index past its own batch is an error, not a row of the next batch', async () => {
    const r = await inPage<any>(`${ERR}
      await ts.setBackend('js');
      const x = () => ts.tensor([[1, 2, 3], [4, 5, 6]]);
      const js = await err(() => ts.gather(x(), ts.tensor([[0, 3], [1, 2]], [2, 2], 'int32'), 1, 1));
      await ts.setBackend('webgpu');
      // flattened, batch 0's index 3 would be row 3 of [6] rows (batch 1's first): in range
      const gpu = await err(() => ts.gather(x(), ts.add(ts.tensor([[0, 3], [1, 2]], [2, 2], 'int32'), 0), 1, 1).data());
      const negB1 = await err(() => ts.gather(x(), ts.add(ts.tensor([[0, 1], [-1, 2]], [2, 2], 'int32'), 0), 1, 1).data());
      return { js, gpu, negB1 };
    `);
    expect(r.js).toBe('GatherV2: the index value 3 is not in [0, 2]');
    expect(r.gpu).toContain(`${r.js} (found on the GPU)`);
    expect(r.negB1).toContain('GatherV2: the index value -1 is not in [0, 2] (found on the GPU)');
  }, 120_000);

  it('a gather split across bindings (source past a 1 KiB binding limit) checks in every chunk plan', async () => {
    const r = await inPage<any>(`${ERR}
      let gatherDispatches = 0;
      const run = async (ids) => {
        // [2, 300, 2] source, 4800 bytes: split along the source axis and the outer dim
        const x = ts.reshape(ts.mul(ts.range(0, 1200, 1), 0.25), [2, 300, 2]);
        const idx = ts.add(ts.tensor(ids, [ids.length], 'int32'), 0);
        const be = ts.engine().backend;
        const d0 = be.memory().dispatches ?? 0;
        const y = ts.gather(x, idx, 1);
        gatherDispatches = (be.memory().dispatches ?? 0) - d0;
        return Array.from(await y.data());
      };
      await ts.setBackend('js');
      const js = await run([299, 0, 150, 7]);
      await ts.setBackend('webgpu');
      const be = ts.engine().backend;
      be.limitOverrides = { maxStorageBufferBindingSize: 1024 };
      const gpu = await run([299, 0, 150, 7]);
      const split = gatherDispatches;
      const over = await err(() => run([299, 300, 0, 1]));
      const under = await err(() => run([5, 4, -2, 1]));
      be.limitOverrides = {};
      return { js, gpu, split, over, under };
    `);
    expect(r.js.length).toBe(2 * 4 * 2);
    expect(r.gpu).toEqual(r.js);
    expect(r.split).toBeGreaterThan(1); // the gather ran as several chunk dispatches
    expect(r.over).toContain('GatherV2: the index value 300 is not in [0, 299] (found on the GPU)');
    expect(r.under).toContain('GatherV2: the index value -2 is not in [0, 299] (found on the GPU)');
  }, 120_000);

  it('embedding predict on computed ids: out of range rejects, in range equals the js backend', async () => {
    const r = await inPage<any>(`${ERR}
      const build = () => {
        const m = ts.sequential({ layers: [ts.layers.embedding({ inputDim: 4, outputDim: 3, inputShape: [2] })] });
        m.layers[0].setWeights([ts.reshape(ts.range(0, 12, 1), [4, 3])]);
        return m;
      };
      await ts.setBackend('js');
      const js = Array.from(await build().predict(ts.tensor([[3, 0], [1, 2]])).data());
      await ts.setBackend('webgpu');
      const m = build();
      // float ids computed on the GPU: the layer's cast to int32 leaves no host copy
      const bad = await err(() => m.predict(ts.add(ts.tensor([[1, 9]]), 0)).data());
      const good = Array.from(await m.predict(ts.add(ts.tensor([[3, 0], [1, 2]]), 0)).data());
      return { js, bad, good };
    `);
    expect(r.bad).toMatch(/kernel 'gather' failed.*GatherV2: the index value 9 is not in \[0, 3\] \(found on the GPU\)/);
    // rows 3, 0, 1, 2 of reshape(range(12), [4, 3])
    expect(r.js).toEqual([9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.good).toEqual(r.js);
  }, 120_000);

  it('categoryEncoding on computed ids: out of range rejects with its message, in range equals the js backend', async () => {
    const r = await inPage<any>(`${ERR}
      const enc = (mode, ids) => ts.layers.categoryEncoding({ numTokens: 4, outputMode: mode }).apply(ids);
      await ts.setBackend('js');
      const jsMsg = await err(() => enc('count', ts.tensor([[1, 7]])));
      const js = Array.from(await enc('count', ts.tensor([[3, 1, 3], [0, 2, 2]])).data());
      const jsHot = Array.from(await enc('oneHot', ts.tensor([[2], [0]])).data());
      await ts.setBackend('webgpu');
      const over = await err(() => enc('count', ts.add(ts.tensor([[1, 7]]), 0)).data());
      const neg = await err(() => enc('multiHot', ts.sub(ts.tensor([[1, 0]]), 1)).data());
      const good = Array.from(await enc('count', ts.add(ts.tensor([[3, 1, 3], [0, 2, 2]]), 0)).data());
      const goodHot = Array.from(await enc('oneHot', ts.add(ts.tensor([[2], [0]], [2, 1], 'int32'), 0)).data());
      return { jsMsg, js, jsHot, over, neg, good, goodHot };
    `);
    expect(r.jsMsg).toBe('Input values must be between 0 < values <= numTokens with numTokens=4');
    // the read tensor is the count's sum, written in the same batch as the failing oneHot
    expect(r.over).toMatch(/^webgpu: data\(\): webgpu: kernel 'reduce[^']*' failed, so this tensor holds no valid data: /);
    expect(r.over).toContain(`${r.jsMsg} (found on the GPU: the value 7)`);
    expect(r.neg).toContain(`${r.jsMsg} (found on the GPU: the value -1)`);
    // counts per row: [0, 1, 0, 2] and [1, 0, 2, 0]; one-hot rows of 2 and 0
    expect(r.js).toEqual([0, 1, 0, 2, 1, 0, 2, 0]);
    expect(r.jsHot).toEqual([0, 0, 1, 0, 1, 0, 0, 0]);
    expect(r.good).toEqual(r.js);
    expect(r.goodHot).toEqual(r.jsHot);
  }, 120_000);

  it('only batches with a checking gather map a fault word; repeated failures leak no buffers or tensors', async () => {
    const r = await inPage<any>(`${ERR}
      await ts.setBackend('webgpu');
      let maps = 0;
      const realMap = GPUBuffer.prototype.mapAsync;
      GPUBuffer.prototype.mapAsync = function (...a) { maps++; return realMap.apply(this, a); };
      const table = ts.tensor([[1, 2], [3, 4], [5, 6]]);
      const count = async (f) => { const m0 = maps; await f(); return maps - m0; };
      const mapsPlain = await count(() => ts.add(table, 1).data());
      const mapsHostIdx = await count(() => ts.gather(table, ts.tensor([2, 1], [2], 'int32')).data());
      const mapsChecked = await count(() => ts.gather(table, ts.add(ts.tensor([2, 1], [2], 'int32'), 0)).data());
      const round = async () => {
        const bad = ts.tidy(() => ts.gather(table, ts.add(ts.tensor([0, 6], [2], 'int32'), 0)));
        const msg = await err(() => bad.data());
        bad.dispose();
        const good = ts.tidy(() => ts.gather(table, ts.add(ts.tensor([1], [1], 'int32'), 0)));
        const v = Array.from(await good.data());
        good.dispose();
        return { msg, v };
      };
      await round();
      const m0 = ts.memory();
      const be0 = ts.engine().backend.memory();
      let last;
      for (let i = 0; i < 20; i++) last = await round();
      const m1 = ts.memory();
      const be1 = ts.engine().backend.memory();
      GPUBuffer.prototype.mapAsync = realMap;
      return {
        mapsPlain, mapsHostIdx, mapsChecked, last,
        tensors: m1.numTensors - m0.numTensors,
        buffers: be1.numBuffers - be0.numBuffers,
        created: be1.buffersCreated - be0.buffersCreated,
      };
    `);
    expect(r.mapsPlain).toBe(1);    // the read only
    expect(r.mapsHostIdx).toBe(1);  // host copy checked: the unchecked kernel
    expect(r.mapsChecked).toBe(2);  // the read + the batch's fault word
    expect(r.last.msg).toContain('GatherV2: the index value 6 is not in [0, 2] (found on the GPU)');
    expect(r.last.v).toEqual([3, 4]);
    expect(r.tensors).toBe(0);
    expect(r.buffers).toBe(0);
    expect(r.created).toBe(0);
  }, 120_000);
});
