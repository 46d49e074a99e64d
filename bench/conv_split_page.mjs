// How tessera's 2-thread wasm conv2d splits its work, measured in one headless Chromium page with
// dist/tessera.js: calls the backend's kernel exports and worker pool directly (tf.backend().ctx /
// .pool) to time, interleaved round by round, the single-thread conv2d export, the pool split as
// parallel.ts does it (pixel blocks of `block`, one unit per claim, filter packed first on the
// calling thread) with other block sizes, and an empty pool dispatch (the fork-join cost alone),
// each back to back and after a 2 ms pause (the worker asleep). Every split's output is checked
// bit for bit against the single-thread export. Median and min ms of `rounds` rounds.
// --stBlocks=20,60,260 adds one-thread conv2dPackedRange runs with those pixel blocks; --only=<regexp> keeps the variants it matches.
// Run: node bench/conv_split_page.mjs [--rounds=40] [--stBlocks=..] [--only=..] [--out=<name>]   (npm run build first)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';

const arg = (k, d) => process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d;
const rounds = Number(arg('rounds', 40));
const out = arg('out');
const stBlocks = arg('stBlocks', '')?.split(',').filter(Boolean).map(Number);
const only = arg('only', '');
// [H (= W), inC, outC], 3x3 'same', batch 1: the bench page's conv rows.
const SHAPES = [[56, 64, 64], [28, 32, 96]];

