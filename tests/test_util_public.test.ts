/**
 * tf.test_util (TF.js's public test assertions) decides like tfjs-core's: the same inputs pass or
 * throw in both, with the same message (array/number closeness with NaN and Infinity, strings,
 * nested arrays of different shapes or lengths, typed against plain arrays, value ranges).
 */
import { describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu'; // tfjs's testEpsilon asks its backend for the float precision
import * as ts from '../src/index.js';

const outcome = (fn: () => void): string => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
};

type Call = [string, (u: typeof tfc.test_util) => void];
const calls: Call[] = [
  ['close within eps', (u) => u.expectArraysClose([1, 2, 3], [1.0005, 2, 3])],
  ['close outside eps', (u) => u.expectArraysClose([1, 2, 3], [1.01, 2, 3])],
  ['explicit eps', (u) => u.expectArraysClose(new Float32Array([1, 2]), [1.05, 2], 0.1)],
  ['NaN vs NaN', (u) => u.expectArraysClose([NaN, Infinity], [NaN, -Infinity])],
  ['NaN vs number', (u) => u.expectArraysClose([NaN], [0])],
  ['scalar', (u) => u.expectArraysClose(3, 3.0001)],
  ['shape mismatch', (u) => u.expectArraysClose([[1, 2], [3, 4]], [[1, 2, 3, 4]])],
  ['length mismatch', (u) => u.expectArraysClose(new Float32Array([1, 2]), [1, 2, 3])],
  ['type mismatch', (u) => u.expectArraysClose(new Float32Array([1]), new Int32Array([1]))],
  ['equal ints', (u) => u.expectArraysEqual(new Int32Array([1, 2]), [1, 2])],
  ['equal not exact', (u) => u.expectArraysEqual([1, 2], [1, 2.0001])],
  ['strings', (u) => u.expectArraysEqual(['a', 'b'], ['a', 'c'])],
  ['numbers close', (u) => u.expectNumbersClose(1, 1.01)],
  ['numbers close ok', (u) => u.expectNumbersClose(1, 1.0001)],
  ['in range', (u) => u.expectValuesInRange([1, 2, 3], 0, 3)],
  ['out of range', (u) => u.expectValuesInRange([1, 5], 0, 3)],
];

describe('tf.test_util decides like tfjs-core', () => {
  for (const [name, call] of calls) {
    it(name, () => {
      expect(outcome(() => call(ts.test_util as unknown as typeof tfc.test_util))).toBe(outcome(() => call(tfc.test_util)));
    });
  }
  it('testEpsilon and encodeStrings', () => {
    expect(ts.test_util.testEpsilon()).toBe(1e-3);
    const enc = ts.test_util.encodeStrings(['ab', ['c']]) as unknown as Uint8Array[][];
    expect(Array.from(enc[0] as unknown as Uint8Array)).toEqual([97, 98]);
    expect(Array.from((enc[1] as unknown as Uint8Array[])[0])).toEqual([99]);
  });
});
