/**
 * tf.quantization, quantization-aware training and the accuracy targets of issue 12: the
 * straight-through gradient of fake quantization (TensorFlow's definition, worked by hand), the
 * QuantizeWrapper's moving-average input range and forward pass (against fake quantization
 * written out here), fit + save / load + conversion of a QAT model, and Iris-like data and the
 * demo CNN (examples/workflows/cnn.ts data) pruned to 50% then converted to int8: accuracy within
 * 1 point of the float model, weight data at most 30% of the float32 bytes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { barsData, IMAGE_SIZE } from '../examples/workflows/cnn.js';
import { accuracy, seededInitializers } from '../examples/workflows/common.js';
import { irisLikeData } from './helpers/iris_like.js';

const q = tf.quantization;

beforeAll(async () => {
  expect(await tf.setBackend('js')).toBe(true);
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
  }
}

/** TensorFlow's FakeQuantWithMinMaxVars in float64 (8 bits; narrow: levels 1..255). */
function fakeQuantRef(x: number, min: number, max: number, narrow = false): number {
  const [qmin, qmax] = [narrow ? 1 : 0, 255];
  const scale = (max - min) / (qmax - qmin);
  const zp = Math.floor(Math.min(Math.max(qmin - min / scale, qmin), qmax) + 0.5);
  const [lo, hi] = [(qmin - zp) * scale, (qmax - zp) * scale];
  return Math.floor((Math.min(Math.max(x, lo), hi) - lo) / scale + 0.5) * scale + lo;
}

