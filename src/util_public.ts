/**
 * The public `tf.util` namespace (TF.js names and behaviour): assertions, shape arithmetic, shuffling,
 * nested-array flattening and rebuilding, dtype helpers, string encoding and `fetch`. Programs written for
 * TF.js call these directly (`tf.util.shuffle(indices)`, `tf.util.assert(...)`), so each one keeps TF.js's
 * argument order, defaults and results. Internal shape helpers stay in util.ts.
 */
import type { DType } from './backends/backend.js';
import { env } from './environment.js';

type AnyDType = DType | 'complex64' | 'string';
/**
 * The typed arrays a tensor's values come in: Float32Array, Int32Array or Uint8Array.
 */
export type TypedArray = Float32Array | Int32Array | Uint8Array;
type Nested = unknown;

// ---- assertions -------------------------------------------------------------------------------------

/**
 * Throw an Error with `msg` (a string or a function returning one) unless `expr` holds.
 * @example
 * ```js
 * const x = tf.ones([2, 2]);
 * tf.util.assert(x.rank === 2, () => `expected a matrix, got rank ${x.rank}`);
 * ```
 */
export function assert(expr: boolean, msg: string | (() => string)): asserts expr {
  if (!expr) throw new Error(typeof msg === 'string' ? msg : msg());
}

/**
 * Throws unless the two shapes are equal (the message starts with `errorMessagePrefix`).
 * @example
 * ```js
 * tf.util.assertShapesMatch([2, 3], [2, 3], 'add: ');
 * ```
 */
export function assertShapesMatch(shapeA: number[], shapeB: number[], errorMessagePrefix = ''): void {
  assert(arraysEqual(shapeA, shapeB), () => `${errorMessagePrefix} Shapes ${shapeA} and ${shapeB} must match`);
}

/**
 * Throws the tensor constructor's error when `a` is null or undefined.
 * @example
 * ```js
 * tf.util.assertNonNull([1, 2]);
 * ```
 */
export function assertNonNull(a: unknown): void {
  assert(a != null, () => 'The input to the tensor constructor must be a non-null value.');
}

/**
 * Throws unless every dimension of `shape` is a non-negative integer.
 * @example
 * ```js
 * tf.util.assertNonNegativeIntegerDimensions([2, 3]);
 * ```
 */
export function assertNonNegativeIntegerDimensions(shape: number[]): void {
  for (const d of shape) {
    assert(Number.isInteger(d) && d >= 0, () => `Tensor must have a shape comprised of positive integers but got shape [${shape}].`);
  }
}

// ---- type tests ---------------------------------------------------------------------------------------

/**
 * True for typed arrays (any ArrayBuffer view but DataView).
 * @example
 * ```js
 * tf.util.isTypedArray(new Float32Array(2)); // true
 * ```
 */
export function isTypedArray(a: unknown): a is TypedArray {
  return ArrayBuffer.isView(a) && !(a instanceof DataView);
}
/**
 * True for strings (primitive or String objects).
 * @example
 * ```js
 * tf.util.isString('a'); // true
 * ```
 */
export const isString = (v: unknown): v is string => typeof v === 'string' || v instanceof String;
/**
 * True for booleans.
 * @example
 * ```js
 * tf.util.isBoolean(false); // true
 * ```
 */
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
/**
 * True for numbers.
 * @example
 * ```js
 * tf.util.isNumber(1.5); // true
 * ```
 */
export const isNumber = (v: unknown): v is number => typeof v === 'number';
/**
 * True for functions.
 * @example
 * ```js
 * tf.util.isFunction(() => 1); // true
 * ```
 */
export const isFunction = (f: unknown): boolean => typeof f === 'function';
/**
 * True when `a` has no fractional part.
 * @example
 * ```js
 * tf.util.isInt(3); // true
 * ```
 */
export const isInt = (a: number): boolean => a % 1 === 0;
/**
 * True when `obj` has a `then` method.
 * @example
 * ```js
 * tf.util.isPromise(Promise.resolve(1)); // true
 * ```
 */
export function isPromise(obj: unknown): boolean {
  return obj != null && typeof (obj as { then?: unknown }).then === 'function';
}
/**
 * True for the dtypes TF.js knows: float32, int32, bool, complex64, string.
 * @example
 * ```js
 * tf.util.isValidDtype('int32'); // true
 * ```
 */
