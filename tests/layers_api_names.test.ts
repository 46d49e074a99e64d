/**
 * The tfjs-layers top-level names tessera added after the API audit, checked against
 * @tensorflow/tfjs-layers' behaviour: InputSpec (a custom layer's inputSpec is enforced with TF.js's
 * messages), History (fit's result is one, with TF.js's epoch/history), CustomCallback and
 * CallbackList (hook order and arguments as TF.js's CallbackList gives them), registerCallbackConstructor
 * (instantiated per fit at or above its verbosity level, TF.js's errors), models.modelFromJSON (a TF.js
 * model topology builds the same model), layers.input and version_layers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';
import { seededValues } from './helpers/gradcheck.js';
import { expectClose } from './helpers/layer_check.js';
import { randomizeWeights, saveTfjs } from './helpers/tfjs_models.js';

beforeAll(async () => {
  await ts.setBackend('js');
  await tf.setBackend('cpu');
});

/** The message a call throws (or '' when it does not). */
function messageOf(f: () => unknown): string {
  try {
    f();
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('InputSpec', () => {
  it('has TF.js fields (ndim from shape, axes default {})', () => {
    const a = new ts.InputSpec({ shape: [null, 3, 4] });
    const b = new tfl.InputSpec({ shape: [null, 3, 4] });
    expect({ ...a }).toEqual({ ...b });
    expect({ ...new ts.InputSpec({ minNDim: 2, dtype: 'int32' }) }).toEqual({ ...new tfl.InputSpec({ minNDim: 2, dtype: 'int32' }) });
  });

  it('a custom layer\'s inputSpec is enforced with the messages TF.js gives', () => {
    const specs: Record<string, unknown>[] = [{ ndim: 3 }, { minNDim: 3 }, { maxNDim: 1 }, { axes: { [-1]: 5 } }, { shape: [null, 7] }, { dtype: 'int32' }];
    for (const spec of specs) {
      class TsLayer extends ts.Layer {
        static override className = 'AuditSpecTs';
        constructor() {
          super({ name: 'spec_layer' });
          this.inputSpec = [new ts.InputSpec(spec)];
        }
        call(x: ts.Tensor | ts.Tensor[]) {
          return x;
        }
      }
      class TfLayer extends tfl.layers.Layer {
        static className = 'AuditSpecTf';
        constructor() {
          super({ name: 'spec_layer' });
          this.inputSpec = [new tfl.InputSpec(spec)];
        }
        override call(x: tf.Tensor | tf.Tensor[]) {
          return x;
        }
      }
      const want = messageOf(() => new TfLayer().apply(tf.zeros([2, 4])));
      expect(want, JSON.stringify(spec)).not.toBe('');
      expect(messageOf(() => new TsLayer().apply(ts.zeros([2, 4]))), JSON.stringify(spec)).toBe(want);
      // symbolic inputs are checked too
      const wantSymbolic = messageOf(() => new TfLayer().apply(tfl.input({ shape: [4] })));
      expect(messageOf(() => new TsLayer().apply(ts.input({ shape: [4] }))), JSON.stringify(spec)).toBe(wantSymbolic);
    }
    const count = new (class extends ts.Layer {
      constructor() {
        super({ name: 'two_inputs' });
        this.inputSpec = [new ts.InputSpec({ ndim: 2 }), new ts.InputSpec({ ndim: 2 })];
      }
      call(x: ts.Tensor | ts.Tensor[]) {
        return x;
      }
    })();
    expect(() => count.apply(ts.zeros([2, 4]))).toThrow(/^Layer two_inputs expects 2 inputs, but it received 1 input tensors\./);
    expect(count.apply([ts.zeros([2, 4]), ts.zeros([1, 1])])).toHaveLength(2);
  });
});

describe('History, CustomCallback, CallbackList, registerCallbackConstructor', () => {
  const data = () => ({ x: ts.tensor(seededValues(12, 1, -1, 1), [6, 2]), y: ts.tensor(seededValues(6, 2, -1, 1), [6, 1]) });
  const model = () => {
    const m = ts.sequential({ layers: [ts.layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: ts.train.sgd(0.1), loss: 'meanSquaredError' });
    return m;
  };

  it('fit returns a History with TF.js fields; CustomCallback hooks run in TF.js order', async () => {
    const calls: string[] = [];
    const cb = new ts.CustomCallback({
      onTrainBegin: () => void calls.push('trainBegin'),
      onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
      onBatchEnd: (b) => void calls.push(`batchEnd ${b}`),
      onEpochEnd: async (e, logs) => void calls.push(`epochEnd ${e} ${Object.keys(logs ?? {}).join()}`),
      onTrainEnd: () => void calls.push('trainEnd'),
    });
    expect(cb).toBeInstanceOf(ts.Callback);
    const { x, y } = data();
    const h = await model().fit(x, y, { epochs: 2, batchSize: 3, verbose: 0, callbacks: [cb] });
    expect(h).toBeInstanceOf(ts.History);
    expect(h.epoch).toEqual([0, 1]);
    expect(Object.keys(h.history)).toEqual(['loss']);
    expect(h.history.loss).toHaveLength(2);
    expect(h.history.loss[1]).toBeLessThan(h.history.loss[0]);
    expect(calls).toEqual(['trainBegin', 'epochBegin 0', 'batchEnd 0', 'batchEnd 1', 'epochEnd 0 loss', 'epochBegin 1', 'batchEnd 0', 'batchEnd 1', 'epochEnd 1 loss', 'trainEnd']);
    expect(() => new ts.CustomCallback({ onEpochEnd: 3 as never })).toThrow(/onEpochEnd must be a function/);
  });

  it('CallbackList forwards each hook to its callbacks in order, as tfjs-layers\' CallbackList', async () => {
    const record = (lib: string, log: string[]) => ({
      onTrainBegin: async (l?: unknown) => void log.push(`${lib}: trainBegin ${JSON.stringify(l)}`),
      onEpochBegin: async (e: number, l?: unknown) => void log.push(`${lib}: epochBegin ${e} ${JSON.stringify(l)}`),
      onBatchBegin: async (b: number, l?: unknown) => void log.push(`${lib}: batchBegin ${b} ${JSON.stringify(l)}`),
      onBatchEnd: async (b: number, l?: unknown) => void log.push(`${lib}: batchEnd ${b} ${JSON.stringify(l)}`),
      onEpochEnd: async (e: number, l?: unknown) => void log.push(`${lib}: epochEnd ${e} ${JSON.stringify(l)}`),
      onTrainEnd: async (l?: unknown) => void log.push(`${lib}: trainEnd ${JSON.stringify(l)}`),
    });
    const run = async (list: { onTrainBegin(l?: object): Promise<void>; onEpochBegin(e: number, l?: object): Promise<void>; onBatchBegin(b: number, l?: object): Promise<void>; onBatchEnd(b: number, l?: object): Promise<void>; onEpochEnd(e: number, l?: object): Promise<void>; onTrainEnd(l?: object): Promise<void> }) => {
      await list.onTrainBegin();
      await list.onEpochBegin(0);
      await list.onBatchBegin(0, { size: 3 });
      await list.onBatchEnd(0, { loss: 0.5 });
      await list.onEpochEnd(0, { loss: 0.25 });
      await list.onTrainEnd();
    };
    const ours: string[] = [];
    const theirs: string[] = [];
    const ol = new ts.CallbackList([new ts.CustomCallback(record('a', ours))]);
    ol.append(new ts.CustomCallback(record('b', ours)));
    const tl = new tfl.CallbackList([new tfl.CustomCallback(record('a', theirs) as never)]);
    tl.append(new tfl.CustomCallback(record('b', theirs) as never));
    await run(ol);
    await run(tl as never);
    expect(ours).toEqual(theirs);
    expect(ours).toHaveLength(12);
  });

  it('registerCallbackConstructor: one new instance per fit at or above its level; TF.js errors', async () => {
    let made = 0;
    let epochs = 0;
    class Counting extends ts.Callback {
      constructor() {
        super();
        made++;
      }
      override onEpochEnd(): void {
        epochs++;
      }
    }
    ts.registerCallbackConstructor(3, Counting);
    const { x, y } = data();
    const m = model();
    await m.fit(x, y, { epochs: 2, verbose: 0 });
    expect([made, epochs]).toEqual([0, 0]);
    const log = console.log;
    const out = process.stdout.write;
    process.stdout.write = (() => true) as never;
    console.log = () => {};
    try {
      await m.fit(x, y, { epochs: 2, verbose: 3 });
      await m.fit(x, y, { epochs: 1, verbose: 3 });
    } finally {
      process.stdout.write = out;
      console.log = log;
    }
    expect([made, epochs]).toEqual([2, 3]);
    const wantLevel = messageOf(() => tfl.registerCallbackConstructor(-1, tfl.History as never));
    expect(messageOf(() => ts.registerCallbackConstructor(-1, Counting))).toBe(wantLevel);
    expect(messageOf(() => ts.registerCallbackConstructor(1.5, Counting))).toBe(messageOf(() => tfl.registerCallbackConstructor(1.5, tfl.History as never)));
    expect(() => ts.registerCallbackConstructor(3, Counting)).toThrow('Duplicate callback constructor.');
  });

  it('EarlyStopping is the class behind callbacks.earlyStopping', () => {
    expect(ts.callbacks.earlyStopping({ patience: 2 })).toBeInstanceOf(ts.EarlyStopping);
  });
});

describe('models.modelFromJSON, layers.input, version_layers', () => {
  it('builds the model of a TF.js topology (with or without the modelTopology wrapper) and equals TF.js with its weights', async () => {
    const m = tfl.sequential({
      layers: [tfl.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tfl.layers.dense({ units: 2, activation: 'softmax' })],
    });
    randomizeWeights(m, 5);
    const art = await saveTfjs(m);
    const a = await ts.models.modelFromJSON({ modelTopology: art.modelTopology });
    const b = await ts.models.modelFromJSON(art.modelTopology as Record<string, unknown>);
    const theirs = await tfl.models.modelFromJSON({ modelTopology: art.modelTopology } as never);
    expect(a.layers.map((l) => l.getClassName())).toEqual(theirs.layers.map((l) => l.getClassName()));
    expect(b.layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
    const w = m.getWeights();
    a.setWeights(w.map((t) => ts.tensor(t.dataSync() as Float32Array, t.shape)));
    const x = seededValues(6, 9, -1, 1);
    expectClose((a.predict(ts.tensor(x, [2, 3])) as ts.Tensor).dataSync(), (m.predict(tf.tensor(x, [2, 3])) as tf.Tensor).dataSync(), 'predict');
    await expect(ts.models.modelFromJSON(null as never)).rejects.toThrow(/modelFromJSON: expected a model topology/);
  });

  it('with a weightsManifest, fetches the shards under pathPrefix and assigns the weights by name', async () => {
    const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [2], activation: 'tanh' }), tfl.layers.dense({ units: 1 })] });
    randomizeWeights(m, 8);
    const art = await saveTfjs(m);
    const shard = new Uint8Array(art.weightData as ArrayBuffer);
    const fetched: string[] = [];
    const platform = ts.env().platform as { fetch: (path: string, init?: RequestInit) => Promise<Response> };
    const realFetch = platform.fetch;
    platform.fetch = async (path: string) => {
      fetched.push(path);
      return new Response(shard, { status: 200 });
    };
    try {
      const ours = await ts.models.modelFromJSON({
        modelTopology: art.modelTopology, pathPrefix: 'https://models.example/dir/', weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: art.weightSpecs! }],
      });
      expect(fetched).toEqual(['https://models.example/dir/group1-shard1of1.bin']);
      const x = seededValues(8, 12, -1, 1);
      expectClose((ours.predict(ts.tensor(x, [4, 2])) as ts.Tensor).dataSync(), (m.predict(tf.tensor(x, [4, 2])) as tf.Tensor).dataSync(), 'predict with fetched weights');
    } finally {
      platform.fetch = realFetch;
    }
  });

  it('layers.input is input; version_layers is the tfjs-layers API version', () => {
    expect(ts.layers.input).toBe(ts.input);
    expect(ts.layers.input({ shape: [3] }).shape).toEqual([null, 3]);
    expect(ts.version_layers).toBe(tfl.version_layers);
  });
});
