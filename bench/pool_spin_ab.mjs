// A/B of the wasm worker pool's spin-wait (ThreadPool.spinMicros: how long a worker spins for the
// next task before it sleeps) in the bench page, 2 threads, timed as bench/measure.mjs's settle loop
// times a cell: a 50 ms pause, one untimed re-entry iteration, then the timed one. The spin values
// alternate within each round (the order flipping every round), so load falls on all alike; per
// case and value: median ms of ROUNDS rounds, and the pool chunks the worker ran per timed call.
// Run: node bench/pool_spin_ab.mjs [spinMicros...]   (default 50 1000; needs dist/)
//      ROUNDS=<n> (default 25), CASES=<comma-separated names below>, OUT=<bench/results name>,
//      RENICE=<nice> (root, Linux): first set every thread of the page's renderer to that nice value
//      (e.g. -15), so other processes take less of the page's two cores (it did not help on the shared
//      2-core machine of 2026-12-03: matMul 512 stayed at 11 ms median against ~3 ms quiet).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';
import { threadCpu } from './thread_cpu.mjs';

/** One bench tab (as bench_tab.mjs's withBenchTab), with the browser for RENICE. */
async function withTab(run) {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(`${server.url}/bench/index.html`);
    return await run(tab, browser);
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Renices every thread of the browser's renderer processes (after the pool's worker started). */
function renice(browser, nice) {
  const tids = [...threadCpu(browser.process().pid)].filter(([, v]) => v.kind.startsWith('renderer:')).map(([k]) => k.split('/')[1]);
  execFileSync('renice', ['-n', String(nice), '-p', ...tids], { stdio: 'ignore' });
  return tids.length;
}

const spins = process.argv.slice(2).map(Number);
const SPINS = spins.length ? spins : [50, 1000];
const ROUNDS = Number(process.env.ROUNDS ?? 25);
const CASES = (process.env.CASES ?? 'matMul 256,matMul 512,matMul 1024,conv2d 28,attention').split(',');
const load = [loadavg()[0]];

const result = await withTab(async (tab, browser) => {
  await tab.evaluate(async () => {
    const tf = await import('/dist/tessera.js');
    tf.wasm.setThreadsCount(2);
    await tf.setBackend('wasm');
  });
  if (process.env.RENICE) console.log(`reniced ${renice(browser, process.env.RENICE)} renderer threads to ${process.env.RENICE}`);
  return tab.evaluate(async ({ spins, rounds, cases }) => {
    const tf = await import('/dist/tessera.js');
    const pool = tf.backend().pool;
    const spin0 = pool.spinMicros;
    const made = {
      'matMul 256': () => [[tf.randomUniform([256, 256]), tf.randomUniform([256, 256])], (a, b) => tf.matMul(a, b)],
      'matMul 512': () => [[tf.randomUniform([512, 512]), tf.randomUniform([512, 512])], (a, b) => tf.matMul(a, b)],
      'matMul 1024': () => [[tf.randomUniform([1024, 1024]), tf.randomUniform([1024, 1024])], (a, b) => tf.matMul(a, b)],
      'conv2d 28': () => [[tf.randomUniform([1, 28, 28, 32]), tf.randomUniform([3, 3, 32, 96])], (x, f) => tf.conv2d(x, f, 1, 'same')],
      attention: () => [[1, 2, 3].map(() => tf.randomNormal([1, 8, 256, 64])), (q, k, v) => tf.attention(q, k, v, { causal: true })],
    };
    const once = async (run, inputs) => {
      const out = run(...inputs);
      const corner = tf.slice(out, new Array(out.shape.length).fill(0), new Array(out.shape.length).fill(1));
      await corner.data();
      corner.dispose();
      out.dispose();
    };
    const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const chunks = () => tf.memory().backends.wasm.workerChunks;
    const rows = [];
    for (const name of cases) {
      const [inputs, run] = made[name]();
      for (let i = 0; i < 3; i++) await once(run, inputs);
      const ms = spins.map(() => []), wc = spins.map(() => []);
      for (let r = 0; r < rounds; r++) {
        for (const i of r % 2 ? [...spins.keys()].reverse() : spins.keys()) {
          pool.spinMicros = spins[i];
          await new Promise((res) => setTimeout(res, 50));
          await once(run, inputs);
          const c0 = chunks(), t = performance.now();
          await once(run, inputs);
          ms[i].push(performance.now() - t);
          wc[i].push(chunks() - c0);
        }
      }
      pool.spinMicros = spin0;
      rows.push({ case: name, ms: ms.map(median), min: ms.map((x) => Math.min(...x)), workerChunks: wc.map(median) });
      tf.dispose(inputs);
    }
    return rows;
  }, { spins: SPINS, rounds: ROUNDS, cases: CASES });
});
load.push(loadavg()[0]);
console.log(`| case | ${SPINS.map((s) => `spin ${s} µs: median ms (min) [worker chunks]`).join(' | ')} | ${SPINS.slice(1).map((s) => `${SPINS[0]} / ${s}`).join(' | ')} |`);
console.log(`|---|${SPINS.map(() => '--:').join('|')}|${SPINS.slice(1).map(() => '--:').join('|')}|`);
for (const r of result) {
  console.log(`| ${r.case} | ${r.ms.map((m, i) => `${m.toFixed(3)} (${r.min[i].toFixed(3)}) [${r.workerChunks[i]}]`).join(' | ')} | ${r.ms.slice(1).map((m) => `${(r.ms[0] / m).toFixed(2)}x`).join(' | ')} |`);
}
console.log(`load average: ${load.map((v) => v.toFixed(2)).join(' -> ')}`);
if (process.env.OUT) writeFileSync(join(repoRoot, `bench/results/${process.env.OUT}.json`), JSON.stringify({ date: new Date().toISOString(), renice: process.env.RENICE ?? null, spins: SPINS, rounds: ROUNDS, load, rows: result }, null, 2));
