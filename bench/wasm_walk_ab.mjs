// A/B of the kernels that share the 3-D walker (assembly/conv3d.ts walk3d): two builds of the kernel
// module (argv: base.wasm new.wasm [out.json]) on the same inputs, interleaved in one process; checks
// the outputs are bit for bit equal (inputs with many tied values and some NaN, so the max tie rules
// are exercised) and prints the min ms of each and the ratio base / new (> 1: new is faster).
// Kernels: conv3d and its two backprops, pool3d / pool3dBackprop (max, avg), dilation2d and its two
// backprops, maxPoolWithArgmax (now one walker with dilation2d), topk on float32 and int32 rows (one
// f64-comparing heap instead of two instantiations), the 2-D pool and poolBackprop (controls, unchanged code).
import { readFileSync, writeFileSync } from 'node:fs';
import { loadKernelModule } from './kernel_module.mjs';

const [baseFile, newFile, outFile] = process.argv.slice(2);
const mods = [await loadKernelModule(readFileSync(baseFile)), await loadKernelModule(readFileSync(newFile))];
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const f32 = (n) => Float32Array.from({ length: n }, () => rnd());
const tied = (n) => Float32Array.from({ length: n }, () => { const r = rnd(); return r > 0.97 ? NaN : Math.round(r * 3); });
const outSize = (inS, f, s, d, p) => Math.floor((inS + 2 * p - d * (f - 1) - 1) / s) + 1;

function put(m, arr) { const p = m.alloc(arr.byteLength); new Uint8Array(m.memory.buffer, p, arr.byteLength).set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength)); return p; }
const read = (m, p, n) => new Uint8Array(m.memory.buffer, p, n * 4).slice();

const cases = [];
for (const [tag, B, D, H, W, C, OC, f, s, d, p] of [['3x3x3 s1 p1', 1, 8, 10, 10, 4, 8, 3, 1, 1, 1], ['2x2x2 s2 d1 p0', 2, 9, 9, 9, 3, 5, 2, 2, 1, 0], ['3x3x3 s2 d2 p2', 1, 9, 11, 8, 3, 4, 3, 2, 2, 2]]) {
  const oD = outSize(D, f, s, d, p), oH = outSize(H, f, s, d, p), oW = outSize(W, f, s, d, p);
  const geo3 = (oc) => Int32Array.from([B, D, H, W, C, oD, oH, oW, oc, f, f, f, s, s, s, d, d, d, p, p, p]);
  const nx = B * D * H * W * C, ny = B * oD * oH * oW * OC, nf = f * f * f * C * OC, npool = B * oD * oH * oW * C;
  const x = tied(nx), xf = f32(nx), w = f32(nf), dy = f32(ny), dyp = f32(npool);
  const mk = (name, n, call, ins) => cases.push([`${name} ${tag}`, (m) => {
    const ptrs = ins.map((a) => put(m, a)), out = m.alloc(n * 4);
    return { run: () => call(m.ex, ptrs, out), out: () => read(m, out, n) };
  }]);
  mk('conv3d', ny, (ex, [a, b, g], o) => ex.conv3d(a, b, o, g), [xf, w, geo3(OC)]);
  mk('conv3dBackpropInput', nx, (ex, [a, b, g], o) => ex.conv3dBackpropInput(a, b, o, g), [dy, w, geo3(OC)]);
  mk('conv3dBackpropFilter', nf, (ex, [a, b, g], o) => ex.conv3dBackpropFilter(a, b, o, g), [xf, dy, geo3(OC)]);
  for (const op of [0, 1]) {
    mk(`pool3d op${op}`, npool, (ex, [a, g], o) => ex.pool3d(a, o, g, op), [x, geo3(C)]);
    mk(`pool3dBackprop op${op}`, nx, (ex, [a, b, g], o) => ex.pool3dBackprop(a, b, o, g, op), [dyp, x, geo3(C)]);
  }
}
for (const [tag, B, H, W, C, f, s, d, p] of [['3x3 s2 p1', 2, 56, 56, 16, 3, 2, 1, 1], ['2x2 s2 p0', 1, 64, 64, 32, 2, 2, 1, 0], ['3x3 s1 d2 p2', 1, 33, 31, 5, 3, 1, 2, 2]]) {
  const oH = outSize(H, f, s, d, p), oW = outSize(W, f, s, d, p);
  const geo2 = Int32Array.from([B, H, W, C, oH, oW, C, f, f, s, s, d, d, p, p]);
  const nx = B * H * W * C, ny = B * oH * oW * C;
  const x = tied(nx), dy = f32(ny);
  for (const op of [0, 1]) {
    cases.push([`poolBackprop op${op} ${tag} (control)`, (m) => {
      const px = put(m, x), pdy = put(m, dy), pg = put(m, geo2), out = m.alloc(nx * 4);
      return { run: () => m.ex.poolBackprop(pdy, px, out, pg, op), out: () => read(m, out, nx) };
    }]);
    cases.push([`pool op${op} ${tag} (control)`, (m) => {
      const px = put(m, x), pg = put(m, geo2), out = m.alloc(ny * 4);
      return { run: () => m.ex.pool(px, out, pg, op), out: () => read(m, out, ny) };
    }]);
  }
}

