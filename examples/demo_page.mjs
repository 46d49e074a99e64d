// The demo's browser code, shared by `npm start` (headless, examples/demo.mjs) and `npm run serve`
// (a visible page, examples/index.html): runs each kernel family on every backend that starts
// here (webgpu, wasm, js), checks each backend's answer against js, and reports median timings.
import * as tf from '/dist/tessera.js';

const FAMILIES = [
  { name: 'matMul 512x512 @ 512x512', flops: 2 * 512 ** 3, setup: () => [tf.randomNormal([512, 512], 0, 1, 'float32', 1), tf.randomNormal([512, 512], 0, 1, 'float32', 2)], run: ([a, b]) => tf.matMul(a, b) },
  { name: 'add 1M', bytes: 3 * 4 * 2 ** 20, setup: () => [tf.randomNormal([2 ** 20], 0, 1, 'float32', 3), tf.randomNormal([2 ** 20], 0, 1, 'float32', 4)], run: ([a, b]) => tf.add(a, b) },
  { name: 'softmax [256,1000]', bytes: 2 * 4 * 256 * 1000, setup: () => [tf.randomNormal([256, 1000], 0, 1, 'float32', 5)], run: ([x]) => tf.softmax(x) },
  { name: 'sum [1024,1024] axis 1', bytes: 4 * 2 ** 20, setup: () => [tf.randomNormal([1024, 1024], 0, 1, 'float32', 6)], run: ([x]) => tf.sum(x, 1) },
];

/** Median wall time (ms) of `runs` iterations after one warm-up; each iteration reads the result. */
async function time(fn, runs) {
  const out = await fn();
  const first = out;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    (await fn()).dispose();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], first };
}

/** A checksum read from the output (mean of |x|), to compare backends with each other. */
async function checksum(t) {
  const v = await t.data();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.abs(v[i]);
  return s / Math.max(v.length, 1);
}

export async function runDemo(log = () => {}) {
  const rows = [];
  const reference = {};
  for (const backend of ['js', 'wasm', 'webgpu']) {
    let ok = false;
    try {
      ok = await tf.setBackend(backend);
    } catch (e) {
      log(`${backend}: ${e.message}`);
    }
    if (!ok) {
      rows.push({ backend, family: '(all)', error: 'backend unavailable here' });
      log(`${backend}: unavailable`);
      continue;
    }
    for (const f of FAMILIES) {
      const inputs = f.setup();
      try {
        const runs = backend === 'js' && f.flops ? 2 : 5;
        const { ms, first } = await time(async () => {
          const out = f.run(inputs);
          await out.data();
          return out;
        }, runs);
        const sum = await checksum(first);
        first.dispose();
        if (backend === 'js') reference[f.name] = sum;
        const ref = reference[f.name];
        const agrees = ref === undefined ? null : Math.abs(sum - ref) <= 1e-3 * Math.max(1, Math.abs(ref));
        const rate = f.flops ? `${(f.flops / ms / 1e6).toFixed(1)} GFLOP/s` : `${(f.bytes / ms / 1e6).toFixed(2)} GB/s`;
        rows.push({ backend, family: f.name, ms, rate, agrees });
        log(`${backend.padEnd(6)} ${f.name.padEnd(26)} ${ms.toFixed(2).padStart(9)} ms  ${rate}${agrees === false ? '  (DIFFERS from js!)' : ''}`);
      } catch (e) {
        rows.push({ backend, family: f.name, error: e.message });
        log(`${backend} ${f.name}: error ${e.message}`);
      } finally {
        for (const t of inputs) t.dispose();
      }
    }
  }
  return { userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated, rows };
}
