// Chromium A/B, one page, one thread: the direct conv2d export of a tessera build (assembly/conv.ts)
// against the bench-only Winograd F(2x2, 3x3) prototype (bench/winograd_proto.ts, compiled here to
// build/ab/winograd.wasm), on the bench page's 3x3 'same' rows; alternating order, best of 15, and
// the largest difference between the two outputs relative to the output's largest magnitude.
// Run: node bench/winograd_ab_page.mjs [direct.wasm (default dist/tessera-relaxed.wasm)]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';

const direct = process.argv[2] ?? join(repoRoot, 'dist/tessera-relaxed.wasm');
mkdirSync(join(repoRoot, 'build/ab'), { recursive: true });
copyFileSync(direct, join(repoRoot, 'build/ab/direct.wasm'));
execFileSync(join(repoRoot, 'node_modules/.bin/asc'), ['bench/winograd_proto.ts', '--enable', 'simd', '--enable', 'relaxed-simd', '-O3', '--runtime', 'stub',
  '--importMemory', '--noAssert', '-o', 'build/ab/winograd.wasm'], { cwd: repoRoot, stdio: 'inherit' });
// [H (= W), inC, outC]
const SHAPES = [[56, 64, 64], [28, 32, 96], [14, 256, 256]];

await withBenchTab(async (tab) => {
  const lines = await tab.evaluate(async (shapes) => {
    const { loadKernelModule } = await import('/bench/kernel_module.mjs');
    const load = async (url) => loadKernelModule(await (await fetch(url)).arrayBuffer());
    const d = await load('/build/ab/direct.wasm'), w = await load('/build/ab/winograd.wasm');
    const out = [];
    for (const [H, C, N] of shapes) {
      d.reset(); w.reset();
      const fill = (m, p, n, fn) => { const a = new Float32Array(m.memory.buffer, p, n); for (let i = 0; i < n; i++) a[i] = fn(i); };
      const X = (i) => Math.sin(i * 0.37), F = (i) => Math.cos(i * 0.11) * 0.2;
      const xs = H * H * C, fs = 9 * C * N, ys = H * H * N;
      const dx = d.alloc(xs * 4), df = d.alloc(fs * 4), dy = d.alloc(ys * 4), dp = d.alloc(64), dsc = d.alloc(d.ex.conv2dScratchBytes(3, 3, C, N));
      fill(d, dx, xs, X); fill(d, df, fs, F);
      new Int32Array(d.memory.buffer, dp, 15).set([1, H, H, C, H, H, N, 3, 3, 1, 1, 1, 1, 1, 1]);
      const wx = w.alloc(xs * 4), wf = w.alloc(fs * 4), wy = w.alloc(ys * 4), wsc = w.alloc(w.ex.wgScratchBytes(C, N));
      fill(w, wx, xs, X); fill(w, wf, fs, F);
      const runs = {
        direct: () => d.ex.conv2d(dx, df, dy, dp, 0, 1, 0, 0, 0, 1, dsc),
        winograd: () => w.ex.wgConv2d(wx, wf, wy, H, H, C, N, wsc, 0),
        winogradPrepacked: () => w.ex.wgConv2d(wx, wf, wy, H, H, C, N, wsc, 1),
      };
      for (const r of Object.values(runs)) r();
      const a = new Float32Array(d.memory.buffer, dy, ys), b = new Float32Array(w.memory.buffer, wy, ys);
      let diff = 0, mag = 0;
      for (let i = 0; i < ys; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); mag = Math.max(mag, Math.abs(a[i])); }
      if (Number.isNaN(diff) || [...b.subarray(0, 64)].some(Number.isNaN)) diff = NaN;
      const best = Object.fromEntries(Object.keys(runs).map((k) => [k, Infinity]));
      const names = Object.keys(runs);
      for (let r = 0; r < 15; r++) {
        for (const k of r % 2 ? names : [...names].reverse()) {
          const t = performance.now();
          runs[k]();
          best[k] = Math.min(best[k], performance.now() - t);
        }
      }
      out.push(`| [1,${H},${H},${C}] x [3,3,${C},${N}] | ${best.direct.toFixed(2)} | ${best.winograd.toFixed(2)} | ${best.winogradPrepacked.toFixed(2)} | ${(best.direct / best.winograd).toFixed(2)}x | ${(diff / mag).toExponential(2)} |`);
    }
    return out;
  }, SHAPES);
  console.log(`| conv2d 3x3 same, 1 thread | direct ms | Winograd F(2,3) ms | Winograd, filter pre-packed ms | direct / Winograd | max |diff| / max |y| |\n|---|--:|--:|--:|--:|--:|\n${lines.join('\n')}`);
});