let rows;
await withBenchTab(async (tab) => {
  rows = await tab.evaluate(async ({ shapes, rounds, stBlocks, only }) => {
    only = only ? new RegExp(only) : null;
    const tf = await import('/dist/tessera.js');
    tf.wasm.setThreadsCount(2);
    await tf.setBackend('wasm');
    await tf.ready();
    const be = tf.backend(), ctx = be.ctx, pool = be.pool, ex = ctx.ex;
    if (!pool) return [{ error: 'no pool' }];
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const roundUp = (v, m) => Math.ceil(v / m) * m;
    const align16 = (n) => Math.ceil(n / 16) * 16;
    const res = [];
    // empty dispatch: the 'unary' export (copy) on 8 elements in 2 chunks of 4
    const ex8 = tf.zeros([8]), ey8 = tf.zeros([8]);
    const emptyRun = () => {
      pool.begin(8);
      const A = pool.args, S = pool.strides;
      A[0] = 0; A[1] = ctx.ptr(ex8); A[2] = ctx.ptr(ey8); A[4] = 0; A[5] = 0; A[6] = 0; A[7] = 0;
      S[1] = 16; S[2] = 16;
      pool.run('unary', 8, 8, 4, -1, -1, 3);
    };
    for (const [H, C, N] of shapes) {
      const x = tf.randomNormal([1, H, H, C]), f = tf.randomNormal([3, 3, C, N]);
      const yRef = tf.zeros([1, H, H, N]), ySplit = tf.zeros([1, H, H, N]);
      const params = tf.tensor([1, H, H, C, H, H, N, 3, 3, 1, 1, 1, 1, 1, 1, 0], [16], 'int32');
      const P = H * H;
      const packedBytes = align16(ex.conv2dPackedBytes(3, 3, C, N) >>> 0);
      const stride = align16((ex.conv2dScratchBytes(3, 3, C, N) >>> 0) - packedBytes);
      const scratchAll = ctx.workspace.get(packedBytes + stride * pool.threads + (ex.conv2dScratchBytes(3, 3, C, N) >>> 0) + 64);
      const stScratch = align16(scratchAll + packedBytes + stride * pool.threads);
      const p = () => ctx.ptr(params);
      const single = () => ex.conv2d(ctx.ptr(x), ctx.ptr(f), ctx.ptr(yRef), p(), 0, 1, 0, 0, 0, 1, stScratch);
      const wake = () => { Atomics.add(pool.ctl, 2, 1); Atomics.notify(pool.ctl, 2); };
      const split = (block, prewake = false) => () => {
        if (prewake) wake();
        const units = ex.conv2dUnits(p(), block);
        ex.conv2dPackFilter(ctx.ptr(f), p(), scratchAll);
        pool.begin(14);
        const A = pool.args;
        A[13] = block;
        A[0] = ctx.ptr(x); A[1] = scratchAll; A[2] = ctx.ptr(ySplit); A[3] = p(); A[4] = 0; A[5] = 1; A[6] = 0; A[7] = 0;
        A[8] = 0; A[9] = 1; A[10] = scratchAll + packedBytes;
        pool.run('conv2dPackedRange', 14, units, 1, 11, 12, -1, 10, stride);
      };
      const blocks = { cur: Math.min(240, roundUp(Math.ceil(P / 16), 60)), b4: Math.min(240, roundUp(Math.ceil(P / 4), 60)), b8: Math.min(240, roundUp(Math.ceil(P / 8), 60)), b24: 24, b12: 12 };
      const variants = { single, empty: emptyRun, pack: () => ex.conv2dPackFilter(ctx.ptr(f), p(), scratchAll), split_cur_prewake: split(blocks.cur, true) };
      for (const [k, b] of Object.entries(blocks)) variants[`split_${k}_${b}`] = split(b);
      // one thread, the filter packed then conv2dPackedRange over every unit with other block sizes
      const stBlock = (block) => () => {
        ex.conv2dPackFilter(ctx.ptr(f), p(), scratchAll);
        ex.conv2dPackedRange(ctx.ptr(x), scratchAll, ctx.ptr(ySplit), p(), 0, 1, 0, 0, 0, 1, scratchAll + packedBytes, 0, ex.conv2dUnits(p(), block), block);
      };
      if (stBlocks) for (const b of stBlocks) variants[`single_block_${b}`] = stBlock(b);
      if (only) for (const k of Object.keys(variants)) if (!only.test(k)) delete variants[k];
      const times = Object.fromEntries(Object.keys(variants).flatMap((k) => [[`${k}`, []], [`${k}_afterPause`, []]]));
      const names = Object.keys(variants);
      for (let i = 0; i < 5; i++) for (const n of names) variants[n]();
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 ? names : [...names].reverse();
        for (const n of order) {
          variants[n]();
          let t = performance.now();
          variants[n]();
          times[n].push(performance.now() - t);
          await sleep(2);
          t = performance.now();
          variants[n]();
          times[`${n}_afterPause`].push(performance.now() - t);
        }
      }
      // bit-identity of every split against the single-thread export
      const ref = yRef.dataSync().slice();
      const mism = {};
      for (const [k, b] of Object.entries(blocks)) {
        split(b)();
        const got = ySplit.dataSync();
        let bad = 0;
        for (let i = 0; i < ref.length; i++) if (Object.is(got[i], ref[i]) === false) bad++;
        mism[`split_${k}_${b}`] = bad;
      }
      const stat = (a) => { const s = [...a].sort((u, v) => u - v); return { medianMs: Number(s[s.length >> 1].toFixed(4)), minMs: Number(s[0].toFixed(4)) }; };
      res.push({ case: `conv2d [1,${H},${H},${C}] * [3,3,${C},${N}] same`, threads: pool.threads, mismatches: mism, ...Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stat(v)])) });
      tf.dispose([x, f, yRef, ySplit, params]);
    }
    return res;
  }, { shapes: SHAPES, rounds, stBlocks, only });
});
for (const r of rows) {
  console.log(r.case ?? r.error, r.mismatches ? JSON.stringify(r.mismatches) : '');
  for (const [k, v] of Object.entries(r)) if (v && v.medianMs !== undefined) console.log(`  ${k.padEnd(28)} median ${v.medianMs.toFixed(3)} ms  min ${v.minMs.toFixed(3)} ms`);
}
if (out) writeFileSync(join(repoRoot, 'bench/results', `${out}.json`), JSON.stringify({ date: new Date().toISOString(), rounds, rows }, null, 2));
