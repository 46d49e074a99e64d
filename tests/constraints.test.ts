/**
 * tf.constraints against @tensorflow/tfjs-layers' constraints (cpu backend) on the same weights:
 * maxNorm, unitNorm, minMaxNorm (axis 0 and 1, rate < 1) and nonNeg; and a constraint object given to
 * addWeight is applied after every optimizer step.
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

const W = seededValues(4 * 3, 3, -2, 2);
const cases: [string, () => { apply(w: any): any }, () => ts.constraints.Constraint][] = [
  ['maxNorm', () => tfl.constraints.maxNorm({ maxValue: 1.5 }), () => ts.constraints.maxNorm({ maxValue: 1.5 })],
  ['maxNorm axis 1', () => tfl.constraints.maxNorm({ maxValue: 1, axis: 1 }), () => ts.constraints.maxNorm({ maxValue: 1, axis: 1 })],
  ['unitNorm', () => tfl.constraints.unitNorm({}), () => ts.constraints.unitNorm()],
  ['minMaxNorm rate 0.5', () => tfl.constraints.minMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5 }), () => ts.constraints.minMaxNorm({ minValue: 1, maxValue: 2, rate: 0.5 })],
  ['nonNeg', () => tfl.constraints.nonNeg(), () => ts.constraints.nonNeg()],
];

describe('tf.constraints match tfjs-layers', () => {
  for (const [name, theirs, ours] of cases) {
    it(name, () => {
      const want = theirs().apply(tf.tensor(W, [4, 3])).dataSync() as Float32Array;
      const got = ours().apply(ts.tensor(W, [4, 3])).dataSync() as Float32Array;
      expectClose(got, want, name, 1e-6);
    });
  }
  it('a constraint given to addWeight is applied after each training step', async () => {
    class Lin extends ts.Layer {
      static override className = 'LinForConstraintTest';
      w?: ts.LayerVariable;
      override build() {
        this.w = this.addWeight('w', [2, 1], 'float32', ts.initializers.constant({ value: 0.5 }), null, true, ts.constraints.nonNeg());
      }
      call(x: ts.Tensor | ts.Tensor[]) {
        return ts.matMul(Array.isArray(x) ? x[0] : x, this.w!.read());
      }
    }
    const m = ts.sequential({ layers: [new Lin({ inputShape: [2] })] });
    m.compile({ optimizer: ts.train.sgd(1), loss: 'meanSquaredError' });
    // the target pulls the weights strongly negative; nonNeg clamps them at 0
    await m.fit(ts.tensor([[1, 1]]), ts.tensor([[-10]]), { epochs: 2, verbose: 0 });
    expect(Array.from(m.getWeights()[0].dataSync()).every((v) => v === 0)).toBe(true); // -0 as in TF.js (w * 0)
  });
  it('dense kernelConstraint / biasConstraint train like TF.js and round-trip through the config', async () => {
    const make = (L: any) => {
      const m = L.sequential({ layers: [L.layers.dense({ units: 3, inputShape: [4], kernelConstraint: 'maxNorm', biasConstraint: L.constraints.nonNeg() })] });
      const shapes = [[4, 3], [3]];
      m.setWeights(shapes.map((s, i) => (L === tfl ? tf : ts).tensor(seededValues(s[0] * (s[1] ?? 1), 40 + i, -2, 2), s)));
      m.compile({ optimizer: (L === tfl ? tf : ts).train.sgd(0.5), loss: 'meanSquaredError' });
      return m;
    };
    const X = seededValues(6 * 4, 7, -1, 1), Y = seededValues(6 * 3, 8, -3, 3);
    const theirs = make(tfl), ours = make(ts);
    // TF.js applies constraints only in LayerVariable.write (setWeights), not after optimizer steps; Keras
    // (and tessera) apply them after every step: re-writing the weights after each batch gives TF.js that too.
    const reconstrain = { onBatchEnd: async () => { theirs.layers[0].setWeights(theirs.layers[0].getWeights().map((w: tf.Tensor) => w.clone())); } };
    await theirs.fit(tf.tensor(X, [6, 4]), tf.tensor(Y, [6, 3]), { epochs: 3, batchSize: 3, shuffle: false, verbose: 0, callbacks: reconstrain });
    await ours.fit(ts.tensor(X, [6, 4]), ts.tensor(Y, [6, 3]), { epochs: 3, batchSize: 3, shuffle: false, verbose: 0 });
    const want = theirs.getWeights().map((w: tf.Tensor) => w.dataSync());
    ours.getWeights().forEach((w: ts.Tensor, i: number) => expectClose(w.dataSync() as Float32Array, want[i] as Float32Array, `weight ${i}`, 1e-5));
    const cfg = ours.layers[0].getConfig();
    expect(cfg.kernelConstraint).toEqual({ className: 'MaxNorm', config: { maxValue: 2, axis: 0 } });
    expect(cfg.biasConstraint).toEqual({ className: 'NonNeg', config: {} });
  });
});
