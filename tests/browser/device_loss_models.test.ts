/**
 * Models after a WebGPU device loss, in headless Chromium (SwiftShader): predict, destroy the
 * device, predict again. The second predict throws a clear "WebGPU device lost" Error (never
 * hangs, never returns garbage); once `await tf.ready()` has a new device (or setBackend('wasm')
 * moves on) the model predicts the values it predicted before the loss, its weights written back
 * from their host copies (fit's epoch-end snapshot, loadLayersModel, setWeights from host values,
 * model.backupWeights()). A weight changed since its last host copy (trainOnBatch) gives an Error
 * saying so. trainOnBatch after a fit continues from the restored optimizer state, and fitDataset
 * resumes from its last epoch-end snapshot as fit does (faults.test.ts covers fit).
 * References: the same model's outputs before the loss on the same device type (same kernels),
 * and an undisturbed twin trained the same way.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inPage as inPageOf, openHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
}, 180_000);
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.freshPage();
}, 120_000);

const inPage = <T>(fn: string): Promise<T> => inPageOf<T>(h, fn);

/** Page-side helpers: `err(f)` gives what f throws (or 'no error'); `make()` a small seeded MLP; the inputs `x`. */
const PRELUDE = `
  const err = async (f) => { try { await f(); return 'no error'; } catch (e) { return String(e && e.message || e); } };
  await ts.setBackend('webgpu');
  const make = (seed) => {
    const m = ts.sequential({ layers: [
      ts.layers.dense({ units: 8, inputShape: [3], activation: 'tanh', kernelInitializer: ts.initializers.glorotUniform({ seed }) }),
      ts.layers.dense({ units: 2, kernelInitializer: ts.initializers.glorotUniform({ seed: seed + 1 }) }),
    ] });
    m.compile({ optimizer: ts.train.adam(0.05), loss: 'meanSquaredError' });
    return m;
  };
  const xv = Array.from({ length: 48 }, (_, i) => Math.sin(i * 0.7));
  const x = () => ts.tensor2d(xv, [16, 3]);
  const yv = Array.from({ length: 32 }, (_, i) => Math.cos(i * 0.3));
  const y = () => ts.tensor2d(yv, [16, 2]);
  const values = async (t) => Array.from(await t.data());
  // destroy() reports the loss through device.lost, a task later; lostNow() waits for that.
  const destroy = () => ts.engine().backend.device.destroy();
  const lostNow = async () => { const d = ts.engine().backend.device; d.destroy(); await d.lost; };
`;

const close = (a: number[], b: number[], tol: number) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]), `element ${i}: ${v} vs ${b[i]}`).toBeLessThanOrEqual(tol));
};

