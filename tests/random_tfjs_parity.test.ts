/**
 * Seeded random ops draw exactly TF.js's numbers: tessera's Alea generator and polar-method
 * normals are checked element for element against @tensorflow/tfjs-core 4.22 on its cpu backend
 * (randomUniform float32/int32, randomNormal, truncatedNormal, numeric and string seeds), and
 * seeded layer initializers give tfjs-layers' weights. Unseeded calls still differ run to run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await tfc.setBackend('cpu');
  await ts.setBackend('js');
});

type Draw = (lib: typeof tfc | typeof ts) => { dataSync(): ArrayLike<number>; dtype: string; shape: number[] };

const draws: Array<[string, Draw]> = [
  ['randomUniform float32 seed 7', (t) => t.randomUniform([1000], -2, 3, 'float32', 7)],
  ['randomUniform int32 seed 12', (t) => t.randomUniform([999], -20, 30, 'int32', 12)],
  ['randomUniform string seed', (t) => t.randomUniform([64], 0, 1, 'float32', 'abc')],
  ['randomNormal float32 seed 2002', (t) => t.randomNormal([10000], 0, 0.5, 'float32', 2002)],
  ['randomNormal odd length', (t) => t.randomNormal([3, 7], 1.5, 2, 'float32', 42)],
  ['randomNormal int32', (t) => t.randomNormal([500], 10, 4, 'int32', 3)],
  ['truncatedNormal float32', (t) => t.truncatedNormal([50, 50], 0, 3.5, 'float32', 2002)],
  ['truncatedNormal int32', (t) => t.truncatedNormal([333], 5, 2, 'int32', 9)],
];

describe('seeded random ops match TF.js exactly', () => {
  for (const [name, draw] of draws) {
    it(name, () => {
      const want = draw(tfc);
      const got = draw(ts);
      expect(got.dtype).toBe(want.dtype);
      expect(got.shape).toEqual(want.shape);
      const w = Array.from(want.dataSync()), g = Array.from(got.dataSync());
      expect(g.length).toBe(w.length);
      let mismatches = 0;
      for (let i = 0; i < w.length; i++) if (!Object.is(g[i], w[i])) mismatches++;
      expect(mismatches).toBe(0);
    });
  }

  it('truncatedNormal stays within two standard deviations', () => {
    const v = ts.truncatedNormal([20000], 3, 2, 'float32', 5).dataSync();
    expect(Math.min(...v)).toBeGreaterThanOrEqual(3 - 4 - 1e-6);
    expect(Math.max(...v)).toBeLessThanOrEqual(3 + 4 + 1e-6);
  });

  it('unseeded draws differ between calls', () => {
    const a = ts.randomUniform([16]).dataSync(), b = ts.randomUniform([16]).dataSync();
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('seeded initializers give tfjs-layers weights', () => {
    const cases: Array<[string, Record<string, unknown>, number[]]> = [
      ['glorotUniform', { seed: 11 }, [8, 5]],
      ['heNormal', { seed: 4 }, [6, 6]],
      ['randomNormal', { mean: 1, stddev: 0.3, seed: 17 }, [40]],
      ['truncatedNormal', { stddev: 0.2, seed: 23 }, [12, 3]],
      ['randomUniform', { minval: -1, maxval: 2, seed: 8 }, [30]],
    ];
    for (const [factory, config, shape] of cases) {
      const want = (tfl.initializers as any)[factory](config).apply(shape, 'float32').dataSync();
      const got = (ts.initializers as any)[factory](config).apply(shape, 'float32').dataSync();
      expect(Array.from(got), factory).toEqual(Array.from(want));
    }
  });
});
