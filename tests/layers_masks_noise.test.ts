/**
 * Masks flowing through models and the training-mode noise layers. Masking -> LSTM and
 * Embedding(maskZero) -> GRU models are compared with @tensorflow/tfjs-layers (cpu backend) on inputs
 * with masked time steps; the noise layers' training draws are checked for their defining properties
 * (spatialDropout1d drops whole channels, gaussianNoise / alphaDropout keep the mean and variance the
 * layer promises, within sampling error for 20000 draws).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';
import { seededValues } from './helpers/gradcheck.js';
import { expectClose } from './helpers/layer_check.js';

beforeAll(async () => {
  await ts.setBackend('js');
  await tf.setBackend('cpu');
});

function sameWeights(theirs: tfl.LayersModel, ours: ts.LayersModel) {
  const shapes = theirs.weights.map((w) => w.shape as number[]);
  const values = shapes.map((s, i) => seededValues(s.reduce((a, b) => a * b, 1), 300 + i, -0.8, 0.8));
  theirs.setWeights(values.map((v, i) => tf.tensor(v, shapes[i])));
  ours.setWeights(values.map((v, i) => ts.tensor(v, shapes[i])));
}

describe('masks flow through models as in TF.js', () => {
  it('masking -> LSTM skips the masked time steps', () => {
    const x = seededValues(2 * 5 * 3, 1, -1, 1);
    // time steps 1 and 3 of sample 0, and 4 of sample 1, are all maskValue
    for (const [b, t] of [[0, 1], [0, 3], [1, 4]]) for (let f = 0; f < 3; f++) x[(b * 5 + t) * 3 + f] = -1;
    const make = (L: any) => L.sequential({ layers: [L.layers.masking({ maskValue: -1, inputShape: [5, 3] }), L.layers.lstm({ units: 4, returnSequences: true, recurrentInitializer: 'glorotNormal' })] });
    const theirs = make(tfl);
    const ours = make(ts);
    sameWeights(theirs, ours);
    const want = (theirs.predict(tf.tensor(x, [2, 5, 3])) as tf.Tensor).dataSync();
    const got = (ours.predict(ts.tensor(x, [2, 5, 3])) as ts.Tensor).dataSync() as Float32Array;
    expectClose(got, want, 'masked LSTM');
    // and the mask matters: without it the outputs differ
    const plain = ts.sequential({ layers: [ts.layers.lstm({ units: 4, returnSequences: true, inputShape: [5, 3] })] });
    plain.setWeights(ours.getWeights());
    const unmasked = (plain.predict(ts.tensor(x, [2, 5, 3])) as ts.Tensor).dataSync() as Float32Array;
    expect(Math.max(...Array.from(unmasked, (v, i) => Math.abs(v - got[i])))).toBeGreaterThan(1e-3);
  });

  it('embedding maskZero -> GRU (functional model)', () => {
    const ids = [3, 0, 2, 0, 1, 4, 4, 0, 0, 2];
    const make = (L: any) => {
      const inp = L.input({ shape: [5], dtype: 'int32' });
      const emb = L.layers.embedding({ inputDim: 6, outputDim: 3, maskZero: true }).apply(inp);
      const out = L.layers.gru({ units: 2, recurrentInitializer: 'glorotNormal' }).apply(emb);
      return L.model({ inputs: inp, outputs: out });
    };
    const theirs = make(tfl);
    const ours = make(ts);
    sameWeights(theirs, ours);
    const want = (theirs.predict(tf.tensor(ids, [2, 5], 'int32')) as tf.Tensor).dataSync();
    const got = (ours.predict(ts.tensor(ids, [2, 5], 'int32')) as ts.Tensor).dataSync() as Float32Array;
    expectClose(got, want, 'masked GRU');
  });
});

describe('noise layers in training', () => {
  const N = 20000;
  it('spatialDropout1d drops whole channels and scales the kept ones by 1/(1-rate)', () => {
    const layer = ts.layers.spatialDropout1d({ rate: 0.5 });
    const y = (layer.apply(ts.ones([40, 6, 5]), { training: true }) as ts.Tensor).arraySync() as number[][][];
    let dropped = 0;
    for (const sample of y) for (let c = 0; c < 5; c++) {
      const col = sample.map((row) => row[c]);
      expect(new Set(col).size, 'one draw per (batch, channel)').toBe(1);
      expect([0, 2]).toContain(col[0]);
      if (col[0] === 0) dropped++;
    }
    expect(dropped).toBeGreaterThan(60);
    expect(dropped).toBeLessThan(140);
  });
  it('gaussianNoise adds N(0, stddev^2)', () => {
    const y = (ts.layers.gaussianNoise({ stddev: 0.5 }).apply(ts.fill([N], 3), { training: true }) as ts.Tensor).dataSync() as Float32Array;
    const mean = y.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / N);
    expect(Math.abs(mean - 3)).toBeLessThan(0.02);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.02);
  });
  it('alphaDropout keeps zero mean / unit variance of standard-normal inputs', () => {
    const x = ts.randomNormal([N], 0, 1, 'float32', 5);
    const y = (ts.layers.alphaDropout({ rate: 0.2 }).apply(x, { training: true }) as ts.Tensor).dataSync() as Float32Array;
    const mean = y.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / N);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
  });
  it('gaussianDropout multiplies by N(1, rate/(1-rate))', () => {
    const y = (ts.layers.gaussianDropout({ rate: 0.2 }).apply(ts.ones([N]), { training: true }) as ts.Tensor).dataSync() as Float32Array;
    const mean = y.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / N);
    expect(Math.abs(mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.02);
  });
});
