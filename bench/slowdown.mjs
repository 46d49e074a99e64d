// Does a library's time in the shared bench page depend on which library ran just before it?
// Drives bench/slowdown_page.mjs in the bench page (headless Chromium, the same libraries and
// thread counts as `npm run bench`): for each case, each library's median ms right after one
// iteration of each library (rows: timed library; columns: predecessor @ gap ms), plus the
// two-thread CPU probe of bench/cpu_probe.mjs as a row. Writes bench/results/<out>.json.
// --cpu instead reads the CPU time of every Chromium thread (Linux /proc, bench/thread_cpu.mjs)
// over `n` iterations of each library back to back and over `n` iterations each followed by a
// sleep of each of `gaps` ms: the difference is the CPU a library's threads burn after its run
// while the page waits (a pool's spin-waiting workers), by thread kind (--per-thread: by thread).
// Run: node bench/slowdown.mjs [--only=<case substrings, |-joined>] [--peers=tfjs,ort,jax]
//      [--rounds=8] [--gaps=0,20] [--ort-spin=0] [--cpu [--n=30] [--per-thread]] [--out=<name>]
//      (npm run build first)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';
import { benchRoutes } from './bundle.mjs';
import { cpuDelta, threadCpu } from './thread_cpu.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const options = {
  only: arg('only', 'matMul 512x512'),
  peers: arg('peers', 'tfjs,ort,jax').split(','),
  rounds: Number(arg('rounds', 8)),
  gaps: arg('gaps', '0,20').split(',').map(Number),
  ortSpin: arg('ort-spin', '1') !== '0',
  out: arg('out', ''),
  cpu: process.argv.includes('--cpu'),
  perThread: process.argv.includes('--per-thread'),
  n: Number(arg('n', 30)),
  jsFlags: process.env.BENCH_JS_FLAGS ?? '',
};

const server = await startServer({ routes: benchRoutes() });
const browser = await launchChromium(options.jsFlags ? [`--js-flags=${options.jsFlags}`] : []);
const load = [loadavg()[0]];
const result = { date: new Date().toISOString(), options, cases: [] };
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (e) => console.error('[page error]', e.message));
  await tab.goto(`${server.url}/bench/index.html?headless=1`);
  await tab.waitForFunction('window.__bench', { timeout: 60_000 });
  for (const name of await tab.evaluate((o) => window.__bench.caseNames(o), options.only)) {
    if (options.cpu) {
      result.cases.push(await cpuExperiment(tab, name));
      continue;
    }
    const r = await tab.evaluate((o) => window.__bench.slowdown.predecessorExperiment(o), { name, backend: 'wasm', peers: options.peers, rounds: options.rounds, gaps: options.gaps, ortSpin: options.ortSpin });
    load.push(loadavg()[0]);
    result.cases.push(r);
    console.log(`\n${name} (ORT spinning ${options.ortSpin ? 'on' : 'off'}, ${r.rounds} rounds, load ${loadavg()[0].toFixed(2)})${Object.keys(r.errors).length ? ` errors: ${JSON.stringify(r.errors)}` : ''}`);
    const cols = r.libs.flatMap((p) => r.gaps.map((g) => [p, g]));
    console.log(`${'timed \\ after'.padEnd(14)}${cols.map(([p, g]) => `${p}@${g}`.padStart(12)).join('')}`);
    for (const target of [...r.libs, 'probe']) {
      const cells = cols.map(([p, g]) => r.cells.find((c) => c.target === target && c.pred === p && c.gap === g));
      if (!cells[0]) continue;
      console.log(`${target.padEnd(14)}${cells.map((c) => c.ms.toFixed(2).padStart(12)).join('')}`);
      if (target === 'probe') console.log(`${'probe wake'.padEnd(14)}${cells.map((c) => c.wakeMs.toFixed(2).padStart(12)).join('')}`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
/**
 * --cpu: per library, the CPU time of Chromium's threads over `n` iterations back to back and over
 * `n` iterations each followed by a `gap` ms sleep; the difference over the sleeps' total is the
 * CPU the library's threads burn while the page waits (cores busy while idle), by thread kind.
 */
async function cpuExperiment(tab, name) {
  const root = browser.process().pid;
  const libs = await tab.evaluate((o) => window.__bench.slowdown.prepareCase(o), { name, backend: 'wasm', peers: options.peers, ortSpin: options.ortSpin });
  const out = { name, ortSpin: options.ortSpin, n: options.n, gaps: options.gaps, libs: {} };
  const phase = async (lib, gap) => {
    const before = threadCpu(root);
    const wallMs = await tab.evaluate((o) => window.__bench.slowdown.runPhase(o), { lib, n: options.n, gap });
    return { wallMs, cpu: cpuDelta(before, threadCpu(root), options.perThread) };
  };
  const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
  console.log(`\n${name} (ORT spinning ${options.ortSpin ? 'on' : 'off'}): CPU ms per iteration (all Chromium threads); then the extra CPU ms that each sleep after an iteration costs (threads busy while the page waits), by thread kind; load ${loadavg()[0].toFixed(2)}`);
  for (const lib of ['none', ...libs]) {
    const busy = await phase(lib, 0);
    out.libs[lib] = { busy, gaps: {} };
    const line = [];
    for (const gap of options.gaps.filter((g) => g > 0)) {
      const idle = await phase(lib, gap);
      const kinds = [...new Set([...Object.keys(busy.cpu), ...Object.keys(idle.cpu)])];
      const burnBy = Object.fromEntries(kinds.map((k) => [k, ((idle.cpu[k] ?? 0) - (busy.cpu[k] ?? 0)) / options.n]).filter(([, v]) => Math.abs(v) > 0.3).sort((a, b) => b[1] - a[1]));
      const burnMs = (sum(idle.cpu) - sum(busy.cpu)) / options.n;
      out.libs[lib].gaps[gap] = { idle, burnMs, burnBy, load: loadavg()[0] };
      line.push(`${gap} ms: ${burnMs.toFixed(1)} (${Object.entries(burnBy).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')})`);
    }
    console.log(`${lib.padEnd(8)} wall ${(busy.wallMs / options.n).toFixed(2)} ms/it, CPU ${(sum(busy.cpu) / options.n).toFixed(2)} ms/it; CPU ms burnt per sleep of ${line.join('; ')}`);
  }
  await tab.evaluate(() => window.__bench.slowdown.disposeCase());
  return out;
}

result.load = load.map((v) => Number(v.toFixed(2)));
if (options.out) {
  writeFileSync(join(repoRoot, `bench/results/${options.out}.json`), JSON.stringify(result, null, 2));
  console.log(`\nwrote bench/results/${options.out}.json`);
}
