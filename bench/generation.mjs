// `node bench/generation.mjs`: greedy generation tokens/s of a 4-layer, d=256, 4-head GPT with
// context 256 (bench/generation_models.mjs) in headless Chromium: tessera with its KV cache,
// tessera without it and TF.js (tfjs-layers; it has no cache), plus tessera's prefill time for a
// 255-token prompt, on wasm and webgpu. Needs dist/ (node scripts/build.mjs). Writes
// bench/results/<date>_generation.json (raw) and prints a table.
// Options: --backends=wasm,webgpu --prompt=<tokens> (default 32) --tokens=<new tokens> (default 32;
// webgpu on SwiftShader gets a quarter) --reps=<timed runs, median> (default 3).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const backends = arg('backends', 'wasm,webgpu').split(',');
const promptLength = Number(arg('prompt', 32));
const newTokens = Number(arg('tokens', 32));
const reps = Number(arg('reps', 3));

const esbuild = await import('esbuild');
const bundle = await esbuild.build({
  entryPoints: [join(repoRoot, 'bench/generation_page.mjs')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
  external: ['/dist/tessera.js'], write: false, logLevel: 'error',
});
const server = await startServer({
  routes: {
    '/__gen/index.html': { body: `<!doctype html><meta charset="utf-8"><title>tessera generation bench</title><script type="module">import * as b from '/__gen/page.js'; window.__gen = b;</script>` },
    '/__gen/page.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].text },
    '/favicon.ico': { type: 'image/x-icon', body: '' },
  },
});
const browser = await launchChromium();
const load = [loadavg()[0]];
const file = `bench/results/${new Date().toISOString().slice(0, 16).replace(/[-:]/g, '')}_generation.json`;
/** Writes the raw JSON (after each backend, so a timed-out later backend keeps the earlier numbers). */
function save() {
  result.loadAverage1min = load.map((v) => Number(v.toFixed(2)));
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(join(repoRoot, file), JSON.stringify(result, null, 2));
}
const result = { date: new Date().toISOString(), cpu: `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}`, model: '4 layers, d=256, 4 heads, context 256, vocab 96', runs: [] };
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (e) => console.error('[page error]', e.message));
  await tab.goto(`${server.url}/__gen/index.html`);
  await tab.waitForFunction('window.__gen', { timeout: 60_000 });
  Object.assign(result, await tab.evaluate(() => window.__gen.describe()));
  for (const backend of backends) {
    const n = backend === 'webgpu' ? Math.max(1, Math.round(newTokens / 4)) : newTokens;
    try {
      const r = await tab.evaluate((o) => window.__gen.runGeneration(o), { backend, promptLength, newTokens: n, reps });
      result.runs.push(r);
      const by = Object.fromEntries(r.rows.map((x) => [x.what, x]));
      r.cachedOverUncached = by['tessera cached'].tokensPerS / by['tessera uncached'].tokensPerS;
      r.cachedOverTfjs = by['tessera cached'].tokensPerS / by['tfjs-layers (no cache)'].tokensPerS;
      r.cachedTokensMatchUncached = JSON.stringify(r.tokens['tessera cached']) === JSON.stringify(r.tokens['tessera uncached']);
      console.log(`\n${backend}: prompt ${promptLength}, ${n} new tokens, median of ${reps}`);
      for (const x of r.rows) console.log(`  ${x.what.padEnd(44)} ${x.ms.toFixed(1).padStart(9)} ms${x.tokensPerS ? `  ${x.tokensPerS.toFixed(2).padStart(8)} tokens/s` : ''}`);
      console.log(`  cached / uncached ${r.cachedOverUncached.toFixed(2)}x, cached / tfjs ${r.cachedOverTfjs.toFixed(2)}x, cached tokens = uncached: ${r.cachedTokensMatchUncached}`);
    } catch (e) {
      console.error(`${backend} failed: ${e.message ?? e}`);
      result.runs.push({ backend, error: String(e.message ?? e) });
    }
    load.push(loadavg()[0]);
    save();
  }
} finally {
  await browser.close();
  await server.close();
}
save();
console.log(`\nload average (1 min) ${result.loadAverage1min.join(', ')}; wrote ${file}`);
