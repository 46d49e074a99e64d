// A/B of the kernels the issue-10 size work touched (node, V8): two builds of the kernel module
// (argv: base.wasm new.wasm [out.json]) on the same inputs, interleaved; checks the outputs are bit
// for bit equal and prints the min ms of each and the ratio base / new (> 1: new is faster).
// Kernels: unary tanh / gelu / erf / geluTanh / exp (control), the matMul epilogue alone
// (addResidual with tanh / gelu / sigmoid), softmax / logSoftmax rows, bilinear resize, resizeBackprop, int8 depthwise.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadKernelModule } from './kernel_module.mjs';

const [baseFile, newFile, outFile, only] = process.argv.slice(2);
const mods = [await loadKernelModule(readFileSync(baseFile)), await loadKernelModule(readFileSync(newFile))];
let seed = 1;
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
const f32 = (n, scale = 4) => Float32Array.from({ length: n }, () => rnd() * scale);

// each case: setup(mod) -> { run(), out: () => Uint8Array copy }
const cases = [];
const N = 1 << 16;
for (const [name, op] of [['exp', 3], ['tanh', 16], ['gelu', 14], ['erf', 32], ['geluTanh', 46], ['sigmoid', 15]]) {
  const x = f32(N + 3);
  cases.push([`unary ${name} ${N + 3}`, (m) => {
    const px = m.alloc(x.byteLength), po = m.alloc(x.byteLength);
    new Float32Array(m.memory.buffer, px, x.length).set(x);
    return { run: () => m.ex.unary(op, px, po, x.length, 0, 0, 0.2, 0), out: () => new Uint8Array(m.memory.buffer, po, x.byteLength).slice() };
  }]);
}
for (const [rows, cols, log] of [[256, 1003, 0], [4096, 12, 0], [4096, 5, 0], [256, 1003, 1], [4096, 12, 1]]) {
  const x = f32(rows * cols);
  cases.push([`${log ? 'logSoftmax' : 'softmax'} ${rows}x${cols}`, (m) => {
    const px = m.alloc(x.byteLength), po = m.alloc(x.byteLength);
    new Float32Array(m.memory.buffer, px, x.length).set(x);
    return { run: () => m.ex.softmax(px, po, rows, cols, log), out: () => new Uint8Array(m.memory.buffer, po, x.byteLength).slice() };
  }]);
}
for (const [name, act] of [['tanh', 7], ['gelu', 8], ['sigmoid', 6]]) {
  const rows = 256, cols = 256, c = f32(rows * cols), r = f32(rows * cols);
  cases.push([`epilogue ${name} ${rows}x${cols} (addResidual)`, (m) => {
    const pc = m.alloc(c.byteLength), pr = m.alloc(r.byteLength);
    new Float32Array(m.memory.buffer, pr, r.length).set(r);
    return {
      run: () => { new Float32Array(m.memory.buffer, pc, c.length).set(c); m.ex.addResidual(pc, pr, rows * cols, cols, act, 0.2, 0, 1); },
      out: () => new Uint8Array(m.memory.buffer, pc, c.byteLength).slice(),
    };
  }]);
}
{
  const batch = 1, inH = 64, inW = 64, C = 3, outH = 128, outW = 128, x = f32(batch * inH * inW * C);
  const table = new Float32Array(3 * outH + 3 * outW);
  for (let y = 0; y < outH; y++) { const s = (y * (inH - 1)) / (outH - 1); table[y] = Math.floor(s); table[outH + y] = Math.min(inH - 1, Math.ceil(s)); table[2 * outH + y] = s - Math.floor(s); }
  for (let xo = 0; xo < outW; xo++) { const s = (xo * (inW - 1)) / (outW - 1); table[3 * outH + xo] = Math.floor(s); table[3 * outH + outW + xo] = Math.min(inW - 1, Math.ceil(s)); table[3 * outH + 2 * outW + xo] = s - Math.floor(s); }
  for (const c of [3, 16]) {
    const xs = f32(batch * inH * inW * c), dy = f32(batch * outH * outW * c);
    cases.push([`resize bilinear 64x64x${c} -> 128x128`, (m) => {
      const px = m.alloc(xs.byteLength), pt = m.alloc(table.byteLength), po = m.alloc(batch * outH * outW * c * 4);
      new Float32Array(m.memory.buffer, px, xs.length).set(xs); new Float32Array(m.memory.buffer, pt, table.length).set(table);
      return { run: () => m.ex.resize(px, pt, po, batch, inH, inW, c, outH, outW, 0), out: () => new Uint8Array(m.memory.buffer, po, batch * outH * outW * c * 4).slice() };
    }]);
    cases.push([`resizeBackprop 128x128x${c} -> 64x64`, (m) => {
      const pd = m.alloc(dy.byteLength), pt = m.alloc(table.byteLength), po = m.alloc(xs.byteLength);
      new Float32Array(m.memory.buffer, pd, dy.length).set(dy); new Float32Array(m.memory.buffer, pt, table.length).set(table);
      return { run: () => m.ex.resizeBackprop(pd, pt, po, batch, inH, inW, c, outH, outW), out: () => new Uint8Array(m.memory.buffer, po, xs.byteLength).slice() };
    }]);
  }
}
for (const [C, outInt8, act] of [[32, 0, 1], [32, 1, 0], [96, 0, 0]]) {
  const H = 56, W = 56, fh = 3, fw = 3, C8 = (C + 7) & ~7, rowBytes = (C + 3) & ~3;
  const xw = Int16Array.from({ length: H * W * C8 }, () => Math.round(rnd() * 127));
  const w = Int8Array.from({ length: fh * fw * rowBytes + 8 }, () => Math.round(rnd() * 127));
  const wScale = Float32Array.from({ length: C8 }, () => 0.001 + Math.abs(rnd()) * 0.01), bias = f32(C8, 1);
  const params = new Int32Array([1, H, W, C, H, W, C, fh, fw, 1, 1, 1, 1, 1, 1]);
  const outBytes = outInt8 ? H * W * rowBytes : H * W * C * 4;
  cases.push([`int8 depthwise 56x56x${C} 3x3 ${outInt8 ? 'int8 out' : 'f32 out'} act ${act}`, (m) => {
    const px = m.alloc(xw.byteLength), pw = m.alloc(w.byteLength), ps = m.alloc(wScale.byteLength), pb = m.alloc(bias.byteLength);
    const pp = m.alloc(params.byteLength), po = m.alloc(outBytes);
    new Int16Array(m.memory.buffer, px, xw.length).set(xw); new Int8Array(m.memory.buffer, pw, w.length).set(w);
    new Float32Array(m.memory.buffer, ps, C8).set(wScale); new Float32Array(m.memory.buffer, pb, C8).set(bias);
    new Int32Array(m.memory.buffer, pp, params.length).set(params);
    return { run: () => m.ex.int8DepthwiseRange(px, pw, ps, pb, po, pp, C8, 0.02, act, 0, outInt8, 0.05, 3, 0, H * W), out: () => new Uint8Array(m.memory.buffer, po, outBytes).slice() };
  }]);
}

