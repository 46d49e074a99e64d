// Where the time of a wasm int8 conv with many input channels goes (issue 12: conv2d
// [1,56,56,64]x[3,3,64,64] and [1,28,28,32]x[3,3,32,96], 'same'), in headless Chromium, single
// thread, best of 25 interleaved rounds after a 300 ms warm-up: loads one build of the kernel module
// (default build/tessera-relaxed.wasm) over its own memory and times the raw exports of the u8
// path (src/backends/wasm/int8.ts int8Conv2d: int8Quantize, int8BiasRows, int8PadWeights,
// int8ConvRange; its table + gather + epilogue alone, as int8ConvRange over rows of 0 bytes) against
// the float32 conv2d export, and int8MatMulRange over an [M, K] u8 matrix of the same M, K, N (what an
// im2col + matMul would cost in its dots). Run: node bench/int8conv_profile.mjs [module.wasm] [--out=<name>]
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';

const wasm = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? join(repoRoot, 'build/tessera-relaxed.wasm');
const outName = process.argv.find((a) => a.startsWith('--out='))?.slice(6);
mkdirSync(join(repoRoot, 'build/ab'), { recursive: true });
copyFileSync(wasm, join(repoRoot, 'build/ab/profile.wasm'));
// [batch, H, W, inC, f, outC, pad]
const SHAPES = process.argv.includes("--two") ? [[1, 56, 56, 64, 3, 64, 1], [1, 28, 28, 32, 3, 96, 1]] : [[1, 56, 56, 64, 3, 64, 1], [1, 28, 28, 32, 3, 96, 1], [1, 14, 14, 256, 3, 256, 1], [1, 28, 28, 128, 1, 128, 0], [8, 28, 28, 32, 3, 64, 1]];
const load0 = loadavg()[0];
await withBenchTab(async (tab) => {
  const rows = await tab.evaluate(async (shapes) => {
    const { loadKernelModule } = await import('/bench/kernel_module.mjs');
    const { fewchInputs } = await import('/bench/int8_fewch_fixture.mjs');
    const m = await loadKernelModule(await (await fetch('/build/ab/profile.wasm')).arrayBuffer());
    const { ex } = m;
    const out = [];
    for (const [B, H, W, C, f, N, pad] of shapes) {
      m.reset();
      const { inPixels, pixels, taps, xf, xq, wq, wf, params, scales, o } = fewchInputs(m, [B, H, W, C, f, N, pad]);
      const C16 = Math.ceil(C / 16) * 16, K = taps * C16, units = Math.ceil(pixels / 4);
      const xw = m.alloc((inPixels + 1) * C16), wsum = m.alloc(N * 4), ws = m.alloc(N * taps * C16);
      const scratch = m.alloc(ex.int8ConvScratchBytes(taps, N, C16));
      const fs = m.alloc(ex.conv2dScratchBytes(f, f, C, N));
      // im2col'd u8 patches [pixels + 1, K] and the weights as [N, K] rows (the conv's weight layout)
      const pm = m.alloc((pixels + 1) * K), mmScratch = m.alloc(ex.int8MatMulScratchBytes(N + 2));
      new Uint8Array(m.memory.buffer, pm, (pixels + 1) * K).forEach((_, i, a) => (a[i] = (i * 29) & 0xff));
      ex.int8BiasRows(xq, inPixels, C, 0, xw, C16);
      ex.int8PadWeights(wq, N * taps, C, taps, C16 === C ? 0 : ws, C16, wsum);
      const wp = C16 === C ? wq : ws;
      // the few-channel u8 path (src/backends/wasm/int8.ts u8CompactConv) on the same shape
      const runGroups = Math.ceil((f * C) / 4), nPad = Math.ceil(N / 8) * 8;
      const xc = m.alloc(inPixels * C + 16), wb = m.alloc(f * runGroups * nPad * 4), wsum8 = m.alloc(nPad * 4), bs = m.alloc(ex.int8BcastScratchBytes(nPad, f, runGroups));
      ex.int8BiasCompact(xq, inPixels, C, xc);
      ex.int8InterleaveU8Weights(wq, N, f, f, C, wb, runGroups, nPad, wsum8);
      const fns = {
        float32: (() => ex.conv2d(xf, wf, o, params, 0, 1, 0, 0, 0, 1, fs)),
        quantize: (() => ex.int8Quantize(xf, xq, inPixels, C, Math.fround(1 / 127), 0)),
        biasRows: (() => ex.int8BiasRows(xq, inPixels, C, 0, xw, C16)),
        padWeights: (() => ex.int8PadWeights(wq, N * taps, C, taps, C16 === C ? 0 : ws, C16, wsum)),
        convRange: (() => ex.int8ConvRange(xw, wp, scales, 0, o, params, C16, C16, C16, 2, 0, wsum, 0, 1, 0, 0, 0, 1, 0, scratch, 0, units)),
        convOverhead: (() => ex.int8ConvRange(xw, wp, scales, 0, o, params, 0, 0, C16, 2, 0, wsum, 0, 1, 0, 0, 0, 1, 0, scratch, 0, units)),
        matMulOverhead: (() => ex.int8MatMulRange(pm, wp, scales, 0, o, pixels, N, 0, K, K, N, 2, 0, wsum, 0, 1, 0, 0, 0, 1, 0, mmScratch, 0, units)),
        convGatherOnly: (() => ex.int8ConvRange(xw, wp, scales, 0, o, params, 0, C16, C16, 2, 0, wsum, 0, 1, 0, 0, 0, 1, 0, scratch, 0, units)),
        biasCompact: () => ex.int8BiasCompact(xq, inPixels, C, xc),
        interleave: () => ex.int8InterleaveU8Weights(wq, N, f, f, C, wb, runGroups, nPad, wsum8),
        bcastRange: () => ex.int8BcastRange(xc, params, wb, scales, 0, o, N, runGroups, nPad, wsum8, 0, 1, 0, 0, 0, 1, 0, bs, 0, units),
        matMulRange: (() => ex.int8MatMulRange(pm, wp, scales, 0, o, pixels, N, K, K, K, N, 2, 0, wsum, 0, 1, 0, 0, 0, 1, 0, mmScratch, 0, units)),
      };
      // interleaved rounds after a 300 ms warm-up of each: best and median of 25
      for (const fn of Object.values(fns)) for (const t0 = performance.now(); performance.now() - t0 < 300;) fn();
      const samples = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
      for (let r = 0; r < 25; r++) for (const [k, fn] of Object.entries(fns)) { const t0 = performance.now(); fn(); samples[k].push(performance.now() - t0); }
      const t = {}, med = {};
      for (const [k, v] of Object.entries(samples)) { v.sort((a, b) => a - b); t[k] = v[0]; med[k] = v[v.length >> 1]; }
      out.push({ shape: `[${B},${H},${W},${C}]x[${f},${f},${C},${N}]`, macs: pixels * N * taps * C, ms: t, medianMs: med });
    }
    return out;
  }, SHAPES);
  for (const r of rows) console.log(r.shape, Object.entries(r.ms).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', '), `| convRange ${(r.macs / r.ms.convRange / 1e6).toFixed(1)} GMAC/s`);
  const res = { date: new Date().toISOString(), wasm, loadAverage1min: { before: load0, after: loadavg()[0] }, rows };
  console.log('load', res.loadAverage1min);
  if (outName) writeFileSync(join(repoRoot, 'bench/results', `${outName}.json`), JSON.stringify(res, null, 2));
});
