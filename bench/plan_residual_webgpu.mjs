// The residual epilogue's effect on a planned model.predict on webgpu, in headless Chromium
// (SwiftShader on CPU machines): bundles bench/plan_residual_webgpu_page.ts from src/, serves it,
// and prints one JSON row per configuration with the median ms per predict (readback included)
// eager, planned without the residual epilogue fusion and planned with it, their ratios measured
// in the same page, kernels per replay and how many residual adds were fused.
// With --kernels it also times one conv2d with the residual epilogue against the same conv
// followed by add + relu kernels (kernel level, no plan).
// Usage: node bench/plan_residual_webgpu.mjs [--reps=N] [--only=0,2] [--kernels] [--out=name]  (writes bench/results/<name>.json)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { withSourceTab } from './source_tab.mjs';

const args = process.argv.slice(2);
const reps = Number(args.find((a) => a.startsWith('--reps='))?.slice(7) ?? 15);
const out = args.find((a) => a.startsWith('--out='))?.slice(6);
const only = args.find((a) => a.startsWith('--only='))?.slice(7); // e.g. --only=1,2 (indices into the table)
const allConfigs = [
  { batch: 1, size: 16, channels: 16, blocks: 2, reps },
  { batch: 1, size: 32, channels: 16, blocks: 2, reps },
  { batch: 4, size: 32, channels: 32, blocks: 2, reps },
];
const configs = only !== undefined ? only.split(',').filter(Boolean).map((i) => allConfigs[Number(i)]) : allConfigs;
const rows = [];
await withSourceTab('plan_residual', { file: new URL('./plan_residual_webgpu_page.ts', import.meta.url).pathname }, 'tesseraPlanResidualBench', async (page) => {
  for (const cfg of configs) {
    const row = await page.evaluate((c) => globalThis.tesseraPlanResidualBench.bench(c), cfg);
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  if (args.includes('--kernels')) {
    for (const cfg of [{ batch: 1, size: 32, channels: 16, reps: 3 * reps }, { batch: 4, size: 32, channels: 32, reps }]) {
      const row = await page.evaluate((c) => globalThis.tesseraPlanResidualBench.convKernels(c), cfg);
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
});
const meta = { bench: 'plan_residual_webgpu', date: new Date().toISOString(), loadavg: loadavg().map((v) => +v.toFixed(2)) };
console.log(JSON.stringify(meta));
if (out) writeFileSync(new URL(`./results/${out}.json`, import.meta.url), JSON.stringify({ ...meta, rows }, null, 2) + '\n');
