/**
 * Small TF.js-parity fixes found by TF.js's own specs: separableConv2d's pointwise-filter errors in
 * TF.js's wording, explicit conv pads whose batch/channel pairs are read past (as TF.js does), null
 * elements reading as 0, and serialization.registerClass's className checks. Values are compared with
 * @tensorflow/tfjs-core on the cpu backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await ts.setBackend('wasm');
  await tf.setBackend('cpu');
});

describe('separableConv2d pointwise filter checks', () => {
  const x = ts.zeros([1, 4, 4, 3]);
  const dw = ts.zeros([2, 2, 3, 1]);
  for (const [shape, re] of [
    [[2, 1, 3, 2], /the first dimension of pointwise filter +must be 1, but got 2/],
    [[1, 5, 3, 2], /the second dimension of pointwise filter must be 1, but got 5/],
    [[1, 1, 4, 2], /the third dimension of pointwise filter must be 3, but got 4/],
  ] as Array<[[number, number, number, number], RegExp]>) {
    it(`pointwise [${shape}]`, () => {
      expect(() => ts.separableConv2d(x, dw, ts.zeros(shape), 1, 'valid')).toThrow(re);
      expect(() => tf.separableConv2d(tf.zeros([1, 4, 4, 3]) as tf.Tensor4D, tf.zeros([2, 2, 3, 1]) as tf.Tensor4D, tf.zeros(shape) as tf.Tensor4D, 1, 'valid')).toThrow(re);
    });
  }
});

describe('explicit pads', () => {
  it('depthwiseConv2d reads past batch and channel pads, as tfjs-core', () => {
    const xv = Array.from({ length: 25 }, (_, i) => Math.sin(i + 1));
    const wv = Array.from({ length: 9 }, (_, i) => Math.cos(i));
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [0, 0], [0, 1], [0, 1]];
    const a = ts.depthwiseConv2d(ts.tensor4d(xv, [1, 5, 5, 1]), ts.tensor4d(wv, [3, 3, 1, 1]), 1, pad);
    const b = tf.depthwiseConv2d(tf.tensor4d(xv, [1, 5, 5, 1]), tf.tensor4d(wv, [3, 3, 1, 1]), 1, pad);
    expect(a.shape).toEqual([1, 3, 4, 1]);
    expect(a.shape).toEqual(b.shape);
    const av = a.dataSync();
    const bv = b.dataSync();
    for (let i = 0; i < bv.length; i++) expect(Math.abs(av[i] - bv[i])).toBeLessThan(1e-5);
  });
  it('still refuses malformed pads', () => {
    expect(() => ts.conv2d(ts.zeros([1, 3, 3, 1]), ts.zeros([2, 2, 1, 1]), 1, [[0, 0], [0, -1], [0, 0], [0, 0]] as never)).toThrow(/explicit pad/);
  });
});

describe('null elements', () => {
  it('read as 0, as in tfjs-core', () => {
    const a = ts.tensor2d([1, null as unknown as number, 3, 4], [2, 2]);
    const b = tf.tensor2d([1, null as unknown as number, 3, 4], [2, 2]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(ts.ensureShape(a, [2, 2])).toBe(a);
  });
});

describe('serialization.registerClass className checks', () => {
  it('uses TF.js wording for missing, non-string and empty classNames', () => {
    // statics set with defineProperty: TS's class typing would refuse a number or an empty override here
    const Base = ts.layers.Layer as unknown as new (...args: unknown[]) => object;
    class NoName extends Base {}
    class NumName extends Base {}
    class EmptyName extends Base {}
    Object.defineProperty(NumName, 'className', { value: 42 });
    Object.defineProperty(EmptyName, 'className', { value: '' });
    expect(() => ts.serialization.registerClass(NoName as never)).toThrow(/does not have the static className property/);
    expect(() => ts.serialization.registerClass(NumName as never)).toThrow(/is required to be a string, but got type number/);
    expect(() => ts.serialization.registerClass(EmptyName as never)).toThrow(/has an empty-string as its className/);
  });
  it('registers a class with its own className', () => {
    const Base = ts.layers.Layer as unknown as new (...args: unknown[]) => object;
    class Named extends Base {}
    Object.defineProperty(Named, 'className', { value: 'ParityNamedLayer' });
    expect(() => ts.serialization.registerClass(Named as never)).not.toThrow();
  });
});
