/**
 * The layers tessera added to close the gap with tfjs-layers 4.22 (convLstm2d / convLstm2dCell,
 * resizing, randomWidth, upSampling2d with bilinear interpolation) against @tensorflow/tfjs-layers
 * on tfjs-backend-cpu, on tessera's js and wasm backends: the tessera layer is rebuilt from TF.js's
 * getConfig() through the class registry, gets TF.js's weights, and must give the same outputs,
 * states, output shapes, gradients (w.r.t. weights and input) and, for convLstm2d, the same weights
 * after an SGD step of a TF.js-saved model loaded with loadLayersModel. Also: TF.js's error wording,
 * config round trips through model JSON in both directions (tessera -> TF.js and TF.js -> tessera).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// TF.js's orthogonal initializer (the recurrent default) needs the chained ops.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';
import { layerFromConfig } from '../src/layers/serialization.js';
import { registerBuiltinLayers } from '../src/layers/all.js';
import { seededValues } from './helpers/gradcheck.js';
import { expectClose, sizeOf } from './helpers/layer_check.js';
import { randomizeWeights, saveTfjs } from './helpers/tfjs_models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerBuiltinLayers();
});

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
/** A config value as JSON holds it (TF.js leaves unset seeds undefined, tessera writes null). */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v ?? null, (_k, x) => (x === undefined ? null : x)));

/** TF.js layer -> tessera layer from its config, with TF.js's weights (after both are built on `shape`). */
function mirror(theirs: tfl.layers.Layer, shape: number[]): ts.Layer {
  const config = theirs.getConfig();
  const ours = layerFromConfig(theirs.getClassName(), { ...config, name: `${config.name}_ours` });
  expect(ours.getClassName()).toBe(theirs.getClassName());
  const tw = theirs.getWeights();
  if (tw.length) {
    ours.apply(ts.zeros(shape));
    expect(ours.weights.map((w) => w.name.split('/').pop())).toEqual(theirs.weights.map((w) => w.name.split('/').pop()));
    expect(ours.getWeights().map((w) => w.shape)).toEqual(tw.map((w) => w.shape));
    ours.setWeights(tw.map((w) => ts.tensor(w.dataSync() as Float32Array, w.shape)));
  }
  return ours;
}

interface LstmCase {
  name: string;
  args: Record<string, unknown>;
  input: number[];
}
const lstmCases: LstmCase[] = [
  { name: 'valid 3x3', args: { filters: 3, kernelSize: 3 }, input: [2, 3, 6, 5, 2] },
  { name: 'same [2,3], relu, returnSequences', args: { filters: 2, kernelSize: [2, 3], padding: 'same', activation: 'relu', returnSequences: true }, input: [1, 4, 5, 5, 3] },
  { name: 'strides 2, returnState', args: { filters: 2, kernelSize: 3, strides: 2, returnState: true }, input: [2, 2, 7, 7, 1] },
  { name: 'dilation 2, goBackwards, no bias', args: { filters: 2, kernelSize: 2, dilationRate: 2, goBackwards: true, returnSequences: true, useBias: false }, input: [1, 3, 6, 6, 2] },
  { name: 'channelsFirst, same, sequences + states', args: { filters: 2, kernelSize: 3, padding: 'same', dataFormat: 'channelsFirst', returnSequences: true, returnState: true }, input: [1, 3, 2, 5, 4] },
  { name: 'sigmoid gates, unitForgetBias', args: { filters: 2, kernelSize: 2, recurrentActivation: 'sigmoid', unitForgetBias: true }, input: [1, 2, 4, 4, 1] },
];

