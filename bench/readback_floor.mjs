// What the int8 bench's "output floor" (bench/int8_page.mjs: a relu of a tensor of the output's shape,
// then its read-back) is made of, in headless Chromium with tessera's wasm backend on 2 threads: for
// the RGB first layer's output (1x112x112x32 float32, 1.6 MB) and the demo CNN's first conv
// (200x26x26x4, 2.2 MB), best of 30 after warm-up: the relu op alone (kernel + output allocation in the
// wasm arena), y.data() of an existing tensor (the read-back), and that read-back's two parts in plain
// JS: a fresh Float32Array of the size, touched (what any new result array costs: its pages fault in),
// and the copy out of the shared wasm memory into an array that already exists.
// Run: node bench/readback_floor.mjs [--out=<name>: also bench/results/<name>.json]
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';
import { withBenchTab } from './bench_tab.mjs';

const outName = process.argv.find((a) => a.startsWith('--out='))?.slice(6);
const SHAPES = [[1, 112, 112, 32], [200, 26, 26, 4]];
const loadBefore = loadavg()[0];
const rows = await withBenchTab(async (tab) => tab.evaluate(async (shapes) => {
  const tf = await import('/dist/tessera.js');
  tf.wasm.setThreadsCount(2);
  await tf.setBackend('wasm');
  const best = async (fn) => {
    for (let i = 0; i < 20; i++) await fn();
    let b = Infinity;
    for (let r = 0; r < 30; r++) { const t = performance.now(); await fn(); b = Math.min(b, performance.now() - t); }
    return b;
  };
  const out = [];
  for (const shape of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tf.randomUniform(shape, -1, 1, 'float32', 1);
    // a shared wasm memory like the backend's (threads), to copy out of
    const mem = new WebAssembly.Memory({ initial: Math.ceil((n * 4 + 64) / 65536), maximum: 65536, shared: true });
    const wasmF32 = new Float32Array(mem.buffer), kept = new Float32Array(n), src = wasmF32.subarray(16, 16 + n);
    const ms = {
      floor: await best(async () => { const y = tf.relu(x); await y.data(); y.dispose(); }),
      reluOnly: await best(async () => { const y = tf.relu(x); y.dispose(); }),
      readBack: await best(async () => { await x.data(); }),
      freshArrayTouched: await best(async () => { const a = new Float32Array(n); for (let i = 0; i < n; i += 1024) a[i] = 1; return a; }),
      copyIntoKept: await best(async () => { kept.set(src); }),
    };
    out.push({ shape, bytes: n * 4, sharedMemory: wasmF32.buffer instanceof SharedArrayBuffer, ms });
    x.dispose();
  }
  return out;
}, SHAPES));
console.log(`load ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
console.log('| output | floor (relu + data()) | relu alone | data() alone | fresh array, touched | copy into a kept array |\n|---|--:|--:|--:|--:|--:|');
for (const r of rows) console.log(`| [${r.shape}] ${(r.bytes / 2 ** 20).toFixed(2)} MiB | ${Object.values(r.ms).map((v) => v.toFixed(3)).join(' | ')} |`);
if (outName) writeFileSync(join(repoRoot, 'bench/results', `${outName}.json`), JSON.stringify({ date: new Date().toISOString(), loadAverage1min: { before: loadBefore, after: loadavg()[0] }, rows }, null, 2));
