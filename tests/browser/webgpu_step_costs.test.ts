/**
 * Per-step GPU object costs on webgpu (headless Chromium, SwiftShader): for an LSTM and a
 * transformer-block training step, how many dispatches, bind groups, uniform writes and uniform
 * buffers one warmed step makes (tf.memory().backends.webgpu counters), and that a warmed model
 * compiles no pipeline for a new batch size (a last partial batch, or a larger one). The trained
 * weights are checked against the plain-JS backend (the independent reference) on the same steps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openSourcePage } from './source_page.js';

let page: Page;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ page, close: closePage } = await openSourcePage('__stepcosts', 'tessera step costs'));
}, 180_000);

afterAll(async () => {
  await closePage?.();
});

interface StepCosts {
  perStep: Record<string, number>;
  newPipelines: Record<string, number>;
  weights: { webgpu: number[]; js: number[] };
}

/** Steps on batch 8 before the measured one (the buffer pool and bind group cache settle). */
const WARM_STEPS = 8;

/** Runs in the page: warm on batch 8, measure one more batch-8 step, then batches 5 and 40. */
async function measure(model: 'lstm' | 'transformer'): Promise<StepCosts> {
  return page.evaluate(async (which, warmSteps) => {
    const ts = (window as any).__ts;
    const build = () => {
      if (which === 'lstm') {
        return ts.sequential({ layers: [ts.layers.lstm({ units: 16, inputShape: [8, 8] }), ts.layers.dense({ units: 1 })] });
      }
      // The transformer block of bench/first_prediction_models.mjs, on [seq 8, model 16].
      const x = ts.input({ shape: [8, 16] });
      const q = ts.layers.dense({ units: 16 }).apply(x);
      const k = ts.layers.dense({ units: 16 }).apply(x);
      const v = ts.layers.dense({ units: 16 }).apply(x);
      const scores = ts.layers.dot({ axes: [2, 2] }).apply([q, k]);
      const weights = ts.layers.softmax({ axis: -1 }).apply(scores);
      const attended = ts.layers.dot({ axes: [2, 1] }).apply([weights, v]);
      const x1 = ts.layers.layerNormalization().apply(ts.layers.add().apply([x, ts.layers.dense({ units: 16 }).apply(attended)]));
      const ff = ts.layers.dense({ units: 16 }).apply(ts.layers.dense({ units: 32, activation: 'relu' }).apply(x1));
      const out = ts.layers.layerNormalization().apply(ts.layers.add().apply([x1, ff]));
      return ts.model({ inputs: x, outputs: out });
    };
    const shapeOf = (b: number) => (which === 'lstm' ? [[b, 8, 8], [b, 1]] : [[b, 8, 16], [b, 8, 16]]);
    const data = (b: number) => {
      const [xs, ys] = shapeOf(b);
      const n = (s: number[]) => s.reduce((p, q) => p * q, 1);
      return [ts.tensor(Array.from({ length: n(xs) }, (_, i) => Math.sin(i * 0.7)), xs),
        ts.tensor(Array.from({ length: n(ys) }, (_, i) => Math.cos(i * 0.3)), ys)];
    };
    const train = async (backend: string) => {
      await ts.setBackend(backend);
      ts.randomSeed?.(7);
      const m = build();
      const init = m.getWeights().map((w: any) => w.clone());
      m.compile({ optimizer: ts.train.sgd(0.05), loss: 'meanSquaredError' });
      return { m, init };
    };
    // Same initial weights on both backends: build on webgpu, copy its initial weights to js.
    const gpu = await train('webgpu');
    const initValues: { shape: number[]; values: number[] }[] = [];
    for (const w of gpu.init) initValues.push({ shape: w.shape, values: Array.from(await w.data(), Number) });
    const mem = () => ts.memory().backends.webgpu;
    const [x8, y8] = data(8);
    for (let i = 0; i < warmSteps; i++) await gpu.m.trainOnBatch(x8, y8);
    const before = { ...mem() };
    await gpu.m.trainOnBatch(x8, y8);
    const after = { ...mem() };
    const perStep: Record<string, number> = {};
    for (const k of ['dispatches', 'bindGroupsCreated', 'uniformWrites', 'uniformBuffersCreated', 'submits', 'pipelines', 'buffersCreated']) {
      perStep[k] = (after[k] ?? NaN) - (before[k] ?? NaN);
    }
    const newPipelines: Record<string, number> = {};
    for (const b of [5, 40]) {
      const [xb, yb] = data(b);
      const p0 = mem().pipelines;
      await gpu.m.trainOnBatch(xb, yb);
      const y = gpu.m.predict(xb);
      await y.data();
      newPipelines[`batch${b}`] = mem().pipelines - p0;
      xb.dispose(); yb.dispose(); y.dispose();
    }
    const flat = async (m: any) => {
      const out: number[] = [];
      for (const w of m.getWeights()) out.push(...Array.from(await w.data(), Number));
      return out;
    };
    const webgpu = await flat(gpu.m);
    // The reference: the same steps on the plain-JS backend from the same initial weights.
    await ts.setBackend('js');
    const ref = build();
    ref.setWeights(initValues.map((w) => ts.tensor(w.values, w.shape)));
    ref.compile({ optimizer: ts.train.sgd(0.05), loss: 'meanSquaredError' });
    const jsData = (b: number) => data(b);
    for (const b of [...Array(warmSteps + 1).fill(8), 5, 40]) {
      const [xb, yb] = jsData(b);
      await ref.trainOnBatch(xb, yb);
    }
    const js = await flat(ref);
    return { perStep, newPipelines, weights: { webgpu, js } };
  }, model, WARM_STEPS);
}

