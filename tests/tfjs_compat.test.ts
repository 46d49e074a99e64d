/**
 * Models built and saved by @tensorflow/tfjs-layers 4.22 (cpu backend) load through tessera's
 * loadLayersModel(io.fromMemory(artifacts)) and predict what TF.js predicts (within 1e-4):
 * an MLP, a CNN, Embedding+LSTM, GRU, batchNormalization+layerNormalization+dropout, a
 * functional model with a merge, a nested Sequential and a Bidirectional LSTM. Also: tessera's saved artifacts
 * load back into TF.js.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';
import type { ModelArtifacts } from '../src/io/types.js';

beforeAll(async () => {
  await tfc.setBackend('cpu');
  await ts.setBackend('js');
});

/** A seeded generator so inputs and weights are reproducible. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
function values(n: number, seed: number, lo = -1, hi = 1, integer = false): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => (integer ? Math.floor(lo + r() * (hi - lo)) : lo + r() * (hi - lo)));
}

/** Give every TF.js weight non-trivial values (variances stay positive). */
function randomizeWeights(model: tfl.LayersModel, seed: number) {
  let k = seed;
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (!ws.length) continue;
    layer.setWeights(ws.map((w, i) => {
      const isVariance = layer.weights[i].originalName.endsWith('moving_variance');
      return tfc.tensor(values(w.size, k++, isVariance ? 0.5 : -0.8, isVariance ? 1.5 : 0.8), w.shape);
    }));
  }
}

async function saveTfjs(model: tfl.LayersModel): Promise<ModelArtifacts> {
  let art: ModelArtifacts | undefined;
  await model.save(tfc.io.withSaveHandler(async (a) => {
    art = a as unknown as ModelArtifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  // Through JSON, as a model.json on disk would be.
  return { ...art!, modelTopology: JSON.parse(JSON.stringify(art!.modelTopology)), weightSpecs: JSON.parse(JSON.stringify(art!.weightSpecs)) };
}

interface Case {
  name: string;
  build: () => tfl.LayersModel;
  input: { shape: number[]; lo?: number; hi?: number; int?: boolean };
}

// TF.js's orthogonal initializer needs chained ops that its Node bundle lacks, so recurrent
// layers here use another recurrent initializer (the weights are overwritten anyway).
const cases: Case[] = [
  {
    name: 'MLP',
    build: () => tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 16, inputShape: [8], activation: 'relu' }),
        tfl.layers.dense({ units: 8, activation: 'tanh' }),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    }),
    input: { shape: [5, 8] },
  },
  {
    name: 'CNN (conv2d + maxPooling2d + flatten + dense)',
    build: () => tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [10, 10, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.conv2d({ filters: 3, kernelSize: [2, 3], strides: [1, 2], activation: 'elu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, activation: 'sigmoid' }),
      ],
    }),
    input: { shape: [3, 10, 10, 2] },
  },
  {
    name: 'Embedding + LSTM',
    build: () => tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 20, outputDim: 6, inputLength: 7 }),
        tfl.layers.lstm({ units: 5, recurrentInitializer: 'glorotUniform' }),
        tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    }),
    input: { shape: [4, 7], lo: 0, hi: 20, int: true },
  },
  {
    name: 'GRU',
    build: () => tfl.sequential({
      layers: [
        tfl.layers.gru({ units: 4, inputShape: [6, 3], returnSequences: true, recurrentInitializer: 'glorotUniform' }),
        tfl.layers.gru({ units: 3, goBackwards: true, recurrentInitializer: 'glorotUniform' }),
        tfl.layers.dense({ units: 2 }),
      ],
    }),
    input: { shape: [3, 6, 3] },
  },
  {
    name: 'batchNormalization + layerNormalization + dropout',
    build: () => tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 6, inputShape: [5] }),
        tfl.layers.batchNormalization(),
        tfl.layers.dropout({ rate: 0.4 }),
        tfl.layers.layerNormalization(),
        tfl.layers.dense({ units: 2 }),
      ],
    }),
    input: { shape: [4, 5] },
  },
  {
    name: 'functional model with two inputs, add and concatenate',
    build: () => {
      const a = tfl.input({ shape: [4] });
      const b = tfl.input({ shape: [4] });
      const shared = tfl.layers.dense({ units: 3, activation: 'relu' });
      const ha = shared.apply(a) as tfl.SymbolicTensor;
      const hb = shared.apply(b) as tfl.SymbolicTensor;
      const sum = tfl.layers.add().apply([ha, hb]) as tfl.SymbolicTensor;
      const cat = tfl.layers.concatenate().apply([sum, hb]) as tfl.SymbolicTensor;
      const out = tfl.layers.dense({ units: 2 }).apply(cat) as tfl.SymbolicTensor;
      return tfl.model({ inputs: [a, b], outputs: out });
    },
    input: { shape: [3, 4] },
  },
  {
    name: 'functional model containing a nested Sequential',
    build: () => {
      const inner = tfl.sequential({ layers: [tfl.layers.dense({ units: 5, inputShape: [4], activation: 'relu' }), tfl.layers.dense({ units: 3 })] });
      const inp = tfl.input({ shape: [4] });
      const h = inner.apply(inp) as tfl.SymbolicTensor;
      const out = tfl.layers.dense({ units: 2, activation: 'softmax' }).apply(h) as tfl.SymbolicTensor;
      return tfl.model({ inputs: inp, outputs: out });
    },
    input: { shape: [3, 4] },
  },
  {
    name: 'Bidirectional LSTM',
    build: () => tfl.sequential({
      layers: [
        tfl.layers.bidirectional({
          layer: tfl.layers.lstm({ units: 3, recurrentInitializer: 'glorotUniform' }) as any,
          inputShape: [5, 2],
          mergeMode: 'concat',
        } as any),
        tfl.layers.dense({ units: 1 }),
      ],
    }),
    input: { shape: [2, 5, 2] },
  },
];

