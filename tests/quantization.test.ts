/**
 * tf.quantization, post-training int8 (issue 12): fakeQuantWithMinMaxVars against TensorFlow's
 * documented nudge worked by hand; calibration observers; quantize() on a float model: int8 weights
 * against the per-channel formula, predictions against a float64 simulation of the quantized
 * arithmetic written here (quantized inputs, exact integer sums, dequantized per-channel scales),
 * closeness to the float model within a bound from the scales, and the save / load round trip
 * (identical predictions, int8 bytes in the weight data, size against float32).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';

const q = tf.quantization;

beforeAll(async () => {
  expect(await tf.setBackend('js')).toBe(true);
});

/** Every |a - b| <= tol (NaN fails). */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number | ((i: number) => number)): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const t = typeof tol === 'number' ? tol : tol(i);
    if (!(Math.abs(actual[i] - expected[i]) <= t)) throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${t})`);
  }
}

/** A deterministic generator of floats in [-1, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1;
}

function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const r = lcg(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * scale), shape);
}

async function saveToMemory(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

describe('fakeQuantWithMinMaxVars (TensorFlow nudge, worked by hand)', () => {
  it('8 bits over [-0.1, 1.0]: scale 1.1/255, zero point 23, nudged range [-23, 232] * scale', async () => {
    // scale = 1.1/255 = 0.00431373; zero point from min = 0.1/scale = 23.18 -> 23;
    // nudged min = -23 * scale = -0.0992157, nudged max = 232 * scale = 1.0007843.
    // 0.5: (0.5 + 0.0992157)/scale + 0.5 = 139.41 -> 139 -> 139 * scale - 0.0992157 = 0.5003922.
    // 0.25: 81.955 -> 81 -> 0.2501961; -0.2 / 1.5 clamp to the nudged ends; 0 stays 0.
    const y = q.fakeQuantWithMinMaxVars(tf.tensor([-0.2, 0.5, 1.5, 0, 0.25]), -0.1, 1.0);
    expectClose(await y.data(), [-0.0992157, 0.5003922, 1.0007843, 0, 0.2501961], 1e-6);
  });

  it('a range without 0 is moved to start at 0 (TF: min_adj = 0, max_adj = max - min)', async () => {
    // [0.5, 1.5]: zero point from min = -127.5 < 0 -> 0, nudged range [0, 255 * (1/255)] = [0, 1].
    // 0.25 -> floor(63.75 + 0.5) = 64 -> 64/255 = 0.2509804; 1.2 clamps to 1.
    const y = q.fakeQuantWithMinMaxVars(tf.tensor([0.25, 1.2, -3]), 0.5, 1.5);
    expectClose(await y.data(), [0.2509804, 1, 0], 1e-6);
  });

  it('per channel, 2 bits, narrow range: levels {1, 2, 3} over each channel\'s range', async () => {
    // channel 0 [-1, 1]: scale 1, zero point 2, grid {-1, 0, 1}; channel 1 [-2, 2]: scale 2, grid {-2, 0, 2}.
    // 0.3 -> 0, 0.6 -> 1 (ch 0); 0.3 -> 0, 1.1 -> 2 (ch 1, floor(3.1/2 + 0.5) = 2 -> 2*2 - 2).
    const y = q.fakeQuantWithMinMaxVarsPerChannel(tf.tensor2d([[0.3, 0.3], [0.6, 1.1]]), [-1, -2], [1, 2], { numBits: 2, narrowRange: true });
    expectClose(await y.data(), [0, 0, 1, 2], 1e-6);
  });

  it('rejects bad numBits, min >= max and a per-channel range of the wrong length', () => {
    expect(() => q.fakeQuantWithMinMaxVars(tf.tensor([1]), -1, 1, { numBits: 1 })).toThrow(/numBits should be between 2 and 16/);
    expect(() => q.fakeQuantWithMinMaxVars(tf.tensor([1]), 1, 1)).toThrow(/fakeQuantWithMinMaxVars: min has to be smaller than max/);
    expect(() => q.fakeQuantWithMinMaxVarsPerChannel(tf.tensor2d([[1, 2]]), [-1], [1])).toThrow(/min must have shape \[2\]/);
  });
});

describe('calibration observers', () => {
  it('min/max and percentiles of 0..999', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => i);
    const mm = new q.MinMaxObserver();
    mm.observe(values.subarray(0, 500));
    mm.observe(values.subarray(500));
    expect(mm.range()).toEqual([0, 999]);
    const p = new q.PercentileObserver(99);
    p.observe(values);
    // sorted[round(0.01 * 999)] = 10, sorted[round(0.99 * 999)] = 989
    expect(p.range()).toEqual([10, 989]);
    expect(() => mm.observe([NaN])).toThrow(/NaN/);
  });
});

/** Round half to even, as the int8 quantize contract. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
const quantizeRef = (x: number, scale: number, zp: number) =>
  Math.min(127, Math.max(-128, roundHalfEven(Math.fround(x / Math.fround(scale))) + zp));
const ACT: Record<string, (v: number) => number> = { linear: (v) => v, relu: (v) => Math.max(v, 0) };

/**
 * float64 simulation of one int8 layer on input x (NHWC or [M, K]): quantize x with the layer's
 * input parameters, integer sums against the int8 kernel, times inputScale * scale[c], plus bias,
 * activation (softmax over the last axis).
 */
async function simulateLayer(layer: tf.layers.Layer, x: tf.Tensor): Promise<Float64Array> {
  const cfg = layer.getConfig() as Record<string, any>;
  const [kernelT, scalesT, biasT] = layer.getWeights();
  const w = await kernelT.data();
  const s = await scalesT.data();
  const b = biasT ? await biasT.data() : null;
  const xs = await x.data();
  const qx = Array.from(xs, (v) => quantizeRef(v, cfg.inputScale, cfg.inputZeroPoint) - cfg.inputZeroPoint);
  const cls = layer.getClassName();
  let out: Float64Array;
  let channels: number;
  if (cls === 'QuantizedDense') {
    const [K, N] = kernelT.shape;
    const M = xs.length / K;
    channels = N;
    out = new Float64Array(M * N);
    for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += qx[m * K + k] * w[k * N + n];
      out[m * N + n] = cfg.inputScale * s[n] * acc + (b ? b[n] : 0);
    }
  } else {
    const [B, H, W, C] = x.shape;
    const [fh, fw] = cfg.kernelSize;
    const [sh, sw] = cfg.strides;
    const [dh, dw] = cfg.dilationRate;
    const depthwise = cls === 'QuantizedDepthwiseConv2D';
    const outC = depthwise ? C : kernelT.shape[3];
    channels = outC;
    const span = (f: number, d: number) => (f - 1) * d + 1;
    const outH = cfg.padding === 'same' ? Math.ceil(H / sh) : Math.ceil((H - span(fh, dh) + 1) / sh);
    const outW = cfg.padding === 'same' ? Math.ceil(W / sw) : Math.ceil((W - span(fw, dw) + 1) / sw);
    const padTop = cfg.padding === 'same' ? Math.floor(Math.max((outH - 1) * sh + span(fh, dh) - H, 0) / 2) : 0;
    const padLeft = cfg.padding === 'same' ? Math.floor(Math.max((outW - 1) * sw + span(fw, dw) - W, 0) / 2) : 0;
    out = new Float64Array(B * outH * outW * outC);
    for (let bi = 0; bi < B; bi++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let co = 0; co < outC; co++) {
      let acc = 0;
      for (let ky = 0; ky < fh; ky++) for (let kx = 0; kx < fw; kx++) {
        const iy = oy * sh - padTop + ky * dh;
        const ix = ox * sw - padLeft + kx * dw;
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue; // padding is real 0
        const base = ((bi * H + iy) * W + ix) * C;
        if (depthwise) acc += qx[base + co] * w[(ky * fw + kx) * C + co];
        else for (let ci = 0; ci < C; ci++) acc += qx[base + ci] * w[((ky * fw + kx) * C + ci) * outC + co];
      }
      out[((bi * outH + oy) * outW + ox) * outC + co] = cfg.inputScale * s[co] * acc + (b ? b[co] : 0);
    }
  }
  if (cfg.activation === 'softmax') {
    for (let r = 0; r < out.length; r += channels) {
      const row = out.subarray(r, r + channels);
      const mx = Math.max(...row);
      let sum = 0;
      for (let j = 0; j < channels; j++) sum += (row[j] = Math.exp(row[j] - mx));
      for (let j = 0; j < channels; j++) row[j] /= sum;
    }
  } else out.forEach((v, i) => (out[i] = ACT[cfg.activation](v)));
  for (const t of [kernelT, scalesT, biasT]) t?.dispose();
  return out;
}

function cnnModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 6, kernelSize: 3, padding: 'same', strides: 2, activation: 'relu', kernelInitializer: init(1), biasInitializer: 'ones' }),
    tf.layers.depthwiseConv2d({ kernelSize: 2, dilationRate: 1, activation: 'relu', depthwiseInitializer: init(2), biasInitializer: tf.initializers.constant({ value: 0.05 }) }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(3) }),
  ] });
}

describe('quantize (post-training int8)', () => {
  it('int8 kernels are the per-channel symmetric quantization of the float kernels', async () => {
    const model = cnnModel();
    const int8 = await q.quantize(model, { calibrationData: randomTensor([8, 9, 9, 3], 11) });
    expect(int8.layers.map((l) => l.getClassName())).toEqual(['QuantizedConv2D', 'QuantizedDepthwiseConv2D', 'MaxPooling2D', 'Flatten', 'QuantizedDense']);
    for (const [i, channelAxis] of [[0, 3], [1, 2], [4, 1]]) {
      const wf = model.layers[i].getWeights()[0];
      const [wqT, sT] = int8.layers[i].getWeights();
      const w = await wf.data();
      const wq = await wqT.data();
      const s = await sT.data();
      const shape = wf.shape;
      const stride = shape.slice(channelAxis + 1).reduce((a, b) => a * b, 1);
      const maxAbs = new Float64Array(shape[channelAxis]);
      w.forEach((v, j) => { const c = Math.floor(j / stride) % shape[channelAxis]; maxAbs[c] = Math.max(maxAbs[c], Math.abs(v)); });
      expectClose(s, Array.from(maxAbs, (m) => m / 127), (c) => 1e-6 * s[c]); // scale = max|w| / 127
      for (let j = 0; j < w.length; j++) {
        const c = Math.floor(j / stride) % shape[channelAxis];
        expect(wq[j]).toBe(roundHalfEven(w[j] / s[c])); // never a tie with these random weights
      }
    }
  });

  it('each int8 layer equals a float64 simulation of the int8 arithmetic; the model stays near the float one', async () => {
    const model = cnnModel();
    const calib = randomTensor([8, 9, 9, 3], 11);
    const int8 = await q.quantize(model, { calibrationData: calib });
    const cfg0 = int8.layers[0].getConfig();
    // the calibrated range of the first layer's input is the data's min / max
    expect(cfg0.inputMin).toBe((await calib.min().data())[0]);
    expect(cfg0.inputMax).toBe((await calib.max().data())[0]);
    let x = randomTensor([3, 9, 9, 3], 5, 0.9);
    let xFloat = x; // the real values x holds (x itself, or a chained packed int8 dequantized)
    for (const [i, layer] of int8.layers.entries()) {
      const y = layer.apply(x) as tf.Tensor;
      let yFloat = y;
      // the conv feeds the depthwise conv directly: an int8 chain (int8_chain.ts), so it writes packed
      // int8 in the depthwise conv's input parameters; the others write float32
      expect(y.dtype).toBe(i === 0 ? 'int32' : 'float32');
      if (y.dtype === 'int32') {
        const next = int8.layers[i + 1].getConfig() as Record<string, number>;
        const shape = [x.shape[0], ...(layer.outputShape as number[]).slice(1)];
        yFloat = q.dequantizeInt8(new q.Int8Tensor(y, shape, next.inputScale, next.inputZeroPoint));
      }
      if (layer.getClassName().startsWith('Quantized')) {
        const want = await simulateLayer(layer, xFloat);
        const peak = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        if (y.dtype === 'float32') expectClose(await y.data(), want, 2e-6 * peak + 1e-7); // float32 epilogue vs float64
        else {
          // int8 out: the float64 value quantized with the consumer's parameters, within one step
          // (a value within float32 rounding of a half step may round either way)
          const next = int8.layers[i + 1].getConfig() as Record<string, number>;
          const wantQ = Array.from(want, (v) => next.inputScale * (quantizeRef(v, next.inputScale, next.inputZeroPoint) - next.inputZeroPoint));
          expectClose(await yFloat.data(), wantQ, next.inputScale * 1.0001);
        }
      }
      x = y;
      xFloat = yFloat;
    }
    const test = randomTensor([3, 9, 9, 3], 5, 0.9);
    const got = await (int8.predict(test) as tf.Tensor).data();
    expectClose(got, await x.data(), 0); // predict (recorded plan) = layer-by-layer apply
    // probabilities of the float model within a few input steps of the int8 model
    expectClose(got, await (model.predict(test) as tf.Tensor).data(), 0.05);
  });

  it('a Dense layer stays within the bound its scales give: sum_k |w| sx/2 + |x^| sw/2', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 7, inputShape: [20], kernelInitializer: tf.initializers.randomNormal({ seed: 3 }), biasInitializer: 'ones' })] });
    const x = randomTensor([6, 20], 9, 3);
    const int8 = await q.quantize(model, { calibrationData: x });
    const { inputScale: sx, inputZeroPoint: zp } = int8.layers[0].getConfig() as { inputScale: number; inputZeroPoint: number };
    const w = await model.layers[0].getWeights()[0].data();
    const sw = await int8.layers[0].getWeights()[1].data();
    const xs = await x.data();
    const bound = (i: number) => {
      const [m, n] = [Math.floor(i / 7), i % 7];
      let e = 1e-5;
      for (let k = 0; k < 20; k++) {
        const xq = sx * (quantizeRef(xs[m * 20 + k], sx, zp) - zp);
        e += Math.abs(w[k * 7 + n]) * sx / 2 + Math.abs(xq) * sw[n] / 2;
      }
      return e;
    };
    expectClose(await (int8.predict(x) as tf.Tensor).data(), await (model.predict(x) as tf.Tensor).data(), bound);
  });

  it('folds a BatchNormalization after a linear conv into its kernel and bias (functional model)', async () => {
    const input = tf.input({ shape: [6, 6, 2] });
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, name: 'conv', kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }).apply(input);
    const bnLayer = tf.layers.batchNormalization({ name: 'bn', epsilon: 0.01 });
    const act = tf.layers.activation({ activation: 'relu' }).apply(bnLayer.apply(conv));
    const out = tf.layers.dense({ units: 2, name: 'head', kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }) }).apply(tf.layers.flatten().apply(act));
    const model = tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
    const [gamma, beta, mean, variance] = [[1.5, 0.5, -2], [0.1, -0.3, 0.2], [0.3, -0.1, 0.05], [0.5, 2, 0.25]];
    bnLayer.setWeights([tf.tensor1d(gamma), tf.tensor1d(beta), tf.tensor1d(mean), tf.tensor1d(variance)]);
    const x = randomTensor([4, 6, 6, 2], 31);
    const int8 = await q.quantize(model, { calibrationData: x });
    expect(int8.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'QuantizedConv2D', 'Activation', 'Flatten', 'QuantizedDense']);
    // kernel' = kernel * gamma / sqrt(var + eps) per output channel; bias' = (0 - mean) * factor + beta
    const factor = gamma.map((g, c) => g / Math.sqrt(variance[c] + 0.01));
    const w = await model.getLayer('conv').getWeights()[0].data();
    const [wqT, sT, bT] = int8.getLayer('conv').getWeights();
    const [wq, s, b] = [await wqT.data(), await sT.data(), await bT.data()];
    expectClose(b, mean.map((m, c) => -m * factor[c] + beta[c]), 1e-6);
    for (let j = 0; j < w.length; j++) {
      const c = j % 3;
      if (!(Math.abs(wq[j] * s[c] - w[j] * factor[c]) <= s[c] / 2 + 1e-7)) throw new Error(`folded weight ${j}: ${wq[j] * s[c]} vs ${w[j] * factor[c]}`);
    }
    const want = await (model.predict(x) as tf.Tensor).data();
    const peak = Array.from(want).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expectClose(await (int8.predict(x) as tf.Tensor).data(), want, 0.03 * peak);
  });

  it('percentile calibration ignores a rare outlier', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [100] })] });
    const values = Float32Array.from({ length: 1000 }, (_, i) => (i % 100) / 100);
    values[500] = 50; // one outlier in 1000
    const data = tf.tensor2d(values, [10, 100]);
    const mm = await q.quantize(model, { calibrationData: data });
    const pc = await q.quantize(model, { calibrationData: [data], method: 'percentile', percentile: 99 });
    expect(mm.layers[0].getConfig().inputMax).toBe(50);
    expect(pc.layers[0].getConfig().inputMax).toBeCloseTo(0.99, 5);
    // a tf.data dataset of {xs, ys} batches (the outlier in the second one) calibrates the same
    const ds = tf.data.array([0, 1]).map((i) => ({ xs: data.slice([5 * (i as number), 0], [5, 100]), ys: tf.zeros([5, 2]) }));
    const fromDataset = await q.quantize(model, { calibrationData: ds });
    expect([fromDataset.layers[0].getConfig().inputMin, fromDataset.layers[0].getConfig().inputMax]).toEqual([0, 50]);
  });

  it('save / load: same int8 predictions and classes, kernels stored one byte each', async () => {
    const model = cnnModel();
    const int8 = await q.quantize(model, { calibrationData: randomTensor([8, 9, 9, 3], 11) });
    const art = await saveToMemory(int8);
    const floatArt = await saveToMemory(model);
    const kernelSpec = art.weightSpecs!.find((s) => s.name.endsWith('/kernel'))!;
    expect(kernelSpec.dtype).toBe('int32');
    expect(kernelSpec.quantization).toEqual({ dtype: 'uint8', scale: 1, min: -128 });
    // the first bytes are the first kernel's int8 values + 128
    const bytes = new Uint8Array(art.weightData as ArrayBuffer);
    const k0 = await int8.layers[0].getWeights()[0].data();
    expect(Array.from(bytes.subarray(0, k0.length), (v) => v - 128)).toEqual(Array.from(k0));
    // one byte per kernel value, float32 scales and biases: kernels 162 + 24 + 120 values, 6 + 6 + 5 channels
    expect((art.weightData as ArrayBuffer).byteLength).toBe(162 + 24 + 120 + 4 * 2 * (6 + 6 + 5));
    expect((floatArt.weightData as ArrayBuffer).byteLength).toBe(4 * (162 + 24 + 120 + 6 + 6 + 5));
    const back = await tf.loadLayersModel(tf.io.fromMemory(art));
    expect(back.layers.map((l) => l.getClassName())).toEqual(int8.layers.map((l) => l.getClassName()));
    const x = randomTensor([4, 9, 9, 3], 21);
    // predict records a plan whose steps are the int8 kernels (the host-side weight packing is not in it)
    const plan = tf.debug.plan(back as never, x);
    expect(plan.reason).toBeNull();
    for (const k of ['quantizeInt8', 'int8Conv2d', 'int8DepthwiseConv2d', 'int8MatMul']) expect(plan.text).toContain(k);
    // the loaded model chains the conv into the depthwise conv (no quantize between them); the
    // dense quantizes its input (the max pooling between is float32)
    expect(plan.plan!.steps.map((s) => s.kernel).filter((k) => /int8|quantize/i.test(k))).toEqual(
      ['quantizeInt8', 'int8Conv2d', 'int8DepthwiseConv2d', 'quantizeInt8', 'int8MatMul']);
    expect(plan.text).not.toMatch(/\b(matMul|conv2d|depthwiseConv2d)\b/);
    expect(Array.from(await (back.predict(x) as tf.Tensor).data())).toEqual(Array.from(await (int8.predict(x) as tf.Tensor).data()));
    expect(Array.from(await (back.predict(x) as tf.Tensor).data())).toEqual(Array.from(await (int8.predict(x) as tf.Tensor).data())); // replayed
    const [l, a] = (back.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy'] }),
      back.evaluate(x, tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 5)) as tf.Tensor[]);
    expect(Number.isFinite((await l.data())[0]) && (await a.data())[0] >= 0).toBe(true);
  });

  it('frees what it does not return (a pruned model is stripped on the way)', async () => {
    const pruned = tf.pruning.pruneLowMagnitude(cnnModel(), { schedule: tf.pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0 }) });
    const x = randomTensor([2, 9, 9, 3], 13);
    const before = tf.memory().numTensors;
    const int8 = await q.quantize(pruned, { calibrationData: x });
    // the int8 model's weights, plus one packed kernel per int8 layer
    expect(tf.memory().numTensors - before).toBe(int8.weights.length + 3);
    const qat = q.quantizeModel(pruned);
    expect(tf.memory().numTensors - before).toBe(int8.weights.length + 3 + qat.weights.length);
    tf.dispose(int8.predict(x) as tf.Tensor);
    tf.dispose(int8.predict(x) as tf.Tensor);
    expect(tf.memory().numTensors - before).toBe(int8.weights.length + 3 + qat.weights.length);
    int8.dispose();
    qat.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('errors: no calibration data, not a model', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'd' })] });
    await expect(q.quantize(model)).rejects.toThrow(/calibrationData is required to find the input ranges of layers 'd'/);
    await expect(q.quantize({} as tf.LayersModel, {})).rejects.toThrow(/quantization.quantize: expected a LayersModel/);
    await expect(q.quantize(model, { calibrationData: [] })).rejects.toThrow(/calibrationData gave no batches/);
  });
});
