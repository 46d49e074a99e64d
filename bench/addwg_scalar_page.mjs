// x op scalar at 4M float32 on the webgpu backend in the bench page (SwiftShader here), as the
// bench times a case (op, then a one-element slice read back): binary_blocked's scalar mode (the
// CPU-adapter default) against binary_strided (the backend's preferDirectOverride = false, the path
// these calls took before), interleaved per round, medians; the equal-shape add 4M for scale.
// Run: node bench/addwg_scalar_page.mjs [--rounds=N] [--out=<name>: bench/results/<name>.json]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const rounds = Number(arg('rounds', 5));
const load = [loadavg()[0]];
const result = await withBenchTab(async (tab) => tab.evaluate(async (rounds) => {
  const tf = await import('/dist/tessera.js');
  await tf.setBackend('webgpu');
  const be = tf.engine().backend;
  const N = 4 * 1024 * 1024;
  const x = tf.randomNormal([N], 0, 1, 'float32', 3), y = tf.randomNormal([N], 0, 1, 'float32', 4), s = tf.scalar(0.75);
  await x.data(); await y.data();
  const time = async (f) => {
    const t = performance.now();
    const out = f();
    const c = tf.slice(out, [0], [1]);
    await c.data();
    c.dispose(); out.dispose();
    return performance.now() - t;
  };
  const cases = { 'x + scalar': () => tf.add(x, s), 'x * scalar': () => tf.mul(x, s), 'scalar - x': () => tf.sub(s, x), 'pow(x, scalar)': () => tf.pow(x, s) };
  const rows = Object.fromEntries(Object.keys(cases).map((k) => [k, { scalarMode: [], strided: [] }]));
  const addTimes = [];
  for (let r = -1; r < rounds; r++) { // round -1 compiles
    for (const [k, f] of Object.entries(cases)) {
      for (const mode of r % 2 ? ['scalarMode', 'strided'] : ['strided', 'scalarMode']) {
        be.preferDirectOverride = mode === 'strided' ? false : null;
        const ms = await time(f);
        if (r >= 0) rows[k][mode].push(ms);
      }
    }
    be.preferDirectOverride = null;
    const ms = await time(() => tf.add(x, y));
    if (r >= 0) addTimes.push(ms);
  }
  const med = (t) => [...t].sort((a, b) => a - b)[t.length >> 1];
  return {
    rows: Object.entries(rows).map(([name, r]) => ({ name, scalarModeMs: med(r.scalarMode), stridedMs: med(r.strided), speedup: med(r.strided) / med(r.scalarMode), raw: r })),
    equalShapeAddMs: med(addTimes),
  };
}, rounds));
load.push(loadavg()[0]);
console.log(`load (1 min) ${load.map((l) => l.toFixed(2)).join(' -> ')}, ${rounds} rounds`);
for (const r of result.rows) console.log(`${r.name.padEnd(16)} scalar mode ${r.scalarModeMs.toFixed(1)} ms  binary_strided ${r.stridedMs.toFixed(1)} ms  ${r.speedup.toFixed(1)}x`);
console.log(`x + y (equal shapes) ${result.equalShapeAddMs.toFixed(1)} ms`);
const out = arg('out', '');
if (out) writeFileSync(join(repoRoot, 'bench/results', `${out}.json`), JSON.stringify({ date: new Date().toISOString(), rounds, loadAverage1min: load, ...result }, null, 2));
