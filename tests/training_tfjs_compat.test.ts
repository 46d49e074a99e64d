// tessera's training pieces against TensorFlow.js 4.22 itself (cpu backend): optimizer
// trajectories of every tf.train.* optimizer, the tf.losses.* core losses with weights and
// reductions, tfjs-layers metrics, and a whole model.fit (same initial weights, no shuffling)
// giving the same loss history and final weights as tfjs-layers.
import { beforeAll, describe, expect, test } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await tfc.setBackend('cpu');
  await ts.setBackend('js');
});

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what = '') => {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const t = tol * Math.max(1, Math.abs(want[i]));
    if (!(Math.abs(got[i] - want[i]) <= t)) throw new Error(`${what} element ${i}: tessera ${got[i]}, tfjs ${want[i]}`);
  }
};

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
const randoms = (n: number, seed: number, lo = -1, hi = 1) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + r() * (hi - lo));
};

describe('optimizers match tf.train.*', () => {
  const W0 = [0.5, -1.5, 2.0, 0.1];
  const T = [1, 0, -1, 0.1];
  // loss = sum((w - t)^2 * c) + sum(w^4) / 4 : a non-quadratic bowl, so steps differ in size.
  const C = [1, 3, 0.5, 2];
  const cases: [string, () => tfc.Optimizer, () => ts.Optimizer][] = [
    ['sgd', () => tfc.train.sgd(0.05), () => ts.train.sgd(0.05)],
    ['momentum', () => tfc.train.momentum(0.02, 0.9), () => ts.train.momentum(0.02, 0.9)],
    ['nesterov', () => tfc.train.momentum(0.02, 0.8, true), () => ts.train.momentum(0.02, 0.8, true)],
    ['adam', () => tfc.train.adam(0.1, 0.8, 0.95), () => ts.train.adam(0.1, 0.8, 0.95)],
    ['adamax', () => tfc.train.adamax(0.1, 0.9, 0.99, undefined, 0.1), () => ts.train.adamax(0.1, 0.9, 0.99, undefined, 0.1)],
    ['rmsprop', () => tfc.train.rmsprop(0.01, 0.9, 0, 1e-7), () => ts.train.rmsprop(0.01, 0.9, 0, 1e-7)],
    ['rmsprop momentum', () => tfc.train.rmsprop(0.01, 0.8, 0.5, 1e-7), () => ts.train.rmsprop(0.01, 0.8, 0.5, 1e-7)],
    ['adagrad', () => tfc.train.adagrad(0.3, 0.2), () => ts.train.adagrad(0.3, 0.2)],
    // Not compared, by design: TF.js 4.22's centered RMSProp computes sqrt(ms - mg^2 - eps) and its
    // Adadelta scales by the previous step's gradient accumulator; tessera follows Keras / the
    // papers (sqrt(ms - mg^2 + eps), the updated accumulator). Both are checked against the
    // formulas in training.test.ts.
  ];
  for (const [name, makeTf, makeTs] of cases) {
    test(name, () => {
      const wTf = tfc.variable(tfc.tensor1d(W0));
      const wTs = ts.variable(ts.tensor1d(W0), true, `compat_${name}`);
      const oTf = makeTf();
      const oTs = makeTs();
      for (let step = 0; step < 5; step++) {
        oTf.minimize(() => tfc.add(tfc.sum(tfc.mul(tfc.square(tfc.sub(wTf, T)), C)), tfc.div(tfc.sum(tfc.pow(wTf, 4)), 4)) as tfc.Scalar, false, [wTf]);
        oTs.minimize(() => ts.add(ts.sum(ts.mul(ts.square(ts.sub(wTs, T)), C)), ts.div(ts.sum(ts.pow(wTs, 4)), 4)), false, [wTs]);
        close(wTs.dataSync(), wTf.dataSync(), 2e-5, `${name} step ${step}`);
      }
      wTf.dispose();
      oTf.dispose();
      wTs.dispose();
      oTs.dispose();
    });
  }
});