describe('webgpu training step costs', () => {
  it('a broadcasting add first run on a batch of 1 compiles nothing for a batch of 8', async () => {
    const r = await page.evaluate(async () => {
      const ts = (window as any).__ts;
      await ts.setBackend('webgpu');
      const pipelines = () => ts.memory().backends.webgpu.pipelines as number;
      const bias = ts.tensor1d([0.5, -1, 2, 0, 3]);
      // mul by 3 too, so the op's constants (OP) are ones no other test of this page compiled first.
      const run = async (batch: number) => {
        const x = ts.tensor2d(Array.from({ length: batch * 5 }, (_, i) => i), [batch, 5]);
        const y = ts.mul(ts.sub(x, bias), 3);
        const v = Array.from(await y.data(), Number);
        x.dispose(); y.dispose();
        return v;
      };
      await run(1);
      const p0 = pipelines();
      const values = await run(8);
      return { newPipelines: pipelines() - p0, values };
    });
    expect(r.newPipelines).toBe(0);
    // (i - bias[i % 5]) * 3, worked by hand from the inputs above.
    const b = [0.5, -1, 2, 0, 3];
    expect(r.values).toEqual(Array.from({ length: 40 }, (_, i) => (i - b[i % 5]) * 3));
  }, 60_000);

  // CPU adapters: [1] * scalar runs the contiguous entry and compiles binary_blocked's scalar mode alongside,
  // which [7] * scalar then runs (and the reverse: a scalar op first run on 6 elements, then on one).
  it('a one-element op with a scalar first run alone compiles nothing for 7 elements, and back', async () => {
    const r = await page.evaluate(async () => {
      const ts = (window as any).__ts;
      await ts.setBackend('webgpu');
      const pipelines = () => ts.memory().backends.webgpu.pipelines as number;
      const run = async (n: number, op: 'div' | 'squaredDifference') => {
        const x = ts.tensor1d(Array.from({ length: n }, (_, i) => i + 1));
        const y = ts[op](x, ts.scalar(4));
        const v = Array.from(await y.data(), Number);
        x.dispose(); y.dispose();
        return v;
      };
      const a1 = await run(1, 'div');
      const p0 = pipelines();
      const a7 = await run(7, 'div');
      const p1 = pipelines();
      const b6 = await run(6, 'squaredDifference');
      const p2 = pipelines();
      const b1 = await run(1, 'squaredDifference');
      return { newForDiv: p1 - p0, newForSqd: pipelines() - p2, values: [...a1, ...a7, ...b6, ...b1] };
    });
    expect(r.newForDiv).toBe(0);
    expect(r.newForSqd).toBe(0);
    const div = (n: number) => Array.from({ length: n }, (_, i) => (i + 1) / 4);
    const sqd = (n: number) => Array.from({ length: n }, (_, i) => (i + 1 - 4) ** 2);
    expect(r.values).toEqual([...div(1), ...div(7), ...sqd(6), ...sqd(1)]);
  }, 60_000);

  for (const model of ['lstm', 'transformer'] as const) {
    it(`${model}: one warmed step's GPU objects, no pipeline for a new batch size, weights as on js`, async () => {
      const r = await measure(model);
      console.log(`[step costs] ${model}: ${JSON.stringify(r.perStep)}; new pipelines ${JSON.stringify(r.newPipelines)}`);
      expect(r.newPipelines).toEqual({ batch5: 0, batch40: 0 });
      // A warmed step: no pipeline, no bind group, no buffer created; one params write per submit at most.
      expect(r.perStep.pipelines).toBe(0);
      expect(r.perStep.dispatches).toBeGreaterThan(0);
      expect(r.perStep.bindGroupsCreated).toBe(0);
      expect(r.perStep.uniformBuffersCreated).toBe(0);
      expect(r.perStep.buffersCreated).toBe(0);
      expect(r.perStep.uniformWrites).toBeLessThanOrEqual(r.perStep.submits);
      expect(r.weights.webgpu.length).toBe(r.weights.js.length);
      r.weights.webgpu.forEach((v, i) => {
        expect(Number.isFinite(v)).toBe(true);
        expect(Math.abs(v - r.weights.js[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(r.weights.js[i])));
      });
    }, 180_000);
  }
});
