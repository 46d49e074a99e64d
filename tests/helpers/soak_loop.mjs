// The soak loop itself, plain ESM so it runs unchanged in Node (tests/helpers/soak.ts, for the
// js and wasm backends) and in a Chromium page (tests/browser/soak_webgpu.test.ts and
// `npm run soak`, for webgpu): trains a small MLP with fit (metrics, validation, shuffling) and
// predicts with varying batch sizes, taking a caller-given snapshot after a warm-up (which visits
// every batch size), after half of the measured work and at the end. Also holds the page-side
// snapshot and the checks for the webgpu soak, shared by that test and the script.

/** Predict batch sizes, cycled. */
export const PREDICT_BATCHES = [1, 7, 32, 3, 16, 64, 2, 24];

/** Reduced webgpu sizes for the browser test (SwiftShader is slow) and the full `npm run soak` sizes. */
export const CI_WEBGPU_SOAK = { warmFitSteps: 30, warmPredicts: 200, fitSteps: 100, predicts: 500 };
// The full soak's warm-up is the same on every backend (tests/helpers/soak.ts FULL_SOAK).
export const FULL_WEBGPU_SOAK = { warmFitSteps: 1200, warmPredicts: 4000, fitSteps: 1000, predicts: 10_000 };

export async function runSoakLoop(ts, backend, sizes, snapshot) {
  if (!(await ts.setBackend(backend))) throw new Error(`soak: backend ${backend} is not available`);
  const t0 = performance.now();
  const xs = ts.randomUniform([64, 16], -1, 1, 'float32', 5);
  const labels = ts.tidy(() => ts.oneHot(ts.argMax(ts.matMul(xs, ts.randomNormal([16, 4], 0, 1, 'float32', 6)), 1), 4, 1, 0, 'float32'));
  const model = ts.sequential();
  model.add(ts.layers.dense({ units: 32, activation: 'relu', inputShape: [16] }));
  model.add(ts.layers.dense({ units: 4, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['acc'] }); // compile owns (and disposes) it
  const batchSize = 16;
  const stepsPerEpoch = Math.ceil((64 * 0.75) / batchSize); // validationSplit 0.25 leaves 48 samples
  const fitSteps = async (steps) => {
    const h = await model.fit(xs, labels, { batchSize, epochs: Math.max(1, Math.round(steps / stepsPerEpoch)), validationSplit: 0.25, verbose: 0 });
    return h.history.loss[h.history.loss.length - 1];
  };
  const predictMany = async (n, offset) => {
    for (let i = 0; i < n; i++) {
      const b = PREDICT_BATCHES[(offset + i) % PREDICT_BATCHES.length];
      const x = ts.slice(xs, [0, 0], [b, 16]);
      const y = model.predict(x);
      // Read now and then, as an app would; webgpu has no dataSync, and reads the last one too so
      // the queued GPU work has finished before a snapshot.
      if (backend === 'webgpu') { if (i % 500 === 0 || i === n - 1) await y.data(); }
      else if (i % 500 === 0) y.dataSync();
      ts.dispose([x, y]);
    }
  };
  const warmFit = Math.max(stepsPerEpoch, sizes.warmFitSteps);
  const warmPredicts = Math.max(PREDICT_BATCHES.length * 2, sizes.warmPredicts);
  await fitSteps(warmFit);
  await predictMany(warmPredicts, 0);
  const warm = await snapshot(ts);
  const half = (n) => Math.round(n / 2);
  await fitSteps(half(sizes.fitSteps));
  await predictMany(half(sizes.predicts), warmPredicts);
  const mid = await snapshot(ts);
  const finalLoss = await fitSteps(sizes.fitSteps - half(sizes.fitSteps));
  await predictMany(sizes.predicts - half(sizes.predicts), warmPredicts + half(sizes.predicts));
  const end = await snapshot(ts);
  model.dispose();
  ts.dispose([xs, labels]);
  return { backend, warm, mid, end, seconds: (performance.now() - t0) / 1000, finalLoss };
}

/**
 * Page-side snapshot on webgpu: tf.memory(), the webgpu backend's buffer counts, and the page's JS
 * heap in use after a GC (Chromium with --js-flags=--expose-gc and --enable-precise-memory-info,
 * else performance.memory is rounded to coarse buckets).
 */
export async function pageSnapshot(ts) {
  const gcRan = typeof globalThis.gc === 'function';
  // A few rounds with a turn of the event loop between: finalizers and promise chains let go of
  // what they held, so the heap in use reflects live data rather than the timing of the last task.
  for (let i = 0; gcRan && i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const m = ts.memory();
  const g = m.backends.webgpu ?? {};
  return {
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    gpuLiveBuffers: g.numBuffers,
    gpuLiveBytes: g.numBytes,
    gpuPooledBytes: g.pooledBytes,
    /** Buffers that exist on the device: created and not yet destroyed (live + pooled). */
    gpuBuffersExisting: g.buffersCreated - g.buffersDestroyed,
    pipelines: g.pipelines,
    heapUsed: performance.memory?.usedJSHeapSize,
    /** RSS of all Chromium processes, when the driver exposes it (soak_browser.mjs, Linux). */
    rss: typeof globalThis.__soakRss === 'function' ? await globalThis.__soakRss() : null,
    heapTotal: performance.memory?.totalJSHeapSize,
    gcRan,
  };
}

/**
 * What makes a webgpu soak fail (empty when memory stayed flat). `whole` (the full soak): the
 * Chromium processes' RSS, where measured, must also stay within 10% of the warm-up snapshot.
 */
export function webgpuSoakProblems(r, { whole = false } = {}) {
  const { mid, end } = r;
  const out = [];
  const same = (k, a, b, when) => { if (typeof a[k] !== 'number' || a[k] !== b[k]) out.push(`${k} changed ${when}: ${a[k]} -> ${b[k]}`); };
  // What tensors hold must be the same from the warm-up on; the pool and the pipeline cache may
  // still settle in the first half of the measured work, but not between the middle and the end.
  for (const k of ['numTensors', 'numBytes', 'gpuLiveBuffers', 'gpuLiveBytes']) same(k, r.warm, mid, 'between the warm-up and the mid-run snapshot');
  for (const k of ['numTensors', 'numBytes', 'gpuLiveBuffers', 'gpuLiveBytes', 'gpuPooledBytes', 'gpuBuffersExisting', 'pipelines']) same(k, mid, end, 'between the mid-run snapshot and the end');
  if (!(end.heapUsed <= mid.heapUsed * 1.1)) out.push(`JS heap in use grew more than 10%: ${mib(mid.heapUsed)} -> ${mib(end.heapUsed)}`);
  if (whole && r.warm.rss) {
    for (const s of [mid, end]) if (!(s.rss <= r.warm.rss * 1.1)) out.push(`Chromium RSS grew more than 10%: ${mib(r.warm.rss)} -> ${mib(s.rss)}`);
  }
  if (!(r.finalLoss < 1)) out.push(`it did not train: final loss ${r.finalLoss} (chance is ln 4 = 1.39)`);
  return out;
}

const mib = (b) => (b === undefined ? '-' : `${(b / 2 ** 20).toFixed(2)} MiB`);
export function describeWebgpuSoak(r) {
  const s = (x) => `tensors ${x.numTensors}, bytes ${x.numBytes}, gpu buffers live ${x.gpuLiveBuffers} (${x.gpuLiveBytes} B) existing ${x.gpuBuffersExisting}, pooled ${x.gpuPooledBytes} B, pipelines ${x.pipelines}, JS heap used ${mib(x.heapUsed)} of ${mib(x.heapTotal)}${x.gcRan ? ' after a GC' : ' (no GC available)'}${x.rss ? `, Chromium RSS ${mib(x.rss)}` : ''}`;
  return `[soak] ${r.backend}: ${r.seconds.toFixed(1)} s, final loss ${r.finalLoss.toFixed(4)}\n  warm: ${s(r.warm)}\n  mid:  ${s(r.mid)}\n  end:  ${s(r.end)}`;
}
