/**
 * Recurrent and attention layers through the TF.js Layers model format: models built and saved
 * by @tensorflow/tfjs-layers (Bidirectional LSTM, GRU, SimpleRNN, LSTM with returnState in a
 * functional model) load into tessera with equal predictions, and tessera models with
 * MultiHeadAttention / TransformerEncoder / Bidirectional round-trip through save + load.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await ts.setBackend(process.env.TESSERA_TEST_BACKEND ?? 'js');
  await tfc.setBackend('cpu');
});

function randArray(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  });
}
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
async function tfjsArtifacts(m: tfl.LayersModel): Promise<any> {
  let saved: any;
  await m.save(tfc.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved;
}
// TF.js's orthogonal initializer needs chained ops its Node bundle lacks.
const rec = { recurrentInitializer: 'glorotNormal', biasInitializer: 'randomNormal' } as const;

describe('TF.js-saved recurrent models load into tessera', () => {
  it('sequential: bidirectional LSTM -> GRU -> SimpleRNN -> dense', async () => {
    const T = 6, D = 3;
    const m = tfl.sequential({
      layers: [
        tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 4, returnSequences: true, ...rec }) as any, inputShape: [T, D], mergeMode: 'concat' }),
        tfl.layers.gru({ units: 5, returnSequences: true, goBackwards: true, ...rec }),
        tfl.layers.simpleRNN({ units: 3, ...rec }),
        tfl.layers.dense({ units: 2, activation: 'sigmoid' }),
      ],
    });
    const xv = randArray(2 * T * D, 5);
    const want = (m.predict(tfc.tensor(xv, [2, T, D])) as tfc.Tensor).dataSync();
    const mine = await ts.loadLayersModel(ts.io.fromMemory(await tfjsArtifacts(m)));
    const got = (mine.predict(ts.tensor(xv, [2, T, D])) as ts.Tensor).dataSync();
    expect(maxDiff(got, want)).toBeLessThan(1e-4);
    expect(mine.countParams()).toBe(m.countParams());
  });

  it('rnn({cell: gruCell}) -> dense', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.rnn({ cell: tfl.layers.gruCell({ units: 4, ...rec }), returnSequences: false, inputShape: [5, 3] }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const xv = randArray(2 * 5 * 3, 8);
    const want = (m.predict(tfc.tensor(xv, [2, 5, 3])) as tfc.Tensor).dataSync();
    const mine = await ts.loadLayersModel(ts.io.fromMemory(await tfjsArtifacts(m)));
    expect(maxDiff((mine.predict(ts.tensor(xv, [2, 5, 3])) as ts.Tensor).dataSync(), want)).toBeLessThan(1e-4);
  });

  it('functional: LSTM with returnState feeding a GRU initial state (bidirectional sum)', async () => {
    const T = 4, D = 2;
    const inp = tfl.input({ shape: [T, D] });
    const [seq] = tfl.layers.lstm({ units: 3, returnSequences: true, returnState: true, ...rec }).apply(inp) as tfl.SymbolicTensor[];
    const out = tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 2, ...rec }) as any, mergeMode: 'sum' }).apply(seq) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: inp, outputs: out });
    const xv = randArray(3 * T * D, 9);
    const want = (m.predict(tfc.tensor(xv, [3, T, D])) as tfc.Tensor).dataSync();
    const mine = await ts.loadLayersModel(ts.io.fromMemory(await tfjsArtifacts(m)));
    const got = (mine.predict(ts.tensor(xv, [3, T, D])) as ts.Tensor).dataSync();
    expect(maxDiff(got, want)).toBeLessThan(1e-4);
  });
});

describe('tessera attention models round-trip', () => {
  it('transformerEncoder + multiHeadAttention + bidirectional save and load', async () => {
    const inp = ts.input({ shape: [5, 8] });
    const enc = ts.layers.transformerEncoder({ numHeads: 2, intermediateDim: 12, causal: true, normFirst: true }).apply(inp);
    const att = ts.layers.multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 2, outputShape: 6 }).apply([enc, inp]);
    const bi = ts.layers.bidirectional({ layer: ts.layers.lstm({ units: 3 }), mergeMode: 'ave' }).apply(att);
    const m = ts.model({ inputs: inp, outputs: bi });
    const x = ts.tensor(randArray(2 * 5 * 8, 3), [2, 5, 8]);
    const want = (m.predict(x) as ts.Tensor).dataSync();
    let saved: any;
    await m.save(ts.io.withSaveHandler(async (a: any) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } } as any;
    }));
    const back = await ts.loadLayersModel(ts.io.fromMemory(saved));
    expect(back.countParams()).toBe(m.countParams());
    expect(maxDiff((back.predict(x) as ts.Tensor).dataSync(), want)).toBeLessThan(1e-6);
  });
});
