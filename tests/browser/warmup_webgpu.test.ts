/**
 * model.warmup() on webgpu (headless Chromium, SwiftShader): after `await model.warmup()` the first
 * prediction (batch 1) creates no new pipeline (the backend's pipeline cache size, tf.memory()
 * .backends.webgpu.pipelines), compile() starts the same warmup in the background without failing,
 * and the warmed model predicts exactly as an un-warmed model with the same weights, and as the
 * plain-JS backend (the independent reference) within 1e-5. Also reports how many pipelines a first
 * predict on another batch size and a first trainOnBatch still compile after warmup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openSourcePage } from './source_page.js';

let page: Page;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ page, close: closePage } = await openSourcePage('__warmup', 'tessera warmup'));
}, 180_000);

afterAll(async () => {
  await closePage?.();
});

interface WarmResult {
  backend: string;
  pipelinesBefore: number; afterWarmup: number; afterFirstPredict: number;
  warmupError: string | null; backgroundWarmupStarted: boolean;
  warmed: number[]; unwarmed: number[]; reference: number[];
  newForBatch8: number; newForFirstTrainStep: number; leaked: number;
}

describe('model.warmup on webgpu', () => {
  it('the first prediction after warmup compiles nothing and predicts as an un-warmed model', async () => {
    const r: WarmResult = await page.evaluate(async () => {
      const ts = (window as any).__ts;
      await ts.setBackend('webgpu');
      const build = () => ts.sequential({
        layers: [
          ts.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
          ts.layers.batchNormalization(),
          ts.layers.maxPooling2d({ poolSize: 2 }),
          ts.layers.flatten(),
          ts.layers.dense({ units: 5, activation: 'softmax' }),
        ],
      });
      const pipelines = () => ts.memory().backends.webgpu.pipelines as number;
      const xValues = Array.from({ length: 64 }, (_, i) => Math.sin(i * 0.37));
      const predictValues = async (m: any, batch = 1) => {
        const x = ts.tensor4d(Array.from({ length: batch }, () => xValues).flat(), [batch, 8, 8, 1]);
        const y = m.predict(x);
        const v = Array.from(await y.data(), Number);
        x.dispose(); y.dispose();
        return v;
      };
      const warm = build();
      const weights: { shape: number[]; values: number[] }[] = [];
      for (const w of warm.getWeights()) weights.push({ shape: w.shape, values: Array.from(await w.data(), Number) });
      const n0 = ts.memory().numTensors;
      const pipelinesBefore = pipelines();
      warm.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const backgroundWarmupStarted = warm.backgroundWarmup instanceof Promise;
      await warm.backgroundWarmup;
      await warm.warmup();
      const afterWarmup = pipelines();
      const warmed = await predictValues(warm);
      const afterFirstPredict = pipelines();
      const p8 = pipelines();
      await predictValues(warm, 8);
      const newForBatch8 = pipelines() - p8;
      const leaked = ts.memory().numTensors - n0;
      // The same weights in a model that never warmed up (built after: the cache is shared).
      const cold = build();
      cold.setWeights(weights.map((w: any) => ts.tensor(w.values, w.shape)));
      const unwarmed = await predictValues(cold);
      const ptrain = pipelines();
      const xs = ts.zeros([32, 8, 8, 1]);
      const ys = ts.oneHot(ts.zeros([32], 'int32'), 5);
      await warm.trainOnBatch(xs, ys);
      const newForFirstTrainStep = pipelines() - ptrain;
      await ts.setBackend('js');
      const ref = build();
      ref.setWeights(weights.map((w: any) => ts.tensor(w.values, w.shape)));
      const reference = await predictValues(ref);
      return {
        backend: 'webgpu', pipelinesBefore, afterWarmup, afterFirstPredict, warmed, unwarmed, reference,
        warmupError: warm.warmupError ? String(warm.warmupError.message) : null, backgroundWarmupStarted,
        newForBatch8, newForFirstTrainStep, leaked,
      };
    });
    console.log(`[warmup] pipelines: before ${r.pipelinesBefore}, after warmup ${r.afterWarmup}, after first predict ${r.afterFirstPredict}; ` +
      `new for a batch-8 predict ${r.newForBatch8}, for the first trainOnBatch(32) ${r.newForFirstTrainStep}`);
    expect(r.backgroundWarmupStarted).toBe(true);
    expect(r.warmupError).toBeNull();
    expect(r.afterWarmup).toBeGreaterThan(r.pipelinesBefore);
    expect(r.afterFirstPredict).toBe(r.afterWarmup);
    expect(r.leaked).toBe(0);
    expect(r.warmed.length).toBe(5);
    expect(r.warmed).toEqual(r.unwarmed);
    r.warmed.forEach((v, i) => {
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v - r.reference[i])).toBeLessThan(1e-5);
    });
  }, 180_000);

  it('loadLayersModel starts the warmup: its first prediction then compiles nothing', async () => {
    const r = await page.evaluate(async () => {
      const ts = (window as any).__ts;
      await ts.setBackend('webgpu');
      const pipelines = () => ts.memory().backends.webgpu.pipelines as number;
      // An architecture (elu, 6 units, 3 inputs) the other test's pipelines do not cover.
      const src = ts.sequential({ layers: [ts.layers.dense({ units: 6, activation: 'elu', inputShape: [3] })] });
      let artifacts: any;
      await src.save(ts.io.withSaveHandler(async (a: any) => { artifacts = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
      const before = pipelines();
      const loaded = await ts.loadLayersModel(ts.io.fromMemory(artifacts));
      const started = loaded.backgroundWarmup instanceof Promise;
      await loaded.backgroundWarmup;
      const afterWarmup = pipelines();
      const x = ts.tensor2d([[0.5, -2, 1]]);
      const y = loaded.predict(x);
      const values = Array.from(await y.data(), Number);
      const yRef = src.predict(x);
      const reference = Array.from(await yRef.data(), Number);
      const afterPredict = pipelines();
      x.dispose(); y.dispose(); yRef.dispose();
      return { started, error: loaded.warmupError ? String(loaded.warmupError.message) : null, before, afterWarmup, afterPredict, values, reference };
    });
    expect(r.started).toBe(true);
    expect(r.error).toBeNull();
    expect(r.afterWarmup).toBeGreaterThan(r.before);
    expect(r.afterPredict).toBe(r.afterWarmup);
    expect(r.values.length).toBe(6);
    expect(r.values).toEqual(r.reference);
  }, 120_000);
});
