/**
 * The engine: the registry of backends and the active one, tensor bookkeeping (refcounted data
 * records, tidy scopes, live-tensor set for `memory()` and for migrating data on `setBackend`),
 * and the autograd tape that ops record onto. Ops talk to backends only through `runKernel`.
 */
import type { Backend, BackendName, BackendRegistration, DType, StorageArray, TensorInfo } from './backends/backend.js';
import type { KernelAttrs, KernelName } from './backends/kernels.js';
import { JsBackend } from './backends/js/backend.js';
import { wasmRegistration } from './backends/wasm/index.js';
import { webgpuRegistration } from './backends/webgpu/index.js';
import { type DataRecord, Tensor, setTensorEngineHooks } from './tensor.js';


/** One recorded op for reverse-mode autodiff. */
export interface TapeNode {
  name: string;
  inputs: Tensor[];
  outputs: Tensor[];
  /** Given the output cotangents (null = zero), returns one cotangent per input (null = none). */
  vjp: (dys: (Tensor | null)[]) => (Tensor | null)[];
}

export class Engine {
  private registry = new Map<string, BackendRegistration>();
  private instances = new Map<string, Backend | null>();
  private active: Backend | null = null;
  private activeName = '';
  /** True once the user picked a backend with setBackend (ready() then keeps it). */
  private explicitlyChosen = false;
  /** Every live (undisposed) tensor, for memory() and setBackend migration. */
  readonly liveTensors = new Set<Tensor>();
  private scopes: Tensor[][] = [];
  /** Active autograd tapes (nested grads each push one). */
  readonly tapes: TapeNode[][] = [];
  /** Counts nested "no recording" regions, e.g. inside a vjp. */
  private pauseDepth = 0;

  constructor() {
    setTensorEngineHooks({
      readData: (rec) => this.backendOf(rec).read(rec.dataId, rec.dtype, rec.size),
      readDataSync: (rec) => this.backendOf(rec).readSync(rec.dataId, rec.dtype, rec.size),
      disposeTensor: (t) => this.disposeTensor(t),
      track: (t) => {
        this.liveTensors.add(t);
        const scope = this.scopes[this.scopes.length - 1];
        if (scope) scope.push(t);
      },
    });
    this.registerBackend('js', { priority: 1, create: async () => new JsBackend(), createSync: () => new JsBackend() });
    this.registerBackend('wasm', wasmRegistration);
    this.registerBackend('webgpu', webgpuRegistration);
  }

  registerBackend(name: string, reg: BackendRegistration): void {
    this.registry.set(name, reg);
  }
  registeredBackends(): string[] {
    return [...this.registry.keys()];
  }

  private backendOf(rec: DataRecord): Backend {
    const b = this.instances.get(rec.backendName);
    if (!b) throw new Error(`internal: backend '${rec.backendName}' holding data is gone`);
    return b;
  }

  /** The active backend; if none was chosen yet, the best one that can start synchronously. */
  get backend(): Backend {
    if (this.active) return this.active;
    const names = [...this.registry.entries()].sort((a, b) => b[1].priority - a[1].priority);
    for (const [name, reg] of names) {
      if (!reg.createSync) continue;
      const b = this.instances.has(name) ? this.instances.get(name)! : reg.createSync();
      this.instances.set(name, b);
      if (b) {
        this.active = b;
        this.activeName = name;
        return b;
      }
    }
    throw new Error('no backend could start');
  }

  getBackend(): string {
    return this.backend.name;
  }

  private async instantiate(name: string): Promise<Backend | null> {
    if (this.instances.has(name) && this.instances.get(name)) return this.instances.get(name)!;
    const reg = this.registry.get(name);
    if (!reg) return null;
    let b: Backend | null = null;
    try {
      b = await reg.create();
    } catch (e) {
      b = null;
    }
    this.instances.set(name, b);
    return b;
  }

  /** Switch backends, moving every live tensor's data. Resolves false when unavailable. */
  async setBackend(name: string): Promise<boolean> {
    if (!this.registry.has(name)) {
      throw new Error(`setBackend: unknown backend '${name}'; known backends: ${this.registeredBackends().join(', ')}`);
    }
    this.explicitlyChosen = true;
    return this.switchTo(name);
  }

  private async switchTo(name: string): Promise<boolean> {
    const b = await this.instantiate(name);
    if (!b) return false;
    if (this.active === b) return true;
    await this.migrateAll(b);
    this.active = b;
    this.activeName = name;
    return true;
  }

  /**
   * Settle on a backend: the one chosen with setBackend, else the highest-priority one that
   * starts here (webgpu, then wasm, then js), moving any tensors made before.
   */
  async ready(): Promise<void> {
    if (this.explicitlyChosen && this.active) return;
    const names = [...this.registry.entries()].sort((a, b) => b[1].priority - a[1].priority);
    for (const [name] of names) {
      if (name === this.activeName) return;
      if (await this.switchTo(name)) return;
    }
  }

  private async migrateAll(to: Backend): Promise<void> {
    const records = new Set<DataRecord>();
    for (const t of this.liveTensors) if (t.record.backendName !== to.name) records.add(t.record);
    for (const rec of records) {
      const from = this.backendOf(rec);
      const values = await from.read(rec.dataId, rec.dtype, rec.size);
      const id = to.allocate(rec.size, rec.dtype);
      to.write(id, values);
      from.free(rec.dataId);
      rec.dataId = id;
      rec.backendName = to.name;
    }
  }

  // ---- tensor creation -------------------------------------------------------------------

