// Page code for bench/snapshot_cost.mjs (served as-is, no bundling): trains the bench MLP and CNN
// (bench/training_cases.mjs) with model.fit for several epochs of dozens of batches, once with
// fit's epoch-end device-loss snapshot (src/models/fit_recovery.ts) and once with it turned off
// (env flag FIT_DEVICE_LOSS_SNAPSHOT), and reports per-epoch times and per-snapshot times.
import * as tf from '/dist/tessera.js';
import { batch, buildCnn, buildMlp } from './training_cases.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

export const MODELS = {
  mlp: { name: 'MLP 784-256-10 adam b64', build: buildMlp, xShape: [64, 784], batchSize: 64 },
  cnn: { name: 'CNN 28x28 conv16-pool-conv32-dense10 adam b32', build: buildCnn, xShape: [32, 28, 28, 1], batchSize: 32 },
};

/**
 * One fit of `epochs` epochs of `batches` batches; returns the epoch durations (onEpochBegin to
 * the next onEpochBegin, or to fit's end: they include the snapshot taken after onEpochEnd) and
 * fit's own total of snapshot milliseconds (undefined when none was taken).
 */
async function timedFit(model, x, y, batchSize, epochs) {
  const starts = [];
  const h = await model.fit(x, y, {
    batchSize, epochs, shuffle: false, verbose: 0, yieldEvery: 'never',
    callbacks: { onEpochBegin: async () => { starts.push(performance.now()); } },
  });
  starts.push(performance.now());
  return { epochMs: starts.slice(1).map((t, i) => t - starts[i]), snapshotMs: h.snapshotMs };
}

/** The time of reading every weight and optimizer slot to the host (what a snapshot reads). */
async function hostCopyMs(model) {
  const t0 = performance.now();
  const slots = await model.optimizer.getWeights();
  await Promise.all([...model.weights, ...slots.map((w) => w.tensor)].map((t) => t.data()));
  const ms = performance.now() - t0;
  tf.dispose(slots.map((w) => w.tensor));
  return ms;
}

export async function runSnapshotBench({ backends = ['webgpu', 'wasm'], models = ['mlp', 'cnn'], batches = 40, cnnBatches = batches, epochs = 3, repeats = 3 } = {}) {
  const rows = [];
  for (const backend of backends) {
    if (!(await tf.setBackend(backend))) {
      rows.push({ backend, error: `setBackend('${backend}') resolved false` });
      continue;
    }
    for (const key of models) {
      const m = MODELS[key];
      const perEpoch = key === 'cnn' ? cnnBatches : batches;
      const n = perEpoch * m.batchSize;
      const { x, y } = batch(tf, [n, ...m.xShape.slice(1)], 10, 21);
      const model = m.build(tf);
      model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
      // Warm-up: pipelines, Wasm tiers and pools (one short fit each way).
      tf.env().set('FIT_DEVICE_LOSS_SNAPSHOT', true);
      await timedFit(model, x, y, m.batchSize, 1);
      const runs = { with: [], without: [] };
      for (let r = 0; r < repeats; r++) {
        for (const mode of ['without', 'with']) {
          tf.env().set('FIT_DEVICE_LOSS_SNAPSHOT', mode === 'with');
          const t = await timedFit(model, x, y, m.batchSize, epochs);
          // fit takes one snapshot at its start and one after each epoch.
          runs[mode].push({ ...t, snapshotEachMs: t.snapshotMs === undefined ? null : t.snapshotMs / (epochs + 1) });
          console.log(`[snapshot] ${backend} ${key} ${mode}: epochs ${t.epochMs.map((v) => v.toFixed(0)).join(' ')} ms, snapshots ${t.snapshotMs?.toFixed(1) ?? '-'} ms`);
        }
      }
      const copies = [];
      for (let r = 0; r < 5; r++) copies.push(await hostCopyMs(model));
      tf.env().set('FIT_DEVICE_LOSS_SNAPSHOT', true);
      const epochWith = median(runs.with.flatMap((r) => r.epochMs));
      const epochWithout = median(runs.without.flatMap((r) => r.epochMs));
      const snap = median(runs.with.map((r) => r.snapshotEachMs).filter((v) => v !== null));
      rows.push({
        backend, model: m.name, batchesPerEpoch: perEpoch, batchSize: m.batchSize, epochs, repeats,
        weights: model.weights.length, weightElements: model.weights.reduce((s, w) => s + w.size, 0),
        epochMsWith: epochWith, epochMsWithout: epochWithout,
        snapshotMs: snap,
        snapshotPercentOfEpoch: snap === null ? null : (100 * snap) / epochWithout,
        epochDifferencePercent: (100 * (epochWith - epochWithout)) / epochWithout,
        hostCopyOfWeightsAndSlotsMs: median(copies),
        runs,
      });
      model.dispose();
      tf.dispose([x, y]);
    }
  }
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  return {
    date: new Date().toISOString(),
    userAgent: navigator.userAgent,
    adapter: adapter ? `${adapter.info?.vendor ?? ''} ${adapter.info?.architecture ?? ''} ${adapter.info?.description ?? ''}`.trim() : null,
    hardwareConcurrency: navigator.hardwareConcurrency,
    rows,
  };
}