for (const backend of ['js', 'wasm'] as const) {
  describe(`convLstm2d on ${backend} matches tfjs-layers`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });

    for (const c of lstmCases) {
      it(c.name, () => {
        const theirs = tfl.layers.convLstm2d({ ...c.args, biasInitializer: 'randomNormal' } as any);
        const data = seededValues(sizeOf(c.input), 5, -1.5, 1.5);
        const want = list(theirs.apply(tf.tensor(data, c.input)) as tf.Tensor | tf.Tensor[]);
        const ours = mirror(theirs, c.input);
        const got = list(ours.apply(ts.tensor(data, c.input)) as ts.Tensor | ts.Tensor[]);
        expect(got.map((t) => t.shape)).toEqual(want.map((t) => t.shape));
        got.forEach((g, i) => expectClose(g.dataSync(), want[i].dataSync(), `${c.name} output ${i}`));
        const sym = [null, ...c.input.slice(1)];
        expect(ours.computeOutputShape(sym)).toEqual(theirs.computeOutputShape(sym));
        // Every config key TF.js writes, with TF.js's values (TF.js leaves an unset unitForgetBias undefined,
        // tessera writes its default false); tessera adds dtype.
        const theirCfg = theirs.getConfig();
        const ourCfg = ours.getConfig();
        for (const [k, v] of Object.entries(theirCfg)) {
          if (k === 'name') continue;
          expect(k in ourCfg, k).toBe(true);
          if (k === 'unitForgetBias') expect(ourCfg[k], k).toBe(Boolean(v));
          else expect(plain(ourCfg[k]), k).toEqual(plain(v));
        }
        expect(Object.keys(ourCfg).filter((k) => !(k in theirCfg)).sort()).toEqual(['dtype']);
      });
    }

    it('gradients w.r.t. the weights and the input match tf.variableGrads / tf.grad', () => {
      const shape = [2, 3, 5, 4, 2];
      const theirs = tfl.layers.convLstm2d({ filters: 2, kernelSize: [3, 2], padding: 'same', returnSequences: true, biasInitializer: 'randomNormal' });
      const data = seededValues(sizeOf(shape), 9, -1, 1);
      const xTf = tf.tensor(data, shape);
      const outShape = (theirs.apply(xTf) as tf.Tensor).shape;
      const cot = seededValues(sizeOf(outShape), 10, -1, 1);
      const ours = mirror(theirs, shape);
      const xTs = ts.tensor(data, shape);
      const vTf = theirs.trainableWeights.map((w) => (w as any).read() as tf.Variable);
      const gTf = tf.variableGrads(() => tf.sum(tf.mul(theirs.apply(xTf) as tf.Tensor, tf.tensor(cot, outShape))) as tf.Scalar, vTf);
      const gTs = ts.variableGrads(() => ts.sum(ts.mul(ours.apply(xTs) as ts.Tensor, ts.tensor(cot, outShape))), ours.trainableWeights);
      expectClose([gTs.value.dataSync()[0]], [gTf.value.dataSync()[0]], 'loss');
      ours.trainableWeights.forEach((w, i) => expectClose(gTs.grads[w.name].dataSync(), gTf.grads[vTf[i].name].dataSync(), `d/d ${w.name}`, 2e-4));
      const dxTf = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(theirs.apply(x) as tf.Tensor, tf.tensor(cot, outShape))))(xTf);
      const dxTs = ts.grad((x: ts.Tensor) => ts.sum(ts.mul(ours.apply(x) as ts.Tensor, ts.tensor(cot, outShape))))(xTs);
      expectClose(dxTs.dataSync(), dxTf.dataSync(), 'd/dx', 2e-4);
    });

    it('a TF.js-saved model with convLstm2d loads, predicts and takes the same SGD step', async () => {
      const m = tfl.sequential({
        layers: [
          tfl.layers.convLstm2d({ filters: 2, kernelSize: 2, inputShape: [3, 4, 4, 2], returnSequences: true }),
          tfl.layers.convLstm2d({ filters: 1, kernelSize: 2, padding: 'same' }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 2 }),
        ],
      });
      randomizeWeights(m, 21);
      const art = await saveTfjs(m);
      expect((art.modelTopology as any).config.layers.map((l: any) => l.class_name)).toEqual(['ConvLSTM2D', 'ConvLSTM2D', 'Flatten', 'Dense']);
      const ours = await ts.loadLayersModel(ts.io.fromMemory(art));
      const xs = seededValues(2 * 3 * 4 * 4 * 2, 22, -1, 1);
      const ys = seededValues(2 * 2, 23, -1, 1);
      expectClose((ours.predict(ts.tensor(xs, [2, 3, 4, 4, 2])) as ts.Tensor).dataSync(), (m.predict(tf.tensor(xs, [2, 3, 4, 4, 2])) as tf.Tensor).dataSync(), 'predict');
      m.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
      ours.compile({ optimizer: ts.train.sgd(0.5), loss: 'meanSquaredError' });
      const lTf = await m.trainOnBatch(tf.tensor(xs, [2, 3, 4, 4, 2]), tf.tensor(ys, [2, 2]));
      const lTs = await ours.trainOnBatch(ts.tensor(xs, [2, 3, 4, 4, 2]), ts.tensor(ys, [2, 2]));
      expectClose([Number(lTs)], [Number(lTf)], 'loss');
      const wTf = m.getWeights();
      ours.getWeights().forEach((w, i) => expectClose(w.dataSync(), wTf[i].dataSync(), `weight ${i} after one step`, 2e-4));
    });
  });
}

