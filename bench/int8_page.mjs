// The int8 benchmark's page code (bench/int8.mjs serves and drives it in headless Chromium, the
// browser and server the other benches use): for each case, tessera's wasm float32 op and its
// int8 op on the same shapes, timed interleaved (bench/measure.mjs) in one page and run, with the
// thread count asked for. "int8" quantizes the float32 activations each call (what a quantized
// layer does); "int8 kernel" starts from activations already quantized. All return float32.
// "output floor": relu of a tensor of the output's shape, read back (the cost around any kernel).
// Then model rows (bench/int8_models.mjs): float32 model vs its int8 form, predict, interleaved.
import * as tf from '/dist/tessera.js';
import { measureInterleaved } from './measure.mjs';
import { INT8_CASES } from './int8_cases.mjs';
import { int8Models, buildModelPair } from './int8_models.mjs';

/** Multiply-adds: rows (or output pixels, stride 1) times the weight's size. */
const macsOf = (c) => (c.pad === 'valid' ? [c.x[0], c.x[1] - c.w[0] + 1, c.x[2] - c.w[1] + 1] : c.x.slice(0, -1)).reduce((a, b) => a * b, 1) * c.w.reduce((a, b) => a * b, 1);

export async function runInt8Bench({ threads = 2, time = 1000, iterations = 5 } = {}) {
  tf.wasm.setThreadsCount(threads);
  await tf.setBackend('wasm');
  const Q = tf.quantization;
  const rows = [];
  for (const c of INT8_CASES) {
    const x = tf.randomUniform(c.x, -1, 1, 'float32', 1);
    const w = tf.randomUniform(c.w, -1, 1, 'float32', 2);
    const pw = Q.packWeightsPerChannel(w, c.kind);
    const { scale, zeroPoint } = Q.chooseQuantParams(-1, 1);
    const qx = Q.quantizeInt8(x, scale, zeroPoint);
    const pad = c.pad ?? 'same';
    const y0 = tf.tidy(() => tf.neg(c.kind === 'dense' ? tf.matMul(x, w) : tf.conv2d(x, w, 1, pad)));
    const f32 = c.kind === 'dense' ? () => tf.matMul(x, w) : () => tf.conv2d(x, w, 1, pad);
    const int8 = (q) => (c.kind === 'dense' ? Q.int8MatMul(q, pw) : Q.int8Conv2d(q, pw, 1, pad));
    const runners = {
      float32: { iteration: async () => { const y = f32(); await y.data(); y.dispose(); } },
      int8: { iteration: async () => { const y = tf.tidy(() => int8(Q.quantizeInt8(x, scale, zeroPoint))); await y.data(); y.dispose(); } },
      int8Kernel: { iteration: async () => { const y = int8(qx); await y.data(); y.dispose(); } },
      // what every row pays around its kernel: an op as cheap as they come (relu) making and reading back an output of the same shape
      outputFloor: { iteration: async () => { const y = tf.relu(y0); await y.data(); y.dispose(); } },
    };
    const r = await measureInterleaved(runners, { time, iterations });
    // how far the int8 result is from float32 (relative to the largest float32 output)
    const [yf, yi] = [f32(), int8(qx)];
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(yf, yi))).dataSync()[0] / tf.max(tf.abs(yf)).dataSync()[0]);
    tf.dispose([x, w, yf, yi, qx, y0]);
    pw.dispose();
    const macs = macsOf(c);
    const row = { case: c.name, macs, float32: r.float32, int8: r.int8, int8Kernel: r.int8Kernel, outputFloor: r.outputFloor, maxRelError: err };
    for (const k of ['float32', 'int8', 'int8Kernel']) if (r[k]?.ms) row[k].gmacs = macs / r[k].ms / 1e6;
    row.speedup = r.float32?.ms && r.int8?.ms ? r.float32.ms / r.int8.ms : null;
    row.speedupKernel = r.float32?.ms && r.int8Kernel?.ms ? r.float32.ms / r.int8Kernel.ms : null;
    console.log(`[bench] ${c.name}: float32 ${r.float32?.ms?.toFixed(2)} ms, int8 ${r.int8?.ms?.toFixed(2)} ms (${row.speedup?.toFixed(2)}x), int8 kernel ${r.int8Kernel?.ms?.toFixed(2)} ms (${row.speedupKernel?.toFixed(2)}x), output floor ${r.outputFloor?.ms?.toFixed(2)} ms`);
    rows.push(row);
  }
  // model level: a float32 model and its tf.quantization.quantize'd form, predict on one batch
  const modelRows = [];
  for (const spec of int8Models(tf)) {
    const p = await buildModelPair(tf, spec);
    const run = (m) => ({ iteration: async () => { const y = m.predict(p.x); await y.data(); y.dispose(); } });
    const r = await measureInterleaved({ float32: run(p.float32), int8: run(p.int8) }, { time, iterations });
    const row = { model: spec.name, float32: r.float32, int8: r.int8, speedup: r.float32?.ms && r.int8?.ms ? r.float32.ms / r.int8.ms : null };
    console.log(`[bench] ${spec.name}: float32 ${r.float32?.ms?.toFixed(2)} ms, int8 ${r.int8?.ms?.toFixed(2)} ms (${row.speedup?.toFixed(2)}x)`);
    modelRows.push(row);
    p.dispose();
  }
  return {
    date: new Date().toISOString(), userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency, threads: tf.wasm.getThreadsCount(),
    kernelBuild: tf.memory().backends?.wasm?.module ?? null, int8Dot: tf.memory().backends?.wasm?.int8Dot ?? null, rows, modelRows,
  };
}
