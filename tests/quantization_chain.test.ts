/**
 * The int8 chain of a quantized model (issue 12, src/quantization/int8_chain.ts): consecutive int8
 * layers pass packed int8 activations (the producer's epilogue writes int8 in the consumer's input
 * parameters) instead of float32 quantized again by the consumer. Checked: which layers link (direct,
 * through Flatten / Dropout, not through a Flatten that would need repacking, not out of the model);
 * through MaxPooling2D (int8MaxPool on the codes) and relu / relu6 layers (folded into the producer's
 * epilogue), not through other activations;
 * the predict plan holds one quantizeInt8 per chain; predictions bit-identical to the unchained
 * float-between-layers path (same epilogue y, same quantize formula: see int8_chain.ts) on js and
 * wasm, wasm within 1e-6 of the js reference (the float32 softmax at the end); an Iris-like MLP within 1 point of the float model's
 * accuracy; the demo CNN chains its second conv into the dense; save / load links the same chains;
 * a training-mode call passes float32.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { int8MaxPool } from '../src/ops/quantized_pool.js';
import { accuracy, seededInitializers } from '../examples/workflows/common.js';
import { barsCnn, barsData, IMAGE_SIZE } from '../examples/workflows/cnn.js';
import { irisLikeData } from './helpers/iris_like.js';
import { chainSummary, int8Kernels, linksOf, randomTensor, unchain, values } from './helpers/int8_chain.js';

const q = tf.quantization;

beforeAll(async () => {
  tf.wasm.setThreadsCount(2);
  expect(await tf.setBackend('js')).toBe(true);
});
afterAll(async () => {
  await tf.setBackend('js');
});

/** conv 8 -> depthwise -> conv 4 -> flatten -> dropout -> dense 6 relu -> dense 5 softmax. */
function convChainModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: 'ones' }),
    tf.layers.depthwiseConv2d({ kernelSize: 2, strides: 2, activation: 'relu6', depthwiseInitializer: init(2), biasInitializer: tf.initializers.constant({ value: 0.05 }) }),
    tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'linear', kernelInitializer: init(3) }),
    tf.layers.flatten(),
    tf.layers.dropout({ rate: 0.5, seed: 17 }),
    tf.layers.dense({ units: 6, activation: 'relu', kernelInitializer: init(4) }),
    tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(5) }),
  ] });
}

/** conv 6 (linear) -> max pool 2 'same' (9 -> 5) -> relu -> conv 8 -> ReLU(6) -> max pool 2 -> flatten -> dense 5 softmax. */
function poolChainModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 6, kernelSize: 3, padding: 'same', kernelInitializer: init(1), biasInitializer: tf.initializers.constant({ value: -0.05 }) }),
    tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
    tf.layers.activation({ activation: 'relu' }),
    tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: init(2), biasInitializer: tf.initializers.constant({ value: 0.1 }) }),
    tf.layers.reLU({ maxValue: 6 }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(3) }),
  ] });
}

