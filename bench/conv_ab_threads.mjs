// Chromium A/B of two whole builds of tessera (two dist/ folders) on the bench page's conv2d rows,
// 1 and 2 threads: both builds load in one headless Chromium page, each at 1 and at 2 threads, as
// four separate module instances (each its own copy of the folder, wasm memory and worker pool), and each round times one call of every (build,
// threads) pair in rotating order, the call being conv2d + a 1-element corner read like the bench
// page's syncAndDispose, with a 2 ms pause before it (the pools' workers asleep, as between the
// bench page's libraries) or back to back. Checks that 2 threads give the 1-thread output bit for bit
// in each build, and prints how far the two builds' outputs differ.
// Median and min ms per pair.
// Run: node bench/conv_ab_threads.mjs <before dist dir> <after dist dir> [--rounds=40] [--out=<name>]
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';

const pos = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const arg = (k, d) => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
const [before, after] = pos;
if (!before || !after) throw new Error('usage: node bench/conv_ab_threads.mjs <before dist dir> <after dist dir> [--rounds=40] [--out=<name>]');
const rounds = Number(arg('rounds', 40));
const out = arg('out');
// one copy per (build, threads): a module instance shares its chunks' state (the engine) with any
// other instance from the same folder, so each needs its own URLs
for (const [name, dir] of [['before', before], ['after', after]]) {
  for (const threads of [1, 2]) {
    const dst = join(repoRoot, 'build/ab', `${name}_${threads}t_dist`);
    rmSync(dst, { recursive: true, force: true });
    mkdirSync(dst, { recursive: true });
    cpSync(resolve(dir), dst, { recursive: true });
  }
}
// [H (= W), inC, outC], 3x3 'same', batch 1: the bench page's conv rows.
const SHAPES = [[56, 64, 64], [28, 32, 96]];

let rows;
await withBenchTab(async (tab) => {
  rows = await tab.evaluate(async ({ shapes, rounds }) => {
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const libs = {};
    for (const build of ['before', 'after']) {
      for (const threads of [1, 2]) {
        const tf = await import(`/build/ab/${build}_${threads}t_dist/tessera.js`);
        tf.wasm.setThreadsCount(threads);
        await tf.setBackend('wasm');
        await tf.ready();
        libs[`${build}_${threads}t`] = tf;
      }
    }
    const res = [];
    for (const [H, C, N] of shapes) {
      const data = {};
      const calls = {};
      for (const [k, tf] of Object.entries(libs)) {
        const x = tf.randomNormal([1, H, H, C], 0, 1, 'float32', 7), f = tf.randomNormal([3, 3, C, N], 0, 1, 'float32', 8);
        calls[k] = async () => {
          const y = tf.conv2d(x, f, 1, 'same');
          const corner = tf.slice(y, [0, 0, 0, 0], [1, 1, 1, 1]);
          await corner.data();
          corner.dispose();
          y.dispose();
        };
        const y = tf.conv2d(x, f, 1, 'same');
        data[k] = y.dataSync().slice();
        y.dispose();
        for (let i = 0; i < 3; i++) await calls[k]();
      }
      // 2 threads must equal 1 thread bit for bit within a build; between builds, the largest difference relative to the output's largest magnitude
      let threadMismatches = 0, diff = 0, mag = 0;
      for (let i = 0; i < data.before_1t.length; i++) {
        if (!Object.is(data.before_1t[i], data.before_2t[i]) || !Object.is(data.after_1t[i], data.after_2t[i])) threadMismatches++;
        diff = Math.max(diff, Math.abs(data.before_1t[i] - data.after_1t[i]));
        mag = Math.max(mag, Math.abs(data.before_1t[i]));
      }
      const buildsRelDiff = diff / mag;
      const keys = Object.keys(calls);
      const times = Object.fromEntries(keys.flatMap((k) => [[`${k}_afterPause`, []], [`${k}_backToBack`, []]]));
      for (let r = 0; r < rounds; r++) {
        const order = keys.map((_, i) => keys[(i + r) % keys.length]);
        for (const k of order) {
          await sleep(2);
          let t = performance.now();
          await calls[k]();
          times[`${k}_afterPause`].push(performance.now() - t);
          t = performance.now();
          await calls[k]();
          times[`${k}_backToBack`].push(performance.now() - t);
        }
      }
      const stat = (a) => { const s = [...a].sort((u, v) => u - v); return { medianMs: Number(s[s.length >> 1].toFixed(4)), minMs: Number(s[0].toFixed(4)) }; };
      const pools = Object.fromEntries(Object.entries(libs).map(([k, tf]) => [k, { threads: tf.wasm.getThreadsCount(), workerChunks: tf.memory().backends.wasm?.workerChunks }]));
      res.push({ case: `conv2d [1,${H},${H},${C}] * [3,3,${C},${N}] same`, threadMismatches, buildsRelDiff, pools, ...Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stat(v)])) });
    }
    return res;
  }, { shapes: SHAPES, rounds });
});
for (const r of rows) {
  console.log(`${r.case} (2 vs 1 thread mismatches: ${r.threadMismatches}; before vs after max |diff| / max |y|: ${r.buildsRelDiff.toExponential(2)}; threads and chunks the workers ran so far: ${JSON.stringify(r.pools)})`);
  for (const mode of ['afterPause', 'backToBack']) {
    for (const t of ['1t', '2t']) {
      const b = r[`before_${t}_${mode}`], a = r[`after_${t}_${mode}`];
      console.log(`  ${mode.padEnd(10)} ${t}: before median ${b.medianMs.toFixed(3)} min ${b.minMs.toFixed(3)} | after median ${a.medianMs.toFixed(3)} min ${a.minMs.toFixed(3)} | median ratio ${(b.medianMs / a.medianMs).toFixed(2)}x`);
    }
  }
}
if (out) writeFileSync(join(repoRoot, 'bench/results', `${out}.json`), JSON.stringify({ date: new Date().toISOString(), before, after, rounds, rows }, null, 2));
