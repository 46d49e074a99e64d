/**
 * Shared helpers of the recurrent / attention layer tests: a seeded value generator, a
 * tolerance check, random layer weights, and the ops namespace imported module by module
 * (not through src/index.ts, so these tests do not depend on the models / io modules).
 */
import { expect } from 'vitest';
import * as globals from '../../src/globals.js';
import * as creation from '../../src/ops/creation.js';
import * as binary from '../../src/ops/binary.js';
import * as unary from '../../src/ops/unary.js';
import * as reduce from '../../src/ops/reduce.js';
import * as autograd from '../../src/autograd.js';
import * as layout from '../../src/ops/layout.js';
import { input, type Layer } from '../../src/layers/layer.js';

export const ts = { ...globals, ...creation, ...binary, ...unary, ...reduce, ...autograd, ...layout, input };

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 * 2 - 1;
  };
}
export function randArray(n: number, seed: number, scale = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => r() * scale);
}
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  expect(worst).toBeLessThanOrEqual(tol);
}

/** Give a layer random (non-default) weights so biases and every gate matter. */
export function randomizeWeights(layer: Layer, seed: number, scale = 0.5): void {
  layer.setWeights(layer.weights.map((w, i) => ts.tensor(randArray(w.size, seed + i, scale), w.shape)));
}

