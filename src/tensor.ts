/**
 * The Tensor handle users hold: shape, dtype and a reference to backend data. Data may be
 * shared between tensors (reshape shares, it does not copy), so the engine refcounts the
 * storage record; disposing a tensor drops its reference. Reading data is async (`data`,
 * `array`) because on WebGPU it is a GPU readback; the sync variants work on js and wasm.
 */
import type { DataId, DType, StorageArray } from './backends/backend.js';
import { formatTensor } from './tensor_format.js';

/** Where a tensor's values live. Shared by views; migrated between backends by setBackend. */
export interface DataRecord {
  backendName: string;
  dataId: DataId;
  dtype: DType;
  size: number;
  refCount: number;
  /** Set when the data is gone (device lost, failed GPU work) and was not moved: the reason. */
  failure?: string;
  /**
   * The same values kept on the host, for data on a backend that can lose its device (model
   * weights after a load, setWeights, fit's epoch-end snapshot or model.backupWeights()): a use
   * after the device was lost writes them back onto the active backend (see src/host_backup.ts).
   * A record's values never change in place (Variable.assign takes a new record), so the copy
   * cannot go stale.
   */
  hostBackup?: StorageArray;
  /**
   * dtype 'string' only: the values as UTF-8 bytes, kept on the host (backendName 'host', no
   * backend buffer; see src/host_dtypes.ts).
   */
  strings?: Uint8Array[];
  /**
   * dtype 'complex64' only: the real and imaginary parts, each a float32 record of `size`
   * elements on a backend, owned by this record (backendName 'host' on the pair itself).
   */
  parts?: { real: DataRecord; imag: DataRecord };
}

/** Engine hooks the Tensor needs; set once by engine.ts (avoids an import cycle). */
export interface TensorEngineHooks {
  /** Numeric values; complex64 comes back interleaved [re0, im0, re1, ...]. */
  readData(rec: DataRecord): Promise<StorageArray>;
  readDataSync(rec: DataRecord): StorageArray;
  disposeTensor(t: Tensor): void;
  track(t: Tensor): void;
}
let hooks: TensorEngineHooks;
export function setTensorEngineHooks(h: TensorEngineHooks): void {
  hooks = h;
}

type NumericArrayFor<D> = D extends 'float32' | 'complex64' ? Float32Array : D extends 'int32' ? Int32Array : D extends 'bool' ? Uint8Array : never;
/** What data() gives: string[] only for a tensor typed exactly 'string' (TF.js has the same split). */
export type TypedArrayFor<D extends DType> = [D] extends ['string'] ? string[] : NumericArrayFor<D>;
export type NestedArray = number | boolean | string | NestedArray[];

const utf8Decoder = new TextDecoder('utf-8');
/** Decode string-tensor bytes as TF.js does (UTF-8). */
export function decodeStrings(bytes: Uint8Array[]): string[] {
  return bytes.map((b) => utf8Decoder.decode(b));
}

let nextTensorId = 0;
/** The id the next tensor will get (ids only grow, so `t.id >= mark` means created after). */
export function peekNextTensorId(): number {
  return nextTensorId;
}

/**
 * An immutable n-dimensional array of one dtype, stored on the active backend. Make one with `tf.tensor`;
 * read it with `data()` / `array()` (async) or `dataSync()`; free it with `dispose()` or `tf.tidy`.
 * Most ops are also methods (`x.add(y)`, `x.reshape([2, 2])`), as in TF.js.
 */
export class Tensor<D extends DType = DType> {
  /** A unique id, increasing in creation order. */
  readonly id = nextTensorId++;
  /** The size of each dimension. */
  readonly shape: number[];
  /** The element type: 'float32', 'int32', 'bool', 'complex64' or 'string'. */
  readonly dtype: D;
  /** The number of elements (the product of the shape). */
  readonly size: number;
  /** Set by the engine when disposed. */
  isDisposedInternal = false;
  /** Set for variables and kept tensors that tidy must not dispose. */
  kept = false;
  /** Optional name (variables). */
  name?: string;

  constructor(shape: number[], dtype: D, public record: DataRecord) {
    this.shape = shape.slice();
    this.dtype = dtype;
    this.size = shape.reduce((a, b) => a * b, 1);
    hooks.track(this);
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }
  /** True once `dispose()` (or the enclosing `tf.tidy`) has freed the tensor. */
  get isDisposed(): boolean {
    return this.isDisposedInternal;
  }
  /** The handle of the backend storage (tensors made by `reshape` or `clone` can share one). */
  get dataId(): DataId {
    return this.record.dataId;
  }
  /** TF.js `strides`: elements between consecutive indices of each dimension but the last ([] below rank 2). */
  get strides(): number[] {
    const out: number[] = [];
    for (let i = this.shape.length - 2, step = 1; i >= 0; i--) out[i] = step *= this.shape[i + 1];
    return out;
  }
  /** TF.js `rankType`: '0' ... '4', or 'higher' from rank 5 on. */
  get rankType(): string {
    return this.rank < 5 ? String(this.rank) : 'higher';
  }
  /** TF.js `throwIfDisposed()`: throws 'Tensor is disposed.' (its wording) once disposed. */
  throwIfDisposed(): void {
    if (this.isDisposedInternal) throw new Error('Tensor is disposed.');
  }

