// Page-level A/B of two tessera builds on the RGB first-layer conv [1,112,112,3]x[3,3,3,32] 'same'
// (issue 12; --case=<part of a bench/int8_cases.mjs conv name> takes another), in headless Chromium: tessera loaded twice in one page (/dist/tessera.js and a copy of
// dist/ with another kernel module, default build/ab/dist_base/), each with its own wasm backend and
// pool; per thread count (1, 2) float32 conv2d and int8 (quantizeInt8 + int8Conv2d), each read back
// with data(), and both without the read-back (NoRead: results disposed), timed interleaved (a round runs each once, the order rotating; two warm-up
// rounds), median and best (the machine is shared: the best is the least disturbed), plus each
// build's ratio float32 / int8 of both. The base: `cp -r dist build/ab/dist_base` then the other
// build's tessera-relaxed.wasm over build/ab/dist_base/tessera-relaxed.wasm (same JS, another kernel module). Run: node bench/int8rgb_page_ab.mjs [--base=<dir under the repo>] [--time=<ms>] [--out=<name>]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';
import { INT8_CASES } from './int8_cases.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const base = arg('base', 'build/ab/dist_base'), time = Number(arg('time', 1500)), outName = arg('out', '');
const casePart = arg('case', '[1,112,112,3]');
const spec = INT8_CASES.find((c) => c.kind === 'conv2d' && c.name.includes(casePart));
if (!spec) throw new Error(`int8rgb_page_ab: no conv case in bench/int8_cases.mjs matches '${casePart}'`);
const loadBefore = loadavg()[0];
const rows = [];
// a page per thread count: the wasm backend takes its thread count once, when it starts
for (const threads of [1, 2]) rows.push(...await withBenchTab(async (tab) => tab.evaluate(async ({ base, time, threads, spec }) => {
  const libs = { base: await import(`/${base}/tessera.js`), new: await import('/dist/tessera.js') };
  const out = [];
  {
    const runners = {}, keep = [];
    for (const [name, tf] of Object.entries(libs)) {
      tf.wasm.setThreadsCount(threads);
      await tf.setBackend('wasm');
      const Q = tf.quantization;
      const x = tf.randomUniform(spec.x, -1, 1, 'float32', 1), w = tf.randomUniform(spec.w, -1, 1, 'float32', 2), pad = spec.pad ?? 'same';
      const pw = Q.packWeightsPerChannel(w, 'conv2d'), { scale, zeroPoint } = Q.chooseQuantParams(-1, 1);
      keep.push(() => { tf.dispose([x, w]); pw.dispose(); });
      const it = (f, read = true) => ({ iteration: async () => { const y = tf.tidy(f); if (read) await y.data(); y.dispose(); } });
      const f32 = () => tf.conv2d(x, w, 1, pad), i8 = () => Q.int8Conv2d(Q.quantizeInt8(x, scale, zeroPoint), pw, 1, pad);
      runners[`${name}Float32`] = it(f32);
      runners[`${name}Int8`] = it(i8);
      runners[`${name}Float32NoRead`] = it(f32, false);
      runners[`${name}Int8NoRead`] = it(i8, false);
    }
    const keys = Object.keys(runners), samples = Object.fromEntries(keys.map((k) => [k, []]));
    for (let round = 0, t0 = performance.now(); round < 20 || performance.now() - t0 < time * keys.length; round++) {
      for (let i = 0; i < keys.length; i++) {
        const k = keys[(i + round) % keys.length];
        const t = performance.now();
        await runners[k].iteration();
        if (round >= 2) samples[k].push(performance.now() - t);
      }
    }
    const stat = (f) => Object.fromEntries(keys.map((k) => [k, f([...samples[k]].sort((a, b) => a - b))]));
    const ms = stat((s) => s[s.length >> 1]), best = stat((s) => s[0]);
    out.push({ threads, actualThreads: Object.values(libs).map((tf) => tf.wasm.getThreadsCount()), ms, best, samples: samples.newInt8.length,
      ratio: { base: ms.baseFloat32 / ms.baseInt8, new: ms.newFloat32 / ms.newInt8 },
      ratioNoRead: { base: ms.baseFloat32NoRead / ms.baseInt8NoRead, new: ms.newFloat32NoRead / ms.newInt8NoRead }, ratioBest: { base: best.baseFloat32 / best.baseInt8, new: best.newFloat32 / best.newInt8 } });
    keep.forEach((f) => f());
  }
  return out;
}, { base, time, threads, spec })));
const result = { date: new Date().toISOString(), case: spec.name, base, loadAverage1min: { before: loadBefore, after: loadavg()[0] }, rows };
for (const r of rows) {
  console.log(`${r.threads} thread(s), median: ${Object.entries(r.ms).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}; float32 / int8: base ${r.ratio.base.toFixed(2)}x, new ${r.ratio.new.toFixed(2)}x; no read-back: base ${r.ratioNoRead.base.toFixed(2)}x, new ${r.ratioNoRead.new.toFixed(2)}x`);
  console.log(`${r.threads} thread(s), best: ${Object.entries(r.best).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')}; float32 / int8: base ${r.ratioBest.base.toFixed(2)}x, new ${r.ratioBest.new.toFixed(2)}x`);
}
console.log('load', result.loadAverage1min);
if (outName) writeFileSync(join(repoRoot, 'bench/results', `${outName}.json`), JSON.stringify(result, null, 1));