describe('convLstm2d: cell, states, serialization and errors', () => {
  beforeAll(async () => {
    await ts.setBackend('js');
  });

  it('convLstm2dCell: one step [x, h, c] -> [h, h, c] equals TF.js cell.call', () => {
    const theirs = tfl.layers.convLstm2dCell({ filters: 2, kernelSize: 3, padding: 'same', biasInitializer: 'randomNormal' });
    theirs.build([1, 4, 5, 3]);
    const [x, h, c] = [[1, 4, 5, 3], [1, 4, 5, 2], [1, 4, 5, 2]].map((s, i) => seededValues(sizeOf(s), 30 + i, -1, 1));
    const want = theirs.call([tf.tensor(x, [1, 4, 5, 3]), tf.tensor(h, [1, 4, 5, 2]), tf.tensor(c, [1, 4, 5, 2])], {}) as tf.Tensor[];
    const ours = ts.layers.convLstm2dCell(theirs.getConfig() as any);
    ours.build([1, 4, 5, 3]);
    ours.setWeights(theirs.getWeights().map((w) => ts.tensor(w.dataSync() as Float32Array, w.shape)));
    const got = ours.apply([ts.tensor(x, [1, 4, 5, 3]), ts.tensor(h, [1, 4, 5, 2]), ts.tensor(c, [1, 4, 5, 2])]) as ts.Tensor[];
    expect(got).toHaveLength(3);
    got.forEach((g, i) => expectClose(g.dataSync(), want[i].dataSync(), `cell output ${i}`));
    expect(() => ours.apply([ts.tensor(x, [1, 4, 5, 3]), ts.tensor(h, [1, 4, 5, 2])])).toThrow('ConvLSTM2DCell expects 3 input Tensors (inputs, h, c), got 2.');
    expect(() => ours.apply([ts.tensor(x, [1, 4, 5, 3]), ts.zeros([1, 3, 3, 2]), ts.zeros([1, 3, 3, 2])])).toThrow(/states must be \[1,4,5,2\]/);
  });

  it('initialState and a stateful layer carry [batch, rows, cols, filters] states as TF.js', () => {
    const theirs = tfl.layers.convLstm2d({ filters: 2, kernelSize: 2, biasInitializer: 'randomNormal' });
    const shape = [1, 2, 4, 4, 1];
    const data = seededValues(sizeOf(shape), 40, -1, 1);
    const s0 = seededValues(1 * 3 * 3 * 2, 41, -1, 1);
    const s1 = seededValues(1 * 3 * 3 * 2, 42, -1, 1);
    theirs.apply(tf.tensor(data, shape));
    const want = theirs.apply(tf.tensor(data, shape), { initialState: [tf.tensor(s0, [1, 3, 3, 2]), tf.tensor(s1, [1, 3, 3, 2])] }) as tf.Tensor;
    const ours = mirror(theirs, shape);
    const got = ours.apply(ts.tensor(data, shape), { initialState: [ts.tensor(s0, [1, 3, 3, 2]), ts.tensor(s1, [1, 3, 3, 2])] }) as ts.Tensor;
    expectClose(got.dataSync(), want.dataSync(), 'with initialState');
    expect(() => ours.apply(ts.tensor(data, shape), { initialState: [ts.zeros([1, 3, 3, 1]), ts.zeros([1, 3, 3, 2])] })).toThrow(/initial state 0 must be \[1,3,3,2\]/);

    // stateful: the second batch starts from the first batch's final states, as two TF.js calls with initialState
    const st = ts.layers.convLstm2d({ ...(theirs.getConfig() as any), name: 'stateful_clstm', stateful: true, batchInputShape: shape });
    st.apply(ts.zeros(shape));
    st.setWeights(theirs.getWeights().map((w) => ts.tensor(w.dataSync() as Float32Array, w.shape)));
    st.resetStates();
    const full = theirs.apply(tf.tensor(data, shape), { initialState: [tf.zeros([1, 3, 3, 2]), tf.zeros([1, 3, 3, 2])] }) as tf.Tensor;
    expectClose((st.apply(ts.tensor(data, shape)) as ts.Tensor).dataSync(), full.dataSync(), 'stateful batch 1');
    const theirsState = tfl.layers.convLstm2d({ ...(theirs.getConfig() as any), name: 'st2', returnState: true });
    theirsState.apply(tf.tensor(data, shape));
    theirsState.setWeights(theirs.getWeights());
    const [, h, c] = theirsState.apply(tf.tensor(data, shape)) as tf.Tensor[];
    const second = theirs.apply(tf.tensor(data, shape), { initialState: [h, c] }) as tf.Tensor;
    expectClose((st.apply(ts.tensor(data, shape)) as ts.Tensor).dataSync(), second.dataSync(), 'stateful batch 2');
    expect(() => st.resetStates([ts.zeros([1, 3, 3, 2])])).toThrow('Layer stateful_clstm expects 2 state(s), but it received 1 state value(s).');
    expect(() => st.resetStates([ts.zeros([1, 3, 3, 2]), ts.zeros([1, 4, 4, 2])])).toThrow('State 1 is incompatible with layer stateful_clstm: expected shape=[1,3,3,2], received shape=[1,4,4,2]');
  });

  it('masking skips time steps (output and states carry over), as TF.js on the unmasked steps alone', () => {
    // TF.js's ConvRNN2D cannot take a mask (its mask path transposes a rank-2 tensor with a rank-5 perm),
    // so the reference is TF.js run on each sample's unmasked steps: a masked step repeats the last output.
    const theirs = tfl.layers.convLstm2d({ filters: 2, kernelSize: 2, returnSequences: true, biasInitializer: 'randomNormal' });
    const step = [3, 3, 1];
    const shape = [2, 3, ...step];
    const data = seededValues(sizeOf(shape), 50, -1, 1);
    const mask = [[1, 0, 1], [1, 1, 0]];
    theirs.apply(tf.tensor(data, shape));
    const ours = mirror(theirs, shape);
    const got = ours.apply(ts.tensor(data, shape), { mask: ts.tensor(mask.flat(), [2, 3], 'bool') }) as ts.Tensor;
    const per = sizeOf(step);
    const stepOut = 2 * 2 * 2;
    mask.forEach((m, b) => {
      const kept = m.flatMap((on, t) => (on ? [t] : []));
      const xs = kept.flatMap((t) => data.slice((b * 3 + t) * per, (b * 3 + t + 1) * per));
      const y = (theirs.apply(tf.tensor(xs, [1, kept.length, ...step])) as tf.Tensor).dataSync();
      let k = -1;
      const want = m.flatMap((on) => {
        if (on) k++;
        return Array.from(y.slice(k * stepOut, (k + 1) * stepOut));
      });
      expectClose(got.dataSync().slice(b * 3 * stepOut, (b + 1) * 3 * stepOut), want, `sample ${b}`);
    });
  });

  it('a tessera-saved model with convLstm2d and bilinear upSampling2d loads in TF.js with the same outputs', async () => {
    const m = ts.sequential({
      // (no resizing: TF.js 4.22's Resizing only works applied on its own; inside a model it gets its inputs as a list)
      layers: [
        ts.layers.upSampling2d({ size: [1, 2], interpolation: 'bilinear', inputShape: [6, 6, 2] }),
        ts.layers.reshape({ targetShape: [3, 2, 12, 2] }),
        ts.layers.convLstm2d({ filters: 2, kernelSize: 2, returnSequences: true }),
        ts.layers.flatten(),
      ],
    });
    let saved: any;
    await m.save(ts.io.withSaveHandler(async (a) => {
      saved = JSON.parse(JSON.stringify({ ...a, weightData: undefined }));
      saved.weightData = a.weightData;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(saved.modelTopology.config.layers.map((l: any) => l.class_name)).toEqual(['UpSampling2D', 'Reshape', 'ConvLSTM2D', 'Flatten']);
    expect(saved.modelTopology.config.layers[0].config.name).toMatch(/^up_sampling2d_UpSampling2D\d+$/);
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(saved));
    const x = seededValues(2 * 6 * 6 * 2, 60, -1, 1);
    const want = theirs.predict(tf.tensor(x, [2, 6, 6, 2])) as tf.Tensor;
    const got = m.predict(ts.tensor(x, [2, 6, 6, 2])) as ts.Tensor;
    expect(got.shape).toEqual(want.shape);
    expectClose(got.dataSync(), want.dataSync(), 'tessera model in TF.js');
  });

  it('dropout / recurrentDropout: inference equals TF.js (no dropout); training changes the output', () => {
    const theirs = tfl.layers.convLstm2d({ filters: 2, kernelSize: 2, dropout: 0.5, recurrentDropout: 0.3, returnSequences: true, biasInitializer: 'randomNormal' });
    const shape = [2, 3, 4, 4, 1];
    const data = seededValues(sizeOf(shape), 55, 0.5, 1.5);
    const want = theirs.apply(tf.tensor(data, shape)) as tf.Tensor; // TF.js, inference: no dropout
    const ours = mirror(theirs, shape);
    expectClose((ours.apply(ts.tensor(data, shape)) as ts.Tensor).dataSync(), want.dataSync(), 'inference');
    const trained = ours.apply(ts.tensor(data, shape), { training: true }) as ts.Tensor;
    expect(trained.shape).toEqual(want.shape);
    const v = trained.dataSync();
    expect(v.every((e) => Number.isFinite(e))).toBe(true);
    expect(Array.from(v).some((e, i) => Math.abs(e - want.dataSync()[i]) > 1e-3)).toBe(true);
  });

  it('checks its arguments and input rank with TF.js wording', () => {
    expect(() => ts.layers.convLstm2d({ filters: 0, kernelSize: 3 })).toThrow('Expected filters to be a positive integer, but got 0.');
    expect(() => ts.layers.convLstm2d({ filters: 2, kernelSize: 3, unroll: true })).toThrow('Unrolling is not possible with convolutional RNNs.');
    expect(() => ts.layers.convLstm2d({ filters: 2, kernelSize: [3, 3, 3] })).toThrow(/kernelSize must be a positive integer or a list of 2/);
    expect(() => ts.layers.convLstm2d({ filters: 2, kernelSize: 3, padding: 'causal' as any })).toThrow(/padding must be 'valid' or 'same'/);
    const l = ts.layers.convLstm2d({ filters: 2, kernelSize: 3, name: 'clstm_rank' });
    expect(() => l.apply(ts.zeros([1, 5, 5, 3]))).toThrow('Input 0 is incompatible with layer clstm_rank: expected ndim=5, found ndim=4');
    l.apply(ts.zeros([1, 2, 5, 5, 3]));
    expect(() => l.apply(ts.zeros([1, 2, 5, 5, 4]))).toThrow(/built for 3 input channels/);
    expect(() => ts.layers.convLstm2d({ filters: 2, kernelSize: 3 }).apply(ts.zeros([1, 2, 2, 2, 1]))).toThrow(/too small for kernelSize \[3,3\]/);
  });
});

for (const backend of ['js', 'wasm'] as const) {
  describe(`resizing / upSampling2d bilinear / randomWidth on ${backend} match tfjs-layers`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });

    const cases: { name: string; make: () => tfl.layers.Layer; input: number[]; grad?: boolean }[] = [
      { name: 'upSampling2d bilinear [2,3]', make: () => tfl.layers.upSampling2d({ size: [2, 3], interpolation: 'bilinear' }), input: [2, 3, 4, 2], grad: true },
      { name: 'upSampling2d bilinear channelsFirst', make: () => tfl.layers.upSampling2d({ size: [3, 2], interpolation: 'bilinear', dataFormat: 'channelsFirst' }), input: [1, 2, 3, 5], grad: true },
      { name: 'upSampling2d nearest', make: () => tfl.layers.upSampling2d({ size: [2, 2] }), input: [1, 3, 3, 2] },
      { name: 'resizing bilinear (default: TF.js aligns corners)', make: () => tfl.layers.resizing({ height: 7, width: 3 }), input: [2, 5, 6, 3], grad: true },
      { name: 'resizing bilinear cropToAspectRatio', make: () => tfl.layers.resizing({ height: 3, width: 8, cropToAspectRatio: true }), input: [1, 5, 6, 2] },
      { name: 'resizing nearest, rank 3', make: () => tfl.layers.resizing({ height: 4, width: 9, interpolation: 'nearest' }), input: [6, 5, 2] },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const theirs = c.make();
        const data = seededValues(sizeOf(c.input), 70, -2, 2);
        const want = theirs.apply(tf.tensor(data, c.input)) as tf.Tensor;
        const ours = mirror(theirs, c.input);
        const cfg = theirs.getConfig();
        for (const [k, v] of Object.entries(cfg)) if (k !== 'name') expect(ours.getConfig()[k], k).toEqual(v);
        const got = ours.apply(ts.tensor(data, c.input)) as ts.Tensor;
        expect(got.shape).toEqual(want.shape);
        expectClose(got.dataSync(), want.dataSync(), c.name, 1e-5);
        // the output shape of a batch: [batch, height, width, channels] (TF.js's resizing drops the batch dim here)
        expect(ours.computeOutputShape(c.input)).toEqual(want.shape);
        if (c.grad) {
          // The layer is linear in x, so d sum(y * cot) / dx_i = sum(layer(e_i) * cot) with TF.js's forward
          // (tfjs-backend-cpu 4.22's resizeBilinear gradient swaps height and width for non-square images).
          const cot = seededValues(sizeOf(want.shape), 71, -1, 1);
          const n = sizeOf(c.input);
          const dTf = Array.from({ length: n }, (_, i) => {
            const e = new Float32Array(n);
            e[i] = 1;
            return tf.sum(tf.mul(theirs.apply(tf.tensor(e, c.input)) as tf.Tensor, tf.tensor(cot, want.shape))).dataSync()[0];
          });
          const dTs = ts.grad((x: ts.Tensor) => ts.sum(ts.mul(ours.apply(x) as ts.Tensor, ts.tensor(cot, want.shape))))(ts.tensor(data, c.input));
          expectClose(dTs.dataSync(), dTf, `${c.name} d/dx`, 1e-5);
        }
      });
    }

    it('randomWidth: the width is round(f * width) for f in [1 + lower, 1 + upper]; the values are resizeBilinear of that width', () => {
      const shape = [2, 4, 10, 3];
      const data = seededValues(sizeOf(shape), 80, -1, 1);
      const layer = ts.layers.randomWidth({ factor: [-0.5, 0.4], seed: 7 });
      const widths = new Set<number>();
      for (let i = 0; i < 12; i++) {
        const y = layer.apply(ts.tensor(data, shape)) as ts.Tensor;
        const w = y.shape[2];
        expect(w).toBeGreaterThanOrEqual(5);
        expect(w).toBeLessThanOrEqual(14);
        widths.add(w);
        expect(y.shape).toEqual([2, 4, w, 3]);
        const want = tf.image.resizeBilinear(tf.tensor4d(data, shape as [number, number, number, number]), [4, w]);
        expectClose(y.dataSync(), want.dataSync(), `width ${w}`, 1e-5);
      }
      expect(widths.size).toBeGreaterThan(2);
      // the seed advances once per call, as TF.js's RandomSeed, and getConfig reports it
      expect(layer.getConfig().seed).toBe(19);
      const again = ts.layers.randomWidth({ factor: [-0.5, 0.4], seed: 7, interpolation: 'nearest' });
      const first = ts.layers.randomWidth({ factor: [-0.5, 0.4], seed: 7 });
      expect((again.apply(ts.tensor(data, shape)) as ts.Tensor).shape).toEqual((first.apply(ts.tensor(data, shape)) as ts.Tensor).shape);
      expect(layer.computeOutputShape([null, 4, 10, 3])).toEqual([null, 4, null, 3]);
    });
  });
}

