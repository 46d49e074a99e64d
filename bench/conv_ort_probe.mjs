// Does onnxruntime-web's run hold the second core after it returns? Times tessera's 2-thread wasm
// conv2d (the bench page's two conv rows) in headless Chromium without ORT (back to back and after
// 2 / 10 / 50 ms pauses), then in a tab with ORT: alone, right after an ORT run of the
// same conv, and after an ORT run plus a 2 / 10 / 50 ms pause (bench/conv_ort_probe_page.mjs);
// medians of 30 rounds, ms, and the mean chunks per call the pool's worker ran (memory().backends.wasm
// .workerChunks). Uses dist/tessera.js (npm run build first).
// Run: node bench/conv_ort_probe.mjs [--out=<name>]   (writes bench/results/<name>.json)
// BENCH_JS_FLAGS=<V8 flags> (env, opt-in, as bench/run.mjs): Chromium gets --js-flags=<V8 flags>.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../scripts/chromium.mjs';
import { repoRoot, startServer } from '../scripts/server.mjs';

const out = process.argv.find((a) => a.startsWith('--out='))?.split('=')[1];
const CASES = [['conv2d [1,56,56,64] * [3,3,64,64] same', [56, 64, 64]], ['conv2d [1,28,28,32] * [3,3,32,96] same', [28, 32, 96]]];
const esbuild = await import('esbuild');
const bundle = await esbuild.build({
  entryPoints: [join(repoRoot, 'bench/conv_ort_probe_page.mjs')], bundle: true, format: 'esm', platform: 'browser',
  target: 'es2022', external: ['/dist/tessera.js', '/node_modules/*'], write: false, logLevel: 'error',
});
const server = await startServer({ routes: { '/bench/conv_ort_probe.js': { type: 'text/javascript; charset=utf-8', body: () => bundle.outputFiles[0].text } } });
const jsFlags = process.env.BENCH_JS_FLAGS ?? '';
const browser = await launchChromium(jsFlags ? [`--js-flags=${jsFlags}`] : []);
const rows = [];
try {
  for (const withOrt of [false, true]) {
    const tab = await browser.newPage(); // a fresh tab: ORT loaded only in the second
    await tab.goto(`${server.url}/bench/index.html`);
    for (const [name, shape] of CASES) {
      const r = await tab.evaluate(async ([name, shape, withOrt]) => (await import('/bench/conv_ort_probe.js')).probe(name, shape, 30, withOrt), [name, shape, withOrt]);
      rows.push({ case: name, ...r });
      console.log(name, JSON.stringify(r, (k, v) => (typeof v === 'number' ? Number(v.toFixed(3)) : v)));
    }
    await tab.close();
  }
} finally {
  await browser.close();
  await server.close();
}
if (out) writeFileSync(join(repoRoot, 'bench/results', `${out}.json`), JSON.stringify({ date: new Date().toISOString(), jsFlags, rows }, null, 2));
