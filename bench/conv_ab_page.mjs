// Chromium A/B of two builds of the kernel module on conv2d (the bench page's engine): like
// bench/matmul_ab_page.mjs, instantiates each .wasm with its own memory in one headless Chromium
// page and times the raw single-thread conv2d export (NHWC, 'same' padding, no bias),
// alternating the order every round, best of 15 wall-clock runs, and checks that both builds
// give the same output (max abs difference printed).
// Run: node bench/conv_ab_page.mjs before.wasm after.wasm   (e.g. build/tessera-relaxed.wasm)
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';

const [before, after] = process.argv.slice(2);
if (!before || !after) throw new Error('usage: node bench/conv_ab_page.mjs before.wasm after.wasm');
mkdirSync(join(repoRoot, 'build/ab'), { recursive: true });
copyFileSync(before, join(repoRoot, 'build/ab/before.wasm'));
copyFileSync(after, join(repoRoot, 'build/ab/after.wasm'));
// [batch, H, W, inC, fh, fw, outC, stride (default 1)] ('same' padding): the bench page's conv rows, a
// ResNet-ish 14x14, 1x1 convs and a stride-2 3x3.
const SHAPES = [[1, 56, 56, 64, 3, 3, 64], [1, 28, 28, 32, 3, 3, 96], [1, 14, 14, 256, 3, 3, 256], [1, 56, 56, 64, 1, 1, 256], [1, 28, 28, 128, 1, 1, 128], [1, 56, 56, 64, 3, 3, 128, 2]];

await withBenchTab(async (tab) => {
  const lines = await tab.evaluate(async (shapes) => {
    const { loadKernelModule } = await import('/bench/kernel_module.mjs');
    const load = async (url) => loadKernelModule(await (await fetch(url)).arrayBuffer());
    const mods = { before: await load('/build/ab/before.wasm'), after: await load('/build/ab/after.wasm') };
    const out = [];
    for (const [B, H, W, C, fh, fw, N, st = 1] of shapes) {
      const OH = Math.ceil(H / st), OW = Math.ceil(W / st);
      const pt = Math.max((OH - 1) * st + fh - H, 0) >> 1, pl = Math.max((OW - 1) * st + fw - W, 0) >> 1;
      const runs = {}, outs = {};
      for (const [name, m] of Object.entries(mods)) {
        m.reset();
        const x = m.alloc(B * H * W * C * 4), f = m.alloc(fh * fw * C * N * 4), o = m.alloc(B * OH * OW * N * 4);
        const params = m.alloc(64), s = m.alloc(m.ex.conv2dScratchBytes(fh, fw, C, N));
        const fx = new Float32Array(m.memory.buffer, x, B * H * W * C), ff = new Float32Array(m.memory.buffer, f, fh * fw * C * N);
        for (let i = 0; i < fx.length; i++) fx[i] = Math.sin(i);
        for (let i = 0; i < ff.length; i++) ff[i] = Math.cos(i);
        // G_BATCH, INH, INW, INC, OUTH, OUTW, OUTC, FH, FW, SH, SW, DH, DW, PT, PL
        new Int32Array(m.memory.buffer, params, 15).set([B, H, W, C, OH, OW, N, fh, fw, st, st, 1, 1, pt, pl]);
        runs[name] = () => m.ex.conv2d(x, f, o, params, 0, 1, 0, 0, 0, 1, s);
        runs[name]();
        outs[name] = () => new Float32Array(m.memory.buffer, o, B * OH * OW * N);
      }
      const a = outs.before(), b = outs.after();
      let diff = 0;
      for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
      const best = { before: Infinity, after: Infinity };
      for (let r = 0; r < 15; r++) {
        for (const name of r % 2 ? ['before', 'after'] : ['after', 'before']) {
          const t = performance.now();
          runs[name]();
          best[name] = Math.min(best[name], performance.now() - t);
        }
      }
      const g = (ms) => (2 * B * OH * OW * C * fh * fw * N / ms / 1e6).toFixed(1);
      out.push(`| [${B},${H},${W},${C}] x [${fh},${fw},${C},${N}]${st > 1 ? ` s${st}` : ''} | ${best.before.toFixed(2)} ms, ${g(best.before)} | ${best.after.toFixed(2)} ms, ${g(best.after)} | ${(best.before / best.after).toFixed(2)}x | ${diff} |`);
    }
    return out;
  }, SHAPES);
  console.log(`| conv2d same, 1 thread | ${before} | ${after} | speedup | max abs diff |\n|---|--:|--:|--:|--:|\n${lines.join('\n')}`);
});
