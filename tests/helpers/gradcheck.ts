/**
 * Finite-difference gradient checking for vjps on the js backend: compares grads(f) against
 * central differences of L = sum(f(x) * w) for a fixed random w, per input element.
 */
import { expect } from 'vitest';
import type * as TS from '../../src/index.js';

type Ts = typeof TS;

/** Deterministic pseudo-random values in [lo, hi). */
export function seededValues(n: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return lo + ((s >>> 0) / 4294967296) * (hi - lo);
  });
}

export interface GradCase {
  name: string;
  f: (ts: Ts, ...xs: TS.Tensor[]) => TS.Tensor;
  shapes: number[][];
  /** Input value range (e.g. positive for log/sqrt). */
  range?: [number, number];
  /** Only check gradients of these inputs (default: all). */
  wrt?: number[];
  eps?: number;
  /** Relative tolerance (against |numeric|). */
  tol?: number;
  /** Absolute tolerance, the floor that matters for small gradients (default tol / 10). */
  atol?: number;
}

/**
 * Whether an analytic gradient matches a central difference: |got - numeric| <= atol + tol *
 * |numeric|. NaN or an infinity on either side fails (a NaN gradient must never pass), and a
 * small gradient is held to the absolute floor atol rather than to tol itself, so a vjp that
 * returns 0 where the true value is 1e-3 is caught.
 */
export function gradMatches(got: number, numeric: number, tol: number, atol: number): boolean {
  if (!Number.isFinite(got) || !Number.isFinite(numeric)) return false;
  return Math.abs(got - numeric) <= atol + tol * Math.abs(numeric);
}

export function checkGradients(ts: Ts, c: GradCase, seed = 7): void {
  const [lo, hi] = c.range ?? [-1, 1];
  const values = c.shapes.map((s, i) => seededValues(s.reduce((a, b) => a * b, 1), seed + i * 101, lo, hi));
  const make = (vals: number[][]) => vals.map((v, i) => ts.tensor(v, c.shapes[i]));
  const probe = ts.tidy(() => c.f(ts, ...make(values)));
  const w = seededValues(probe.size, seed + 999, 0.5, 1.5);
  const wT = ts.tensor(w, probe.shape);
  probe.dispose();
  const loss = (...xs: TS.Tensor[]) => ts.sum(ts.mul(c.f(ts, ...xs), wT));
  const inputs = make(values);
  const analytic = ts.grads(loss)(inputs).map((g) => Array.from(g.dataSync()));
  const eps = c.eps ?? 1e-2;
  const tol = c.tol ?? 2e-2;
  const atol = c.atol ?? tol / 10;
  const wrt = c.wrt ?? c.shapes.map((_, i) => i);
  for (const k of wrt) {
    for (let j = 0; j < values[k].length; j++) {
      const evalAt = (delta: number) => {
        const v = values.map((a) => a.slice());
        v[k][j] += delta;
        return ts.tidy(() => loss(...make(v)).dataSync()[0]);
      };
      const numeric = (evalAt(eps) - evalAt(-eps)) / (2 * eps);
      const got = analytic[k][j];
      if (!gradMatches(got, numeric, tol, atol)) {
        expect.fail(`${c.name}: d/dx${k}[${j}] analytic ${got} vs numeric ${numeric} (tol ${tol} relative + ${atol} absolute)`);
      }
    }
  }
  ts.dispose([...inputs, wT]);
}
