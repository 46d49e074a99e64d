/**
 * The benchmark page (bench/index.html, issue 10), as `npm run build:pages` writes it: opened headless with ?quick=1 it runs its three
 * tiny cases for tessera and TF.js on wasm and webgpu, and must end with one chart bar per case and
 * backend, each with a measured ratio, a table row each, an adapter description, and a chart whose
 * screenshot is a real picture (a PNG whose pixels vary, decoded by the page's own <img>/canvas).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { buildPages } from '../../scripts/build_pages.mjs';
// @ts-expect-error plain ESM helper without types
import { launchChromium } from '../../scripts/chromium.mjs';
// @ts-expect-error plain ESM helper without types
import { startServer } from '../../scripts/server.mjs';

const CASES = ['matMul 64x64 @ 64x64', 'add 64K', 'softmax [64,256]']; // bench/cases.mjs quickCases
const BACKENDS = ['wasm', 'webgpu'];

let browser: Browser;
let server: { url: string; close(): Promise<void> };
let site: string;
beforeAll(async () => {
  // the page as `npm run build:pages` writes it, served as plain files (the dev server's
  // /bench/app.js route bundles the same bench/app.mjs)
  site = mkdtempSync(join(tmpdir(), 'tessera-pages-'));
  await buildPages(site);
  server = await startServer({ root: site });
  browser = (await launchChromium()) as Browser;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(site, { recursive: true, force: true });
});

it('build:pages writes a _headers file with the cross-origin-isolation headers', () => {
  const headers = readFileSync(join(site, '_headers'), 'utf8');
  expect(headers).toMatch(/^\/\*\n/);
  expect(headers).toContain('Cross-Origin-Opener-Policy: same-origin');
  expect(headers).toContain('Cross-Origin-Embedder-Policy: require-corp');
});

it('runs the quick suite and draws one bar per case and backend', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String((e as Error).message ?? e)));
  await page.setViewport({ width: 1000, height: 900 });
  await page.goto(`${server.url}/bench/index.html?quick=1&run=1&time=30&iterations=3`);
  await page.waitForFunction(() => ['done', 'failed'].includes(document.body.dataset.state ?? ''), { timeout: 90_000 });
  expect(errors).toEqual([]);
  expect(await page.evaluate(() => document.body.dataset.state)).toBe('done');

  const bars = await page.$$eval('#chart rect.bar', (rs) => rs.map((r) => ({
    case: r.getAttribute('data-case'), backend: r.getAttribute('data-backend'), cls: r.getAttribute('class'), width: Number(r.getAttribute('width')),
  })));
  expect(bars).toHaveLength(CASES.length * BACKENDS.length);
  for (const b of BACKENDS) for (const c of CASES) expect(bars.filter((x) => x.case === c && x.backend === b)).toHaveLength(1);
  // every cell measured for both libraries: no grey error bars
  expect(bars.filter((b) => b.cls?.includes('error'))).toEqual([]);
  expect(bars.every((b) => b.width > 0)).toBe(true);

  const result = await page.evaluate(() => (window as unknown as { __bench: { currentResult(): { rows: { tessera: { ms?: number }; tfjs: { ms?: number } }[] } } }).__bench.currentResult());
  expect(result.rows).toHaveLength(6);
  for (const r of result.rows) {
    expect(r.tessera.ms).toBeGreaterThan(0);
    expect(r.tfjs.ms).toBeGreaterThan(0);
  }
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true); // the static server sends COOP/COEP
  expect(await page.$$eval('#table tbody tr', (trs) => trs.length)).toBe(6);
  expect(await page.$eval('#progress', (p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max])).toEqual([6, 6]);
  // headless Chromium's WebGPU is SwiftShader: the page must say it is a fallback adapter
  expect(await page.$eval('#adapter .kind', (e) => e.textContent)).toMatch(/^Fallback adapter/);
  expect(await page.$eval('#copy', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
  // "Copy JSON": to the clipboard, or (headless, no clipboard permission) the JSON selected for a manual copy
  await page.click('#copy');
  await page.waitForFunction(() => /copied|selected/.test(document.getElementById('status')!.textContent ?? ''), { timeout: 5000 });
  const json = JSON.parse(await page.$eval('#json', (e) => e.textContent ?? ''));
  expect(json.rows).toHaveLength(6);
  expect(json.gpu.available).toBe(true);

  const chart = await page.$('#chart svg');
  const png = (await chart!.screenshot({ type: 'png' })) as Uint8Array;
  expect(Buffer.from(png.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a'); // PNG signature
  const stats = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = new OffscreenCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, img.width, img.height);
    let sum = 0;
    let sq = 0;
    let green = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const lum = (data[i] + data[i + 1] + data[i + 2]) / 3;
      sum += lum;
      sq += lum * lum;
      if (data[i + 1] > 120 && data[i] < 100 && data[i + 2] < 120) green++; // the 'faster' bar colour #2da44e
      else if (data[i] > 150 && data[i + 1] < 80) green++; // or the 'slower' colour #d1242f
    }
    return { width: img.width, height: img.height, variance: sq / n - (sum / n) ** 2, barPixels: green };
  }, Buffer.from(png).toString('base64'));
  expect(stats.width).toBeGreaterThan(300);
  expect(stats.height).toBeGreaterThan(100);
  expect(stats.variance).toBeGreaterThan(100); // a blank (single-colour) chart has variance 0
  expect(stats.barPixels).toBeGreaterThan(6 * 20); // the bars themselves are on the picture
});