export function isValidDtype(dtype: string): boolean {
  return ['complex64', 'float32', 'int32', 'bool', 'string'].includes(dtype);
}

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

// ---- dtypes -------------------------------------------------------------------------------------------

/**
 * The dtype a tensor made from `values` gets: 'float32', 'bool' or 'string'.
 * @example
 * ```js
 * tf.util.inferDtype([true, false]); // 'bool'
 * ```
 */
export function inferDtype(values: unknown): AnyDType {
  if (Array.isArray(values)) return inferDtype(values[0]);
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray) return 'int32';
  if (isNumber(values)) return 'float32';
  if (isString(values)) return 'string';
  if (isBoolean(values)) return 'bool';
  return 'float32';
}

/**
 * Bytes per element of a numeric dtype (complex64: 8).
 * @example
 * ```js
 * tf.util.bytesPerElement('float32'); // 4
 * ```
 */
export function bytesPerElement(dtype: AnyDType): number {
  if (dtype === 'float32' || dtype === 'int32') return 4;
  if (dtype === 'complex64') return 8;
  if (dtype === 'bool') return 1;
  throw new Error(`Unknown dtype ${dtype}`);
}

/**
 * Whether casting `oldType` to `newType` can lose information.
 * @example
 * ```js
 * tf.util.hasEncodingLoss('float32', 'int32'); // true
 * ```
 */
export function hasEncodingLoss(oldType: AnyDType, newType: AnyDType): boolean {
  if (newType === 'complex64') return false;
  if (oldType === 'complex64') return true;
  if (newType === 'float32') return false;
  const rank: Record<string, number> = { bool: 0, int32: 1, float32: 2 };
  return (rank[oldType] ?? 3) > (rank[newType] ?? 3);
}

/**
 * Throw when numeric values hold NaN or +-Infinity (TF.js checks this on tensor creation in debug mode).
 * @example
 * ```js
 * tf.util.checkConversionForErrors([1, 2], 'float32'); // throws on NaN or Infinity
 * ```
 */
export function checkConversionForErrors(vals: ArrayLike<number>, dtype: AnyDType): void {
  if (dtype === 'string' || dtype === 'complex64') return;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (Number.isNaN(v) || !Number.isFinite(v)) throw Error(`A tensor of type ${dtype} being uploaded contains ${v}.`);
  }
}

/**
 * A zero-filled array of `size` for `dtype` (a string array for 'string').
 * @example
 * ```js
 * tf.util.getArrayFromDType('int32', 3); // Int32Array [0, 0, 0]
 * ```
 */
export function getArrayFromDType(dtype: AnyDType, size: number): TypedArray | string[] {
  if (dtype == null || dtype === 'float32' || dtype === 'complex64') return new Float32Array(size);
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  if (dtype === 'string') return new Array<string>(size).fill('');
  throw new Error(`Unknown data type ${dtype}`);
}
/**
 * A zero-filled typed array of `size` for a numeric `dtype`.
 * @example
 * ```js
 * tf.util.getTypedArrayFromDType('float32', 2); // Float32Array [0, 0]
 * ```
 */
export const getTypedArrayFromDType = getArrayFromDType;
/**
 * A zero-filled typed array of `size` for `dtype`.
 * @example
 * ```js
 * tf.util.makeZerosTypedArray(3, 'float32'); // Float32Array [0, 0, 0]
 * ```
 */
export function makeZerosTypedArray(size: number, dtype: AnyDType): TypedArray {
  if (dtype === 'string') throw new Error(`Unknown data type ${dtype}`);
  return getArrayFromDType(dtype, size) as TypedArray;
}
/**
 * A typed array of `size` ones for `dtype`.
 * @example
 * ```js
 * tf.util.makeOnesTypedArray(3, 'int32'); // Int32Array [1, 1, 1]
 * ```
 */
export function makeOnesTypedArray(size: number, dtype: AnyDType): TypedArray {
  const a = makeZerosTypedArray(size, dtype);
  a.fill(1);
  return a;
}
/**
 * A nested array of zeros with the given shape.
 * @example
 * ```js
 * tf.util.makeZerosNestedTypedArray([2, 2], 'float32'); // [[0, 0], [0, 0]]
 * ```
 */
