/**
 * The training workflow in headless Chromium on every backend (tessera bundled from src):
 * the same MLP, data and weights trained with fit() (no shuffling, validation split, metrics)
 * give the same history and weights on webgpu and wasm as on js (1e-3 relative), the
 * linear-regression acceptance problem passes on webgpu, and fit leaves no tensors behind
 * there (it reads values back only with async data()).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
// @ts-expect-error plain ESM helper without types
import { launchChromium } from '../../scripts/chromium.mjs';
// @ts-expect-error plain ESM helper without types
import { repoRoot, startServer } from '../../scripts/server.mjs';
// @ts-expect-error plain ESM helper without types
import { esbuildAssetPlugin } from '../../scripts/assets.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>tessera training</title>
<script type="module">
try { window.__ts = await import('/__train/tessera.js'); } catch (e) { window.__err = String((e && e.stack) || e); }
</script>`;

let browser: Browser | null = null;
let server: { url: string; close(): Promise<void> } | null = null;
let page: Page;

beforeAll(async () => {
  const esbuild = await import('esbuild');
  const bundle = await esbuild.build({
    entryPoints: [join(repoRoot, 'src/inline.ts')], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022',
    write: false, plugins: [esbuildAssetPlugin()], logLevel: 'warning',
  });
  server = await startServer({
    routes: {
      '/__train/index.html': { body: PAGE },
      '/__train/tessera.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].text },
    },
  });
  browser = (await launchChromium()) as Browser;
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`[page] ${m.text()}`);
  });
  await page.goto(`${server!.url}/__train/index.html`, { waitUntil: 'load' });
  await page.waitForFunction('window.__ts || window.__err', { timeout: 60_000 });
  const err = await page.evaluate(() => (window as any).__err);
  if (err) throw new Error(`page could not load tessera: ${err}`);
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
});

interface RunResult {
  ok: boolean;
  error?: string;
  history: Record<string, number[]>;
  weights: number[];
  leaked: number;
}

/** Train the fixed MLP on `backend` in the page (fit, 2 epochs x 5 batches, then evaluate). */
function trainInPage(backend: string, optimizer: string): Promise<RunResult> {
  return page.evaluate(async (backend: string, optimizer: string) => {
    const t = (window as any).__ts;
    try {
      if (!(await t.setBackend(backend))) return { ok: false, error: `backend ${backend} unavailable`, history: {}, weights: [], leaked: 0 };
      let s = 12345;
      const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296) * 2 - 1;
      const n = 50;
      const xv = Array.from({ length: n * 4 }, r);
      const labels = Array.from({ length: n }, (_, i) => (xv[4 * i] + xv[4 * i + 1] > 0 ? 1 : 0) + (xv[4 * i + 2] > 0.3 ? 1 : 0));
      const x = t.tensor2d(xv, [n, 4]);
      const y = t.oneHot(t.tensor1d(labels, 'int32'), 3);
      const m = t.sequential({
        layers: [t.layers.dense({ units: 8, inputShape: [4], activation: 'tanh' }), t.layers.dense({ units: 3, activation: 'softmax' })],
      });
      m.setWeights(m.weights.map((w: any) => t.tensor(Array.from({ length: w.size }, () => r() * 0.7), w.shape)));
      const opt = optimizer === 'sgd' ? t.train.sgd(0.2) : optimizer === 'adam' ? t.train.adam(0.02) : t.train.rmsprop(0.01, 0.9, 0.5);
      m.compile({ optimizer: opt, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const h = await m.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, validationSplit: 0.2, verbose: 0 });
      const before = t.memory().numTensors;
      const h2 = await m.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, validationSplit: 0.2, verbose: 0 });
      const leaked = t.memory().numTensors - before;
      const history: Record<string, number[]> = {};
      for (const k of Object.keys(h2.history)) history[k] = [...h.history[k], ...h2.history[k]];
      const weights: number[] = [];
      for (const w of m.getWeights()) weights.push(...Array.from(await w.data() as Float32Array));
      return { ok: true, history, weights, leaked };
    } catch (e: any) {
      return { ok: false, error: String(e?.stack ?? e), history: {}, weights: [], leaked: 0 };
    }
  }, backend, optimizer);
}

const closeRel = (got: number[], want: number[], tol: number) =>
  got.length === want.length && got.every((v, i) => Math.abs(v - want[i]) <= tol * Math.max(1, Math.abs(want[i])));

describe.each(['sgd', 'adam', 'rmsprop'])('fit with %s agrees across backends', (optimizer) => {
  let reference: RunResult;
  it('js (reference in the page)', async () => {
    reference = await trainInPage('js', optimizer);
    expect(reference.error).toBeUndefined();
    expect(Object.keys(reference.history)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(reference.leaked).toBe(0);
  }, 120_000);
  it.each(['wasm', 'webgpu'])('%s', async (backend) => {
    const got = await trainInPage(backend, optimizer);
    expect(got.error).toBeUndefined();
    expect(got.leaked).toBe(0);
    for (const k of Object.keys(reference.history)) {
      if (!closeRel(got.history[k], reference.history[k], 1e-3)) {
        throw new Error(`${backend} ${optimizer} history '${k}': [${got.history[k]}] vs js [${reference.history[k]}]`);
      }
    }
    if (!closeRel(got.weights, reference.weights, 1e-3)) throw new Error(`${backend} ${optimizer} weights differ from js`);
  }, 300_000);
});

it('acceptance on webgpu: linear regression y = 2 + 3x + noise, Dense(1), sgd, mse, 100 epochs', async () => {
  const res = await page.evaluate(async () => {
    const t = (window as any).__ts;
    if (!(await t.setBackend('webgpu'))) return { error: 'webgpu unavailable' };
    let s = 99;
    const r = () => (s = (s * 1664525 + 1013904223) >>> 0) / 4294967296;
    const n = 100;
    const xv = Array.from({ length: n }, () => r() * 4 - 2);
    const x = t.tensor2d(xv, [n, 1]);
    const y = t.tensor2d(xv.map((v) => 2 + 3 * v + (r() - 0.5) * 0.4), [n, 1]);
    const m = t.sequential({ layers: [t.layers.dense({ units: 1, inputShape: [1] })] });
    m.compile({ optimizer: t.train.sgd(0.05), loss: 'mse' });
    const t0 = performance.now();
    const h = await m.fit(x, y, { epochs: 100, batchSize: 32, verbose: 0 });
    const ms = performance.now() - t0;
    const p = m.predict(t.tensor2d([5], [1, 1]));
    return { pred: (await p.data())[0], loss: h.history.loss[99], ms, backend: t.getBackend() };
  });
  console.log(`webgpu linear regression: ${JSON.stringify(res)}`);
  expect((res as any).error).toBeUndefined();
  expect((res as any).backend).toBe('webgpu');
  expect(Math.abs((res as any).pred - 17)).toBeLessThan(0.5);
}, 300_000);
