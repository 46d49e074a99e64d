// Node bench behind bench/matmul_ladder.md: times the Wasm matMul / conv2d entry points of two
// builds of the kernel module (e.g. the committed one and a candidate) interleaved on the same run,
// with the register FMA peak of bench/wasm_peak.mjs timed between them, and prints one markdown
// row per shape (GFLOP/s, best of the rounds) plus the load average. Time is this process's CPU
// time (process.cpuUsage), not wall time: on a machine shared with other jobs the scheduler's
// time slices then drop out, and what is left of the load is cache sharing. Also checks that both builds
// give the same result (max |diff| relative to max |value|).
// Run: node --experimental-wasm-relaxed-simd bench/matmul_ladder.mjs before.wasm after.wasm [--time=ms] [--only=substr]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { peakRunner } from './wasm_peak.mjs';

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
const opt = (name, dflt) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const budgetMs = Number(opt('time', 300));
const rounds = Number(opt('rounds', 8));
const only = opt('only', '');

const MATMULS = [
  [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [197, 3072, 768], [1024, 2048, 256],
  [7, 65, 33], [100, 100, 100], [33, 17, 9], [65, 65, 65], [1, 1024, 1024], [17, 5, 1031],
]; // [M, N, K]
const CONVS = [
  // [batch, inH, inW, inC, fh, fw, outC] stride 1, 'same'
  [1, 28, 28, 32, 3, 3, 96], [1, 56, 56, 64, 3, 3, 64], [1, 7, 7, 17, 3, 3, 33],
  [1, 32, 32, 256, 1, 1, 2048], [1, 32, 32, 1024, 1, 1, 1024], // 1x1: matMul 1024x2048x256 and 1024^3 as implicit GEMM
];

function instantiate(path) {
  const memory = new WebAssembly.Memory({ initial: 16 });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {
    env: { memory, abort: () => { throw new Error('abort'); } },
  });
  const ex = inst.exports;
  let top = (ex.heapBase() + 63) & ~63;
  const alloc = (bytes) => {
    const p = top;
    top = (top + bytes + 63) & ~63;
    const need = Math.ceil(top / 65536) - memory.buffer.byteLength / 65536;
    if (need > 0) memory.grow(need);
    return p;
  };
  return { ex, memory, alloc, reset: () => { top = (ex.heapBase() + 63) & ~63; } };
}

function fill(mod, ptr, n, seed) {
  const f = new Float32Array(mod.memory.buffer, ptr, n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    f[i] = s / 2 ** 32 - 0.5;
  }
}

/** A runner per module for one case: {run(), out(): Float32Array}. */
function matMulCase(mod, [M, N, K]) {
  mod.reset();
  const a = mod.alloc(M * K * 4), b = mod.alloc(K * N * 4), c = mod.alloc(M * N * 4);
  const scratch = mod.alloc(mod.ex.matMulScratchBytes(M, N, K));
  fill(mod, a, M * K, 1);
  fill(mod, b, K * N, 2);
  return {
    run: () => mod.ex.matMul(a, b, c, 1, M, N, K, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, scratch),
    out: () => new Float32Array(mod.memory.buffer, c, M * N).slice(),
  };
}

function convCase(mod, [batch, inH, inW, inC, fh, fw, outC]) {
  mod.reset();
  const outH = inH, outW = inW, pT = (fh - 1) >> 1, pL = (fw - 1) >> 1;
  const x = mod.alloc(batch * inH * inW * inC * 4), f = mod.alloc(fh * fw * inC * outC * 4);
  const y = mod.alloc(batch * outH * outW * outC * 4), params = mod.alloc(64);
  const scratch = mod.alloc(mod.ex.conv2dScratchBytes(fh, fw, inC, outC));
  fill(mod, x, batch * inH * inW * inC, 3);
  fill(mod, f, fh * fw * inC * outC, 4);
  new Int32Array(mod.memory.buffer, params, 15).set([batch, inH, inW, inC, outH, outW, outC, fh, fw, 1, 1, 1, 1, pT, pL]);
  return {
    run: () => mod.ex.conv2d(x, f, y, params, 0, 1, 0, 0, 0, 1, scratch),
    out: () => new Float32Array(mod.memory.buffer, y, batch * outH * outW * outC).slice(),
  };
}

/** CPU milliseconds (user + system) of this process. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Repeats per timed sample so one sample lasts about 5 ms. */
function calibrate(run) {
  let reps = 1;
  for (;;) {
    const t0 = cpuMs();
    for (let i = 0; i < reps; i++) run();
    const ms = cpuMs() - t0;
    if (ms > 5 || reps > 1e6) return Math.max(1, Math.round(reps * 5 / Math.max(ms, 0.01)));
    reps *= 4;
  }
}

function relDiff(x, y) {
  let d = 0, m = 0;
  for (let i = 0; i < x.length; i++) {
    d = Math.max(d, Math.abs(x[i] - y[i]));
    m = Math.max(m, Math.abs(y[i]));
  }
  return d / (m || 1);
}

async function main() {
  const mods = files.map(instantiate);
  const peak = await peakRunner(2e6);
  const cases = [
    ...MATMULS.map((s) => ({ name: `matMul ${s[0]}x${s[1]}x${s[2]} (MxNxK)`, flops: 2 * s[0] * s[1] * s[2], make: (m) => matMulCase(m, s) })),
    ...CONVS.map((s) => ({
      name: `conv2d [${s[0]},${s[1]},${s[2]},${s[3]}]x[${s[4]},${s[5]},${s[3]},${s[6]}] same`,
      flops: 2 * s[0] * s[1] * s[2] * s[6] * s[4] * s[5] * s[3], make: (m) => convCase(m, s),
    })),
  ].filter((c) => c.name.includes(only));
  console.log(`| case | ${files.map((f) => f.split('/').pop()).join(' | ')} | FMA peak | load (1 min) |`);
  console.log(`|---|${files.map(() => '--:|').join('')}--:|--:|`);
  for (const c of cases) {
    // One module's case at a time lives in its own memory, so all can stay set up.
    const runners = mods.map((m) => c.make(m));
    const reps = runners.map((r) => { r.run(); return calibrate(r.run); });
    const outs = runners.map((r) => r.out());
    const best = runners.map(() => Infinity);
    let peakBest = 0;
    for (let round = 0; round < rounds; round++) {
      const order = runners.map((_, i) => (i + round) % runners.length);
      for (const i of order) {
        const t1 = cpuMs() + budgetMs / rounds;
        do {
          const t0 = cpuMs();
          for (let r = 0; r < reps[i]; r++) runners[i].run();
          best[i] = Math.min(best[i], (cpuMs() - t0) / reps[i]);
        } while (cpuMs() < t1);
      }
      const t0 = cpuMs();
      await peak.iteration();
      peakBest = Math.max(peakBest, peak.flops / (cpuMs() - t0) / 1e6);
    }
    const diff = outs.slice(1).map((o) => relDiff(o, outs[0]));
    const cells = best.map((ms) => (c.flops / ms / 1e6).toFixed(1));
    const bad = diff.some((d) => !(d < 1e-4)) ? ` MISMATCH ${diff.map((d) => d.toExponential(1))}` : '';
    console.log(`| ${c.name} | ${cells.join(' | ')} | ${peakBest.toFixed(1)} | ${loadavg()[0].toFixed(2)}${bad} |`);
  }
}
main();
