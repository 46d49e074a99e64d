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
}

/** Engine hooks the Tensor needs; set once by engine.ts (avoids an import cycle). */
export interface TensorEngineHooks {
  readData(rec: DataRecord): Promise<StorageArray>;
  readDataSync(rec: DataRecord): StorageArray;
  disposeTensor(t: Tensor): void;
  track(t: Tensor): void;
}
let hooks: TensorEngineHooks;
export function setTensorEngineHooks(h: TensorEngineHooks): void {
  hooks = h;
}

export type TypedArrayFor<D extends DType> = D extends 'float32' ? Float32Array : D extends 'int32' ? Int32Array : Uint8Array;
export type NestedArray = number | boolean | NestedArray[];

let nextTensorId = 0;
/** The id the next tensor will get (ids only grow, so `t.id >= mark` means created after). */
export function peekNextTensorId(): number {
  return nextTensorId;
}

export class Tensor<D extends DType = DType> {
  readonly id = nextTensorId++;
  readonly shape: number[];
  readonly dtype: D;
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

  get rank(): number {
    return this.shape.length;
  }
  get isDisposed(): boolean {
    return this.isDisposedInternal;
  }
  get dataId(): DataId {
    return this.record.dataId;
  }

  /** Throws when the tensor has been disposed. `op` names the caller in the message. */
  assertAlive(op = 'Tensor'): void {
    if (this.isDisposedInternal) {
      throw new Error(`${op}: tensor ${this.id} (shape [${this.shape}], ${this.dtype}) is disposed and cannot be used`);
    }
  }

  /** The values as a typed array: Float32Array, Int32Array, or Uint8Array for bool. */
  async data(): Promise<TypedArrayFor<D>> {
    this.assertAlive('data');
    return toUserArray(await hooks.readData(this.record), this.dtype, this.size) as TypedArrayFor<D>;
  }
  /** Synchronous read. Works on js and wasm; throws on webgpu (use `await data()`). */
  dataSync(): TypedArrayFor<D> {
    this.assertAlive('dataSync');
    return toUserArray(hooks.readDataSync(this.record), this.dtype, this.size) as TypedArrayFor<D>;
  }
  /** The values as nested JS arrays (booleans as true/false like TF.js? no: 0/1 numbers as TF.js). */
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape);
  }
  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape);
  }
  dispose(): void {
    if (!this.isDisposedInternal) hooks.disposeTensor(this);
  }
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

function toNested(values: ArrayLike<number>, shape: number[]): NestedArray {
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
