// Kernel-level tests of the webgpu conv / pool / layerNorm / attention kernels in headless
// Chromium (SwiftShader on CPU machines): bundles tests/browser/webgpu_conv_kernels.page.ts,
// serves it with the COOP/COEP server and asserts every case matches the js reference kernels,
// for both the CPU-adapter (barrier-free) and the GPU (workgroup-tiled) configurations.
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

async function runGroup(group: string, options: { maxWorkgroupStorage?: number; preferDirect?: boolean } = {}): Promise<CaseResult[]> {
  return page.evaluate((g, o) => (globalThis as any).tesseraWebgpuConvKernels.runGroup(g, o), group, options);
}

describe('webgpu conv/pool/norm/attention kernels vs js reference', () => {
  // CONV_GROUPS=attention,pool narrows the default-configuration groups while iterating on a kernel.
  for (const group of (process.env.CONV_GROUPS ?? 'conv,depthwise,pool,layerNorm,attention').split(',')) {
    it(group, async () => assertAll(await runGroup(group)));
  }
  it('layerNorm (GPU workgroup size)', async () => assertAll(await runGroup('layerNorm', { preferDirect: false })));
  it('attention (tiled, K/V through workgroup memory)', async () => assertAll(await runGroup('attention', { preferDirect: false })));
  it('attention (tiled) with 16 KiB of workgroup memory', async () => {
    assertAll(await runGroup('attentionSmallStorage', { maxWorkgroupStorage: 16384, preferDirect: false }));
  });
  it('attention tile shapes fit the workgroup memory limits', async () => {
    assertAll(await page.evaluate(() => (globalThis as any).tesseraWebgpuConvKernels.tileChecks()));
  });
});
