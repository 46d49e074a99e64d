// Where the time of a wasm int8 conv with few input channels goes (issue 12), in headless Chromium
// (the bench page's engine, whose relaxed dot takes the u8 path): loads one build of the kernel
// module (default build/tessera-relaxed.wasm) over its own memory and times, single-thread, best
// of 15, the raw exports of each stage against the float32 conv2d export on the same shape:
// int8Quantize, int8BiasCompact, int8BcastRange, its edge gather and epilogue alone (int8BcastRange
// over empty filter rows), and the smallConv path (int8WidenCompact +
// int8SmallConvRange), and a JS fill of the float32 output (the cost of writing it). A build from
// before int8BcastRange read its input in place: int8Im2colU8 (bias + patch matrix) in the bias column.
// Run: node bench/int8_fewch_profile.mjs [module.wasm] [--out=<name>: also bench/results/<name>.json]
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';

const wasm = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? join(repoRoot, 'build/tessera-relaxed.wasm');
const outName = process.argv.find((a) => a.startsWith('--out='))?.slice(6);
mkdirSync(join(repoRoot, 'build/ab'), { recursive: true });
copyFileSync(wasm, join(repoRoot, 'build/ab/profile.wasm'));
// [batch, H, W, inC, f, outC, pad]: the RGB first layer ('same') and the demo CNN's two convs ('valid')
const SHAPES = [[1, 112, 112, 3, 3, 32, 1], [200, 28, 28, 1, 3, 4, 0], [200, 13, 13, 4, 3, 8, 0]];

await withBenchTab(async (tab) => {
  const lines = await tab.evaluate(async (shapes) => {
    const { loadKernelModule } = await import('/bench/kernel_module.mjs');
    const { fewchInputs } = await import('/bench/int8_fewch_fixture.mjs');
    const m = await loadKernelModule(await (await fetch('/build/ab/profile.wasm')).arrayBuffer());
    const { ex } = m;
    const out = [];
    const best = (fn) => {
      // warm up past V8's tier-up from Liftoff to TurboFan (background compile): 300 ms of calls
      for (const t0 = performance.now(); performance.now() - t0 < 300;) fn();
      let b = Infinity;
      for (let r = 0; r < 15; r++) { const t = performance.now(); fn(); b = Math.min(b, performance.now() - t); }
      return b;
    };
    for (const [B, H, W, C, f, N, pad] of shapes) {
      m.reset();
      const { inPixels, pixels, taps, xf, xq, wq, wf, params, scales, o, runGroups, nPad, nP4, units, wsum } = fewchInputs(m, [B, H, W, C, f, N, pad]);
      const sb = m.alloc(ex.int8Im2colScratchBytes(inPixels, C));
      const wb2 = m.alloc(f * Math.ceil((f * C) / 2) * nP4 * 4), sc2 = m.alloc(ex.int8SmallConvScratchBytes(f, f, C, nP4));
      // a build before the broadcast conv read its input in place (int8Im2colU8, a patch matrix) or after
      const stages = {};
      if (ex.int8Im2colU8) {
        const cols = Math.ceil((taps * C) / 8) * 8, xb = m.alloc((pixels + 1) * cols + 32), wb = m.alloc(cols * nPad), tile = m.alloc(ex.int8BcastScratchBytes(nPad));
        ex.int8InterleaveU8Weights(wq, N, taps, C, wb, cols, nPad, wsum);
        stages.biasCompact = () => ex.int8Im2colU8(xq, params, 0, xb, cols, sb); // bias and gather
        stages.bcast = () => ex.int8BcastRange(xb, wb, scales, 0, o, pixels, N, cols, nPad, wsum, 0, 1, 0, 0, 0, 1, 0, tile, 0, units);
        stages.epilogue = () => ex.int8BcastRange(xb, wb, scales, 0, o, pixels, N, 0, nPad, wsum, 0, 1, 0, 0, 0, 1, 0, tile, 0, units);
      } else {
        const xb = m.alloc(inPixels * C + 16), wb = m.alloc(f * runGroups * nPad * 4), tile = m.alloc(ex.int8BcastScratchBytes(nPad, f, runGroups));
        ex.int8InterleaveU8Weights(wq, N, f, f, C, wb, runGroups, nPad, wsum);
        stages.biasCompact = () => ex.int8BiasCompact(xq, inPixels, C, xb);
        stages.bcast = () => ex.int8BcastRange(xb, params, wb, scales, 0, o, N, runGroups, nPad, wsum, 0, 1, 0, 0, 0, 1, 0, tile, 0, units);
        stages.epilogue = () => ex.int8BcastRange(xb, params, wb, scales, 0, o, N, 0, nPad, wsum, 0, 1, 0, 0, 0, 1, 0, tile, 0, units);
      }
      const fs = m.alloc(ex.conv2dScratchBytes(f, f, C, N));
      ex.int8InterleaveConvWeights(wq, N, f, f, C, wb2, nP4);
      const t = {
        float32: best(() => ex.conv2d(xf, wf, o, params, 0, 1, 0, 0, 0, 1, fs)),
        quantize: best(() => ex.int8Quantize(xf, xq, inPixels, C, Math.fround(1 / 127), 0)),
        biasCompact: best(stages.biasCompact),
        bcast: best(stages.bcast),
        epilogue: best(stages.epilogue),
        fillOut: best(() => new Float32Array(m.memory.buffer, o, pixels * N).fill(1)),
        widen: best(() => ex.int8WidenCompact(xq, inPixels, C, 0, sb)),
        smallConv: best(() => ex.int8SmallConvRange(sb, params, wb2, nP4, scales, 0, o, 1, 0, 0, 0, 1, 0, sc2, 0, units)),
      };
      out.push({ shape: `[${B},${H},${W},${C}]x[${f},${f},${C},${N}]`, ms: t });
    }
    return out;
  }, SHAPES);
  const table = lines.map((r) => `| ${r.shape} | ${Object.values(r.ms).map((v) => v.toFixed(3)).join(' | ')} |`);
  console.log(`| ms, 1 thread, ${wasm} | float32 conv2d | int8Quantize | int8BiasCompact | int8BcastRange | its edge gather + epilogue | output fill (JS) | int8WidenCompact | int8SmallConvRange |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n${table.join('\n')}`);
  if (outName) writeFileSync(join(repoRoot, 'bench/results', `${outName}.json`), JSON.stringify({ date: new Date().toISOString(), wasm, rows: lines }, null, 2));
});
