/**
 * The js backend reuses freed arrays of the same dtype and length (src/backends/js/backend.ts).
 * A reused array must read as a fresh one: zeros where nothing was written, and values read
 * earlier must not change when their storage is handed to a later tensor. Expected values are
 * worked by hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';

let before = '';
beforeAll(async () => {
  before = ts.getBackend();
  await ts.setBackend('js');
});
afterAll(async () => {
  if (before) await ts.setBackend(before);
});

const pooled = () => ts.memory().backends.js.pooledBytes as number;

describe('js backend array pool', () => {
  it('a freed array is reused zeroed, and earlier reads keep their values', () => {
    const sevens = ts.fill([4, 8], 7);
    const read = sevens.dataSync();
    const p0 = pooled();
    sevens.dispose();
    expect(pooled()).toBe(p0 + 32 * 4); // 32 float32 elements went to the pool
    // tf.zeros writes nothing: what it reads is the allocation's own contents, all 0.
    const z = ts.zeros([4, 8]);
    expect(pooled()).toBe(p0); // ... and it took the pooled array
    expect(Array.from(z.dataSync())).toEqual(new Array(32).fill(0));
    // The array read before the dispose is a copy: still 7s.
    expect(Array.from(read)).toEqual(new Array(32).fill(7));
    // A kernel output on a reused array holds exactly its result: 0 + 2 = 2 everywhere.
    z.dispose();
    const two = ts.add(ts.zeros([32]), 2);
    expect(Array.from(two.dataSync())).toEqual(new Array(32).fill(2));
    ts.dispose(two);
  });

  it('allocate() on a reused array gives zeros, as a fresh allocation does', () => {
    const be = (ts.engine() as unknown as { backend: { allocate: Function; write: Function; free: Function; readSync: Function } }).backend;
    const id = be.allocate(24, 'float32');
    be.write(id, new Float32Array(24).fill(-3));
    be.free(id);
    const again = be.allocate(24, 'float32');
    expect(Array.from(be.readSync(again, 'float32', 24) as Float32Array)).toEqual(new Array(24).fill(0));
    be.free(again);
  });

  it('int32 and float32 arrays of one length are pooled apart', () => {
    const f = ts.fill([20], 1.5);
    f.dispose();
    const i = ts.fill([20], 3, 'int32');
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual(new Array(20).fill(3));
    const f2 = ts.zeros([20]);
    expect(Array.from(f2.dataSync())).toEqual(new Array(20).fill(0));
    ts.dispose([i, f2]);
  });
});