describe('predict, device.destroy(), predict', () => {
  it('a fitted model: clear error while lost, then the same predictions on a new device after tf.ready()', async () => {
    const r = await inPage<any>(`${PRELUDE}
      const m = make(1);
      await m.fit(x(), y(), { epochs: 2, batchSize: 8, verbose: 0 });
      const xKept = x();
      const before = await values(m.predict(xKept));
      const t0 = performance.now();
      destroy();
      // Called at once, predict may still record onto the dying device: then its data() rejects.
      const lost = await err(async () => values(m.predict(x())));
      const lostAgain = await err(() => m.predict(xKept));
      const lostMs = performance.now() - t0;
      await ts.ready();
      const after = await values(m.predict(x()));
      const evalAfter = await values(m.evaluate(x(), y()));
      return { before, lost, lostAgain, lostMs, after, evalAfter, backend: ts.getBackend(), devices: ts.memory().backends.webgpu.devicesAcquired };
    `);
    expect(r.lost).toMatch(/WebGPU device lost \(destroyed.*tf\.ready\(\)/);
    expect(r.lostAgain).toMatch(/^predict: WebGPU device lost \(destroyed.*tf\.ready\(\)/);
    expect(r.lostMs).toBeLessThan(5000);
    expect(r.backend).toBe('webgpu');
    expect(r.devices).toBe(2);
    expect(r.before.some((v: number) => v !== 0)).toBe(true);
    // Same device type and kernels, weights restored bit for bit: the same outputs.
    close(r.after, r.before, 1e-6);
    expect(Number.isFinite(r.evalAfter[0])).toBe(true);
  }, 120_000);

  it("moves to wasm with setBackend('wasm'): the model's weights come along from their host copies", async () => {
    const r = await inPage<any>(`${PRELUDE}
      const m = make(2);
      await m.fit(x(), y(), { epochs: 1, batchSize: 8, verbose: 0 });
      const before = await values(m.predict(x()));
      await lostNow();
      const ok = await ts.setBackend('wasm');
      const after = await values(m.predict(x()));
      const kernel = await values(m.layers[0].getWeights()[0]);
      return { before, ok, after, kernelLen: kernel.length, backend: ts.getBackend() };
    `);
    expect(r.ok).toBe(true);
    expect(r.backend).toBe('wasm');
    expect(r.kernelLen).toBe(24);
    // wasm and webgpu round tanh and the sums differently
    close(r.after, r.before, 1e-5);
  }, 120_000);

  it('a loaded model and one given weights with setWeights predict the same after the loss', async () => {
    const r = await inPage<any>(`${PRELUDE}
      const src = make(3);
      let artifacts;
      await src.save(ts.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
      const loaded = await ts.loadLayersModel(ts.io.fromMemory(artifacts));
      const set = make(4);
      const hostWeights = await Promise.all(src.getWeights().map(async (w) => ts.tensor(await w.data(), w.shape)));
      set.setWeights(hostWeights);
      const before = await values(src.predict(x()));
      const beforeLoaded = await values(loaded.predict(x()));
      const beforeSet = await values(set.predict(x()));
      await lostNow();
      await ts.ready();
      const afterLoaded = await values(loaded.predict(x()));
      const afterSet = await values(set.predict(x()));
      // src was never fitted, loaded nor given host values: its initial weights had no host copy.
      const srcAfter = await err(() => src.predict(x()));
      return { before, beforeLoaded, beforeSet, afterLoaded, afterSet, srcAfter };
    `);
    close(r.beforeLoaded, r.before, 1e-6);
    close(r.beforeSet, r.before, 1e-6);
    close(r.afterLoaded, r.before, 1e-6);
    close(r.afterSet, r.before, 1e-6);
    expect(r.srcAfter).toMatch(/^predict: model '.*': weight '.*kernel' lived on a WebGPU device that was lost, and it has no host copy of its current value/);
  }, 120_000);

  it('a model loaded from float16 weights (float16-stored on the GPU) predicts the same after the loss', async () => {
    const r = await inPage<any>(`${PRELUDE}
      let artifacts;
      await make(5).save(ts.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }), { quantizeWeights: 'float16' });
      const loaded = await ts.loadLayersModel(ts.io.fromMemory(artifacts));
      const before = await values(loaded.predict(x()));
      await lostNow();
      await ts.ready();
      // the same matMul entry as before the loss (tiered compilation would run a cold variant on the simple
      // pipeline, which sums in another order), so the restored values must give the same bits
      ts.backend().tieredCompile = false;
      const after = await values(loaded.predict(x()));
      ts.backend().tieredCompile = true;
      await ts.setBackend('js');
      const onJs = await values(loaded.predict(x()));
      return { before, after, onJs };
    `);
    close(r.before, r.onJs, 1e-5);
    close(r.after, r.before, 0); // restored from the host copy as float32: the same values
  }, 120_000);

  it('model.backupWeights() keeps a freshly built model usable after a loss', async () => {
    const r = await inPage<any>(`${PRELUDE}
      const m = make(5);
      const copied = await m.backupWeights();
      const before = await values(m.predict(x()));
      await lostNow();
      await ts.ready();
      const after = await values(m.predict(x()));
      const again = await m.backupWeights(); // already current: nothing to copy
      return { copied, before, after, again };
    `);
    expect(r.copied).toBe(4); // two kernels, two biases (not compiled-in optimizer slots yet: none made)
    close(r.after, r.before, 1e-6);
    expect(r.again).toBe(0);
  }, 120_000);
});

describe('trainOnBatch and fitDataset after a loss', () => {
  it('trainOnBatch after fit continues from the restored weights and optimizer state; after its own steps it says the weights are gone', async () => {
    const r = await inPage<any>(`${PRELUDE}
      const fitArgs = { epochs: 2, batchSize: 8, verbose: 0, shuffle: false };
      const ref = make(6);
      await ref.fit(x(), y(), fitArgs);
      const refLoss = [await ref.trainOnBatch(x(), y()), await ref.trainOnBatch(x(), y())];
      const refOut = await values(ref.predict(x()));
      const m = make(6);
      await m.fit(x(), y(), fitArgs);
      await lostNow();
      const whileLost = await err(() => m.trainOnBatch(x(), y()));
      await ts.ready();
      const loss = [await m.trainOnBatch(x(), y()), await m.trainOnBatch(x(), y())];
      const out = await values(m.predict(x()));
      // Now its weights changed since the last host copy: a second loss leaves nothing to restore.
      await lostNow();
      await ts.ready();
      const stale = await err(() => m.trainOnBatch(x(), y()));
      const stalePredict = await err(() => m.predict(x()));
      return { refLoss, refOut, whileLost, loss, out, stale, stalePredict };
    `);
    expect(r.whileLost).toMatch(/WebGPU device lost/);
    close(r.loss, r.refLoss, 1e-6);
    close(r.out, r.refOut, 1e-6);
    expect(r.stale).toMatch(/^trainOnBatch: model '.*': weight '.*' lived on a WebGPU device that was lost, and it has no host copy of its current value/);
    expect(r.stalePredict).toMatch(/^predict: model '.*': weight '.*' lived on a WebGPU device that was lost/);
  }, 120_000);

  it('fitDataset resumes from the last epoch-end snapshot and ends where an undisturbed fitDataset ends', async () => {
    const r = await inPage<any>(`${PRELUDE}
      // A dataset re-iterated each epoch: four batches of 4 made from host arrays.
      const dataset = { iterator: async () => {
        let i = 0;
        return { next: async () => i >= 4 ? { done: true, value: undefined } : {
          done: false, value: { xs: ts.tensor2d(xv.slice(i * 12, i * 12 + 12), [4, 3]), ys: ts.tensor2d(yv.slice(i * 8, (i++) * 8 + 8), [4, 2]) } } };
      } };
      const ref = make(7);
      const h1 = await ref.fitDataset(dataset, { epochs: 5, verbose: 0 });
      const w1 = await Promise.all(ref.getWeights().map(values));
      const m = make(7);
      let epochNow = -1, destroyed = false;
      const events = [];
      const h2 = await m.fitDataset(dataset, { epochs: 5, verbose: 0, callbacks: {
        onEpochBegin: (e) => { epochNow = e; },
        onBatchEnd: (b) => { if (epochNow === 2 && b === 1 && !destroyed) { destroyed = true; destroy(); } },
        onDeviceLost: (info) => { events.push(info); },
      } });
      const w2 = await Promise.all(m.getWeights().map(values));
      return { h1: h1.history.loss, h2: h2.history.loss, e2: h2.epoch, w1, w2, events, snapshotMs: h2.snapshotMs,
        devices: ts.memory().backends.webgpu.devicesAcquired };
    `);
    expect(r.events).toHaveLength(1);
    expect(r.events[0].resumeEpoch).toBe(2);
    expect(r.events[0].backend).toBe('webgpu');
    expect(r.devices).toBe(2);
    expect(r.e2).toEqual([0, 1, 2, 3, 4]);
    close(r.h2, r.h1, 1e-6);
    close(r.w2.flat(), r.w1.flat(), 1e-6);
    expect(r.h2[4]).toBeLessThan(r.h2[0]);
    expect(r.snapshotMs).toBeGreaterThan(0);
  }, 180_000);
});
