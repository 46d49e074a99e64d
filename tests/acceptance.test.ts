// Issue-4 acceptance workflows on the js backend in Node (examples/workflows): linear
// regression predict(5) within 0.5 of 17, Embedding -> LSTM text classifier >= 95%, transformer
// classifier >= 90%, CNN on bars >= 95% (held-out data), per-epoch History, no tensors left
// behind by any workflow, reproducibility for a fixed seed, and backendsAgree's loss
// trajectories on js vs wasm within 1e-3 relative.
import { beforeAll, describe, expect, test } from 'vitest';
import * as ts from '../src/index.js';
import { backendsAgree, workflows, type WorkflowResult } from '../examples/workflows/index.js';

beforeAll(async () => {
  await ts.setBackend('js');
});

/** Run a workflow and check it leaves exactly as many live tensors as it found. */
async function runClean(name: string, seed = 1): Promise<WorkflowResult> {
  const before = ts.memory().numTensors;
  const r = await workflows[name](ts, { seed });
  expect(ts.memory().numTensors, `${name} leaked tensors`).toBe(before);
  return r;
}

/** History has one entry per epoch for every key, and the loss went down. */
function checkHistory(r: WorkflowResult, keys: string[]): void {
  for (const k of keys) {
    expect(r.history[k], `${r.name}: history.${k}`).toHaveLength(r.epochs);
    for (const v of r.history[k]) expect(Number.isFinite(v), `${r.name}: history.${k} has ${v}`).toBe(true);
  }
  const loss = r.history.loss;
  expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
}

const maxRelDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.max(Math.abs(b[i]), 1e-6)));

describe('acceptance workflows (js)', () => {
  test('linear regression: y = 2 + 3x + noise, Dense(1), sgd, mse, 100 epochs; predict(5) within 0.5 of 17', async () => {
    const r = await runClean('linearRegression');
    expect(r.epochs).toBe(100);
    checkHistory(r, ['loss']);
    expect(Math.abs(r.metrics.predict5 - 17)).toBeLessThan(0.5);
    expect(Math.abs(r.metrics.slope - 3)).toBeLessThan(0.2);
    expect(Math.abs(r.metrics.intercept - 2)).toBeLessThan(0.5);
  });

  test('text classification: Embedding -> LSTM -> Dense(sigmoid), adam, binaryCrossentropy; >= 95% held out', async () => {
    const r = await runClean('textClassification');
    checkHistory(r, ['loss', 'acc', 'val_loss', 'val_acc']);
    expect(r.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    // fit's own held-out accuracy (val_acc, computed by the library) agrees with ours.
    expect(r.history.val_acc[r.epochs - 1]).toBeCloseTo(r.metrics.accuracy, 5);
  });

  test('transformer classifier: "is the first token repeated?"; >= 90% held out', async () => {
    const r = await runClean('transformerClassification');
    checkHistory(r, ['loss', 'acc', 'val_loss', 'val_acc']);
    expect(r.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.history.val_acc[r.epochs - 1]).toBeCloseTo(r.metrics.accuracy, 5);
  });

  test('CNN: conv2d -> maxPooling2d -> conv2d -> flatten -> dense on 16x16 bars; >= 95% held out', async () => {
    const r = await runClean('cnn');
    checkHistory(r, ['loss', 'acc', 'val_loss', 'val_acc']);
    expect(r.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.history.val_acc[r.epochs - 1]).toBeCloseTo(r.metrics.accuracy, 5);
  });

  test('a fixed seed reproduces the run exactly; another seed gives other data', async () => {
    const a = await runClean('linearRegression', 5);
    const b = await runClean('linearRegression', 5);
    const c = await runClean('linearRegression', 6);
    expect(b.history.loss).toEqual(a.history.loss);
    expect(b.metrics.predict5).toBe(a.metrics.predict5);
    expect(c.history.loss).not.toEqual(a.history.loss);
    expect(Math.abs(c.metrics.predict5 - 17)).toBeLessThan(0.5);
  });
});

describe('backends agree', () => {
  test('ten SGD steps of an MLP and a CNN: js and wasm loss trajectories within 1e-3 relative', async () => {
    const before = ts.memory().numTensors;
    const js = await backendsAgree(ts);
    expect(ts.memory().numTensors).toBe(before);
    await ts.setBackend('wasm');
    try {
      const wasm = await backendsAgree(ts);
      expect(wasm.backend).toBe('wasm');
      for (const k of ['mlp', 'cnn'] as const) {
        expect(js.losses[k]).toHaveLength(10);
        for (const v of js.losses[k]) expect(v).toBeGreaterThan(0.05);
        // The losses move: a trajectory, not ten copies of the initial loss.
        expect(new Set(js.losses[k]).size).toBeGreaterThan(5);
        expect(maxRelDiff(wasm.losses[k], js.losses[k]), `${k}: wasm ${wasm.losses[k]} vs js ${js.losses[k]}`).toBeLessThan(1e-3);
      }
    } finally {
      await ts.setBackend('js');
    }
  });
});
