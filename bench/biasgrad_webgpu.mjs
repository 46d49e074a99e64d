// Bias gradients merged into weight gradients (issue 9, src/plan/pattern_bias_grad.ts) on webgpu in
// headless Chromium (SwiftShader on CPU machines): A/B of PLAN_BIAS_GRAD off / on, interleaved in one
// page, for (1) a jitted dW = matMul(x, dY, transposeA) + db = sum(dY, 0) at the transformer block's
// weight-gradient shapes and (2) the bench transformer-block training step (as bench/lstmfuse_webgpu.mjs:
// seq 32, dim 64, 4 heads, ffn 128, batch 16, Adam, planned). Each mode has its own jitted function /
// model (a plan is recorded once with the flag of its first step). Reports dispatches per call
// (tf.memory().backends.webgpu.dispatches) and median ms per call.
// Usage: node bench/biasgrad_webgpu.mjs [--reps=N] [--out=name]  (writes bench/results/<name>.json)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SOURCE_API, withSourceTab } from './source_tab.mjs';

const args = process.argv.slice(2);
const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 7);
const out = args.find((a) => a.startsWith('--out='))?.slice(6);
const loadStart = loadavg();
let result;
await withSourceTab('biasgrad', SOURCE_API, '__ts', async (page) => {
  result = await page.evaluate(async (reps) => {
    const ts = globalThis.__ts;
    await ts.setBackend('webgpu');
    const dispatches = () => ts.memory().backends.webgpu.dispatches;
    const median = (t) => t.slice().sort((a, b) => a - b)[Math.floor(t.length / 2)];
    const modes = [false, true];
    /** Time `call(k)` for both modes in turns (order flipped each rep) after 3 warm-up calls each. */
    const ab = async (call) => {
      const step = async (k) => {
        ts.env().set('PLAN_BIAS_GRAD', modes[k]);
        const d0 = dispatches();
        const t0 = performance.now();
        await call(k);
        return { ms: performance.now() - t0, dispatches: dispatches() - d0 };
      };
      for (let i = 0; i < 3; i++) for (let k = 0; k < modes.length; k++) await step(k);
      const per = modes.map(() => ({ ms: [], dispatches: [] }));
      for (let i = 0; i < reps; i++) {
        for (const k of i % 2 ? [1, 0] : [0, 1]) {
          const r = await step(k);
          per[k].ms.push(r.ms);
          per[k].dispatches.push(r.dispatches);
        }
      }
      return modes.map((m, k) => ({ mode: m ? 'merged (PLAN_BIAS_GRAD on)' : 'separate reduce (off)', dispatches: per[k].dispatches[0], msMedian: median(per[k].ms), ms: per[k].ms }));
    };
    const rows = [];
    // (1) dW + db of [512, 64] x [512, 64] (x 4, as the attention projections) and [512, 64] x [512, 128]
    for (const [rows_, inDim, outDim] of [[512, 64, 64], [512, 64, 128]]) {
      const x = ts.randomNormal([rows_, inDim], 0, 1, 'float32', 1), dy = ts.randomNormal([rows_, outDim], 0, 1, 'float32', 2);
      const fns = modes.map(() => ts.jit((a, b) => [ts.matMul(a, b, true, false), ts.sum(b, 0)]));
      const modesOut = await ab(async (k) => {
        const [w, d] = fns[k](x, dy);
        await d.data();
        ts.dispose([w, d]);
      });
      rows.push({ name: `jit dW + db: X [${rows_}, ${inDim}], dY [${rows_}, ${outDim}]`, modes: modesOut });
      fns.forEach((f) => f.dispose());
      ts.dispose([x, dy]);
    }
    // (2) the transformer-block training step
    ts.env().set('TRAIN_PLAN', true);
    const x = ts.randomNormal([16, 32, 64], 0, 1, 'float32', 21), y = ts.randomNormal([16, 1], 0, 1, 'float32', 22);
    const models = modes.map(() => {
      const m = ts.sequential({ layers: [
        ts.layers.transformerEncoder({ numHeads: 4, intermediateDim: 128, inputShape: [32, 64] }),
        ts.layers.globalAveragePooling1d(), ts.layers.dense({ units: 1 })] });
      m.compile({ optimizer: ts.train.adam(1e-3), loss: 'meanSquaredError' });
      return m;
    });
    rows.push({ name: 'transformer block seq32 dim64 heads4 ffn128 b16 (planned trainOnBatch)', modes: await ab((k) => models[k].trainOnBatch(x, y)) });
    models.forEach((m) => m.dispose());
    ts.dispose([x, y]);
    ts.env().set('PLAN_BIAS_GRAD', true);
    return { adapter: ts.backendInfo?.() ?? null, rows };
  }, reps);
});
for (const r of result.rows) {
  const [off, on] = r.modes;
  console.log(`\n${r.name}`);
  console.log('| mode | dispatches | median ms | speed-up vs off |\n|---|---|---|---|');
  for (const m of r.modes) console.log(`| ${m.mode} | ${m.dispatches} | ${m.msMedian.toFixed(2)} | ${(off.msMedian / m.msMedian).toFixed(2)}x |`);
  void on;
}
const raw = { date: new Date().toISOString(), reps, loadavgStart: loadStart, loadavgEnd: loadavg(), ...result };
if (out) writeFileSync(new URL(`./results/${out}.json`, import.meta.url), JSON.stringify(raw, null, 1));
