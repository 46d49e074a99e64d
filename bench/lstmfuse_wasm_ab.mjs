// The fused LSTM cell on a CPU backend (default wasm), in Node on the built bundle: median ms of one awaited
// trainOnBatch of the bench LSTM step (seq 32, features 32, units 128, batch 32, Adam; bench/training_cases.mjs)
// in four modes on four model copies timed in turns: TRAIN_PLAN off / on x LSTM_FUSED_CELL false / true. It is
// why LSTM_FUSED_CELL defaults to 'webgpu' (the fused cell's scalar loop against the unfused SIMD kernels).
// Usage: node scripts/build.mjs && node bench/lstmfuse_wasm_ab.mjs [backend] [reps] [out.json]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '../dist/tessera.js';

const backend = process.argv[2] ?? 'wasm';
const reps = Number(process.argv[3] ?? 20);
await tf.setBackend(backend);
const loadStart = loadavg();
const x = tf.randomNormal([32, 32, 32], 0, 1, 'float32', 21), y = tf.randomNormal([32, 1], 0, 1, 'float32', 22);
const modes = [[false, false], [true, false], [false, true], [true, true]];
const models = modes.map(() => {
  const m = tf.sequential({ layers: [tf.layers.lstm({ units: 128, inputShape: [32, 32] }), tf.layers.dense({ units: 1 })] });
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  return m;
});
const step = async (k) => {
  tf.env().set('TRAIN_PLAN', modes[k][0]);
  tf.env().set('LSTM_FUSED_CELL', modes[k][1]);
  const t0 = performance.now();
  await models[k].trainOnBatch(x, y);
  return performance.now() - t0;
};
for (let i = 0; i < 3; i++) for (let k = 0; k < modes.length; k++) await step(k); // first step, trace, first replay
const times = modes.map(() => []);
for (let i = 0; i < reps; i++) for (const k of i % 2 ? [3, 2, 1, 0] : [0, 1, 2, 3]) times[k].push(await step(k));
const median = (t) => t.slice().sort((a, b) => a - b)[t.length >> 1];
const rows = modes.map(([planned, fused], k) => ({ planned, fused, msMedian: median(times[k]), ms: times[k] }));
console.log('| planned | fused cell | median ms |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.planned} | ${r.fused} | ${r.msMedian.toFixed(1)} |`);
if (process.argv[4]) writeFileSync(process.argv[4], JSON.stringify({ date: new Date().toISOString(), backend, reps, node: process.version, loadavgStart: loadStart, loadavgEnd: loadavg(), rows }, null, 1));
models.forEach((m) => m.dispose());
