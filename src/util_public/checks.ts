/**
 * tf.util's assertions and type tests (TF.js names, argument orders and messages), and the TypedArray
 * type the other tf.util parts share. Re-exported by src/util_public.ts.
 */
import { arraysEqual } from './shapes.js';

/**
 * The typed arrays a tensor's values come in: Float32Array, Int32Array or Uint8Array.
 */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

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
