/**
 * exp at the ends of float32's range on wasm (the SIMD polynomial exp of assembly/simd_math.ts)
 * against Math.exp rounded to float32: finite and within 2 ulp up to ln(FLT_MAX) = 88.7228,
 * +Infinity past it, and 0 / denormal-free underflow at the bottom; NaN stays NaN.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { ulpDistance } from './helpers/wasm_compare.js';

beforeAll(async () => {
  await ts.setBackend('wasm');
});

describe('wasm exp over the whole float32 range', () => {
  it('near ln(FLT_MAX): finite, within 2 ulp of Math.exp', () => {
    const xs = Array.from({ length: 400 }, (_, k) => 80 + (k / 399) * 8.7228);
    const got = ts.exp(ts.tensor(xs)).dataSync();
    let worst = 0;
    xs.forEach((x, k) => {
      const want = Math.fround(Math.exp(Math.fround(x)));
      expect(Number.isFinite(got[k]), `exp(${x})`).toBe(Number.isFinite(want));
      if (Number.isFinite(want)) worst = Math.max(worst, ulpDistance(got[k], want));
    });
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('past the range: +Infinity above, 0 far below, NaN stays NaN', () => {
    const got = Array.from(ts.exp(ts.tensor([88.8, 100, 1e30, Infinity, -104, -1e30, -Infinity, NaN])).dataSync());
    expect(got.slice(0, 4)).toEqual([Infinity, Infinity, Infinity, Infinity]);
    expect(got.slice(4, 7)).toEqual([0, 0, 0]);
    expect(Number.isNaN(got[7])).toBe(true);
  });

  it('ordinary and small arguments stay within 2 ulp', () => {
    const xs = Array.from({ length: 2001 }, (_, k) => -87 + (k / 2000) * 170);
    const got = ts.exp(ts.tensor(xs)).dataSync();
    let worst = 0;
    xs.forEach((x, k) => {
      const want = Math.fround(Math.exp(Math.fround(x)));
      if (Number.isFinite(want) && want >= 1.1754943508222875e-38) worst = Math.max(worst, ulpDistance(got[k], want));
    });
    expect(worst).toBeLessThanOrEqual(2);
  });
});