/** Bytes of the saved weight data (and, for the log, of model.json: topology + weights manifest). */
async function bytesOf(model: tf.LayersModel): Promise<number> {
  let n = 0;
  await model.save(tf.io.withSaveHandler(async (a) => {
    n = (a.weightData as ArrayBuffer).byteLength;
    jsonBytes.set(model, JSON.stringify({ modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }).length);
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return n;
}
const jsonBytes = new Map<tf.LayersModel, number>();

describe('straight-through gradient', () => {
  it('dx passes inside the nudged range; what falls below goes to min, above to max', async () => {
    // nudged range of [-0.1, 1.0] is [-0.0992157, 1.0007843]: -0.2 below, 1.5 above, 0.5 and 0 inside
    const x = tf.tensor([-0.2, 0.5, 1.5, 0]);
    const weights = tf.tensor([1, 2, 3, 4]);
    const [dx, dmin, dmax] = tf.grads((a: tf.Tensor, lo: tf.Tensor, hi: tf.Tensor) => tf.sum(tf.mul(q.fakeQuantWithMinMaxVars(a, lo, hi), weights)))(
      [x, tf.scalar(-0.1), tf.scalar(1.0)]);
    expect(Array.from(await dx.data())).toEqual([0, 2, 0, 4]);
    expect((await dmin.data())[0]).toBe(1);
    expect((await dmax.data())[0]).toBe(3);
  });

  it('per channel: the outside parts summed per channel', async () => {
    const x = tf.tensor2d([[-3, 0.5], [0.2, 5]]);
    const [dx, dmin, dmax] = tf.grads((a: tf.Tensor, lo: tf.Tensor, hi: tf.Tensor) => tf.sum(q.fakeQuantWithMinMaxVarsPerChannel(a, lo, hi)))(
      [x, tf.tensor1d([-1, -2]), tf.tensor1d([1, 2])]);
    expect(Array.from(await dx.data())).toEqual([0, 1, 1, 0]);
    expect(Array.from(await dmin.data())).toEqual([1, 0]);
    expect(Array.from(await dmax.data())).toEqual([0, 1]);
  });
});

describe('quantizeModel (quantization-aware training)', () => {
  const base = () => tf.sequential({ layers: [
    tf.layers.dense({ units: 6, inputShape: [4], activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: 3, activation: 'softmax', name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });

  it('wraps the layers; the input range is the first batch\'s, then a moving average', async () => {
    const qat = q.quantizeModel(base());
    expect(qat.layers.map((l) => l.name)).toEqual(['quant_hidden', 'quant_out']);
    const w = qat.layers[0] as InstanceType<typeof q.QuantizeWrapper>;
    w.apply(tf.tensor2d([[-1, 2, 0.5, 0], [0.1, 0.2, 0.3, 0.4]]), { training: true });
    expect(await w.inputRange()).toEqual([-1, 2]);
    w.apply(tf.tensor2d([[3, 1, 1, 1]]), { training: true }); // batch range [0, 3] (0 included)
    const [lo, hi] = await w.inputRange();
    expect(lo).toBeCloseTo(0.99 * -1 + 0.01 * 0, 6);
    expect(hi).toBeCloseTo(0.99 * 2 + 0.01 * 3, 6);
  });

  it('forward = the wrapped layer on fake-quantized input and per-channel fake-quantized kernel', async () => {
    const model = base();
    const qat = q.quantizeModel(model);
    // (x + 1) * 85 steps away from .5, so float32 and float64 round alike
    const x = tf.tensor2d([[-1, 2, 0.53, 0.031], [0.137, -0.213, 1.317, 0.411]]);
    qat.layers[0].apply(x, { training: true }); // range [-1, 2]
    const y = await (qat.layers[0].apply(x) as tf.Tensor).data();
    const kernel = await model.layers[0].getWeights()[0].data();
    const bias = await model.layers[0].getWeights()[1].data();
    const xs = await x.data();
    const want: number[] = [];
    for (let m = 0; m < 2; m++) for (let n = 0; n < 6; n++) {
      let m2 = 0;
      for (let k = 0; k < 4; k++) m2 = Math.max(m2, Math.abs(kernel[k * 6 + n]));
      let acc = bias[n];
      for (let k = 0; k < 4; k++) acc += fakeQuantRef(xs[m * 4 + k], -1, 2) * fakeQuantRef(kernel[k * 6 + n], -m2, m2, true);
      want.push(Math.max(acc, 0));
    }
    expectClose(y, want, 1e-5);
  });

  it('fits, saves and loads, and converts to int8 on the same grid', async () => {
    const qat = q.quantizeModel(base());
    qat.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
    // irregular values: data sitting exactly on half steps of the grid could round either way in float32
    const xs = tf.tensor2d(Array.from({ length: 48 }, (_, i) => [Math.sin(i), 0.9 * Math.cos(1.7 * i), (i % 5) / 5 + 0.0137, 0.77 * ((i % 3) - 1) + 0.01 * Math.sin(3 * i)]));
    const ys = tf.oneHot(tf.tensor1d(Array.from({ length: 48 }, (_, i) => i % 3), 'int32'), 3);
    const h = await qat.fit(xs, ys, { epochs: 8, batchSize: 16, verbose: 0 });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    let art: tf.io.ModelArtifacts | undefined;
    await qat.save(tf.io.withSaveHandler(async (a) => ((art = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    expect(art!.weightSpecs!.map((s) => s.name)).toEqual([
      'quant_hidden/kernel', 'quant_hidden/bias', 'quant_out/kernel', 'quant_out/bias', // trainable first (TF.js order)
      'quant_hidden/input_min', 'quant_hidden/input_max', 'quant_hidden/range_initialized',
      'quant_out/input_min', 'quant_out/input_max', 'quant_out/range_initialized',
    ]);
    const back = await tf.loadLayersModel(tf.io.fromMemory(art!));
    const qatOut = await (qat.predict(xs) as tf.Tensor).data();
    expect(Array.from(await (back.predict(xs) as tf.Tensor).data())).toEqual(Array.from(qatOut));
    const int8 = await q.quantize(back);
    expect(int8.layers.map((l) => `${l.getClassName()} ${l.name}`)).toEqual(['QuantizedDense hidden', 'QuantizedDense out']);
    const [lo, hi] = await (qat.layers[1] as InstanceType<typeof q.QuantizeWrapper>).inputRange();
    expect([int8.layers[1].getConfig().inputMin, int8.layers[1].getConfig().inputMax]).toEqual([lo, hi]);
    // same input and weight grids: only float32 rounding differs, which can flip a value lying
    // within ~1e-6 of a half step to the other grid point (one step: ~0.01 * |w| here) now and then
    const int8Out = await (int8.predict(xs) as tf.Tensor).data();
    expectClose(int8Out, qatOut, 5e-3);
    const exact = Array.from(int8Out).filter((v, i) => Math.abs(v - qatOut[i]) <= 1e-5).length;
    expect(exact / int8Out.length).toBeGreaterThanOrEqual(0.9);
  });

  it('conv2d and depthwise layers train and convert too', async () => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(4) }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, activation: 'relu6', depthwiseInitializer: init(5) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, kernelInitializer: init(6) }),
    ] });
    const qat = q.quantizeModel(model);
    expect(qat.layers.map((l) => l.getClassName())).toEqual(['QuantizeWrapper', 'QuantizeWrapper', 'Flatten', 'QuantizeWrapper']);
    qat.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
    const xs = tf.sin(tf.range(0, 8 * 72).reshape([8, 6, 6, 2]));
    const ys = tf.cos(tf.range(0, 16).reshape([8, 2]));
    const h = await qat.fit(xs, ys, { epochs: 3, batchSize: 4, verbose: 0 });
    expect((h.history.loss as number[]).every(Number.isFinite)).toBe(true);
    const int8 = await q.quantize(qat);
    expect(int8.layers.map((l) => l.getClassName())).toEqual(['QuantizedConv2D', 'QuantizedDepthwiseConv2D', 'Flatten', 'QuantizedDense']);
    const want = await (qat.predict(xs) as tf.Tensor).data();
    const peak = Array.from(want).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(await (int8.predict(xs) as tf.Tensor).data(), want, 0.01 * peak);
  });

  it('functional models: the wrappers take the layers\' places in the graph, and the int8 layers their names back', async () => {
    const input = tf.input({ shape: [3] });
    const a = tf.layers.dense({ units: 4, name: 'a', activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 4, name: 'b' }).apply(input) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1, name: 'out' }).apply(tf.layers.add().apply([a, b]) as tf.SymbolicTensor);
    const model = tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
    const qat = q.quantizeModel(model, { layers: ['a', 'out'] });
    expect(qat.layers.map((l) => `${l.getClassName()} ${l.name}`).filter((n) => !/^(InputLayer|Add) /.test(n)))
      .toEqual(['QuantizeWrapper quant_a', 'Dense b', 'QuantizeWrapper quant_out']);
    qat.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const xs = tf.tensor2d([[0.1, -0.5, 0.7], [0.9, 0.3, -0.2]]);
    await qat.fit(xs, tf.tensor2d([[1], [-1]]), { epochs: 2, verbose: 0 });
    const int8 = await q.quantize(qat, { calibrationData: xs }); // 'b' is calibrated, 'a' and 'out' use their trained ranges
    expect(['a', 'b', 'out'].map((n) => int8.getLayer(n).getClassName())).toEqual(['QuantizedDense', 'QuantizedDense', 'QuantizedDense']);
    expect(int8.getLayer('a').getConfig().inputMin).toBe((await (qat.getLayer('quant_a') as InstanceType<typeof q.QuantizeWrapper>).inputRange())[0]);
    expect((int8.predict(xs) as tf.Tensor).shape).toEqual([2, 1]);
  });

  it('errors name the layer or the model', () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2] })] });
    expect(() => q.quantizeModel(model)).toThrow(/quantization.quantizeModel: model '.*' has no quantizable layer/);
    expect(() => q.quantizeModel(base(), { layers: ['nope'] })).toThrow(/no layer named "nope"/);
  });
});

