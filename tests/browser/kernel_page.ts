/**
 * Shared scaffolding of the webgpu kernel test files (webgpu_kernels, webgpu_conv_kernels):
 * bundle a `*.page.ts` with esbuild, serve it with the COOP/COEP server, open it in headless
 * Chromium and check that the page registered its global API and that navigator.gpu exists.
 * Fails loudly (never skips) when Chromium or WebGPU is unavailable.
 */
import { expect } from 'vitest';
import { build } from 'esbuild';
import type { Browser, Page } from 'puppeteer-core';
// @ts-expect-error plain ESM helpers without types
import { esbuildAssetPlugin } from '../../scripts/assets.mjs';
// @ts-expect-error plain ESM helpers without types
import { startServer } from '../../scripts/server.mjs';
// @ts-expect-error plain ESM helpers without types
import { launchChromium } from '../../scripts/chromium.mjs';
import type { CaseResult } from './kernel_compare.js';

export type { CaseResult };

export interface KernelPage {
  page: Page;
  close(): Promise<void>;
}

/**
 * Open tests/browser/<name>.page.ts, which must set `globalThis[globalName]` to an object.
 * `what` names the page in the error thrown when it does not load.
 */
export async function openKernelPage(name: string, globalName: string, what: string): Promise<KernelPage> {
  const bundle = await build({
    entryPoints: [new URL(`./${name}.page.ts`, import.meta.url).pathname],
    bundle: true, format: 'esm', write: false, target: 'es2022', plugins: [esbuildAssetPlugin()],
  });
  const server: { url: string; close(): Promise<void> } = await startServer({
    routes: {
      [`/__${name}.js`]: { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].text },
      [`/__${name}.html`]: { body: `<!doctype html><script type="module" src="/__${name}.js"></script>` },
    },
  });
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server.close();
  };
  try {
    browser = await launchChromium(['--headless=new']) as Browser;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}/__${name}.html`);
    await page.waitForFunction(`globalThis.${globalName} !== undefined || document.readyState === "complete"`);
    const ok = await page.evaluate(`typeof globalThis.${globalName} === "object" && !!navigator.gpu`);
    if (!ok) throw new Error(`${what} page did not load or navigator.gpu is missing: ${errors.join('; ')}`);
    return { page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Every result is a match, and there are more than `minResults` of them. */
export function assertAllMatch(results: CaseResult[], minResults: number): void {
  expect(results.length).toBeGreaterThan(minResults);
  const failures = results.filter((r) => r.bad > 0).map((r) => `${r.name}: ${r.bad}/${r.total} bad, first ${r.first}`);
  expect(failures).toEqual([]);
}
