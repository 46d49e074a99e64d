/**
 * model.layers (and so getWeights/setWeights order) of functional models follows TF.js: layers sorted by
 * depth from the outputs, deepest first, ties in first-reached order of a walk from the outputs. Each graph
 * is built with the same code on TF.js (tfjs-layers, the reference) and on tessera, and the layer class /
 * weight shape sequences must be identical.
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

/** Layer classes with their weight shapes, in model.layers order, and getWeights shapes. */
function signature(model: any): { layers: string[]; weights: string[] } {
  return {
    layers: model.layers.map((l: any) => `${l.getClassName()}:${l.getWeights().map((w: any) => w.shape.join('x')).join(',')}`),
    weights: model.getWeights().map((w: any) => w.shape.join('x')),
  };
}

const graphs: Record<string, (tf: any) => any> = {
  // two branches of equal depth meeting in a dot: the branch created first is not the first walked
  'encoder/decoder branches into dot': (tf) => {
    const a = tf.input({ shape: [5] });
    const b = tf.input({ shape: [3] });
    const enc = tf.layers.lstm({ units: 4, returnSequences: true }).apply(tf.layers.embedding({ inputDim: 6, outputDim: 3 }).apply(a));
    const dec = tf.layers.lstm({ units: 4, returnSequences: true }).apply(tf.layers.embedding({ inputDim: 7, outputDim: 2 }).apply(b));
    const att = tf.layers.activation({ activation: 'softmax' }).apply(tf.layers.dot({ axes: [2, 2] }).apply([dec, enc]));
    const ctx = tf.layers.dot({ axes: [2, 1] }).apply([att, enc]);
    return tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.concatenate().apply([ctx, dec])) });
  },
  // inputs at different depths: the shallow input's layer comes after the deep branch's denses
  'inputs at different depths': (tf) => {
    const a = tf.input({ shape: [4] });
    const b = tf.input({ shape: [2] });
    const deep = tf.layers.dense({ units: 3 }).apply(tf.layers.dense({ units: 5 }).apply(tf.layers.dense({ units: 6 }).apply(a)));
    const merged = tf.layers.concatenate().apply([tf.layers.dense({ units: 7 }).apply(b), deep]);
    return tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 1 }).apply(merged) });
  },
  // a shared layer used at two depths takes the deeper one; two outputs
  'shared layer and two outputs': (tf) => {
    const x = tf.input({ shape: [4] });
    const shared = tf.layers.dense({ units: 4, name: 'shared' });
    const h1 = shared.apply(x);
    const h2 = shared.apply(tf.layers.dense({ units: 4 }).apply(h1));
    const side = tf.layers.dense({ units: 2 }).apply(x);
    return tf.model({ inputs: x, outputs: [tf.layers.dense({ units: 1 }).apply(h2), side] });
  },
};

describe('functional model layer order matches TF.js', () => {
  for (const [name, build] of Object.entries(graphs)) {
    it(name, () => {
      const want = signature(build(tfjs));
      const got = signature(build(ts));
      expect(got).toEqual(want);
    });
  }

  it('setWeights with TF.js-ordered weights gives TF.js outputs on a two-branch model', async () => {
    const build = graphs['encoder/decoder branches into dot'];
    const mk = (tf: any) => {
      const m = build(tf);
      m.setWeights(m.getWeights().map((w: any, i: number) => tf.tensor(Array.from({ length: w.size }, (_, k) => Math.sin(k + 7 * i) * 0.4), w.shape)));
      return m.predict([tf.tensor2d([[1, 2, 3, 4, 5]]), tf.tensor2d([[6, 1, 2]])]).data();
    };
    const want = Array.from(await mk(tfjs)) as number[];
    const got = Array.from(await mk(ts)) as number[];
    got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
  });
});