describe('losses match tf.losses.* and tfjs-layers metrics', () => {
  const shape: [number, number] = [4, 3];
  const labels01 = randoms(12, 1, 0, 1).map((v) => (v > 0.5 ? 1 : 0));
  const probs = randoms(12, 2, 0.01, 0.99);
  const preds = randoms(12, 3, -3, 3);
  const labels = randoms(12, 4, -2, 2);
  const weights = [1, 0, 2, 0.5];
  const tfT = (v: number[], s: number[] = shape) => tfc.tensor(v, s);
  const tsT = (v: number[], s: number[] = shape) => ts.tensor(v, s);
  const onehot = [0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0];

  test('core losses with weights and every reduction', () => {
    for (const red of [0, 1, 2, 3]) {
      const w = red === 0 ? null : [4, 1];
      const wTf = w ? tfc.tensor(weights, [4, 1]) : undefined;
      const wTs = w ? ts.tensor(weights, [4, 1]) : undefined;
      const pairs: [string, tfc.Tensor, ts.Tensor][] = [
        ['meanSquaredError', tfc.losses.meanSquaredError(tfT(labels), tfT(preds), wTf, red), ts.losses.meanSquaredError(tsT(labels), tsT(preds), wTs, red)],
        ['absoluteDifference', tfc.losses.absoluteDifference(tfT(labels), tfT(preds), wTf, red), ts.losses.absoluteDifference(tsT(labels), tsT(preds), wTs, red)],
        ['huberLoss', tfc.losses.huberLoss(tfT(labels), tfT(preds), wTf, 0.7, red), ts.losses.huberLoss(tsT(labels), tsT(preds), wTs, 0.7, red)],
        ['logLoss', tfc.losses.logLoss(tfT(labels01), tfT(probs), wTf, 1e-7, red), ts.losses.logLoss(tsT(labels01), tsT(probs), wTs, 1e-7, red)],
        ['hingeLoss', tfc.losses.hingeLoss(tfT(labels01), tfT(preds), wTf, red), ts.losses.hingeLoss(tsT(labels01), tsT(preds), wTs, red)],
        ['sigmoidCrossEntropy', tfc.losses.sigmoidCrossEntropy(tfT(labels01), tfT(preds.map((v) => v * 30)), wTf, 0.1, red),
          ts.losses.sigmoidCrossEntropy(tsT(labels01), tsT(preds.map((v) => v * 30)), wTs, 0.1, red)],
      ];
      for (const [name, a, b] of pairs) close(b.dataSync(), a.dataSync(), 1e-5, `${name} reduction ${red}`);
      const wRow = w ? [1, 0, 2, 0.5] : null;
      const sTf = tfc.losses.softmaxCrossEntropy(tfT(onehot), tfT(preds.map((v) => v * 100)), wRow ? tfc.tensor1d(wRow) : undefined, 0.2, red);
      const sTs = ts.losses.softmaxCrossEntropy(tsT(onehot), tsT(preds.map((v) => v * 100)), wRow ? ts.tensor1d(wRow) : undefined, 0.2, red);
      close(sTs.dataSync(), sTf.dataSync(), 1e-5, `softmaxCrossEntropy reduction ${red}`);
    }
  });

  test('Keras-named per-sample losses and metrics match tfjs-layers', () => {
    const yt = tfT(labels01), yp = tfT(probs);
    const st = tsT(labels01), sp = tsT(probs);
    const L = tfl.metrics;
    const pairs: [string, tfc.Tensor, ts.Tensor][] = [
      ['binaryAccuracy', L.binaryAccuracy(yt, yp), ts.metrics.binaryAccuracy(st, sp)],
      ['categoricalAccuracy', L.categoricalAccuracy(tfT(onehot), yp), ts.metrics.categoricalAccuracy(tsT(onehot), sp)],
      ['precision', L.precision(yt, tfc.round(yp)), ts.metrics.precision(st, sp)],
      ['recall', L.recall(yt, tfc.round(yp)), ts.metrics.recall(st, sp)],
      ['binaryCrossentropy', L.binaryCrossentropy(yt, yp), ts.losses.binaryCrossentropy(st, sp, { reduction: 'none' })],
      ['categoricalCrossentropy', L.categoricalCrossentropy(tfT(onehot), yp), ts.losses.categoricalCrossentropy(tsT(onehot), sp, { reduction: 'none' })],
      ['sparseCategoricalCrossentropy', L.categoricalCrossentropy(tfT(onehot), yp),
        ts.losses.sparseCategoricalCrossentropy(ts.tensor1d([1, 2, 0, 1], 'int32'), sp, { reduction: 'none' })],
      ['sparseCategoricalAccuracy', L.sparseCategoricalAccuracy(tfc.tensor2d([1, 2, 0, 1], [4, 1]), yp),
        ts.metrics.sparseCategoricalAccuracy(ts.tensor2d([1, 2, 0, 1], [4, 1]), sp)],
      ['mse', L.MSE(tfT(labels), tfT(preds)), ts.metrics.mse(tsT(labels), tsT(preds))],
      ['mae', L.meanAbsoluteError(tfT(labels), tfT(preds)), ts.metrics.mae(tsT(labels), tsT(preds))],
      ['mape', L.meanAbsolutePercentageError(tfT(labels), tfT(preds)), ts.metrics.mape(tsT(labels), tsT(preds))],
      ['cosineProximity', L.cosineProximity(tfT(labels), tfT(preds)), ts.metrics.cosineProximity(tsT(labels), tsT(preds))],
      ['r2Score', L.r2Score(tfT(labels), tfT(preds)), ts.metrics.r2Score(tsT(labels), tsT(preds))],
    ];
    for (const [name, a, b] of pairs) close(b.dataSync(), a.dataSync(), 1e-5, name);
  });
});

