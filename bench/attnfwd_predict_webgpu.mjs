// Dispatches and time of one warmed transformer-block predict on webgpu in headless Chromium (SwiftShader
// on CPU machines): the bench block of bench/lstmfuse_webgpu.mjs (transformerEncoder, seq 32, dim 64,
// 4 heads, ffn 128, pooled to a dense head; batch 16) with the attention forward as one packed-heads
// kernel call (ATTENTION_FUSED_GRAD 'webgpu', the default) or as head split -> attention -> merge
// (ATTENTION_FUSED_GRAD false: the path every predict took before), eager (PREDICT_PLAN off) and planned,
// each mode on its own model copy, timed in turns (alternating order) in the same page. Then the op alone
// (attentionPackedHeads on [16, 32, 64], 4 heads: split path vs packed) and one head-split transpose
// (copyStrided) and one add of the same size, in turns, median of the reps.
// Usage: node bench/attnfwd_predict_webgpu.mjs [--reps=N] [--out=name]  (writes bench/results/<name>.json)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SOURCE_API, withSourceTab } from './source_tab.mjs';

const args = process.argv.slice(2);
const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 10);
const out = args.find((a) => a.startsWith('--out='))?.slice(6);
const loadStart = loadavg();
let result;
const ENTRY = { contents: `${SOURCE_API.contents} import { attentionPackedHeads } from './src/ops/attention.ts'; globalThis.__aph = attentionPackedHeads;` };
await withSourceTab('attnfwd', ENTRY, '__ts', async (page) => {
  result = await page.evaluate(async (reps) => {
    const ts = globalThis.__ts;
    await ts.setBackend('webgpu');
    // [name, PREDICT_PLAN, ATTENTION_FUSED_GRAD]
    const modes = [['eager split', false, false], ['eager packed', false, 'webgpu'], ['planned split', true, false], ['planned packed', true, 'webgpu']];
    const x = ts.randomNormal([16, 32, 64], 0, 1, 'float32', 21);
    const models = modes.map(() => ts.sequential({ layers: [
      ts.layers.transformerEncoder({ numHeads: 4, intermediateDim: 128, inputShape: [32, 64] }),
      ts.layers.globalAveragePooling1d(),
      ts.layers.dense({ units: 1 }),
    ] }));
    const dispatches = () => ts.memory().backends.webgpu.dispatches;
    const median = (t) => t.slice().sort((a, b) => a - b)[Math.floor(t.length / 2)];
    const step = async (k) => {
      ts.env().set('PREDICT_PLAN', modes[k][1]);
      ts.env().set('ATTENTION_FUSED_GRAD', modes[k][2]);
      const d0 = dispatches();
      const t0 = performance.now();
      const y = models[k].predict(x);
      await y.data();
      const r = { ms: performance.now() - t0, dispatches: dispatches() - d0 };
      y.dispose();
      return r;
    };
    for (let i = 0; i < 3; i++) for (let k = 0; k < modes.length; k++) await step(k); // trace, compile, first replay
    const per = modes.map(() => ({ ms: [], dispatches: [] }));
    for (let i = 0; i < reps; i++) {
      for (const k of i % 2 ? [3, 2, 1, 0] : [0, 1, 2, 3]) {
        const r = await step(k);
        per[k].ms.push(r.ms);
        per[k].dispatches.push(r.dispatches);
      }
    }
    models.forEach((m) => m.dispose());
    // the op alone, and what one head-split copy costs next to an add of the same size
    const aph = globalThis.__aph, q = ts.reshape(x, [16, 32, 64]);
    const ops = [
      ['attention, head split -> attention -> merge', false, () => aph(q, q, q, 4, {})],
      ['attention, packed heads', 'webgpu', () => aph(q, q, q, 4, {})],
      ['one head-split transpose (copyStrided)', 'webgpu', () => ts.tidy(() => ts.transpose(ts.reshape(q, [16, 32, 4, 16]), [0, 2, 1, 3]))],
      ['one add of the same size', 'webgpu', () => ts.add(q, q)],
    ];
    const opMs = ops.map(() => []);
    const opStep = async (k) => {
      ts.env().set('ATTENTION_FUSED_GRAD', ops[k][1]);
      const t0 = performance.now();
      const y = ops[k][2]();
      await y.data();
      y.dispose();
      return performance.now() - t0;
    };
    for (let k = 0; k < ops.length; k++) { await opStep(k); await opStep(k); }
    for (let i = 0; i < reps; i++) for (const k of i % 2 ? [3, 2, 1, 0] : [0, 1, 2, 3]) opMs[k].push(await opStep(k));
    x.dispose();
    ts.env().set('PREDICT_PLAN', true);
    ts.env().set('ATTENTION_FUSED_GRAD', 'webgpu');
    return {
      adapter: ts.backendInfo?.() ?? null,
      modes: modes.map(([m], k) => ({ mode: m, dispatches: per[k].dispatches[0], dispatchesAll: per[k].dispatches, msMedian: median(per[k].ms), ms: per[k].ms })),
      ops: ops.map(([o], k) => ({ op: o, msMedian: median(opMs[k]), ms: opMs[k] })),
    };
  }, reps);
});
console.log('| mode | dispatches | median ms |\n|---|---|---|');
for (const m of result.modes) console.log(`| ${m.mode} | ${m.dispatches} | ${m.msMedian.toFixed(1)} |`);
console.log('\n| op [16, 32, 64] | median ms |\n|---|---|');
for (const o of result.ops) console.log(`| ${o.op} | ${o.msMedian.toFixed(1)} |`);
const raw = { date: new Date().toISOString(), reps, loadavgStart: loadStart, loadavgEnd: loadavg(), ...result };
if (out) writeFileSync(new URL(`./results/${out}.json`, import.meta.url), JSON.stringify(raw, null, 1));
