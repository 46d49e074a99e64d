// A/B of Adam's applyGradients alone on webgpu in ONE headless Chromium page: the tessera source tree
// given by --base against this tree (each with its own device), over the transformer block's 18
// variables (bench/ab_train_step.mjs's model: sizes 4096 x4 [64,4,16] / [4,16,64], 64 x8, 8192 x2,
// 128, 64, 1) or --sizes=a,b,c; steps interleaved, each ending with a read of one variable. Reports
// dispatches, buffer copies and median ms per step.
// Usage: node bench/ab_adam_step.mjs --base=/path/to/old/tree [--reps=N] [--sizes=...] [--out=name]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { withSourceTab } from './source_tab.mjs';

const args = process.argv.slice(2);
const arg = (k, d) => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const base = arg('base');
if (!base) throw new Error('ab_adam_step: pass --base=/path/to/the/older/tree');
const reps = Number(arg('reps', 21));
const sizes = (arg('sizes') ?? '4096,64,4096,64,4096,64,4096,64,64,64,64,64,8192,128,8192,64,64,1').split(',').map(Number);
const out = arg('out');
const loadStart = loadavg();
const entry = { contents: `import * as a from '${base}/src/index.ts'; import * as b from './src/index.ts'; globalThis.__tsA = a; globalThis.__ts = b;` };
const rows = await withSourceTab('ab_adam_step', entry, '__ts', (page) => page.evaluate(async (reps, sizes) => {
  const sides = { base: globalThis.__tsA, head: globalThis.__ts };
  const runs = {};
  for (const [side, ts] of Object.entries(sides)) {
    await ts.setBackend('webgpu');
    const vars = sizes.map((n, i) => ts.variable(ts.randomNormal([n], 0, 1, 'float32', i), true, `ab_adam_${side}_${i}`));
    const grads = Object.fromEntries(vars.map((v, i) => [v.name, ts.randomNormal([sizes[i]], 0, 1, 'float32', 100 + i)]));
    const opt = ts.train.adam(1e-3);
    for (let i = 0; i < 3; i++) { opt.applyGradients(grads); await vars[0].data(); }
    runs[side] = { ts, vars, grads, opt, ms: [] };
  }
  const median = (t) => t.slice().sort((x, y) => x - y)[Math.floor(t.length / 2)];
  const stat = {};
  for (let i = 0; i < reps; i++) {
    for (const side of i % 2 ? ['head', 'base'] : ['base', 'head']) {
      const r = runs[side], mem = () => r.ts.memory().backends.webgpu;
      const d0 = mem().dispatches, c0 = mem().bufferCopies ?? 0, t0 = performance.now();
      r.opt.applyGradients(r.grads);
      await r.vars[r.vars.length - 1].data();
      r.ms.push(performance.now() - t0);
      stat[side] = { dispatches: mem().dispatches - d0, bufferCopies: (mem().bufferCopies ?? 0) - c0 };
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([side, r]) => [side, { ...stat[side], msMedian: median(r.ms), ms: r.ms }]));
}, reps, sizes));
const json = { date: new Date().toISOString(), base, reps, sizes, loadavgStart: loadStart, loadavgEnd: loadavg(), rows };
console.log(`adam step over ${sizes.length} variables: dispatches ${rows.base.dispatches} -> ${rows.head.dispatches} (copies ${rows.base.bufferCopies} -> ${rows.head.bufferCopies}), ` +
  `ms ${rows.base.msMedian.toFixed(2)} -> ${rows.head.msMedian.toFixed(2)} (${(rows.base.msMedian / rows.head.msMedian).toFixed(2)}x)`);
if (out) writeFileSync(new URL(`results/${out}.json`, import.meta.url), JSON.stringify(json, null, 1));
