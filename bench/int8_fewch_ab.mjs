// A/B of the few-input-channel int8 conv's stages across kernel builds (issue 12), in headless Chromium
// (bench/bench_tab.mjs), one thread, interleaved: per shape, each build's float32 conv2d, int8Quantize,
// widen + int8SmallConvRange ('small'), int8BiasCompact and int8BcastRange (linear and relu) on the
// same data, each timed best of 25 after 400 ms of warm-up, builds and stages alternating; 'same'
// says whether every build's int8BcastRange output (relu) is bit for bit the first build's. The u8
// path's op, as the wasm backend runs it, is quantize + biasCompact + bcast.
// Run: node bench/int8_fewch_ab.mjs base.wasm new.wasm [...] [--out=<name>: also bench/results/<name>.json]
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';

const root = repoRoot;
const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const outName = process.argv.find((a) => a.startsWith('--out='))?.slice(6);
const loadBefore = loadavg()[0];
mkdirSync(join(root, 'build/ab'), { recursive: true });
files.forEach((f, i) => copyFileSync(f, join(root, `build/ab/ab${i}.wasm`)));
const SHAPES = [[1, 112, 112, 3, 3, 32, 1], [200, 28, 28, 1, 3, 4, 0], [200, 13, 13, 4, 3, 8, 0]];
await withBenchTab(async (tab) => {
  const res = await tab.evaluate(async ({ shapes, n }) => {
    const { loadKernelModule } = await import('/bench/kernel_module.mjs');
    const { fewchInputs } = await import('/bench/int8_fewch_fixture.mjs');
    const mods = [];
    for (let i = 0; i < n; i++) mods.push(await loadKernelModule(await (await fetch(`/build/ab/ab${i}.wasm`)).arrayBuffer()));
    const out = [];
    for (const [B, H, W, C, f, N, pad] of shapes) {
      const fns = [];
      for (const m of mods) {
        const { ex } = m; m.reset();
        const { inPixels, pixels, xf, xq, wq, wf, params, scales, o, runGroups, nPad, nP4, units, wsum } = fewchInputs(m, [B, H, W, C, f, N, pad]);
        const xb = m.alloc(inPixels * C + 16), wb = m.alloc(f * runGroups * nPad * 4), tile = m.alloc(ex.int8BcastScratchBytes(nPad, f, runGroups));
        ex.int8InterleaveU8Weights(wq, N, f, f, C, wb, runGroups, nPad, wsum);
        ex.int8Quantize(xf, xq, inPixels, C, Math.fround(1 / 127), 0);
        const fs = m.alloc(ex.conv2dScratchBytes(f, f, C, N));
        const sb = m.alloc(ex.int8Im2colScratchBytes(inPixels, C));
        const wb2 = m.alloc(f * Math.ceil((f * C) / 2) * nP4 * 4), sc2 = m.alloc(ex.int8SmallConvScratchBytes(f, f, C, nP4));
        ex.int8InterleaveConvWeights(wq, N, f, f, C, wb2, nP4);
        fns.push({
          small: () => { ex.int8WidenCompact(xq, inPixels, C, 0, sb); ex.int8SmallConvRange(sb, params, wb2, nP4, scales, 0, o, 1, 0, 0, 0, 1, 0, sc2, 0, units); },
          float32: () => ex.conv2d(xf, wf, o, params, 0, 1, 0, 0, 0, 1, fs),
          quantize: () => ex.int8Quantize(xf, xq, inPixels, C, Math.fround(1 / 127), 0),
          biasCompact: () => ex.int8BiasCompact(xq, inPixels, C, xb),
          bcast: () => ex.int8BcastRange(xb, params, wb, scales, 0, o, N, runGroups, nPad, wsum, 0, 1, 0, 0, 0, 1, 0, tile, 0, units),
          bcastRelu: () => ex.int8BcastRange(xb, params, wb, scales, 0, o, N, runGroups, nPad, wsum, 0, 1, 1, 0, 0, 1, 0, tile, 0, units),
          check: () => new Uint8Array(m.memory.buffer, o, pixels * N * 4).slice(),
        });
      }
      const keys = ['small', 'float32', 'quantize', 'biasCompact', 'bcast', 'bcastRelu'];
      const best = keys.map(() => mods.map(() => Infinity));
      for (const t0 = performance.now(); performance.now() - t0 < 400;) for (const f of fns) for (const k of keys) f[k]();
      for (let r = 0; r < 25; r++) keys.forEach((k, ki) => fns.forEach((f, mi) => { const t = performance.now(); f[k](); best[ki][mi] = Math.min(best[ki][mi], performance.now() - t); }));
      // bit check of bcast output across builds
      const outs = fns.map((f) => { f.bcastRelu(); return f.check(); });
      const same = outs.every((o) => o.length === outs[0].length && o.every((v, i) => v === outs[0][i]));
      out.push({ shape: `[${B},${H},${W},${C}]x[${f},${f},${C},${N}]`, same, ms: Object.fromEntries(keys.map((k, i) => [k, best[i]])) });
    }
    return out;
  }, { shapes: SHAPES, n: files.length });
  console.log(`builds: ${files.join(', ')}; load ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
  for (const r of res) {
    const op = (i) => r.ms.quantize[i] + r.ms.biasCompact[i] + r.ms.bcast[i];
    console.log(`${r.shape} same: ${r.same}`);
    for (const [k, v] of Object.entries(r.ms)) console.log(`  ${k.padEnd(12)} ${v.map((x) => x.toFixed(3)).join('  ')}`);
    console.log(`  float32 / (quantize + biasCompact + bcast): ${files.map((_, i) => (r.ms.float32[i] / op(i)).toFixed(2) + 'x').join('  ')}`);
  }
  if (outName) writeFileSync(join(root, 'bench/results', `${outName}.json`), JSON.stringify({ date: new Date().toISOString(), builds: files, loadAverage1min: { before: loadBefore, after: loadavg()[0] }, rows: res }, null, 2));
});
