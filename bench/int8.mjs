// `node bench/int8.mjs`: tessera's int8 ops (tf.quantization) against its own float32 ops on the
// wasm backend, same shapes, timed interleaved in one headless Chromium page (bench/int8_page.mjs)
// served like the other benches (COOP/COEP, so the worker pool runs). Needs dist/ (node
// scripts/build.mjs). Then, because wall-clock times on a shared machine follow its load more than
// the kernels, the same cases once more in this Node process on one thread, timed in CPU time
// (process.cpuUsage) with the relaxed-SIMD build that Chromium runs (V8 flag). Both passes end with
// model rows (bench/int8_models.mjs): a float32 model against its quantize'd int8 form, predict. The page
// times each case with the read-back of the result (data()) and without it (the ops alone). Writes
// bench/results/<date>_int8_wasm.json and prints both tables.
// Options: --threads=<n> (default 2), --time=<ms per library per case> (default 1000), --iterations=<min> (default 5),
// --cpu-reps=<n> (default 15; 0 skips the CPU-time pass), --tag=<s> (appended to the JSON's name).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { launchChromium } from '../scripts/chromium.mjs';
import { INT8_CASES } from './int8_cases.mjs';
import { int8Models, buildModelPair } from './int8_models.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const options = {
  threads: Number(arg('threads', 2)), time: Number(arg('time', 1000)), iterations: Number(arg('iterations', 5)), cpuReps: Number(arg('cpu-reps', 15)),
  tag: arg('tag', ''),
};

/** Median CPU milliseconds (user + system of this process) per call of float32 and int8 for each case, one wasm thread. */
async function cpuTimes(cases, reps) {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  const tf = await import('../dist/tessera.js');
  tf.wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  const Q = tf.quantization;
  const rows = [];
  for (const c of cases) {
    const x = tf.randomUniform(c.x, -1, 1, 'float32', 1);
    const w = tf.randomUniform(c.w, -1, 1, 'float32', 2);
    const pw = Q.packWeightsPerChannel(w, c.kind);
    const { scale, zeroPoint } = Q.chooseQuantParams(-1, 1);
    const runs = {
      float32: () => (c.kind === 'dense' ? tf.matMul(x, w) : tf.conv2d(x, w, 1, c.pad ?? 'same')),
      int8: () => tf.tidy(() => {
        const q = Q.quantizeInt8(x, scale, zeroPoint);
        return c.kind === 'dense' ? Q.int8MatMul(q, pw) : Q.int8Conv2d(q, pw, 1, c.pad ?? 'same');
      }),
    };
    const samples = { float32: [], int8: [] };
    for (let r = 0; r < reps + 2; r++) {
      for (const k of Object.keys(runs)) {
        const c0 = process.cpuUsage();
        const y = runs[k]();
        y.dataSync();
        y.dispose();
        const d = process.cpuUsage(c0);
        if (r >= 2) samples[k].push((d.user + d.system) / 1000);
      }
    }
    const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
    const row = { case: c.name, float32CpuMs: med(samples.float32), int8CpuMs: med(samples.int8) };
    row.speedup = row.float32CpuMs / row.int8CpuMs;
    rows.push(row);
    tf.dispose([x, w]);
    pw.dispose();
  }
  const modelRows = [];
  for (const spec of int8Models(tf)) {
    const p = await buildModelPair(tf, spec);
    const samples = { float32: [], int8: [] };
    for (let r = 0; r < reps + 2; r++) {
      for (const k of ['float32', 'int8']) {
        const c0 = process.cpuUsage();
        const y = p[k].predict(p.x);
        y.dataSync();
        y.dispose();
        const d = process.cpuUsage(c0);
        if (r >= 2) samples[k].push((d.user + d.system) / 1000);
      }
    }
    const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
    const row = { model: spec.name, float32CpuMs: med(samples.float32), int8CpuMs: med(samples.int8) };
    row.speedup = row.float32CpuMs / row.int8CpuMs;
    modelRows.push(row);
    p.dispose();
  }
  const info = tf.memory().backends?.wasm ?? {};
  return { threads: tf.wasm.getThreadsCount(), kernelBuild: info.module ?? null, int8Dot: info.int8Dot ?? null, node: process.version, reps, rows, modelRows };
}

