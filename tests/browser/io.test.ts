/**
 * Model IO in headless Chromium (js backend in the page, tessera bundled from src): IndexedDB
 * save/load, browserDownloads captured and fed back through browserFiles, and loading a
 * model.json with two shards over HTTP from a relative URL, each predicting what the model
 * predicted before (the HTTP model was made and evaluated in Node).
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
import * as ts from '../../src/index.js';
import type { ModelArtifacts } from '../../src/io/types.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>tessera io</title>
<script type="module">
try { window.__ts = await import('/__io/tessera.js'); } catch (e) { window.__err = String((e && e.stack) || e); }
</script>`;

const X = [0.5, -1, 2, 0.25, 0, -0.75];
let browser: Browser | null = null;
let server: { url: string; close(): Promise<void> } | null = null;
let page: Page;
let httpWant: number[] = [];

beforeAll(async () => {
  const esbuild = await import('esbuild');
  const bundle = await esbuild.build({
    entryPoints: [join(repoRoot, 'src/inline.ts')], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022',
    write: false, plugins: [esbuildAssetPlugin()], logLevel: 'warning',
  });
  // A model made in Node, served as model.json + two shards.
  await ts.setBackend('js');
  const m = ts.sequential({ layers: [ts.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), ts.layers.dense({ units: 2 })] });
  httpWant = Array.from((m.predict(ts.tensor(X, [2, 3])) as ts.Tensor).dataSync());
  let art: ModelArtifacts | undefined;
  await m.save(ts.io.withSaveHandler(async (a) => {
    art = a;
    return { modelArtifactsInfo: {} };
  }));
  const bytes = Buffer.from(art!.weightData as ArrayBuffer);
  const json = JSON.stringify({
    modelTopology: art!.modelTopology, format: art!.format, generatedBy: art!.generatedBy, convertedBy: null,
    weightsManifest: [{ paths: ['s1.bin', 's2.bin'], weights: art!.weightSpecs }],
  });
  server = await startServer({
    routes: {
      '/__io/index.html': { body: PAGE },
      '/__io/tessera.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].text },
      '/__io/m/model.json': { type: 'application/json', body: json },
      '/__io/m/s1.bin': { type: 'application/octet-stream', body: bytes.subarray(0, 30) },
      '/__io/m/s2.bin': { type: 'application/octet-stream', body: bytes.subarray(30) },
    },
  });
  browser = (await launchChromium()) as Browser;
  page = await browser.newPage();
  await page.goto(`${server!.url}/__io/index.html`, { waitUntil: 'load' });
  await page.waitForFunction('window.__ts || window.__err', { timeout: 60_000 });
  const err = await page.evaluate(() => (window as any).__err);
  if (err) throw new Error(`page could not load tessera: ${err}`);
  await page.evaluate(() => (window as any).__ts.setBackend('js'));
}, 180_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await server?.close();
});

const close = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= 1e-6);

describe('model IO in the browser', () => {
  it('IndexedDB: save and load indexeddb://name', async () => {
    const r = await page.evaluate(async (x) => {
      const t = (window as any).__ts;
      const m = t.sequential({ layers: [t.layers.dense({ units: 3, inputShape: [3], activation: 'tanh' }), t.layers.dense({ units: 2 })] });
      const want = Array.from(m.predict(t.tensor(x, [2, 3])).dataSync());
      const saved = await m.save('indexeddb://tessera-io-test');
      const loaded = await t.loadLayersModel('indexeddb://tessera-io-test');
      const got = Array.from(loaded.predict(t.tensor(x, [2, 3])).dataSync());
      let missing = '';
      await t.loadLayersModel('indexeddb://no-such-model').catch((e: Error) => (missing = e.message));
      return { want, got, bytes: saved.modelArtifactsInfo.weightDataBytes, missing };
    }, X);
    expect(close(r.got as number[], r.want as number[])).toBe(true);
    expect(r.bytes).toBe(4 * (9 + 3 + 6 + 2));
    expect(r.missing).toMatch(/no model saved under 'indexeddb:\/\/no-such-model'/);
  });

  it('downloads://name produces name.json + name.weights.bin that load through io.browserFiles', async () => {
    const r = await page.evaluate(async (x) => {
      const t = (window as any).__ts;
      const m = t.sequential({ layers: [t.layers.dense({ units: 4, inputShape: [3] }), t.layers.dense({ units: 1, activation: 'sigmoid' })] });
      const want = Array.from(m.predict(t.tensor(x, [2, 3])).dataSync());
      const clicked: { name: string; href: string }[] = [];
      const original = HTMLAnchorElement.prototype.dispatchEvent;
      HTMLAnchorElement.prototype.dispatchEvent = function (this: HTMLAnchorElement, ev: Event) {
        clicked.push({ name: this.download, href: this.href });
        return true;
      };
      try {
        await m.save('downloads://mymodel');
      } finally {
        HTMLAnchorElement.prototype.dispatchEvent = original;
      }
      const files = await Promise.all(clicked.map(async (c) => new File([await (await fetch(c.href)).blob()], c.name)));
      const json = JSON.parse(await files[0].text());
      const loaded = await t.loadLayersModel(t.io.browserFiles(files));
      const got = Array.from(loaded.predict(t.tensor(x, [2, 3])).dataSync());
      let missing = '';
      await t.loadLayersModel(t.io.browserFiles([files[0], new File([new Uint8Array(4)], 'other.bin')])).catch((e: Error) => (missing = e.message));
      return { names: clicked.map((c) => c.name), paths: json.weightsManifest[0].paths, want, got, missing };
    }, X);
    expect(r.names).toEqual(['mymodel.json', 'mymodel.weights.bin']);
    expect(r.paths).toEqual(['./mymodel.weights.bin']);
    expect(close(r.got as number[], r.want as number[])).toBe(true);
    expect(r.missing).toBe("Weight file with basename 'mymodel.weights.bin' is not provided."); // TF.js's wording
  });

  it('loads model.json and its shards over HTTP from a relative URL', async () => {
    const got = await page.evaluate(async (x) => {
      const t = (window as any).__ts;
      const m = await t.loadLayersModel('/__io/m/model.json');
      return Array.from(m.predict(t.tensor(x, [2, 3])).dataSync()) as number[];
    }, X);
    expect(close(got, httpWant)).toBe(true);
  });
});
