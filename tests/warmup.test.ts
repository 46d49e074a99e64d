/**
 * model.warmup() on js and wasm: it resolves, leaves no tensor behind, and changes no state: the
 * weights (BatchNormalization's moving statistics included, which a training-mode pass would move:
 * zero inputs through a ones bias give batch mean 1 / variance 0 against the initial 0 / 1) and
 * the predictions are exactly those from before. compile() starts no background warmup off webgpu.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';

function buildModel(): ts.LayersModel {
  const m = ts.sequential({
    layers: [
      ts.layers.dense({ units: 8, inputShape: [4], activation: 'relu', biasInitializer: 'ones', kernelInitializer: 'glorotUniform' }),
      ts.layers.batchNormalization(),
      ts.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  return m;
}

const snapshot = (m: ts.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

afterAll(async () => {
  await ts.setBackend('js');
});

describe.each(['js', 'wasm'] as const)('model.warmup on %s', (backend) => {
  it('resolves and changes neither weights, moving statistics nor predictions', async () => {
    expect(await ts.setBackend(backend)).toBe(true);
    const m = buildModel();
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    expect(m.backgroundWarmup).toBeUndefined(); // background warmup is for webgpu only
    const x = ts.tensor2d([[0.5, -1, 2, 0.25], [1, 1, -0.5, 3]]);
    const before = snapshot(m);
    const predBefore = m.predict(x) as ts.Tensor;
    const valuesBefore = Array.from(await predBefore.data());
    predBefore.dispose();
    const n0 = ts.memory().numTensors;
    await m.warmup();
    expect(ts.memory().numTensors).toBe(n0);
    const after = snapshot(m);
    expect(after.length).toBe(8); // 2 dense x (kernel, bias) + BN gamma, beta, moving mean, moving variance
    expect(after).toEqual(before);
    // Moving variance (last BN non-trainable weight) is still its initial ones: the trace put it back.
    const bn = m.layers[1];
    const movingVar = bn.nonTrainableWeights.find((w) => w.name.includes('moving_variance'))!;
    expect(Array.from(await movingVar.data())).toEqual(new Array(8).fill(1));
    const predAfter = m.predict(x) as ts.Tensor;
    expect(Array.from(await predAfter.data())).toEqual(valuesBefore);
    predAfter.dispose();
    x.dispose();
    m.dispose();
  });

  it('resolves for sparse and custom losses and leaves the weights as they were', async () => {
    expect(await ts.setBackend(backend)).toBe(true);
    const picky = (yTrue: ts.Tensor, yPred: ts.Tensor) => {
      if (yTrue.shape[1] !== 99) throw new Error('picky loss: wants 99 target columns');
      return ts.mean(ts.sub(yTrue, yPred), -1);
    };
    for (const loss of ['sparseCategoricalCrossentropy', picky] as const) {
      const m = buildModel();
      m.compile({ optimizer: 'sgd', loss });
      const before = snapshot(m);
      const n0 = ts.memory().numTensors;
      await m.warmup();
      expect(ts.memory().numTensors).toBe(n0);
      expect(snapshot(m)).toEqual(before);
      m.dispose();
    }
  });

  it('resolves at once on a model without known inputs, and rejects bad batch sizes', async () => {
    expect(await ts.setBackend(backend)).toBe(true);
    const m = ts.sequential();
    await expect(m.warmup()).resolves.toBeUndefined();
    const built = buildModel();
    await expect(built.warmup({ batchSize: 0 })).rejects.toThrow('warmup: batchSize must be a positive integer, got 0');
    await expect(built.warmup({ predictBatchSize: 1.5 })).rejects.toThrow('warmup: predictBatchSize must be a positive integer, got 1.5');
    built.dispose();
  });
});
