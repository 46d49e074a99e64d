/**
 * The WebGPU backend: one device (created with the adapter's real limits), a size-classed
 * buffer pool, a pipeline cache keyed by (shader family, entry point, override constants), and
 * a queue of recorded dispatches. Ops are synchronous but pipeline creation is async, so `run`
 * only records (pipeline promise + bind group); a readback, `sync()` or a size threshold
 * flushes the queue into ONE command encoder and compute pass. Freed buffers and per-dispatch
 * uniform buffers return to their pools only after the work that may use them is submitted.
 */
import type { Backend, BackendMemoryInfo, DataId, DType, StorageArray, TensorInfo } from '../backend.js';
import type { KernelAttrs, KernelName } from '../kernels.js';
import { BufferPool, sizeClass } from './buffer_pool.js';
import { webgpuKernels } from './kernels.js';
import {
  packParams, shaderCode, type DispatchDesc, type KernelContext, type ShaderSpec, type WebGPUKernel,
} from './spec.js';

class WebGPUDataId implements DataId {
  readonly backend = 'webgpu' as const;
  /** Reads waiting to copy this buffer out; a free() meanwhile is deferred until they have. */
  readers = 0;
  freedWhileReading = false;
  /** The values written from the host, kept for small tensors (see `hostCopy`). */
  hostValues?: StorageArray;
  constructor(public buffer: GPUBuffer, public readonly bytes: number) {}
}

interface PipelineEntry { promise: Promise<GPUComputePipeline>; pipeline?: GPUComputePipeline }

interface Recorded {
  pipeline: PipelineEntry;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
}

/** Tensors written from the host up to this many elements keep a host copy for host-side ops. */
const HOST_COPY_MAX_ELEMENTS = 1 << 16;

/** Dispatches recorded before a flush is forced. */
const FLUSH_THRESHOLD = 64;

