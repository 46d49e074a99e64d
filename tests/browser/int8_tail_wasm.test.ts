/**
 * The u8 broadcast int8 conv's tail group (assembly/int8_bcast.ts hasTail: filter rows of fw * inC
 * values = 1 mod 4 and at most 4 of them, e.g. a 3x3 RGB filter's 9, put their last values in one
 * shared group) in Chromium, where the wasm backend takes the u8 relaxed dot: int8Conv2d on wasm must
 * equal the js reference kernels bit for bit. Tail shapes (3x3 and 3x7 with 3 channels, 3x5 and
 * 1x1 with 1 channel, 4 filter rows, dilation 2, stride 2, batches whose units wrap images) with
 * ragged heights / widths / outC, next to their neighbours without a tail (5 filter rows, inC 2 and 4),
 * on the page's 2-thread pool (one case above its split threshold).
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
const TAIL_CASES: Int8ConvCase[] = [
  [[1, 13, 11, 3], [3, 3, 3, 32], 1, 1, 'same'], [[3, 5, 6, 3], [3, 3, 3, 8], 1, 1, 'same'], [[1, 9, 15, 3], [3, 7, 3, 20], 1, 1, 'same'],
  [[2, 11, 9, 1], [3, 5, 1, 12], 1, 1, 'same'], [[1, 5, 7, 1], [1, 1, 1, 9], 1, 1, 'valid'], [[2, 10, 7, 3], [4, 3, 3, 16], 1, 1, 'valid'],
  [[1, 14, 13, 3], [3, 3, 3, 27], 2, 1, 'same'], [[2, 12, 11, 3], [3, 3, 3, 12], 1, 2, 'same'], [[1, 4, 3, 3], [3, 3, 3, 5], 1, 1, 'same'],
  // above the pool's split threshold (2^21 multiply-adds): units on both threads
  [[2, 47, 45, 3], [3, 3, 3, 32], 1, 1, 'same'],
  // no tail: 5 filter rows of 5 values, 6 and 12 values a row
  [[1, 12, 10, 1], [5, 5, 1, 8], 1, 1, 'same'], [[1, 9, 10, 2], [3, 3, 2, 8], 1, 1, 'same'], [[2, 7, 9, 4], [3, 3, 4, 9], 1, 1, 'valid'],
];

it('int8Conv2d on the u8 path, with and without the tail group = js, bit for bit', async () => {
  const r = await int8ConvVsJs(h.page, TAIL_CASES, 11, { base: 0.002, span: 0.01 });
  // the u8 dot (int8BcastRange) ran: an engine without it would run the i16 paths and this line would say so
  expect(r.dot).toBe('u8');
  expect(r.sizes.every((n: number) => n > 0)).toBe(true);
  expect(r.mismatches).toEqual([]);
  // the page's pool has 2 threads, so the case above its threshold was split into chunks (whether a
  // worker took any is up to scheduling on a loaded machine: workerChunks is logged, not asserted)
  expect(r.threads).toBeGreaterThan(1);
  console.log(`int8 tail cases: ${r.threads} threads, ${r.workerChunks} chunks on workers`);
});

it('quantizeInt8 of 3-value rows (RGB pixels, 4 a step) and int8Conv2d on inC 3 (its input biased 4 pixels a step) = js, bit for bit', async () => {
  const r = await h.page.evaluate(async () => {
    const ts = (window as any).__tessera;
    const Q = ts.quantization;
    // pixel counts 1-7 (steps of 4 and the rows after them), one that splits over the threads, an odd one
    const shapes = [[1, 3], [2, 3], [3, 3], [4, 3], [5, 3], [7, 3], [1, 113, 97, 3], [1, 5, 9, 3]];
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const values = shapes.map((s, i) => {
      const v = Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => 16 * rand() - 8);
      // extremes past the int8 range, NaN, infinities, -0 and halves (round half to even)
      if (i === 5) v.set([NaN, Infinity, -Infinity, -0, 1e30, -1e30, 0.025, 0.075, -0.125, 0.175, 6.4, -6.45]);
      return v;
    });
    const run = async () => {
      const out: number[][] = [];
      for (const [i, s] of shapes.entries()) {
        const q = Q.quantizeInt8(ts.tensor(values[i], s), 0.05, [-128, 0, 37, 127][i % 4]);
        out.push(Array.from(await q.packed.data()));
        if (s.length === 4) {
          const w = Q.packedWeightsFromInt8(Int8Array.from({ length: 27 * 8 }, (_, k) => ((k * 37) % 255) - 127), new Float32Array(8).fill(0.01), [3, 3, 3, 8], 'conv2d');
          const y = Q.int8Conv2d(q, w, 1, 'same');
          out.push(Array.from(await y.data()));
          y.dispose(); w.dispose();
        }
        q.dispose();
      }
      return out;
    };
    await ts.setBackend('js');
    const js = await run();
    await ts.setBackend('wasm');
    const wasm = await run();
    const mismatches = wasm.flatMap((o, i) => (JSON.stringify(o) === JSON.stringify(js[i]) ? [] : [`output ${i}: ${o.slice(0, 8)} vs js ${js[i].slice(0, 8)}`]));
    return { mismatches, sizes: js.map((o) => o.length), module: ts.memory().backends.wasm.module, threads: ts.memory().backends.wasm.threads };
  });
  expect(r.module).toBe('relaxed-simd');
  expect(r.threads).toBeGreaterThan(1);
  expect(r.sizes.every((n: number) => n > 0)).toBe(true);
  expect(r.mismatches).toEqual([]);
});
