/**
 * The fused LSTM cell (src/ops/lstm_cell.ts, shaders/lstm_cell.wgsl) on webgpu in headless Chromium:
 * a seeded LSTM model trained a few Adam steps with the fused cell, eagerly and through the recorded
 * training step, ends with the losses and weights of the unfused cell run eagerly on the plain-JS
 * backend (the independent reference), for both recurrent activations (hardSigmoid, sigmoid); and
 * an LSTM training step with the bench's 32 time steps (at batch 4, features 8, units 16: the bench's
 * widths only slow SwiftShader down, the counts are the same) records at most a third of today's dispatches (unfused cell, eager) once fused and planned, counted by the webgpu
 * backend's dispatch counter in tf.memory() (issue 9).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { openSourcePage } from './source_page.js';
import { expectClose } from '../helpers/close.js';

let page: Page;
let closePage: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ page, close: closePage } = await openSourcePage('__lstm', 'tessera fused lstm'));
}, 180_000);

afterAll(async () => {
  await closePage?.();
});

describe('fused LSTM cell on webgpu (Chromium)', () => {
  it.each(['hardSigmoid', 'sigmoid'])('%s: fused eager and planned training agree with the unfused eager js run', async (recAct) => {
    const r = await page.evaluate(async (recurrentActivation: string) => {
      const ts = (window as any).__ts;
      const train = async () => {
        const seeded = (seed: number) => ts.initializers.glorotUniform({ seed });
        const model = ts.sequential({ layers: [
          ts.layers.lstm({ units: 6, inputShape: [5, 3], recurrentActivation, kernelInitializer: seeded(3), recurrentInitializer: seeded(4),
            biasInitializer: ts.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 9 }) }),
          ts.layers.dense({ units: 2, kernelInitializer: seeded(5) }),
        ] });
        model.compile({ optimizer: ts.train.adam(0.05), loss: 'meanSquaredError' });
        const x = ts.tensor3d(Array.from({ length: 60 }, (_, i) => 2 * Math.sin(i * 0.77)), [4, 5, 3]);
        const y = ts.tensor2d(Array.from({ length: 8 }, (_, i) => Math.cos(i)), [4, 2]);
        const losses: number[] = [];
        for (let i = 0; i < 4; i++) losses.push(Number(await model.trainOnBatch(x, y)));
        const weights = await Promise.all(model.getWeights().map(async (w: any) => Array.from(await w.data(), Number)));
        ts.dispose([x, y]);
        model.dispose();
        return { losses, weights };
      };
      await ts.setBackend('js');
      ts.env().set('LSTM_FUSED_CELL', false);
      ts.env().set('TRAIN_PLAN', false);
      const want = await train();
      await ts.setBackend('webgpu');
      ts.env().set('LSTM_FUSED_CELL', true);
      const eager = await train();
      ts.env().set('TRAIN_PLAN', true);
      const planned = await train();
      return { want, eager, planned };
    }, recAct);
    expect(r.want.losses[3]).toBeLessThan(r.want.losses[0]); // it trains
    for (const k of ['eager', 'planned'] as const) {
      expectClose(r[k].losses, r.want.losses, 1e-4, `${k} losses`);
      r[k].weights.forEach((w: number[], i: number) => expectClose(w, r.want.weights[i], 1e-4, `${k} weight ${i}`));
    }
  });

  it('the planned fused LSTM training step records at most a third of the eager unfused dispatches', async () => {
    const r = await page.evaluate(async () => {
      const ts = (window as any).__ts;
      await ts.setBackend('webgpu');
      // the bench step's 32 time steps at small widths (batch 4, features 8, units 16): the dispatch
      // counts follow the sequence length and the layer structure, not the widths
      const x = ts.randomNormal([4, 32, 8], 0, 1, 'float32', 21);
      const y = ts.randomNormal([4, 1], 0, 1, 'float32', 22);
      const dispatches = () => ts.memory().backends.webgpu.dispatches;
      const count = async (planned: boolean, fused: boolean) => {
        ts.env().set('TRAIN_PLAN', planned);
        ts.env().set('LSTM_FUSED_CELL', fused);
        const model = ts.sequential({ layers: [ts.layers.lstm({ units: 16, inputShape: [32, 8] }), ts.layers.dense({ units: 1 })] });
        model.compile({ optimizer: ts.train.adam(1e-3), loss: 'meanSquaredError' });
        for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y); // first step, trace, first replay
        const d0 = dispatches();
        const loss = Number(await model.trainOnBatch(x, y));
        const n = dispatches() - d0;
        model.dispose();
        return { n, loss };
      };
      const eager = await count(false, false);
      const planned = await count(true, true);
      ts.env().set('TRAIN_PLAN', true);
      ts.env().set('LSTM_FUSED_CELL', 'webgpu');
      ts.dispose([x, y]);
      return { eager, planned };
    });
    expect(r.eager.n).toBeGreaterThan(1000); // the unfused cell: slices, gate ops and a concat per step
    expect(Number.isFinite(r.planned.loss)).toBe(true);
    expect(r.planned.n * 3).toBeLessThanOrEqual(r.eager.n);
  });
});