  /** A tensor holding a copy of `values` on the active backend. */
  makeTensor<D extends DType>(values: StorageArray, shape: number[], dtype: D): Tensor<D> {
    const t = this.makeOutput(shape, dtype);
    if (values.length > 0) this.backend.write(t.dataId, values);
    return t;
  }

  /** A tensor with freshly allocated, unwritten storage on the active backend. */
  makeOutput<D extends DType>(shape: number[], dtype: D): Tensor<D> {
    const size = shape.reduce((a, b) => a * b, 1);
    const b = this.backend;
    const rec: DataRecord = { backendName: b.name, dataId: b.allocate(size, dtype), dtype, size, refCount: 1 };
    return new Tensor(shape, dtype, rec);
  }

  /** A new tensor sharing `t`'s data under another shape (and optionally reinterpreted dtype). */
  makeView<D extends DType>(t: Tensor, shape: number[], dtype: D = t.dtype as D): Tensor<D> {
    t.record.refCount++;
    return new Tensor(shape, dtype, t.record);
  }

  runKernel<K extends KernelName>(kernel: K, inputs: Tensor[], outputs: Tensor[], attrs: KernelAttrs[K]): void {
    const b = this.backend;
    for (const t of inputs) {
      if (t.record.backendName !== b.name) this.moveSync(t.record, b);
    }
    b.run(kernel, inputs.map(info), outputs.map(info), attrs);
  }

  /** Last-resort move for tensors left on another backend (js/wasm sources only). */
  private moveSync(rec: DataRecord, to: Backend): void {
    const from = this.backendOf(rec);
    const values = from.readSync(rec.dataId, rec.dtype, rec.size);
    const id = to.allocate(rec.size, rec.dtype);
    to.write(id, values);
    from.free(rec.dataId);
    rec.dataId = id;
    rec.backendName = to.name;
  }

  // ---- memory ----------------------------------------------------------------------------

  disposeTensor(t: Tensor): void {
    if (t.isDisposedInternal) return;
    t.isDisposedInternal = true;
    this.liveTensors.delete(t);
    this.releaseRecord(t.record);
  }

  /** Drop one reference to a data record, freeing the storage at zero. */
  releaseRecord(rec: DataRecord): void {
    if (--rec.refCount === 0) this.backendOf(rec).free(rec.dataId);
  }

  startScope(): void {
    this.scopes.push([]);
  }
  /**
   * Dispose everything created in the scope except `result` tensors and kept ones. With
   * `keepAll` (an outer gradient tape still needs the intermediates) they move to the parent.
   */
  endScope(result: unknown, keepAll = false): void {
    const scope = this.scopes.pop()!;
    const keep = new Set<Tensor>();
    collectTensors(result, keep);
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of scope) {
      if (t.isDisposedInternal) continue;
      if (keepAll || keep.has(t)) {
        if (parent) parent.push(t);
      } else if (!t.kept) {
        this.disposeTensor(t);
      }
    }
  }

  memory() {
    const records = new Set<DataRecord>();
    for (const t of this.liveTensors) records.add(t.record);
    let numBytes = 0;
    for (const r of records) numBytes += r.size * (r.dtype === 'bool' ? 1 : 4);
    const backends: Record<string, ReturnType<Backend['memory']>> = {};
    for (const [name, b] of this.instances) if (b) backends[name] = b.memory();
    return { numTensors: this.liveTensors.size, numDataBuffers: records.size, numBytes, backends };
  }

  // ---- autograd tape ---------------------------------------------------------------------

  get recording(): boolean {
    return this.tapes.length > 0 && this.pauseDepth === 0;
  }
  /** Ops call this after computing outputs; a no-op when no gradient is being taped. */
  record(name: string, inputs: Tensor[], outputs: Tensor[], vjp: TapeNode['vjp']): void {
    if (!this.recording) return;
    const node = { name, inputs: inputs.slice(), outputs: outputs.slice(), vjp };
    for (const tape of this.tapes) tape.push(node);
  }
  /**
   * Every kernel run while taping gets a node, as in TF.js: an op that records its own vjp for
   * the same outputs supersedes it (backprop consumes each output's cotangent once, latest node
   * first). A cotangent reaching a kernel no op gave a gradient is an error, never a silent zero.
   */
  recordKernel(name: string, inputs: Tensor[], outputs: Tensor[]): void {
    if (!this.recording) return;
    this.record(name, inputs, outputs, () => {
      throw new Error(`Cannot compute gradient: gradient function not found for ${name}.`);
    });
  }
  /** Record an op whose gradient is zero for every input (comparisons, argMax, isNaN, ...). */
  recordZeroGrad(name: string, inputs: Tensor[], outputs: Tensor[]): void {
    this.record(name, inputs, outputs, () => inputs.map(() => null));
  }
  /** Run fn without recording (vjps, optimizers). */
  noGrad<T>(fn: () => T): T {
    this.pauseDepth++;
    try {
      return fn();
    } finally {
      this.pauseDepth--;
    }
  }
}

function info(t: Tensor): TensorInfo {
  return { dataId: t.record.dataId, shape: t.shape, dtype: t.dtype, size: t.size };
}

/** Collect every Tensor reachable in a (possibly nested) result of arrays/objects. */
export function collectTensors(x: unknown, into: Set<Tensor>): void {
  if (x instanceof Tensor) into.add(x);
  else if (Array.isArray(x)) for (const v of x) collectTensors(v, into);
  else if (x && typeof x === 'object' && !(ArrayBuffer.isView(x))) {
    for (const v of Object.values(x as Record<string, unknown>)) collectTensors(v, into);
  }
}

export const ENGINE = new Engine();
export type { BackendName };
