/**
 * complex64 toString() in TF.js's "re + imj" format, and the string-tensor paths TF.js takes:
 * unique on strings (commas inside strings kept apart), concat1d-4d on strings, and the gradient
 * of clone() with respect to a string tensor (dy passes through). Reference: @tensorflow/tfjs-core
 * on the cpu backend, given the same inputs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await ts.setBackend('wasm');
  await tf.setBackend('cpu');
});

describe('complex64 toString', () => {
  const cases: Array<[number[], number[], number[]]> = [
    [[5], [4], []],
    [[0, 1, 2, 3], [3, 2, 1, 0], [4]],
    [[0, 1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1, 0], [3, 3]],
    [[0.8597712, 0.6696132, 1.9910001, 1, 2, 1.23], [3, 0.4825962, 0.0640865, -1, 10.5, 0], [3, 2]],
    [Array.from({ length: 18 }, (_, i) => i), Array.from({ length: 18 }, (_, i) => 17 - i), [3, 3, 2]],
    [Array.from({ length: 100 }, (_, i) => i), Array.from({ length: 100 }, (_, i) => 99 - i), [100]],
    [Array.from({ length: 2500 }, (_, i) => i), Array.from({ length: 2500 }, (_, i) => 2499 - i), [50, 50]],
  ];
  for (const [re, im, shape] of cases) {
    it(`matches tfjs-core for shape [${shape}]`, () => {
      const a = ts.complex(ts.tensor(re, shape), ts.tensor(im, shape));
      const b = tf.complex(tf.tensor(re, shape), tf.tensor(im, shape));
      expect(a.toString()).toBe(b.toString());
      expect(a.toString(true)).toBe(b.toString(true));
    });
  }
  it('real dtypes are unchanged', () => {
    expect(ts.tensor([[1.5, 2], [3, 40]]).toString()).toBe(tf.tensor([[1.5, 2], [3, 40]]).toString());
  });
});

describe('string tensors where TF.js takes them', () => {
  it('unique on strings, commas inside strings included', async () => {
    for (const [vals, shape, axis] of [
      [['a', 'b', 'b', 'c', 'c'], [5], 0],
      [['a', 'b', 'b', 'a', 'b', 'b', 'c', 'b', 'b'], [3, 3], 0],
      [['a,b', 'c', 'a', 'b,c', 'a,b', 'c'], [3, 2], 0],
      [['a', 'b', 'a', 'a', 'c', 'a'], [3, 2], 1],
    ] as Array<[string[], number[], number]>) {
      const ours = ts.unique(ts.tensor(vals, shape, 'string'), axis);
      const theirs = tf.unique(tf.tensor(vals, shape, 'string'), axis);
      expect(ours.values.dtype).toBe('string');
      expect(ours.values.shape).toEqual(theirs.values.shape);
      expect(await ours.values.data()).toEqual(await theirs.values.data());
      expect(Array.from(await ours.indices.data())).toEqual(Array.from(await theirs.indices.data()));
    }
  });
  it('unique on numbers keeps NaN, Infinity and -Infinity apart', () => {
    const r = ts.unique(ts.tensor1d([NaN, Infinity, -Infinity, NaN, 1]));
    expect(Array.from(r.indices.dataSync())).toEqual([0, 1, 2, 0, 3]);
  });
  it('concat1d..3d accept strings', async () => {
    const a = ts.concat3d([ts.tensor3d(['a', 'b'], [1, 1, 2]), ts.tensor3d(['c', 'd'], [1, 1, 2])], 1);
    const b = tf.concat3d([tf.tensor3d(['a', 'b'], [1, 1, 2]), tf.tensor3d(['c', 'd'], [1, 1, 2])], 1);
    expect(a.shape).toEqual(b.shape);
    expect(await a.data()).toEqual(await b.data());
    expect(await ts.concat1d([ts.tensor1d(['x']), ts.tensor1d(['y', 'z'])]).data()).toEqual(['x', 'y', 'z']);
  });
  it('grad of clone w.r.t. a string tensor passes a float32 dy through', async () => {
    const da = ts.grad((x) => ts.clone(x))(ts.tensor1d(['a', 'b', 'c'], 'string'), ts.tensor1d([4, 5, 6]));
    expect(da.dtype).toBe('float32');
    expect(Array.from(await da.data())).toEqual([4, 5, 6]);
    // TF.js throws for a string, bool or int32 dy here
    for (const dy of [ts.tensor1d(['d', 'e', 'f']), ts.tensor1d([false, true, false], 'bool'), ts.tensor1d([4, 5, 6], 'int32')]) {
      expect(() => ts.grad((x) => ts.clone(x))(ts.tensor1d(['a', 'b', 'c'], 'string'), dy)).toThrow();
    }
  });
  it('other numeric ops still refuse a string x under grad', () => {
    expect(() => ts.grad((x) => ts.abs(x))(ts.tensor1d(['a'], 'string'))).toThrow(/must be numeric tensor, but got string tensor/);
  });
});

describe('sparseToDense on strings', () => {
  it('matches tfjs-core', async () => {
    const a = ts.sparseToDense(ts.tensor2d([0, 1, 1, 1], [2, 2], 'int32'), ts.tensor1d(['a', 'b'], 'string'), [2, 2], ts.scalar('c', 'string'));
    const b = tf.sparseToDense(tf.tensor2d([0, 1, 1, 1], [2, 2], 'int32'), tf.tensor1d(['a', 'b'], 'string'), [2, 2], tf.scalar('c', 'string'));
    expect(a.dtype).toBe('string');
    expect(a.shape).toEqual(b.shape);
    expect(await a.data()).toEqual(await b.data());
  });
});