export function makeZerosNestedTypedArray(shape: number[], dtype: AnyDType): Nested {
  const size = shape.reduce((p, c) => p * c, 1);
  return toNestedArray(shape, makeZerosTypedArray(size, dtype));
}

/**
 * Values as a typed array of `dtype` (numbers and booleans; strings throw).
 * @example
 * ```js
 * tf.util.toTypedArray([1, 2], 'int32'); // Int32Array [1, 2]
 * ```
 */
export function toTypedArray(a: unknown, dtype: AnyDType): TypedArray {
  if (dtype === 'string') throw new Error('Cannot convert a string[] to a TypedArray');
  if (isTypedArray(a) && inferDtype(a) === dtype) return a;
  const flat = Array.isArray(a) ? flatten<number | boolean>(a) : [a as number];
  const out = makeZerosTypedArray(flat.length, dtype);
  flat.forEach((v, i) => (out[i] = Number(v)));
  return out;
}
/**
 * The value a scalar of `dtype` stores for `value` (a string is UTF-8 encoded).
 * @example
 * ```js
 * tf.util.createScalarValue(3, 'int32');
 * ```
 */
export function createScalarValue(value: unknown, dtype: AnyDType): unknown {
  if (dtype === 'string') return encodeString(value as string);
  return toTypedArray([value], dtype);
}
/**
 * Backend values (typed arrays or byte arrays) as they are; ArrayBuffers become Uint8Arrays.
 * @example
 * ```js
 * const values = tf.util.convertBackendValuesAndArrayBuffer(new Float32Array([1, 2]), 'float32');
 * ```
 */
export function convertBackendValuesAndArrayBuffer(data: unknown, dtype: AnyDType): unknown {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (dtype === 'string' || isTypedArray(data)) return data;
  return toTypedArray(data, dtype);
}

// ---- strings and the platform -------------------------------------------------------------------------

/**
 * Encodes a string as bytes (UTF-8 by default).
 * @example
 * ```js
 * tf.util.encodeString('hi'); // Uint8Array [104, 105]
 * ```
 */
export function encodeString(s: string, encoding = 'utf-8'): Uint8Array {
  if (encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
    throw new Error(`util.encodeString: only utf-8 is supported, got '${encoding}'`);
  }
  return new TextEncoder().encode(s);
}
/**
 * Decodes bytes to a string (UTF-8 by default).
 * @example
 * ```js
 * tf.util.decodeString(new Uint8Array([104, 105])); // 'hi'
 * ```
 */
export function decodeString(bytes: Uint8Array, encoding = 'utf-8'): string {
  return new TextDecoder(encoding).decode(bytes);
}
/**
 * The total byte length of an array of encoded strings.
 * @example
 * ```js
 * tf.util.bytesFromStringArray([new Uint8Array(2), new Uint8Array(3)]); // 5
 * ```
 */
export function bytesFromStringArray(arr: Uint8Array[]): number {
  if (arr == null) return 0;
  let bytes = 0;
  for (const a of arr) bytes += a.length;
  return bytes;
}

/**
 * The platform's fetch (`env().platform.fetch`, the runtime's fetch unless a program set another platform).
 * @example
 * ```js
 * const response = await tf.util.fetch('https://example.com/model.json');
 * ```
 */
export function fetch(path: string, requestInit?: RequestInit): Promise<Response> {
  if (typeof globalThis.fetch !== 'function' && env().platform.fetch === undefined) throw new Error('util.fetch: this runtime has no fetch()');
  return env().platform.fetch(path, requestInit);
}

/**
 * Retry `checkFn` until it returns true (resolve) or `maxCounter` tries pass (reject).
 * @example
 * ```js
 * await tf.util.repeatedTry(() => ready, (i) => 10 * i, 20);
 * ```
 */
export function repeatedTry(
  checkFn: () => boolean, delayFn: (counter: number) => number = () => 0, maxCounter?: number,
  scheduleFn?: (fn: () => void, delay: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const attempt = () => {
      if (checkFn()) return resolve();
      tries++;
      if (maxCounter != null && tries >= maxCounter) return reject();
      const delay = delayFn(tries);
      if (scheduleFn) scheduleFn(attempt, delay);
      else setTimeout(attempt, delay);
    };
    attempt();
  });
}