export interface WebGPUBackendOptions {
  /** Force the barrier-free matmul (default: only on CPU adapters such as SwiftShader). */
  preferDirect?: boolean;
}

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu' as const;
  private storagePool: BufferPool;
  private uniformPool: BufferPool;
  private stagingPool: BufferPool;
  private pipelines = new Map<string, PipelineEntry>();
  private modules = new Map<ShaderSpec, GPUShaderModule>();
  private layouts = new Map<string, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  private pending: Recorded[] = [];
  private pendingUniforms: GPUBuffer[] = [];
  private pendingFrees: GPUBuffer[] = [];
  /** Serializes asynchronous flushes so submits stay in recording order. */
  private flushChain: Promise<void> = Promise.resolve();
  private flushesInFlight = 0;
  private live = new Set<WebGPUDataId>();
  private liveBytes = 0;
  private dispatchCount = 0;
  private submitCount = 0;
  private disposed = false;
  private ctx: KernelContext;

  constructor(readonly device: GPUDevice, readonly adapterInfo: { vendor: string; architecture: string }, options: WebGPUBackendOptions = {}) {
    const S = GPUBufferUsage;
    this.storagePool = new BufferPool(device, S.STORAGE | S.COPY_SRC | S.COPY_DST, 'tessera');
    this.uniformPool = new BufferPool(device, S.UNIFORM | S.COPY_DST, 'tessera-params');
    this.stagingPool = new BufferPool(device, S.MAP_READ | S.COPY_DST, 'tessera-staging');
    const dummy = device.createBuffer({ size: 16, usage: S.STORAGE, label: 'tessera-dummy' });
    const lim = device.limits;
    const cpu = /swiftshader|cpu/i.test(`${adapterInfo.vendor} ${adapterInfo.architecture}`);
    this.ctx = {
      buffer: (t: TensorInfo) => this.bufferOf(t),
      dummy,
      limits: {
        maxWorkgroupsPerDimension: lim.maxComputeWorkgroupsPerDimension,
        maxInvocations: lim.maxComputeInvocationsPerWorkgroup,
        maxWorkgroupStorage: lim.maxComputeWorkgroupStorageSize,
      },
      preferDirect: options.preferDirect ?? cpu,
      dispatch: (d: DispatchDesc) => this.record(d),
    };
  }

  allocate(size: number, _dtype: DType): DataId {
    const bytes = size * 4;
    const id = new WebGPUDataId(this.storagePool.acquire(bytes), bytes);
    this.live.add(id);
    this.liveBytes += id.buffer.size;
    return id;
  }

  write(id: DataId, values: StorageArray): void {
    const d = id as WebGPUDataId;
    if (values.byteLength > 0) this.device.queue.writeBuffer(d.buffer, 0, values.buffer, values.byteOffset, values.byteLength);
    // Kernel outputs are fresh allocations that are never written from the host, so this copy
    // stays equal to the buffer for the allocation's life.
    d.hostValues = values.length <= HOST_COPY_MAX_ELEMENTS ? values.slice() : undefined;
  }

  hostCopy(id: DataId): StorageArray | undefined {
    return (id as WebGPUDataId).hostValues;
  }

  async read(id: DataId, dtype: DType, size: number): Promise<StorageArray> {
    const d = id as WebGPUDataId;
    const bytes = size * 4;
    if (bytes === 0) return dtype === 'float32' ? new Float32Array(0) : new Int32Array(0);
    d.readers++;
    let staging: GPUBuffer;
    try {
      await this.settle();
      staging = this.stagingPool.acquire(bytes);
      const encoder = this.device.createCommandEncoder();
      encoder.copyBufferToBuffer(d.buffer, 0, staging, 0, bytes);
      this.device.queue.submit([encoder.finish()]);
      this.submitCount++;
    } finally {
      // The copy is queued (or failed): a free() that came meanwhile can now recycle the buffer.
      if (--d.readers === 0 && d.freedWhileReading) this.free(d);
    }
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.stagingPool.release(staging);
    return dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy);
  }

  readSync(): StorageArray {
    throw new Error('dataSync/readSync is not available on the webgpu backend: use await tensor.data()');
  }

  free(id: DataId): void {
    const d = id as WebGPUDataId;
    if (d.readers > 0) { d.freedWhileReading = true; return; }
    if (!this.live.delete(d)) return;
    this.liveBytes -= d.buffer.size;
    // Recorded work may still read or write this buffer: park it until that work is submitted.
    if (this.pending.length > 0 || this.flushesInFlight > 0) this.pendingFrees.push(d.buffer);
    else this.storagePool.release(d.buffer);
  }

  run<K extends KernelName>(kernel: K, inputs: TensorInfo[], outputs: TensorInfo[], attrs: KernelAttrs[K]): void {
    const fn = webgpuKernels[kernel] as WebGPUKernel<K> | undefined;
    if (!fn) throw new Error(`webgpu backend: kernel '${kernel}' is not implemented yet`);
    fn(this.ctx, inputs, outputs, attrs);
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
      submits: this.submitCount,
    };
  }

  async sync(): Promise<void> {
    await this.settle();
    await this.device.queue.onSubmittedWorkDone();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of this.live) id.buffer.destroy();
    this.live.clear();
    this.storagePool.destroy();
    this.uniformPool.destroy();
    this.stagingPool.destroy();
    this.device.destroy();
  }

  /** Submit everything recorded so far (asynchronously if some pipeline is still compiling). */
  flush(): void {
    if (this.pending.length === 0 && this.pendingFrees.length === 0) return;
    const batch = this.pending;
    const uniforms = this.pendingUniforms;
    const frees = this.pendingFrees;
    this.pending = [];
    this.pendingUniforms = [];
    this.pendingFrees = [];
    const ready = this.flushesInFlight === 0 && batch.every((r) => r.pipeline.pipeline);
    if (ready) {
      this.submit(batch, uniforms, frees);
      return;
    }
    this.flushesInFlight++;
    // A failed earlier flush must not poison later ones: start from a settled promise.
    this.flushChain = this.flushChain
      .catch(() => {})
      .then(() => Promise.all(batch.map((r) => r.pipeline.promise)))
      .then(
        () => this.submit(batch, uniforms, frees),
        (e: unknown) => { this.recycle(uniforms, frees); throw e; },
      )
      .finally(() => { this.flushesInFlight--; });
    this.flushChain.catch(() => {}); // reported by the next read/sync, not as an unhandled rejection
  }

  /** Wait for submitted flushes; a compile failure is thrown once, then the chain is reset. */
  private async settle(): Promise<void> {
    this.flush();
    const chain = this.flushChain;
    try {
      await chain;
    } catch (e) {
      if (this.flushChain === chain) this.flushChain = Promise.resolve();
      throw e;
    }
  }

  private recycle(uniforms: GPUBuffer[], frees: GPUBuffer[]): void {
    for (const u of uniforms) this.uniformPool.release(u);
    for (const b of frees) this.storagePool.release(b);
  }

  private submit(batch: Recorded[], uniforms: GPUBuffer[], frees: GPUBuffer[]): void {
    if (batch.length === 0) { this.recycle(uniforms, frees); return; }
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const r of batch) {
      pass.setPipeline(r.pipeline.pipeline!);
      pass.setBindGroup(0, r.bindGroup);
      pass.dispatchWorkgroups(r.workgroups[0], r.workgroups[1], r.workgroups[2]);
    }
    pass.end();
    this.device.queue.submit([encoder.finish()]);
    this.submitCount++;
    // Queue order guarantees later writes/dispatches on these buffers run after this submit.
    this.recycle(uniforms, frees);
  }

  private bufferOf(t: TensorInfo): GPUBuffer {
    const d = t.dataId as WebGPUDataId;
    if (d.backend !== 'webgpu' || !(d instanceof WebGPUDataId)) {
      throw new Error(`webgpu backend: tensor [${t.shape}] ${t.dtype} does not live on the webgpu backend`);
    }
    return d.buffer;
  }

  private record(d: DispatchDesc): void {
    if (d.workgroups.some((n) => n === 0)) return;
    const entrySpec = d.spec.entries[d.entry];
    if (!entrySpec) throw new Error(`webgpu: shader ${d.spec.family} has no entry point ${d.entry}`);
    const layout = this.layoutFor(d.spec, d.entry);
    const params = packParams(d.spec, d.params);
    const uniform = this.uniformPool.acquire(params.byteLength);
    this.device.queue.writeBuffer(uniform, 0, params);
    this.pendingUniforms.push(uniform);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
    d.buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    const bindGroup = this.device.createBindGroup({ layout: layout.group, entries });
    this.pending.push({ pipeline: this.pipelineFor(d, layout.pipeline), bindGroup, workgroups: d.workgroups });
    this.dispatchCount++;
  }

  private layoutFor(spec: ShaderSpec, entry: string) {
    const key = `${spec.family}:${entry}`;
    let l = this.layouts.get(key);
    if (!l) {
      const group = this.device.createBindGroupLayout({
        label: key,
        entries: spec.entries[entry].bindings.map((type, binding) => ({
          binding, visibility: GPUShaderStage.COMPUTE, buffer: { type },
        })),
      });
      l = { group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      this.layouts.set(key, l);
    }
    return l;
  }

  private pipelineFor(d: DispatchDesc, layout: GPUPipelineLayout): PipelineEntry {
    const constants: Record<string, number> = {};
    for (const k of Object.keys(d.constants).sort()) constants[k] = Number(d.constants[k]);
    const key = `${d.spec.family}:${d.entry}:${JSON.stringify(constants)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      let module = this.modules.get(d.spec);
      if (!module) {
        module = this.device.createShaderModule({ code: shaderCode(d.spec), label: d.spec.family });
        this.modules.set(d.spec, module);
      }
      const entry: PipelineEntry = {
        promise: this.device.createComputePipelineAsync({
          label: key, layout, compute: { module, entryPoint: d.entry, constants },
        }).catch(async (e: unknown) => {
          const info = await module!.getCompilationInfo();
          const msgs = info.messages.map((m) => `${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}`).join('\n');
          throw new Error(`webgpu: pipeline ${key} failed to compile: ${(e as Error).message ?? e}\n${msgs}`);
        }),
      };
      entry.promise.then((pl) => { entry.pipeline = pl; }, () => {});
      this.pipelines.set(key, (p = entry));
    }
    return p;
  }
}

export { sizeClass };
