// The attention kernel reading and writing heads packed in the last axis (attr `heads`) on webgpu
// in headless Chromium (SwiftShader on CPU machines): bundles tests/browser/attention_packed_webgpu.page.ts
// and asserts, for the tiled (workgroup memory), direct and subgroup entries, that
// attentionPackedHeads' forward is one attention kernel call whose values, gradients (attentionGrad
// over the saved lse) and raw out / lse match the js backend's head-split path; that packed heads
// which do not fit are a clear error; and that a transformer predict issues 4 dispatches fewer than
// the head-split path with the same prediction. Never skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { assertAllMatch, openKernelPage, type KernelPage } from './kernel_page.js';
import type { PackedCase } from './attention_packed_webgpu.page.js';

let kernelPage: KernelPage | undefined;
let page: Page;

beforeAll(async () => {
  kernelPage = await openKernelPage('attention_packed_webgpu', 'tesseraAttentionPacked', 'webgpu packed attention');
  page = kernelPage.page;
}, 180_000);

afterAll(async () => {
  await kernelPage?.close();
});

const call = <T>(fn: string, ...args: unknown[]): Promise<T> =>
  page.evaluate((f, a) => (globalThis as any).tesseraAttentionPacked[f](...a), fn, args) as Promise<T>;

/** headDim 7 (not a multiple of 4), 16 and 128 (vec4 rows), seqQ above and below seqK, > 1 query and key tiles. */
const CASES: PackedCase[] = [
  [2, 3, 5, 4, 7, false],
  [2, 3, 5, 4, 7, true], // row 0 sees no key
  [1, 2, 3, 70, 7, true],
  [2, 4, 17, 17, 16, true],
  [1, 2, 4, 3, 128, false],
];

describe('attention with packed heads on webgpu', () => {
  it.each(['tiled', 'direct', 'subgroup'])('%s entry: forward, gradients, out and lse match js', async (config) => {
    assertAllMatch(await call('runPacked', config, CASES), 6 * CASES.length - 1);
  }, 300_000);

  it('packed heads that do not fit: a clear error', async () => {
    const [notMultiple, stride] = await call<string[]>('kernelErrors');
    expect(notMultiple).toMatch(/^webgpu attention: heads 2 needs bh 3 % heads = 0/);
    expect(stride).toMatch(/^webgpu attention: heads 3 needs .*kvStride 6 = seqK 5/);
  });

  it('a transformer predict issues 4 dispatches fewer than the head-split path (planned and eager)', async () => {
    type Counts = { planned: number; eager: number; values: number[] };
    const r = await call<{ packed: Counts; split: Counts; maxDiff: number }>('predictDispatches');
    console.log(`transformerEncoder predict on webgpu: planned ${r.packed.planned} dispatches (head-split path ${r.split.planned}), ` +
      `eager ${r.packed.eager} (${r.split.eager})`);
    expect(r.packed.planned).toBe(r.split.planned - 4);
    expect(r.packed.eager).toBe(r.split.eager - 4);
    expect(r.packed.values.length).toBe(2 * 8 * 16);
    expect(r.maxDiff).toBeLessThan(1e-4);
  }, 120_000);
});
