/**
 * The wasm backend: tensors live in one `WebAssembly.Memory` managed by a size-class arena
 * (arena.ts); kernels are AssemblyScript exports called with pointers (kernels.ts). Runs
 * synchronously everywhere, so readSync works.
 */
import type { Backend, BackendMemoryInfo, DataId, DType, StorageArray, TensorInfo } from '../backend.js';
import type { KernelAttrs, KernelName } from '../kernels.js';
import { Arena, Workspace } from './arena.js';
import { PARAMS_BYTES, wasmKernels, type WasmContext, type WasmKernel } from './kernels.js';
import type { LoadedModule, ModuleKind } from './module.js';
import type { ThreadPool } from './threads.js';
import { loadedPoolModule } from './pool_loader.js';
import { nodeWorkerThreads } from './thread_count.js';
import { int8DotKind } from './int8.js';

class WasmDataId implements DataId {
  readonly backend = 'wasm' as const;
  live = true;
  constructor(readonly ptr: number, readonly blockBytes: number, readonly size: number) {}
}

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly moduleKind: ModuleKind;
  readonly arena: Arena;
  readonly workspace: Workspace;
  /** The worker pool when the memory is shared (null: single thread). */
  readonly pool: ThreadPool | null;
  /** Why the backend runs the threads it runs (set by its creator; shown by tf.backendInfo()). */
  threadsReason = '';
  private readonly ctx: WasmContext;
  private numBuffers = 0;
  private numBytes = 0;

  constructor(loaded: LoadedModule) {
    this.moduleKind = loaded.kind;
    this.arena = new Arena(loaded.memory, loaded.exports.heapBase());
    this.workspace = new Workspace(this.arena);
    const params = this.arena.alloc(PARAMS_BYTES).ptr;
    // loaded.shared is set only when the pool code is loaded (module.ts)
    this.pool = loaded.shared ? new (loadedPoolModule()!.ThreadPool)(loaded.shared.bytes, loaded.memory, loaded.exports as unknown as Record<string, unknown>, loaded.shared.threads, nodeWorkerThreads()) : null;
    this.ctx = { ex: loaded.exports, arena: this.arena, workspace: this.workspace, params, pool: this.pool, ptr: (t) => this.ptrOf(t.dataId) };
  }

  private ptrOf(id: DataId): number {
    const d = id as WasmDataId;
    if (!(d instanceof WasmDataId)) throw new Error(`wasm backend: got a ${id.backend} tensor; move it to wasm first`);
    if (!d.live) throw new Error('wasm backend: tensor data was already freed (disposed tensor used)');
    return d.ptr;
  }

  allocate(size: number, _dtype: DType): DataId {
    const blk = this.arena.alloc(size * 4);
    this.numBuffers++;
    this.numBytes += size * 4;
    return new WasmDataId(blk.ptr, blk.bytes, size);
  }

  write(id: DataId, values: StorageArray): void {
    const d = id as WasmDataId;
    const view = values instanceof Float32Array ? this.arena.f32 : this.arena.i32;
    view.set(values.subarray(0, d.size), this.ptrOf(id) >>> 2);
  }

  async read(id: DataId, dtype: DType, size: number): Promise<StorageArray> {
    return this.readSync(id, dtype, size);
  }

  readSync(id: DataId, dtype: DType, size: number): StorageArray {
    const start = this.ptrOf(id) >>> 2;
    const view = dtype === 'float32' ? this.arena.f32 : this.arena.i32;
    return view.slice(start, start + size);
  }

  free(id: DataId): void {
    const d = id as WasmDataId;
    if (!d.live) return;
    d.live = false;
    this.arena.release(d.ptr, d.blockBytes);
    this.numBuffers--;
    this.numBytes -= d.size * 4;
  }

  run<K extends KernelName>(kernel: K, inputs: TensorInfo[], outputs: TensorInfo[], attrs: KernelAttrs[K]): void {
    const fn = wasmKernels[kernel] as WasmKernel<K> | undefined;
    if (!fn) {
      const shapes = inputs.map((t) => `${t.dtype}[${t.shape}]`).join(', ');
      throw new Error(`wasm backend: kernel '${kernel}' is not implemented (inputs ${shapes}); use the js or webgpu backend for it`);
    }
    fn(this.ctx, inputs, outputs, attrs);
  }

  memory(): BackendMemoryInfo {
    return {
      numBuffers: this.numBuffers, numBytes: this.numBytes, module: this.moduleKind, ...this.arena.stats(), workspaceBytes: this.workspace.bytes,
      threads: this.pool?.threads ?? 1, workerChunks: this.pool?.chunksOnWorkers ?? 0, int8Dot: int8DotKind(this.ctx.ex),
    };
  }

  async sync(): Promise<void> {}

  dispose(): void {
    this.pool?.dispose();
    this.numBuffers = 0;
    this.numBytes = 0;
  }
}
