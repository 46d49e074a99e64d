// Chromium A/B of two builds of the kernel module on the int8 matMul (issue 12): like
// bench/conv_ab_page.mjs, instantiates each .wasm over its own memory in one headless Chromium page
// and times the raw single-thread int8MatMulRange export on the u8 dot (operands prepared as the
// backend does: u8 rows against int8 weight rows, K a multiple of 16; the values do not change the
// time), float32 output, linear or relu, alternating the order every round, best of 12.
// Run: node bench/int8_matmul_ab.mjs before.wasm after.wasm [--out=<name>: also bench/results/<name>.json]
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';
const [before, after] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const outName = process.argv.find((a) => a.startsWith('--out='))?.slice(6);
if (!before || !after) throw new Error('usage: node bench/int8_matmul_ab.mjs before.wasm after.wasm [--out=<name>]');
mkdirSync(join(repoRoot, 'build/ab'), { recursive: true });
copyFileSync(before, join(repoRoot, 'build/ab/before.wasm'));
copyFileSync(after, join(repoRoot, 'build/ab/after.wasm'));
await withBenchTab(async (tab) => {
  const res = await tab.evaluate(async () => {
    const { loadKernelModule } = await import('/bench/kernel_module.mjs');
    const mods = {};
    for (const n of ['before', 'after']) mods[n] = await loadKernelModule(await (await fetch(`/build/ab/${n}.wasm`)).arrayBuffer());
    const out = [];
    for (const [M, N, K, act] of [[1024, 1024, 1024, 0], [256, 256, 256, 0], [197, 3072, 768, 1]]) {
      const runs = {};
      for (const [name, m] of Object.entries(mods)) {
        m.reset();
        const xw = m.alloc((M + 1) * K), w = m.alloc(N * K), s = m.alloc(N * 4), o = m.alloc(M * N * 4), wsum = m.alloc(N * 4);
        new Uint8Array(m.memory.buffer, xw, (M + 1) * K).forEach((_, i, a) => (a[i] = (i * 31) & 0xff));
        new Uint8Array(m.memory.buffer, w, N * K).forEach((_, i, a) => (a[i] = (i * 17) & 0x7f));
        new Float32Array(m.memory.buffer, s, N).fill(0.01);
        const nb = Math.max(2, Math.min(N, 2 * Math.floor(65536 / K)));
        const sc = m.alloc(m.ex.int8MatMulScratchBytes(nb)), units = Math.ceil(M / 4) * Math.ceil(N / nb);
        runs[name] = () => m.ex.int8MatMulRange(xw, w, s, 0, o, M, N, K, K, K, nb, 2, 0, wsum, 0, 1, act, 0, 0, 1, 0, sc, 0, units);
        runs[name]();
      }
      const best = { before: Infinity, after: Infinity };
      for (let r = 0; r < 12; r++) for (const n of r % 2 ? ['before', 'after'] : ['after', 'before']) {
        const t = performance.now(); runs[n](); best[n] = Math.min(best[n], performance.now() - t);
      }
      out.push({ shape: `${M}x${K}x${N} act ${act}`, ...best, speedup: best.before / best.after });
    }
    return out;
  });
  console.log(`| int8MatMulRange, u8 dot, 1 thread | ${before} | ${after} | speedup |\n|---|--:|--:|--:|`);
  for (const r of res) console.log(`| ${r.shape} | ${r.before.toFixed(2)} ms | ${r.after.toFixed(2)} ms | ${r.speedup.toFixed(2)}x |`);
  if (outName) writeFileSync(join(repoRoot, 'bench/results', `${outName}.json`), JSON.stringify({ date: new Date().toISOString(), before, after, rows: res }, null, 2));
});
