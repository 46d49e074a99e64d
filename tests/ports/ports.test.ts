/**
 * Ported TF.js programs (tests/ports/programs/*): each is TF.js code that takes the `tf` namespace, so
 * the same source runs on TF.js (@tensorflow/tfjs-core + tfjs-layers on the cpu backend, the reference)
 * and on tessera (js and wasm backends). The results (losses, predictions, decoded tokens, weights after
 * training, a saved-and-loaded model's outputs) must agree.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../../src/index.js';
import { expectNear } from './near.js';
import { run as customLayer } from './programs/custom_layer.js';
import { run as seq2seq } from './programs/seq2seq.js';
import { run as regression } from './programs/regression.js';
import { run as rnnCells } from './programs/rnn_cells.js';

const tfjs = { ...tfc, ...tfl } as any;

beforeAll(async () => {
  await tfc.setBackend('cpu');
});

const programs = [
  { name: 'custom layer (Antirectifier)', run: customLayer },
  { name: 'seq2seq LSTM with symbolic initialState', run: seq2seq },
  { name: 'regression with tf.util and callbacks', run: regression },
  { name: 'custom RNNCell, stacked cells, stateful LSTM', run: rnnCells },
];

for (const backend of ['js', 'wasm']) {
  describe(`ported TF.js programs on ${backend}`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });
    for (const p of programs) {
      it(p.name, async () => {
        const want = await p.run(tfjs);
        const got = await p.run(ts);
        if (process.env.PORTS_VERBOSE) console.log(JSON.stringify({ want, got }));
        expect(Object.values(want).every((v) => v !== undefined && v !== null)).toBe(true);
        expectNear(got, want, 2e-4);
      });
    }
  });
}
