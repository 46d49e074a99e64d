// Register-only Wasm SIMD peak: a hand-assembled module whose loop updates ACCUMULATORS independent
// f32x4 accumulators (acc = acc * x + y) with either f32x4.relaxed_madd (one fused op where the
// engine emits FMA) or f32x4.mul + f32x4.add, touching no memory. Its GFLOP/s on one thread is the
// ceiling a single-threaded Wasm kernel (tessera's matMul) can reach in this browser on this CPU.

const ACCUMULATORS = 10; // enough independent chains to hide FMA/mul+add latency; 12 v128 locals fit in 16 xmm registers
const FLOPS_PER_UPDATE = 8; // 4 lanes x (multiply + add)

const uleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const f32 = (v) => [...new Uint8Array(Float32Array.of(v).buffer)];
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const vec = (items) => [...uleb(items.length), ...items.flat()];

const OP = {
  localGet: 0x20, localSet: 0x21, localTee: 0x22, f32Const: 0x43, i32Const: 0x41, i32Sub: 0x6b,
  loop: 0x03, brIf: 0x0d, end: 0x0b, void: 0x40, simd: 0xfd,
};
const SIMD = { splat: [0x13], extractLane: [0x1f], add: uleb(0xe4), mul: uleb(0xe6), relaxedMadd: uleb(0x105) };
const simd = (op) => [OP.simd, ...op];

/** Body of `(iterations: i32) -> f32`; local 0 the counter, 1..N the accumulators, N+1 = x, N+2 = y. */
function kernelBody(fused) {
  const x = ACCUMULATORS + 1;
  const y = ACCUMULATORS + 2;
  const code = [];
  const splat = (local, v) => code.push(OP.f32Const, ...f32(v), ...simd(SIMD.splat), OP.localSet, local);
  for (let i = 1; i <= ACCUMULATORS; i++) splat(i, i * 1e-3);
  splat(x, 0.999999);
  splat(y, 1e-6);
  code.push(OP.loop, OP.void);
  for (let i = 1; i <= ACCUMULATORS; i++) {
    if (fused) code.push(OP.localGet, i, OP.localGet, x, OP.localGet, y, ...simd(SIMD.relaxedMadd));
    else code.push(OP.localGet, i, OP.localGet, x, ...simd(SIMD.mul), OP.localGet, y, ...simd(SIMD.add));
    code.push(OP.localSet, i);
  }
  code.push(OP.localGet, 0, OP.i32Const, 1, OP.i32Sub, OP.localTee, 0, OP.brIf, 0, OP.end);
  code.push(OP.localGet, 1);
  for (let i = 2; i <= ACCUMULATORS; i++) code.push(OP.localGet, i, ...simd(SIMD.add));
  code.push(...simd(SIMD.extractLane), 0, OP.end);
  const locals = [1, ...uleb(ACCUMULATORS + 2), 0x7b]; // one run of v128 locals
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

const name = (s) => [...uleb(s.length), ...new TextEncoder().encode(s)];

/** The module's bytes: exports `fma` (relaxed_madd) and `mulAdd` (mul + add). */
export function peakModuleBytes() {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, 1, 0x7f, 1, 0x7d]])), // type 0: (i32) -> f32
    ...section(3, vec([[0], [0]])),
    ...section(7, vec([[...name('fma'), 0x00, 0], [...name('mulAdd'), 0x00, 1]])),
    ...section(10, vec([kernelBody(true), kernelBody(false)])),
  ]);
}

/**
 * Measure both loops on the calling thread: best of `repeats` runs of `iterations` loop trips each.
 * Returns {fmaGflops, mulAddGflops, peakGflops, accumulators} or {error} where relaxed SIMD is missing.
 */
export async function measureWasmPeak({ iterations = 2e7, repeats = 5 } = {}) {
  let instance;
  try {
    ({ instance } = await WebAssembly.instantiate(peakModuleBytes()));
  } catch (e) {
    return { error: `peak module did not compile: ${e.message}` };
  }
  const flops = iterations * ACCUMULATORS * FLOPS_PER_UPDATE;
  const best = (fn) => {
    fn(1000); // tier up before timing
    let ms = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      fn(iterations);
      ms = Math.min(ms, performance.now() - t0);
    }
    return flops / ms / 1e6;
  };
  const fmaGflops = best(instance.exports.fma);
  const mulAddGflops = best(instance.exports.mulAdd);
  return { fmaGflops, mulAddGflops, peakGflops: Math.max(fmaGflops, mulAddGflops), accumulators: ACCUMULATORS, iterations, repeats };
}

