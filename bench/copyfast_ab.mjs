// Same-page A/B of webgpu copyStrided (transpose, broadcastTo, slice) on this adapter (SwiftShader on
// CPU machines): the source tree given by --base (e.g. `git archive` of an older commit with build/)
// against this tree, each with its own backend, samples interleaved (ABBA). A sample runs the op K
// times then reads back one element (a 1-element slice) to wait for the queue; reports ms per op
// (median over reps) and checks both sides give the same values.
// Usage: node bench/copyfast_ab.mjs --base=/path/to/old/tree [--reps=N] [--out=name]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { withSourceTab } from './source_tab.mjs';

const args = process.argv.slice(2);
const arg = (k, d) => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const base = arg('base');
if (!base) throw new Error('copyfast_ab: pass --base=/path/to/the/older/tree');
const reps = Number(arg('reps', 7));
const out = arg('out');
const only = arg('only');
const loadStart = loadavg();
const entry = { contents: `import * as a from '${base}/src/index.ts'; import * as b from './src/index.ts'; globalThis.__tsA = a; globalThis.__ts = b;` };
const result = await withSourceTab('copyfast_ab', entry, '__ts', (page) => page.evaluate(async (reps, only) => {
  const sides = { base: globalThis.__tsA, head: globalThis.__ts };
  const cases = [
    ['head split [16,32,4,16] -> [16,4,32,16]', [16, 32, 4, 16], (ts, x) => ts.transpose(x, [0, 2, 1, 3]), 10],
    ['head merge [16,4,32,16] -> [16,32,4,16]', [16, 4, 32, 16], (ts, x) => ts.transpose(x, [0, 2, 1, 3]), 10],
    ['transpose [512,64] -> [64,512]', [512, 64], (ts, x) => ts.transpose(x), 10],
    ['broadcastTo [16,1,64] -> [16,32,64]', [16, 1, 64], (ts, x) => ts.broadcastTo(x, [16, 32, 64]), 10],
    ['slice rows [512,64] -> [256,64] at row 100', [512, 64], (ts, x) => ts.slice(x, [100, 0], [256, 64]), 10],
    ['slice cols [512,64] -> [512,32] at col 5', [512, 64], (ts, x) => ts.slice(x, [0, 5], [512, 32]), 10],
    ['slice cols [512,64] -> [512,32] at col 8', [512, 64], (ts, x) => ts.slice(x, [0, 8], [512, 32]), 10],
    ['tile [64,30] x [2,3]', [64, 30], (ts, x) => ts.tile(x, [2, 3]), 10],
    ['transpose 4M [2048,2048]', [2048, 2048], (ts, x) => ts.transpose(x), 2],
  ].filter((c) => !only || c[0].includes(only));
  const median = (t) => t.slice().sort((p, q) => p - q)[Math.floor(t.length / 2)];
  const rows = [];
  for (const [name, shape, fn, K] of cases) {
    const runs = {};
    for (const [side, ts] of Object.entries(sides)) {
      await ts.setBackend('webgpu');
      const x = ts.randomNormal(shape, 0, 1, 'float32', 7);
      const y = fn(ts, x);
      runs[side] = { ts, x, ms: [], values: await y.data() };
      y.dispose();
    }
    const sample = async (side) => {
      const { ts, x } = runs[side];
      const t0 = performance.now();
      let y = null;
      for (let k = 0; k < K; k++) { y?.dispose(); y = fn(ts, x); }
      const one = ts.slice(ts.reshape(y, [-1]), [0], [1]);
      await one.data();
      const ms = (performance.now() - t0) / K;
      ts.dispose([one, y]);
      runs[side].ms.push(ms);
    };
    for (const side of ['base', 'head']) await sample(side); // compile
    for (const r of Object.values(runs)) r.ms = [];
    for (let i = 0; i < reps; i++) for (const side of i % 2 ? ['head', 'base'] : ['base', 'head']) await sample(side);
    const a = runs.base.values, b = runs.head.values;
    let diff = a.length === b.length ? 0 : Infinity;
    for (let i = 0; i < a.length && diff === 0; i++) if (!(a[i] === b[i])) diff = 1;
    const row = { name, elements: a.length, opsPerSample: K, sameValues: diff === 0 };
    for (const side of ['base', 'head']) { row[side] = { msMedian: median(runs[side].ms), ms: runs[side].ms }; runs[side].x.dispose(); }
    row.speedup = row.base.msMedian / row.head.msMedian;
    rows.push(row);
  }
  return rows;
}, reps, only));
const json = { date: new Date().toISOString(), base, reps, loadavgStart: loadStart, loadavgEnd: loadavg(), rows: result };
for (const r of result) {
  console.log(`${r.name} (${r.elements}): ms ${r.base.msMedian.toFixed(2)} -> ${r.head.msMedian.toFixed(2)} (${r.speedup.toFixed(2)}x)` +
    `${r.sameValues ? '' : ' VALUES DIFFER'}`);
}
console.log(`load ${loadStart.map((v) => v.toFixed(1))} -> ${loadavg().map((v) => v.toFixed(1))}`);
if (out) writeFileSync(new URL(`results/${out}.json`, import.meta.url), JSON.stringify(json, null, 1));
