/**
 * The WebGPU backend: one device (created with the adapter's real limits), a size-classed
 * buffer pool, a pipeline cache keyed by (shader family, entry point, override constants), and
 * a queue of recorded dispatches. Ops are synchronous but pipeline creation is async, so `run`
 * only records (pipeline promise + bind group); a readback, `sync()` or a size threshold
 * flushes the queue into ONE command encoder and compute pass. Every dispatch's params go into
 * a shared uniform chunk at a dynamic offset (uniform_arena.ts) and bind groups are cached
 * (bind_groups.ts). Freed buffers and uniform chunks return to their pools only after the work
 * that may use them is submitted.
 *
 * Faults are never silent (faults.ts, limits.ts): tensors too large for a binding get an Error
 * naming the kernel; each flush runs inside error scopes and a failure marks the tensors it
 * wrote as bad; on device loss every tensor on the device is marked lost and the next use
 * requests a new device (`restore`).
 *
 * Float16 storage (`allocateFloat16`): a float32 tensor made from IEEE half bits (float16-saved
 * model weights) can keep them, two per 4-byte word, in half the bytes. Kernels that read such a
 * weight directly ask `ctx.readFloat16(t)` (matMul's B, conv2d / depthwiseConv2d filters) and
 * widen it in the shader with unpack2x16float; for every other use (another kernel, data(), a
 * move to another backend) the backend widens it into a float32 temporary first
 * (shaders/float16_widen.wgsl), so nothing ever reads half words as float32.
 */
import type { Backend, BackendMemoryInfo, DataId, DType, StorageArray, TensorInfo } from '../backend.js';
import type { KernelAttrs, KernelName } from '../kernels.js';
import { BindGroupCache } from './bind_groups.js';
import { BufferPool, sizeClass } from './buffer_pool.js';
import { fixedSubgroupSize, packedInt8DotSupported, type AdapterSummary, type DeviceHandle } from './device.js';
import { FaultWords, type FaultWordSet } from './fault_words.js';
import { Batch, lostMessage, popScopes, pushScopes, type FaultTarget } from './faults.js';
import { webgpuKernels } from './kernels.js';
import { kernelLabel, oversizeDataError, oversizeKernelError, type SizeLimits } from './limits.js';
import { LossSignal } from './loss_signal.js';
import { PipelineCache, type PipelineEntry } from './pipelines.js';
import { packParams, type DispatchDesc, type KernelContext, type WebGPUKernel } from './spec.js';
import { widenFloat16 } from './specs/float16.js';
import { UniformArena, type UniformBatch } from './uniform_arena.js';
class WebGPUDataId implements DataId, FaultTarget {
  readonly backend = 'webgpu' as const;
  /** Reads waiting to copy this buffer out; a free() meanwhile is deferred until they have. */
  readers = 0;
  freedWhileReading = false;
  /** The values written from the host, kept for small tensors (see `hostCopy`). */
  hostValues?: StorageArray;
  failure: string | null = null;
  producer: Batch | null = null;
  /** The buffer holds float16 pairs (`allocateFloat16`): ceil(size / 2) words, not size. */
  float16 = false;
  /**
   * `buffer` is null when the tensor is too large for this device (see limits.ts). A buffer
   * whose size class would pass the limit is sized exactly, and destroyed (not pooled) on free.
   */
  constructor(
    public buffer: GPUBuffer | null, readonly size: number, readonly device: GPUDevice, readonly exact = false,
  ) {}
}


interface RecordedDispatch {
  pipeline: PipelineEntry;
  bindGroup: GPUBindGroup;
  /** Byte offset of the dispatch's params in its uniform chunk. */
  paramsOffset: number;
  workgroups: [number, number, number];
  copy?: undefined;
}
/** A buffer-to-buffer copy a kernel recorded between its dispatches (KernelContext.copy). */
interface RecordedCopy {
  copy: { src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; bytes: number };
  pipeline?: undefined;
}
type Recorded = RecordedDispatch | RecordedCopy;

/** Tensors written from the host up to this many elements keep a host copy for host-side ops. */
const HOST_COPY_MAX_ELEMENTS = 1 << 16;

/** Dispatches recorded before a flush is forced. */
const FLUSH_THRESHOLD = 64;

