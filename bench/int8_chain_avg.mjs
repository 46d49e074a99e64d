// `node bench/int8_chain_avg.mjs`: an int8 MobileNet-style model (conv 16 relu -> avg pool 2 -> conv 32
// relu6 -> global avg pool -> dense 4 softmax) on the wasm backend in Node, chained through its average
// pools (int8AvgPool on the codes, src/quantization/int8_chain.ts) against the same quantized model
// unchained (int8Links cleared: float32 between layers, each int8 layer quantizing its input again; what
// the linker did before average pools chained, since they broke every link of this model). The float
// model is trained first on a synthetic 4-class stripe-orientation task (16x16x3, noisy), so the
// accuracies of the float, chained and unchained int8 models on 512 held-out images mean something.
// Reports the predict plans' kernel counts, the median CPU time per predict (process.cpuUsage, one
// wasm thread, relaxed SIMD, interleaved), accuracies, and how many output argmaxes and int8 codes
// differ. Needs dist/ (npm run build). Writes bench/results/<date>_int8chain2_avg_wasm.json.
// Options: --reps=<n> (default 101); --dist=<path of a tessera.js> runs another build (e.g. the main
// checkout's before this change, for its kernel counts and accuracies) and names the file ..._<label>.json
// with --label=<label>.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { repoRoot } from '../scripts/server.mjs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const reps = Number(arg('reps') ?? 101);
const dist = arg('dist') ?? '../dist/tessera.js';
const label = arg('label') ? `_${arg('label')}` : '';

setFlagsFromString('--experimental-wasm-relaxed-simd');
const tf = await import(dist);
tf.wasm.setThreadsCount(1);
await tf.setBackend('wasm');

const S = 16;
/** n noisy images [n, S, S, 3] of stripes: class 0 horizontal, 1 vertical, 2 diagonal, 3 anti-diagonal. */
function stripes(n, seed) {
  let s = seed >>> 0;
  const r = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const px = new Float32Array(n * S * S * 3);
  const labels = [];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(r() * 4);
    labels.push(k);
    const period = 3 + Math.floor(r() * 3), phase = r() * 6, gain = 0.15 + 0.35 * r();
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      const t = [y, x, x + y, x - y][k];
      const v = gain * Math.sin((2 * Math.PI * t) / period + phase);
      for (let c = 0; c < 3; c++) px[((i * S + y) * S + x) * 3 + c] = v * (0.6 + 0.2 * c) + (r() - 0.5) * 2.5;
    }
  }
  return { xs: tf.tensor(px, [n, S, S, 3]), labels };
}

const init = (seed) => tf.initializers.glorotUniform({ seed });
const model = tf.sequential({ layers: [
  tf.layers.conv2d({ inputShape: [S, S, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
  tf.layers.averagePooling2d({ poolSize: 2 }),
  tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu6', kernelInitializer: init(2) }),
  tf.layers.globalAveragePooling2d({}),
  tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init(3) }),
] });
const train = stripes(1024, 7);
const test = stripes(512, 99);
model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
await model.fit(train.xs, tf.tensor1d(train.labels, 'int32'), { epochs: 4, batchSize: 32, shuffle: false, verbose: 0 });

const calib = train.xs.slice([0, 0, 0, 0], [256, S, S, 3]);
const chained = await tf.quantization.quantize(model, { calibrationData: calib });
const unchained = await tf.quantization.quantize(model, { calibrationData: calib });
for (const l of unchained.layers) if (l.int8Links) Object.assign(l.int8Links, { int8Input: false, int8Output: null });

const argmaxes = (m) => Array.from(tf.argMax(m.predict(test.xs), -1).dataSync());
const acc = (pred) => pred.filter((p, i) => p === test.labels[i]).length / test.labels.length;
const preds = { float32: argmaxes(model), chained: argmaxes(chained), unchained: argmaxes(unchained) };

// timing: batch 64 of the test images, interleaved
const x = test.xs.slice([0, 0, 0, 0], [64, S, S, 3]);
const runs = { float32: model, unchained, chained };
const samples = { float32: [], unchained: [], chained: [] };
for (let r = 0; r < reps + 2; r++) {
  for (const k of Object.keys(runs)) {
    const c0 = process.cpuUsage();
    const y = runs[k].predict(x);
    y.dataSync();
    const d = process.cpuUsage(c0);
    y.dispose();
    if (r >= 2) samples[k].push((d.user + d.system) / 1000);
  }
}
const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const plan = (m) => tf.debug.plan(m, x);
const kernelsOf = (m) => plan(m).plan.steps.map((s) => s.kernel);
const outC = Array.from(chained.predict(test.xs).dataSync());
const outU = Array.from(unchained.predict(test.xs).dataSync());
const result = {
  bench: 'int8chain2_avg', dist, backend: 'wasm', threads: 1,
  timing: 'median CPU ms per predict of [64,16,16,3] (process.cpuUsage), Node, relaxed SIMD, interleaved', reps,
  model: 'conv 16 relu -> avgPool 2 -> conv 32 relu6 -> globalAvgPool -> dense 4 softmax, input [16,16,3]',
  date: new Date().toISOString(), node: process.version, cpus: cpus().length, loadavg: loadavg(),
  kernels: {
    unchained: plan(unchained).kernels, chained: plan(chained).kernels,
    unchainedSteps: kernelsOf(unchained), chainedSteps: kernelsOf(chained),
  },
  cpuMs: { float32: med(samples.float32), unchained: med(samples.unchained), chained: med(samples.chained) },
  accuracy: { float32: acc(preds.float32), int8Unchained: acc(preds.unchained), int8Chained: acc(preds.chained), heldOut: test.labels.length },
  argmaxDiffChainedVsUnchained: preds.chained.filter((p, i) => p !== preds.unchained[i]).length,
  argmaxDiffChainedVsFloat: preds.chained.filter((p, i) => p !== preds.float32[i]).length,
  maxAbsProbDiffChainedVsUnchained: outC.reduce((m, v, i) => Math.max(m, Math.abs(v - outU[i])), 0),
};
result.speedupVsUnchained = result.cpuMs.unchained / result.cpuMs.chained;
const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '');
mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
const file = join(repoRoot, `bench/results/${stamp}_int8chain2_avg_wasm${label}.json`);
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
console.log(`wrote ${file}`);
