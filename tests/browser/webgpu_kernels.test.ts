// Kernel-level tests of the webgpu backend in headless Chromium (SwiftShader on CPU machines):
// bundles tests/browser/webgpu_kernels.page.ts with esbuild, serves it with the COOP/COEP
// server, and asserts that every issue-2 kernel, the unsortedSegmentSum scatter-add (layout
// group), generated copyStrided cases on both strided-copy paths (layoutStrided), the fused
// adamUpdate and every row of the elementwise op table (in the unary and binary groups, on an
// edge grid) match the js reference kernels. Fails loudly (never skips)
// when Chromium or WebGPU is unavailable.
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertAllMatch, openKernelPage, type CaseResult, type KernelPage } from './kernel_page.js';

let kernelPage: KernelPage | undefined;
let page: Page;

beforeAll(async () => {
  kernelPage = await openKernelPage('webgpu_kernels', 'tesseraWebgpuKernels', 'webgpu kernel');
  page = kernelPage.page;
});

afterAll(async () => {
  await kernelPage?.close();
});

const assertAll = (results: CaseResult[]) => assertAllMatch(results, 0);

async function runGroup(group: string, options: { direct?: boolean; subgroups?: boolean; tiered?: 'always' } = {}): Promise<CaseResult[]> {
  return page.evaluate((g, o) => (globalThis as any).tesseraWebgpuKernels.runGroup(g, o), group, options);
}

describe('webgpu kernels vs js reference', () => {
  for (const group of ['unary', 'binary', 'select', 'reduce', 'softmax', 'layout', 'adamUpdate']) {
    it(group, async () => assertAll(await runGroup(group)));
  }
  // copyStrided over ranks 1-6 with permutes, slices, reverses, broadcasts, tiles and ragged rows: on CPU
  // adapters (copy_strided_rows for unchunked calls) and with the GPU entries (copy_strided, _row4)
  it('layoutStrided (CPU-adapter entry)', async () => assertAll(await runGroup('layoutStrided', { direct: true })));
  it('layoutStrided (GPU entries)', async () => assertAll(await runGroup('layoutStrided', { direct: false })));
  it('layout (GPU entries)', async () => assertAll(await runGroup('layout', { direct: false })));
  // CPU adapters run the blocked unary/binary entries; this runs binary_contiguous, the one-vec4-per-invocation
  // GPU form (unary shares its indexing; its GPU run compiles every op again, ~30 s on SwiftShader).
  it('binary (GPU entries)', async () => assertAll(await runGroup('binary', { direct: false })));
  it('matMul (tiled, workgroup memory; subset)', async () => assertAll(await runGroup('matMulSubset', { direct: false })));
  it('matMul (direct, register-blocked, A quads shared by 4-lane subgroups)', async () => assertAll(await runGroup('matMul', { direct: true, subgroups: true })));
  it('matMul (direct, register-blocked, no subgroups; subset)', async () => assertAll(await runGroup('matMulSubset', { direct: true, subgroups: false })));
  // The residual epilogue (plan fusion) in each matMul entry.
  it('matMul residual epilogue (direct, subgroups)', async () => assertAll(await runGroup('matMulResidual', { direct: true, subgroups: true })));
  it('matMul residual epilogue (direct, no subgroups)', async () => assertAll(await runGroup('matMulResidual', { direct: true, subgroups: false })));
  it('matMul residual epilogue (tiled; subset)', async () => assertAll(await runGroup('matMulResidualSubset', { direct: false })));
  // dW with the column sums of dY (a bias gradient the plan merged in) in each matMul entry.
  it('matMul colSums (direct, subgroups)', async () => assertAll(await runGroup('matMulColSums', { direct: true, subgroups: true })));
  it('matMul colSums (direct, no subgroups)', async () => assertAll(await runGroup('matMulColSums', { direct: true, subgroups: false })));
  it('matMul colSums (tiled)', async () => assertAll(await runGroup('matMulColSums', { direct: false })));
  // The quick-to-compile tier (shaders/matmul_simple.wgsl) on every case it takes: transposes, bias, each activation, residual, broadcast, ragged.
  it('matMul simple tier (tiered compilation fallback)', async () => assertAll(await runGroup('matMulSimple', { tiered: 'always' })));
  it('backend behaviour', async () => {
    assertAll(await page.evaluate(() => (globalThis as any).tesseraWebgpuKernels.runBackendChecks()));
  });
});
