// The recorded training step's effect on model.trainOnBatch (issue 9): kernel calls per step with
// TRAIN_PLAN off (eager) and on (replay, after dead-code removal and fusion), backend allocations
// per step, and the median ms per awaited trainOnBatch, on the bench's MLP, CNN, LSTM and transformer training
// cases (bench/training_cases.mjs, Adam). Runs the built bundle in Node:
// `node scripts/build.mjs && node bench/plan_train.mjs [backend] [runs] [out.json] [FLAG=value,...] [filter]` (default
// wasm, 30 runs); with out.json the raw numbers are written there too ('-' for none); the flags (e.g.
// LSTM_FUSED_CELL=false; '-' for none) are set first; with filter only the cases whose name contains it run.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '../dist/tessera.js';
import { trainingCases } from './training_cases.mjs';

const backend = process.argv[2] ?? 'wasm';
const runs = Number(process.argv[3] ?? 30);
await tf.setBackend(backend);
const flags = Object.fromEntries((process.argv[5] ?? '').split(',').filter((f) => f !== '-').filter(Boolean).map((f) => f.split('=')).map(([k, v]) => [k, v === 'true' ? true : v === 'false' ? false : Number(v)]));
for (const [k, v] of Object.entries(flags)) tf.env().set(k, v);

/**
 * Median ms per trainOnBatch, eager and planned, on two copies of the case taken in turns (so a
 * busy machine slows both alike), and the kernel calls / allocations of one step of each.
 */
async function measure(c) {
  const states = [c.setup(tf), c.setup(tf)];
  const b = tf.backend();
  const run = b.run, allocate = b.allocate;
  const counts = [{ kernels: 0, allocations: 0 }, { kernels: 0, allocations: 0 }];
  let now = counts[0];
  b.run = (...a) => (now.kernels++, run.apply(b, a));
  b.allocate = (...a) => (now.allocations++, allocate.apply(b, a));
  const step = async (k) => {
    tf.env().set('TRAIN_PLAN', k === 1);
    now = counts[k];
    now.kernels = now.allocations = 0;
    const t0 = performance.now();
    await c.step(tf, states[k]);
    return performance.now() - t0;
  };
  try {
    for (let i = 0; i < 3; i++) for (const k of [0, 1]) await step(k); // eager first step, trace, first replay
    const times = [[], []];
    for (let i = 0; i < runs; i++) for (const k of i % 2 ? [1, 0] : [0, 1]) times[k].push(await step(k));
    const median = (t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
    return [0, 1].map((k) => ({ ms: median(times[k]), ...counts[k] }));
  } finally {
    b.run = run;
    b.allocate = allocate;
    states.forEach((s) => c.teardown(s));
  }
}

const rows = [];
const raw = { date: new Date().toISOString(), backend, runs, flags, node: process.version, loadavgStart: loadavg(), cases: [] };
for (const c of trainingCases.filter((t) => t.name.includes(process.argv[6] ?? ''))) {
  const [eager, planned] = await measure(c);
  raw.cases.push({ name: c.name, eager, planned });
  rows.push(`| ${c.name} | ${eager.kernels} -> ${planned.kernels} | ${eager.allocations} -> ${planned.allocations} | ${eager.ms.toFixed(2)} | ${planned.ms.toFixed(2)} | ${(eager.ms / planned.ms).toFixed(2)}x |`);
}
console.log(`trainOnBatch on ${backend} (median of ${runs}; kernel calls and allocations in one step, eager -> planned)\n`);
console.log('| case | kernel calls | allocations | eager ms | planned ms | speed-up |\n|---|---|---|---|---|---|');
console.log(rows.join('\n'));
raw.loadavgEnd = loadavg();
if (process.argv[4] && process.argv[4] !== '-') writeFileSync(process.argv[4], JSON.stringify(raw, null, 1));
