/**
 * tf.util's dtype helpers, string encoding and the platform's fetch / retry (TF.js names and behaviour).
 * Re-exported by src/util_public.ts.
 */
import { env } from '../environment.js';
import type { DType } from '../backends/backend.js';
import { isBoolean, isNumber, isString, isTypedArray, type TypedArray } from './checks.js';
import { flatten, sizeFromShape, toNestedArray } from './shapes.js';

type AnyDType = DType | 'complex64' | 'string';
type Nested = unknown;

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
