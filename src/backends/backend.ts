/**
 * The one narrow interface every backend implements (js, wasm, webgpu).
 *
 * The op layer (src/ops) does all validation, shape inference, broadcasting arithmetic and
 * axis bookkeeping; a backend only stores 4-byte elements and runs a small, fixed set of
 * kernels whose attributes are already reduced to flat numbers (outer/inner sizes, strides).
 * That keeps the per-backend code to "loops over numbers" and puts no op logic in three places.
 *
 * Storage: every dtype is stored as 4-byte elements. float32 as f32, int32 as i32, bool as
 * i32 holding 0 or 1. `write` receives a Float32Array (float32) or an Int32Array (int32, bool);
 * `read` returns the same kinds.
 */
import type { KernelAttrs, KernelName } from './kernels.js';

/** User-visible dtypes. 'string' and 'complex64' never reach a backend kernel: the engine keeps
 * strings on the host and complex64 as a pair of float32 buffers (see src/host_dtypes.ts). */
export type DType = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
export type BackendName = 'js' | 'wasm' | 'webgpu';
/** Storage array handed to / returned by a backend: Float32Array for float32, Int32Array otherwise. */
export type StorageArray = Float32Array | Int32Array;

/** Opaque handle to a backend allocation. Each backend subclasses / brands it as it likes. */
export interface DataId {
  readonly backend: BackendName;
}

/** What a kernel sees of a tensor: where its data is, its shape and dtype. */
export interface TensorInfo {
  dataId: DataId;
  shape: number[];
  dtype: DType;
  size: number;
}

export interface BackendMemoryInfo {
  /** Live allocations owned by tensors. */
  numBuffers: number;
  /** Bytes held by live allocations. */
  numBytes: number;
  /** Extra per-backend details (pool sizes, arena size, ...). */
  [extra: string]: number | string | boolean;
}

export interface Backend {
  readonly name: BackendName;
  /**
   * webgpu: a small matMul whose pipeline is still compiling runs on a quick-to-compile one meanwhile
   * (WebGPUBackend.tieredCompile); model.warmup() and training steps turn it off (withoutTieredCompile).
   */
  tieredCompile?: boolean;
  /** Allocate room for `size` 4-byte elements. Contents are unspecified until written. */
  allocate(size: number, dtype: DType): DataId;
  /** Copy values in. `values.length` equals the allocated size. */
  write(id: DataId, values: StorageArray): void;
  /** Read back the values: Float32Array for float32, Int32Array for int32/bool. */
  read(id: DataId, dtype: DType, size: number): Promise<StorageArray>;
  /** Synchronous read; backends that cannot (webgpu) throw a clear Error. */
  readSync(id: DataId, dtype: DType, size: number): StorageArray;
  /**
   * Optional, for backends without synchronous reads: the values last written from the host,
   * if the backend kept a copy (webgpu keeps one for small tensors; kernel outputs have none).
   * Only host-side ops (unique, sparse.*, ragged*) use it; dataSync still refuses.
   */
  hostCopy?(id: DataId): StorageArray | undefined;
  /** Release the allocation (it may be pooled; the handle is dead after this). */
  free(id: DataId): void;
  /**
   * Run one kernel. Outputs are already allocated by the op layer (so a kernel may also write
   * part of an output, as concat does). Attributes are plain numbers/arrays prepared by the op.
   */
  run<K extends KernelName>(kernel: K, inputs: TensorInfo[], outputs: TensorInfo[], attrs: KernelAttrs[K]): void;
  memory(): BackendMemoryInfo;
  /** Wait until all queued work is done (webgpu submits; others return at once). */
  sync(): Promise<void>;
  /** Release everything (buffers, device). */
  dispose(): void;
  /** Why the backend cannot run now (e.g. its GPU device was lost), or null. */
  lostReason?(): string | null;
  /** After a loss: get working again (a new device), or throw why not. */
  restore?(): Promise<void>;
  /** Optional: several reads at once (one GPU round trip on webgpu), same results as `read` each. */
  readMany?(items: { id: DataId; dtype: DType; size: number }[]): Promise<StorageArray[]>;
  /** Whether `id`'s data went with a lost device (the current one, or an earlier one). */
  isLost?(id: DataId): boolean;
  /**
   * Optional (webgpu): float32 data given as IEEE half bits (`values`: the same, widened) and kept
   * as float16, two per 4 bytes, which kernels widen as they read. Null where the backend does not
   * (then the caller allocates float32). `read` still returns float32.
   */
  allocateFloat16?(bits: Uint16Array, values: Float32Array): DataId | null;
  /** Whether `id` is float16-stored (allocateFloat16): 2 bytes per element. */
  isFloat16?(id: DataId): boolean;
}

/** How a backend is offered to the engine; `create` resolves to null when the platform cannot run it. */
export interface BackendRegistration {
  /** Higher wins when choosing the default (webgpu 3, wasm 2, js 1). */
  priority: number;
  /**
   * Start the backend; resolves null or throws (with the reason) when it cannot run here.
   * `explicit`: the user asked for this backend by name (webgpu then accepts software adapters).
   */
  create(options?: { explicit?: boolean }): Promise<Backend | null>;
  /** What the backend found on this machine (e.g. the WebGPU adapter), for `tf.backendInfo()`. */
  describe?(): Record<string, unknown> | null;
  /** Optional synchronous creation, used when ops run before `ready()` picked a backend. */
  createSync?(): Backend | null;
}

/**
 * Run `fn` with the backend's tiered compilation off: every dispatch records (and waits for) its
 * own pipeline, not the quick-to-compile stand-in. What model.warmup() compiles and what a training
 * step computes must not depend on which compiles happen to be done.
 */
export function withoutTieredCompile<T>(backend: Backend, fn: () => T): T {
  const tiered = backend.tieredCompile;
  if (tiered) backend.tieredCompile = false;
  try {
    return fn();
  } finally {
    if (tiered) backend.tieredCompile = tiered;
  }
}
