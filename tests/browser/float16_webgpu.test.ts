// Float16-stored weights on the webgpu backend (issue 12) in headless Chromium (SwiftShader on CPU
// machines): bundles tests/browser/float16_webgpu.page.ts and asserts that matMul (subgroup,
// direct and tiled entries; ragged shapes, transposeB, batches), conv2d and depthwiseConv2d with
// a float16-stored weight match the js backend on the same (float16-valued) weights and equal the
// float32-storage run bit for bit, without a widening dispatch; that reading such a weight back,
// or using it in any other kernel, gives its exact values; that its GPU bytes are half; and that a
// model saved with quantizeWeights 'float16' predicts and trains on webgpu as on js. Never skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openKernelPage, type KernelPage } from './kernel_page.js';
import type { OpResult } from './float16_webgpu.page.js';

let kernelPage: KernelPage | undefined;
let page: Page;

beforeAll(async () => {
  kernelPage = await openKernelPage('float16_webgpu', 'tesseraFloat16Webgpu', 'webgpu float16 weights');
  page = kernelPage.page;
});

afterAll(async () => {
  await kernelPage?.close();
});

const call = <T>(fn: string, ...args: unknown[]): Promise<T> =>
  page.evaluate((f, a) => (globalThis as any).tesseraFloat16Webgpu[f](...a), fn, args) as Promise<T>;

function assertOps(results: OpResult[]): void {
  expect(results.length).toBe(21);
  const problems = results.flatMap((r) => [
    ...(r.bad ? [`${r.name}: ${r.bad}/${r.total} off js, first ${r.first}`] : []),
    ...(r.stored ? [] : [`${r.name}: the weight is not float16-stored`]),
    ...(r.sameBits ? [] : [`${r.name}: float16 storage and float32 storage give different bits`]),
    ...(r.extraDispatches === 0 ? [] : [`${r.name}: ${r.extraDispatches} extra dispatches (a widening instead of the packed read)`]),
  ]);
  expect(problems).toEqual([]);
}

describe('webgpu float16-stored weights', () => {
  it('matMul (subgroup entry), conv2d, depthwiseConv2d vs js', async () => assertOps(await call('runOps', 'subgroup')));
  it('matMul (direct entry) vs js', async () => assertOps(await call('runOps', 'direct')));
  it('matMul (workgroup-tiled entry) vs js', async () => assertOps(await call('runOps', 'tiled')));
  it('matMul (tiled, 8 x 8 tiles: ragged tile edges) vs js', async () => assertOps(await call('runOpsSmallTiles')));

  it('reads back exactly, feeds other kernels exactly, moves to js exactly, and takes half the bytes', async () => {
    const r = await call<Record<string, any>>('readBack');
    expect(r.dataFirst).toEqual(r.wantFirst);
    expect(r).toMatchObject({ stored: true, data: true, plusOne: true, sumSame: true, moved: true });
    // 4099 elements: 2050 words (8200 bytes, pooled as 8192 + ... size classes) vs 16396 bytes
    expect(r.halfBytes).toBeGreaterThanOrEqual(2050 * 4);
    expect(r.halfBytes * 2).toBe(r.fullBytes);
    expect(r.tfHalfBytes).toBe(4099 * 2);
  });

  it('a matMul split over storage bindings widens the float16 weight first and matches js', async () => {
    const r = await call<Record<string, any>>('splitMatMul');
    expect(r.stored).toBe(true);
    expect(r.bad).toBe(0);
    expect(r.dispatches).toBeGreaterThan(2); // the widening, then the blocks of the split
  });

  it('a float16-saved model loads float16 on webgpu, predicts and trains as on js', async () => {
    const r = await call<Record<string, any>>('modelCompare');
    console.log(`float16-saved model: webgpu weight bytes ${r.weightBytesHalf} (float16) vs ${r.weightBytesFull} (float32)`);
    expect(r.weightCount).toBe(10);
    expect(r.storedHalf).toBe(r.weightCount);
    expect(r.storedFull).toBe(0);
    expect(r.storedFlagOff).toBe(0);
    expect(r.storedFlagOn).toBe(r.weightCount);
    expect(r.weightsExact).toBe(true);
    expect(r.predVsJs).toBe(true);
    expect(r.predHalfEqualsFull).toBe(true);
    expect(r.lossVsJs).toBe(true);
    expect(r.trainedVsJs).toBe(true);
    expect(r.trainedHalfEqualsFull).toBe(true);
    expect(r.storedAfterTraining).toBe(0);
    expect(r.pred2VsJs).toBe(true);
    expect(r.weightBytesHalf).toBeLessThan(r.weightBytesFull * 0.6);
  });
});
