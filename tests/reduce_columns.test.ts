/**
 * Sums and means over leading (or middle) axes, which run as the column reduction kernel
 * (reduceColumns: [outer, inner, cols] -> [outer, cols], no transpose first), on js and wasm
 * against TF.js cpu, over ragged shapes, size-1 dims in and around the reduced run, keepDims and
 * the gradient; the kernel calls show that the column kernel ran and no transpose did.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as ts from '../src/index.js';
import { seededValues } from './helpers/gradcheck.js';

beforeAll(async () => {
  await tfc.setBackend('cpu');
});

/** [shape, axes, keepDims, columns kernel expected] */
export const COLUMN_CASES: Array<[number[], number[], boolean, boolean]> = [
  [[33, 2], [0], false, true],
  [[3, 5, 7], [0], false, true],
  [[3, 5, 7], [0, 1], true, true],
  [[3, 5, 7], [1], false, true],
  [[2, 65, 3], [1], false, true],
  [[1, 17, 1, 9], [1], false, true],
  [[5, 1, 3, 4, 2], [2, 3], true, true],
  [[4, 1, 6], [0, 1], false, true],
  [[16, 1], [0], false, false], // the size-1 dim trails: a row reduction of the view, no transpose
  [[3, 5, 7], [0, 2], false, false], // not one run: transpose + rows
];

function kernelsOf(fn: () => ts.Tensor): { out: ts.Tensor; kernels: string[] } {
  const b = ts.backend() as any, run = b.run;
  const kernels: string[] = [];
  b.run = (k: string, ...rest: unknown[]) => (kernels.push(k), run.call(b, k, ...rest));
  try {
    return { out: fn(), kernels };
  } finally {
    b.run = run;
  }
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-5 * Math.max(1, Math.abs(want[i])))) expect.fail(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

for (const backend of ['js', 'wasm'] as const) {
  describe(`reduce over leading axes (${backend})`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });
    for (const [shape, axes, keepDims, columns] of COLUMN_CASES) {
      for (const op of ['sum', 'mean'] as const) {
        it(`${op} of [${shape}] over [${axes}]${keepDims ? ' keepDims' : ''}`, async () => {
          const values = seededValues(shape.reduce((a, b) => a * b, 1), shape.length * 7 + axes[0]);
          const want = tfc.tidy(() => tfc[op](tfc.tensor(values, shape), axes, keepDims));
          const x = ts.tensor(values, shape);
          const { out, kernels } = kernelsOf(() => ts[op](x, axes, keepDims));
          expect(kernels).toEqual(columns ? ['reduceColumns'] : kernels.includes('copyStrided') ? ['copyStrided', 'reduce'] : ['reduce']);
          expect(out.shape).toEqual(want.shape);
          expectClose(await out.data(), want.dataSync(), `${op} [${shape}] over [${axes}]`);
          // the gradient broadcasts back (TF.js cpu's vjp of the same function)
          const w = seededValues(out.size, 5);
          const g = ts.grad((t: ts.Tensor) => ts.sum(ts.mul(ts[op](t, axes, keepDims), ts.tensor(w, out.shape))))(x);
          const gw = tfc.tidy(() => tfc.grad((t: tfc.Tensor) => tfc.sum(tfc.mul(tfc[op](t, axes, keepDims), tfc.tensor(w, want.shape))))(tfc.tensor(values, shape)));
          expectClose(await g.data(), gw.dataSync(), `grad of ${op} [${shape}] over [${axes}]`);
          ts.dispose([x, out, g]);
          tfc.dispose([want, gw]);
        });
      }
    }
    it('int32 sums and max over leading axes keep the row kernel (transpose first)', async () => {
      const x = ts.tensor([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
      const { out, kernels } = kernelsOf(() => ts.sum(x, 0));
      expect(kernels).toEqual(['copyStrided', 'reduce']);
      expect(out.dtype).toBe('int32');
      expect(Array.from(await out.data())).toEqual([9, 12]);
      const m = ts.max(ts.tensor([1, 7, 3, 4, 5, -6], [3, 2]), 0);
      expect(Array.from(await m.data())).toEqual([5, 7]);
      ts.dispose([x, out, m]);
    });
    it('a NaN in a column makes that column NaN only', async () => {
      const x = ts.tensor([1, NaN, 3, 4, 5, 6], [3, 2]);
      const s = ts.sum(x, 0);
      const got = Array.from(await s.data());
      expect(got[0]).toBe(9);
      expect(got[1]).toBeNaN();
      ts.dispose([x, s]);
    });
  });
}
