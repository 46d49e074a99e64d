// The attention pattern and the reduction terminal of the recorded plan (issue 9): ms per call of
// the same tf.jit function (or trainOnBatch step) with the pass on and off (env flags
// PLAN_ATTENTION_PATTERN / PLAN_FUSE_REDUCTIONS, read when a plan is made), in one run, timed in
// turns so a busy machine slows both alike; plus kernel calls and plan buffer bytes per call.
// Runs the built bundle in Node:
// `node scripts/build.mjs && node bench/plan_patterns.mjs [backend] [runs] [out.json] [name filter]` (default wasm,
// 40 runs, every case).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '../dist/tessera.js';

const backend = process.argv[2] ?? 'wasm';
const runs = Number(process.argv[3] ?? 40);
await tf.setBackend(backend);

const median = (t) => t.slice().sort((a, b) => a - b)[Math.floor(t.length / 2)];

/** A causal [t, t] additive mask (0 / -Infinity) made before the trace. */
function causal(t) {
  const m = new Float32Array(t * t);
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) m[i * t + j] = -Infinity;
  return tf.tensor(m, [t, t]);
}

/** Cases: make() returns { call(): Tensor | Promise, plan(): summary, dispose() } built with the flag as set now. */
const cases = [
  {
    name: 'attention [1, 4, 128, 32] causal (jit)', flag: 'PLAN_ATTENTION_PATTERN',
    make: () => {
      const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([1, 4, 128, 32], 0, 1, 'float32', s));
      const mask = causal(128);
      const f = tf.jit((a, b, c) => tf.tidy(() => tf.matMul(tf.softmax(tf.add(tf.mul(tf.matMul(a, b, false, true), 1 / Math.sqrt(32)), mask)), c)));
      return { call: () => f(q, k, v), plan: () => tf.debug.plan(f, q, k, v), dispose: () => (f.dispose(), tf.dispose([q, k, v, mask])) };
    },
  },
  {
    name: 'attention [8, 4, 64, 16] (jit)', flag: 'PLAN_ATTENTION_PATTERN',
    make: () => {
      const [q, k, v] = [4, 5, 6].map((s) => tf.randomNormal([8, 4, 64, 16], 0, 1, 'float32', s));
      const f = tf.jit((a, b, c) => tf.tidy(() => tf.matMul(tf.softmax(tf.div(tf.matMul(a, b, false, true), 4)), c)));
      return { call: () => f(q, k, v), plan: () => tf.debug.plan(f, q, k, v), dispose: () => (f.dispose(), tf.dispose([q, k, v])) };
    },
  },
  {
    name: 'sum(square(sub(a, b))) [256, 1024] (jit)', flag: 'PLAN_FUSE_REDUCTIONS',
    make: () => {
      const a = tf.randomNormal([256, 1024], 0, 1, 'float32', 7), b = tf.randomNormal([256, 1024], 0, 1, 'float32', 8);
      const f = tf.jit((x, y) => tf.tidy(() => tf.sum(tf.square(tf.sub(x, y)))));
      return { call: () => f(a, b), plan: () => tf.debug.plan(f, a, b), dispose: () => (f.dispose(), tf.dispose([a, b])) };
    },
  },
  {
    name: 'max(relu(x + b), -1) [512, 512] (jit)', flag: 'PLAN_FUSE_REDUCTIONS',
    make: () => {
      const x = tf.randomNormal([512, 512], 0, 1, 'float32', 9), b = tf.randomNormal([512], 0, 1, 'float32', 10);
      const f = tf.jit((t) => tf.tidy(() => tf.max(tf.relu(tf.add(t, b)), -1)));
      return { call: () => f(x), plan: () => tf.debug.plan(f, x), dispose: () => (f.dispose(), tf.dispose([x, b])) };
    },
  },
  {
    name: 'trainOnBatch MLP 64-256-64, mse loss, batch 128', flag: 'PLAN_FUSE_REDUCTIONS', awaited: true,
    make: () => {
      const model = tf.sequential({ layers: [
        tf.layers.dense({ units: 256, activation: 'relu', inputShape: [64] }),
        tf.layers.dense({ units: 64 }),
      ] });
      model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
      const x = tf.randomNormal([128, 64], 0, 1, 'float32', 11), y = tf.randomNormal([128, 64], 0, 1, 'float32', 12);
      return { call: () => model.trainOnBatch(x, y), plan: () => null, dispose: () => (model.dispose(), tf.dispose([x, y])) };
    },
  },
];

async function once(entry, awaited) {
  const t0 = performance.now();
  const r = entry.call();
  if (awaited) await r;
  else {
    r.dataSync();
    r.dispose();
  }
  return performance.now() - t0;
}

const raw = { date: new Date().toISOString(), backend, runs, node: process.version, loadavgStart: loadavg(), cases: [] };
const rows = [];
for (const c of cases.filter((x) => x.name.includes(process.argv[5] ?? ''))) {
  // [off, on]: each made (and first traced) with its flag setting
  const entries = [false, true].map((on) => {
    tf.env().set(c.flag, on);
    const e = c.make();
    return e;
  });
  const b = tf.backend();
  const run = b.run;
  let kernels = 0;
  b.run = (...a) => (kernels++, run.apply(b, a));
  const counts = [];
  const times = [[], []];
  try {
    for (let k = 0; k < 2; k++) {
      tf.env().set(c.flag, k === 1);
      for (let i = 0; i < 3; i++) await once(entries[k], c.awaited); // trace, first replays
      kernels = 0;
      await once(entries[k], c.awaited);
      counts.push(kernels);
    }
    for (let i = 0; i < runs; i++) {
      for (const k of i % 2 ? [1, 0] : [0, 1]) times[k].push(await once(entries[k], c.awaited));
    }
  } finally {
    b.run = run;
  }
  const summary = entries.map((e) => e.plan());
  const [off, on] = [0, 1].map((k) => ({ ms: median(times[k]), kernels: counts[k], bufferBytes: summary[k]?.bufferBytes ?? null }));
  raw.cases.push({ name: c.name, flag: c.flag, off, on, planOn: summary[1]?.text ?? null });
  rows.push(`| ${c.name} | ${off.kernels} -> ${on.kernels} | ${off.bufferBytes ?? '-'} -> ${on.bufferBytes ?? '-'} | ${off.ms.toFixed(3)} | ${on.ms.toFixed(3)} | ${(off.ms / on.ms).toFixed(2)}x |`);
  entries.forEach((e) => e.dispose());
  tf.env().set(c.flag, true);
}
console.log(`plan passes on ${backend} (median of ${runs}; pass off -> on)\n`);
console.log('| case | kernel calls | plan buffer bytes | off ms | on ms | speed-up |\n|---|---|---|---|---|---|');
console.log(rows.join('\n'));
raw.loadavgEnd = loadavg();
if (process.argv[4]) writeFileSync(process.argv[4], JSON.stringify(raw, null, 1));
