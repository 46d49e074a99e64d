/**
 * tf.util's number helpers and shuffling (TF.js names and behaviour). Re-exported by src/util_public.ts.
 */
import type { TypedArray } from './checks.js';

// ---- numbers ------------------------------------------------------------------------------------------

/**
 * `x` limited to [min, max].
 * @example
 * ```js
 * tf.util.clamp(0, 5, 3); // 3
 * ```
 */
export const clamp = (min: number, x: number, max: number): number => Math.max(min, Math.min(x, max));
/**
 * `val` if even, else `val + 1`.
 * @example
 * ```js
 * tf.util.nearestLargerEven(5); // 6
 * ```
 */
export const nearestLargerEven = (val: number): number => (val % 2 === 0 ? val : val + 1);
/**
 * The hyperbolic tangent of a number.
 * @example
 * ```js
 * tf.util.tanh(0); // 0
 * ```
 */
export const tanh = (x: number): number => Math.tanh(x);
/**
 * A high-resolution timestamp in milliseconds (`performance.now()` where available).
 * @example
 * ```js
 * const t0 = tf.util.now();
 * ```
 */
export const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
/**
 * The sum of an array of numbers.
 * @example
 * ```js
 * tf.util.sum([1, 2, 3]); // 6
 * ```
 */
export function sum(arr: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < arr.length; i++) s += arr[i];
  return s;
}
/**
 * A random number in [a, b).
 * @example
 * ```js
 * const r = tf.util.randUniform(0, 1);
 * ```
 */
export function randUniform(a: number, b: number): number {
  return a + Math.random() * (b - a);
}
/**
 * The squared Euclidean distance between two equal-length arrays.
 * @example
 * ```js
 * tf.util.distSquared([0, 0], [3, 4]); // 25
 * ```
 */
export function distSquared(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i] - b[i]) ** 2;
  return d;
}
/**
 * The smallest divisor of `size` that is >= `desiredSize` (or `size` itself).
 * @example
 * ```js
 * tf.util.nearestDivisor(10, 4); // 5
 * ```
 */
export function nearestDivisor(size: number, desiredSize: number): number {
  for (let d = desiredSize; d < size; d++) if (size % d === 0) return d;
  return size;
}

// ---- shuffling ----------------------------------------------------------------------------------------

/**
 * Swaps two entries of an array in place.
 * @example
 * ```js
 * const a = [1, 2, 3];
 * tf.util.swap(a, 0, 2); // a is [3, 2, 1]
 * ```
 */
export function swap<T>(object: { [i: number]: T }, left: number, right: number): void {
  const t = object[left];
  object[left] = object[right];
  object[right] = t;
}

/**
 * In-place Fisher-Yates shuffle.
 * @example
 * ```js
 * const a = [1, 2, 3, 4];
 * tf.util.shuffle(a); // a is permuted in place
 * ```
 */
export function shuffle(array: unknown[] | TypedArray): void {
  for (let i = array.length - 1; i > 0; i--) swap(array as unknown[], i, Math.floor(Math.random() * (i + 1)));
}

/**
 * Shuffle two arrays of equal length with the same permutation.
 * @example
 * ```js
 * const xs = [1, 2, 3];
 * const ys = ['a', 'b', 'c'];
 * tf.util.shuffleCombo(xs, ys); // the same permutation for both
 * ```
 */
export function shuffleCombo(array: unknown[] | TypedArray, array2: unknown[] | TypedArray): void {
  if (array.length !== array2.length) {
    throw new Error(`Array sizes must match to be shuffled together First array length was ${array.length}Second array length was ${array2.length}`);
  }
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    swap(array as unknown[], i, j);
    swap(array2 as unknown[], i, j);
  }
}

/**
 * A Uint32Array holding 0..n-1 in random order.
 * @example
 * ```js
 * const order = tf.util.createShuffledIndices(5); // a permutation of 0..4
 * ```
 */
export function createShuffledIndices(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  shuffle(out as unknown as TypedArray);
  return out;
}
