/**
 * pow on wasm (assembly/scalar_ops.ts powJs: repeated squaring for integer exponents, exp(b log|a|)
 * otherwise, JavaScript's special cases) against Math.pow rounded to the output dtype: every pair of
 * a grid of special and ordinary values (signed zeros, ±1, ±Infinity, NaN, negative bases with integer
 * and fractional exponents, huge exponents), float32 within 2 ulp, int32 exact.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { ulpDistance } from './helpers/wasm_compare.js';

beforeAll(async () => {
  await ts.setBackend('wasm');
});

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1.5, -1.5, 10, -10, 0.1, 7.25, 1e-3, 123.456, 1e10, -1e10,
  1e30, 3e38, Infinity, -Infinity, NaN];

describe('wasm pow matches Math.pow', () => {
  it('float32: every pair of special and ordinary values, within 2 ulp (NaN where Math.pow is NaN)', () => {
    const a: number[] = [], b: number[] = [];
    for (const x of SPECIAL) for (const y of SPECIAL) { a.push(x); b.push(y); }
    const got = ts.pow(ts.tensor(a), ts.tensor(b)).dataSync();
    const bad: string[] = [];
    a.forEach((x, k) => {
      const want = Math.fround(Math.pow(Math.fround(x), Math.fround(b[k])));
      const g = got[k];
      const ok = Number.isNaN(want) ? Number.isNaN(g)
        : !Number.isFinite(want) || want === 0 ? Object.is(g, want)
        : ulpDistance(g, want) <= 2;
      if (!ok) bad.push(`pow(${x}, ${b[k]}) = ${g}, Math.pow ${want}`);
    });
    expect(bad).toEqual([]);
  });

  it('float32: fractional exponents over a range of bases stay within 2 ulp', () => {
    const a = Array.from({ length: 500 }, (_, k) => Math.fround(0.01 + k * 0.37));
    const b = Array.from({ length: 500 }, (_, k) => Math.fround(-6 + k * 0.0247));
    const got = ts.pow(ts.tensor(a), ts.tensor(b)).dataSync();
    let worst = 0;
    a.forEach((x, k) => {
      const want = Math.fround(Math.pow(x, b[k]));
      expect(Number.isFinite(got[k]), `pow(${x}, ${b[k]})`).toBe(Number.isFinite(want));
      if (Number.isFinite(want) && want !== 0) worst = Math.max(worst, ulpDistance(got[k], want));
    });
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('int32: integer powers are exact, negative bases keep their sign', () => {
    const a = [2, -2, 3, -3, 7, -7, 0, 1, -1, 10, 46340, -5];
    const b = [30, 31, 19, 19, 11, 11, 5, 1000, 1001, 9, 2, 13];
    const got = Array.from(ts.pow(ts.tensor(a, undefined, 'int32'), ts.tensor(b, undefined, 'int32')).dataSync());
    const want = a.map((x, k) => {
      const v = Math.pow(x, b[k]);
      return Math.abs(v) < 2 ** 31 ? v : (Math.trunc(v) % 2 ** 32) | 0;
    });
    expect(got).toEqual(want);
  });
});