describe('int8 chain: which layers link', () => {
  it('conv -> depthwise -> conv -> flatten -> dropout -> dense -> dense: one quantize for the whole chain', async () => {
    const int8 = await q.quantize(convChainModel(), { calibrationData: randomTensor([8, 9, 9, 3], 11) });
    expect(chainSummary(int8)).toEqual(['out', 'in+out', 'in+out', '', '', 'in+out', 'in']);
    // each producer writes with its consumer's input parameters (from calibration)
    const layers = int8.layers.filter((l) => linksOf(l));
    for (let i = 0; i + 1 < layers.length; i++) {
      const cfg = layers[i + 1].getConfig() as Record<string, number>;
      expect(linksOf(layers[i])!.int8Output).toEqual({ scale: cfg.inputScale, zeroPoint: cfg.inputZeroPoint });
    }
    const x = randomTensor([3, 9, 9, 3], 5, 0.9);
    expect(int8Kernels(int8, x)).toEqual(['quantizeInt8', 'int8Conv2d', 'int8DepthwiseConv2d', 'int8Conv2d', 'int8MatMul', 'int8MatMul']);
  });

  it('the demo CNN (conv 4 -> max pool -> conv 8 -> flatten -> dense softmax): one chain through the max pool', async () => {
    const { pixels } = barsData(3, 20);
    const x = tf.tensor(pixels, [20, IMAGE_SIZE, IMAGE_SIZE, 1]);
    const int8 = await q.quantize(barsCnn(tf as never, 1) as never, { calibrationData: x }) as tf.LayersModel;
    const plain = await q.quantize(barsCnn(tf as never, 1) as never, { calibrationData: x }) as tf.LayersModel;
    unchain(plain);
    // the max pool runs on the int8 codes (int8MaxPool), so the first conv writes int8 for the second
    expect(chainSummary(int8)).toEqual(['out', '', 'in+out', '', 'in']);
    expect(int8Kernels(int8, x)).toEqual(['quantizeInt8', 'int8Conv2d', 'int8MaxPool', 'int8Conv2d', 'int8MatMul']);
    expect(int8Kernels(plain, x)).toEqual(['quantizeInt8', 'int8Conv2d', 'quantizeInt8', 'int8Conv2d', 'quantizeInt8', 'int8MatMul']);
    expect(await values(int8.predict(x))).toEqual(await values(plain.predict(x)));
  });

  it('through max pooling and relu / relu6 layers: the relus fold into the producer epilogue, the pools run on codes', async () => {
    const int8 = await q.quantize(poolChainModel(), { calibrationData: randomTensor([8, 9, 9, 3], 11) });
    expect(chainSummary(int8)).toEqual(['out', '', '', 'in+out', '', '', '', 'in']);
    const [c1, c2] = int8.layers.filter((l) => linksOf(l));
    // linear conv + relu layer -> relu; linear conv + ReLU(maxValue 6) -> relu6; the saved configs keep 'linear'
    expect([c1, c2].map((l) => (linksOf(l) as { int8OutputActivation?: string }).int8OutputActivation)).toEqual(['relu', 'relu6']);
    expect([c1, c2].map((l) => l.getConfig().activation)).toEqual(['linear', 'linear']);
    expect(int8Kernels(int8, randomTensor([2, 9, 9, 3], 4))).toEqual(['quantizeInt8', 'int8Conv2d', 'int8MaxPool', 'int8Conv2d', 'int8MaxPool', 'int8MatMul']);
  });

  it('does not link through an activation that does not fold (elu layer, tanh producer then relu)', async () => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, activation: 'tanh', kernelInitializer: init(1) }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(2) }),
      tf.layers.activation({ activation: 'elu' }),
      tf.layers.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(3) }),
      tf.layers.reLU({ maxValue: 3 }),
      tf.layers.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(4) }),
    ] });
    const int8 = await q.quantize(model, { calibrationData: randomTensor([4, 6, 6, 2], 3) });
    expect(chainSummary(int8)).toEqual(['-', '', '-', '', '-', '', '-']);
  });

  it('does not link through a flatten that would need repacking, out of the model, or to a float consumer', async () => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    // 6 channels: the packed rows [.., 2] hold 2 padding bytes each, so flatten is not a relabelling
    const input = tf.input({ shape: [6, 6, 2] });
    const c1 = tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: init(1), name: 'c1' }).apply(input) as tf.SymbolicTensor;
    const flat = tf.layers.flatten().apply(c1) as tf.SymbolicTensor;
    const d1 = tf.layers.dense({ units: 8, kernelInitializer: init(2), name: 'd1' }).apply(flat) as tf.SymbolicTensor;
    // d1 feeds two consumers: stays float32
    const d2 = tf.layers.dense({ units: 4, activation: 'relu', kernelInitializer: init(3), name: 'd2' }).apply(d1) as tf.SymbolicTensor;
    const d3 = tf.layers.dense({ units: 4, kernelInitializer: init(4), name: 'd3' }).apply(d1) as tf.SymbolicTensor;
    // d2 feeds d4 but is also a model output: stays float32; d3 feeds a float layer (activation)
    const d4 = tf.layers.dense({ units: 3, kernelInitializer: init(5), name: 'd4' }).apply(d2) as tf.SymbolicTensor;
    const act = tf.layers.activation({ activation: 'tanh' }).apply(d3) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [d2, d4, act] });
    const int8 = await q.quantize(model, { calibrationData: randomTensor([4, 6, 6, 2], 3) });
    expect(Object.fromEntries(int8.layers.filter((l) => linksOf(l)).map((l) => [l.name, linksOf(l)]))).toEqual(
      Object.fromEntries(['c1', 'd1', 'd2', 'd3', 'd4'].map((n) => [n, { int8Input: false, int8Output: null }])));
  });
});

