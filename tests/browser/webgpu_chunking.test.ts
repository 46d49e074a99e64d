// WebGPU kernels split across storage bindings, in headless Chromium (SwiftShader on CPU
// machines): bundles tests/browser/webgpu_chunking.page.ts, lowers the effective
// maxStorageBufferBindingSize through the backend's limitOverrides hook so small tensors take
// the split paths of matMul (both entries), the layout kernels, gather / oneHot / segment sum and
// broadcasting binary / select, and asserts every result equals the js reference kernels and that
// each call really ran as several dispatches. One group runs 20-27 MB tensors at a 16 MiB limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openKernelPage, type KernelPage } from './kernel_page.js';
import type { ChunkResult } from './webgpu_chunking.page.js';

let kernelPage: KernelPage | undefined;
let page: Page;

beforeAll(async () => {
  kernelPage = await openKernelPage('webgpu_chunking', 'tesseraWebgpuChunking', 'webgpu chunking');
  page = kernelPage.page;
}, 120_000);

afterAll(async () => {
  await kernelPage?.close();
});

async function runGroup(group: string, limit: number, preferDirect?: boolean, only?: string): Promise<ChunkResult[]> {
  return page.evaluate((g, l, p, o) => (globalThis as any).tesseraWebgpuChunking.runGroup(g, l, p, o), group, limit, preferDirect, only) as Promise<ChunkResult[]>;
}

/** Every case matches js, and every case (the leak check aside) took more than one dispatch. */
function assertChunked(results: ChunkResult[], label: string): void {
  const cases = results.filter((r) => r.name !== 'no leaked buffers');
  expect(cases.length).toBeGreaterThan(1);
  const failures = results.filter((r) => r.bad > 0).map((r) => `${r.name}: ${r.bad}/${r.total} bad, first ${r.first}`);
  expect(failures).toEqual([]);
  const single = cases.filter((r) => r.dispatches < 2).map((r) => `${r.name}: ${r.dispatches} dispatch(es)`);
  expect(single).toEqual([]);
  const maxErr = Math.max(...cases.map((r) => r.maxAbsErr));
  console.log(`${label}: ${cases.length} cases, dispatches ${Math.min(...cases.map((r) => r.dispatches))}..${Math.max(...cases.map((r) => r.dispatches))}, ` +
    `largest tensor ${Math.max(...cases.map((r) => r.elements))} elements, max |gpu - js| ${maxErr}\n` +
    cases.map((r) => `  ${r.name}: ${r.dispatches} dispatches, max err ${r.maxAbsErr}`).join('\n'));
}

describe('webgpu kernels split across storage bindings vs js reference', () => {
  it('matMul, barrier-free entry, 1 KiB bindings', async () => assertChunked(await runGroup('matmul', 1024, true), 'matmul direct 1KiB'), 120_000);
  // SwiftShader compiles every tiled variant slowly: a subset covering transposes, batch broadcast,
  // K splits with each epilogue kind, int32 and K = 0.
  it('matMul, workgroup-tiled entry, 4 KiB bindings', async () => assertChunked(
    await runGroup('matmul', 4096, false, 'odd sizes|both transposed|A broadcast|split K|relu6|prelu|int32|K = 0'), 'matmul tiled 4KiB'), 120_000);
  it('copyStrided, pad, copyInto, gather, oneHot, unsortedSegmentSum, 1 KiB bindings', async () =>
    assertChunked(await runGroup('layout', 1024), 'layout 1KiB'), 120_000);
  it('conv2d, depthwise and their input gradients by blocks of images, 2 KiB bindings', async () =>
    assertChunked(await runGroup('conv', 2048), 'conv 2KiB'), 120_000);
  it('softmax and logSoftmax by row blocks, CPU and GPU workgroup sizes, 1 KiB bindings', async () => {
    assertChunked(await runGroup('softmax', 1024, true), 'softmax 4-wide rows 1KiB');
    assertChunked(await runGroup('softmax', 1024, false), 'softmax GPU-size rows 1KiB');
  }, 120_000);
  it('broadcasting binary, select and the plan\'s fused elementwise kernel, 1 KiB bindings', async () => assertChunked(await runGroup('binary', 1024), 'binary 1KiB'), 120_000);
  it('20-27 MB tensors against a 16 MiB binding limit (matMul, transpose, broadcast add, embedding gather)', async () => {
    const lim = await page.evaluate(() => (globalThis as any).tesseraWebgpuChunking.limits());
    console.log(`device limits: ${JSON.stringify(lim)}`);
    assertChunked(await runGroup('large', 16 << 20), 'large 16MiB');
  }, 300_000);
});
