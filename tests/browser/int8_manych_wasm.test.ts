/**
 * The u8 broadcast int8 conv (assembly/int8_bcast.ts int8BcastRange) on many input channels, in
 * Chromium, where the wasm backend takes the u8 relaxed dot: src/backends/wasm/int8.ts routes inC a
 * multiple of 8 there when each weight byte meets at least 64 output pixels, and
 * int8InterleaveU8Weights copies whole groups of 4 when inC is a multiple of 4. int8Conv2d on wasm
 * must equal the js reference kernels bit for bit: inC 8-64, outC 12-96 (ragged against the blocks
 * of 8), 3x3 / 2x2 / 1x1 filters, stride 1 and 2, dilation 2, 'same' and 'valid', batches, zero
 * points -128 / 0 / 37, float32 outputs with bias and relu6 or none, int8 outputs; one case above the
 * pool's split threshold, and one with more weights than pixels (still int8ConvRange) beside them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness.js';
import { int8ConvVsJs, type Int8ConvCase } from './int8_conv_vs_js.js';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
}, 180_000);
afterAll(async () => {
  await h?.close();
});

// [x shape, weight shape [fh, fw, inC, outC], stride, dilation, pad]
const CASES: Int8ConvCase[] = [
  [[1, 20, 19, 32], [3, 3, 32, 64], 1, 1, 'same'], [[1, 60, 60, 64], [3, 3, 64, 96], 2, 1, 'same'],
  // above the split threshold (2^21 multiply-adds): units on both threads
  [[1, 31, 29, 64], [3, 3, 64, 64], 1, 1, 'valid'], [[3, 29, 30, 32], [3, 3, 32, 96], 2, 1, 'valid'],
  [[1, 13, 14, 32], [1, 1, 32, 64], 1, 1, 'valid'], [[1, 9, 11, 8], [3, 3, 8, 16], 1, 1, 'same'],
  [[2, 10, 9, 24], [3, 3, 24, 12], 1, 1, 'same'], [[1, 15, 14, 16], [3, 3, 16, 24], 1, 2, 'same'],
  [[1, 12, 13, 40], [2, 2, 40, 20], 2, 1, 'valid'],
  // more weight bytes than 64 per output pixel: int8ConvRange
  [[1, 6, 7, 64], [3, 3, 64, 64], 1, 1, 'same'],
];

it('int8Conv2d with inC 8-64 on the u8 broadcast path = js, bit for bit', async () => {
  const r = await int8ConvVsJs(h.page, CASES, 17, { base: 0.0005, span: 0.002 });
  expect(r.dot).toBe('u8');
  expect(r.distinct.every((n: number) => n > 20)).toBe(true);
  expect(r.mismatches).toEqual([]);
  expect(r.threads).toBeGreaterThan(1);
  console.log(`int8 many-channel cases: ${r.threads} threads, ${r.workerChunks} chunks on workers`);
}, 120_000);