describe('model.fit matches tfjs-layers', () => {
  for (const [optName, mkTf, mkTs] of [
    ['sgd', () => tfc.train.sgd(0.1), () => ts.train.sgd(0.1)],
    ['adam', () => tfc.train.adam(0.01), () => ts.train.adam(0.01)],
    ['rmsprop', () => tfc.train.rmsprop(0.01), () => ts.train.rmsprop(0.01)],
  ] as [string, () => tfc.Optimizer, () => ts.Optimizer][]) {
    test(`MLP, categoricalCrossentropy + accuracy, ${optName}, 3 epochs, no shuffle, validationSplit`, async () => {
      const n = 40;
      const x = randoms(n * 4, 10);
      const lab = randoms(n, 11, 0, 3).map(Math.floor);
      const y = lab.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
      const mTf = tfl.sequential({ layers: [tfl.layers.dense({ units: 6, inputShape: [4], activation: 'tanh' }), tfl.layers.dense({ units: 3, activation: 'softmax' })] });
      const mTs = ts.sequential({ layers: [ts.layers.dense({ units: 6, inputShape: [4], activation: 'tanh' }), ts.layers.dense({ units: 3, activation: 'softmax' })] });
      mTs.setWeights(mTf.getWeights().map((w) => ts.tensor(Array.from(w.dataSync()), w.shape)));
      mTf.compile({ optimizer: mkTf(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      mTs.compile({ optimizer: mkTs(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const args = { epochs: 3, batchSize: 8, shuffle: false, validationSplit: 0.25, verbose: 0 };
      const hTf = await mTf.fit(tfc.tensor2d(x, [n, 4]), tfc.tensor2d(y, [n, 3]), args);
      const hTs = await mTs.fit(ts.tensor2d(x, [n, 4]), ts.tensor2d(y, [n, 3]), args);
      expect(Object.keys(hTs.history).sort()).toEqual(Object.keys(hTf.history).sort());
      for (const k of Object.keys(hTf.history)) close(hTs.history[k], hTf.history[k] as number[], 1e-4, `${optName} ${k}`);
      const wTf = mTf.getWeights().flatMap((w) => Array.from(w.dataSync()));
      const wTs = mTs.getWeights().flatMap((w) => Array.from(w.dataSync()));
      close(wTs, wTf, 1e-4, `${optName} weights`);
      const eTf = (mTf.evaluate(tfc.tensor2d(x, [n, 4]), tfc.tensor2d(y, [n, 3])) as tfc.Scalar[]).map((t) => t.dataSync()[0]);
      const eTs = (mTs.evaluate(ts.tensor2d(x, [n, 4]), ts.tensor2d(y, [n, 3])) as ts.Tensor[]).map((t) => t.dataSync()[0]);
      close(eTs, eTf, 1e-4, `${optName} evaluate`);
    });
  }
});
