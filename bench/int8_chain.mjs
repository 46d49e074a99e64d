// `node bench/int8_chain.mjs`: predict time of int8 models on the wasm backend in Node with the int8
// chain (consecutive int8 layers pass packed int8, src/quantization/int8_chain.ts) against the same
// quantized model unchained (int8Links cleared: float32 between layers, each int8 layer quantizing its
// input again; the path before the chain). Same weights, same input, interleaved, median CPU time
// (process.cpuUsage) per predict on one wasm thread with the relaxed-SIMD build Chromium runs.
// Models: bench/int8_models.mjs (demo CNN, MLP 784-512-512-10, CNN 32->64) and an Iris-sized MLP.
// Needs dist/ (npm run build). Writes bench/results/<date>_int8_chain_wasm.json.
// Reports the predict plans' kernel counts too. Options: --reps=<n> (default 101).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { int8Models } from './int8_models.mjs';
import { repoRoot } from '../scripts/server.mjs';

const reps = Number(process.argv.find((a) => a.startsWith('--reps='))?.split('=')[1] ?? 101);

setFlagsFromString('--experimental-wasm-relaxed-simd');
const tf = await import('../dist/tessera.js');
tf.wasm.setThreadsCount(1);
await tf.setBackend('wasm');

const init = (seed) => tf.initializers.glorotUniform({ seed });
const specs = [
  ...int8Models(tf),
  {
    name: 'Iris-sized MLP 4-128-64-3 [150,4]',
    x: [150, 4],
    model: () => tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [4], units: 128, activation: 'relu', kernelInitializer: init(21) }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(22) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(23) }),
    ] }),
  },
];

const rows = [];
for (const spec of specs) {
  const x = tf.randomUniform(spec.x, 0, 1, 'float32', 11);
  const float32 = spec.model();
  const chained = await tf.quantization.quantize(float32, { calibrationData: x });
  const unchained = await tf.quantization.quantize(float32, { calibrationData: x });
  for (const l of unchained.layers) if (l.int8Links) Object.assign(l.int8Links, { int8Input: false, int8Output: null });
  const links = chained.layers.filter((l) => l.int8Links?.int8Output).length;
  const runs = { unchained, chained };
  const samples = { unchained: [], chained: [] };
  const outputs = {};
  for (let r = 0; r < reps + 2; r++) {
    for (const k of Object.keys(runs)) {
      const c0 = process.cpuUsage();
      const y = runs[k].predict(x);
      const v = y.dataSync();
      const d = process.cpuUsage(c0);
      if (r === 0) outputs[k] = Array.from(v);
      y.dispose();
      if (r >= 2) samples[k].push((d.user + d.system) / 1000);
    }
  }
  const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
  const row = {
    model: spec.name, chainLinks: links, unchainedCpuMs: med(samples.unchained), chainedCpuMs: med(samples.chained),
    unchainedKernels: tf.debug.plan(unchained, x).kernels, chainedKernels: tf.debug.plan(chained, x).kernels,
    identicalOutputs: outputs.chained.every((v, i) => Object.is(v, outputs.unchained[i])),
  };
  row.speedup = row.unchainedCpuMs / row.chainedCpuMs;
  rows.push(row);
  x.dispose();
  float32.dispose();
  chained.dispose();
  unchained.dispose();
}

const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace(/^(\d{8})T/, (m, d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}T`);
const result = {
  bench: 'int8_chain', backend: 'wasm', threads: 1, timing: 'median CPU ms per predict (process.cpuUsage), Node, relaxed SIMD', reps,
  date: new Date().toISOString(), node: process.version, cpus: cpus().length, loadavg: loadavg(), rows,
};
mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
const file = join(repoRoot, `bench/results/${stamp}_int8_chain_wasm.json`);
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.table(rows);
console.log(`wrote ${file}`);
