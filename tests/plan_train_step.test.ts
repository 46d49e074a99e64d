// model.trainOnBatch / fit through the recorded training step (src/models/train_plan.ts, issue 9).
// Reference: the unplanned path (env TRAIN_PLAN off: the established eager step), run on the same
// backend from the same seeded weights for the same batches. Planned and unplanned losses, metrics
// and weights must agree within float tolerance for an MLP (Adam), a CNN (Adam), an LSTM (RMSProp)
// and a transformer block (AdamW), on js and wasm. Also: values that change per step (Adam's step
// count and bias corrections, a learning rate set between steps) are fed, not baked; a replayed
// step allocates no backend buffer after the first replay; fit (classWeight tables, a partial last
// batch: two signatures) agrees too, and so does a seeded dropout (fresh draws fed per replay).
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { LayersModel } from '../src/models/layers_model.js';
import { trainStepPlan } from '../src/models/fit_loop.js';
import type { Tensor } from '../src/tensor.js';
import { expectClose } from './helpers/close.js';

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
const wave = (n: number, f: number) => Array.from({ length: n }, (_, i) => Math.sin(i * f + 0.3));
/** One-hot rows of `classes` from a fixed pattern. */
const oneHot = (rows: number, classes: number) => Array.from({ length: rows * classes }, (_, i) => (Math.floor(i / classes) * 7 + 3) % classes === i % classes ? 1 : 0);

interface Case {
  name: string;
  build: () => LayersModel;
  optimizer: () => tf.Optimizer;
  loss: string;
  metrics?: string[];
  x: () => Tensor;
  y: () => Tensor;
}

const CASES: Case[] = [
  {
    name: 'MLP (Adam, accuracy)',
    build: () => tf.sequential({ layers: [
      tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8], kernelInitializer: seeded(1) }),
      tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: seeded(2) }),
    ] }),
    optimizer: () => tf.train.adam(0.02),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
    x: () => tf.tensor2d(wave(6 * 8, 0.7), [6, 8]),
    y: () => tf.tensor2d(oneHot(6, 4), [6, 4]),
  },
  {
    name: 'CNN (Adam)',
    build: () => tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [7, 7, 2], kernelInitializer: seeded(3) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(4) }),
    ] }),
    optimizer: () => tf.train.adam(0.01),
    loss: 'categoricalCrossentropy',
    x: () => tf.tensor4d(wave(4 * 7 * 7 * 2, 0.37), [4, 7, 7, 2]),
    y: () => tf.tensor2d(oneHot(4, 3), [4, 3]),
  },
  {
    name: 'LSTM (RMSProp)',
    build: () => tf.sequential({ layers: [
      tf.layers.lstm({ units: 6, inputShape: [5, 3], kernelInitializer: seeded(5), recurrentInitializer: seeded(6) }),
      tf.layers.dense({ units: 2, kernelInitializer: seeded(7) }),
    ] }),
    optimizer: () => tf.train.rmsprop(0.01),
    loss: 'meanSquaredError',
    x: () => tf.tensor3d(wave(4 * 5 * 3, 0.9), [4, 5, 3]),
    y: () => tf.tensor2d(wave(4 * 2, 1.3), [4, 2]),
  },
  {
    name: 'transformer block (AdamW)',
    build: () => tf.sequential({ layers: [
      tf.layers.transformerEncoder({ numHeads: 2, intermediateDim: 16, normFirst: true, inputShape: [6, 8], kernelInitializer: seeded(8) }),
      tf.layers.globalAveragePooling1d(),
      tf.layers.dense({ units: 3, kernelInitializer: seeded(9) }),
    ] }),
    optimizer: () => tf.train.adamw(0.005),
    loss: 'meanSquaredError',
    x: () => tf.tensor3d(wave(2 * 6 * 8, 1.3), [2, 6, 8]),
    y: () => tf.tensor2d(wave(2 * 3, 0.6), [2, 3]),
  },
];

