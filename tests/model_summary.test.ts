/**
 * model.summary() prints TF.js's table line for line: the same models (explicit layer names, since
 * default names carry per-library counters) are summarised by tfjs-layers (the reference) and by
 * tessera through a print function, default and custom line lengths / column positions.
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

function lines(model: any, ...args: unknown[]): string[] {
  const out: string[] = [];
  model.summary(...args, (line: string) => out.push(line));
  return out;
}

const models: Record<string, (tf: any) => any> = {
  sequential: (tf) => tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, inputShape: [3], name: 'd1' }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.dense({ units: 2, activation: 'softmax', name: 'd2' }),
    ],
  }),
  'functional chain': (tf) => {
    const x = tf.input({ shape: [5, 2], name: 'x' });
    const h = tf.layers.lstm({ units: 3, name: 'lstm' }).apply(x);
    return tf.model({ inputs: x, outputs: tf.layers.dense({ units: 1, name: 'out' }).apply(h) });
  },
  'two inputs, merge, multi-output layer': (tf) => {
    const a = tf.input({ shape: [4, 3], name: 'a' });
    const b = tf.input({ shape: [2], name: 'b' });
    const [seq, h, c] = tf.layers.lstm({ units: 2, returnState: true, returnSequences: true, name: 'enc' }).apply(a);
    const flat = tf.layers.flatten({ name: 'flat' }).apply(seq);
    const merged = tf.layers.concatenate({ name: 'cat' }).apply([flat, h, c, b]);
    return tf.model({ inputs: [a, b], outputs: tf.layers.dense({ units: 1, name: 'y' }).apply(merged) });
  },
  'shared layer': (tf) => {
    const x = tf.input({ shape: [3], name: 'x' });
    const shared = tf.layers.dense({ units: 3, name: 'shared' });
    const y = shared.apply(shared.apply(x));
    return tf.model({ inputs: x, outputs: y });
  },
};

describe('model.summary matches TF.js line for line', () => {
  for (const [name, build] of Object.entries(models)) {
    it(`${name}, default layout`, () => {
      expect(lines(build(ts))).toEqual(lines(build(tfjs)));
    });
    it(`${name}, lineLength 70 with relative and absolute positions`, () => {
      expect(lines(build(ts), 70, [0.3, 0.55, 0.85, 1])).toEqual(lines(build(tfjs), 70, [0.3, 0.55, 0.85, 1]));
      expect(lines(build(ts), 60, [20, 35, 50, 60, 80])).toEqual(lines(build(tfjs), 60, [20, 35, 50, 60, 80]));
    });
  }

  it('an unbuilt Sequential has no summary (TF.js wording)', () => {
    const m = ts.sequential({ layers: [ts.layers.dense({ units: 2 })] });
    expect(() => m.summary()).toThrow(/has never been called/);
  });
});
