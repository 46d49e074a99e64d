/**
 * No layer or model call leaves a tensor it did not return. Walks every factory of `tf.layers`
 * (table and walk in layer_leak_cases.ts, which must have an entry for each; the webgpu run is
 * tests/browser/leaks_layers_webgpu.test.ts) and, outside tidy, applies the layer three times:
 * the first call builds it, then a plain call, then one with training: true.
 * tf.memory().numTensors must grow by exactly the new tensors returned plus, on the first call,
 * the layer's weights (and any states a stateful layer holds); after disposing the outputs and
 * layer.dispose() it is back at the count before the layer existed. Then the model calls:
 * sequential and functional predict, predictOnBatch, execute, get/setWeights, evaluate, fit,
 * trainOnBatch, fitDataset, evaluateDataset, save, loadLayersModel and dispose. Runs on js and wasm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { collectTensors } from '../src/engine.js';
import { LAYER_CASES, layerFactories, walkLayers } from './layer_leak_cases.js';

const count = () => ts.memory().numTensors;
const tensorsIn = (x: unknown): Set<ts.Tensor> => {
  const s = new Set<ts.Tensor>();
  collectTensors(x, s);
  return s;
};
const factories = layerFactories();

const x = () => ts.tensor([[0.5, -1, 2, 0.25], [1, 0, -0.5, 1.5], [0.1, 0.2, 0.3, 0.4], [-1, -2, 1, 2]]);
const y = () => ts.tensor([[1, 0], [0, 1], [0.5, 0.5], [1, 1]]);

/** A model of two dense layers (4 -> 3 -> 2: kernels and biases, 4 weights) built either way. */
function build(kind: 'sequential' | 'model'): ts.LayersModel {
  if (kind === 'sequential') {
    return ts.sequential({ layers: [ts.layers.dense({ units: 3, inputShape: [4], activation: 'relu' }), ts.layers.dense({ units: 2 })] });
  }
  const input = ts.input({ shape: [4] });
  const h = ts.layers.dense({ units: 3, activation: 'relu' }).apply(input);
  return ts.model({ inputs: input, outputs: ts.layers.dense({ units: 2 }).apply(h) });
}

for (const backend of ['js', 'wasm']) {
  describe(`no layer or model call leaks (${backend})`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });
    afterAll(async () => {
      await ts.setBackend('js');
    });

    it('every tf.layers factory has a case', () => {
      expect(factories.length).toBeGreaterThanOrEqual(70);
      expect(factories.filter((f) => !LAYER_CASES[f]), 'factories with no entry in layer_leak_cases.ts').toEqual([]);
      expect(Object.keys(LAYER_CASES).filter((k) => !factories.includes(k)), 'entries that are not factories').toEqual([]);
    });

    it('every layer: apply outside tidy leaves only its outputs and weights; dispose frees them', () => {
      const start = count();
      const { factories: walked, cases, problems } = walkLayers();
      console.log(`[leaks] ${backend}: ${walked} layer factories, ${cases} cases, ${problems.length} problems`);
      expect(problems).toEqual([]);
      expect(count()).toBe(start);
    });

    for (const kind of ['sequential', 'model'] as const) {
      it(`${kind}: predict, execute, weights, evaluate, fit, trainOnBatch, datasets, save, load, dispose`, async () => {
        const start = count();
        const xs = x();
        const ys = y();
        const base = count();
        const m = build(kind);
        expect(count() - base, 'the model holds its 4 weights').toBe(4);
        m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mse'] });
        const grow = async (what: string, f: () => unknown, want: (r: unknown) => number) => {
          const before = count();
          let r = f();
          if (r instanceof Promise) r = await r;
          expect(count() - before, what).toBe(want(r));
          return r;
        };
        const p = await grow('predict', () => m.predict(xs, { batchSize: 3 }), (r) => tensorsIn(r).size);
        ts.dispose(p as ts.Tensor);
        ts.dispose(await grow('predictOnBatch', () => m.predictOnBatch(xs), () => 1) as ts.Tensor);
        ts.dispose(await grow('execute', () => m.execute([xs], { training: true }), () => 1) as ts.Tensor[]);
        const ws = await grow('getWeights', () => m.getWeights(), () => 4) as ts.Tensor[];
        await grow('setWeights', () => m.setWeights(ws), () => 0);
        ts.dispose(ws);
        const ev = await grow('evaluate', () => m.evaluate(xs, ys, { batchSize: 2 }), (r) => tensorsIn(r).size);
        expect(tensorsIn(ev).size).toBe(2); // loss and the mse metric
        ts.dispose(ev as ts.Tensor[]);
        // Adam keeps two slots (m, v) per trainable weight, made on the first step: 4 * 2 = 8.
        await grow('first fit (makes the optimizer slots)', () => m.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0 }), () => 8);
        await grow('second fit', () => m.fit(xs, ys, { epochs: 2, batchSize: 2, verbose: 0 }), () => 0);
        await grow('trainOnBatch', () => m.trainOnBatch(xs, ys), () => 0);
        // a dataset's batches are made by the dataset and disposed by the loop that pulled them
        const batches = () => ts.data.generator(function* () {
          for (let i = 0; i < 2; i++) yield { xs: x(), ys: y() };
        });
        await grow('fitDataset', () => m.fitDataset(batches(), { epochs: 1, verbose: 0 }), () => 0);
        ts.dispose(await grow('evaluateDataset', () => m.evaluateDataset(batches()), (r) => tensorsIn(r).size) as ts.Tensor[]);
        let saved: ts.io.ModelArtifacts | null = null;
        await grow('save', () => m.save(ts.io.withSaveHandler(async (a) => {
          saved = a;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        })), () => 0);
        const loaded = await grow('loadLayersModel', () => ts.loadLayersModel(ts.io.fromMemory(saved!)), () => 4) as ts.LayersModel;
        const q = await grow('loaded predict', () => loaded.predict(xs), () => 1);
        ts.dispose(q as ts.Tensor);
        await grow('loaded dispose', () => loaded.dispose(), () => -4);
        await grow('dispose (weights and the optimizer compile() made)', () => m.dispose(), () => -12);
        expect(count()).toBe(base);
        ts.dispose([xs, ys]);
        expect(count()).toBe(start);
      });
    }
  });
}
