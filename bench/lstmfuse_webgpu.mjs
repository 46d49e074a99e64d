// Dispatches and time of one warmed model.trainOnBatch on webgpu in headless Chromium (SwiftShader on
// CPU machines), issue 9: the bench LSTM step (seq 32, features 32, units 128, batch 32, Adam; as
// bench/training_cases.mjs) and a transformer-block step (transformerEncoder, seq 32, dim 64, 4 heads,
// ffn 128, pooled to a dense head; batch 16, Adam), each in four modes on its own model copy, timed in
// turns in the same page: eager = TRAIN_PLAN off, planned = on; unfused = LSTM_FUSED_CELL off (the cell
// as gate slices and elementwise ops: "today"), fused = on. Dispatches come from
// tf.memory().backends.webgpu.dispatches (the backend's count of recorded compute dispatches); the JSON also holds
// one step's kernel calls by kernel name per mode.
// Usage: node bench/lstmfuse_webgpu.mjs [--reps=N] [--out=name]  (writes bench/results/<name>.json)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SOURCE_API, withSourceTab } from './source_tab.mjs';

const args = process.argv.slice(2);
const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 5);
const out = args.find((a) => a.startsWith('--out='))?.slice(6);
const loadStart = loadavg();
let result;
await withSourceTab('lstmfuse', SOURCE_API, '__ts', async (page) => {
  result = await page.evaluate(async (reps) => {
    const ts = globalThis.__ts;
    await ts.setBackend('webgpu');
    const cases = {
      'LSTM seq32 feat32 units128 b32': {
        build: () => ts.sequential({ layers: [ts.layers.lstm({ units: 128, inputShape: [32, 32] }), ts.layers.dense({ units: 1 })] }),
        xShape: [32, 32, 32],
      },
      'transformer block seq32 dim64 heads4 ffn128 b16': {
        build: () => ts.sequential({ layers: [
          ts.layers.transformerEncoder({ numHeads: 4, intermediateDim: 128, inputShape: [32, 64] }),
          ts.layers.globalAveragePooling1d(),
          ts.layers.dense({ units: 1 }),
        ] }),
        xShape: [16, 32, 64],
      },
    };
    const modes = [['eager unfused', false, false], ['planned unfused', true, false], ['eager fused', false, true], ['planned fused', true, true]];
    const dispatches = () => ts.memory().backends.webgpu.dispatches;
    const median = (t) => t.slice().sort((a, b) => a - b)[Math.floor(t.length / 2)];
    const rows = [];
    for (const [name, c] of Object.entries(cases)) {
      const x = ts.randomNormal(c.xShape, 0, 1, 'float32', 21);
      const y = ts.randomNormal([c.xShape[0], 1], 0, 1, 'float32', 22);
      const models = modes.map(() => {
        const m = c.build();
        m.compile({ optimizer: ts.train.adam(1e-3), loss: 'meanSquaredError' });
        return m;
      });
      const step = async (k) => {
        ts.env().set('TRAIN_PLAN', modes[k][1]);
        ts.env().set('LSTM_FUSED_CELL', modes[k][2]);
        const d0 = dispatches();
        const t0 = performance.now();
        await models[k].trainOnBatch(x, y);
        return { ms: performance.now() - t0, dispatches: dispatches() - d0 };
      };
      for (let i = 0; i < 3; i++) for (let k = 0; k < modes.length; k++) await step(k); // first step, trace, first replay
      const per = modes.map(() => ({ ms: [], dispatches: [] }));
      for (let i = 0; i < reps; i++) {
        const order = i % 2 ? [3, 2, 1, 0] : [0, 1, 2, 3];
        for (const k of order) {
          const r = await step(k);
          per[k].ms.push(r.ms);
          per[k].dispatches.push(r.dispatches);
        }
      }
      // kernel calls by name in one more step of each mode (what the dispatches are)
      const b = ts.backend(), run = b.run;
      const kernels = modes.map(() => ({}));
      let now = null;
      b.run = (...a) => (now && (now[a[0]] = (now[a[0]] ?? 0) + 1), run.apply(b, a));
      try {
        for (let k = 0; k < modes.length; k++) {
          now = kernels[k];
          await step(k);
          now = null;
        }
      } finally {
        b.run = run;
      }
      rows.push({ name, modes: modes.map(([m], k) => ({ mode: m, dispatches: per[k].dispatches[0], dispatchesAll: per[k].dispatches, msMedian: median(per[k].ms), ms: per[k].ms, kernelCalls: kernels[k] })) });
      models.forEach((m) => m.dispose());
      ts.dispose([x, y]);
    }
    ts.env().set('TRAIN_PLAN', true);
    ts.env().set('LSTM_FUSED_CELL', 'webgpu');
    return { adapter: ts.backendInfo?.() ?? null, rows };
  }, reps);
});
for (const r of result.rows) {
  const base = r.modes[0];
  console.log(`\n${r.name}`);
  console.log('| mode | dispatches | x fewer than eager unfused | median ms | speed-up |\n|---|---|---|---|---|');
  for (const m of r.modes) console.log(`| ${m.mode} | ${m.dispatches} | ${(base.dispatches / m.dispatches).toFixed(2)}x | ${m.msMedian.toFixed(1)} | ${(base.msMedian / m.msMedian).toFixed(2)}x |`);
}
const raw = { date: new Date().toISOString(), reps, loadavgStart: loadStart, loadavgEnd: loadavg(), ...result };
if (out) writeFileSync(new URL(`./results/${out}.json`, import.meta.url), JSON.stringify(raw, null, 1));
