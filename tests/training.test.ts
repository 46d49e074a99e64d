// Keras training workflow on the js backend: fit / evaluate / predict / History /
// validationSplit / callbacks / earlyStopping / classWeight / constraints / verbose output /
// fitDataset, the 50-epoch leak test, the acceptance problems (linear regression, MLP
// classifier) and the same on wasm.
import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { clipP, close, mean, rng, vals } from './helpers/training_utils.js';
import { evaluateDataset } from '../src/models/training.js';

beforeAll(async () => {
  await tf.setBackend('js');
});

// ---- model workflow -------------------------------------------------------------------------

/** Linearly separable 3-class data in 2D: class = region around one of three centres. */
function blobs(n: number, seed: number): { x: Tensor; y: Tensor; labels: number[] } {
  const r = rng(seed);
  const centres = [[-2, -2], [2, -1], [0, 2.5]];
  const xs: number[] = [], ys: number[] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs.push(centres[c][0] + (r() - 0.5) * 1.6, centres[c][1] + (r() - 0.5) * 1.6);
    ys.push(...[0, 1, 2].map((k) => (k === c ? 1 : 0)));
    labels.push(c);
  }
  return { x: tf.tensor2d(xs, [n, 2]), y: tf.tensor2d(ys, [n, 3]), labels };
}

function binaryData(n: number, seed: number): { x: Tensor; y: Tensor; xs: number[][]; ys: number[] } {
  const r = rng(seed);
  const xs: number[][] = [], ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = r() * 4 - 2, b = r() * 4 - 2;
    xs.push([a, b]);
    ys.push(a + 0.5 * b > 0.3 ? 1 : 0);
  }
  return { x: tf.tensor2d(xs), y: tf.tensor2d(ys, [n, 1]), xs, ys };
}

const denseModel = (units: number, inputDim: number, activation?: string, extra: Record<string, unknown> = {}) =>
  tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [inputDim], activation: activation as any, kernelInitializer: 'glorotUniform', ...extra })] });

