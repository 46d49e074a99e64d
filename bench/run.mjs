// `npm run bench`: serves a page (COOP/COEP), drives headless Chromium, and times tessera against
// TF.js on the same page for each case in bench/cases.mjs on wasm and webgpu. Prints a table and
// writes bench/results/latest.json and bench/results/latest.md (a Markdown table for the README).
// Options: --only=<substring of a case name; several joined with |>,
// --backends=wasm,webgpu, --time=<ms per task> (default 1000), --iterations=<min> (default 5).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const options = {
  only: arg('only', ''),
  backends: arg('backends', 'wasm,webgpu').split(','),
  time: Number(arg('time', 1000)),
  iterations: Number(arg('iterations', 5)),
};

async function bundlePage() {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(repoRoot, 'bench/page.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['/dist/tessera.js'],
    write: false,
    logLevel: 'error',
  });
  return out.outputFiles[0].text;
}

const fmt = (v, d = 2) => (v === undefined || v === null || Number.isNaN(v) ? '-' : v.toFixed(d));
function rate(row, ms) {
  if (!ms || !(row.flops ?? row.bytes)) return '-';
  const v = (row.flops ?? row.bytes) / ms / 1e6;
  return `${v >= 10 ? v.toFixed(1) : v.toPrecision(3)} ${row.flops ? 'GFLOP/s' : 'GB/s'}`;
}

export function printTable(result) {
  const head = ['case', 'backend', 'tessera ms', 'TF.js ms', 'tessera rate', 'TF.js rate', 'ratio (TF.js/tessera)'];
  const lines = result.rows.map((r) => [
    r.case,
    r.backend,
    r.tessera.ms !== undefined ? fmt(r.tessera.ms, 3) : `error: ${r.tessera.error}`.slice(0, 60),
    r.tfjs.ms !== undefined ? fmt(r.tfjs.ms, 3) : `error: ${r.tfjs.error}`.slice(0, 60),
    rate(r, r.tessera.ms),
    rate(r, r.tfjs.ms),
    r.tessera.ms && r.tfjs.ms ? `${fmt(r.tfjs.ms / r.tessera.ms)}x` : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const row = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(row(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(row(l));
}

/** The results as Markdown: a header naming the machine, then one row per case and backend. */
export function markdownTable(result) {
  const browser = result.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? result.userAgent;
  const out = [
    `Measured ${result.date.slice(0, 16).replace('T', ' ')} UTC with \`npm run bench\` (median latency per cell, >= ${result.options.time} ms and >= ${result.options.iterations} iterations, 3 for training steps).`,
    '',
    `- CPU: ${result.cpu} (navigator.hardwareConcurrency ${result.hardwareConcurrency}); load average at the end: ${result.loadAverage}`,
    `- Browser: ${browser} headless; crossOriginIsolated: ${result.crossOriginIsolated}`,
    `- WebGPU adapter: ${result.adapter ?? 'none'}`,
    '',
    '| case | backend | tessera ms | TF.js ms | TF.js / tessera | tessera rate | TF.js rate |',
    '|---|---|--:|--:|--:|--:|--:|',
  ];
  const cell = (t) => (t.ms !== undefined ? fmt(t.ms, 3) : `error: ${String(t.error).replace(/\|/g, '/').slice(0, 80)}`);
  for (const r of result.rows) {
    const ratio = r.tessera.ms && r.tfjs.ms ? `${fmt(r.tfjs.ms / r.tessera.ms)}x` : '-';
    out.push(`| ${r.case} | ${r.backend} | ${cell(r.tessera)} | ${cell(r.tfjs)} | ${ratio} | ${rate(r, r.tessera.ms)} | ${rate(r, r.tfjs.ms)} |`);
  }
  out.push('', 'TF.js 4.22 (tfjs-core + tfjs-backend-wasm/webgpu; training steps with tfjs-layers) runs in the same page on the same backend. Ratio > 1 means tessera is faster. Training rows time one awaited `model.trainOnBatch`.', '');
  return out.join('\n');
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
    const result = await tab.evaluate((o) => window.__bench.runBench(o), options);
    result.options = options;
    result.cpu = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`;
    result.loadAverage = loadavg().map((v) => v.toFixed(2)).join(' ');
    console.log(`\nadapter: ${result.adapter ?? 'none'}; crossOriginIsolated: ${result.crossOriginIsolated}; cores: ${result.hardwareConcurrency}\n`);
    printTable(result);
    mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
    writeFileSync(join(repoRoot, 'bench/results/latest.json'), JSON.stringify(result, null, 2));
    writeFileSync(join(repoRoot, 'bench/results/latest.md'), markdownTable(result));
    console.log('\nwrote bench/results/latest.json and bench/results/latest.md');
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
