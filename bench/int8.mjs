// `node bench/int8.mjs`: tessera's int8 ops (tf.quantization) against its own float32 ops on the
// wasm backend, same shapes, timed interleaved in one headless Chromium page (bench/int8_page.mjs)
// served like the other benches (COOP/COEP, so the worker pool runs). Needs dist/ (node
// scripts/build.mjs). Writes bench/results/<date>_int8_wasm.json and prints a table.
// Options: --threads=<n> (default 2), --time=<ms per library per case> (default 1000), --iterations=<min> (default 5).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const options = { threads: Number(arg('threads', 2)), time: Number(arg('time', 1000)), iterations: Number(arg('iterations', 5)) };

const server = await startServer({ routes: { '/bench/int8.html': { body: '<!doctype html><meta charset="utf-8"><title>tessera int8 bench</title>' } } });
const browser = await launchChromium();
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => {
    if (m.text().startsWith('[bench]') || m.type() === 'error') console.log(m.text());
  });
  tab.on('pageerror', (e) => console.error('[page error]', e.message));
  await tab.goto(`${server.url}/bench/int8.html`);
  const loadBefore = loadavg()[0];
  const result = await tab.evaluate(async (o) => (await import('/bench/int8_page.mjs')).runInt8Bench(o), options);
  result.options = options;
  result.cpu = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`;
  result.loadAverage1min = { before: loadBefore, after: loadavg()[0] };
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  const file = join(repoRoot, 'bench/results', `${result.date.slice(0, 16).replace(/[-:]/g, '').replace('T', 'T')}_int8_wasm.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\n${result.userAgent}\nthreads ${result.threads}, module ${result.module}, crossOriginIsolated ${result.crossOriginIsolated}, load ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}\n`);
  const ms = (t) => (t?.ms ? `${t.ms.toFixed(2)} ms (${t.gmacs.toFixed(1)} GMAC/s)` : t?.error ?? 'n/a');
  console.log('| case | float32 | int8 (quantize + op) | int8 op only | speedup | speedup (op only) | max rel. error |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of result.rows) {
    console.log(`| ${r.case} | ${ms(r.float32)} | ${ms(r.int8)} | ${ms(r.int8Kernel)} | ${r.speedup?.toFixed(2)}x | ${r.speedupKernel?.toFixed(2)}x | ${r.maxRelError.toExponential(1)} |`);
  }
  console.log(`\nwrote ${file}`);
} finally {
  await browser.close();
  await server.close();
}
