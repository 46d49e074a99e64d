/**
 * Runtimes (issue 10), the browser rows: tests/runtimes/smoke.mjs (ready, matMul against a plain
 * loop, fit and predict on y = 3x + 2) inside a dedicated classic Worker (tessera loaded with
 * import()) on wasm, and inside a module Worker on webgpu, in headless Chromium. The Node, Deno,
 * Bun and workerd rows are in tests/runtimes.test.ts.
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

interface Report {
  backend?: string;
  matMulWorst?: number;
  predicted?: number[];
  lastLoss?: number;
  problems?: string[];
  times?: Record<string, number>;
  error?: string;
}

/** Start a Worker of `type` that runs smoke.mjs on `backend` and posts its report. */
function runInWorker(type: 'classic' | 'module', backend: string): Promise<Report> {
  return h.page.evaluate(async (type, backend) => {
    const code = `
      (async () => {
        try {
          const [tf, { smoke }] = await Promise.all([
            import(${JSON.stringify(location.origin + '/dist/tessera.js')}),
            import(${JSON.stringify(location.origin + '/tests/runtimes/smoke.mjs')}),
          ]);
          postMessage({ ...(await smoke(tf, { backend: ${JSON.stringify(backend)} })), isModule: ${type === 'module'} });
        } catch (e) {
          postMessage({ error: String((e && e.stack) || e) });
        }
      })();`;
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const w = new Worker(url, { type });
    return await new Promise<Report>((resolve) => {
      w.onmessage = (e) => resolve(e.data);
      w.onerror = (e) => resolve({ error: `worker error: ${e.message}` });
      setTimeout(() => resolve({ error: 'no answer from the worker in 120 s' }), 120_000);
    }).finally(() => w.terminate());
  }, type, backend);
}

function expectSmoke(r: Report, backend: string): void {
  expect(r.error).toBeUndefined();
  expect(r.problems).toEqual([]);
  expect(r.backend).toBe(backend);
  expect(r.matMulWorst).toBeLessThan(1e-5);
  expect(r.lastLoss).toBeLessThan(1e-4);
  [-7, 3.5, 14].forEach((want, i) => expect(Math.abs(r.predicted![i] - want)).toBeLessThan(0.01));
}

describe('runtimes: Chromium workers', () => {
  it('dedicated (classic) Worker: wasm', async () => {
    const r = await runInWorker('classic', 'wasm');
    expectSmoke(r, 'wasm');
    console.log(`classic worker wasm: ${JSON.stringify(r.times)}`);
  });

  it('module Worker: webgpu', async () => {
    const r = await runInWorker('module', 'webgpu');
    expectSmoke(r, 'webgpu');
    console.log(`module worker webgpu: ${JSON.stringify(r.times)}`);
  });
});
