// `npm run bench`: serves a page (COOP/COEP), drives headless Chromium, and times tessera against
// TF.js, onnxruntime-web and jax-js on the same page for each case in bench/cases.mjs on wasm and
// webgpu. Prints a table and writes bench/results/latest.json (raw) and bench/results/latest.md
// (bench/report.mjs: ratios against the best peer and each peer, the timing rule).
// Options: --only=<substring of a case name; several joined with |>, --backends=wasm,webgpu,
// --peers=tfjs,ort,jax, --time=<ms per task> (default 1000), --iterations=<min> (default 5),
// --resume (keep the rows already in latest.json, time the rest).
// --first-prediction: instead, time import -> first prediction per library in fresh browsers
// (bench/first_prediction.mjs; its own options --reps, --backends, --models).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';
import { markdownTable, printTable } from './report.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const options = {
  only: arg('only', ''),
  backends: arg('backends', 'wasm,webgpu').split(','),
  time: Number(arg('time', 1000)),
  iterations: Number(arg('iterations', 5)),
  peers: arg('peers', 'tfjs,ort,jax').split(','),
  resume: process.argv.includes('--resume'),
};
/** The case whose tessera wasm GFLOP/s is reported as a share of the Wasm SIMD register peak (timed interleaved with it in the page). */
const PEAK_CASE = 'matMul 1024x1024 @ 1024x1024';

async function bundlePage() {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(repoRoot, 'bench/page.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['/dist/tessera.js', '/node_modules/*'],
    write: false,
    logLevel: 'error',
  });
  return out.outputFiles[0].text;
}

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
  writeFileSync(join(repoRoot, 'bench/results/latest.json'), JSON.stringify(result, null, 2));
  writeFileSync(join(repoRoot, 'bench/results/latest.md'), markdownTable(result));
}

async function main() {
  const page = await bundlePage();
  const server = await startServer({
    routes: {
      '/__bench/index.html': { body: `<!doctype html><meta charset="utf-8"><title>tessera bench</title><script type="module">import * as b from '/__bench/page.js'; window.__bench = b;</script>` },
      '/__bench/page.js': { type: 'text/javascript; charset=utf-8', body: page },
      '/favicon.ico': { type: 'image/x-icon', body: '' },
    },
  });
  const load = [];
  const sampleLoad = () => load.push(Number(loadavg()[0].toFixed(2)));
  sampleLoad();
  const loadTimer = setInterval(sampleLoad, 15_000);
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    tab.on('console', (m) => {
      const t = m.text();
      if (t.startsWith('[bench]') || m.type() === 'error') console.log(t);
    });
    tab.on('pageerror', (e) => console.error('[page error]', e.message));
    await tab.goto(`${server.url}/__bench/index.html`);
    await tab.waitForFunction('window.__bench', { timeout: 60_000 });
    console.log(`[bench] ${await tab.evaluate(() => navigator.userAgent)}`);
    // One page call per case and backend (a WebGPU cell on SwiftShader can take minutes), the
    // results written after each, so a long pass cannot lose finished numbers. --resume keeps the
    // rows already in latest.json (same options) and times only the missing ones.
    const resultsPath = join(repoRoot, 'bench/results/latest.json');
    const previous = options.resume && existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : null;
    const env = await tab.evaluate(() => window.__bench.describe());
    const result = { ...env, threads: { ...previous?.threads, ...env.threads }, rows: previous?.rows ?? [], wasmPeak: previous?.wasmPeak ?? null };
    if (previous) {
      result.resumedFrom = previous.date;
      result.resumedOptions = previous.resumedOptions ?? previous.options; // the options of rows without their own
      load.unshift(...(previous.load?.samples1min ?? []));
    }
    const names = await tab.evaluate((only) => window.__bench.caseNames(only), options.only);
    const has = (name, backend) => result.rows.some((r) => r.case === name && r.backend === backend);
    const peak = async (when) => {
      result.wasmPeak ??= { case: PEAK_CASE, samples: [] };
      result.wasmPeak.samples.push({ when, ...(await tab.evaluate(() => window.__bench.peakSample())) });
      result.wasmPeak.peakGflops = Math.max(...result.wasmPeak.samples.map((x) => x.peakGflops ?? 0));
    };
    for (const backend of options.backends) {
      const todo = names.filter((n) => !has(n, backend));
      if (backend === 'wasm' && todo.length) await peak('start');
      for (const name of todo) {
        if (backend === 'wasm' && name === PEAK_CASE) await peak(`before ${name}`);
        const row = await tab.evaluate((o) => window.__bench.runCase(o), { ...options, name, backend });
        row.options = { time: options.time, iterations: options.iterations, at: new Date().toISOString() };
        result.rows.push(row);
        const env = await tab.evaluate(() => window.__bench.describe());
        Object.assign(result, env, { date: result.date, threads: { ...result.threads, ...env.threads } });
        writeResults(result, load);
      }
      if (backend === 'wasm' && todo.length) await peak('end');
    }
    writeResults(result, load);
    console.log(`\nadapter: ${result.adapter ?? 'none'}; crossOriginIsolated: ${result.crossOriginIsolated}; cores: ${result.hardwareConcurrency}\n`);
    printTable(result);
    console.log('\nwrote bench/results/latest.json and bench/results/latest.md');
  } finally {
    clearInterval(loadTimer);
    await browser.close();
    await server.close();
  }
}

const entry = process.argv.includes('--first-prediction')
  ? () => import('./first_prediction.mjs').then((m) => m.runFirstPrediction())
  : main;
entry().catch((e) => {
  console.error(e);
  process.exit(1);
});
