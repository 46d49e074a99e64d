// The int8 benchmark's page code (bench/int8.mjs serves and drives it in headless Chromium, the
// browser and server the other benches use): for each case, tessera's wasm float32 op and its
// int8 op on the same shapes, timed interleaved (bench/measure.mjs) in one page and run, with the
// thread count asked for. "int8" quantizes the float32 activations each call (what a quantized
// layer does); "int8 kernel" starts from activations already quantized. All return float32.
// "output floor": relu of a tensor of the output's shape, read back (the cost around any kernel).
// "...NoRead": the same iterations without the read-back (the op runs, its result is disposed): on
// wasm an op has finished when it returns (kernels run on the calling thread, and a pooled kernel's
// ThreadPool.run spins until every chunk is done; backend.sync() is a no-op), so these time the
// kernels alone, without the fresh output array's page faults that every read-back pays.
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
      float32NoRead: { iteration: async () => { f32().dispose(); } },
      int8NoRead: { iteration: async () => { tf.tidy(() => int8(Q.quantizeInt8(x, scale, zeroPoint))).dispose(); } },
      int8KernelNoRead: { iteration: async () => { int8(qx).dispose(); } },
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
    const row = {
      case: c.name, macs, float32: r.float32, int8: r.int8, int8Kernel: r.int8Kernel, outputFloor: r.outputFloor,
      float32NoRead: r.float32NoRead, int8NoRead: r.int8NoRead, int8KernelNoRead: r.int8KernelNoRead, maxRelError: err,
    };
    for (const k of ['float32', 'int8', 'int8Kernel', 'float32NoRead', 'int8NoRead', 'int8KernelNoRead']) if (r[k]?.ms) row[k].gmacs = macs / r[k].ms / 1e6;
    const ratio = (a, b) => (r[a]?.ms && r[b]?.ms ? r[a].ms / r[b].ms : null);
    row.speedup = ratio('float32', 'int8');
    row.speedupKernel = ratio('float32', 'int8Kernel');
    row.speedupNoRead = ratio('float32NoRead', 'int8NoRead'); // kernels alone, quantize included
    row.speedupKernelNoRead = ratio('float32NoRead', 'int8KernelNoRead'); // kernels alone, quantize left out
    const f = (v) => v?.toFixed(2);
    console.log(`[bench] ${c.name}: float32 ${f(r.float32?.ms)} ms, int8 ${f(r.int8?.ms)} ms (${f(row.speedup)}x), int8 kernel ${f(r.int8Kernel?.ms)} ms (${f(row.speedupKernel)}x), output floor ${f(r.outputFloor?.ms)} ms; no read-back: float32 ${f(r.float32NoRead?.ms)} ms, int8 ${f(r.int8NoRead?.ms)} ms (${f(row.speedupNoRead)}x), int8 kernel ${f(r.int8KernelNoRead?.ms)} ms (${f(row.speedupKernelNoRead)}x)`);
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