describe('fit / evaluate / predict', () => {
  test('acceptance: linear regression y = 2 + 3x + noise, Dense(1), sgd, mse, 100 epochs', async () => {
    const r = rng(7);
    const n = 200;
    const xv = Array.from({ length: n }, () => r() * 4 - 2);
    const x = tf.tensor2d(xv, [n, 1]);
    const y = tf.tensor2d(xv.map((v) => 2 + 3 * v + (r() - 0.5) * 0.4), [n, 1]);
    const model = denseModel(1, 1);
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
    const h = await model.fit(x, y, { epochs: 100, batchSize: 32, verbose: 0 });
    expect(h.history.loss).toHaveLength(100);
    expect(h.epoch).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const pred = vals(model.predict(tf.tensor2d([5], [1, 1])))[0];
    console.log(`linear regression: final loss ${h.history.loss[99].toFixed(5)}, predict(5) = ${pred.toFixed(4)} (want 17)`);
    expect(Math.abs(pred - 17)).toBeLessThan(0.5);
    expect(h.history.loss[99]).toBeLessThan(0.05);
  });

  test('acceptance: 2-layer MLP classifier, adam + categoricalCrossentropy >= 95%', async () => {
    const { x, y } = blobs(300, 3);
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 16, inputShape: [2], activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })],
    });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const h = await model.fit(x, y, { epochs: 40, batchSize: 32, verbose: 0, validationSplit: 0.2 });
    expect(Object.keys(h.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    const test = blobs(150, 99);
    const [loss, acc] = (model.evaluate(test.x, test.y) as Tensor[]).map((t) => vals(t)[0]);
    console.log(`MLP: train acc ${h.history.acc.at(-1)!.toFixed(3)}, val acc ${h.history.val_acc.at(-1)!.toFixed(3)}, test loss ${loss.toFixed(4)}, test acc ${acc.toFixed(3)}`);
    expect(acc).toBeGreaterThanOrEqual(0.95);
    // evaluate's accuracy equals the fraction of argmax matches of predict.
    const p = model.predict(test.x, { batchSize: 16 }) as Tensor;
    const pv = p.arraySync() as number[][];
    const hits = pv.filter((row, i) => row.indexOf(Math.max(...row)) === test.labels[i]).length;
    close([acc], [hits / 150], 1e-6);
  });

  test('validationSplit holds out the last samples; val values equal evaluate on them', async () => {
    const { x, y } = binaryData(40, 11);
    const model = denseModel(1, 2, 'sigmoid');
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'binaryCrossentropy', metrics: ['acc', 'precision', 'recall'] });
    const h = await model.fit(x, y, { epochs: 3, batchSize: 8, validationSplit: 0.25, verbose: 0 });
    expect(Object.keys(h.history)).toEqual(['loss', 'acc', 'precision', 'recall', 'val_loss', 'val_acc', 'val_precision', 'val_recall']);
    const ev = (model.evaluate(tf.slice(x, 30, 10), tf.slice(y, 30, 10)) as Tensor[]).map((t) => vals(t)[0]);
    close([h.history.val_loss[2], h.history.val_acc[2], h.history.val_precision[2], h.history.val_recall[2]], ev, 1e-5);
    expect(h.params!.samples).toBe(30);
    // validationData gives the same numbers for the same held-out set.
    const h2 = await model.fit(tf.slice(x, 0, 30), tf.slice(y, 0, 30), { epochs: 1, validationData: [tf.slice(x, 30, 10), tf.slice(y, 30, 10)], verbose: 0 });
    const ev2 = (model.evaluate(tf.slice(x, 30, 10), tf.slice(y, 30, 10)) as Tensor[]).map((t) => vals(t)[0]);
    close([h2.history.val_loss[0]], [ev2[0]], 1e-5);
  });

  test('evaluate: scalar without metrics, matches the loss formula; includes regularization', () => {
    const model = denseModel(2, 3, undefined, { kernelRegularizer: tf.regularizers.l2({ l2: 0.1 }) });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.tensor2d([[1, 2, 3], [0, -1, 1], [2, 2, 0]]);
    const y = tf.tensor2d([[1, 0], [0, 1], [0.5, 0.5]]);
    const out = model.evaluate(x, y, { batchSize: 2 }) as Tensor;
    expect(out.rank).toBe(0);
    const p = (model.predict(x) as Tensor).arraySync() as number[][];
    const yv = y.arraySync() as number[][];
    const mseV = mean(p.map((row, i) => mean(row.map((v, j) => (v - yv[i][j]) ** 2))));
    const k = vals(model.layers[0].getWeights()[0]);
    close(vals(out), [mseV + 0.1 * k.reduce((a, b) => a + b * b, 0)], 1e-5);
  });

  test('epoch loss is the size-weighted mean of the batch losses; callback order and logs', async () => {
    const { x, y } = binaryData(10, 5);
    const model = denseModel(1, 2, 'sigmoid');
    model.compile({ optimizer: tf.train.sgd(0.3), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const events: string[] = [];
    const batchLosses: number[] = [], sizes: number[] = [];
    const epochLogs: Record<string, number>[] = [];
    const h = await model.fit(x, y, {
      epochs: 2, batchSize: 4, verbose: 0,
      callbacks: {
        onTrainBegin: async () => { events.push('trainBegin'); },
        onEpochBegin: (e) => { events.push(`epochBegin${e}`); },
        onBatchBegin: (b) => { events.push(`batchBegin${b}`); },
        onBatchEnd: async (b, logs) => {
          events.push(`batchEnd${b}`);
          batchLosses.push(logs!.loss);
          sizes.push(logs!.size);
          expect(logs!.acc).toBeGreaterThanOrEqual(0);
        },
        onEpochEnd: (e, logs) => { events.push(`epochEnd${e}`); epochLogs.push(logs!); },
        onTrainEnd: () => { events.push('trainEnd'); },
      },
    });
    expect(events).toEqual([
      'trainBegin',
      'epochBegin0', 'batchBegin0', 'batchEnd0', 'batchBegin1', 'batchEnd1', 'batchBegin2', 'batchEnd2', 'epochEnd0',
      'epochBegin1', 'batchBegin0', 'batchEnd0', 'batchBegin1', 'batchEnd1', 'batchBegin2', 'batchEnd2', 'epochEnd1',
      'trainEnd',
    ]);
    expect(sizes).toEqual([4, 4, 2, 4, 4, 2]);
    const weighted = (k: number) => (batchLosses[k] * 4 + batchLosses[k + 1] * 4 + batchLosses[k + 2] * 2) / 10;
    close([h.history.loss[0], h.history.loss[1]], [weighted(0), weighted(3)], 1e-5);
    close([epochLogs[1].loss], [h.history.loss[1]]);
  });

  test('shuffle: false trains deterministically; initialEpoch skips epochs', async () => {
    const { x, y } = binaryData(20, 8);
    const run = async () => {
      const m = denseModel(1, 2, 'sigmoid', { kernelInitializer: 'ones' });
      m.compile({ optimizer: tf.train.sgd(0.2), loss: 'binaryCrossentropy' });
      return (await m.fit(x, y, { epochs: 3, batchSize: 6, shuffle: false, verbose: 0 })).history.loss;
    };
    expect(await run()).toEqual(await run());
    const m = denseModel(1, 2);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const h = await m.fit(x, y, { epochs: 5, initialEpoch: 3, verbose: 0 });
    expect(h.epoch).toEqual([3, 4]);
  });

  test('earlyStopping stops after patience epochs without improvement; restoreBestWeights', async () => {
    const { x, y } = binaryData(16, 2);
    const m = denseModel(1, 2);
    m.compile({ optimizer: tf.train.sgd(1e-12), loss: 'mse' });
    const h = await m.fit(x, y, { epochs: 20, verbose: 0, callbacks: [tf.callbacks.earlyStopping({ monitor: 'loss', minDelta: 0.01, patience: 2 })] });
    expect(h.epoch).toEqual([0, 1, 2]);

    // Diverging training: the best epoch is the first; its weights come back.
    const m2 = denseModel(1, 2, undefined, { kernelInitializer: 'zeros' });
    m2.compile({ optimizer: tf.train.sgd(3), loss: 'mse' });
    let firstEpochWeights: number[] = [];
    const h2 = await m2.fit(tf.mul(x, 10), y, {
      epochs: 10, batchSize: 16, shuffle: false, verbose: 0,
      callbacks: [
        { onEpochEnd: (e) => { if (e === 0) firstEpochWeights = m2.getWeights().flatMap(vals); } },
        tf.callbacks.earlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true }),
      ],
    });
    expect(h2.history.loss[1]).toBeGreaterThan(h2.history.loss[0]);
    expect(h2.epoch).toEqual([0, 1]);
    close(m2.getWeights().flatMap(vals), firstEpochWeights);

    // Mode 'auto' maximises accuracy-like names; a missing key only warns.
    const es = tf.callbacks.earlyStopping({ monitor: 'val_acc' });
    expect(es.mode).toBe('max');
    expect(() => tf.callbacks.earlyStopping({ patience: -1 })).toThrow(/patience/);
  });

  test('classWeight scales each sample loss by its class weight', async () => {
    const { x, y, ys } = binaryData(12, 4);
    const m = denseModel(1, 2, 'sigmoid');
    m.compile({ optimizer: tf.train.sgd(1e-12), loss: 'binaryCrossentropy' });
    const p = vals(m.predict(x));
    const h = await m.fit(x, y, { epochs: 1, batchSize: 12, classWeight: { 0: 1, 1: 3 }, verbose: 0 });
    const bce = p.map((pp, i) => -(ys[i] * Math.log(clipP(pp)) + (1 - ys[i]) * Math.log(1 - clipP(pp))));
    close([h.history.loss[0]], [mean(bce.map((l, i) => l * (ys[i] === 1 ? 3 : 1)))], 1e-5);

    // Sparse labels with a softmax output: weights looked up by label.
    const m2 = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'softmax' })] });
    m2.compile({ optimizer: tf.train.sgd(1e-12), loss: 'sparseCategoricalCrossentropy', metrics: ['acc'] });
    const labels = tf.tensor1d([0, 1, 2, 2, 1, 0], 'int32');
    const x2 = tf.slice(x, 0, 6);
    const probs = (m2.predict(x2) as Tensor).arraySync() as number[][];
    const lab = [0, 1, 2, 2, 1, 0], cw = [0.5, 2, 1];
    const h2 = await m2.fit(x2, labels, { epochs: 1, batchSize: 6, classWeight: { 0: 0.5, 1: 2 }, verbose: 0 });
    close([h2.history.loss[0]], [mean(lab.map((c, i) => -Math.log(clipP(probs[i][c])) * cw[c]))], 1e-5);
    const accWant = mean(lab.map((c, i) => (probs[i].indexOf(Math.max(...probs[i])) === c ? 1 : 0)));
    close([h2.history.acc[0]], [accWant]);
  });

  test('multi-input / multi-output functional model: per-output losses and metric names', async () => {
    const a = tf.input({ shape: [2], name: 'in_a' });
    const b = tf.input({ shape: [3], name: 'in_b' });
    const outA = tf.layers.dense({ units: 1, name: 'out_a' }).apply(a);
    const outB = tf.layers.dense({ units: 2, activation: 'softmax', name: 'out_b' }).apply(b);
    const model = tf.model({ inputs: [a, b], outputs: [outA, outB] });
    model.compile({ optimizer: tf.train.adam(0.05), loss: ['mse', 'categoricalCrossentropy'], metrics: { out_b: 'accuracy' } });
    const r = rng(3);
    const n = 24;
    const xa = tf.tensor2d(Array.from({ length: n * 2 }, () => r()), [n, 2]);
    const xb = tf.tensor2d(Array.from({ length: n * 3 }, () => r()), [n, 3]);
    const ya = tf.tensor2d(Array.from({ length: n }, () => r()), [n, 1]);
    const yb = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 2), 'int32'), 2);
    const h = await model.fit([xa, xb], [ya, yb], { epochs: 2, batchSize: 8, verbose: 0 });
    expect(Object.keys(h.history)).toEqual(['loss', 'out_a_loss', 'out_b_loss', 'out_b_acc']);
    close([h.history.loss[1]], [h.history.out_a_loss[1] + h.history.out_b_loss[1]], 1e-5);
    const ev = model.evaluate({ in_a: xa, in_b: xb } as any, [ya, yb]) as Tensor[];
    expect(ev).toHaveLength(4);
    const preds = model.predict([xa, xb], { batchSize: 5 }) as Tensor[];
    expect(preds.map((p) => p.shape)).toEqual([[n, 1], [n, 2]]);
    const whole = model.predictOnBatch([xa, xb]) as Tensor[];
    close(vals(preds[1]), vals(whole[1]));
    const res = await model.trainOnBatch([xa, xb], [ya, yb]);
    expect(Array.isArray(res) && res.length === 4 && res.every(Number.isFinite)).toBe(true);
  });

  test('lazy Sequential (no inputShape), string optimizers, trainOnBatch', async () => {
    const { x, y } = binaryData(32, 6);
    for (const opt of ['sgd', 'adam', 'adamw', 'adamax', 'rmsprop', 'adagrad', 'adadelta']) {
      const m = tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'tanh' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
      m.compile({ optimizer: opt, loss: 'binaryCrossentropy' });
      const first = (await m.trainOnBatch(x, y)) as number;
      for (let i = 0; i < 30; i++) await m.trainOnBatch(x, y);
      const last = (await m.trainOnBatch(x, y)) as number;
      expect(last, opt).toBeLessThan(first);
      m.dispose();
    }
  });

  test('errors: not compiled, unknown names, mismatched samples', async () => {
    const m = denseModel(1, 2);
    await expect(m.fit(tf.zeros([4, 2]), tf.zeros([4, 1]))).rejects.toThrow(/must be compiled first/);
    expect(() => m.compile({ optimizer: 'nadam', loss: 'mse' })).toThrow(/unknown optimizer 'nadam'/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'hinge' })).toThrow(/unknown loss "hinge"/);
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['auc'] })).toThrow(/unknown metric "auc"/);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(m.fit(tf.zeros([4, 2]), tf.zeros([5, 1]), { verbose: 0 })).rejects.toThrow(/same number of samples/);
    await expect(m.fit(tf.zeros([4, 2]), tf.zeros([4, 3]), { verbose: 0 })).rejects.toThrow(/labels shape \[4,3\] and predictions shape \[4,1\]/);
    await expect(m.fit(tf.zeros([4, 2]), tf.zeros([4, 1]), { verbose: 0, validationSplit: 1.5 })).rejects.toThrow(/validationSplit/);
  });

  test('losses and metrics functions are accepted by compile; {name, fromLogits} loss spec', async () => {
    const { x, y } = binaryData(20, 9);
    const m = denseModel(1, 2);
    m.compile({ optimizer: tf.train.sgd(1e-12), loss: { name: 'binaryCrossentropy', fromLogits: true }, metrics: [tf.metrics.binaryAccuracy, tf.metrics.recall] });
    const logits = vals(m.predict(x));
    const yv = vals(y);
    const h = await m.fit(x, y, { epochs: 1, batchSize: 20, verbose: 0 });
    expect(Object.keys(h.history)).toEqual(['loss', 'binaryAccuracy', 'recall']);
    const want = mean(logits.map((l, i) => Math.max(l, 0) - l * yv[i] + Math.log1p(Math.exp(-Math.abs(l)))));
    close([h.history.loss[0]], [want], 1e-5);
    const m2 = denseModel(1, 2);
    m2.compile({ optimizer: 'sgd', loss: tf.losses.meanAbsoluteError, metrics: ['mse'] });
    const ev = (m2.evaluate(x, y) as Tensor[]).map((t) => vals(t)[0]);
    const p = vals(m2.predict(x));
    close(ev, [mean(p.map((v, i) => Math.abs(v - yv[i]))), mean(p.map((v, i) => (v - yv[i]) ** 2))], 1e-5);
  });
});

