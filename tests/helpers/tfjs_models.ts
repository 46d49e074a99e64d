/**
 * Models built with @tensorflow/tfjs-layers for the compatibility tests (Node and browser): the
 * case list (MLP, CNN, Embedding+LSTM, GRU, batchNorm+layerNorm+dropout, functional merge,
 * nested Sequential, Bidirectional LSTM), seeded weights and inputs, and saving to artifacts.
 */
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ModelArtifacts } from '../../src/io/types.js';

/** A seeded generator so inputs and weights are reproducible. */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
export function values(n: number, seed: number, lo = -1, hi = 1, integer = false): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => (integer ? Math.floor(lo + r() * (hi - lo)) : lo + r() * (hi - lo)));
}

/** Give every TF.js weight non-trivial values (variances stay positive). */
export function randomizeWeights(model: tfl.LayersModel, seed: number) {
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

export async function saveTfjs(model: tfl.LayersModel): Promise<ModelArtifacts> {
  let art: ModelArtifacts | undefined;
  await model.save(tfc.io.withSaveHandler(async (a) => {
    art = a as unknown as ModelArtifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  // Through JSON, as a model.json on disk would be.
  return { ...art!, modelTopology: JSON.parse(JSON.stringify(art!.modelTopology)), weightSpecs: JSON.parse(JSON.stringify(art!.weightSpecs)) };
}

export interface Case {
  name: string;
  build: () => tfl.LayersModel;
  input: { shape: number[]; lo?: number; hi?: number; int?: boolean };
}

// TF.js's orthogonal initializer needs chained ops that its Node bundle lacks, so recurrent
// layers here use another recurrent initializer (the weights are overwritten anyway).
export const cases: Case[] = [
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


/** Seeded input values for a case: one array per model input. */
export function inputValues(c: Case, numInputs: number, seed: number): { shape: number[]; dtype: 'int32' | 'float32'; vals: number[][] } {
  const { shape, lo = -1, hi = 1, int = false } = c.input;
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, dtype: int ? 'int32' : 'float32', vals: Array.from({ length: numInputs }, (_, i) => values(size, seed + i, lo, hi, int)) };
}
