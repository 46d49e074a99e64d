/**
 * Directional finite-difference checks for vjps on ops with many inputs elements (convs,
 * attention), where one central difference per element would be too slow. With a fixed random
 * cotangent w and L(x) = sum(f(x) * w) (accumulated in float64 from the op's float32 output),
 * each input's analytic gradient g (from ts.grads with dy = w) must satisfy
 *   <g, u> ~ (L(x + eps u) - L(x - eps u)) / (2 eps)
 * for random directions u, and for a few single coordinates.
 */
import { expect } from 'vitest';
import type * as TS from '../../src/index.js';
import { gradMatches, seededValues } from './gradcheck.js';

type Ts = typeof TS;

export interface DirGradInput {
  shape: number[];
  /** Value range (default [-1, 1]) or explicit values. */
  range?: [number, number];
  values?: number[];
}

export interface DirGradOptions {
  eps?: number;
  /** Relative tolerance (against |numeric|). */
  tol?: number;
  /** Absolute tolerance for small directional derivatives (default tol / 10). */
  atol?: number;
  /** Inputs to differentiate (default: all). */
  wrt?: number[];
  directions?: number;
  coords?: number;
  seed?: number;
}

export function checkDirectionalGrads(
  ts: Ts, name: string, f: (...xs: TS.Tensor[]) => TS.Tensor, specs: DirGradInput[], opts: DirGradOptions = {},
): void {
  const { eps = 1e-2, tol = 1e-2, directions = 2, coords = 2, seed = 11 } = opts;
  const atol = opts.atol ?? tol / 10;
  const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
  const values = specs.map((s, i) => s.values?.slice() ?? seededValues(sizes[i], seed + 31 * i, ...(s.range ?? [-1, 1])));
  const make = (vals: number[][]) => vals.map((v, i) => ts.tensor(Float32Array.from(v), specs[i].shape));
  const probe = ts.tidy(() => f(...make(values)));
  const w = seededValues(probe.size, seed + 977, -1, 1);
  const outShape = probe.shape.slice();
  probe.dispose();
  const loss = (vals: number[][]): number => {
    const y = ts.tidy(() => f(...make(vals)));
    const d = y.dataSync();
    y.dispose();
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i] * w[i];
    return s;
  };
  const inputs = make(values);
  const wT = ts.tensor(Float32Array.from(w), outShape);
  const grads = ts.grads((...xs: TS.Tensor[]) => f(...xs))(inputs, wT).map((g) => Array.from(g.dataSync()));
  ts.dispose([...inputs, wT]);
  const wrt = opts.wrt ?? specs.map((_, i) => i);
  for (const k of wrt) {
    const g = grads[k];
    const trials: number[][] = [];
    for (let d = 0; d < directions; d++) trials.push(seededValues(sizes[k], seed + 1000 * (d + 1) + k, -1, 1));
    const pick = seededValues(coords, seed + 7 * k + 3, 0, sizes[k]).map(Math.floor);
    for (const j of pick) trials.push(Array.from({ length: sizes[k] }, (_, i) => (i === j ? 1 : 0)));
    for (const u of trials) {
      const shifted = (sign: number) => values.map((v, i) => (i === k ? v.map((x, j) => x + sign * eps * u[j]) : v));
      const numeric = (loss(shifted(1)) - loss(shifted(-1))) / (2 * eps);
      let analytic = 0;
      for (let j = 0; j < u.length; j++) analytic += g[j] * u[j];
      if (!gradMatches(analytic, numeric, tol, atol)) {
        expect.fail(`${name}: d/dx${k} along a direction: analytic ${analytic} vs numeric ${numeric} (tol ${tol} relative + ${atol} absolute)`);
      }
    }
  }
}