describe('constraints, lossWeights, progress output', () => {
  test('weight constraints are applied after every optimizer step', async () => {
    class Scale extends tf.Layer {
      static override className = 'ScaleForTest';
      w?: tf.Variable;
      override build(): void {
        this.w = this.addWeight('w', [2], 'float32', 'ones', null, true, (t: Tensor) => tf.clipByValue(t, 0, 0.5));
      }
      call(x: Tensor | Tensor[]): Tensor {
        return tf.mul(x as Tensor, this.w!);
      }
    }
    const layer = new Scale({ inputShape: [2] });
    const m = tf.sequential({ layers: [layer] });
    m.compile({ optimizer: tf.train.sgd(0.01), loss: 'mse' });
    await m.trainOnBatch(tf.ones([4, 2]), tf.fill([4, 2], 3));
    // One step from w = 1 moves it up (target 3), then the constraint clips it to 0.5.
    close(vals(layer.w!), [0.5, 0.5]);
  });

  test('lossWeights scale each output loss in the total', async () => {
    const inp = tf.input({ shape: [2] });
    const o1 = tf.layers.dense({ units: 1, name: 'lw_a' }).apply(inp);
    const o2 = tf.layers.dense({ units: 1, name: 'lw_b' }).apply(inp);
    const model = tf.model({ inputs: inp, outputs: [o1, o2] });
    model.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: { lw_a: 1, lw_b: 0.25 } });
    const x = tf.tensor2d([[1, 2], [3, -1], [0, 1]]);
    const y1 = tf.tensor2d([[1], [2], [3]]), y2 = tf.tensor2d([[0], [1], [-1]]);
    const [total, l1, l2] = (model.evaluate(x, [y1, y2]) as Tensor[]).map((t) => vals(t)[0]);
    close([total], [l1 + 0.25 * l2], 1e-6);
  });

  test('verbose 1 prints one line per epoch with the losses (Node, non-terminal); browsers log lines', async () => {
    const { x, y } = binaryData(16, 3);
    const m = denseModel(1, 2, 'sigmoid');
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['acc'] });
    const out: string[] = [];
    const orig = process.stdout.write.bind(process.stdout);
    const wasTTY = process.stdout.isTTY;
    (process.stdout as { isTTY?: boolean }).isTTY = false;
    process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
    try {
      await m.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.25 });
    } finally {
      process.stdout.write = orig;
      (process.stdout as { isTTY?: boolean }).isTTY = wasTTY;
    }
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^Epoch 1\/2 .*loss=\d+\.\d{4} acc=\d\.\d{4} val_loss=\d+\.\d{4} val_acc=\d\.\d{4}\n$/);
    // Browser: no process.stdout -> console.log, and verbose defaults to 0.
    const g = globalThis as { window?: unknown };
    g.window = {};
    const logged: string[] = [];
    const origLog = console.log;
    console.log = (line: string) => { logged.push(line); };
    try {
      await m.fit(x, y, { epochs: 1 });
      expect(logged).toHaveLength(0);
      await m.fit(x, y, { epochs: 2, verbose: 1 });
      expect(logged).toHaveLength(2);
      expect(logged[1]).toMatch(/^Epoch 2\/2 .*loss=/);
    } finally {
      console.log = origLog;
      delete g.window;
    }
  });
});

