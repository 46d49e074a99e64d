/**
 * The same bundle file runs unchanged inside a module Worker (no asset paths to configure):
 * on wasm, and on webgpu where the worker has navigator.gpu.
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
});
