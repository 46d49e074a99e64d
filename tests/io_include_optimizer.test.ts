/**
 * model.save(handler, {includeOptimizer: true}) and loading it: the artifacts carry TF.js's trainingConfig
 * and the optimizer state ('iter' and the Adam moments `<weight>/m`, `<weight>/v`) as weights of group
 * 'optimizer'. Checked against @tensorflow/tfjs-layers: a model trained with Adam in TF.js and saved with
 * includeOptimizer loads in tessera compiled with Adam, and one more epoch of training on both sides gives
 * the same weights (it would not with fresh moments); tessera's own save/load round trip resumes the same way.
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

const X = seededValues(16 * 3, 1, -1, 1);
const Y = seededValues(16 * 2, 2, -1, 1);
const fitArgs = { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 };

function build(L: any) {
  const m = L.sequential({ layers: [L.layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }), L.layers.dense({ units: 2 })] });
  m.setWeights(m.weights.map((w: any, i: number) => L === tfl ? tf.tensor(seededValues(w.shape.reduce((a: number, b: number) => a * b, 1), 10 + i, -0.5, 0.5), w.shape) : ts.tensor(seededValues(w.shape.reduce((a: number, b: number) => a * b, 1), 10 + i, -0.5, 0.5), w.shape)));
  return m;
}

describe('includeOptimizer', () => {
  it('TF.js-saved Adam state loads and training resumes identically', async () => {
    const theirs = build(tfl);
    theirs.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    await theirs.fit(tf.tensor(X, [16, 3]), tf.tensor(Y, [16, 2]), { ...fitArgs, epochs: 3 });
    let art: any;
    await theirs.save(tf.io.withSaveHandler(async (a) => { art = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }), { includeOptimizer: true });
    expect(art.trainingConfig.optimizer_config.class_name).toBe('Adam');
    expect(art.weightSpecs.filter((s: any) => s.group === 'optimizer').map((s: any) => s.name)).toContain('dense_Dense1/kernel/m');

    const ours = await ts.loadLayersModel(ts.io.fromMemory(art));
    expect(ours.optimizer?.getClassName()).toBe('Adam');
    await theirs.fit(tf.tensor(X, [16, 3]), tf.tensor(Y, [16, 2]), fitArgs);
    await ours.fit(ts.tensor(X, [16, 3]), ts.tensor(Y, [16, 2]), fitArgs);
    const want = theirs.getWeights().map((w: tf.Tensor) => w.dataSync());
    ours.getWeights().forEach((w, i) => expectClose(w.dataSync() as Float32Array, want[i] as Float32Array, `weight ${i} after resumed training`, 2e-5));
  });

  it('tessera round trip: same trainingConfig, same resumed training', async () => {
    const a = build(ts);
    a.compile({ optimizer: ts.train.adam(0.05), loss: 'meanSquaredError', metrics: ['mae'] });
    await a.fit(ts.tensor(X, [16, 3]), ts.tensor(Y, [16, 2]), { ...fitArgs, epochs: 3 });
    let art: any;
    await a.save(ts.io.withSaveHandler(async (x) => { art = x; return { modelArtifactsInfo: ts.io.getModelArtifactsInfoForJSON(x) }; }), { includeOptimizer: true });
    expect(art.trainingConfig).toMatchObject({ loss: 'meanSquaredError', metrics: ['mae'], optimizer_config: { class_name: 'Adam', config: { learningRate: 0.05 } } });
    const optSpecs = art.weightSpecs.filter((s: any) => s.group === 'optimizer');
    expect(optSpecs.map((s: any) => s.name)).toEqual(['iter', ...['dense_Dense1/kernel', 'dense_Dense1/bias', 'dense_Dense2/kernel', 'dense_Dense2/bias'].flatMap((w) => [`${w}/m`, `${w}/v`])].map((n) => n.replace(/Dense1/g, a.layers[0].name.replace(/^dense_/, '')).replace(/Dense2/g, a.layers[1].name.replace(/^dense_/, ''))));
    const b = await ts.loadLayersModel(ts.io.fromMemory(art));
    expect(b.optimizer!.iterations).toBe(6);
    await a.fit(ts.tensor(X, [16, 3]), ts.tensor(Y, [16, 2]), fitArgs);
    await b.fit(ts.tensor(X, [16, 3]), ts.tensor(Y, [16, 2]), fitArgs);
    const want = a.getWeights().map((w: ts.Tensor) => w.dataSync());
    b.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(want[i])));
    // without includeOptimizer nothing of the optimizer is saved
    let plain: any;
    await a.save(ts.io.withSaveHandler(async (x) => { plain = x; return { modelArtifactsInfo: ts.io.getModelArtifactsInfoForJSON(x) }; }));
    expect(plain.trainingConfig).toBeUndefined();
    expect(plain.weightSpecs.every((s: any) => (s.group ?? 'model') === 'model')).toBe(true);
  });
});