describe('fitDataset and memory', () => {
  test('fitDataset over iterator() and async iterables; batches are disposed', async () => {
    const { x, y } = binaryData(48, 12);
    const makeDataset = () => ({
      iterator: async () => {
        let i = 0;
        return {
          next: async () => {
            if (i >= 48) return { done: true, value: undefined };
            const batch = { xs: tf.slice(x, i, 16), ys: tf.slice(y, i, 16) };
            i += 16;
            return { done: false, value: batch };
          },
        };
      },
    });
    const m = denseModel(1, 2, 'sigmoid');
    m.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['acc'] });
    await m.fit(x, y, { epochs: 1, verbose: 0 }); // create optimizer state
    const before = tf.memory().numTensors;
    let batches = 0;
    const h = await m.fitDataset(makeDataset(), { epochs: 4, verbose: 0, validationData: makeDataset(), callbacks: { onBatchEnd: () => { batches++; } } });
    expect(tf.memory().numTensors).toBe(before);
    expect(batches).toBe(12);
    expect(Object.keys(h.history)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(h.history.loss[3]).toBeLessThan(h.history.loss[0]);
    // Async generator with batchesPerEpoch (one iterator across epochs), [x, y] validation.
    async function* gen() {
      for (let k = 0; k < 6; k++) yield { xs: tf.slice(x, (k % 3) * 16, 16), ys: tf.slice(y, (k % 3) * 16, 16) };
    }
    const h2 = await m.fitDataset(gen(), { epochs: 2, batchesPerEpoch: 3, verbose: 0, validationData: [x, y] });
    expect(h2.epoch).toEqual([0, 1]);
    close([h2.history.val_loss[1]], [vals((m.evaluate(x, y) as Tensor[])[0])[0]], 1e-5);
    expect(tf.memory().numTensors).toBe(before + 2);
    // evaluateDataset over the same batches equals evaluate on the whole tensors.
    const viaDataset = (await evaluateDataset(m, makeDataset())) as Tensor[];
    const direct = m.evaluate(x, y) as Tensor[];
    close(viaDataset.flatMap(vals), direct.flatMap(vals), 1e-5);
    tf.dispose([viaDataset, direct]);
    expect(tf.memory().numTensors).toBe(before + 2);
  });

  test('no leaks: 50 epochs of fit with metrics, validation, callbacks and earlyStopping', async () => {
    const { x, y } = blobs(96, 21);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 8, inputShape: [2], activation: 'relu', kernelRegularizer: 'l2' }),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01, 0.9, 0.999, null, { clipnorm: 1 }), loss: 'categoricalCrossentropy', metrics: ['accuracy', 'mse'] });
    const args = {
      epochs: 50, batchSize: 16, verbose: 0, validationSplit: 0.25,
      callbacks: [{ onBatchEnd: () => {} }, tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 100, restoreBestWeights: true })],
    };
    await model.fit(x, y, { ...args, epochs: 1 });
    const before = tf.memory().numTensors;
    const h = await model.fit(x, y, args);
    expect(h.epoch).toHaveLength(50);
    expect(tf.memory().numTensors).toBe(before);
    const e = model.evaluate(x, y) as Tensor[];
    tf.dispose(e);
    const p = model.predict(x, { batchSize: 10 });
    tf.dispose(p);
    await model.trainOnBatch(x, y);
    expect(tf.memory().numTensors).toBe(before);
    // Disposing the model frees its weights; the optimizer (passed in, not owned) keeps m and v
    // until it is disposed itself.
    const weights = model.weights.length;
    const optimizer = (model.compiled as { optimizer: tf.Optimizer }).optimizer;
    model.dispose();
    expect(tf.memory().numTensors).toBe(before - weights);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before - 3 * weights);
  });
});