export interface WebGPUBackendOptions {
  /** Force the barrier-free matmul (default: only on software adapters such as SwiftShader). */
  preferDirect?: boolean;
  /** Tiered compilation (the `tieredCompile` property): default true. */
  tieredCompile?: boolean;
}

/** Faults a test can inject into the next recorded dispatch (test hook, not public API). */
export type InjectedFault = 'validation' | 'compile';

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu' as const;
  device!: GPUDevice;
  adapter!: AdapterSummary;
  /** Test hook: tighter size limits than the device's (to test oversize errors cheaply). */
  limitOverrides: Partial<SizeLimits> = {};
  /** Test hook: make the next recorded dispatch fail validation or fail to compile. */
  injectFault: InjectedFault | null = null;
  /** Test hook: force (true) or forbid (false) the register-only kernels; null: the options' choice. */
  preferDirectOverride: boolean | null = null;
  /** Test hook: false forces the int8 kernels' portable (shift-unpacking) variant; null: the device's choice. */
  packedInt8DotOverride: boolean | null = null;
  /** Test hook: false hides the device's fixed subgroup size (kernels take their subgroup-free forms). */
  subgroupsOverride: false | null = null;
  private storagePool!: BufferPool;
  private uniforms!: UniformArena;
  private bindGroups!: BindGroupCache;
  private stagingPool!: BufferPool;
  private pipelines!: PipelineCache;
  private faultWords!: FaultWords;
  private pending: Recorded[] = [];
  private pendingFrees: GPUBuffer[] = [];
  /** The batch being recorded, and the last one flushed (uncaptured errors go to it). */
  private current = new Batch();
  private lastFlushed: Batch | null = null;
  /** Serializes asynchronous flushes so submits stay in recording order. */
  private flushChain: Promise<void> = Promise.resolve();
  private flushesInFlight = 0;
  private live = new Set<WebGPUDataId>();
  private liveBytes = 0;
  private dispatchCount = 0;
  private copyCount = 0;
  private submitCount = 0;
  private devicesAcquired = 0;
  private disposed = false;
  /** Set (to the message every use throws) once the device is lost, until `restore`. */
  private lost: string | null = null;
  private lostSignal = new LossSignal();
  private recovering: Promise<void> | null = null;
  private ctx!: KernelContext;
  /**
   * The kernel being run (for errors raised while it describes its dispatches): the float16-stored
   * inputs it reads as such (`readFloat16`), and the float32 copies made of the others for it.
   */
  private running: {
    label: string; inputs: TensorInfo[]; outputs: TensorInfo[];
    halfReads: Set<TensorInfo>; widened: Map<WebGPUDataId, WebGPUDataId>;
  } | null = null;

  constructor(
    handle: DeviceHandle,
    private readonly options: WebGPUBackendOptions = {},
    /** Where a new device comes from after a loss (none: the backend stays lost). */
    private readonly reacquire?: () => Promise<DeviceHandle>,
  ) {
    this.tieredCompile = options.tieredCompile ?? true;
    this.attach(handle);
  }

  /** Adopt a device: fresh pools, pipeline caches and loss/error listeners. */
  private attach(handle: DeviceHandle): void {
    const { device } = handle;
    this.device = device;
    this.adapter = handle.adapter;
    this.devicesAcquired++;
    const S = GPUBufferUsage;
    this.storagePool = new BufferPool(device, S.STORAGE | S.COPY_SRC | S.COPY_DST, 'tessera');
    this.uniforms = new UniformArena(device, device.limits.minUniformBufferOffsetAlignment);
    this.bindGroups = new BindGroupCache(device);
    this.storagePool.onDestroy = (b) => this.bindGroups.forget(b);
    this.stagingPool = new BufferPool(device, S.MAP_READ | S.COPY_DST, 'tessera-staging');
    this.pipelines = new PipelineCache(device);
    this.faultWords = new FaultWords(device, { storage: this.storagePool, staging: this.stagingPool });
    this.pending = [];
    this.pendingFrees = [];
    this.current = new Batch();
    this.lastFlushed = null;
    this.flushChain = Promise.resolve();
    this.flushesInFlight = 0;
    this.live = new Set();
    this.liveBytes = 0;
    this.lost = null;
    const signal = (this.lostSignal = new LossSignal());
    void device.lost.then((info) => { try { this.onLost(device, info); } finally { signal.fire(); } });
    device.addEventListener('uncapturederror', (ev) => this.onUncapturedError(device, ev as GPUUncapturedErrorEvent));
    const dummy = device.createBuffer({ size: 16, usage: S.STORAGE, label: 'tessera-dummy' });
    const lim = device.limits;
    const backend = this;
    const subgroupSize = fixedSubgroupSize(device);
    this.ctx = {
      buffer: (t: TensorInfo) => this.bufferOf(t),
      range: (t: TensorInfo, start: number, count: number) => {
        const offset = start * 4, size = Math.ceil(count / 4) * 16;
        // A split that planned a misaligned or oversized range is a bug in its kernel: say so here
        // (the effective limit may be a test override, which the device would not enforce).
        if (offset % lim.minStorageBufferOffsetAlignment !== 0 || size > backend.sizeLimits.maxStorageBufferBindingSize) {
          throw new Error(`webgpu: ${backend.running?.label ?? 'kernel'}: internal error: range of ${size} bytes at offset ${offset} ` +
            `breaks the binding limit (${backend.sizeLimits.maxStorageBufferBindingSize}) or alignment (${lim.minStorageBufferOffsetAlignment})`);
        }
        return { buffer: this.bufferOf(t, true), offset, size };
      },
      dummy,
      limits: {
        maxWorkgroupsPerDimension: lim.maxComputeWorkgroupsPerDimension,
        maxInvocations: lim.maxComputeInvocationsPerWorkgroup,
        maxWorkgroupStorage: lim.maxComputeWorkgroupStorageSize,
        get maxBindingBytes() { return backend.sizeLimits.maxStorageBufferBindingSize; },
        bindingAlignment: lim.minStorageBufferOffsetAlignment,
      },
      get preferDirect() { return backend.preferDirectOverride ?? backend.options.preferDirect ?? handle.adapter.software; },
      get packedInt8Dot() { return backend.packedInt8DotOverride ?? packedInt8DotSupported(); },
      get subgroupSize() { return backend.subgroupsOverride === false ? null : subgroupSize; },
      dispatch: (d: DispatchDesc) => this.record(d),
      copy: (src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number) => {
        if (bytes <= 0) return;
        this.pending.push({ copy: { src, srcOffset, dst, dstOffset, bytes } });
        this.copyCount++;
      },
      scratch: (bytes: number) => {
        const buffer = this.storagePool.acquire(bytes);
        this.pendingFrees.push(buffer);
        return buffer;
      },
      readFloat16: (t: TensorInfo) => {
        const d = t.dataId as WebGPUDataId;
        if (!(d instanceof WebGPUDataId) || !d.float16 || !this.running) return false;
        this.running.halfReads.add(t);
        return true;
      },
      faultWord: (describe: (value: number) => string) => this.faultWords.acquire(describe),
    };
  }

  private onLost(device: GPUDevice, info: GPUDeviceLostInfo): void {
    if (device !== this.device || this.disposed) return;
    this.lost = lostMessage(info.reason, info.message);
    console.warn(`tessera: ${this.lost}`);
    for (const id of this.live) id.failure = this.lost;
    this.live.clear();
    this.liveBytes = 0;
    this.pending = [];
    this.uniforms.take().release();
    this.pendingFrees = [];
  }

  private onUncapturedError(device: GPUDevice, ev: GPUUncapturedErrorEvent): void {
    if (device !== this.device) return;
    // Errors raised while recording (bind groups, writes) belong to the batch they were in.
    const batch = this.lastFlushed && !this.lastFlushed.resolved ? this.lastFlushed : this.current;
    batch.extraErrors.push(`uncaptured ${ev.error.constructor?.name ?? 'GPU error'}: ${ev.error.message}`);
  }

  /** The size limits in force (the device's, or tighter test overrides). */
  get sizeLimits(): SizeLimits {
    const lim = this.device.limits;
    return {
      maxStorageBufferBindingSize: this.limitOverrides.maxStorageBufferBindingSize ?? lim.maxStorageBufferBindingSize,
      maxBufferSize: this.limitOverrides.maxBufferSize ?? lim.maxBufferSize,
    };
  }

  /** Whether the device is lost (the message every use throws), or null. */
  lostReason(): string | null {
    return this.lost;
  }

  /** Whether `id`'s data went with a lost device (this one, lost, or an earlier one). */
  isLost(id: DataId): boolean {
    return this.lost !== null || (id as WebGPUDataId).device !== this.device;
  }

  /** After a device loss: get a new device (once, shared by concurrent callers). */
  restore(): Promise<void> {
    if (!this.lost) return Promise.resolve();
    if (!this.reacquire) return Promise.reject(new Error(`webgpu: ${this.lost}; this backend cannot request a new device`));
    this.recovering ??= this.reacquire().then(
      (h) => {
        this.recovering = null;
        this.attach(h);
      },
      (e: unknown) => {
        this.recovering = null;
        throw new Error(`webgpu: the device was lost and no new one could be had: ${(e as Error).message ?? e}`);
      },
    );
    return this.recovering;
  }

  /** Throw the lost-device error, starting the request for a new device (the "next use"). */
  private throwLost(what: string): never {
    this.restore().catch(() => {});
    throw new Error(`webgpu: ${what}: ${this.lost}`);
  }

  private idOf(id: DataId): WebGPUDataId {
    const d = id as WebGPUDataId;
    if (d.backend !== 'webgpu' || !(d instanceof WebGPUDataId)) throw new Error(`webgpu backend: got a ${id.backend} tensor`);
    return d;
  }

  /** Throw when `d` cannot be used: lost device, failed batch, or too large for a buffer. */
  private checkUsable(d: WebGPUDataId, what: string): void {
    if (this.lost) this.throwLost(what);
    if (d.device !== this.device) throw new Error(`webgpu: ${what}: ${d.failure ?? lostMessage('destroyed', 'the tensor was made on an earlier device')}`);
    if (d.failure) throw new Error(`webgpu: ${what}: ${d.failure}`);
    if (!d.buffer) throw oversizeDataError(what, d.size, this.sizeLimits);
  }

  allocate(size: number, _dtype: DType): DataId {
    if (this.lost) this.throwLost('allocate');
    const bytes = size * 4;
    const lim = this.sizeLimits;
    if (bytes > lim.maxBufferSize) return new WebGPUDataId(null, size, this.device);
    let id: WebGPUDataId;
    if (sizeClass(bytes) > lim.maxBufferSize) {
      const buffer = this.device.createBuffer({
        size: Math.ceil(bytes / 16) * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, label: 'tessera-exact',
      });
      id = new WebGPUDataId(buffer, size, this.device);
    } else {
      id = new WebGPUDataId(this.storagePool.acquire(bytes), size, this.device);
    }
    this.live.add(id);
    this.liveBytes += id.buffer!.size;
    return id;
  }

  /**
   * Float32 data kept as IEEE half bits (`bits`, widened: `values`), two per word: half the bytes.
   * Null (the caller stores float32) for an empty tensor or one whose float32 copy would not fit
   * one storage binding (the widening kernel binds it whole).
   */
  allocateFloat16(bits: Uint16Array, values: Float32Array): DataId | null {
    if (this.lost) this.throwLost('allocate');
    const size = bits.length;
    if (size === 0 || size * 4 > this.sizeLimits.maxStorageBufferBindingSize) return null;
    const id = new WebGPUDataId(this.storagePool.acquire(Math.ceil(size / 2) * 4), size, this.device);
    id.float16 = true;
    this.live.add(id);
    this.liveBytes += id.buffer!.size;
    // writeBuffer takes whole words at a 4-byte offset: an odd count gets a zero half
    let words = bits;
    if (size % 2 !== 0 || bits.byteOffset % 4 !== 0) {
      words = new Uint16Array(size + (size % 2));
      words.set(bits);
    }
    this.device.queue.writeBuffer(id.buffer!, 0, words.buffer, words.byteOffset, words.byteLength);
    id.hostValues = size <= HOST_COPY_MAX_ELEMENTS ? values.slice() : undefined;
    return id;
  }

  /** Whether `id` holds float16 pairs (allocateFloat16). */
  isFloat16(id: DataId): boolean {
    return (id as WebGPUDataId).float16 === true;
  }

  /** A float32 copy of float16-stored `d` (recorded now; the caller frees it). */
  private widened(d: WebGPUDataId): WebGPUDataId {
    const w = this.allocate(d.size, 'float32') as WebGPUDataId;
    if (!w.buffer) throw oversizeDataError('float16 widening', d.size, this.sizeLimits);
    this.record(widenFloat16(d.buffer!, w.buffer, d.size, this.device.limits.maxComputeWorkgroupsPerDimension));
    this.current.reads(d);
    this.current.wrote(w, 'float16 widening');
    return w;
  }

  /** Make float16-stored `d` float32-stored (before anything writes it), keeping its values. */
  private toFloat32Storage(d: WebGPUDataId): void {
    const w = this.widened(d);
    [d.buffer, w.buffer] = [w.buffer, d.buffer];
    d.float16 = false;
    this.current.wrote(d, 'float16 widening');
    this.free(w); // the half buffer, once the widening is submitted
  }

  write(id: DataId, values: StorageArray): void {
    const d = this.idOf(id);
    if (this.lost) this.throwLost('write');
    if (d.device !== this.device) throw new Error(`webgpu: write: ${d.failure ?? 'the tensor was made on an earlier device'}`);
    if (!d.buffer) throw oversizeDataError('write', d.size, this.sizeLimits);
    if (d.float16) this.toFloat32Storage(d);
    d.failure = null;
    d.producer = null;
    if (values.byteLength > 0) this.device.queue.writeBuffer(d.buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    // Kernel outputs are fresh allocations that are never written from the host, so this copy
    // stays equal to the buffer for the allocation's life.
    d.hostValues = values.length <= HOST_COPY_MAX_ELEMENTS ? values.slice() : undefined;
  }

  hostCopy(id: DataId): StorageArray | undefined {
    return (id as WebGPUDataId).hostValues;
  }

  read(id: DataId, dtype: DType, size: number): Promise<StorageArray> {
    return this.readMany([{ id, dtype, size }]).then((v) => v[0]);
  }

  /**
   * Read tensors back: one submit of copies into one staging buffer (pooled by size class; exact
   * past maxBufferSize) and one map. fit's epoch-end snapshots read every weight and optimizer
   * slot this way at once; several tensors that together pass maxBufferSize are read one by one.
   */
  async readMany(items: { id: DataId; dtype: DType; size: number }[]): Promise<StorageArray[]> {
    const ds = items.map((it) => this.idOf(it.id));
    for (const d of ds) this.checkUsable(d, 'data()');
    const offsets: number[] = [];
    let total = 0;
    for (const it of items) {
      offsets.push(total);
      total += Math.ceil((it.size * 4) / 16) * 16;
    }
    const empty = (dtype: DType) => (dtype === 'float32' ? new Float32Array(0) : new Int32Array(0));
    if (total === 0) return items.map((it) => empty(it.dtype));
    const lim = this.sizeLimits.maxBufferSize;
    if (items.length > 1 && total > lim) return Promise.all(items.map((it) => this.read(it.id, it.dtype, it.size)));
    const device = this.device;
    for (const d of ds) d.readers++;
    let staging: GPUBuffer | undefined;
    let copyErrors: Promise<string | null>;
    let producers: (Batch | null)[];
    // float16-stored tensors are copied out of a float32 copy widened on the GPU
    let sources: WebGPUDataId[] = ds;
    try {
      sources = ds.map((d) => (d.float16 ? this.widened(d) : d));
      await this.settle();
      for (const d of ds) this.checkUsable(d, 'data()');
      producers = sources.map((d) => d.producer);
      // A size class past maxBufferSize would be an invalid buffer: stage such reads exactly.
      staging = sizeClass(total) > lim
        ? device.createBuffer({ size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'tessera-staging-exact' })
        : this.stagingPool.acquire(total);
      pushScopes(device);
      const encoder = device.createCommandEncoder();
      items.forEach((it, i) => { if (it.size > 0) encoder.copyBufferToBuffer(sources[i].buffer!, 0, staging!, offsets[i], it.size * 4); });
      device.queue.submit([encoder.finish()]);
      copyErrors = popScopes(device);
      this.submitCount++;
    } catch (e) {
      // nothing was queued into it: a pooled one goes back, an exact-size one is destroyed
      if (staging) {
        if (staging.size === sizeClass(staging.size)) this.stagingPool.release(staging);
        else staging.destroy();
      }
      throw e;
    } finally {
      // The copies are queued (or failed): a free() that came meanwhile can now recycle the buffers.
      for (const d of ds) if (--d.readers === 0 && d.freedWhileReading) this.free(d);
      sources.forEach((w, i) => { if (w !== ds[i]) this.free(w); });
    }
    try {
      await staging!.mapAsync(GPUMapMode.READ, 0, total);
    } catch (e) {
      // A rejected map (device lost, buffer destroyed) leaves the staging buffer unusable: destroy it
      // rather than return it to the pool. Give a loss notice a moment to land, then say what happened.
      staging!.destroy();
      await this.lostSignal.race(new Promise((r) => setTimeout(r, 200)));
      if (this.lost || device !== this.device) throw new Error(`webgpu: data(): ${this.lost ?? lostMessage('destroyed', '')}`);
      const what = items.length === 1 ? `a tensor of ${items[0].size} elements` : `${items.length} tensors`;
      throw new Error(`webgpu: data(): reading ${what} failed: ${(e as Error).message ?? e}`);
    }
    // One tensor gets an ArrayBuffer of exactly its bytes (callers may view `.buffer` whole).
    const copy = staging!.getMappedRange(0, total).slice(0, items.length === 1 ? items[0].size * 4 : total);
    staging!.unmap();
    if (staging!.size === sizeClass(staging!.size) && device === this.device) this.stagingPool.release(staging!);
    else staging!.destroy();
    const copyError = await copyErrors!;
    for (const p of producers!) if (p?.outcome) await p.outcome;
    for (const d of sources) if (d.failure) throw new Error(`webgpu: data(): ${d.failure}`);
    for (const d of ds) if (d.failure) throw new Error(`webgpu: data(): ${d.failure}`);
    if (copyError) throw new Error(`webgpu: data(): copying the tensor out failed: ${copyError}`);
    return items.map((it, i) => (it.dtype === 'float32' ? new Float32Array(copy, offsets[i], it.size) : new Int32Array(copy, offsets[i], it.size)));
  }

  /**
   * WebGPU maps buffers only asynchronously. (TF.js reads synchronously by drawing the buffer
   * through WebGPU canvases; on SwiftShader in headless Chromium that loses the device, so
   * tessera refuses clearly instead.)
   */
  readSync(): StorageArray {
    throw new Error('dataSync/readSync is not available on the webgpu backend: use await tensor.data()');
  }

  free(id: DataId): void {
    const d = id as WebGPUDataId;
    if (d.readers > 0) { d.freedWhileReading = true; return; }
    if (!this.live.delete(d)) return;
    const buffer = d.buffer!;
    this.liveBytes -= buffer.size;
    // Recorded work may still read or write this buffer: park it until that work is submitted.
    if (this.pending.length > 0 || this.flushesInFlight > 0) this.pendingFrees.push(buffer);
    else this.recycle(null, [buffer]);
  }

  run<K extends KernelName>(kernel: K, inputs: TensorInfo[], outputs: TensorInfo[], attrs: KernelAttrs[K]): void {
    const fn = webgpuKernels[kernel] as WebGPUKernel<K> | undefined;
    if (!fn) throw new Error(`webgpu backend: kernel '${kernel}' is not implemented yet`);
    if (this.lost) this.throwLost(kernel);
    const ins = inputs.map((t) => this.idOf(t.dataId));
    const outs = outputs.map((t) => this.idOf(t.dataId));
    const label = kernelLabel(kernel, attrs);
    const check = (d: WebGPUDataId, t: TensorInfo, role: string) => {
      if (d.device !== this.device) throw new Error(`webgpu: ${label}: ${role} [${t.shape}]: ${d.failure ?? 'made on an earlier device'}`);
      if (d.failure) throw new Error(`webgpu: ${label}: ${role} [${t.shape}] is unusable: ${d.failure}`);
      if (!d.buffer) throw oversizeKernelError(label, role, t, this.sizeLimits, 'maxBufferSize');
    };
    ins.forEach((d, i) => check(d, inputs[i], `input ${i}`));
    outs.forEach((d, i) => check(d, outputs[i], `output ${i}`));
    for (const d of ins) this.current.reads(d);
    // outputs are fresh float32 allocations; one that is float16-stored is made float32 first
    for (const d of outs) if (d.float16) this.toFloat32Storage(d);
    const running = (this.running = { label, inputs, outputs, halfReads: new Set<TensorInfo>(), widened: new Map<WebGPUDataId, WebGPUDataId>() });
    try {
      fn(this.ctx, inputs, outputs, attrs);
    } finally {
      this.running = null;
      for (const w of running.widened.values()) this.free(w);
    }
    for (const d of outs) this.current.wrote(d, label);
    if (this.pending.length >= FLUSH_THRESHOLD) this.flush();
  }

  memory(): BackendMemoryInfo {
    const s = this.storagePool.stats();
    return {
      numBuffers: this.live.size,
      numBytes: this.liveBytes,
      pooledBytes: s.pooledBytes,
      buffersCreated: s.created,
      buffersDestroyed: s.destroyed,
      pipelines: this.pipelines.size,
      dispatches: this.dispatchCount,
      bufferCopies: this.copyCount,
      bindGroupsCreated: this.bindGroups.created,
      bindGroupsCached: this.bindGroups.size,
      uniformBuffersCreated: this.uniforms.created,
      uniformWrites: this.uniforms.writes,
      submits: this.submitCount,
      devicesAcquired: this.devicesAcquired,
      deviceLost: this.lost !== null,
    };
  }

  async sync(): Promise<void> {
    if (this.lost) this.throwLost('sync');
    await this.settle();
    await this.lostSignal.race(this.device.queue.onSubmittedWorkDone());
    // Variants compiling in the background (a warmup's sync waits for them too).
    await this.lostSignal.race(this.pipelines.settled());
    if (this.lost) this.throwLost('sync');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of this.live) id.buffer?.destroy();
    this.live.clear();
    this.storagePool.destroy();
    this.uniforms.destroy();
    this.bindGroups.clear();
    this.stagingPool.destroy();
    this.device.destroy();
  }

  /** Submit everything recorded so far (asynchronously if some pipeline is still compiling). */
  flush(): void {
    if (this.pending.length === 0 && this.pendingFrees.length === 0) return;
    const batch = this.pending;
    const uniforms = this.uniforms.take();
    const frees = this.pendingFrees;
    const faults = this.current;
    const words = this.faultWords.take();
    this.pending = [];
    this.pendingFrees = [];
    this.current = new Batch();
    this.lastFlushed = faults;
    const device = this.device;
    const ready = this.flushesInFlight === 0 && batch.every((r) => !r.pipeline || r.pipeline.pipeline);
    if (ready) {
      faults.seal(this.submit(device, batch, uniforms, frees, words));
      return;
    }
    this.flushesInFlight++;
    // A compile failure fails this batch only (its tensors are marked bad), not later ones.
    // The submit's error promise is wrapped so the chain does not wait for the GPU.
    const submitted = this.flushChain
      .then(() => Promise.all(batch.map((r) => r.pipeline?.promise)))
      .then(
        () => ({ errors: this.submit(device, batch, uniforms, frees, words) }),
        (e: unknown) => {
          if (device === this.device) { this.recycle(uniforms, frees); words.release(); }
          return { errors: Promise.resolve<string | null>((e as Error).message ?? String(e)) };
        },
      )
      // After a device swap the counter belongs to the new device: leave it alone.
      .finally(() => { if (device === this.device) this.flushesInFlight--; });
    this.flushChain = submitted.then(() => {});
    faults.seal(submitted.then((s) => s.errors));
  }

  /** Wait until every flush so far is submitted (their faults land on their tensors). */
  private async settle(): Promise<void> {
    this.flush();
    // A pipeline that never settles on a lost device must not hang the caller.
    await this.lostSignal.race(this.flushChain);
  }

  private recycle(uniforms: UniformBatch | null, frees: GPUBuffer[]): void {
    uniforms?.release();
    for (const b of frees) {
      if (b.size !== sizeClass(b.size)) { this.bindGroups.forget(b); b.destroy(); }
      else this.storagePool.release(b);
    }
  }

  /**
   * Encode and submit one batch inside error scopes; resolves to its GPU error, else what its
   * fault words say (read back only when a checking kernel ran), or null.
   */
  private submit(device: GPUDevice, batch: Recorded[], uniforms: UniformBatch, frees: GPUBuffer[], words: FaultWordSet): Promise<string | null> {
    if (device !== this.device || this.lost) return Promise.resolve(this.lost ?? lostMessage('destroyed', ''));
    if (batch.length === 0) { this.recycle(uniforms, frees); words.release(); return Promise.resolve(null); }
    pushScopes(device);
    const encoder = device.createCommandEncoder();
    // one compute pass per run of dispatches; a recorded copy goes between passes
    let pass: GPUComputePassEncoder | null = null;
    for (const r of batch) {
      if (r.copy) {
        pass?.end();
        pass = null;
        const c = r.copy;
        encoder.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.bytes);
        continue;
      }
      pass ??= encoder.beginComputePass();
      pass.setPipeline(r.pipeline.pipeline!);
      pass.setBindGroup(0, r.bindGroup, [r.paramsOffset]);
      pass.dispatchWorkgroups(r.workgroups[0], r.workgroups[1], r.workgroups[2]);
    }
    pass?.end();
    const readWords = words.encode(encoder);
    uniforms.write(device.queue);
    device.queue.submit([encoder.finish()]);
    const errors = popScopes(device);
    this.submitCount++;
    // Queue order guarantees later writes/dispatches on these buffers run after this submit.
    this.recycle(uniforms, frees);
    if (!readWords) return errors;
    const found = readWords();
    return errors.then(async (e) => e ?? (await found));
  }

  /**
   * The tensor's buffer; unless `ranged`, it must fit one binding. A float16-stored tensor gives its
   * half words only where the kernel asked `readFloat16(t)`; elsewhere a float32 copy made for this call.
   */
  private bufferOf(t: TensorInfo, ranged = false): GPUBuffer {
    let d = t.dataId as WebGPUDataId;
    if (d.backend !== 'webgpu' || !(d instanceof WebGPUDataId)) {
      throw new Error(`webgpu backend: tensor [${t.shape}] ${t.dtype} does not live on the webgpu backend`);
    }
    const r = this.running;
    if (d.float16 && !r?.halfReads.has(t)) {
      if (!r) throw new Error(`webgpu: internal error: a float16-stored tensor [${t.shape}] bound outside a kernel call`);
      let w = r.widened.get(d);
      if (!w) r.widened.set(d, (w = this.widened(d)));
      d = w;
    }
    const lim = this.sizeLimits;
    if (!d.buffer || (!ranged && t.size * 4 > lim.maxStorageBufferBindingSize)) {
      const i = r ? r.inputs.indexOf(t) : -1;
      const o = r ? r.outputs.indexOf(t) : -1;
      const role = i >= 0 ? `input ${i}` : o >= 0 ? `output ${o}` : 'a tensor';
      throw oversizeKernelError(r?.label ?? 'webgpu kernel', role, t, lim, d.buffer ? 'maxStorageBufferBindingSize' : 'maxBufferSize');
    }
    return d.buffer;
  }

  /**
   * Tiered compilation: a dispatch with a `fallback` records it while its own pipeline is not
   * compiled yet (that compile then runs queued in the background; `sync()` waits for it). On
   * unless the option `tieredCompile` is false; settable (`tf.backend().tieredCompile = false`);
   * model.warmup() turns it off while it records, to compile each dispatch's own pipeline.
   */
  tieredCompile: boolean;
  /** Test hook: record every fallback (the primary pipelines are left alone). */
  tieredCompileAlways = false;

  private record(d: DispatchDesc): void {
    if (d.workgroups.some((n) => n === 0)) return;
    if (d.fallback && (this.tieredCompileAlways ||
      (this.tieredCompile && !this.pipelines.pipelineFor(d, this.pipelines.layoutFor(d.spec, d.entry).pipeline, null).pipeline))) d = d.fallback;
    const fault = this.injectFault;
    this.injectFault = null;
    if (fault === 'validation') d = { ...d, workgroups: [this.device.limits.maxComputeWorkgroupsPerDimension + 1, 1, 1] };
    if (fault === 'compile') d = { ...d, constants: { ...d.constants, tessera_injected_unknown_override: 1 } };
    const entrySpec = d.spec.entries[d.entry];
    if (!entrySpec) throw new Error(`webgpu: shader ${d.spec.family} has no entry point ${d.entry}`);
    const layout = this.pipelines.layoutFor(d.spec, d.entry);
    const params = packParams(d.spec, d.params);
    const pipeline = this.pipelines.pipelineFor(d, layout.pipeline);
    const placed = this.uniforms.place(params);
    const bindings: GPUBufferBinding[] = [{ buffer: placed.buffer, offset: 0, size: params.byteLength }];
    for (const b of d.buffers) bindings.push(b instanceof GPUBuffer ? { buffer: b } : b);
    const bindGroup = this.bindGroups.get(layout.group, layout.key, bindings);
    this.pending.push({ pipeline, bindGroup, paramsOffset: placed.offset, workgroups: d.workgroups });
    this.dispatchCount++;
  }
}

export { sizeClass };
