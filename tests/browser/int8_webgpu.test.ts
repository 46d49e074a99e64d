// The webgpu int8 kernels of issue 12 in headless Chromium (SwiftShader on CPU machines): bundles
// tests/browser/int8_webgpu.page.ts, serves it and asserts that every case's output words equal
// the js reference kernels' exactly (float32 bits, and packed int8 words with their padding
// bytes), for the dot4I8Packed variant and for the portable shift-unpacking one, for the direct
// (CPU-adapter) and workgroup-tiled (GPU) int8MatMul, and for the tf.quantization ops against the
// js backend, and int8 models' chained predict (int8_chain.ts; through max and average pools). Also checks grids folded into
// 2-D and that a tensor past one storage binding, or a
// grid past the workgroup limit, gets an Error naming the kernel. Never skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertAllMatch, openKernelPage, type CaseResult, type KernelPage } from './kernel_page.js';

let kernelPage: KernelPage | undefined;
let page: Page;

beforeAll(async () => {
  kernelPage = await openKernelPage('int8_webgpu', 'tesseraInt8Webgpu', 'webgpu int8 kernel');
  page = kernelPage.page;
});

afterAll(async () => {
  await kernelPage?.close();
});

const runGroup = (group: string, portable: boolean, maxWorkgroupsPerDimension = 0, gpuTiles = false, storage = 0): Promise<CaseResult[]> =>
  page.evaluate((g, p, m, t, s) => (globalThis as any).tesseraInt8Webgpu.runGroup(g, p, m, t, s), group, portable, maxWorkgroupsPerDimension, gpuTiles, storage);
const limitError = (which: string): Promise<string> =>
  page.evaluate((w) => (globalThis as any).tesseraInt8Webgpu.limitError(w), which);

describe('webgpu int8 kernels vs js reference (exact)', () => {
  it('this Chromium has packed_4x8_integer_dot_product (so both variants below differ)', async () => {
    expect(await page.evaluate(() => (globalThis as any).tesseraInt8Webgpu.packedFeature())).toBe(true);
  });
  for (const group of ['quantize', 'matmul', 'conv']) {
    it(`${group} (dot4I8Packed)`, async () => assertAllMatch(await runGroup(group, false), 3));
    it(`${group} (portable shift unpacking)`, async () => assertAllMatch(await runGroup(group, true), 3));
  }
  it('tf.quantization ops on webgpu give the bits of the js backend', async () => {
    const r = await page.evaluate(() => (globalThis as any).tesseraInt8Webgpu.opsCompare());
    expect(r.backend).toBe('webgpu');
    expect(r.ops).toBe(14);
    expect(r.diffs).toEqual([]);
  });
  it('an int8 model chains its int8 layers on webgpu: one quantize, the bits of the unchained path, near js', async () => {
    const r = await page.evaluate(() => (globalThis as any).tesseraInt8Webgpu.chainCompare());
    expect(r.backend).toBe('webgpu');
    expect(r.quantizes).toEqual([5, 1]); // unchained: one per int8 layer; chained: the model input only
    expect(r.size).toBe(15);
    expect(r.diffs).toEqual([]); // chained = unchained, bit for bit, on webgpu and on js
    // webgpu against js: a float32 rounding apart, chained or unchained alike (seen: 1 ulp in the
    // first output; the int8 ops alone match js exactly, above; the model is converted on each backend)
    expect(r.maxDiffVsJs).toBeLessThanOrEqual(1e-6);
  });
  it('an int8 CNN chains through max pools and relu / relu6 layers on webgpu: one quantize, the bits of the unchained path', async () => {
    const r = await page.evaluate(() => (globalThis as any).tesseraInt8Webgpu.chainCompare(true));
    expect(r.backend).toBe('webgpu');
    expect(r.quantizes).toEqual([3, 1]);
    expect(r.size).toBe(15);
    expect(r.diffs).toEqual([]);
    expect(r.maxDiffVsJs).toBeLessThanOrEqual(1e-6);
  });
  it('an int8 MobileNet-style model chains through average pools on webgpu: one quantize, near js', async () => {
    const r = await page.evaluate(() => (globalThis as any).tesseraInt8Webgpu.chainCompare('avg'));
    expect(r.backend).toBe('webgpu');
    expect(r.quantizes).toEqual([3, 1]);
    expect(r.size).toBe(15);
    expect(r.diffs).toEqual([]);
    // the int8 ops match js exactly (above, int8AvgPool included); the float32 dense output a rounding apart
    expect(r.maxDiffVsJs).toBeLessThanOrEqual(1e-6);
  });
  it('matmul through workgroup memory (the GPU configuration; 8 and 2 K words a step)', async () => {
    assertAllMatch(await runGroup('matmul', false, 0, true), 3);
    assertAllMatch(await runGroup('matmul', true, 3, true, 1024), 3);
  });
  it('grids folded into 2-D (maxComputeWorkgroupsPerDimension lowered to 3; tiled matMul above too)', async () => {
    assertAllMatch(await runGroup('quantize', true, 3), 3);
  });
  it('a tensor past one storage binding throws naming int8MatMul', async () => {
    const msg = await limitError('binding');
    expect(msg).toMatch(/int8MatMul/);
    expect(msg).toMatch(/maxStorageBufferBindingSize/);
  });
  it('a grid past maxComputeWorkgroupsPerDimension squared throws naming int8MatMul', async () => {
    expect(await limitError('workgroups')).toMatch(/^webgpu int8MatMul \[4, 16\] x \[300, 16\]: needs 2 workgroups of 64, more than the device allows/);
  });
});
