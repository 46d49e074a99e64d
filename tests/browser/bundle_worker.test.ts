/**
 * The same bundle file runs unchanged inside a module Worker (no asset paths to configure):
 * on wasm, and on webgpu where the worker has navigator.gpu. tessera/core, whose wasm backend loads its
 * worker pool as a lazy chunk, runs that pool there (the page is cross-origin isolated).
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

describe('bundle in a Worker', () => {
  it.each(['wasm', 'webgpu'])('runs matMul on %s inside a module worker', async (backend) => {
    const result = await h.page.evaluate(async (b) => {
      const code = `
        const ts = await import(${JSON.stringify(location.origin + '/dist/tessera.js')});
        const ok = await ts.setBackend(${JSON.stringify(b)});
        const y = ts.matMul(ts.tensor([[1, 2], [3, 4]]), ts.tensor([[5], [6]]));
        postMessage({ ok, backend: ts.getBackend(), values: Array.from(await y.data()) });`;
      const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
      const w = new Worker(url, { type: 'module' });
      return await new Promise((resolve) => {
        w.onmessage = (e) => resolve(e.data);
        w.onerror = (e) => resolve({ error: e.message });
        setTimeout(() => resolve({ error: 'timeout' }), 60_000);
      });
    }, backend);
    expect(result).toEqual({ ok: true, backend, values: [17, 39] });
  });

  it('tessera/core loads the wasm worker pool chunk on setBackend and splits a big matMul over it (js reference)', async () => {
    const r = await h.page.evaluate(async () => {
      const code = `
        const tf = await import(${JSON.stringify(location.origin + '/dist/core.js')});
        await tf.setBackend('wasm');
        const info = tf.backendInfo().wasmThreads;
        const a = tf.randomUniform([300, 200], -1, 1, 'float32', 1);
        const b = tf.randomUniform([200, 260], -1, 1, 'float32', 2);
        let wasm = [];
        // the pool's worker may still be starting or busy (2 shared cores): repeat until it took chunks
        for (let i = 0; i < 20 && tf.memory().backends.wasm.workerChunks === 0; i++) wasm = Array.from(await tf.matMul(a, b).data());
        const workerChunks = tf.memory().backends.wasm.workerChunks;
        await tf.setBackend('js');
        const js = Array.from(await tf.matMul(a, b).data());
        const maxDiff = wasm.reduce((m, e, i) => Math.max(m, Number.isNaN(e - js[i]) ? Infinity : Math.abs(e - js[i])), 0);
        postMessage({ info, cores: navigator.hardwareConcurrency, isolated: crossOriginIsolated, workerChunks, maxDiff, n: wasm.length });`;
      const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
      const w = new Worker(url, { type: 'module' });
      return await new Promise<any>((resolve) => {
        w.onmessage = (e) => resolve(e.data);
        w.onerror = (e) => resolve({ error: e.message });
        setTimeout(() => resolve({ error: 'timeout' }), 90_000);
      });
    });
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    expect(r.n).toBe(300 * 260);
    if (r.cores >= 2) {
      expect(r.info).toEqual({ threads: Math.min(8, r.cores), reason: expect.stringMatching(/Web Workers/) });
      expect(r.workerChunks).toBeGreaterThan(0);
    } else {
      expect(r.info).toEqual({ threads: 1, reason: expect.stringMatching(/one logical core/) });
    }
    // K = 200 float32 products: the js reference accumulates in f64
    expect(r.maxDiff).toBeLessThan(1e-4);
  }, 120_000);
});
