// Kernel-level tests of the webgpu conv / pool / layerNorm / attention kernels in headless
// Chromium (SwiftShader on CPU machines): bundles tests/browser/webgpu_conv_kernels.page.ts,
// serves it with the COOP/COEP server and asserts every case matches the js reference kernels,
// for both the CPU-adapter (barrier-free) and the GPU (workgroup-tiled) configurations.
// Fails loudly (never skips) when Chromium or WebGPU is unavailable.
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertAllMatch, openKernelPage, type CaseResult, type KernelPage } from './kernel_page.js';

let kernelPage: KernelPage | undefined;
let page: Page;

beforeAll(async () => {
  kernelPage = await openKernelPage('webgpu_conv_kernels', 'tesseraWebgpuConvKernels', 'webgpu conv kernel');
  page = kernelPage.page;
});

afterAll(async () => {
  await kernelPage?.close();
});

const assertAll = (results: CaseResult[]) => assertAllMatch(results, 1);

async function runGroup(group: string, options: { maxWorkgroupStorage?: number; preferDirect?: boolean; subgroups?: false; tiered?: 'always' } = {}): Promise<CaseResult[]> {
  return page.evaluate((g, o) => (globalThis as any).tesseraWebgpuConvKernels.runGroup(g, o), group, options);
}

describe('webgpu conv/pool/norm/attention kernels vs js reference', () => {
  // CONV_GROUPS=attention,pool narrows the default-configuration groups while iterating on a kernel.
  for (const group of (process.env.CONV_GROUPS ?? 'conv,depthwise,pool,layerNorm,softmax,attention').split(',')) {
    it(group, async () => assertAll(await runGroup(group)));
  }
  // the residual epilogue (plan fusion) of conv2d / depthwiseConv2d, general and row kernels, CPU and GPU workgroup sizes
  it('conv2d / depthwiseConv2d residual epilogue', async () => assertAll(await runGroup('convResidual')));
  it('conv2d / depthwiseConv2d residual epilogue (GPU workgroup size)', async () => assertAll(await runGroup('convResidual', { preferDirect: false })));
  it('layerNorm (GPU workgroup size)', async () => assertAll(await runGroup('layerNorm', { preferDirect: false })));
  it('softmax (GPU workgroup size)', async () => assertAll(await runGroup('softmax', { preferDirect: false })));
  it('attention (direct, without subgroups)', async () => assertAll(await runGroup('attention', { subgroups: false })));
  // the quick-to-compile tier (shaders/attention_simple.wgsl) a cold pipeline cache records: every case within its work limit
  it('attention (simple tier)', async () => assertAll(await runGroup('attention', { tiered: 'always' })));
  it('attention (tiled, K/V through workgroup memory)', async () => assertAll(await runGroup('attention', { preferDirect: false })));
  it('attention (tiled) with 16 KiB of workgroup memory', async () => {
    assertAll(await runGroup('attentionSmallStorage', { maxWorkgroupStorage: 16384, preferDirect: false }));
  });
  it('attention tile shapes fit the workgroup memory limits', async () => {
    assertAll(await page.evaluate(() => (globalThis as any).tesseraWebgpuConvKernels.tileChecks()));
  });
});