function inputsFor(c: Case, model: tfl.LayersModel, seed: number): { tf: tfc.Tensor[]; mine: ts.Tensor[] } {
  const n = model.inputs.length;
  const { shape, lo = -1, hi = 1, int = false } = c.input;
  const size = shape.reduce((a, b) => a * b, 1);
  const vals = Array.from({ length: n }, (_, i) => values(size, seed + i, lo, hi, int));
  const dtype = int ? 'int32' : 'float32';
  return { tf: vals.map((v) => tfc.tensor(v, shape, dtype)), mine: vals.map((v) => ts.tensor(v, shape, dtype)) };
}

describe('TF.js-saved models load and predict like TF.js', () => {
  cases.forEach((c, idx) => {
    it(c.name, async () => {
      const tmodel = c.build();
      randomizeWeights(tmodel, 100 * (idx + 1));
      const art = await saveTfjs(tmodel);
      const x = inputsFor(c, tmodel, 7 + idx);
      const want = (tmodel.predict(x.tf.length === 1 ? x.tf[0] : x.tf) as tfc.Tensor).dataSync();
      const loaded = await ts.loadLayersModel(ts.io.fromMemory(art));
      expect(loaded.weights.map((w) => w.shape)).toEqual(tmodel.weights.map((w) => w.shape));
      const got = (loaded.predict(x.mine.length === 1 ? x.mine[0] : x.mine) as ts.Tensor).dataSync();
      expect(got.length).toBe(want.length);
      let maxDiff = 0;
      for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
      expect(maxDiff).toBeLessThanOrEqual(1e-4);
      // And tessera's own save of the loaded model loads back into TF.js with the same predictions.
      let mine: ModelArtifacts | undefined;
      await loaded.save(ts.io.withSaveHandler(async (a) => {
        mine = a;
        return { modelArtifactsInfo: {} };
      }));
      expect(mine!.weightSpecs!.map((s) => [s.name, s.shape])).toEqual(art.weightSpecs!.map((s) => [s.name, s.shape]));
      const back = await tfl.loadLayersModel(tfc.io.fromMemory(mine as any));
      const again = (back.predict(x.tf.length === 1 ? x.tf[0] : x.tf) as tfc.Tensor).dataSync();
      for (let i = 0; i < want.length; i++) expect(Math.abs(again[i] - want[i])).toBeLessThanOrEqual(1e-4);
      loaded.dispose();
    });
  });
});