/**
 * A bench/measure.mjs runner for the fused loop, to time interleaved with a case so both see the
 * same machine load: {iteration, flops} (flops of one iteration), or {error}.
 */
export async function peakRunner(iterations = 2.5e7) {
  try {
    const { instance } = await WebAssembly.instantiate(peakModuleBytes());
    const fma = instance.exports.fma;
    return { iteration: async () => fma(iterations), flops: iterations * ACCUMULATORS * FLOPS_PER_UPDATE };
  } catch (e) {
    return { error: `peak module did not compile: ${e.message}` };
  }
}

/**
 * The same fused loop on `threads` workers at once (a Blob-URL Worker in pages, worker_threads in
 * Node), started together through a shared flag: per round each worker times `repeats` runs;
 * the figure is the best round's summed GFLOP/s over the workers, the ceiling of a kernel split
 * over that many threads. Returns {threads, peakGflops, perThread} or {error}.
 */
export async function measureWasmPeakThreads(threads, { iterations = 2e7, repeats = 5 } = {}) {
  const flops = iterations * ACCUMULATORS * FLOPS_PER_UPDATE;
  const control = new SharedArrayBuffer(8);
  const ctl = new Int32Array(control);
  const src = `(${peakWorkerMain.toString()})()`;
  const nodeWt = typeof Worker === 'function' ? null : globalThis.process?.getBuiltinModule?.('node:worker_threads');
  const url = nodeWt ? null : URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  const workers = [];
  try {
    const results = Array.from({ length: threads }, (_, i) => new Promise((resolve) => {
      const init = { bytes: peakModuleBytes(), control, iterations, repeats };
      if (nodeWt) {
        const w = new nodeWt.Worker(src, { eval: true });
        workers.push(w);
        w.on('message', resolve);
        w.on('error', (e) => resolve({ error: String(e?.message ?? e) }));
        w.postMessage(init);
      } else {
        const w = new Worker(url);
        workers.push(w);
        w.onmessage = (e) => resolve(e.data);
        w.onerror = (e) => resolve({ error: e.message ?? 'worker failed' });
        w.postMessage(init);
      }
      void i;
    }));
    const deadline = performance.now() + 10_000;
    while (Atomics.load(ctl, 0) < threads && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(ctl, 1, 1);
    Atomics.notify(ctl, 1);
    const all = await Promise.all(results);
    const failed = all.find((r) => r.error);
    if (failed) return { error: failed.error };
    let best = 0;
    for (let r = 0; r < repeats; r++) best = Math.max(best, all.reduce((s, w) => s + flops / w.times[r] / 1e6, 0));
    const perThread = all.map((w) => flops / Math.min(...w.times) / 1e6);
    return { threads, peakGflops: best, perThread, iterations, repeats };
  } finally {
    for (const w of workers) void w.terminate();
    if (url) URL.revokeObjectURL(url);
  }
}

/** A peak worker (self-contained: it runs from its source text): {bytes, control, iterations, repeats} -> {times}. */
function peakWorkerMain() {
  const g = globalThis;
  const port = typeof g.postMessage === 'function' && typeof g.importScripts === 'function' ? null : g.process?.getBuiltinModule?.('node:worker_threads').parentPort;
  const post = (d) => (port ? port.postMessage(d) : g.postMessage(d));
  const start = async ({ bytes, control, iterations, repeats }) => {
    try {
      const { instance } = await WebAssembly.instantiate(bytes);
      const fma = instance.exports.fma;
      fma(1000);
      const ctl = new Int32Array(control);
      Atomics.add(ctl, 0, 1);
      Atomics.wait(ctl, 1, 0);
      const times = [];
      for (let r = 0; r < repeats; r++) {
        const t0 = performance.now();
        fma(iterations);
        times.push(performance.now() - t0);
      }
      post({ times });
    } catch (e) {
      post({ error: String(e?.message ?? e) });
    }
  };
  if (port) port.on('message', start);
  else g.onmessage = (e) => start(e.data);
}