const STEPS = 5;

/** STEPS trainOnBatch calls (planned or not); the per-step losses/metrics and the final weights. */
async function train(c: Case, planned: boolean) {
  tf.env().set('TRAIN_PLAN', planned);
  const model = c.build();
  model.compile({ optimizer: c.optimizer(), loss: c.loss, metrics: c.metrics });
  const x = c.x(), y = c.y();
  const values: number[] = [];
  for (let i = 0; i < STEPS; i++) values.push(...[await model.trainOnBatch(x, y)].flat());
  const weights = model.getWeights().map((w) => Array.from(w.dataSync() as Float32Array));
  const plan = planned ? trainStepPlan(model, x, y) : null;
  tf.dispose([x, y]);
  model.dispose();
  return { values, weights, plan };
}

describe.each(['js', 'wasm'])('planned trainOnBatch on %s', (backend) => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s: planned steps agree with the unplanned ones', async (_, c) => {
    await tf.setBackend(backend);
    const want = await train(c, false);
    const got = await train(c, true);
    expect(got.plan && 'steps' in got.plan ? null : (got.plan as { reason: string }).reason).toBeNull();
    expectClose(got.values, want.values, 1e-4, 'losses/metrics');
    got.weights.forEach((w, i) => expectClose(w, want.weights[i], 1e-4, `weight ${i}`));
    expect(want.values[want.values.length - (c.metrics ? 2 : 1)]).toBeLessThan(want.values[0]); // it trains
  });
});