for (const [tag, B, H, W, C, f, s, d, p] of [['3x3 s2 p1', 2, 40, 40, 8, 3, 2, 1, 1], ['3x3 s1 d2 p2', 1, 33, 31, 5, 3, 1, 2, 2]]) {
  const oH = outSize(H, f, s, d, p), oW = outSize(W, f, s, d, p);
  const geo2 = Int32Array.from([B, H, W, C, oH, oW, C, f, f, s, s, d, d, p, p]);
  const nx = B * H * W * C, ny = B * oH * oW * C, nf = f * f * C;
  const x = tied(nx), w = tied(nf), dy = f32(ny);
  const mk = (name, n, call, ins) => cases.push([`${name} ${tag}`, (m) => {
    const ptrs = ins.map((a) => put(m, a)), out = m.alloc(n * 4);
    return { run: () => call(m.ex, ptrs, out), out: () => read(m, out, n) };
  }]);
  mk('dilation2d', ny, (ex, [a, b, g], o) => ex.dilation2d(a, b, o, g), [x, w, geo2]);
  mk('dilation2dBackpropInput', nx, (ex, [a, b, c, g], o) => ex.dilation2dBackpropInput(a, b, c, o, g), [x, w, dy, geo2]);
  mk('dilation2dBackpropFilter', nf, (ex, [a, b, c, g], o) => ex.dilation2dBackpropFilter(a, b, c, o, g), [x, w, dy, geo2]);
  for (const inc of [0, 1]) {
    // values then indexes in one output block
    mk(`maxPoolWithArgmax includeBatch ${inc}`, 2 * ny, (ex, [a, g], o) => ex.maxPoolWithArgmax(a, o, o + ny * 4, g, inc), [x, geo2]);
  }
}
for (const [rows, cols, k] of [[64, 1000, 5], [256, 100, 20], [16, 4096, 200]]) {
  const xf = tied(rows * cols), xi = Int32Array.from(f32(rows * cols), (v) => Math.round(v * 50));
  for (const [kind, x, isInt] of [['float32', xf, 0], ['int32', xi, 1]]) {
    cases.push([`topk ${kind} ${rows}x${cols} k=${k}`, (m) => {
      const px = put(m, x), out = m.alloc(rows * k * 8), heap = m.alloc(k * 4);
      return { run: () => m.ex.topk(px, out, out + rows * k * 4, rows, cols, k, isInt, heap), out: () => read(m, out, 2 * rows * k) };
    }]);
  }
}

const rows = [];
for (const [name, setup] of cases) {
  for (const m of mods) m.reset();
  const runs = mods.map(setup);
  runs.forEach((r) => r.run());
  const [a, b] = runs.map((r) => r.out());
  const same = a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same) { console.log(`MISMATCH ${name}`); process.exitCode = 1; }
  let reps = 1;
  for (;;) { const t = performance.now(); for (let r = 0; r < reps; r++) runs[0].run(); if (performance.now() - t > 5) break; reps *= 2; }
  const best = [Infinity, Infinity];
  for (let i = 0; i < 15; i++) {
    for (const k of i & 1 ? [1, 0] : [0, 1]) {
      const t = performance.now();
      for (let r = 0; r < reps; r++) runs[k].run();
      best[k] = Math.min(best[k], (performance.now() - t) / reps);
    }
  }
  rows.push({ name, identical: same, baseMs: +best[0].toFixed(4), newMs: +best[1].toFixed(4), ratio: +(best[0] / best[1]).toFixed(3) });
  console.log(`${name.padEnd(44)} ${same ? 'identical' : 'DIFFERENT'} base ${best[0].toFixed(4)} ms new ${best[1].toFixed(4)} ms base/new ${(best[0] / best[1]).toFixed(3)}`);
}
const { loadavg } = await import('node:os');
if (outFile) writeFileSync(outFile, JSON.stringify({ base: baseFile, new: newFile, loadavg: loadavg(), rows }, null, 1));