describe('int8MaxPool: max pooling on int8 codes', () => {
  for (const backend of ['js', 'wasm']) {
    it(`${backend}: equals quantizing the float maxPool of the dequantized values (js reference), padding bytes included`, async () => {
      const cases: [number[], number | [number, number], number | [number, number], 'valid' | 'same'][] = [
        [[2, 7, 6, 6], 2, 2, 'same'], [[1, 5, 5, 3], 3, 1, 'valid'], [[1, 4, 3, 5], [1, 1], 2, 'same'], [[1, 3, 3, 8], [2, 3], [1, 2], 'same'],
        // 21 channels: 6 words, four a v128 on wasm, then two one at a time
        [[2, 5, 4, 21], 2, 1, 'same'], [[1, 6, 6, 32], 3, 2, 'valid'],
      ];
      for (const [shape, filter, strides, pad] of cases) {
        expect(await tf.setBackend('js')).toBe(true);
        const xf = randomTensor(shape, shape.length * 7 + shape[3], 1.3);
        const xq = q.quantizeInt8(xf, 0.01, -7);
        const want = q.quantizeInt8(tf.maxPool(q.dequantizeInt8(xq), filter, strides, pad), 0.01, -7);
        const wantWords = await values(want.packed);
        expect(await tf.setBackend(backend)).toBe(true);
        const xb = new q.Int8Tensor(tf.tensor(await values(xq.packed), xq.packed.shape, 'int32'), xq.shape, 0.01, -7);
        const got = int8MaxPool(xb, filter, strides, pad);
        expect([got.shape, got.scale, got.zeroPoint]).toEqual([want.shape, want.scale, want.zeroPoint]);
        // the words: values and padding bytes (the zero point, as quantizeInt8 writes them)
        expect(await values(got.packed)).toEqual(wantWords);
      }
      await tf.setBackend('js');
    });
  }

  it('bad input is a clear error', () => {
    const xq = q.quantizeInt8(tf.zeros([3, 3, 2]), 0.1, 0);
    expect(() => int8MaxPool(xq, 2, 2, 'valid')).toThrow(/int8MaxPool: x must be rank 4 \[batch, height, width, channels\], got shape \[3,3,2\]/);
    expect(() => int8MaxPool(tf.zeros([1, 3, 3, 2]) as never, 2, 2, 'valid')).toThrow(/int8MaxPool: x must be an Int8Tensor/);
    expect(() => int8MaxPool(q.quantizeInt8(tf.zeros([1, 3, 3, 2]), 0.1, 0), 1, 1, 1 as never)).toThrow(/int8MaxPool: pad must be 'valid' or 'same', got 1/);
  });
});

