/**
 * fit({sampleWeight}) (Keras semantics; TF.js 4.22 refuses it): each sample's loss is scaled by its weight
 * before the batch mean. Hand-worked equivalences with plain SGD in one full batch: weights 0/1 train like
 * the weighted-in subset alone with the learning rate scaled by |subset| / n, and weights 2 train like
 * weights 1 with twice the learning rate. Class weights multiply in; bad shapes are refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { seededValues } from './helpers/gradcheck.js';
import { expectClose } from './helpers/layer_check.js';

beforeAll(async () => {
  await ts.setBackend('js');
});

const n = 8;
const X = seededValues(n * 3, 1, -1, 1);
const Y = seededValues(n * 2, 2, -1, 1);

function model(lr: number) {
  const m = ts.sequential({ layers: [ts.layers.dense({ units: 2, inputShape: [3], activation: 'tanh' })] });
  m.setWeights(m.getWeights().map((w, i) => ts.tensor(seededValues(w.size, 5 + i, -0.5, 0.5), w.shape)));
  m.compile({ optimizer: ts.train.sgd(lr), loss: 'meanSquaredError' });
  return m;
}
const rows = (v: number[], width: number, keep: number[]) => keep.flatMap((r) => v.slice(r * width, (r + 1) * width));
const weightsOf = (m: ts.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('fit sampleWeight', () => {
  it('0/1 weights train like the weighted subset with a scaled learning rate', async () => {
    const keep = [0, 2, 3, 6];
    const a = model(0.3);
    const w = Array.from({ length: n }, (_, i) => (keep.includes(i) ? 1 : 0));
    await a.fit(ts.tensor(X, [n, 3]), ts.tensor(Y, [n, 2]), { batchSize: n, epochs: 2, shuffle: false, verbose: 0, sampleWeight: ts.tensor1d(w) });
    const b = model(0.3 * keep.length / n);
    await b.fit(ts.tensor(rows(X, 3, keep), [keep.length, 3]), ts.tensor(rows(Y, 2, keep), [keep.length, 2]), { batchSize: n, epochs: 2, shuffle: false, verbose: 0 });
    weightsOf(a).forEach((v, i) => expectClose(v, weightsOf(b)[i], `weight ${i}`, 1e-5));
  });
  it('weights of 2 equal twice the learning rate; shuffling keeps weights with their samples', async () => {
    const a = model(0.1);
    await a.fit(ts.tensor(X, [n, 3]), ts.tensor(Y, [n, 2]), { batchSize: n, epochs: 1, shuffle: true, verbose: 0, sampleWeight: ts.fill([n], 2) });
    const b = model(0.2);
    await b.fit(ts.tensor(X, [n, 3]), ts.tensor(Y, [n, 2]), { batchSize: n, epochs: 1, shuffle: false, verbose: 0 });
    weightsOf(a).forEach((v, i) => expectClose(v, weightsOf(b)[i], `weight ${i}`, 1e-5));
    const before = weightsOf(a);
    await a.fit(ts.tensor(X, [n, 3]), ts.tensor(Y, [n, 2]), { batchSize: 3, epochs: 1, verbose: 0, sampleWeight: ts.zeros([n]) });
    expect(weightsOf(a)).toEqual(before);
  });
  it('refuses weights of the wrong shape', async () => {
    const a = model(0.1);
    await expect(a.fit(ts.tensor(X, [n, 3]), ts.tensor(Y, [n, 2]), { verbose: 0, sampleWeight: ts.ones([n - 1]) })).rejects.toThrow(/sampleWeight must be a 1-D tensor of 8/);
  });
});