describe.each(['js', 'wasm'])('what changes per step on %s', (backend) => {
  test('setLearningRate between steps and the Adam step count reach the replay; no buffer is allocated after the first replay', async () => {
    await tf.setBackend(backend);
    const run = async (planned: boolean) => {
      tf.env().set('TRAIN_PLAN', planned);
      const c = CASES[0];
      const model = c.build();
      const sgd = tf.train.sgd(0.1);
      model.compile({ optimizer: sgd, loss: c.loss });
      const x = c.x(), y = c.y();
      const b = tf.backend() as unknown as { allocate: (...a: unknown[]) => unknown };
      const allocate = b.allocate;
      let allocations = 0;
      const losses: number[] = [];
      const buffers: number[] = [];
      for (let i = 0; i < 6; i++) {
        if (i === 4) sgd.setLearningRate(0.02); // a replayed step must see it
        b.allocate = (...a: unknown[]) => (i >= 2 && allocations++, allocate.apply(b, a));
        try {
          losses.push(await model.trainOnBatch(x, y) as number);
        } finally {
          b.allocate = allocate;
        }
        buffers.push(tf.memory().backends[backend].numBuffers as number);
      }
      tf.dispose([x, y]);
      model.dispose();
      return { losses, allocations, buffers };
    };
    const want = await run(false);
    const got = await run(true);
    expectClose(got.losses, want.losses, 1e-5, 'losses');
    expect(got.allocations, 'allocations in replayed steps 3-6').toBe(0);
    expect(new Set(got.buffers.slice(1)).size, 'live buffers after the first replay').toBe(1);
    expect(want.allocations).toBeGreaterThan(0); // the eager step allocates (so the count can fail)
  });

  test('a changed hyperparameter (RMSProp decay) or a frozen layer between steps records the step again', async () => {
    await tf.setBackend(backend);
    const run = async (planned: boolean) => {
      tf.env().set('TRAIN_PLAN', planned);
      const c = CASES[0];
      const model = tf.sequential({ layers: [
        tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8], kernelInitializer: seeded(1) }),
        tf.layers.dropout({ rate: 0.3, seed: 3 }), // its call count must advance once per step, also when the step is recorded again
        tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: seeded(2) }),
      ] });
      const rms = tf.train.rmsprop(0.02);
      model.compile({ optimizer: rms, loss: c.loss });
      const x = c.x(), y = c.y();
      const losses: number[] = [];
      for (let i = 0; i < 7; i++) {
        if (i === 3) rms.decay = 0.5;
        if (i === 5) model.layers[0].trainable = false;
        losses.push(await model.trainOnBatch(x, y) as number);
      }
      const weights = model.getWeights().map((w) => Array.from(w.dataSync() as Float32Array));
      tf.dispose([x, y]);
      model.dispose();
      return { losses, weights, iterations: rms.iterations };
    };
    const want = await run(false);
    const got = await run(true);
    expect(got.iterations).toBe(7);
    expectClose(got.losses, want.losses, 1e-5, 'losses');
    got.weights.forEach((w, i) => expectClose(w, want.weights[i], 1e-5, `weight ${i}`));
  });

  test('fit with classWeight, a partial last batch and validation: planned history and weights match the unplanned fit', async () => {
    await tf.setBackend(backend);
    const run = async (planned: boolean) => {
      tf.env().set('TRAIN_PLAN', planned);
      const c = CASES[0];
      const model = c.build();
      model.compile({ optimizer: tf.train.adam(0.02), loss: c.loss, metrics: ['accuracy'] });
      const x = tf.tensor2d(wave(11 * 8, 0.45), [11, 8]), y = tf.tensor2d(oneHot(11, 4), [11, 4]);
      const b = tf.backend() as unknown as { run: (...a: unknown[]) => unknown };
      const runKernel = b.run;
      let kernels = 0;
      b.run = (...a: unknown[]) => (kernels++, runKernel.apply(b, a));
      let h;
      try {
        h = await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, validationSplit: 0.2, classWeight: { 0: 2, 1: 0.5 }, verbose: 0 });
      } finally {
        b.run = runKernel;
      }
      const weights = model.getWeights().map((w) => Array.from(w.dataSync() as Float32Array));
      tf.dispose([x, y]);
      model.dispose();
      return { history: h.history as Record<string, number[]>, weights, kernels };
    };
    const want = await run(false);
    const got = await run(true);
    expect(got.kernels, 'the replayed steps run fewer (fused, dead-code-free) kernels').toBeLessThan(want.kernels);
    expect(Object.keys(got.history).sort()).toEqual(Object.keys(want.history).sort());
    for (const k of Object.keys(want.history)) expectClose(got.history[k], want.history[k], 1e-4, k);
    got.weights.forEach((w, i) => expectClose(w, want.weights[i], 1e-4, `weight ${i}`));
  });

  test('dropout: a seeded mask is drawn afresh at each replay, as the unplanned steps draw it', async () => {
    await tf.setBackend(backend);
    const run = async (planned: boolean) => {
      tf.env().set('TRAIN_PLAN', planned);
      const model = tf.sequential({ layers: [
        tf.layers.dense({ units: 8, inputShape: [3], kernelInitializer: seeded(1) }),
        tf.layers.dropout({ rate: 0.5, seed: 7 }),
        tf.layers.dense({ units: 1, kernelInitializer: seeded(2) }),
      ] });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      const x = tf.tensor2d(wave(4 * 3, 0.8), [4, 3]), y = tf.tensor2d(wave(4, 1.9), [4, 1]);
      const losses: number[] = [];
      for (let i = 0; i < 5; i++) losses.push(await model.trainOnBatch(x, y) as number);
      const plan = planned ? trainStepPlan(model, x, y) : null;
      tf.dispose([x, y]);
      model.dispose();
      return { losses, plan };
    };
    const want = await run(false);
    const got = await run(true);
    expect(got.plan && 'reason' in got.plan ? got.plan.reason : null).toBeNull();
    expectClose(got.losses, want.losses, 1e-5, 'losses');
    expect(new Set(want.losses).size, 'the masks differ from step to step').toBe(5);
  });
});

afterAll(async () => {
  tf.env().set('TRAIN_PLAN', true);
  await tf.setBackend('js');
});