describe('wasm backend (Node SIMD kernels)', () => {
  test('linear regression acceptance and a leak-free fit on wasm', async () => {
    if (!(await tf.setBackend('wasm'))) {
      console.warn('wasm backend unavailable; skipped');
      return;
    }
    try {
      const r = rng(17);
      const n = 200;
      const xv = Array.from({ length: n }, () => r() * 4 - 2);
      const x = tf.tensor2d(xv, [n, 1]);
      const y = tf.tensor2d(xv.map((v) => 2 + 3 * v + (r() - 0.5) * 0.4), [n, 1]);
      const model = denseModel(1, 1);
      model.compile({ optimizer: tf.train.sgd(0.05), loss: 'mse', metrics: ['mae'] });
      await model.fit(x, y, { epochs: 1, verbose: 0 });
      const before = tf.memory().numTensors;
      const h = await model.fit(x, y, { epochs: 100, batchSize: 32, verbose: 0, validationSplit: 0.1 });
      expect(tf.memory().numTensors).toBe(before);
      const pred = vals(model.predict(tf.tensor2d([5], [1, 1])))[0];
      console.log(`wasm linear regression: final loss ${h.history.loss[99].toFixed(5)}, predict(5) = ${pred.toFixed(4)}`);
      expect(Math.abs(pred - 17)).toBeLessThan(0.5);
    } finally {
      await tf.setBackend('js');
    }
  });
});
