/**
 * Memory bookkeeping: number operands and op-internal temporaries are freed, tidy disposes
 * what it does not return, disposed tensors refuse use, views share data until the last
 * reference goes, and setBackend moves live tensors intact.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';

describe('memory (js)', () => {
  beforeAll(async () => {
    await ts.setBackend('js');
  });

  it('number operands and internal temporaries do not leak', () => {
    const x = ts.tensor([[1, 2], [3, 4]]);
    const before = ts.memory().numTensors;
    const ys = [ts.add(x, 2), ts.mul(3, x), ts.where(ts.greater(x, 2), x, 0), ts.sum(x, 0), ts.matMul(x, [[1], [2]]), ts.concat([x, [[5, 6]]], 0)];
    expect(ts.memory().numTensors).toBe(before + ys.length + 1); // + the greater() mask
    expect(Array.from(ys[0].dataSync())).toEqual([3, 4, 5, 6]);
    expect(Array.from(ys[4].dataSync())).toEqual([5, 11]);
    ts.dispose(ys);
  });

  it('tidy keeps only the result', () => {
    const before = ts.memory().numTensors;
    const r = ts.tidy(() => ts.sum(ts.square(ts.add(ts.tensor([1, 2, 3]), 1))));
    expect(ts.memory().numTensors).toBe(before + 1);
    expect(r.dataSync()[0]).toBe(29);
    r.dispose();
    expect(ts.memory().numTensors).toBe(before);
  });

  it('use after dispose is a clear error', () => {
    const t = ts.tensor([1, 2]);
    t.dispose();
    expect(() => ts.add(t, 1)).toThrow(/add.*disposed/);
    expect(() => t.dataSync()).toThrow(/disposed/);
  });

  it('reshape views share storage until the last reference is disposed', () => {
    const t = ts.tensor([1, 2, 3, 4]);
    const v = ts.reshape(t, [2, 2]);
    t.dispose();
    expect(Array.from(v.dataSync())).toEqual([1, 2, 3, 4]);
    const bufs = ts.memory().numDataBuffers;
    v.dispose();
    expect(ts.memory().numDataBuffers).toBe(bufs - 1);
  });

  it('setBackend rejects unknown names and moves live tensors intact', async () => {
    await expect(ts.setBackend('tpu')).rejects.toThrow(/unknown backend 'tpu'/);
    const t = ts.tensor([1.5, -2, 3], [3]);
    const i = ts.tensor([7, 8], [2], 'int32');
    expect(await ts.setBackend('wasm')).toBe(true);
    expect(ts.getBackend()).toBe('wasm');
    expect(Array.from(await t.data())).toEqual([1.5, -2, 3]);
    expect(Array.from(await ts.add(i, 1).data())).toEqual([8, 9]);
    await ts.setBackend('js');
    expect(Array.from(await t.data())).toEqual([1.5, -2, 3]);
    expect(i.dtype).toBe('int32');
  });
});

describe('input validation (js)', () => {
  it('tensor() refuses objects with a clear error (strings make string tensors)', () => {
    expect(ts.tensor(['a']).dtype).toBe('string');
    expect(() => ts.tensor([{ a: 1 }] as any)).toThrow(/tensor: values must be numbers or booleans/);
  });
  it('concat and where convert mixed dtypes instead of copying raw words', async () => {
    for (const backend of ['js', 'wasm']) {
      await ts.setBackend(backend);
      const c = ts.concat([ts.tensor([1, 2], [2], 'int32'), ts.tensor([1.5, 2.5])]);
      expect(Array.from(c.dataSync())).toEqual([1, 2, 1.5, 2.5]);
      const w = ts.where(ts.tensor([true, false]), ts.tensor([1, 2], [2], 'int32'), ts.tensor([1.5, 2.5]));
      expect(Array.from(w.dataSync())).toEqual([1, 2.5]);
      expect(() => ts.where(ts.tensor([1, 0]), 1, 2)).toThrow(/where: condition must be bool/);
    }
    await ts.setBackend('js');
  });
  it('gather with batchDims picks per batch row (hand-worked: row 0 takes index 1, row 1 takes index 0)', () => {
    const g = ts.gather(ts.tensor([[1, 2], [3, 4]]), ts.tensor([[1], [0]], undefined, 'int32'), 1, 1);
    expect(g.shape).toEqual([2, 1]);
    expect(Array.from(g.dataSync())).toEqual([2, 3]);
    g.dispose();
  });
});
