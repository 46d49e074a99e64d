/**
 * int8 kernels (issue 12) in Chromium, where the wasm backend runs the relaxed-SIMD build and its
 * int8 matMul / conv2d take the u8 relaxed dot once a probe found it exact on this engine
 * (src/backends/wasm/int8.ts); the split relaxed dot and the i16 dot run too (tf.wasm.setInt8Dot).
 * The int8 ops on wasm under each dot (2 threads, cases above the split threshold
 * too) must equal the js reference kernels bit for bit: ragged K / N, inC a multiple of 8 or not
 * (few input channels: u8 compact patches, or the i16 compact / small-conv paths),
 * strides, dilations, zero points -128 / 0 / 37, float32 and int8 outputs, bias and relu6, relu without bias;
 * and the quantized inputs themselves (quantizeInt8, split over the threads for the larger ones).
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

it('int8 matMul / conv2d / depthwise on wasm (relaxed build) = js, bit for bit', async () => {
  const r = await h.page.evaluate(async () => {
    const ts = (window as any).__tessera;
    const Q = ts.quantization;
    // [kind, x shape, weight shape, strides, dilations, pad]
    const cases: [string, number[], number[], number, number, string][] = [
      ['dense', [5, 17], [17, 9], 1, 1, ''], ['dense', [13, 33], [33, 31], 1, 1, ''], ['dense', [64, 300], [300, 130], 1, 1, ''],
      ['conv2d', [1, 8, 9, 9], [3, 3, 9, 5], 1, 2, 'same'], ['conv2d', [2, 10, 10, 1], [3, 3, 1, 4], 1, 1, 'same'], ['conv2d', [2, 7, 6, 16], [3, 2, 16, 7], 2, 1, 'valid'],
      ['conv2d', [1, 16, 16, 32], [3, 3, 32, 40], 1, 1, 'same'], ['depthwise', [1, 9, 7, 24], [3, 3, 24, 1], 2, 1, 'same'], ['dense', [9, 64], [64, 21], 1, 1, ''],
      ['conv2d', [2, 11, 10, 3], [3, 3, 3, 20], 1, 2, 'same'], ['conv2d', [1, 9, 12, 5], [3, 3, 5, 17], 2, 1, 'valid'], ['conv2d', [2, 40, 41, 3], [3, 3, 3, 40], 1, 1, 'same'],
      // few input channels: the demo CNN's second conv, RGB with stride 2 and a ragged outC, inC 1 with outC > 16
      ['conv2d', [3, 13, 13, 4], [3, 3, 4, 8], 1, 1, 'valid'], ['conv2d', [2, 15, 14, 3], [3, 3, 3, 33], 2, 1, 'same'], ['conv2d', [2, 9, 9, 1], [3, 3, 1, 19], 2, 1, 'valid'],
      // 2 output pixels (a unit of 4 with 2 past the end), a 1x1 filter
      ['conv2d', [1, 3, 2, 3], [3, 3, 3, 9], 2, 1, 'same'], ['conv2d', [1, 5, 5, 3], [1, 1, 3, 12], 1, 1, 'valid'],
      // inputs whose quantize splits over the threads (rows not a multiple of 4); inC 1 -> 4 on the u8
      // path (its biased input 4 pixels a vector, an odd pixel count), RGB -> 8
      ['conv2d', [23, 27, 27, 1], [3, 3, 1, 4], 1, 1, 'valid'], ['conv2d', [2, 61, 49, 3], [3, 3, 3, 8], 1, 1, 'same'],
      // outC 13: channels 8-11 straight out, 12 through the tile (float32 outputs)
      ['conv2d', [2, 9, 8, 3], [3, 3, 3, 13], 1, 1, 'same'],
    ];
    let seed = 5;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const inputs = cases.map(([kind, xs, ws], i) => {
      const n = xs.reduce((a, b) => a * b, 1), wn = ws.reduce((a, b) => a * b, 1);
      const ch = kind === 'dense' ? ws[1] : kind === 'conv2d' ? ws[3] : ws[2];
      return {
        x: Float32Array.from({ length: n }, () => 8 * rand() - 4), zp: [-128, 0, 37][i % 3],
        wq: Int8Array.from({ length: wn }, () => Math.floor(rand() * 255) - 127),
        scales: Float32Array.from({ length: ch }, () => 0.002 + 0.01 * rand()), bias: Float32Array.from({ length: ch }, () => rand() - 0.5),
      };
    });
    const run = async () => {
      const out: number[][] = [];
      for (const [i, [kind, xs, ws, s, d, pad]] of cases.entries()) {
        const v = inputs[i];
        const x = Q.quantizeInt8(ts.tensor(v.x, xs), 0.05, v.zp);
        out.push(Array.from(await (x.packed ?? x).data()));
        const w = Q.packedWeightsFromInt8(v.wq, v.scales, ws, kind);
        const bias = ts.tensor(v.bias);
        for (const opts of [{ bias, activation: 'relu6' }, { activation: 'relu' }, { output: { scale: 0.04, zeroPoint: [3, -128, 127][i % 3] } }]) {
          const y = kind === 'dense' ? Q.int8MatMul(x, w, opts) : kind === 'conv2d' ? Q.int8Conv2d(x, w, s, pad, d, opts) : Q.int8DepthwiseConv2d(x, w, s, pad, d, opts);
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
    const dots: Record<string, string> = {}, mismatches: string[] = [];
    let info: any, sizes: number[] = [];
    // 'auto' twice: the second pass runs the kernels after the passes before it warmed them up (the
    // probe ran first, before any tier-up: the hot code must give the same exact sums)
    for (const [pass, dot] of ['auto', 'relaxed', 'i16', 'auto'].entries()) {
      ts.wasm.setInt8Dot(dot);
      const wasm = await run();
      info = ts.memory().backends.wasm;
      dots[dot] = info.int8Dot;
      sizes = sizes.concat(wasm.map((o) => o.length));
      mismatches.push(...wasm.flatMap((o, i) => (JSON.stringify(o) === JSON.stringify(js[i]) ? [] : [`${dot} (pass ${pass}) output ${i}: ${o.slice(0, 6)} vs js ${js[i].slice(0, 6)}`])));
    }
    ts.wasm.setInt8Dot('auto');
    let badKind = '';
    try {
      ts.wasm.setInt8Dot('vnni');
    } catch (e) {
      badKind = String(e);
    }
    return { module: info.module, dots, threads: info.threads, mismatches, sizes, badKind };
  });
  expect(r.module).toBe('relaxed-simd');
  // Chromium's V8 on this x86 machine (AVX-VNNI) passes both relaxed probes: an engine that failed
  // them would run the exact i16 dot instead, and this line would say so rather than let a relaxed path go untested
  expect(r.dots).toEqual({ auto: 'u8', relaxed: 'relaxed', i16: 'i16' });
  console.log(`int8 dots in Chromium: ${JSON.stringify(r.dots)}, ${r.threads} threads`);
  expect(r.sizes.every((n: number) => n > 0)).toBe(true);
  expect(r.mismatches).toEqual([]);
  expect(r.badKind).toContain(`setInt8Dot: kind must be one of 'auto', 'u8', 'relaxed', 'i16', got "vnni"`);
});
