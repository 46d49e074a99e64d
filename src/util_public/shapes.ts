/**
 * tf.util's shape arithmetic and nested-array flattening / rebuilding (TF.js names and behaviour).
 * Re-exported by src/util_public.ts.
 */
import { assert, isInt, isPromise, isTypedArray } from './checks.js';

type Nested = unknown;

// ---- shapes -------------------------------------------------------------------------------------------

/**
 * The number of elements of a shape (1 for a scalar).
 * @example
 * ```js
 * tf.util.sizeFromShape([2, 3, 4]); // 24
 * ```
 */
export function sizeFromShape(shape: number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}
/**
 * True for the scalar shape [].
 * @example
 * ```js
 * tf.util.isScalarShape([]); // true
 * ```
 */
export const isScalarShape = (shape: number[]): boolean => shape.length === 0;

/**
 * True when both arrays have the same length and equal elements.
 * @example
 * ```js
 * tf.util.arraysEqual([1, 2], [1, 2]); // true
 * ```
 */
export function arraysEqual(a: ArrayLike<unknown> | null, b: ArrayLike<unknown> | null): boolean {
  if (a === b) return true;
  if (a == null || b == null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
/**
 * Like arraysEqual, but a null entry on either side matches anything.
 * @example
 * ```js
 * tf.util.arraysEqualWithNull([null, 3], [null, 3]); // true
 * ```
 */
export function arraysEqualWithNull(a: (number | null)[], b: (number | null)[]): boolean {
  if (a === b) return true;
  if (a == null || b == null || a.length !== b.length) return false;
  return a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

/**
 * A [rows, cols] shape close to square that holds `size` elements.
 * @example
 * ```js
 * tf.util.sizeToSquarishShape(12); // [4, 3]
 * ```
 */
export function sizeToSquarishShape(size: number): [number, number] {
  const width = Math.ceil(Math.sqrt(size));
  return [width, Math.ceil(size / width)];
}

/**
 * Pads `a` with spaces on the right to `size` characters.
 * @example
 * ```js
 * tf.util.rightPad('ab', 4); // 'ab  '
 * ```
 */
export function rightPad(a: string, size: number): string {
  return size <= a.length ? a : a + ' '.repeat(size - a.length);
}

/**
 * Row-major strides of a shape, without the last (always 1).
 * @example
 * ```js
 * tf.util.computeStrides([2, 3, 4]); // [12, 4]
 * ```
 */
export function computeStrides(shape: number[]): number[] {
  const rank = shape.length;
  if (rank < 2) return [];
  const strides = new Array<number>(rank - 1);
  strides[rank - 2] = shape[rank - 1];
  for (let i = rank - 3; i >= 0; i--) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}
/**
 * The flat index of a multi-index, given the strides of `computeStrides`.
 * @example
 * ```js
 * tf.util.locToIndex([1, 2], 2, [3]); // 5
 * ```
 */
export function locToIndex(locs: number[], rank: number, strides: number[]): number {
  if (rank === 0) return 0;
  if (rank === 1) return locs[0];
  let index = locs[locs.length - 1];
  for (let i = 0; i < locs.length - 1; i++) index += strides[i] * locs[i];
  return index;
}
/**
 * The multi-index of a flat index, given the strides of `computeStrides`.
 * @example
 * ```js
 * tf.util.indexToLoc(5, 2, [3]); // [1, 2]
 * ```
 */
export function indexToLoc(index: number, rank: number, strides: number[]): number[] {
  if (rank === 0) return [];
  if (rank === 1) return [index];
  const locs = new Array<number>(rank);
  for (let i = 0; i < locs.length - 1; i++) {
    locs[i] = Math.floor(index / strides[i]);
    index -= locs[i] * strides[i];
  }
  locs[locs.length - 1] = index;
  return locs;
}

/**
 * Replace a single -1 in `shape` by the dimension that makes its size `size`.
 * @example
 * ```js
 * tf.util.inferFromImplicitShape([2, -1], 6); // [2, 3]
 * ```
 */
export function inferFromImplicitShape(shape: number[], size: number): number[] {
  let known = 1;
  let implicitIdx = -1;
  shape.forEach((d, i) => {
    if (d >= 0) known *= d;
    else if (d === -1) {
      if (implicitIdx !== -1) throw Error(`Shapes can only have 1 implicit size. Found -1 at dim ${implicitIdx} and dim ${i}`);
      implicitIdx = i;
    } else if (d < 0) throw Error(`Shapes can not be < 0. Found ${d} at dim ${i}`);
  });
  if (implicitIdx === -1) {
    if (size > 0 && size !== known) throw Error(`Size(${size}) must match the product of shape ${shape}`);
    return shape;
  }
  if (known === 0) throw Error(`Cannot infer the missing size in [${shape}] when there are 0 elements`);
  if (size % known !== 0) throw Error(`The implicit shape can't be a fractional number. Got ${size} / ${known}`);
  const out = shape.slice();
  out[implicitIdx] = size / known;
  return out;
}

/**
 * Normalise an axis argument (null = all axes; negatives count from the end) for a tensor of `shape`.
 * @example
 * ```js
 * tf.util.parseAxisParam(-1, [2, 3]); // [1]
 * ```
 */
export function parseAxisParam(axis: number | number[] | null | undefined, shape: number[]): number[] {
  const rank = shape.length;
  const axes = axis == null ? shape.map((_, i) => i) : ([] as number[]).concat(axis);
  assert(axes.every((a) => a >= -rank && a < rank), () => `All values in axis param must be in range [-${rank}, ${rank}) but got axis ${axes}`);
  assert(axes.every((a) => isInt(a)), () => `All values in axis param must be integers but got axis ${axes}`);
  return axes.map((a) => (a < 0 ? rank + a : a));
}

/**
 * Drop size-1 dims (only those in `axis` when given); returns the new shape and the kept dims.
 * @example
 * ```js
 * tf.util.squeezeShape([1, 3, 1]).newShape; // [3]
 * ```
 */
export function squeezeShape(shape: number[], axis?: number[]): { newShape: number[]; keptDims: number[] } {
  const newShape: number[] = [];
  const keptDims: number[] = [];
  const axes = axis == null || axis.length === 0 ? null : parseAxisParam(axis, shape).sort((a, b) => a - b);
  for (let i = 0; i < shape.length; i++) {
    if (axes !== null && axes.includes(i) && shape[i] !== 1) {
      throw new Error(`Can't squeeze axis ${i} since its dim '${shape[i]}' is not 1`);
    }
    const squeezable = axes === null ? shape[i] === 1 : axes.includes(i);
    if (!squeezable) {
      newShape.push(shape[i]);
      keptDims.push(i);
    }
  }
  return { newShape, keptDims };
}

// ---- nested arrays ------------------------------------------------------------------------------------

/**
 * Flatten nested arrays and typed arrays into `result` (TF.js semantics: with skipTypedArray, typed arrays
 * are kept whole, as string tensors' byte arrays are; array-like objects contribute their integer keys).
 * @example
 * ```js
 * tf.util.flatten([[1, 2], [3, [4]]]); // [1, 2, 3, 4]
 * ```
 */
export function flatten<T>(arr: Nested, result: T[] = [], skipTypedArray = false): T[] {
  const leaf = arr == null || typeof arr === 'number' || typeof arr === 'boolean' || typeof arr === 'string' || isPromise(arr);
  if (leaf || (skipTypedArray && isTypedArray(arr))) {
    result.push(arr as T);
  } else if (Array.isArray(arr) || isTypedArray(arr)) {
    const a = arr as ArrayLike<unknown>;
    for (let i = 0; i < a.length; i++) flatten(a[i], result, skipTypedArray);
  } else {
    let last = -1;
    for (const key of Object.keys(arr as object)) if (/^(0|[1-9]\d*)$/.test(key)) last = Math.max(last, Number(key));
    for (let i = 0; i <= last; i++) flatten((arr as Record<number, unknown>)[i], result, skipTypedArray);
  }
  return result;
}

/**
 * Rebuild a nested array of `shape` from flat values (complex values are interleaved re/im pairs).
 * @example
 * ```js
 * tf.util.toNestedArray([2, 2], [1, 2, 3, 4]); // [[1, 2], [3, 4]]
 * ```
 */
export function toNestedArray(shape: number[], a: ArrayLike<unknown>, isComplex = false): Nested {
  if (shape.length === 0) return a[0];
  const perElement = isComplex ? 2 : 1;
  const size = sizeFromShape(shape) * perElement;
  if (size === 0) return [];
  if (size !== a.length) throw new Error(`[${shape}] does not match the input size ${a.length}${isComplex ? ' for a complex tensor' : ''}.`);
  const build = (offset: number, dim: number): Nested => {
    const n = shape[dim];
    const out: Nested[] = [];
    if (dim === shape.length - 1) {
      for (let i = 0; i < n * perElement; i++) out.push(a[offset + i]);
      return out;
    }
    const stride = sizeFromShape(shape.slice(dim + 1)) * perElement;
    for (let i = 0; i < n; i++) out.push(build(offset + i * stride, dim + 1));
    return out;
  };
  return build(0, 0);
}