describe('int8 chain: same predictions as the float-between-layers path', () => {
  for (const [backend, makeModel, quantizes] of [['js', convChainModel, 5], ['wasm', convChainModel, 5], ['js', poolChainModel, 3], ['wasm', poolChainModel, 3]] as const) {
    it(`${backend}, ${makeModel.name}: chained predict is bit-identical to quantizing in each consumer, and matches the js reference`, async () => {
      expect(await tf.setBackend('js')).toBe(true);
      const model = makeModel();
      const calib = randomTensor([8, 9, 9, 3], 11);
      const chained = await q.quantize(model, { calibrationData: calib });
      const plain = await q.quantize(model, { calibrationData: calib });
      unchain(plain);
      const x = randomTensor([5, 9, 9, 3], 7, 1.2); // beyond the calibrated range too: clamping
      const reference = await values(plain.predict(x)); // the js kernels, unchained
      expect(await tf.setBackend(backend)).toBe(true);
      const xb = tf.tensor(await x.data(), x.shape);
      expect(int8Kernels(plain, xb).filter((k) => k === 'quantizeInt8')).toHaveLength(quantizes);
      expect(int8Kernels(chained, xb).filter((k) => k === 'quantizeInt8')).toHaveLength(1);
      const got = await values(chained.predict(xb));
      expect(got).toEqual(await values(plain.predict(xb)));
      // the int8 layers are bit-exact across backends (tests/int8_ops.test.ts); the float32 softmax
      // after the last one differs from the js reference in the last bits on wasm (its exp)
      if (backend === 'js') expect(got).toEqual(reference);
      else for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - reference[i])).toBeLessThanOrEqual(1e-6);
      expect(await values(chained.predict(xb))).toEqual(got); // replayed plan
      expect(got.every((v) => Number.isFinite(v))).toBe(true);
      await tf.setBackend('js');
    });
  }

  it('the relu fold matters where a consumer\'s zero point is not the lowest code: still bit-identical to unchained', async () => {
    // calibrated after a relu, the consumers' zero point is -128 and clamping alone gives relu; a
    // zero point of 0 (as set by hand or trained ranges) keeps negative codes unless the relu is folded
    const int8 = await q.quantize(poolChainModel(), { calibrationData: randomTensor([8, 9, 9, 3], 11) });
    let saved: tf.io.ModelArtifacts | undefined;
    await int8.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const zeroPoints = (o: unknown): void => {
      if (o && typeof o === 'object') {
        if ('input_zero_point' in o) (o as { input_zero_point: number }).input_zero_point = 0;
        Object.values(o).forEach(zeroPoints);
      }
    };
    zeroPoints(saved!.modelTopology);
    const load = () => tf.loadLayersModel(tf.io.fromMemory(saved!));
    const [chained, plain, unfolded] = [await load(), await load(), await load()];
    expect(chained.layers.filter((l) => linksOf(l)).map((l) => l.getConfig().inputZeroPoint)).toEqual([0, 0, 0]);
    unchain(plain);
    for (const l of unfolded.layers) if (linksOf(l)) delete (linksOf(l) as { int8OutputActivation?: string }).int8OutputActivation;
    const x = randomTensor([4, 9, 9, 3], 31, 1.2);
    const got = await values(chained.predict(x));
    expect(got).toEqual(await values(plain.predict(x)));
    expect(await values(unfolded.predict(x))).not.toEqual(got);
  });

  it('a training-mode call of the pool / relu chain passes float32 through the float layers: same as unchained', async () => {
    const model = poolChainModel();
    const calib = randomTensor([8, 9, 9, 3], 11);
    const chained = await q.quantize(model, { calibrationData: calib });
    const plain = await q.quantize(model, { calibrationData: calib });
    unchain(plain);
    const x = randomTensor([3, 9, 9, 3], 23);
    expect(await values(chained.apply(x, { training: true }) as tf.Tensor)).toEqual(await values(plain.apply(x, { training: true }) as tf.Tensor));
    // and a chained max pool layer still pools a float32 input itself
    const pool = chained.layers[1];
    const f = randomTensor([1, 4, 4, 2], 2);
    expect(await values(pool.apply(f) as tf.Tensor)).toEqual(await values(tf.maxPool(f, 2, 2, 'same')));
  });

  it('a training-mode call passes float32 (Dropout then scales it): same as unchained with the same dropout seed', async () => {
    const model = convChainModel();
    const calib = randomTensor([8, 9, 9, 3], 11);
    const chained = await q.quantize(model, { calibrationData: calib });
    const plain = await q.quantize(model, { calibrationData: calib });
    unchain(plain);
    const x = randomTensor([4, 9, 9, 3], 19);
    const got = await values(chained.apply(x, { training: true }) as tf.Tensor);
    expect(got).toEqual(await values(plain.apply(x, { training: true }) as tf.Tensor));
    // and the dropout did act (not the inference output)
    expect(got).not.toEqual(await values(chained.predict(x)));
  });

  it('layer by layer: a chained producer gives packed int8 (int32); its consumer takes float32 too', async () => {
    const int8 = await q.quantize(convChainModel(), { calibrationData: randomTensor([8, 9, 9, 3], 11) });
    const x = randomTensor([2, 9, 9, 3], 9);
    const packed = int8.layers[0].apply(x) as tf.Tensor;
    expect(packed.dtype).toBe('int32');
    expect(packed.shape).toEqual([2, 9, 9, 2]); // 8 channels, four per int32
    const cfg = int8.layers[1].getConfig() as Record<string, number>;
    const real = q.dequantizeInt8(new q.Int8Tensor(packed, [2, 9, 9, 8], cfg.inputScale, cfg.inputZeroPoint));
    const fromPacked = await values(int8.layers[1].apply(packed) as tf.Tensor);
    expect(await values(int8.layers[1].apply(real) as tf.Tensor)).toEqual(fromPacked);
    // a packed input of the wrong width is an error naming the shapes
    expect(() => int8.layers[1].apply(tf.zeros([2, 9, 9, 3], 'int32'))).toThrow(/packed int8 input .* must have last dimension 2 \(8 int8 values, four per element\), got shape \[2,9,9,3\]/);
  });
});

