// Tiered compilation of matMul and attention on webgpu (headless Chromium): a first small matMul (or
// attention) on a cold pipeline cache records the simple one-pipeline tier (shaders/matmul_simple.wgsl,
// attention_simple.wgsl), a call after
// `await backend.sync()` records its own pipeline, the option tieredCompile false records its own at
// once; each result is checked against the plain-JS kernel (webgpu_tiered.page.ts). The simple
// tier's values on every matMul case it takes are checked in webgpu_kernels.test.ts (matMulSimple), the
// attention tier's on the attention cases in webgpu_conv_kernels.test.ts.
import { afterAll, beforeAll, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertAllMatch, openKernelPage, type CaseResult, type KernelPage } from './kernel_page.js';

let kernelPage: KernelPage | undefined;
let page: Page;

beforeAll(async () => {
  kernelPage = await openKernelPage('webgpu_tiered', 'tesseraWebgpuTiered', 'webgpu tiered');
  page = kernelPage.page;
});

afterAll(async () => {
  await kernelPage?.close();
});

it('matMul and attention: simple tier on a cold cache, their own pipelines after sync; matMul with the option off', async () => {
  assertAllMatch(await page.evaluate(() => (globalThis as any).tesseraWebgpuTiered.run()) as CaseResult[], 0);
});
