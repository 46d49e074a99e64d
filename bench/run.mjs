// `npm run bench`: serves a page (COOP/COEP), drives headless Chromium, and times tessera against
// TF.js, onnxruntime-web and jax-js on the same page for each case in bench/cases.mjs on wasm and
// webgpu. Prints a table and writes bench/results/latest.json (raw) and bench/results/latest.md
// (bench/report.mjs: ratios against the best peer and each peer, the timing rule).
// Options: --only=<substring of a case name; several joined with |>, --backends=wasm,webgpu,
// --peers=tfjs,ort,jax, --time=<ms per task> (default 1000), --iterations=<min> (default 5).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
};

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
    // One page call per backend, the results written after each, so a long WebGPU pass cannot
    // lose the finished wasm numbers.
    let result = null;
    for (const backend of options.backends) {
      const part = await tab.evaluate((o) => window.__bench.runBench(o), { ...options, backends: [backend] });
      if (!result) result = part;
      else {
        result.rows.push(...part.rows);
        result.threads = { ...part.threads, ...result.threads };
        result.wasmPeak ??= part.wasmPeak;
      }
      writeResults(result, load);
    }
    console.log(`\nadapter: ${result.adapter ?? 'none'}; crossOriginIsolated: ${result.crossOriginIsolated}; cores: ${result.hardwareConcurrency}\n`);
    printTable(result);
    console.log('\nwrote bench/results/latest.json and bench/results/latest.md');
  } finally {
    clearInterval(loadTimer);
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
