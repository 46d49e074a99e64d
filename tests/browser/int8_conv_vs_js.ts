/**
 * Shared by the int8 conv browser tests (int8_tail_wasm, int8_manych_wasm): runs int8Conv2d on a list of
 * conv cases on the js backend, then on wasm, in the harness page, and reports every output that is not
 * bit-identical. Each case runs three epilogues (bias + relu6, none, an int8 output) on input quantized
 * with zero points -128 / 0 / 37 in turn; inputs and weights come from a seeded generator.
 */
import type { Page } from 'puppeteer-core';

/** [x shape, weight shape [fh, fw, inC, outC], stride, dilation, pad]. */
export type Int8ConvCase = [number[], number[], number, number, string];

export interface Int8ConvVsJs {
  /** The int8 dot the wasm backend ran (memory().backends.wasm.int8Dot). */
  dot: string;
  threads: number;
  /** Pool chunks that ran on a worker during the wasm pass (scheduling-dependent: log it, do not assert it). */
  workerChunks: number;
  /** One line per output that differs from js: case, output, first differing index and both values. */
  mismatches: string[];
  /** Length and number of distinct values of each js output (an empty or constant output would test little). */
  sizes: number[];
  distinct: number[];
}

/** `scales`: weight scales drawn in [base, base + span). */
export function int8ConvVsJs(page: Page, cases: Int8ConvCase[], seed: number, scales: { base: number; span: number }): Promise<Int8ConvVsJs> {
  return page.evaluate(async (cases, seed0, scales) => {
    const ts = (window as any).__tessera;
    const Q = ts.quantization;
    let seed = seed0;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const inputs = cases.map(([xs, ws], i) => ({
      x: Float32Array.from({ length: xs.reduce((a, b) => a * b, 1) }, () => 8 * rand() - 4), zp: [-128, 0, 37][i % 3],
      wq: Int8Array.from({ length: ws.reduce((a, b) => a * b, 1) }, () => Math.floor(rand() * 255) - 127),
      scales: Float32Array.from({ length: ws[3] }, () => scales.base + scales.span * rand()), bias: Float32Array.from({ length: ws[3] }, () => rand() - 0.5),
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
    return {
      dot: info.int8Dot, threads: info.threads, workerChunks: info.workerChunks - chunks, mismatches,
      sizes: js.map((o) => o.length), distinct: js.map((o) => new Set(o).size),
    };
  }, cases, seed, scales);
}