describe('resizing / randomWidth / upSampling2d: configs and errors as TF.js', () => {
  it('model.toJSON -> loadLayersModel rebuilds every new layer with the same config; TF.js\'s toJSON has the same classes and keys', async () => {
    await ts.setBackend('js');
    const make = (lib: any, count = 6) => lib.sequential({
      name: 'gap_model',
      layers: [
        lib.layers.upSampling2d({ name: 'up', size: [2, 1], interpolation: 'bilinear', inputShape: [3, 4, 2] }),
        lib.layers.reshape({ name: 'seq', targetShape: [2, 3, 4, 2] }),
        lib.layers.convLstm2d({ name: 'clstm', filters: 2, kernelSize: 2, padding: 'same', returnSequences: true, recurrentInitializer: 'glorotNormal' }),
        lib.layers.reshape({ name: 'img', targetShape: [6, 4, 2] }),
        lib.layers.resizing({ name: 'resize', height: 5, width: 5, interpolation: 'nearest' }),
        lib.layers.randomWidth({ name: 'rw', factor: [0.1, 0.3], seed: 4 }),
      ].slice(0, count),
    });
    const ours = make(ts) as ts.LayersModel;
    const json = ours.toJSON() as string;
    expect(typeof json).toBe('string');
    const topology = JSON.parse(json);
    expect(ours.toJSON(null, false)).toEqual(topology);
    expect(topology.class_name).toBe('Sequential');
    expect(topology.keras_version).toBe(`tfjs-layers ${tfl.version_layers}`);
    // TF.js's own toJSON of the same model (TF.js's Resizing breaks the shapes after it, so stop before)
    const theirs = make(tfl, 4) as tfl.Sequential;
    const theirTopology = JSON.parse(theirs.toJSON() as string);
    theirTopology.config.layers.forEach((l: any, i: number) => {
      const mine = topology.config.layers[i];
      expect(mine.class_name).toBe(l.class_name);
      expect(Object.keys(l.config).filter((k) => !(k in mine.config))).toEqual([]);
    });
    const loaded = await ts.loadLayersModel(ts.io.fromMemory({ modelTopology: topology }));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['UpSampling2D', 'Reshape', 'ConvLSTM2D', 'Reshape', 'Resizing', 'RandomWidth']);
    loaded.layers.forEach((l, i) => expect(plain(l.getConfig()), l.name).toEqual(plain(ours.layers[i].getConfig())));
    expect(loaded.outputs[0].shape).toEqual([null, 5, null, 2]);
  });

  it('configs rebuild through the registry with TF.js keys and defaults', () => {
    for (const theirs of [tfl.layers.randomWidth({ factor: 0.2 }), tfl.layers.randomWidth({ factor: [0.1, 0.3], interpolation: 'nearest', seed: 3 }), tfl.layers.resizing({ height: 2, width: 3 })]) {
      const cfg = theirs.getConfig();
      const ours = layerFromConfig(theirs.getClassName(), { ...cfg });
      const ourCfg = ours.getConfig();
      for (const [k, v] of Object.entries(cfg)) expect(plain(ourCfg[k]), k).toEqual(plain(v));
    }
  });
  it('free every intermediate: a call leaves only its outputs', async () => {
    await ts.setBackend('js');
    const cases: [ts.Layer, number[], Record<string, unknown>?][] = [
      [ts.layers.convLstm2d({ filters: 2, kernelSize: 2, returnSequences: true, returnState: true, dataFormat: 'channelsFirst' }), [1, 3, 2, 4, 4]],
      [ts.layers.convLstm2d({ filters: 2, kernelSize: 2, dropout: 0.2, recurrentDropout: 0.2 }), [2, 2, 3, 3, 1], { training: true }],
      [ts.layers.upSampling2d({ interpolation: 'bilinear', dataFormat: 'channelsFirst' }), [1, 2, 3, 3]],
      [ts.layers.resizing({ height: 2, width: 5 }), [1, 4, 4, 2]],
      [ts.layers.randomWidth({ factor: 0.5 }), [4, 6, 1]],
    ];
    for (const [layer, shape, kwargs] of cases) {
      const x = ts.ones(shape);
      ts.dispose(layer.apply(x, kwargs));
      const before = ts.memory().numTensors;
      const out = layer.apply(x, kwargs) as ts.Tensor | ts.Tensor[];
      const n = Array.isArray(out) ? out.length : 1;
      expect(ts.memory().numTensors - before, layer.name).toBe(n);
      ts.dispose(out);
      x.dispose();
    }
  });

  it('bad arguments throw TF.js messages', () => {
    expect(() => ts.layers.upSampling2d({ interpolation: 'cubic' as any })).toThrow('cubic is not a valid InterpolationFormat.  Valid values are nearest,bilinear or null/undefined.');
    expect(() => ts.layers.resizing({ height: 2, width: 2, interpolation: 'cubic' as any })).toThrow('Invalid interpolation parameter: cubic is not implemented');
    expect(() => ts.layers.randomWidth({ factor: 0.2, interpolation: 'area' as any })).toThrow('Invalid interpolation parameter: area is not implemented');
    expect(() => ts.layers.randomWidth({ factor: -2 })).toThrow('Invalid factor: -2. Must be positive number or tuple of 2 numbers');
    expect(() => ts.layers.randomWidth({ factor: [0.5, 0.1] })).toThrow(/factor cannot have upper bound less than lower bound/);
    expect(() => ts.layers.randomWidth({ factor: [-1.5, 0.1] })).toThrow('factor must have values larger than -1. Got: -1.5,0.1');
    expect(() => ts.layers.resizing({ height: 0, width: 2 })).toThrow(/height and width must be positive integers/);
    expect(() => ts.layers.resizing({ height: 2, width: 2 }).apply(ts.zeros([2, 3]))).toThrow(/rank-3 .* or rank-4/);
  });
});