  /** Throws when the tensor has been disposed. `op` names the caller in the message. */
  assertAlive(op = 'Tensor'): void {
    if (this.isDisposedInternal) {
      throw new Error(`${op}: tensor ${this.id} (shape [${this.shape}], ${this.dtype}) is disposed and cannot be used`);
    }
  }

  /**
   * The values as a typed array: Float32Array, Int32Array, or Uint8Array for bool. As in TF.js,
   * string tensors give decoded strings and complex64 an interleaved [re, im, ...] Float32Array.
   */
  async data(): Promise<TypedArrayFor<D>> {
    this.assertAlive('data');
    if (this.record.strings) return decodeStrings(this.record.strings) as TypedArrayFor<D>;
    return toUserArray(await hooks.readData(this.record), this.dtype, this.storedSize) as TypedArrayFor<D>;
  }
  /** Synchronous read. Works on js and wasm; throws on webgpu (use `await data()`). */
  dataSync(): TypedArrayFor<D> {
    this.assertAlive('dataSync');
    if (this.record.strings) return decodeStrings(this.record.strings) as TypedArrayFor<D>;
    return toUserArray(hooks.readDataSync(this.record), this.dtype, this.storedSize) as TypedArrayFor<D>;
  }
  /**
   * The raw bytes (TF.js `bytes()`): the UTF-8 Uint8Array of each element for string tensors,
   * else the bytes of the typed array `data()` returns.
   */
  async bytes(): Promise<Uint8Array[] | Uint8Array> {
    this.assertAlive('bytes');
    if (this.record.strings) return this.record.strings.slice();
    const v = await this.data();
    return new Uint8Array((v as Float32Array).buffer, (v as Float32Array).byteOffset, (v as Float32Array).byteLength);
  }
  /** Elements per value in storage order: 2 for complex64 (re, im), else 1. */
  private get storedSize(): number {
    return this.dtype === 'complex64' ? 2 * this.size : this.size;
  }
  /** The values as nested JS arrays (bool as 0/1 numbers, complex64 as re, im pairs, as TF.js). */
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.nestShape());
  }
  /** The values as nested arrays, synchronously (not on webgpu for computed tensors: use `await array()`). */
  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.nestShape());
  }
  /** complex64 nests its interleaved pairs in the last dimension (TF.js toNestedArray). */
  private nestShape(): number[] {
    if (this.dtype !== 'complex64') return this.shape;
    return this.rank === 0 ? [] : [...this.shape.slice(0, -1), this.shape[this.rank - 1] * 2];
  }
  /** Frees the tensor's storage; using it afterwards throws. */
  dispose(): void {
    if (!this.isDisposedInternal) hooks.disposeTensor(this);
  }
  /** `dispose()`, for `using t = tf.tensor(...)`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** TF.js's layout of the values (see tensor_format.ts); a summary where they cannot be read synchronously. */
  toString(verbose = false): string {
    if (!this.isDisposedInternal) {
      try {
        return formatTensor(this.dataSync(), this.shape, this.dtype, verbose);
      } catch {
        // webgpu: no synchronous read; fall through to the summary
      }
    }
    return `Tensor(shape=[${this.shape}], dtype=${this.dtype}${this.isDisposedInternal ? ', disposed' : ''})`;
  }
  /** console.log of toString(verbose), as TF.js's print(). */
  print(verbose = false): void {
    console.log(this.toString(verbose));
  }
}

function toUserArray(values: StorageArray, dtype: DType, size: number): Float32Array | Int32Array | Uint8Array {
  const v = values.length === size ? values : values.subarray(0, size);
  if (dtype === 'bool') return Uint8Array.from(v as Int32Array);
  return v;
}

function toNested(values: ArrayLike<number | string>, shape: number[]): NestedArray {
  if (shape.length === 0) return values[0];
  const build = (offset: number, dim: number): NestedArray[] => {
    const n = shape[dim];
    const out: NestedArray[] = [];
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out.push(values[offset + i]);
      return out;
    }
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) out.push(build(offset + i * stride, dim + 1));
    return out;
  };
  return build(0, 0);
}
