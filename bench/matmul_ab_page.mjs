// Chromium A/B of two builds of the kernel module (the engine the bench page runs, whose V8 is
// not Node's: the 4 x 8 tile ran ~50 GFLOP/s there at 512^3 against ~60 in Node 20): copies both
// .wasm files under build/ab/, serves them, instantiates each with its own memory in one headless
// Chromium page and times the raw single-thread matMul export of each, alternating the order every
// round, best of 15 wall-clock runs, with bench/wasm_peak.mjs's FMA register loop after each shape.
// Run: node bench/matmul_ab_page.mjs before.wasm after.wasm   (e.g. build/tessera-relaxed.wasm)
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';

const [before, after] = process.argv.slice(2);
if (!before || !after) throw new Error('usage: node bench/matmul_ab_page.mjs before.wasm after.wasm');
mkdirSync(join(repoRoot, 'build/ab'), { recursive: true });
copyFileSync(before, join(repoRoot, 'build/ab/before.wasm'));
copyFileSync(after, join(repoRoot, 'build/ab/after.wasm'));
const SHAPES = [[1024, 1024, 1024], [197, 3072, 768], [512, 512, 512], [1024, 2048, 256]]; // M, N, K

await withBenchTab(async (tab) => {
  const lines = await tab.evaluate(async (shapes) => {
    const { loadKernelModule } = await import('/bench/kernel_module.mjs');
    const load = async (url) => loadKernelModule(await (await fetch(url)).arrayBuffer());
    const mods = { before: await load('/build/ab/before.wasm'), after: await load('/build/ab/after.wasm') };
    const { measureWasmPeak } = await import('/bench/wasm_peak.mjs');
    const out = [];
    for (const [M, N, K] of shapes) {
      const runs = {};
      for (const [name, m] of Object.entries(mods)) {
        m.reset();
        const a = m.alloc(M * K * 4), b = m.alloc(K * N * 4), c = m.alloc(M * N * 4), s = m.alloc(m.ex.matMulScratchBytes(M, N, K));
        const fa = new Float32Array(m.memory.buffer, a, M * K), fb = new Float32Array(m.memory.buffer, b, K * N);
        for (let i = 0; i < fa.length; i++) fa[i] = Math.sin(i);
        for (let i = 0; i < fb.length; i++) fb[i] = Math.cos(i);
        runs[name] = () => m.ex.matMul(a, b, c, 1, M, N, K, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, s);
        runs[name]();
        runs[name]();
      }
      const best = { before: Infinity, after: Infinity };
      for (let r = 0; r < 15; r++) {
        for (const name of r % 2 ? ['before', 'after'] : ['after', 'before']) {
          const t = performance.now();
          runs[name]();
          best[name] = Math.min(best[name], performance.now() - t);
        }
      }
      const peak = (await measureWasmPeak()).fmaGflops;
      const g = (ms) => (2 * M * N * K / ms / 1e6).toFixed(1);
      out.push(`| ${M} x ${N} x ${K} | ${g(best.before)} | ${g(best.after)} | ${peak?.toFixed(1)} |`);
    }
    return out;
  }, SHAPES);
  console.log(`| shape (M x N x K) | ${before} GFLOP/s | ${after} GFLOP/s | FMA loop |\n|---|--:|--:|--:|\n${lines.join('\n')}`);
});
