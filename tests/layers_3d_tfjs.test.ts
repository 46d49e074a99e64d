/**
 * The 3-D layers (conv3d, conv3dTranspose, maxPooling3d, averagePooling3d) against
 * @tensorflow/tfjs-layers on its cpu backend: tfjs-layers' getConfig() rebuilds the tessera layer
 * through the class registry, the configs agree, the weights have the same names, shapes and order,
 * and with tfjs-layers' (random) weights copied over the outputs on the same seeded input agree.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';
import { layerFromConfig } from '../src/layers/serialization.js';
import { registerBuiltinLayers } from '../src/layers/all.js';
import { seededValues } from './helpers/gradcheck.js';
import { expectClose, sizeOf } from './helpers/layer_check.js';

beforeAll(async () => {
  await ts.setBackend('js');
  await tf.setBackend('cpu');
  registerBuiltinLayers();
});

interface Case {
  name: string;
  make: () => tfl.layers.Layer;
  input: number[];
}

const cases: Case[] = [
  { name: 'maxPooling3d default', make: () => tfl.layers.maxPooling3d({}), input: [2, 4, 4, 4, 3] },
  { name: 'maxPooling3d same, strides 1', make: () => tfl.layers.maxPooling3d({ poolSize: [2, 3, 2], strides: 1, padding: 'same' }), input: [1, 3, 5, 4, 2] },
  { name: 'averagePooling3d valid', make: () => tfl.layers.averagePooling3d({ poolSize: [2, 2, 3], strides: [1, 2, 1] }), input: [2, 4, 5, 6, 2] },
  { name: 'averagePooling3d same', make: () => tfl.layers.averagePooling3d({ poolSize: 3, strides: 2, padding: 'same' }), input: [1, 5, 5, 5, 1] },
  { name: 'avgPooling3d channelsFirst', make: () => tfl.layers.avgPooling3d({ poolSize: 2, dataFormat: 'channelsFirst' }), input: [1, 2, 4, 4, 4] },
];

describe('3-D pooling layers match @tensorflow/tfjs-layers', () => {
  for (const c of cases) {
    it(c.name, () => {
      const theirs = c.make();
      const data = seededValues(sizeOf(c.input), 7, -2, 2);
      const want = theirs.apply(tf.tensor(data, c.input)) as tf.Tensor;
      const config = theirs.getConfig();
      const ours = layerFromConfig(theirs.getClassName(), { ...config, name: `${config.name}_ours` });
      expect(ours.getClassName()).toBe(theirs.getClassName());
      const got = ours.apply(ts.tensor(data, c.input)) as ts.Tensor;
      const ourCfg = ours.getConfig();
      for (const k of ['poolSize', 'strides', 'padding', 'dataFormat']) expect(ourCfg[k], k).toEqual(config[k]);
      expect(got.shape).toEqual(want.shape);
      expect(ours.computeOutputShape([null, ...c.input.slice(1)])).toEqual(theirs.computeOutputShape([null, ...c.input.slice(1)]));
      expectClose(got.dataSync(), want.dataSync(), c.name);
    });
  }
  it('factories are on tf.layers with tfjs-layers names', () => {
    for (const n of ['maxPooling3d', 'averagePooling3d', 'avgPool3d', 'avgPooling3d']) {
      expect(typeof (ts.layers as Record<string, unknown>)[n], n).toBe('function');
      expect(typeof (tfl.layers as Record<string, unknown>)[n], n).toBe('function');
    }
    expect(() => ts.layers.maxPooling3d({}).apply(ts.zeros([1, 4, 4, 3]))).toThrow(/rank|5/);
  });
});

const convCases: Case[] = [
  { name: 'conv3d valid, bias, relu', make: () => tfl.layers.conv3d({ filters: 4, kernelSize: [2, 3, 2], activation: 'relu' }), input: [2, 4, 5, 4, 3] },
  { name: 'conv3d same, strides 2, no bias', make: () => tfl.layers.conv3d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', useBias: false }), input: [1, 5, 5, 6, 2] },
  { name: 'conv3d dilation 2', make: () => tfl.layers.conv3d({ filters: 3, kernelSize: 2, dilationRate: 2 }), input: [1, 5, 5, 5, 2] },
  { name: 'conv3dTranspose valid, strides 2', make: () => tfl.layers.conv3dTranspose({ filters: 3, kernelSize: [2, 3, 2], strides: 2 }), input: [2, 3, 3, 2, 4] },
  { name: 'conv3dTranspose same, tanh', make: () => tfl.layers.conv3dTranspose({ filters: 2, kernelSize: 3, strides: [1, 2, 2], padding: 'same', activation: 'tanh' }), input: [1, 2, 3, 3, 3] },
];

describe('3-D convolution layers match @tensorflow/tfjs-layers', () => {
  for (const c of convCases) {
    it(c.name, () => {
      const theirs = c.make();
      const data = seededValues(sizeOf(c.input), 11, -2, 2);
      const want = theirs.apply(tf.tensor(data, c.input)) as tf.Tensor;
      const config = theirs.getConfig();
      const ours = layerFromConfig(theirs.getClassName(), { ...config, name: `${config.name}_ours` });
      ours.build(c.input);
      const tw = theirs.getWeights();
      expect(ours.getWeights().map((w) => w.shape)).toEqual(tw.map((w) => w.shape));
      expect(ours.weights.map((w) => w.name.split('/').pop())).toEqual(theirs.weights.map((w) => w.name.split('/').pop()));
      ours.setWeights(tw.map((w) => ts.tensor(w.dataSync() as Float32Array, w.shape)));
      const got = ours.apply(ts.tensor(data, c.input)) as ts.Tensor;
      const ourCfg = ours.getConfig();
      for (const k of ['filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'useBias']) expect(ourCfg[k], k).toEqual(config[k]);
      expect(got.shape).toEqual(want.shape);
      expect(ours.computeOutputShape([null, ...c.input.slice(1)])).toEqual(theirs.computeOutputShape([null, ...c.input.slice(1)]));
      expectClose(got.dataSync(), want.dataSync(), c.name);
    });
  }
  it('conv3d checks its input rank and channel count', () => {
    const l = ts.layers.conv3d({ filters: 2, kernelSize: 2 });
    expect(() => l.apply(ts.zeros([1, 4, 4, 3]))).toThrow(/rank 5/);
    l.apply(ts.zeros([1, 3, 3, 3, 2]));
    expect(() => l.apply(ts.zeros([1, 3, 3, 3, 4]))).toThrow(/2 input channels/);
  });
});
