/**
 * Gradients through the non-recurrent layers on the js backend: for L = sum(layer(x) * w) with a
 * fixed random w, the gradients from variableGrads (w.r.t. every trainable weight) and from
 * grads (w.r.t. the input) must match central finite differences along random directions.
 * This covers the layers' own plumbing around the ops (fused bias + activation, the conv1d
 * reshapes and causal padding, channelsFirst transposes, batch statistics in training).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { seededValues } from './helpers/gradcheck.js';
import { randT, sizeOf } from './helpers/layer_check.js';

beforeAll(async () => {
  await ts.setBackend('js');
});

function checkLayerGrads(name: string, layer: ts.Layer, xShape: number[], opts: { training?: boolean; ints?: number; inputGrad?: boolean; eps?: number } = {}): void {
  const x = opts.ints
    ? ts.tensor(seededValues(sizeOf(xShape), 5, 0, opts.ints).map(Math.floor), xShape, 'int32')
    : randT(xShape, 5);
  const kwargs = { training: opts.training ?? false };
  const probe = layer.apply(x, kwargs) as ts.Tensor;
  const w = randT(probe.shape, 9);
  const wv = Array.from(w.dataSync());
  // BN in training moves its statistics on every call; they do not affect the training output.
  const loss = (): number => {
    const y = ts.tidy(() => layer.apply(x, kwargs) as ts.Tensor);
    const d = y.dataSync();
    y.dispose();
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i] * wv[i];
    return s;
  };
  const { grads } = ts.variableGrads(() => ts.sum(ts.mul(layer.apply(x, kwargs) as ts.Tensor, w)));
  const weights = layer.trainableWeights;
  expect(Object.keys(grads).sort(), `${name}: gradient names`).toEqual(weights.map((v) => v.name).sort());
  const eps = opts.eps ?? 1e-2;
  weights.forEach((v, k) => {
    const g = Array.from(grads[v.name].dataSync());
    const base = Array.from(v.dataSync());
    const u = seededValues(v.size, 100 + k, -1, 1);
    const set = (s: number) => v.assign(ts.tensor(base.map((b, i) => b + s * eps * u[i]), v.shape));
    set(1);
    const lp = loss();
    set(-1);
    const lm = loss();
    set(0);
    const numeric = (lp - lm) / (2 * eps);
    const analytic = g.reduce((s, gi, i) => s + gi * u[i], 0);
    expect(Math.abs(numeric - analytic), `${name}: d/d${v.name.split('/').pop()} along a direction: numeric ${numeric}, analytic ${analytic}`)
      .toBeLessThan(2e-2 * (1 + Math.abs(numeric)));
  });
  if (opts.inputGrad !== false && !opts.ints) {
    const gx = Array.from(ts.grads((xx: ts.Tensor) => ts.sum(ts.mul(layer.apply(xx, kwargs) as ts.Tensor, w)))([x])[0].dataSync());
    const xv = Array.from(x.dataSync());
    const u = seededValues(xv.length, 77, -1, 1);
    const at = (s: number) => {
      const y = ts.tidy(() => layer.apply(ts.tensor(xv.map((b, i) => b + s * eps * u[i]), xShape), kwargs) as ts.Tensor);
      const d = y.dataSync();
      y.dispose();
      return Array.from(d as ArrayLike<number>).reduce((acc, di, i) => acc + di * wv[i], 0);
    };
    const numeric = (at(1) - at(-1)) / (2 * eps);
    const analytic = gx.reduce((s, gi, i) => s + gi * u[i], 0);
    expect(Math.abs(numeric - analytic), `${name}: d/dx along a direction: numeric ${numeric}, analytic ${analytic}`)
      .toBeLessThan(2e-2 * (1 + Math.abs(numeric)));
  }
}

const biasInit = ts.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 3 });

describe('layer gradients match finite differences', () => {
  it('conv2d (fused bias + tanh, strided same)', () => {
    checkLayerGrads('conv2d', ts.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', biasInitializer: biasInit }), [2, 6, 5, 2]);
  });
  it('conv2d channelsFirst with sigmoid', () => {
    checkLayerGrads('conv2d NCHW', ts.layers.conv2d({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst', activation: 'sigmoid', biasInitializer: biasInit }), [1, 3, 4, 4]);
  });
  it('conv1d causal dilated with softplus (unfused activation)', () => {
    checkLayerGrads('conv1d', ts.layers.conv1d({ filters: 3, kernelSize: 3, padding: 'causal', dilationRate: 2, activation: 'softplus', biasInitializer: biasInit }), [2, 7, 2]);
  });
  it('depthwiseConv2d', () => {
    checkLayerGrads('depthwiseConv2d', ts.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'tanh', biasInitializer: biasInit }), [1, 5, 5, 2]);
  });
  it('separableConv2d', () => {
    checkLayerGrads('separableConv2d', ts.layers.separableConv2d({ filters: 3, kernelSize: 2, depthMultiplier: 2, activation: 'tanh', biasInitializer: biasInit }), [1, 4, 5, 2]);
  });
  it('conv2dTranspose', () => {
    checkLayerGrads('conv2dTranspose', ts.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', biasInitializer: biasInit }), [1, 3, 3, 2]);
  });
  it('pooling layers (input gradient)', () => {
    checkLayerGrads('averagePooling2d', ts.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), [1, 5, 5, 2]);
    // Two inputs here differ by 0.01, so a smaller step keeps the difference off the max's kink.
    checkLayerGrads('maxPooling1d', ts.layers.maxPooling1d({ poolSize: 2 }), [2, 6, 3], { eps: 1e-3 });
    checkLayerGrads('globalAveragePooling2d', ts.layers.globalAveragePooling2d(), [2, 3, 3, 2]);
  });
  it('batchNormalization in training (through the batch statistics)', () => {
    const bn = ts.layers.batchNormalization({ gammaInitializer: ts.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 4 }), betaInitializer: biasInit });
    checkLayerGrads('batchNormalization', bn, [6, 3], { training: true });
    checkLayerGrads('batchNormalization axis 1', ts.layers.batchNormalization({ axis: 1, betaInitializer: biasInit }), [3, 2, 2, 2], { training: true });
  });
  it('layerNormalization (fused last axis and composed axes)', () => {
    const g = ts.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 6 });
    checkLayerGrads('layerNormalization', ts.layers.layerNormalization({ gammaInitializer: g, betaInitializer: biasInit }), [3, 5]);
    checkLayerGrads('layerNormalization [1, 2]', ts.layers.layerNormalization({ axis: [1, 2], gammaInitializer: g, betaInitializer: biasInit }), [2, 3, 2]);
  });
  it('embedding (weight gradient scatters into the gathered rows)', () => {
    checkLayerGrads('embedding', ts.layers.embedding({ inputDim: 6, outputDim: 3 }), [2, 4], { ints: 6 });
  });
});
