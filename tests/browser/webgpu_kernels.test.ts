// Kernel-level tests of the webgpu backend in headless Chromium (SwiftShader on CPU machines):
// bundles tests/browser/webgpu_kernels.page.ts with esbuild, serves it with the COOP/COEP
// server, and asserts that every issue-2 kernel matches the js reference kernels. Fails loudly
// (never skips) when Chromium or WebGPU is unavailable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import type { Browser, Page } from 'puppeteer-core';
// @ts-expect-error plain ESM helpers without types
import { esbuildAssetPlugin } from '../../scripts/assets.mjs';
// @ts-expect-error plain ESM helpers without types
import { startServer } from '../../scripts/server.mjs';
// @ts-expect-error plain ESM helpers without types
import { launchChromium } from '../../scripts/chromium.mjs';

interface CaseResult { group: string; name: string; bad: number; total: number; first: string }

let browser: Browser;
let page: Page;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [new URL('./webgpu_kernels.page.ts', import.meta.url).pathname],
    bundle: true, format: 'esm', write: false, target: 'es2022', plugins: [esbuildAssetPlugin()],
  });
  server = await startServer({
    routes: {
      '/__webgpu_kernels.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].text },
      '/__webgpu_kernels.html': { body: '<!doctype html><script type="module" src="/__webgpu_kernels.js"></script>' },
    },
  });
  browser = await launchChromium(['--headless=new']);
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/__webgpu_kernels.html`);
  await page.waitForFunction('globalThis.tesseraWebgpuKernels !== undefined || document.readyState === "complete"');
  const ok = await page.evaluate('typeof globalThis.tesseraWebgpuKernels === "object" && !!navigator.gpu');
  if (!ok) throw new Error(`webgpu kernel page did not load or navigator.gpu is missing: ${errors.join('; ')}`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function assertAll(results: CaseResult[]): void {
  expect(results.length).toBeGreaterThan(0);
  const failures = results.filter((r) => r.bad > 0).map((r) => `${r.name}: ${r.bad}/${r.total} bad, first ${r.first}`);
  expect(failures).toEqual([]);
}

async function runGroup(group: string, options: { direct?: boolean } = {}): Promise<CaseResult[]> {
  return page.evaluate((g, o) => (globalThis as any).tesseraWebgpuKernels.runGroup(g, o), group, options);
}

describe('webgpu kernels vs js reference', () => {
  for (const group of ['unary', 'binary', 'select', 'reduce', 'softmax', 'layout']) {
    it(group, async () => assertAll(await runGroup(group)));
  }
  it('matMul (tiled, workgroup memory; subset)', async () => assertAll(await runGroup('matMulSubset', { direct: false })));
  it('matMul (direct, register-blocked)', async () => assertAll(await runGroup('matMul', { direct: true })));
  it('backend behaviour', async () => {
    assertAll(await page.evaluate(() => (globalThis as any).tesseraWebgpuKernels.runBackendChecks()));
  });
});
