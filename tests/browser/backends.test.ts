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

describe('wasm threads in Chromium (cross-origin isolated page)', () => {
  it('runs a Web Worker pool over shared memory; split matMul/conv2d match the js reference', async () => {
    const r = await h.page.evaluate(async () => {
      const ts = (window as any).__tessera;
      await ts.setBackend('wasm');
      const info = ts.backendInfo().wasmThreads;
      const a = ts.randomUniform([300, 200], -1, 1, 'float32', 1);
      const b = ts.randomUniform([200, 260], -1, 1, 'float32', 2);
      const x = ts.randomUniform([1, 28, 28, 32], -1, 1, 'float32', 3);
      const f = ts.randomUniform([3, 3, 32, 96], -1, 1, 'float32', 4);
      const run = async (): Promise<number[][]> => [Array.from(await ts.matMul(a, b).data() as Float32Array), Array.from(await ts.conv2d(x, f, 1, 'same').data() as Float32Array)];
      let wasm: number[][] = [];
      // the worker may be busy (2 shared cores): repeat until it has taken some chunks
      for (let i = 0; i < 20 && ts.memory().backends.wasm.workerChunks === 0; i++) wasm = await run();
      const workerChunks = ts.memory().backends.wasm.workerChunks;
      await ts.setBackend('js');
      const js = await run();
      await ts.setBackend('wasm');
      ts.dispose([a, b, x, f]);
      const maxDiff = (u: number[], v: number[]) => u.reduce((m, e, i) => Math.max(m, Number.isNaN(e - v[i]) ? Infinity : Math.abs(e - v[i])), 0);
      return { info, cores: navigator.hardwareConcurrency, workerChunks, diffs: [maxDiff(wasm[0], js[0]), maxDiff(wasm[1], js[1])] };
    });
    if (r.cores >= 2) {
      expect(r.info).toEqual({ threads: Math.min(8, r.cores), reason: expect.stringMatching(/Web Workers/) });
      expect(r.workerChunks).toBeGreaterThan(0);
    } else {
      expect(r.info).toEqual({ threads: 1, reason: expect.stringMatching(/one logical core/) });
    }
    // K = 200 and 288 float32 products: the js reference accumulates in f64
    expect(r.diffs[0]).toBeLessThan(1e-4);
    expect(r.diffs[1]).toBeLessThan(1e-4);
  });
});
