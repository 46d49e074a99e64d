// Float16-stored weights on the webgpu backend in headless Chromium (SwiftShader on CPU machines):
// bundles bench/float16_webgpu_page.ts and prints one JSON row per dense shape (GPU bytes of the
// weight stored float32 / float16, median ms of matMul with each and their ratio), then the GPU
// bytes of a float16-saved MLP loaded with float16Weights on / off. --out=<name> also writes the
// rows to bench/results/<name>.json.
// Usage: node bench/float16_webgpu.mjs [--reps=N] [--out=name]   (default 5 reps)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { withSourceTab } from './source_tab.mjs';

const args = process.argv.slice(2);
const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 5);
const out = args.find((a) => a.startsWith('--out='))?.slice(6);
const SHAPES = [[1, 784, 1024], [64, 784, 1024], [256, 512, 512], [16, 4096, 1024]];
await withSourceTab('float16_bench', { file: new URL('./float16_webgpu_page.ts', import.meta.url).pathname }, 'tesseraFloat16Bench', async (page) => {
  const rows = await page.evaluate((s, r) => globalThis.tesseraFloat16Bench.bench(s, r), SHAPES, reps);
  rows.push({ loadavg: loadavg().map((v) => +v.toFixed(2)), reps, date: new Date().toISOString() });
  for (const row of rows) console.log(JSON.stringify(row));
  if (out) writeFileSync(new URL(`./results/${out}.json`, import.meta.url), `${JSON.stringify(rows, null, 2)}\n`);
});