/** Three noisy 4-feature classes around Iris's class centres, deterministic. */
function irisLike(n: number, seed: number) {
  const { features, labels } = irisLikeData(n, seed, 1.6);
  return { xs: tf.tensor2d(features), labels };
}

/** Prune to 50% while fine-tuning (tf.pruning), strip, convert to int8 calibrated on the training inputs. */
async function pruneAndQuantize(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, lr: number, batchSize: number, epochs: number) {
  const pruned = tf.pruning.pruneLowMagnitude(model, { schedule: tf.pruning.polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 10, frequency: 2 }) });
  pruned.compile({ optimizer: tf.train.adam(lr), loss: 'sparseCategoricalCrossentropy' });
  await pruned.fit(x, y, { epochs, batchSize, shuffle: false, verbose: 0, callbacks: [tf.pruning.updatePruningStep()] });
  const stripped = tf.pruning.strip(pruned);
  const report = (await tf.pruning.sparsityReport(pruned)).filter((r) => r.pruned);
  expect(report.every((r) => r.zeros === Math.round(r.size / 2))).toBe(true);
  return { stripped, int8: await q.quantize(pruned, { calibrationData: x }) };
}

// these run on the wasm backend (training and its int8 kernels), as an application would
describe('accuracy and size targets: pruned to 50% + int8', () => {
  it('Iris-like MLP loses at most 1 point; int8 weights <= 30% of float32', async () => {
    const train = irisLike(150, 7);
    const test = irisLike(300, 99);
    const yTrain = tf.tensor1d(train.labels, 'int32');
    const init = seededInitializers(tf as any, 3);
    const model = tf.sequential({ layers: [
      tf.layers.dense({ units: 128, inputShape: [4], activation: 'relu', kernelInitializer: init(0) }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(2) }),
    ] });
    expect(await tf.setBackend('wasm')).toBe(true);
    model.compile({ optimizer: tf.train.adam(0.003), loss: 'sparseCategoricalCrossentropy' });
    await model.fit(train.xs, yTrain, { epochs: 60, batchSize: 30, shuffle: false, verbose: 0 });
    const acc = async (m: tf.LayersModel) => accuracy(tf as any, m.predict(test.xs) as tf.Tensor, test.labels);
    const { stripped, int8 } = await pruneAndQuantize(model, train.xs, yTrain, 0.003, 30, 12);
    const [floatAcc, prunedAcc, int8Acc] = [await acc(model), await acc(stripped), await acc(int8)];
    const [floatBytes, int8Bytes] = [await bytesOf(model), await bytesOf(int8)];
    console.log(`Iris-like (300 held out): float ${floatAcc}, pruned 50% ${prunedAcc}, int8 ${int8Acc}; weights ${floatBytes} -> ${int8Bytes} bytes (${(100 * int8Bytes / floatBytes).toFixed(1)}%); model.json ${jsonBytes.get(model)} -> ${jsonBytes.get(int8)}`);
    expect(floatAcc).toBeGreaterThanOrEqual(0.85);
    expect(int8Acc).toBeGreaterThanOrEqual(floatAcc - 0.01);
    expect(int8Bytes / floatBytes).toBeLessThanOrEqual(0.3);
  });

  it('demo CNN loses at most 1 point; int8 weights <= 30% of float32', async () => {
    const toTensors = (d: { pixels: Float32Array; labels: number[] }) =>
      [tf.tensor4d(d.pixels, [d.labels.length, IMAGE_SIZE, IMAGE_SIZE, 1]), tf.tensor1d(d.labels, 'int32')] as const;
    const test = barsData(1 + 7919, 200);
    const [xTrain, yTrain] = toTensors(barsData(1, 300));
    const [xTest] = toTensors(test);
    const init = seededInitializers(tf as any, 1);
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(0) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.flatten({}),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(2) }),
    ] });
    expect(await tf.setBackend('wasm')).toBe(true);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
    await model.fit(xTrain, yTrain, { epochs: 8, batchSize: 32, shuffle: false, verbose: 0 });
    const acc = async (m: tf.LayersModel) => accuracy(tf as any, m.predict(xTest) as tf.Tensor, test.labels);
    const { stripped, int8 } = await pruneAndQuantize(model, xTrain, yTrain, 0.002, 32, 3);
    const [floatAcc, prunedAcc, int8Acc] = [await acc(model), await acc(stripped), await acc(int8)];
    const [floatBytes, int8Bytes] = [await bytesOf(model), await bytesOf(int8)];
    console.log(`demo CNN (200 held out): float ${floatAcc}, pruned 50% ${prunedAcc}, int8 ${int8Acc}; weights ${floatBytes} -> ${int8Bytes} bytes (${(100 * int8Bytes / floatBytes).toFixed(1)}%); model.json ${jsonBytes.get(model)} -> ${jsonBytes.get(int8)}`);
    expect(floatAcc).toBeGreaterThanOrEqual(0.9);
    expect(int8Acc).toBeGreaterThanOrEqual(floatAcc - 0.01);
    expect(int8Bytes / floatBytes).toBeLessThanOrEqual(0.3);
  });
});
