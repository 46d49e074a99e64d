// A/B of one warmed training step on webgpu in ONE headless Chromium page: the tessera source tree given
// by --base (e.g. a git worktree of an older commit) against this tree, each with its own device, steps
// interleaved (ABBA). Models as bench/lstmfuse_webgpu.mjs: the transformer block (seq 32, dim 64, 4 heads,
// ffn 128, pooled, dense head; batch 16) and the LSTM (seq 32, feat 32, units 128; batch 32), Adam, MSE,
// planned (TRAIN_PLAN on) and eager. Reports per side the dispatches and buffer copies of a step
// (tf.memory().backends.webgpu) and the median ms.
// Usage: node bench/ab_train_step.mjs --base=/path/to/old/tree [--reps=N] [--out=name]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { withSourceTab } from './source_tab.mjs';

const args = process.argv.slice(2);
const arg = (k, d) => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const base = arg('base');
if (!base) throw new Error('ab_train_step: pass --base=/path/to/the/older/tree');
const reps = Number(arg('reps', 5));
const out = arg('out');
const loadStart = loadavg();
const entry = { contents: `import * as a from '${base}/src/index.ts'; import * as b from './src/index.ts'; globalThis.__tsA = a; globalThis.__ts = b;` };
const result = await withSourceTab('ab_train_step', entry, '__ts', (page) => page.evaluate(async (reps) => {
  const sides = { base: globalThis.__tsA, head: globalThis.__ts };
  const cases = {
    'transformer block seq32 dim64 heads4 ffn128 b16': {
      build: (ts) => ts.sequential({ layers: [
        ts.layers.transformerEncoder({ numHeads: 4, intermediateDim: 128, inputShape: [32, 64] }),
        ts.layers.globalAveragePooling1d(), ts.layers.dense({ units: 1 })] }),
      xShape: [16, 32, 64],
    },
    'LSTM seq32 feat32 units128 b32': {
      build: (ts) => ts.sequential({ layers: [ts.layers.lstm({ units: 128, inputShape: [32, 32] }), ts.layers.dense({ units: 1 })] }),
      xShape: [32, 32, 32],
    },
  };
  const median = (t) => t.slice().sort((x, y) => x - y)[Math.floor(t.length / 2)];
  const rows = [];
  for (const [name, c] of Object.entries(cases)) {
    for (const planned of [true, false]) {
      const runs = {};
      for (const [side, ts] of Object.entries(sides)) {
        await ts.setBackend('webgpu');
        ts.env().set('TRAIN_PLAN', planned);
        const m = c.build(ts);
        m.compile({ optimizer: ts.train.adam(1e-3), loss: 'meanSquaredError' });
        const x = ts.randomNormal(c.xShape, 0, 1, 'float32', 21), y = ts.randomNormal([c.xShape[0], 1], 0, 1, 'float32', 22);
        for (let i = 0; i < 3; i++) await m.trainOnBatch(x, y); // first step, trace, first replay
        runs[side] = { ts, m, x, y, ms: [], dispatches: 0, copies: 0, loss: 0 };
      }
      const step = async (side) => {
        const r = runs[side], mem = () => r.ts.memory().backends.webgpu;
        const d0 = mem().dispatches, c0 = mem().bufferCopies ?? 0, t0 = performance.now();
        r.loss = await r.m.trainOnBatch(r.x, r.y);
        r.ms.push(performance.now() - t0);
        r.dispatches = mem().dispatches - d0;
        r.copies = (mem().bufferCopies ?? 0) - c0;
      };
      for (let i = 0; i < reps; i++) for (const side of i % 2 ? ['head', 'base'] : ['base', 'head']) await step(side);
      const row = { name, mode: planned ? 'planned' : 'eager' };
      for (const side of ['base', 'head']) {
        const r = runs[side];
        row[side] = { dispatches: r.dispatches, bufferCopies: r.copies, msMedian: median(r.ms), ms: r.ms, loss: r.loss };
        r.ts.dispose([r.x, r.y]);
        r.m.dispose();
      }
      row.speedup = row.base.msMedian / row.head.msMedian;
      rows.push(row);
    }
  }
  return rows;
}, reps));
const json = { date: new Date().toISOString(), base, reps, loadavgStart: loadStart, loadavgEnd: loadavg(), rows: result };
for (const r of result) {
  console.log(`${r.name} ${r.mode}: dispatches ${r.base.dispatches} -> ${r.head.dispatches} (copies ${r.base.bufferCopies} -> ${r.head.bufferCopies}), ` +
    `ms ${r.base.msMedian.toFixed(0)} -> ${r.head.msMedian.toFixed(0)} (${r.speedup.toFixed(2)}x)`);
}
if (out) writeFileSync(new URL(`results/${out}.json`, import.meta.url), JSON.stringify(json, null, 1));
