// Compares the kernel speed of Wasm builds (e.g. asconfig shrinkLevel 0 vs 1): each (build, round) runs in a
// fresh Node process that hands the build to tf.wasm.setWasmModule and times matMul 256/512/1024, conv2d and
// attention (fastest of repeats; the min and median over rounds are printed); builds alternate within each round so load drifts hit both alike.
// node --experimental-wasm-relaxed-simd bench/wasm_build_speed.mjs ROUNDS a.wasm b.wasm ...
// (env CASES=matMul256,conv2d picks cases; REPS_SCALE=4 repeats each case 4x as often)
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';

const child = `
const tf = await import('./dist/core.js');
const { readFileSync } = await import('node:fs');
tf.wasm.setWasmModule(new WebAssembly.Module(readFileSync(process.env.WASM)));
if (!(await tf.setBackend('wasm'))) throw new Error('no wasm');
const r = (s) => tf.randomUniform(s, -1, 1, 'float32', 1);
const cases = {
  matMul256: [[r([256, 256]), r([256, 256])], (a, b) => tf.matMul(a, b), 15],
  matMul512: [[r([512, 512]), r([512, 512])], (a, b) => tf.matMul(a, b), 7],
  matMul1024: [[r([1024, 1024]), r([1024, 1024])], (a, b) => tf.matMul(a, b), 3],
  conv2d: [[r([1, 56, 56, 64]), r([3, 3, 64, 64])], (x, f) => tf.conv2d(x, f, 1, 'same'), 7],
  attention: [[r([1, 8, 256, 64]), r([1, 8, 256, 64]), r([1, 8, 256, 64])], (q, k, v) => tf.attention(q, k, v, { causal: true }), 7],
};
const out = {};
const repScale = +(process.env.REPS_SCALE ?? 1);
for (const [name, [args, f, reps]] of Object.entries(cases)) {
  if (process.env.CASES && !process.env.CASES.split(',').includes(name)) continue;
  f(...args).dataSync();
  const ts = [];
  for (let i = 0; i < reps * repScale; i++) { const t0 = performance.now(); const y = f(...args); y.dataSync(); ts.push(performance.now() - t0); y.dispose(); }
  ts.sort((a, b) => a - b);
  out[name] = ts[0]; // fastest repeat: on a shared machine, interference only ever adds time
}
console.log(JSON.stringify({ module: tf.memory().backends.wasm.module, ...out }));
`;
const [rounds, ...builds] = process.argv.slice(2);
const results = builds.map(() => []);
console.log('load average before', loadavg().map((x) => x.toFixed(1)).join(' '));
for (let r = 0; r < +rounds; r++) {
  const order = r % 2 ? [...builds.keys()].reverse() : [...builds.keys()];
  for (const i of order) {
    const p = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', child], { env: { ...process.env, WASM: builds[i] }, encoding: 'utf8' });
    if (p.status !== 0) throw new Error(p.stderr);
    results[i].push(JSON.parse(p.stdout));
  }
}
console.log('load average after', loadavg().map((x) => x.toFixed(1)).join(' '));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const name of Object.keys(results[0][0]).filter((k) => k !== 'module')) {
  const stat = (i) => [Math.min(...results[i].map((x) => x[name])), median(results[i].map((x) => x[name]))];
  const [baseMin, baseMed] = stat(0);
  const pct = (v, b) => `${v / b >= 1 ? '+' : ''}${((v / b - 1) * 100).toFixed(1)}%`;
  console.log(name.padEnd(12), builds.map((b, i) => { const [mn, md] = stat(i); return `min ${mn.toFixed(2)} ms (${pct(mn, baseMin)}), median ${md.toFixed(2)} ms (${pct(md, baseMed)})`; }).join('  |  '), '  per-round ms:', builds.map((b, i) => results[i].map((x) => x[name].toFixed(1)).join('/')).join(' | '));
}
console.log('module', results.map((r) => r[0].module).join(' '));
