// `npm run bench`: serves the benchmark page bench/index.html (COOP/COEP; the page `npm run serve`
// shows), drives it in headless Chromium, and times tessera against
// TF.js, onnxruntime-web and jax-js on the same page for each case in bench/cases.mjs on wasm and
// webgpu. Prints a table and writes bench/results/latest.json (raw) and bench/results/latest.md
// (bench/report.mjs: ratios against the best peer and each peer, the timing rule).
// Options: --only=<substring of a case name; several joined with |>, --backends=wasm,webgpu,
// --peers=tfjs,ort,jax, --time=<ms per task> (default 1000), --iterations=<min> (default 5),
// --resume (keep the rows already in latest.json, time the rest), --quick (the page's three tiny cases),
// --out=<name> (write bench/results/<name>.json and .md instead of latest.*),
// --settle=<ms> (default 50, bench/measure.mjs's SETTLE_MS): before each library's timed
// iteration, this untimed pause and one untimed re-entry iteration, so threads one library leaves
// spinning (ORT's pool worker, ~22 ms of CPU after every run) do not slow the next library;
// --settle=0 is the old loop (no pause, no re-entry). --probe: a two-thread CPU probe
// after each timed iteration (bench/cpu_probe.mjs), its median per library in the JSON.
// --first-prediction: instead, time import -> first prediction per library in fresh browsers
// (bench/first_prediction.mjs; its own options --reps, --backends, --models).
// BENCH_JS_FLAGS=<V8 flags> (env, opt-in): launch Chromium with --js-flags=<V8 flags>, e.g.
// BENCH_JS_FLAGS=--no-wasm-dynamic-tiering compiles every library's Wasm with TurboFan up front (no
// Liftoff-then-background-tier-up), the same for all; recorded in the JSON as options.jsFlags.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';
import { benchRoutes } from './bundle.mjs';
import { SETTLE_MS } from './measure.mjs';
import { markdownTable, printTable } from './report.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const options = {
  only: arg('only', ''),
  backends: arg('backends', 'wasm,webgpu').split(','),
  time: Number(arg('time', 1000)),
  iterations: Number(arg('iterations', 5)),
  peers: arg('peers', 'tfjs,ort,jax').split(','),
  resume: process.argv.includes('--resume'),
  quick: process.argv.includes('--quick'),
  out: arg('out', 'latest'),
  jsFlags: process.env.BENCH_JS_FLAGS ?? '',
  settle: Number(arg('settle', SETTLE_MS)),
  probe: process.argv.includes('--probe'),
};
/** The case whose tessera wasm GFLOP/s is reported as a share of the Wasm SIMD register peak (timed interleaved with it in the page). */
const PEAK_CASE = 'matMul 1024x1024 @ 1024x1024';

/** Complete `result` with the machine's description and write latest.json and latest.md. */
function writeResults(result, load) {
  result.options = options;
  result.cpu = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`;
  result.loadAverage = loadavg().map((v) => v.toFixed(2)).join(' ');
  load.push(Number(loadavg()[0].toFixed(2)));
  const mean = load.reduce((a, b) => a + b, 0) / load.length;
  result.load = { samples1min: load, everySeconds: 15, summary: `min ${Math.min(...load)}, mean ${mean.toFixed(2)}, max ${Math.max(...load)} (${load.length} samples)` };
  const version = (pkg) => JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  result.versions = { tfjs: version('@tensorflow/tfjs-core'), ort: version('onnxruntime-web'), jax: version('@jax-js/jax') };
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(join(repoRoot, `bench/results/${options.out}.json`), JSON.stringify(result, null, 2));
  writeFileSync(join(repoRoot, `bench/results/${options.out}.md`), markdownTable(result));
}

async function main() {
  const server = await startServer({ routes: benchRoutes() });
  const load = [];
  const sampleLoad = () => load.push(Number(loadavg()[0].toFixed(2)));
  sampleLoad();
  const loadTimer = setInterval(sampleLoad, 15_000);
  // the whole suite is one page call: on SwiftShader it outlives puppeteer's usual 600 s (the webgpu training rows)
  const browser = await launchChromium(options.jsFlags ? [`--js-flags=${options.jsFlags}`] : [], { protocolTimeout: 3 * 3600_000 });
  try {
    const tab = await browser.newPage();
    tab.on('console', (m) => {
      const t = m.text();
      if (t.startsWith('[bench]') || m.type() === 'error') console.log(t);
    });
    tab.on('pageerror', (e) => console.error('[page error]', e.message));
    // --resume keeps the rows already in latest.json (same options) and times only the missing ones.
    const resultsPath = join(repoRoot, `bench/results/${options.out}.json`);
    const previous = options.resume && existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : null;
    if (previous) load.unshift(...(previous.load?.samples1min ?? []));
    let result = null;
    // The page (bench/index.html, the one `npm run serve` shows) runs the suite; after each row it
    // hands over its partial result, written at once so a long pass cannot lose finished numbers.
    await tab.exposeFunction('__benchProgress', (partial) => {
      result = merge(partial, previous);
      writeResults(result, load);
    });
    await tab.goto(`${server.url}/bench/index.html?headless=1`);
    await tab.waitForFunction('window.__bench', { timeout: 60_000 });
    console.log(`[bench] ${await tab.evaluate(() => navigator.userAgent)}`);
    const skip = (previous?.rows ?? []).map((r) => [r.case, r.backend]);
    const pageOptions = {
      quick: options.quick, only: options.only, backends: options.backends, peers: options.peers, time: options.time, iterations: options.iterations,
      settle: options.settle, probe: options.probe,
    };
    result = merge(await tab.evaluate((o, s) => window.__bench.runSuite(o, s), pageOptions, skip), previous);
    writeResults(result, load);
    console.log(`\nadapter: ${result.adapter ?? 'none'}; crossOriginIsolated: ${result.crossOriginIsolated}; cores: ${result.hardwareConcurrency}\n`);
    printTable(result);
    console.log(`\nwrote bench/results/${options.out}.json and .md`);
  } finally {
    clearInterval(loadTimer);
    await browser.close();
    await server.close();
  }
}

/** The page's result, after the rows (threads, peak samples) of the run it resumes, if any. */
function merge(partial, previous) {
  if (!previous) return partial;
  const peakSamples = [...(previous.wasmPeak?.samples ?? []), ...(partial.wasmPeak?.samples ?? [])];
  return {
    ...partial,
    threads: { ...previous.threads, ...partial.threads },
    rows: [...previous.rows, ...partial.rows],
    wasmPeak: peakSamples.length ? { case: PEAK_CASE, samples: peakSamples, peakGflops: Math.max(...peakSamples.map((x) => x.peakGflops ?? 0)) } : null,
    resumedFrom: previous.date,
    resumedOptions: previous.resumedOptions ?? previous.options,
  };
}

const entry = process.argv.includes('--first-prediction')
  ? () => import('./first_prediction.mjs').then((m) => m.runFirstPrediction())
  : main;
entry().catch((e) => {
  console.error(e);
  process.exit(1);
});
