/**
 * The non-recurrent layers against @tensorflow/tfjs-layers (an independent implementation of the
 * same API) on its cpu backend: each TF.js layer's getConfig() rebuilds the tessera layer
 * through the class registry, the weights have the same names, shapes and order, countParams
 * agree, and with the same (random) weights the outputs agree; batchNormalization also in
 * training mode, including the moving statistics it leaves behind.
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
  make: () => any;
  inputs: number[][];
  ints?: boolean;
  training?: boolean;
  extraConfig?: Record<string, unknown>;
  skipOutput?: boolean;
}

const cases: Case[] = [
  { name: 'conv2d same strided relu', make: () => tfl.layers.conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu' }), inputs: [[2, 7, 6, 4]] },
  { name: 'conv2d dilated elu', make: () => tfl.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, activation: 'elu' }), inputs: [[1, 8, 8, 2]] },
  { name: 'conv2d channelsFirst', make: () => tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', dataFormat: 'channelsFirst' }), inputs: [[1, 3, 5, 5]] },
  // (TF.js's conv1d does not implement 'causal' padding; layers_conv.test.ts checks it against a loop.)
  { name: 'conv1d dilated tanh', make: () => tfl.layers.conv1d({ filters: 3, kernelSize: 3, dilationRate: 2, activation: 'tanh' }), inputs: [[2, 10, 2]] },
  { name: 'conv1d same strided', make: () => tfl.layers.conv1d({ filters: 2, kernelSize: 4, strides: 2, padding: 'same' }), inputs: [[2, 9, 3]] },
  { name: 'depthwiseConv2d', make: () => tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu6' }), inputs: [[2, 7, 7, 3]] },
  // TF.js's SeparableConv2D.getConfig() leaves out depthMultiplier (tessera's includes it), so it is added back here.
  { name: 'separableConv2d', make: () => tfl.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'sigmoid' }), inputs: [[1, 6, 6, 3]], extraConfig: { depthMultiplier: 2 } },
  { name: 'conv2dTranspose same', make: () => tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), inputs: [[1, 4, 5, 2]] },
  { name: 'conv2dTranspose valid', make: () => tfl.layers.conv2dTranspose({ filters: 2, kernelSize: [2, 3], strides: [1, 2], activation: 'relu' }), inputs: [[2, 3, 3, 2]] },
  { name: 'maxPooling2d', make: () => tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), inputs: [[2, 7, 7, 3]] },
  { name: 'averagePooling2d', make: () => tfl.layers.averagePooling2d({ poolSize: [2, 3], padding: 'same' }), inputs: [[2, 5, 7, 2]] },
  { name: 'maxPooling1d', make: () => tfl.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }), inputs: [[2, 9, 3]] },
  { name: 'averagePooling1d', make: () => tfl.layers.averagePooling1d({ poolSize: 2 }), inputs: [[2, 9, 3]] },
  { name: 'globalAveragePooling1d', make: () => tfl.layers.globalAveragePooling1d({}), inputs: [[2, 5, 3]] },
  { name: 'globalMaxPooling1d', make: () => tfl.layers.globalMaxPooling1d({}), inputs: [[2, 5, 3]] },
  { name: 'globalAveragePooling2d', make: () => tfl.layers.globalAveragePooling2d({}), inputs: [[2, 3, 4, 3]] },
  { name: 'globalMaxPooling2d', make: () => tfl.layers.globalMaxPooling2d({ dataFormat: 'channelsFirst' }), inputs: [[2, 3, 4, 3]] },
  { name: 'batchNormalization inference', make: () => tfl.layers.batchNormalization({ momentum: 0.8 }), inputs: [[6, 4]] },
  { name: 'batchNormalization training', make: () => tfl.layers.batchNormalization({ momentum: 0.8, epsilon: 0.01 }), inputs: [[6, 2, 4]], training: true },
  // TF.js's training output for a non-last axis disagrees with a direct loop (its moving statistics
  // agree), and it throws with center: false; layers_core.test.ts checks tessera's output against loops.
  { name: 'batchNormalization axis 1 training (moving statistics)', make: () => tfl.layers.batchNormalization({ axis: 1 }), inputs: [[3, 2, 2, 2]], training: true, skipOutput: true },
  { name: 'layerNormalization', make: () => tfl.layers.layerNormalization({}), inputs: [[3, 5]] },
  { name: 'layerNormalization axes', make: () => tfl.layers.layerNormalization({ axis: [1, 2], epsilon: 0.01 }), inputs: [[2, 3, 4]] },
  { name: 'embedding', make: () => tfl.layers.embedding({ inputDim: 7, outputDim: 3 }), inputs: [[2, 4]], ints: true },
  { name: 'flatten', make: () => tfl.layers.flatten({}), inputs: [[2, 3, 4]] },
  { name: 'reshape', make: () => tfl.layers.reshape({ targetShape: [2, -1] }), inputs: [[2, 3, 4]] },
  { name: 'permute', make: () => tfl.layers.permute({ dims: [3, 1, 2] }), inputs: [[2, 3, 4, 2]] },
  { name: 'repeatVector', make: () => tfl.layers.repeatVector({ n: 3 }), inputs: [[2, 4]] },
  { name: 'activation', make: () => tfl.layers.activation({ activation: 'softplus' }), inputs: [[2, 4]] },
  { name: 'dropout (inference)', make: () => tfl.layers.dropout({ rate: 0.4 }), inputs: [[2, 4]] },
  { name: 'add', make: () => tfl.layers.add({}), inputs: [[2, 3], [2, 3], [2, 3]] },
  { name: 'multiply', make: () => tfl.layers.multiply({}), inputs: [[2, 3], [2, 3]] },
  { name: 'average', make: () => tfl.layers.average({}), inputs: [[2, 3], [2, 3]] },
  { name: 'maximum', make: () => tfl.layers.maximum({}), inputs: [[2, 3], [2, 3]] },
  { name: 'minimum', make: () => tfl.layers.minimum({}), inputs: [[2, 3], [2, 3]] },
  { name: 'concatenate', make: () => tfl.layers.concatenate({ axis: 1 }), inputs: [[2, 3, 2], [2, 1, 2]] },
  { name: 'reLU maxValue', make: () => tfl.layers.reLU({ maxValue: 1.5 }), inputs: [[2, 5]] },
  { name: 'leakyReLU', make: () => tfl.layers.leakyReLU({ alpha: 0.2 }), inputs: [[2, 5]] },
  { name: 'prelu sharedAxes', make: () => tfl.layers.prelu({ sharedAxes: [1] }), inputs: [[2, 3, 4]] },
  { name: 'elu', make: () => tfl.layers.elu({}), inputs: [[2, 5]] },
  { name: 'thresholdedReLU', make: () => tfl.layers.thresholdedReLU({ theta: 0.5 }), inputs: [[2, 5]] },
  { name: 'softmax', make: () => tfl.layers.softmax({}), inputs: [[2, 7]] },
  { name: 'softmax axis -1', make: () => tfl.layers.softmax({ axis: -1 }), inputs: [[2, 3, 4]] },
  { name: 'zeroPadding2d', make: () => tfl.layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] }), inputs: [[2, 3, 4, 2]] },
  { name: 'zeroPadding2d channelsFirst', make: () => tfl.layers.zeroPadding2d({ padding: 1, dataFormat: 'channelsFirst' }), inputs: [[1, 2, 3, 3]] },
  { name: 'cropping2D', make: () => tfl.layers.cropping2D({ cropping: [[1, 0], [1, 1]] }), inputs: [[2, 5, 4, 2]] },
  { name: 'upSampling2d', make: () => tfl.layers.upSampling2d({ size: [2, 3] }), inputs: [[2, 3, 2, 2]] },
  { name: 'upSampling2d channelsFirst', make: () => tfl.layers.upSampling2d({ size: [3, 2], dataFormat: 'channelsFirst' }), inputs: [[1, 2, 2, 3]] },
  { name: 'timeDistributed dense', make: () => tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 3, activation: 'tanh' }) }), inputs: [[2, 4, 5]] },
  { name: 'timeDistributed conv2d', make: () => tfl.layers.timeDistributed({ layer: tfl.layers.conv2d({ filters: 2, kernelSize: 2 }) }), inputs: [[2, 3, 4, 4, 1]] },
  { name: 'dot axes 1', make: () => tfl.layers.dot({ axes: 1 }), inputs: [[2, 3], [2, 3]] },
  { name: 'dot axes [2, 2]', make: () => tfl.layers.dot({ axes: [2, 2] }), inputs: [[2, 3, 4], [2, 5, 4]] },
  { name: 'dot axes [1, 2] 3d', make: () => tfl.layers.dot({ axes: [1, 2] }), inputs: [[2, 4, 3], [2, 3, 4]] },
  { name: 'dot axes [1, 1] 3d', make: () => tfl.layers.dot({ axes: [1, 1] }), inputs: [[2, 4, 3], [2, 4, 5]] },
  { name: 'dot axes [2, 1] 3d', make: () => tfl.layers.dot({ axes: [2, 1] }), inputs: [[2, 3, 4], [2, 4, 5]] },
  { name: 'dot axes [1, 2], 2-D and 3-D inputs', make: () => tfl.layers.dot({ axes: [1, 2] }), inputs: [[2, 4], [2, 3, 4]] },
  { name: 'dot normalize (cosine)', make: () => tfl.layers.dot({ axes: -1, normalize: true }), inputs: [[2, 4], [2, 4]] },
  { name: 'gaussianNoise (inference)', make: () => tfl.layers.gaussianNoise({ stddev: 0.5 }), inputs: [[2, 4]] },
  { name: 'gaussianDropout (inference)', make: () => tfl.layers.gaussianDropout({ rate: 0.3 }), inputs: [[2, 4]] },
  { name: 'alphaDropout (inference)', make: () => tfl.layers.alphaDropout({ rate: 0.3 }), inputs: [[2, 4]] },
  { name: 'spatialDropout1d (inference)', make: () => tfl.layers.spatialDropout1d({ rate: 0.3 }), inputs: [[2, 3, 4]] },
  { name: 'masking', make: () => tfl.layers.masking({ maskValue: 0.5 }), inputs: [[2, 3, 4]] },
  { name: 'rescaling', make: () => tfl.layers.rescaling({ scale: 1 / 255, offset: -0.5 }), inputs: [[2, 3, 4]] },
  { name: 'centerCrop', make: () => tfl.layers.centerCrop({ height: 2, width: 3 }), inputs: [[2, 5, 6, 2]] },
  { name: 'categoryEncoding multiHot', make: () => tfl.layers.categoryEncoding({ numTokens: 7, outputMode: 'multiHot' }), inputs: [[3, 4]], ints: true },
  { name: 'categoryEncoding count', make: () => tfl.layers.categoryEncoding({ numTokens: 7, outputMode: 'count' }), inputs: [[3, 4]], ints: true },
  { name: 'categoryEncoding oneHot', make: () => tfl.layers.categoryEncoding({ numTokens: 7, outputMode: 'oneHot' }), inputs: [[3, 1]], ints: true },
];

describe('non-recurrent layers match @tensorflow/tfjs-layers', () => {
  for (const c of cases) {
    it(c.name, () => {
      const theirs = c.make();
      const data = c.inputs.map((s, i) => {
        const v = seededValues(sizeOf(s), 100 + i, c.ints ? 0 : -2, c.ints ? 7 : 2);
        return c.ints ? v.map(Math.floor) : v;
      });
      const tIn = c.inputs.map((s, i) => tf.tensor(data[i], s, c.ints ? 'int32' : 'float32'));
      const oIn = c.inputs.map((s, i) => ts.tensor(data[i], s, c.ints ? 'int32' : 'float32'));
      const one = c.inputs.length === 1;
      theirs.apply(one ? tIn[0] : tIn); // build

      const config = theirs.getConfig();
      const ours = layerFromConfig(theirs.getClassName(), { ...config, ...c.extraConfig, name: `${config.name}_ours` });
      expect(ours.getClassName()).toBe(theirs.getClassName());
      ours.apply(one ? oIn[0] : oIn);

      // Same weights, names, shapes and order; give both the same random values.
      const tw = theirs.weights as { originalName: string; shape: number[] }[];
      expect(ours.weights.map((w) => [w.name.slice(w.name.indexOf('/') + 1), w.shape])).toEqual(tw.map((w) => [w.originalName.slice(w.originalName.indexOf('/') + 1), w.shape]));
      expect(ours.countParams()).toBe(theirs.countParams());
      const values = tw.map((w, i) => {
        const v = seededValues(sizeOf(w.shape), 200 + i, -1, 1);
        return /variance/.test(w.originalName) ? v.map((x) => x + 1.5) : v;
      });
      theirs.setWeights(values.map((v, i) => tf.tensor(v, tw[i].shape)));
      ours.setWeights(values.map((v, i) => ts.tensor(v, tw[i].shape)));

      const kwargs = c.training ? { training: true } : {};
      const tOut = theirs.apply(one ? tIn[0] : tIn, kwargs) as tf.Tensor;
      const oOut = ours.apply(one ? oIn[0] : oIn, kwargs) as ts.Tensor;
      expect(oOut.shape).toEqual(tOut.shape);
      if (!c.skipOutput) expectClose(oOut.dataSync() as Float32Array, tOut.dataSync() as Float32Array, `${c.name} output`);
      // Symbolic shapes with an unknown batch agree (TF.js's Reshape gives up on the -1 dim there: null matches anything).
      const sym = one ? [null, ...c.inputs[0].slice(1)] : c.inputs.map((s) => [null, ...s.slice(1)]);
      // (a copy: some TF.js layers write into the shape they are given)
      const theirShape = theirs.computeOutputShape(JSON.parse(JSON.stringify(sym))) as (number | null)[];
      const ourShape = ours.computeOutputShape(sym as ts.Tensor['shape']) as (number | null)[];
      expect(ourShape.length).toBe(theirShape.length);
      ourShape.forEach((d, i) => { if (theirShape[i] !== null) expect(d, `output shape dim ${i}`).toBe(theirShape[i]); });
      if (c.training) {
        const tAfter = theirs.getWeights() as tf.Tensor[];
        ours.getWeights().forEach((w, i) => expectClose(w.dataSync() as Float32Array, tAfter[i].dataSync() as Float32Array, `${c.name} weight ${tw[i].originalName} after training`));
      }
    });
  }
});
