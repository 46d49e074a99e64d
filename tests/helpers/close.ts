// The closeness check the plan, fused-kernel and training tests share: every element within
// tol relative to max(1, |want|), same length; NaN anywhere (got or want) fails, since no
// comparison with NaN is true.
import { expect } from 'vitest';

/** Fails naming `what[i]` at the first element of `got` not within `tol` of `want`. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) expect.fail(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}
