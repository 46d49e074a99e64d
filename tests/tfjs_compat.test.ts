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
import { cases, inputValues, randomizeWeights, saveTfjs, type Case } from './helpers/tfjs_models.js';

beforeAll(async () => {
  await tfc.setBackend('cpu');
  await ts.setBackend('js');
});

function inputsFor(c: Case, model: tfl.LayersModel, seed: number): { tf: tfc.Tensor[]; mine: ts.Tensor[] } {
  const { shape, dtype, vals } = inputValues(c, model.inputs.length, seed);
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
