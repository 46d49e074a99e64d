// Kernel-level tests of the issue-7 webgpu kernels (topk, cumulative scan, gatherND/scatterND,
// conv3d and its backprops, 3-D pooling and its backprop, dilation2d and its backprops) in headless Chromium (SwiftShader on
// CPU machines): bundles tests/browser/webgpu_issue7_kernels.page.ts and asserts every case
// matches the js reference kernels. Fails loudly (never skips) when Chromium or WebGPU is unavailable.
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertAllMatch, openKernelPage, type CaseResult, type KernelPage } from './kernel_page.js';

let kernelPage: KernelPage | undefined;
let page: Page;

beforeAll(async () => {
  kernelPage = await openKernelPage('webgpu_issue7_kernels', 'tesseraWebgpuIssue7Kernels', 'webgpu issue-7 kernel');
  page = kernelPage.page;
});

afterAll(async () => {
  await kernelPage?.close();
});

async function runGroup(group: string): Promise<CaseResult[]> {
  return page.evaluate((g) => (globalThis as any).tesseraWebgpuIssue7Kernels.runGroup(g), group);
}

describe('webgpu issue-7 kernels vs js reference', () => {
  for (const group of ['topk', 'cumulative', 'scatter', 'conv3d', 'dilation']) {
    it(group, async () => assertAllMatch(await runGroup(group), 1));
  }
});
