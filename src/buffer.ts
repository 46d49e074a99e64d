/**
 * TensorBuffer (TF.js `tf.buffer(shape, dtype, values)`, `tensor.buffer()`, `bufferSync()`): a
 * mutable host-side array with a shape, for building a tensor element by element with
 * set/get and then `toTensor()`. Locations are row-major; get/set check their range.
 */
import type { DType } from './backends/backend.js';
import { tensor } from './ops/creation.js';
import type { Tensor } from './tensor.js';
import { assertShape, sizeOf, stridesOf } from './util.js';

type BufferDType = DType | 'string';
type BufferValues = Float32Array | Int32Array | Uint8Array | string[];

function allocate(dtype: BufferDType, size: number): BufferValues {
  if (dtype === 'float32') return new Float32Array(size);
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  if (dtype === 'string') return new Array<string>(size);
  throw new Error(`buffer: unknown dtype '${String(dtype)}'; expected float32, int32, bool or string`);
}

/**
 * A mutable CPU-side array with a shape (`tf.buffer`): `set`/`get` by index, then `toTensor()`.
 */
export class TensorBuffer<D extends BufferDType = BufferDType> {
  /** The number of elements. */
  readonly size: number;
  /** The size of each dimension. */
  readonly shape: number[];
  /** Row-major element strides of every dimension but the last (TF.js keeps rank - 1 of them). */
  readonly strides: number[];
  /** The values, flat in row-major order. */
  values: BufferValues;

  constructor(shape: number[], readonly dtype: D, values?: BufferValues | ArrayLike<number>) {
    this.shape = assertShape('buffer', shape).slice();
    this.size = sizeOf(this.shape);
    this.strides = stridesOf(this.shape).slice(0, -1);
    if (values != null) {
      if (values.length !== this.size) {
        throw new Error(`Length of values '${values.length}' does not match the size inferred by the shape '${this.size}'.`);
      }
      const fresh = allocate(dtype, 0);
      const sameKind = (fresh as object).constructor === (values as object).constructor;
      this.values = sameKind ? (values as BufferValues) : copyInto(allocate(dtype, this.size), values);
    } else {
      this.values = allocate(dtype, this.size);
    }
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Set the element at `locs` (one index per dimension). */
  set(value: number | boolean | string, ...locs: number[]): void {
    if (locs.length === 0) locs = [0];
    if (locs.length !== this.rank) {
      throw new Error(`The number of provided coordinates (${locs.length}) must match the rank (${this.rank})`);
    }
    const i = this.locToIndex(locs);
    const v = this.values;
    if (Array.isArray(v)) v[i] = String(value);
    else v[i] = typeof value === 'boolean' ? Number(value) : (value as number);
  }

  /** The element at `locs`; throws when a coordinate is outside the shape. */
  get(...locs: number[]): D extends 'bool' ? boolean : D extends 'string' ? string : number {
    if (locs.length === 0) locs = [0];
    locs.forEach((loc, d) => {
      if (!(loc >= 0 && loc < this.shape[d])) {
        throw new Error(`Requested out of range element at ${locs}. Buffer shape=${this.shape}`);
      }
    });
    const v = this.values[this.locToIndex(locs)];
    return (this.dtype === 'bool' ? Boolean(v) : v) as never;
  }

  /** Flat row-major index of a location. */
  locToIndex(locs: number[]): number {
    if (this.rank === 0) return 0;
    if (this.rank === 1) return locs[0];
    let index = locs[locs.length - 1];
    for (let d = 0; d < locs.length - 1; d++) index += this.strides[d] * locs[d];
    return index;
  }

  /** The location of a flat row-major index. */
  indexToLoc(index: number): number[] {
    if (this.rank === 0) return [];
    if (this.rank === 1) return [index];
    const locs = new Array<number>(this.rank);
    for (let d = 0; d < this.rank - 1; d++) {
      locs[d] = Math.floor(index / this.strides[d]);
      index -= locs[d] * this.strides[d];
    }
    locs[this.rank - 1] = index;
    return locs;
  }

  /** A new tensor holding a copy of the values. */
  toTensor(): Tensor {
    // a string element never set reads as '' (TF.js leaves a hole that reads back undefined)
    const values = Array.isArray(this.values) ? Array.from(this.values, (v) => v ?? '') : this.values;
    return tensor(values as never, this.shape, this.dtype as DType);
  }
}

function copyInto(out: BufferValues, values: ArrayLike<unknown>): BufferValues {
  for (let i = 0; i < out.length; i++) {
    const v = values[i];
    if (Array.isArray(out)) out[i] = String(v);
    else out[i] = typeof v === 'boolean' ? Number(v) : (v as number);
  }
  return out;
}

/**
 * TF.js `tf.buffer(shape, dtype = 'float32', values?)`.
 * @example
 * ```js
 * const b = tf.buffer([2, 2]);
 * b.set(5, 0, 1);
 * b.toTensor().print(); // [[0, 5], [0, 0]]
 * ```
 */
export function buffer<D extends BufferDType = 'float32'>(shape: number[], dtype: D = 'float32' as D, values?: BufferValues | ArrayLike<number>): TensorBuffer<D> {
  return new TensorBuffer(shape, dtype, values);
}

/** The buffer of a tensor's current values (tensor.bufferSync / tensor.buffer). */
export function bufferOf(t: Tensor, values: ArrayLike<number>): TensorBuffer {
  const copy = t.dtype === 'float32' ? Float32Array.from(values) : t.dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
  return new TensorBuffer(t.shape, t.dtype, copy);
}