describe('int8 chain: accuracy and save / load', () => {
  it('Iris-like MLP (dense relu -> dense relu -> dense softmax): chained int8 within 1 point of float (wasm)', async () => {
    const data = (n: number, seed: number) => {
      const { features, labels } = irisLikeData(n, seed, 1.6);
      return { xs: tf.tensor2d(features), labels };
    };
    const train = data(150, 7);
    const test = data(300, 99);
    const init = seededInitializers(tf as never, 3);
    const model = tf.sequential({ layers: [
      tf.layers.dense({ units: 32, inputShape: [4], activation: 'relu', kernelInitializer: init(0) }),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(2) }),
    ] });
    expect(await tf.setBackend('wasm')).toBe(true);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
    await model.fit(train.xs, tf.tensor1d(train.labels, 'int32'), { epochs: 60, batchSize: 16, shuffle: false, verbose: 0 });
    const int8 = await q.quantize(model, { calibrationData: train.xs });
    expect(chainSummary(int8)).toEqual(['out', 'in+out', 'in']);
    expect(int8Kernels(int8, test.xs)).toEqual(['quantizeInt8', 'int8MatMul', 'int8MatMul', 'int8MatMul']);
    const floatAcc = await accuracy(tf as never, model.predict(test.xs) as never, test.labels);
    const int8Acc = await accuracy(tf as never, int8.predict(test.xs) as never, test.labels);
    console.log(`Iris-like MLP 4-32-16-3 (300 held out), wasm: float ${floatAcc}, int8 chained ${int8Acc}`);
    expect(floatAcc).toBeGreaterThan(0.8);
    expect(int8Acc).toBeGreaterThanOrEqual(floatAcc - 0.01);
    await tf.setBackend('js');
  });

  for (const makeModel of [convChainModel, poolChainModel]) it(`a saved int8 model (${makeModel.name}) loads with the same chains and predicts the same`, async () => {
    const int8 = await q.quantize(makeModel(), { calibrationData: randomTensor([8, 9, 9, 3], 11) });
    let saved: tf.io.ModelArtifacts | undefined;
    await int8.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const back = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(chainSummary(back)).toEqual(chainSummary(int8));
    const x = randomTensor([3, 9, 9, 3], 13);
    expect(int8Kernels(back, x)).toEqual(int8Kernels(int8, x));
    expect(await values(back.predict(x))).toEqual(await values(int8.predict(x)));
  });
});
