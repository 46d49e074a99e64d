// Node bench for the wasm worker pool: one process loads one or more builds of tessera (dist
// folders, e.g. the committed one copied aside and a candidate), each with a 2-thread pool, and
// times every case on each build with the pool off (1T: minWorkScale = Infinity) and on (2T),
// interleaved round by round, so all columns see the same machine load. Prints the median wall
// time per column, the median over rounds of the 1T / 2T ratio (the split's speed-up), and the
// median process CPU time per column (all threads: what a split wastes on repacking or waiting).
// Run: node --experimental-wasm-relaxed-simd bench/wasm_split.mjs [distDir...] [--rounds=n] [--only=a|b]
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const dirs = args.filter((a) => !a.startsWith('--'));
const rounds = Number(opt('rounds', 15));
const only = opt('only', '');
const mm = (M, K, N) => [`matMul ${M}x${K}x${N}`, [[M, K], [K, N]], (tf, a, b) => tf.matMul(a, b), 2 * M * N * K];
const conv = (h, c, o) => [`conv2d [1,${h},${h},${c}]x[3,3,${c},${o}]`, [[1, h, h, c], [3, 3, c, o]], (tf, x, f) => tf.conv2d(x, f, 1, 'same'), 2 * h * h * o * 9 * c];
const CASES = [
  mm(256, 256, 256), mm(512, 512, 512), mm(1024, 1024, 1024), mm(1024, 256, 2048), mm(197, 768, 3072),
  conv(56, 64, 64), conv(28, 32, 96),
].filter(([name]) => !only || only.split('|').some((o) => name.includes(o)));

const builds = [];
for (const dir of dirs.length ? dirs : ['dist']) {
  const tf = await import(pathToFileURL(resolve(dir, 'tessera.js')).href);
  tf.wasm.setThreadsCount(2);
  await tf.setBackend('wasm');
  const pool = tf.backend().pool;
  await pool.started;
  builds.push({ dir, tf, pool, kind: tf.backend().moduleKind });
}
console.log(`builds: ${builds.map((b) => `${b.dir} (${b.kind}, ${b.pool.readyWorkers + 1} threads)`).join(', ')}; load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
const cols = builds.flatMap((b) => [[b, 1], [b, 2]]);
console.log(['case', ...cols.map(([b, t]) => `${b.dir} ${t}T ms`), ...builds.map((b) => `${b.dir} 1T/2T`), 'GFLOP/s 2T (first build)', 'CPU ms (all threads) per column'].join(' | '));
const median = (v) => [...v].sort((x, y) => x - y)[v.length >> 1];
for (const [name, shapes, run, flops] of CASES) {
  const inputs = builds.map((b) => shapes.map((s, i) => b.tf.randomUniform(s, -1, 1, 'float32', i + 1)));
  const times = cols.map(() => []);
  const cpu = cols.map(() => []);
  const once = (ci) => {
    const [b, t] = cols[ci];
    const bi = builds.indexOf(b);
    b.pool.minWorkScale = t === 1 ? Infinity : 1;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = run(b.tf, ...inputs[bi]);
    out.dataSync();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    out.dispose();
    b.pool.minWorkScale = 1;
    cpu[ci].push((c.user + c.system) / 1000);
    return ms;
  };
  cols.forEach((_, ci) => once(ci)); // warm-up
  cpu.forEach((v) => v.splice(0));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < cols.length; j++) {
      const ci = (j + r) % cols.length;
      times[ci].push(once(ci));
    }
  }
  const ratios = builds.map((b) => {
    const i1 = cols.findIndex(([x, t]) => x === b && t === 1), i2 = i1 + 1;
    return median(times[i1].map((t, r) => t / times[i2][r])).toFixed(2);
  });
  console.log([name, ...times.map((t) => median(t).toFixed(2)), ...ratios, (flops / median(times[1]) / 1e6).toFixed(1), cpu.map((t) => median(t).toFixed(2)).join(' / ')].join(' | '));
  inputs.flat().forEach((t) => t.dispose());
}
console.log(`load after ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
for (const b of builds) b.pool.dispose();
