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

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
}, 180_000);
afterAll(async () => {
  await h?.close();
});

it('int8Conv2d with inC 8-64 on the u8 broadcast path = js, bit for bit', async () => {
  const r = await h.page.evaluate(async () => {
    const ts = (window as any).__tessera;
    const Q = ts.quantization;
    // [x shape, weight shape [fh, fw, inC, outC], stride, dilation, pad]
    const cases: [number[], number[], number, number, string][] = [
      [[1, 20, 19, 32], [3, 3, 32, 64], 1, 1, 'same'], [[1, 60, 60, 64], [3, 3, 64, 96], 2, 1, 'same'],
      // above the split threshold (2^21 multiply-adds): units on both threads
      [[1, 31, 29, 64], [3, 3, 64, 64], 1, 1, 'valid'], [[3, 29, 30, 32], [3, 3, 32, 96], 2, 1, 'valid'],
      [[1, 13, 14, 32], [1, 1, 32, 64], 1, 1, 'valid'], [[1, 9, 11, 8], [3, 3, 8, 16], 1, 1, 'same'],
      [[2, 10, 9, 24], [3, 3, 24, 12], 1, 1, 'same'], [[1, 15, 14, 16], [3, 3, 16, 24], 1, 2, 'same'],
      [[1, 12, 13, 40], [2, 2, 40, 20], 2, 1, 'valid'],
      // more weight bytes than 64 per output pixel: int8ConvRange
      [[1, 6, 7, 64], [3, 3, 64, 64], 1, 1, 'same'],
    ];
    let seed = 17;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const inputs = cases.map(([xs, ws], i) => ({
      x: Float32Array.from({ length: xs.reduce((a, b) => a * b, 1) }, () => 8 * rand() - 4), zp: [-128, 0, 37][i % 3],
      wq: Int8Array.from({ length: ws.reduce((a, b) => a * b, 1) }, () => Math.floor(rand() * 255) - 127),
      scales: Float32Array.from({ length: ws[3] }, () => 0.0005 + 0.002 * rand()), bias: Float32Array.from({ length: ws[3] }, () => rand() - 0.5),
    }));
    const run = async () => {
      const out: number[][] = [];
      for (const [i, [xs, ws, s, d, pad]] of cases.entries()) {
        const v = inputs[i];
        const x = Q.quantizeInt8(ts.tensor(v.x, xs), 0.05, v.zp);
        const w = Q.packedWeightsFromInt8(v.wq, v.scales, ws, 'conv2d');
        const bias = ts.tensor(v.bias);
        for (const opts of [{ bias, activation: 'relu6' }, {}, { output: { scale: 0.04, zeroPoint: [3, -128, 127][i % 3] } }]) {
          const y = Q.int8Conv2d(x, w, s, pad, d, opts);
          out.push(Array.from(await (y.packed ?? y).data()));
          y.dispose();
        }
        x.dispose(); w.dispose(); bias.dispose();
      }
      return out;
    };
    await ts.setBackend('js');
    const js = await run();
    await ts.setBackend('wasm');
    const chunks = ts.memory().backends.wasm.workerChunks;
    const wasm = await run();
    const info = ts.memory().backends.wasm;
    const mismatches = wasm.flatMap((o, i) => {
      if (JSON.stringify(o) === JSON.stringify(js[i])) return [];
      const bad = o.findIndex((v, k) => !Object.is(v, js[i][k]));
      return [`case ${Math.floor(i / 3)} output ${i % 3}: first difference at ${bad}: ${o[bad]} vs js ${js[i][bad]}`];
    });
    // how many distinct values each output holds (a constant output would test little)
    const distinct = js.map((o) => new Set(o).size);
    return { dot: info.int8Dot, threads: info.threads, workerChunks: info.workerChunks - chunks, mismatches, distinct };
  });
  expect(r.dot).toBe('u8');
  expect(r.distinct.every((n: number) => n > 20)).toBe(true);
  expect(r.mismatches).toEqual([]);
  expect(r.threads).toBeGreaterThan(1);
  console.log(`int8 many-channel cases: ${r.threads} threads, ${r.workerChunks} chunks on workers`);
}, 120_000);
