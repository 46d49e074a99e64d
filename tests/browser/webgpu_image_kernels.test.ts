// Kernel-level tests of the webgpu image kernels (resize, resizeBackprop, cropAndResize) in
// headless Chromium (SwiftShader on CPU machines): bundles tests/browser/webgpu_image_kernels.page.ts,
// serves it with the COOP/COEP server and asserts every case matches the js reference kernels.
// Fails loudly (never skips) when Chromium or WebGPU is unavailable.
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertAllMatch, openKernelPage, type CaseResult, type KernelPage } from './kernel_page.js';

let kernelPage: KernelPage | undefined;
let page: Page;

beforeAll(async () => {
  kernelPage = await openKernelPage('webgpu_image_kernels', 'tesseraWebgpuImageKernels', 'webgpu image kernel');
  page = kernelPage.page;
});

afterAll(async () => {
  await kernelPage?.close();
});

const runGroup = (group: string): Promise<CaseResult[]> =>
  page.evaluate((g) => (globalThis as any).tesseraWebgpuImageKernels.runGroup(g), group);

describe('webgpu image kernels vs js reference', () => {
  it('resize (bilinear, nearest float32 and int32) and resizeBackprop, every alignment mode', async () => {
    assertAllMatch(await runGroup('resize'), 1);
  });
  it('cropAndResize (bilinear, nearest; extrapolated and out-of-batch boxes)', async () => {
    assertAllMatch(await runGroup('crop'), 1);
  });
});
