/**
 * Backend behaviour in the page: setBackend('webgpu') takes the (software) adapter, setBackend moves
 * live tensors between webgpu, wasm and js with their data intact, dataSync refuses clearly on
 * webgpu, disposed tensors free their device buffers, and the wasm backend picks the relaxed
 * SIMD module where the engine validates it.
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

describe('backends in Chromium', () => {
  it("setBackend('webgpu') takes the adapter, and tensors survive webgpu -> wasm -> js -> webgpu", async () => {
    const r = await h.page.evaluate(async () => {
      const ts = (window as any).__tessera;
      // ready() would pick wasm on SwiftShader (a software adapter: see faults.test.ts).
      await ts.setBackend('webgpu');
      const first = ts.getBackend();
      const f = ts.tensor([[1.5, -2], [NaN, Infinity]]);
      const i = ts.tensor([7, -8, 2147483647], [3], 'int32');
      const b = ts.tensor([true, false, true]);
      const seen: unknown[] = [];
      for (const name of ['wasm', 'js', 'webgpu']) {
        await ts.setBackend(name);
        seen.push([ts.getBackend(), Array.from(await f.data()).map(String), Array.from(await i.data()), Array.from(await b.data())]);
      }
      let syncError = '';
      try {
        f.dataSync();
      } catch (e) {
        syncError = (e as Error).message;
      }
      const before = ts.memory().backends.webgpu.numBuffers;
      ts.dispose([f, i, b]);
      const after = ts.memory().backends.webgpu.numBuffers;
      await ts.setBackend('wasm');
      const module = ts.memory().backends.wasm.module;
      await ts.setBackend('webgpu');
      return { first, seen, syncError, freed: before - after, module };
    });
    expect(r.first).toBe('webgpu');
    for (const [i, name] of ['wasm', 'js', 'webgpu'].entries()) {
      expect(r.seen[i]).toEqual([name, ['1.5', '-2', 'NaN', 'Infinity'], [7, -8, 2147483647], [1, 0, 1]]);
    }
    expect(r.syncError).toMatch(/webgpu.*await tensor\.data\(\)/);
    expect(r.freed).toBe(3);
    expect(r.module).toBe('relaxed-simd');
  });
});
