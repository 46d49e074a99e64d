/**
 * Small helpers for the layer tests: seeded input tensors, closeness checks with a readable
 * first mismatch, and the getConfig() -> new Cls(config) round trip.
 */
import { expect } from 'vitest';
import * as ts from '../../src/index.js';
import { seededValues } from './gradcheck.js';

export const sizeOf = (s: number[]) => s.reduce((a, b) => a * b, 1);

export function randT(shape: number[], seed: number, lo = -1, hi = 1): ts.Tensor {
  return ts.tensor(Float32Array.from(seededValues(sizeOf(shape), seed, lo, hi)), shape);
}

export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, label: string, tol = 1e-4): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol + tol * Math.abs(want[i]))) {
      expect.fail(`${label}: element ${i}: got ${got[i]}, want ${want[i]}`);
    }
  }
}

export function vals(t: ts.Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number>);
}

/** new Cls(layer.getConfig()) gives the same config (with a fresh name) and class. */
export function expectConfigRoundTrip(layer: ts.Layer): void {
  const cfg = layer.getConfig();
  const Cls = layer.constructor as new (c: unknown) => ts.Layer;
  const copy = new Cls({ ...cfg, name: `${cfg.name}_copy` });
  const cfg2 = copy.getConfig();
  expect({ ...cfg2, name: cfg.name }).toEqual(cfg);
  expect(JSON.parse(JSON.stringify(cfg))).toEqual(cfg);
  expect(copy.getClassName()).toBe(layer.getClassName());
}
