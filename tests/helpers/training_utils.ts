// Shared helpers for the training tests: value reads, tolerant comparison, seeded numbers.
import { expect } from 'vitest';
import type { Tensor } from '../../src/index.js';

export const vals = (t: Tensor | Tensor[]) => Array.from((t as Tensor).dataSync());

/** Elementwise |got - want| <= tol * max(1, |want|), with a readable failure. */
export function close(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tolI = tol * Math.max(1, Math.abs(want[i]));
    if (!(Math.abs(got[i] - want[i]) <= tolI)) throw new Error(`element ${i}: got ${got[i]}, want ${want[i]} (tol ${tolI})\ngot  [${Array.from(got)}]\nwant [${Array.from(want)}]`);
  }
}

/** Seeded uniform generator for test data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export const EPS = 1e-7;
export const clipP = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);
export const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
