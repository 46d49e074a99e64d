/**
 * Shape arithmetic shared by all ops: sizes, strides, NumPy broadcasting, axis normalisation,
 * nested-array inference and flattening. Pure functions; errors name the calling op.
 */
import type { DType } from './backends/backend.js';

export function sizeOf(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/** Row-major element strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function fmtShape(s: readonly number[]): string {
  return `[${s.join(',')}]`;
}

/** NumPy broadcast of two shapes; throws naming the op when incompatible. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides for reading `inShape` broadcast to `outShape` (0 on broadcast dims). */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const inStrides = stridesOf(inShape);
  const off = outShape.length - inShape.length;
  return outShape.map((_, i) => {
    const d = i - off;
    return d < 0 || inShape[d] === 1 ? 0 : inStrides[d];
  });
}

/**
 * Merge adjacent output dims that are contiguous for every operand, so any-rank broadcasting
 * fits the kernels' rank limit. Returns the collapsed shape and per-operand strides.
 */
export function collapseDims(outShape: number[], strides: number[][]): { shape: number[]; strides: number[][] } {
  const shape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < outShape.length; d++) {
    if (outShape[d] === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * outShape[d])) {
      shape[last] *= outShape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      shape.push(outShape[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  return { shape, strides: outStrides };
}

/** Normalise one axis (negative counts from the end); throws naming the op. */
export function normAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new Error(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalise an axis spec (undefined = all axes) to sorted unique axes. */
export function normAxes(op: string, axis: number | number[] | undefined | null, rank: number): number[] {
  if (axis == null) return Array.from({ length: rank }, (_, i) => i);
  const list = (Array.isArray(axis) ? axis : [axis]).map((a) => (rank === 0 && (a === 0 || a === -1) ? 0 : normAxis(op, a, rank)));
  const set = [...new Set(list)].sort((x, y) => x - y);
  if (set.length !== list.length) throw new Error(`${op}: repeated axis in [${axis}]`);
  return rank === 0 ? [] : set;
}

/** Nested JS values a tensor is made from (strings and UTF-8 Uint8Arrays make 'string' tensors). */
export type NestedNumbers = number | boolean | string | Uint8Array | NestedNumbers[];
export type TensorLike = NestedNumbers | Float32Array | Int32Array | Uint8Array | number[];

export function isTypedArray(x: unknown): x is Float32Array | Int32Array | Uint8Array {
  return x instanceof Float32Array || x instanceof Int32Array || x instanceof Uint8Array;
}

/** Infer the shape of a nested array; throws on ragged input. */
export function inferShape(op: string, values: TensorLike): number[] {
  if (isTypedArray(values)) return [values.length];
  if (!Array.isArray(values)) return [];
  const shape: number[] = [];
  let cur: unknown = values;
  while (Array.isArray(cur) || isTypedArray(cur)) {
    shape.push((cur as ArrayLike<unknown>).length);
    cur = (cur as ArrayLike<unknown>)[0];
  }
  // TF.js's wording for the three ways a nested array can be ragged, prefixed by the op
  const check = (v: unknown, dim: number, at: number[]): void => {
    const where = `Element arr[${at.join('][')}]`;
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new Error(`${op}: ${where} should be a primitive, but is an array of ${v.length} elements`);
      return;
    }
    if (!Array.isArray(v) && !isTypedArray(v)) {
      throw new Error(`${op}: ${where} is a primitive, but should be an array/TypedArray of ${shape[dim]} elements`);
    }
    const length = (v as ArrayLike<unknown>).length;
    if (length !== shape[dim]) throw new Error(`${op}: ${where} should have ${shape[dim]} elements, but has ${length} elements`);
    if (dim + 1 < shape.length || Array.isArray(v)) {
      (v as unknown[]).forEach((e, i) => check(e, dim + 1, [...at, i]));
    }
  };
  check(values, 0, []);
  return shape;
}

/** Flatten nested numbers/booleans into a plain number list. */
export function flatten(values: TensorLike, out: number[] = []): number[] {
  if (typeof values === 'number') out.push(values);
  else if (typeof values === 'boolean') out.push(values ? 1 : 0);
  else if (isTypedArray(values)) for (let i = 0; i < values.length; i++) out.push(values[i]);
  // a null element reads as 0, as it does when TF.js copies values into a typed array
  else if (Array.isArray(values)) for (const v of values) (v === null ? out.push(0) : flatten(v, out));
  else {
    const what = values === null ? 'null' : typeof values;
    throw new Error(`tensor: values must be numbers or booleans (possibly nested in arrays), got ${what} ${JSON.stringify(values)?.slice(0, 40) ?? ''}`);
  }
  return out;
}

/** The dtype TF.js infers: Int32Array and Uint8Array -> int32, booleans -> bool, else float32. */
export function inferDtype(values: TensorLike): DType {
  if (values instanceof Int32Array || values instanceof Uint8Array || values instanceof Uint8ClampedArray) return 'int32';
  let v: unknown = values;
  while (Array.isArray(v)) v = v[0];
  if (typeof v === 'string') return 'string';
  // Arrays of typed arrays take the first one's dtype (TF.js looks at the first element).
  if (ArrayBuffer.isView(v) && v !== values) return inferDtype(v as TensorLike);
  return typeof v === 'boolean' ? 'bool' : 'float32';
}

export function assertShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    // TF.js's wording (its specs compare the whole message).
    const shown = Array.isArray(shape) ? `[${shape}]` : JSON.stringify(shape);
    throw new Error(`Tensor must have a shape comprised of positive integers but got shape ${shown}.`);
  }
  assertSize(op, shape as number[]);
  return shape as number[];
}

/**
 * The most elements one tensor may hold: kernels index elements with int32 (and the wasm arena
 * addresses 4 GiB), so sizes past 2^31 - 1 would overflow rather than fail cleanly.
 */
export const MAX_TENSOR_SIZE = 2 ** 31 - 1;

/** Throws a clear error when a shape's element count overflows int32 (or is not finite). */
export function assertSize(op: string, shape: readonly number[]): number {
  const n = sizeOf(shape);
  if (!(n <= MAX_TENSOR_SIZE)) {
    throw new Error(`${op}: shape ${fmtShape(shape)} has ${n} elements, more than the ${MAX_TENSOR_SIZE} (2^31 - 1) a tensor can hold`);
  }
  return n;
}

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool', 'string', 'complex64'];
export function assertDtype(op: string, dtype: unknown): DType {
  if (!DTYPES.includes(dtype as DType)) throw new Error(`${op}: unknown dtype '${String(dtype)}'; expected float32, int32, bool, string or complex64`);
  return dtype as DType;
}
