// int8 vs float32 matMul on the webgpu backend in headless Chromium (SwiftShader on CPU
// machines): bundles bench/int8_webgpu_page.ts, serves it, and prints one JSON row per square
// size with the median ms (kernel + readback) of the float32 matMul and of int8MatMul in its
// dot4I8Packed and portable WGSL variants, and the float32/int8 time ratios.
// Usage: node bench/int8_webgpu.mjs [sizes...] [--reps=N]   (default 256 512, 5 reps)
import { build } from 'esbuild';
import { loadavg } from 'node:os';
import { esbuildAssetPlugin } from '../scripts/assets.mjs';
import { startServer } from '../scripts/server.mjs';
import { launchChromium } from '../scripts/chromium.mjs';

const args = process.argv.slice(2);
const sizes = args.filter((a) => !a.startsWith('--')).map(Number);
const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 5);
const bundle = await build({
  entryPoints: [new URL('./int8_webgpu_page.ts', import.meta.url).pathname],
  bundle: true, format: 'esm', write: false, target: 'es2022', plugins: [esbuildAssetPlugin()],
});
const server = await startServer({
  routes: {
    '/__int8_bench.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].text },
    '/__int8_bench.html': { body: '<!doctype html><script type="module" src="/__int8_bench.js"></script>' },
  },
});
const browser = await launchChromium(['--headless=new']);
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}/__int8_bench.html`);
  await page.waitForFunction('globalThis.tesseraInt8Bench !== undefined');
  const rows = await page.evaluate((s, r) => globalThis.tesseraInt8Bench.bench(s, r), sizes.length ? sizes : [256, 512], reps);
  for (const row of rows) console.log(JSON.stringify(row));
  console.log(JSON.stringify({ loadavg: loadavg().map((v) => +v.toFixed(2)) }));
} finally {
  await browser.close();
  await server.close();
}
