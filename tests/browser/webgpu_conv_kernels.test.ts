// Kernel-level tests of the webgpu conv / pool / layerNorm / attention kernels in headless
// Chromium (SwiftShader on CPU machines): bundles tests/browser/webgpu_conv_kernels.page.ts,
// serves it with the COOP/COEP server and asserts every case matches the js reference kernels.
// Fails loudly (never skips) when Chromium or WebGPU is unavailable.
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
    entryPoints: [new URL('./webgpu_conv_kernels.page.ts', import.meta.url).pathname],
    bundle: true, format: 'esm', write: false, target: 'es2022', plugins: [esbuildAssetPlugin()],
  });
  server = await startServer({
    routes: {
      '/__webgpu_conv_kernels.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].text },
      '/__webgpu_conv_kernels.html': { body: '<!doctype html><script type="module" src="/__webgpu_conv_kernels.js"></script>' },
    },
  });
  browser = await launchChromium(['--headless=new']);
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/__webgpu_conv_kernels.html`);
  await page.waitForFunction('globalThis.tesseraWebgpuConvKernels !== undefined || document.readyState === "complete"');
  const ok = await page.evaluate('typeof globalThis.tesseraWebgpuConvKernels === "object" && !!navigator.gpu');
  if (!ok) throw new Error(`webgpu conv kernel page did not load or navigator.gpu is missing: ${errors.join('; ')}`);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function assertAll(results: CaseResult[]): void {
  expect(results.length).toBeGreaterThan(1);
  const failures = results.filter((r) => r.bad > 0).map((r) => `${r.name}: ${r.bad}/${r.total} bad, first ${r.first}`);
  expect(failures).toEqual([]);
}

async function runGroup(group: string, options: { maxWorkgroupStorage?: number } = {}): Promise<CaseResult[]> {
  return page.evaluate((g, o) => (globalThis as any).tesseraWebgpuConvKernels.runGroup(g, o), group, options);
}

describe('webgpu conv/pool/norm/attention kernels vs js reference', () => {
  for (const group of ['conv', 'depthwise', 'pool', 'layerNorm', 'attention']) {
    it(group, async () => assertAll(await runGroup(group)));
  }
  it('attention with 16 KiB of workgroup memory', async () => assertAll(await runGroup('attention', { maxWorkgroupStorage: 16384 })));
  it('attention tile shapes fit the workgroup memory limits', async () => {
    assertAll(await page.evaluate(() => (globalThis as any).tesseraWebgpuConvKernels.tileChecks()));
  });
});
