/**
 * layerNorm's gamma and beta gradients, which run in the layerNormBackprop kernel call that gives dx
 * (attr paramGrads; src/ops/norm.ts),
 * on js and wasm against TF.js cpu's gradients of the same function composed from its ops
 * ((x - mean) / sqrt(var + eps) * gamma + beta over the last axis), over ragged shapes, with gamma
 * and beta, gamma only and beta only; the kernel calls show the kernel ran.
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

const EPS = 1e-3;
function tfjsLayerNorm(x: tfc.Tensor, g: tfc.Tensor | null, b: tfc.Tensor | null): tfc.Tensor {
  const { mean, variance } = tfc.moments(x, -1, true);
  let y = tfc.div(tfc.sub(x, mean), tfc.sqrt(tfc.add(variance, EPS)));
  if (g) y = tfc.mul(y, g);
  return b ? tfc.add(y, b) : y;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-4 * Math.max(1, Math.abs(want[i])))) expect.fail(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

const CASES: Array<[number[], boolean, boolean]> = [
  [[3, 5, 7], true, true],
  [[1, 1], true, true],
  [[65, 3], true, false],
  [[2, 33, 17], false, true],
  [[40, 64], true, true],
];

for (const backend of ['js', 'wasm'] as const) {
  describe(`layerNorm gamma / beta gradients (${backend})`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });
    for (const [shape, hasG, hasB] of CASES) {
      it(`[${shape}]${hasG ? ' gamma' : ''}${hasB ? ' beta' : ''}`, async () => {
        const n = shape.reduce((a, b) => a * b, 1), cols = shape[shape.length - 1];
        const xv = seededValues(n, 3, -2, 2), gv = seededValues(cols, 4, 0.5, 1.5), bv = seededValues(cols, 5), wv = seededValues(n, 6);
        const args = [xv, ...(hasG ? [gv] : []), ...(hasB ? [bv] : [])];
        const shapes = [shape, ...(hasG ? [[cols]] : []), ...(hasB ? [[cols]] : [])];
        const want = tfc.tidy(() => {
          const ts0 = args.map((v, i) => tfc.tensor(v, shapes[i]));
          const f = (...t: tfc.Tensor[]) => tfc.sum(tfc.mul(tfjsLayerNorm(t[0], hasG ? t[1] : null, hasB ? t[hasG ? 2 : 1] : null), tfc.tensor(wv, shape)));
          return tfc.grads(f)(ts0).map((g) => Array.from(g.dataSync()));
        });
        const b = ts.backend() as any, run = b.run, kernels: string[] = [];
        b.run = (k: string, ...rest: unknown[]) => (kernels.push(k), run.call(b, k, ...rest));
        const xs = args.map((v, i) => ts.tensor(v, shapes[i]));
        let gs: ts.Tensor[];
        try {
          const f = (...t: ts.Tensor[]) => ts.sum(ts.mul(ts.layerNorm(t[0], hasG ? t[1] : null, hasB ? t[hasG ? 2 : 1] : null, EPS), ts.tensor(wv, shape)));
          gs = ts.grads(f)(xs);
        } finally {
          b.run = run;
        }
        expect(kernels.filter((k) => k === 'layerNormBackprop')).toHaveLength(1); // dx, dgamma and dbeta in one call
        for (let i = 0; i < gs.length; i++) expectClose(await gs[i].data(), want[i], `grad ${i} of [${shape}]`);
        ts.dispose([...xs, ...gs]);
      });
    }
  });
}
