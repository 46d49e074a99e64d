// Where the page time of the RGB first-layer conv [1,112,112,3]x[3,3,3,32] 'same' goes (issue 12), in
// headless Chromium with tessera's wasm backend: float32 conv2d and the int8 path (quantizeInt8 +
// int8Conv2d) each with and without the read-back, quantizeInt8 alone, int8Conv2d alone from
// quantized input, and the output floor (relu + read-back), timed interleaved (bench/measure.mjs)
// at 1 and 2 threads, and per op how many of its pool chunks ran on workers in 10 calls (whether it split).
// Run: node bench/int8rgb_probe.mjs [--case=<part of a bench/int8_cases.mjs conv name>: another conv]
// [--out=<name>: also bench/results/<name>.json]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';
import { INT8_CASES } from './int8_cases.mjs';

const outName = process.argv.find((a) => a.startsWith('--out='))?.slice(6);
const time = Number(process.argv.find((a) => a.startsWith('--time='))?.slice(7) ?? 1500);
const casePart = process.argv.find((a) => a.startsWith('--case='))?.slice(7) ?? '[1,112,112,3]';
const spec = INT8_CASES.find((c) => c.kind === 'conv2d' && c.name.includes(casePart));
if (!spec) throw new Error(`int8rgb_probe: no conv case in bench/int8_cases.mjs matches '${casePart}'`);
const loadBefore = loadavg()[0];
const rows = [];
// a page per thread count: the wasm backend takes its thread count once, when it starts
for (const threads of [1, 2]) rows.push(...await withBenchTab(async (tab) => tab.evaluate(async ({ time, threads, spec }) => {
  const tf = await import('/dist/tessera.js');
  const out = [];
  {
    tf.wasm.setThreadsCount(threads);
    await tf.setBackend('wasm');
    const Q = tf.quantization;
    const x = tf.randomUniform(spec.x, -1, 1, 'float32', 1), w = tf.randomUniform(spec.w, -1, 1, 'float32', 2), pad = spec.pad ?? 'same';
    const pw = Q.packWeightsPerChannel(w, 'conv2d'), { scale, zeroPoint } = Q.chooseQuantParams(-1, 1);
    const qx = Q.quantizeInt8(x, scale, zeroPoint), y0 = tf.tidy(() => tf.neg(tf.conv2d(x, w, 1, pad)));
    const it = (f, read) => ({ iteration: async () => { const y = tf.tidy(f); if (read) await y.data(); y.dispose(); } });
    const f32 = () => tf.conv2d(x, w, 1, pad), i8 = () => Q.int8Conv2d(Q.quantizeInt8(x, scale, zeroPoint), pw, 1, pad);
    const runners = {
      float32: it(f32, true), int8: it(i8, true), float32Op: it(f32, false), int8Op: it(i8, false),
      quantizeOp: it(() => Q.quantizeInt8(x, scale, zeroPoint), false), int8ConvOp: it(() => Q.int8Conv2d(qx, pw, 1, pad), false),
      floor: it(() => tf.relu(y0), true),
    };
    const keys = Object.keys(runners), samples = Object.fromEntries(keys.map((k) => [k, []]));
    for (let round = 0, t0 = performance.now(); round < 30 || performance.now() - t0 < time * keys.length; round++) {
      for (let i = 0; i < keys.length; i++) {
        const k = keys[(i + round) % keys.length];
        const t = performance.now();
        await runners[k].iteration();
        if (round >= 2) samples[k].push(performance.now() - t);
      }
    }
    const stat = (f) => Object.fromEntries(keys.map((k) => [k, f([...samples[k]].sort((a, b) => a - b))]));
    const ms = stat((v) => v[v.length >> 1]), best = stat((v) => v[0]);
    // pool chunks that ran on workers in each of 10 back-to-back calls of each op (0: the calling thread
    // ran them all, either because the op did not split or because the worker came too late for its chunks)
    const chunks = (f) => Array.from({ length: 10 }, () => { const c0 = tf.memory().backends.wasm.workerChunks; tf.tidy(f).dispose(); return tf.memory().backends.wasm.workerChunks - c0; });
    const workerChunks = { float32: chunks(f32), quantize: chunks(() => Q.quantizeInt8(x, scale, zeroPoint)), int8Conv: chunks(() => Q.int8Conv2d(qx, pw, 1, pad)) };
    out.push({ case: spec.name, threads, workerChunks, actualThreads: tf.wasm.getThreadsCount(), samples: samples.int8.length, ms, best, ratio: ms.float32 / ms.int8, ratioOp: ms.float32Op / ms.int8Op, ratioBest: best.float32 / best.int8, ratioOpBest: best.float32Op / best.int8Op });
    tf.dispose([x, w, qx, y0]); pw.dispose();
  }
  return out;
}, { time, threads, spec })));
const result = { date: new Date().toISOString(), loadAverage1min: { before: loadBefore, after: loadavg()[0] }, rows };
for (const r of rows) {
  console.log(r.threads, 'thread(s), median:', Object.entries(r.ms).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', '), `ratio ${r.ratio.toFixed(2)} op ${r.ratioOp.toFixed(2)}`);
  console.log(r.case, r.threads, 'thread(s), chunks on workers per call:', JSON.stringify(r.workerChunks));
  console.log(r.threads, 'thread(s), best:', Object.entries(r.best).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', '), `ratio ${r.ratioBest.toFixed(2)} op ${r.ratioOpBest.toFixed(2)}`);
}
console.log('load', result.loadAverage1min);
if (outName) writeFileSync(join(repoRoot, 'bench/results', `${outName}.json`), JSON.stringify(result, null, 1));