const results = [];
for (const [name, setup] of cases.filter(([n]) => !only || n.includes(only))) {
  for (const m of mods) m.reset();
  const runs = mods.map(setup);
  runs.forEach((r) => r.run());
  const [a, b] = runs.map((r) => r.out());
  const same = a.length === b.length && a.every((v, i) => v === b[i]);
  const best = [Infinity, Infinity];
  let reps = 1;
  for (let t = performance.now(); performance.now() - t < 2;) { runs[0].run(); reps++; }
  for (let round = 0; round < 25; round++) {
    for (let k = 0; k < 2; k++) {
      const i = (round + k) % 2; // alternate which build goes first
      const t = performance.now();
      for (let j = 0; j < reps; j++) runs[i].run();
      best[i] = Math.min(best[i], (performance.now() - t) / reps);
    }
  }
  const row = { name, baseMs: +best[0].toFixed(4), newMs: +best[1].toFixed(4), ratio: +(best[0] / best[1]).toFixed(3), bitIdentical: same };
  results.push(row);
  console.log(`${name.padEnd(46)} base ${row.baseMs} ms  new ${row.newMs} ms  base/new ${row.ratio}  ${same ? 'bit-identical' : 'OUTPUTS DIFFER'}`);
}
if (outFile) writeFileSync(outFile, JSON.stringify({ date: new Date().toISOString(), node: process.version, base: baseFile, new: newFile, results }, null, 1));
