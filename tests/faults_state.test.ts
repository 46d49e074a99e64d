/**
 * State under faults: a fit aborted by a throwing callback (or a failing step) leaks no tensor,
 * a failed compile keeps the previous working compile, and optimizer state follows the variable
 * itself, not its (reusable) name, so an optimizer reused on a rebuilt model starts fresh.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';

function tinyModel(units = 2, name = 'd1'): ts.LayersModel {
  const m = ts.sequential();
  m.add(ts.layers.dense({ units, inputShape: [3], name, kernelInitializer: 'ones', biasInitializer: 'zeros' }));
  return m;
}
const data = () => ({ x: ts.tensor([[1, 2, 3], [0, 1, 0], [2, 0, 1], [1, 1, 1]]), y: ts.tensor([[1, 0], [0, 1], [1, 1], [0, 0]]) });

for (const backend of ['js', 'wasm']) {
  describe(`aborted fits leak nothing (${backend})`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });

    const throwers: [string, Partial<ts.Callback>][] = [
      ['onBatchEnd', { onBatchEnd: async (b: number) => { if (b === 1) throw new Error('stop here'); } }],
      ['onBatchBegin', { onBatchBegin: async (b: number) => { if (b === 1) throw new Error('stop here'); } }],
      ['onEpochEnd', { onEpochEnd: async () => { throw new Error('stop here'); } }],
      ['onEpochBegin', { onEpochBegin: async (e: number) => { if (e === 1) throw new Error('stop here'); } }],
      ['onTrainEnd', { onTrainEnd: async () => { throw new Error('stop here'); } }],
    ];
    for (const [where, cb] of throwers) {
      it(`fit: a callback throwing in ${where}`, async () => {
        const m = tinyModel();
        m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
        const { x, y } = data();
        await m.fit(x, y, { epochs: 1, verbose: 0 }); // the optimizer's slots exist before counting
        const before = ts.memory().numTensors;
        await expect(m.fit(x, y, { batchSize: 1, epochs: 2, callbacks: [cb as never], validationSplit: 0.5, verbose: 0 })).rejects.toThrow('stop here');
        expect(ts.memory().numTensors).toBe(before);
        // Nothing was left half-done: the model still trains and predicts.
        await m.fit(x, y, { batchSize: 2, epochs: 1, verbose: 0 });
        const p = m.predict(x) as ts.Tensor;
        expect(p.shape).toEqual([4, 2]);
        expect(p.dataSync().every(Number.isFinite)).toBe(true);
        p.dispose();
        ts.dispose([x, y]);
        m.dispose();
      });
    }

    it('fitDataset: a callback throwing mid-epoch', async () => {
      const m = tinyModel();
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const before = ts.memory().numTensors;
      const batches = function* () {
        for (let i = 0; i < 4; i++) yield { xs: ts.tensor([[i, 1, 2]]), ys: ts.tensor([[1, 0]]) };
      };
      const cb = { onBatchEnd: async (b: number) => { if (b === 2) throw new Error('dataset stop'); } };
      await expect(m.fitDataset({ iterator: () => batches() }, { epochs: 1, callbacks: [cb as never], verbose: 0 })).rejects.toThrow('dataset stop');
      expect(ts.memory().numTensors).toBe(before);
      m.dispose();
    });

    it('a failing step (labels of the wrong shape) leaks nothing', async () => {
      const m = tinyModel();
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const x = ts.ones([4, 3]);
      const y = ts.ones([4, 5]);
      const before = ts.memory().numTensors;
      await expect(m.fit(x, y, { batchSize: 2, verbose: 0 })).rejects.toThrow(/meanSquaredError: labels shape \[2,5\] and predictions shape \[2,2\] must match/);
      expect(ts.memory().numTensors).toBe(before);
      ts.dispose([x, y]);
      m.dispose();
    });
  });
}

describe('compile failures keep the previous compile', () => {
  beforeAll(async () => {
    await ts.setBackend('js');
  });

  it('an unknown loss throws and the model keeps training with the old loss and optimizer', async () => {
    const m = tinyModel();
    const opt = ts.train.sgd(0.1);
    m.compile({ optimizer: opt, loss: 'mse' });
    const { x, y } = data();
    expect(() => m.compile({ optimizer: 'adam', loss: 'noSuchLoss' })).toThrow(/compile: unknown loss "noSuchLoss"/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['noSuchMetric'] })).toThrow(/compile: unknown metric "noSuchMetric"/);
    const h = await m.fit(x, y, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0 });
    // Kernel all ones, bias 0: predictions are row sums [6, 1, 3, 3] in both columns; the mse
    // over y is ((5^2 + 6^2) + (1 + 0) + (2^2 + 2^2) + (3^2 + 3^2)) / 8 = 88 / 8 = 11.
    expect(h.history.loss[0]).toBeCloseTo(11, 5);
    expect(Object.keys(h.history)).toEqual(['loss']);
    ts.dispose([x, y]);
    m.dispose();
  });

  it('an unknown loss before the model is built also leaves the old compile', async () => {
    const inp = ts.input({ shape: [3] });
    const out = ts.layers.dense({ units: 2, kernelInitializer: 'ones' }).apply(inp) as ts.SymbolicTensor;
    const m = ts.model({ inputs: inp, outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'mae' });
    expect(() => m.compile({ optimizer: 'sgd', loss: ['nope'] })).toThrow(/unknown loss "nope"/);
    const x = ts.ones([2, 3]);
    const y = ts.zeros([2, 2]);
    // predictions 3 everywhere against 0: mae = 3 (the old loss, not a half-made compile)
    const loss = m.evaluate(x, y) as ts.Tensor;
    expect(loss.dataSync()[0]).toBeCloseTo(3, 6);
    ts.dispose([x, y, loss]);
    m.dispose();
  });
});

describe('optimizer state follows the variable, not its name', () => {
  beforeAll(async () => {
    await ts.setBackend('js');
  });

  it('a rebuilt model with reused names and new shapes trains with the same optimizer (no shape error)', async () => {
    const opt = ts.train.adam(0.01);
    const { x, y } = data();
    const a = tinyModel(2, 'reused');
    a.compile({ optimizer: opt, loss: 'mse' });
    await a.fit(x, y, { epochs: 1, verbose: 0 });
    const names = a.trainableWeights.map((w) => w.name);
    a.dispose();
    const b = ts.sequential();
    b.add(ts.layers.dense({ units: 4, inputShape: [3], name: 'reused' }));
    b.add(ts.layers.dense({ units: 2 }));
    expect(b.trainableWeights.map((w) => w.name).slice(0, 2)).toEqual(names); // the names really are reused
    b.compile({ optimizer: opt, loss: 'mse' });
    const h = await b.fit(x, y, { epochs: 2, verbose: 0 });
    expect(h.history.loss.every(Number.isFinite)).toBe(true);
    ts.dispose([x, y]);
    b.dispose();
    opt.dispose();
  });

  it('no stale moments: a reused momentum optimizer steps a rebuilt model exactly like a fresh one', async () => {
    const { x, y } = data();
    const shared = ts.train.momentum(0.05, 0.9);
    const old = tinyModel(2, 'same');
    old.compile({ optimizer: shared, loss: 'mse' });
    await old.fit(x, y, { batchSize: 4, epochs: 3, shuffle: false, verbose: 0 }); // builds up velocity
    old.dispose();
    const stepWith = async (opt: ts.Optimizer) => {
      const m = tinyModel(2, 'same');
      m.compile({ optimizer: opt, loss: 'mse' });
      await m.fit(x, y, { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
      const w = Array.from(m.trainableWeights[0].dataSync());
      m.dispose();
      return w;
    };
    const reused = await stepWith(shared);
    const fresh = ts.train.momentum(0.05, 0.9);
    const want = await stepWith(fresh);
    expect(reused).toEqual(want);
    // ...and the difference would show: the old velocity moves the weights elsewhere.
    expect(want.every(Number.isFinite)).toBe(true);
    ts.dispose([x, y]);
    shared.dispose();
    fresh.dispose();
  });

  it('slots of disposed variables are freed at the next step', async () => {
    const opt = ts.train.adam(0.01);
    const { x, y } = data();
    const a = tinyModel(2, 'gone');
    a.compile({ optimizer: opt, loss: 'mse' });
    await a.fit(x, y, { epochs: 1, verbose: 0 });
    a.dispose();
    const b = tinyModel(2, 'other');
    b.compile({ optimizer: opt, loss: 'mse' });
    await b.fit(x, y, { epochs: 1, verbose: 0 });
    const names = (await opt.getWeights()).map((w) => { w.tensor.dispose(); return w.name; });
    expect(names).toEqual(['iter', 'other/kernel/m', 'other/kernel/v', 'other/bias/m', 'other/bias/v']);
    ts.dispose([x, y]);
    b.dispose();
    opt.dispose();
  });
});
