// int8 vs float32 matMul on the webgpu backend in headless Chromium (SwiftShader on CPU
// machines): bundles bench/int8_webgpu_page.ts, serves it, and prints one JSON row per square
// size with the median ms (kernel + readback) of the float32 matMul and of int8MatMul in its
// dot4I8Packed and portable WGSL variants, and the float32/int8 time ratios.
// Usage: node bench/int8_webgpu.mjs [sizes...] [--reps=N]   (default 256 512, 5 reps)
import { loadavg } from 'node:os';
import { withSourceTab } from './source_tab.mjs';

const args = process.argv.slice(2);
const sizes = args.filter((a) => !a.startsWith('--')).map(Number);
const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 5);
await withSourceTab('int8_bench', { file: new URL('./int8_webgpu_page.ts', import.meta.url).pathname }, 'tesseraInt8Bench', async (page) => {
  const rows = await page.evaluate((s, r) => globalThis.tesseraInt8Bench.bench(s, r), sizes.length ? sizes : [256, 512], reps);
  for (const row of rows) console.log(JSON.stringify(row));
  console.log(JSON.stringify({ loadavg: loadavg().map((v) => +v.toFixed(2)) }));
});