const server = await startServer({ routes: { '/bench/int8.html': { body: '<!doctype html><meta charset="utf-8"><title>tessera int8 bench</title>' } } });
const browser = await launchChromium();
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => {
    if (m.text().startsWith('[bench]') || m.type() === 'error') console.log(m.text());
  });
  tab.on('pageerror', (e) => console.error('[page error]', e.message));
  await tab.goto(`${server.url}/bench/int8.html`);
  const loadBefore = loadavg()[0];
  const result = await tab.evaluate(async (o) => (await import('/bench/int8_page.mjs')).runInt8Bench(o), options);
  result.options = options;
  result.cpu = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`;
  result.loadAverage1min = { before: loadBefore, after: loadavg()[0] };
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  const file = join(repoRoot, 'bench/results', `${result.date.slice(0, 16).replace(/[-:]/g, '').replace('T', 'T')}_int8_wasm${options.tag ? `_${options.tag}` : ''}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\n${result.userAgent}\nthreads ${result.threads}, build ${result.kernelBuild}, int8 dot ${result.int8Dot}, crossOriginIsolated ${result.crossOriginIsolated}, load ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}\n`);
  const ms = (t) => (t?.ms ? `${t.ms.toFixed(2)} ms (${t.gmacs.toFixed(1)} GMAC/s)` : t?.error ?? 'n/a');
  console.log('| case | float32 | int8 (quantize + op) | int8 op only | speedup | speedup (op only) | output floor (relu + read back) | max rel. error |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of result.rows) {
    console.log(`| ${r.case} | ${ms(r.float32)} | ${ms(r.int8)} | ${ms(r.int8Kernel)} | ${r.speedup?.toFixed(2)}x | ${r.speedupKernel?.toFixed(2)}x | ${r.outputFloor?.ms?.toFixed(2) ?? '-'} ms | ${r.maxRelError.toExponential(1)} |`);
  }
  console.log('\nWithout the read-back (the ops alone, results disposed):');
  console.log('| case | float32 | int8 (quantize + op) | int8 op only | speedup | speedup (op only) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of result.rows) {
    console.log(`| ${r.case} | ${ms(r.float32NoRead)} | ${ms(r.int8NoRead)} | ${ms(r.int8KernelNoRead)} | ${r.speedupNoRead?.toFixed(2)}x | ${r.speedupKernelNoRead?.toFixed(2)}x |`);
  }
  console.log('\n| model | float32 predict | int8 predict | speedup |');
  console.log('|---|---|---|---|');
  for (const r of result.modelRows) console.log(`| ${r.model} | ${r.float32?.ms?.toFixed(2) ?? r.float32?.error} ms | ${r.int8?.ms?.toFixed(2) ?? r.int8?.error} ms | ${r.speedup?.toFixed(2)}x |`);
  if (options.cpuReps > 0) {
    result.nodeCpu = await cpuTimes(INT8_CASES, options.cpuReps);
    writeFileSync(file, JSON.stringify(result, null, 2));
    console.log(`\nNode ${process.version}, 1 thread, CPU time (median of ${options.cpuReps}), build ${result.nodeCpu.kernelBuild}, int8 dot ${result.nodeCpu.int8Dot}:`);
    console.log('| case | float32 CPU ms | int8 CPU ms (quantize + op) | speedup |');
    console.log('|---|---|---|---|');
    for (const r of result.nodeCpu.rows) console.log(`| ${r.case} | ${r.float32CpuMs.toFixed(2)} | ${r.int8CpuMs.toFixed(2)} | ${r.speedup.toFixed(2)}x |`);
    for (const r of result.nodeCpu.modelRows) console.log(`| ${r.model} (predict) | ${r.float32CpuMs.toFixed(2)} | ${r.int8CpuMs.toFixed(2)} | ${r.speedup.toFixed(2)}x |`);
  }
  console.log(`\nwrote ${file}`);
} finally {
  await browser.close();
  await server.close();
}
