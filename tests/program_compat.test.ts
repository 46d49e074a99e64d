/**
 * TF.js behaviours that ported programs (tests/ports) rely on, each checked against tfjs-layers on the cpu
 * backend running the same code: default layer names (TF.js snake case), model.predict inside
 * tf.variableGrads (differentiable, as policy-gradient loops use it), trainOnBatch's per-output losses
 * when two outputs come from one layer, and layer.trainable = false freezing the weights' variables
 * (tf.variableGrads() without a list and optimizer.minimize leave them alone).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';

const tfjs = { ...tfc, ...tfl } as any;

beforeAll(async () => {
  await tfc.setBackend('cpu');
  await ts.setBackend('js');
});

const both = (f: (tf: any) => unknown) => ({ want: f(tfjs), got: f(ts) });
const near = (got: number[], want: number[], tol: number) => {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]), `[${i}] ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol));
};

describe('ported-program behaviours match TF.js', () => {
  it('default layer names use TF.js snake case (conv2d, conv2d_transpose, simple_rnn, ...)', () => {
    const makers: Array<(tf: any) => any> = [
      (tf) => tf.layers.conv2d({ filters: 1, kernelSize: 1 }),
      (tf) => tf.layers.conv2dTranspose({ filters: 1, kernelSize: 1 }),
      (tf) => tf.layers.depthwiseConv2d({ kernelSize: 1 }),
      (tf) => tf.layers.separableConv2d({ filters: 1, kernelSize: 1 }),
      (tf) => tf.layers.conv1d({ filters: 1, kernelSize: 1 }),
      (tf) => tf.layers.globalAveragePooling2d({}),
      (tf) => tf.layers.maxPooling1d({}),
      (tf) => tf.layers.upSampling2d({}),
      (tf) => tf.layers.simpleRNN({ units: 1 }),
      (tf) => tf.layers.lstm({ units: 1 }),
      (tf) => tf.layers.gru({ units: 1 }),
      (tf) => tf.layers.batchNormalization({}),
      (tf) => tf.layers.leakyReLU({}),
      (tf) => tf.layers.reLU({}),
      (tf) => tf.layers.elu({}),
      (tf) => tf.layers.prelu({}),
      (tf) => tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 1 }) }),
      (tf) => tf.layers.repeatVector({ n: 2 }),
      (tf) => tf.layers.zeroPadding2d({}),
    ];
    for (const make of makers) {
      const { want, got } = both((tf) => make(tf).name.replace(/\d+$/, ''));
      expect(got).toBe(want);
    }
  });

  it('model.predict is differentiable inside tf.variableGrads (batched and single-batch)', () => {
    const grads = (tf: any, batchSize: number) => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'tanh', name: 'p1' }), tf.layers.dense({ units: 1, name: 'p2' })] });
      model.setWeights(model.getWeights().map((w: any, i: number) => tf.tensor(Array.from({ length: w.size }, (_, k) => Math.cos(k + 3 * i)), w.shape)));
      const x = tf.tensor2d([[0.5, -1], [2, 0.25], [-0.75, 1.5]]);
      const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.square(model.predict(x, { batchSize }))), model.trainableWeights.map((w: any) => w.val ?? w));
      return [value.dataSync()[0], ...Object.values(g).flatMap((t: any) => Array.from(t.dataSync() as Float32Array))];
    };
    for (const batchSize of [32, 2]) {
      const { want, got } = both((tf) => grads(tf, batchSize));
      expect((want as number[]).length).toBe(1 + 6 + 3 + 3 + 1);
      near(got as number[], want as number[], 1e-5);
    }
  });

  it('trainOnBatch returns one loss per output when both outputs come from one nested model', async () => {
    const build = async (tf: any) => {
      const x = tf.input({ shape: [3], name: 'featuresIn' });
      const a = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'headA' }).apply(x);
      const b = tf.layers.dense({ units: 2, activation: 'softmax', name: 'headB' }).apply(x);
      const inner = tf.model({ inputs: x, outputs: [a, b], name: 'twoHeads' });
      const z = tf.input({ shape: [3], name: 'outerIn' });
      const outer = tf.model({ inputs: z, outputs: inner.apply(z) });
      outer.setWeights(outer.getWeights().map((w: any, i: number) => tf.tensor(Array.from({ length: w.size }, (_, k) => Math.sin(k + 5 * i)), w.shape)));
      outer.compile({ optimizer: tf.train.sgd(0.1), loss: ['binaryCrossentropy', 'sparseCategoricalCrossentropy'] });
      return outer.trainOnBatch(tf.tensor2d([[1, 2, 3], [0, -1, 0.5]]), [tf.tensor2d([[1], [0]]), tf.tensor2d([[1], [0]])]);
    };
    const want = await build(tfjs);
    const got = await build(ts);
    expect(want.length).toBe(3);
    near(got, want, 1e-5);
  });

  it('trainable = false freezes the weight variables, and true restores only the trainable ones', () => {
    const flags = (tf: any) => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], name: 'f1' }), tf.layers.batchNormalization({ name: 'fbn' })] });
      const seen: unknown[] = [];
      const snapshot = () => seen.push(model.weights.map((w: any) => (w.val ?? w).trainable), model.trainableWeights.length, model.nonTrainableWeights.length);
      snapshot();
      model.trainable = false;
      snapshot();
      model.trainable = true;
      model.layers[0].trainable = false;
      snapshot();
      model.layers[0].trainable = true;
      snapshot();
      return seen;
    };
    const { want, got } = both(flags);
    expect(got).toEqual(want);
  });

  it('optimizer.minimize without a variable list leaves a frozen layer unchanged', () => {
    const train = (tf: any) => {
      const frozen = tf.layers.dense({ units: 2, inputShape: [2], name: 'frozenDense' });
      const head = tf.layers.dense({ units: 1, name: 'headDense' });
      const model = tf.sequential({ layers: [frozen, head] });
      model.setWeights(model.getWeights().map((w: any, i: number) => tf.tensor(Array.from({ length: w.size }, (_, k) => 0.1 * (k + 1) * (i % 2 ? -1 : 1)), w.shape)));
      frozen.trainable = false;
      const x = tf.tensor2d([[1, 2], [3, -1]]);
      tf.train.sgd(0.1).minimize(() => tf.sum(tf.square(model.apply(x))));
      frozen.trainable = true; // let later programs' default variable lists see it again
      const out = model.getWeights().map((w: any) => Array.from(w.dataSync() as Float32Array));
      model.dispose?.();
      return out.flat();
    };
    const { want, got } = both(train);
    near(got as number[], want as number[], 1e-6);
    // the frozen kernel and bias kept their initial values
    expect((got as number[]).slice(0, 6)).toEqual([0.1, 0.2, 0.3, 0.4, -0.1, -0.2].map(Math.fround));
  });
});

describe('model name lists match TF.js', () => {
  it('inputNames, outputNames and metricsNames (Sequential and a two-output functional model)', () => {
    const names = (tf: any) => {
      const seq = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'first' }), tf.layers.dense({ units: 1, name: 'last' })] });
      seq.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['mae', 'accuracy'] });
      const x = tf.input({ shape: [3], name: 'x' });
      const a = tf.layers.dense({ units: 1, name: 'outA' }).apply(x);
      const b = tf.layers.dense({ units: 2, activation: 'softmax', name: 'outB' }).apply(x);
      const fn = tf.model({ inputs: x, outputs: [a, b] });
      fn.compile({ optimizer: 'sgd', loss: ['meanSquaredError', 'categoricalCrossentropy'], metrics: ['accuracy'] });
      return [seq.inputNames, seq.outputNames, seq.metricsNames, fn.inputNames, fn.outputNames, fn.metricsNames];
    };
    const { want, got } = both(names);
    expect(got).toEqual(want);
  });
});
