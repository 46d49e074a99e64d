/**
 * The engine: the registry of backends and the active one, tensor bookkeeping (refcounted data
 * records, tidy scopes, live-tensor set for `memory()` and for migrating data on `setBackend`),
 * and the autograd tape that ops record onto. Ops talk to backends only through `runKernel`.
 */
import type { Backend, BackendName, BackendRegistration, DataId, DType, StorageArray, TensorInfo } from './backends/backend.js';
import { assertSize, fmtShape } from './util.js';
import type { KernelAttrs, KernelName } from './backends/kernels.js';
import { JsBackend } from './backends/js/backend.js';
import { wasmRegistration } from './backends/wasm/registration.js';
import { webgpuRegistration } from './backends/webgpu/registration.js';
import { type DataRecord, Tensor, setTensorEngineHooks } from './tensor.js';
import { HOST, hostRecordBytes, interleave, isHostDtype, runWithHostDtypes } from './host_dtypes.js';
import { isLostRecord, revive } from './host_backup.js';


/** One recorded op for reverse-mode autodiff. */
export interface TapeNode {
  name: string;
  inputs: Tensor[];
  outputs: Tensor[];
  /**
   * Given the output cotangents (null = zero), returns one cotangent per input (null = none).
   * `wanted[k]` false: nothing needs input k's cotangent (e.g. a model's data input while
   * training), so the vjp may skip computing it and return null there.
   */
  vjp: (dys: (Tensor | null)[], wanted?: boolean[]) => (Tensor | null)[];
}

/**
 * Watches what a traced function does (src/plan/trace.ts): every kernel call, every host write of
 * values into a new tensor, and anything a recorded plan cannot replay (a reason, kept).
 */
export interface KernelTracer {
  kernel(kernel: KernelName, inputs: Tensor[], outputs: Tensor[], attrs: unknown): void;
  /** `values` (what was written) lets the plan keep one-element constants' values on the host. */
  wrote(rec: DataRecord, values?: StorageArray): void;
  untraceable(reason: string): void;
  /** A Variable is about to take `next` as its value (its record before is `prev`). */
  assigned(variable: Tensor, prev: DataRecord, next: DataRecord): void;
  /** Not recordable yet (e.g. optimizer state is made on the first step): trace again next call. */
  retryLater(reason: string): void;
  /** Host-side work a replay must repeat, before its kernels (e.g. an optimizer's step count). */
  hostEffect(effect: () => void): void;
  /** Checked before each replay (before any effect): a reason means the recording no longer fits (it is made again). */
  precondition(check: () => string | undefined): void;
  /** The next kernel call's attrs get `attrs()` laid over them at each replay (values that change per step). */
  liveAttrs(attrs: () => Record<string, unknown>): void;
  /** `rec` (written from the host during the trace) is written with `values()` at each replay. */
  liveValues(rec: DataRecord, values: () => StorageArray): void;
}

export class Engine {
  /** Set while tf.jit / a model's plan traces a call (null otherwise). */
  tracer: KernelTracer | null = null;
  private registry = new Map<string, BackendRegistration>();
  private instances = new Map<string, Backend | null>();
  private active: Backend | null = null;
  private activeName = '';
  /** True once the user picked a backend with setBackend (ready() then keeps it). */
  private explicitlyChosen = false;
  /** Why the active backend is the active one (for backendInfo). */
  private chosenReason = '';
  /** The latest start-up error of each backend that failed to start (cleared when it starts). */
  private failures = new Map<string, string>();
  /** Every live (undisposed) tensor, for memory() and setBackend migration. */
  readonly liveTensors = new Set<Tensor>();
  private scopes: Tensor[][] = [];
  /** Active autograd tapes (nested grads each push one). */
  readonly tapes: TapeNode[][] = [];
  /** Names of the public ops being run, outermost first (for allocation errors). */
  readonly opNames: string[] = [];
  /** Counts nested "no recording" regions, e.g. inside a vjp. */
  private pauseDepth = 0;

  constructor() {
    setTensorEngineHooks({
      readData: async (rec) => {
        if (rec.parts) return interleave(await this.readRecord(rec.parts.real), await this.readRecord(rec.parts.imag));
        return this.readRecord(rec);
      },
      readDataSync: (rec) => {
        if (rec.parts) return interleave(this.readRecordSync(rec.parts.real), this.readRecordSync(rec.parts.imag));
        return this.readRecordSync(rec);
      },
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

  /** A backend record's values (not for string or complex64 records). */
  readRecord(rec: DataRecord): Promise<StorageArray> {
    this.tracer?.untraceable('it reads tensor values on the host (data/array/dataSync)');
    if (rec.hostBackup && isLostRecord(rec)) return Promise.resolve(rec.hostBackup.slice());
    if (rec.failure) return Promise.reject(new Error(`data(): ${rec.failure}`));
    return this.backendOf(rec).read(rec.dataId, rec.dtype, rec.size);
  }
  readRecordSync(rec: DataRecord): StorageArray {
    this.tracer?.untraceable('it reads tensor values on the host (data/array/dataSync)');
    if (rec.hostBackup && isLostRecord(rec)) return rec.hostBackup.slice();
    if (rec.failure) throw new Error(`dataSync(): ${rec.failure}`);
    return this.backendOf(rec).readSync(rec.dataId, rec.dtype, rec.size);
  }

  private backendOf(rec: DataRecord): Backend {
    if (rec.backendName === HOST) throw new Error(`internal: ${rec.dtype} data lives on the host, not on a backend`);
    const b = this.instances.get(rec.backendName);
    if (!b) throw new Error(`internal: backend '${rec.backendName}' holding data is gone`);
    return b;
  }

  /** The active backend's name, or null when none was chosen yet (starts nothing). */
  get activeBackendName(): string | null {
    return this.active ? this.activeName : null;
  }

  /** The active backend; if none was chosen yet, the best one that can start synchronously. */
  get backend(): Backend {
    if (this.active) return this.active;
    const names = [...this.registry.entries()].sort((a, b) => b[1].priority - a[1].priority);
    for (const [name, reg] of names) {
      if (!reg.createSync) continue;
      const b = this.instances.has(name) ? this.instances.get(name)! : this.createSyncOrWarn(name, reg);
      this.instances.set(name, b);
      if (b) {
        this.active = b;
        this.activeName = name;
        this.chosenReason = `an op ran before ready() or setBackend(): '${name}' is the best backend that starts synchronously`;
        return b;
      }
    }
    throw new Error('no backend could start');
  }

  /**
   * Start a backend synchronously for a first use before ready(). A backend that throws (Wasm compilation
   * forbidden by a strict Content-Security-Policy, say) is skipped with a warning that says why.
   */
  private createSyncOrWarn(name: string, reg: BackendRegistration): Backend | null {
    try {
      return reg.createSync!();
    } catch (e) {
      console.warn(`tessera: the ${name} backend could not start (${(e as Error).message}); using the next backend (js is always there)`);
      return null;
    }
  }

  getBackend(): string {
    return this.backend.name;
  }

  /**
   * The started backend `name` (restored if it lost its device), or null with the reason kept
   * in `failures`. Failures are not cached: a later call tries again.
   */
  private async instantiate(name: string, explicit: boolean): Promise<Backend | null> {
    let b = this.instances.get(name) ?? null;
    const reg = this.registry.get(name);
    if (!reg) return null;
    try {
      if (!b) b = await reg.create({ explicit });
      if (!b) throw new Error(`'${name}' is not supported here`);
      if (b.lostReason?.()) await b.restore!();
    } catch (e) {
      this.failures.set(name, (e as Error).message ?? String(e));
      return null;
    }
    this.instances.set(name, b);
    this.failures.delete(name);
    return b;
  }

  /** Switch backends, moving every live tensor's data. Resolves false when unavailable. */
  async setBackend(name: string): Promise<boolean> {
    if (!this.registry.has(name)) {
      throw new Error(`setBackend: unknown backend '${name}'; known backends: ${this.registeredBackends().join(', ')}`);
    }
    this.explicitlyChosen = true;
    const ok = await this.switchTo(name, true, `chosen with setBackend('${name}')`);
    if (!ok) {
      const now = this.active ? this.activeName : 'none yet (js is always there)';
      console.warn(`tessera: setBackend('${name}') failed: ${this.failures.get(name)}; the active backend is ${now}`);
    }
    return ok;
  }

  private async switchTo(name: string, explicit: boolean, reason: string): Promise<boolean> {
    const b = await this.instantiate(name, explicit);
    if (!b) return false;
    if (this.active !== b) await this.migrateAll(b);
    this.chosenReason = reason;
    this.active = b;
    this.activeName = name;
    return true;
  }

  /**
   * Settle on a backend: the one chosen with setBackend, else the highest-priority one that
   * starts here (webgpu, then wasm, then js), moving any tensors made before.
   */
  async ready(): Promise<void> {
    // A backend chosen by name stays, restored after a device loss when possible.
    if (this.explicitlyChosen && this.active && (await this.instantiate(this.activeName, true))) return;
    const names = [...this.registry.entries()].sort((a, b) => b[1].priority - a[1].priority);
    const skipped: string[] = [];
    for (const [name] of names) {
      const reason = skipped.length
        ? `the best backend that started here (${skipped.map((n) => `${n}: ${this.failures.get(n)}`).join('; ')})`
        : 'the best backend that started here';
      if (await this.switchTo(name, false, reason)) {
        // webgpu missing is the common case (backendInfo says why); a CPU backend failing is worth a warning
        const failed = skipped.filter((n) => n !== 'webgpu');
        if (failed.length) console.warn(`tessera: ${failed.map((n) => `the ${n} backend could not start (${this.failures.get(n)})`).join('; ')}; using ${name}`);
        return;
      }
      skipped.push(name);
    }
  }

  /**
   * Move every live tensor's data to `to`, atomically with respect to the program: tensors created while a
   * read is awaited are moved too, and a tensor disposed meanwhile is not allocated again. The last pass is
   * synchronous (sources that can read synchronously), so nothing can be created between it and the switch.
   * Data that cannot be read (device lost, failed GPU batch) is not moved: its record is marked failed with
   * the reason, which later uses throw.
   */
  private async migrateAll(to: Backend): Promise<void> {
    const pending = () => {
      const records = new Set<DataRecord>();
      for (const t of this.liveTensors) {
        // strings stay on the host; a complex64 pair moves as its two float32 parts
        const recs = t.record.parts ? [t.record.parts.real, t.record.parts.imag] : t.record.strings ? [] : [t.record];
        for (const r of recs) if (r.backendName !== to.name && (!r.failure || r.hostBackup)) records.add(r);
      }
      return [...records];
    };
    for (let round = 0; round < 8; round++) {
      const records = pending();
      if (records.length === 0) return;
      if (records.every((r) => this.canReadSync(r))) break;
      await Promise.all(records.map(async (rec) => {
        const from = this.backendOf(rec);
        const dataId = rec.dataId;
        let values: StorageArray;
        try {
          values = rec.hostBackup && isLostRecord(rec) ? rec.hostBackup : await from.read(dataId, rec.dtype, rec.size);
        } catch (e) {
          if (!rec.hostBackup) {
            rec.failure = `its data could not be moved from ${rec.backendName} to ${to.name}: ${(e as Error).message ?? e}`;
            return;
          }
          values = rec.hostBackup; // the device was lost while the read was in flight
        }
        // disposed, or already moved by another path, while the read was in flight
        if (rec.refCount === 0 || rec.dataId !== dataId || rec.backendName !== from.name) return;
        this.place(rec, to, values);
        rec.failure = undefined;
        from.free(dataId);
      }));
    }
    for (const rec of pending()) this.moveSync(rec, to);
  }

  private canReadSync(rec: DataRecord): boolean {
    return rec.backendName !== 'webgpu';
  }

  private place(rec: DataRecord, to: Backend, values: StorageArray): void {
    const id = to.allocate(rec.size, rec.dtype);
    to.write(id, values);
    rec.dataId = id;
    rec.backendName = to.name;
  }

  /**
   * After the active backend lost its device: restore it (a new device), else switch to the
   * next backend down the priority list. Resolves to the backend's name; throws when none starts.
   */
  async recoverFromLoss(): Promise<string> {
    const lost = this.active?.lostReason?.();
    if (!lost) return this.getBackend();
    if (await this.instantiate(this.activeName, true)) return this.activeName;
    const names = [...this.registry.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
    for (const name of names) {
      if (name === this.activeName) continue;
      if (await this.switchTo(name, true, `the ${this.activeName} device was lost and could not be replaced (${this.failures.get(this.activeName)})`)) return name;
    }
    throw new Error(`no backend could start after the device was lost: ${lost}`);
  }

  /** The started backend that holds `rec`'s data, if any (host_backup.ts). */
  backendHolding(rec: DataRecord): Backend | undefined {
    return this.instances.get(rec.backendName) ?? undefined;
  }

  /** Give a record fresh storage on the active backend holding `values` (after its data was lost). */
  restoreRecord(rec: DataRecord, values: StorageArray): void {
    const b = this.backend;
    if (!rec.failure) {
      try {
        this.backendOf(rec).free(rec.dataId);
      } catch {
        /* storage already gone with its device */
      }
    }
    const id = b.allocate(rec.size, rec.dtype);
    b.write(id, values);
    rec.dataId = id;
    rec.backendName = b.name;
    rec.failure = undefined;
  }

  /** Which adapter was found, which backend is active and why, and why others failed to start. */
  backendInfo(): BackendInfo {
    const webgpu = this.registry.get('webgpu')?.describe?.() ?? null;
    const wasmThreads = this.registry.get('wasm')?.describe?.() ?? null;
    return {
      backend: this.active ? this.activeName : null,
      reason: this.active ? this.chosenReason : 'no backend chosen yet: call tf.ready() or tf.setBackend()',
      adapter: webgpu as BackendInfo['adapter'],
      failures: Object.fromEntries(this.failures),
      lost: this.active?.lostReason?.() ?? null,
      wasmThreads: wasmThreads as BackendInfo['wasmThreads'],
    };
  }

  // ---- tensor creation -------------------------------------------------------------------

  /** A tensor holding a copy of `values` on the active backend. */
  makeTensor<D extends DType>(values: StorageArray, shape: number[], dtype: D): Tensor<D> {
    if (dtype === 'complex64') return this.makeComplexTensor(Float32Array.from(values), new Float32Array(values.length), shape) as Tensor<D>;
    if (dtype === 'string') throw new Error(`string tensors are made from strings (tensor(['a', 'b'])), not from numbers`);
    const t = this.makeOutput(shape, dtype);
    if (values.length > 0) this.backend.write(t.dataId, values);
    this.tracer?.wrote(t.record, values);
    return t;
  }

  /** A tensor with freshly allocated, unwritten storage on the active backend. */
  makeOutput<D extends DType>(shape: number[], dtype: D): Tensor<D> {
    const op = this.opNames[0] ?? 'tensor';
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${op}: output shape ${fmtShape(shape)} must hold non-negative integers`);
    }
    const size = assertSize(op, shape);
    if (dtype === 'string') return this.makeStringTensor(new Array<Uint8Array>(size).fill(new Uint8Array(0)), shape) as Tensor<D>;
    if (dtype === 'complex64') {
      const rec: DataRecord = { backendName: HOST, dataId: { backend: 'js' }, dtype, size, refCount: 1, parts: { real: this.allocRecord(size), imag: this.allocRecord(size) } };
      return new Tensor(shape, dtype, rec);
    }
    const b = this.backend;
    let dataId: DataId;
    try {
      dataId = b.allocate(size, dtype);
    } catch (e) {
      // A typed array or Wasm memory that cannot grow says RangeError; say which call and size.
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`${op}: cannot allocate a ${dtype} tensor of shape ${fmtShape(shape)} (${size * 4} bytes) on the ${b.name} backend: ${why}`);
    }
    const rec: DataRecord = { backendName: b.name, dataId, dtype, size, refCount: 1 };
    return new Tensor(shape, dtype, rec);
  }

  /** A float32 record of `size` elements on the active backend, owned by the caller. */
  allocRecord(size: number, values?: Float32Array): DataRecord {
    const b = this.backend;
    const rec: DataRecord = { backendName: b.name, dataId: b.allocate(size, 'float32'), dtype: 'float32', size, refCount: 1 };
    if (values && size > 0) b.write(rec.dataId, values);
    return rec;
  }

  /** A string tensor over `bytes` (UTF-8 encoded values), kept on the host. */
  makeStringTensor(bytes: Uint8Array[], shape: number[]): Tensor<'string'> {
    const rec: DataRecord = { backendName: HOST, dataId: { backend: 'js' }, dtype: 'string', size: bytes.length, refCount: 1, strings: bytes };
    return new Tensor(shape, 'string', rec);
  }

  /** A complex64 tensor from its real and imaginary parts (each `size` float32 values). */
  makeComplexTensor(real: Float32Array, imag: Float32Array, shape: number[]): Tensor<'complex64'> {
    this.tracer?.untraceable('it makes complex64 tensors');
    const t = this.makeOutput(shape, 'complex64');
    if (t.size > 0) {
      this.backend.write(t.record.parts!.real.dataId, real);
      this.backend.write(t.record.parts!.imag.dataId, imag);
    }
    return t;
  }

  /** complex64 over two float32 tensors' data, shared, not copied (both stay valid). */
  makeComplexFromParts(real: Tensor, imag: Tensor): Tensor<'complex64'> {
    real.record.refCount++;
    imag.record.refCount++;
    const rec: DataRecord = { backendName: HOST, dataId: { backend: 'js' }, dtype: 'complex64', size: real.size, refCount: 1, parts: { real: real.record, imag: imag.record } };
    return new Tensor(real.shape, 'complex64', rec);
  }

  /** A float32 tensor sharing the real or imaginary part of a complex64 tensor. */
  makePartView(t: Tensor, which: 'real' | 'imag'): Tensor<'float32'> {
    const rec = t.record.parts![which];
    rec.refCount++;
    return new Tensor(t.shape, 'float32', rec);
  }

  /** A new tensor sharing `t`'s data under another shape (and optionally reinterpreted dtype). */
  makeView<D extends DType>(t: Tensor, shape: number[], dtype: D = t.dtype as D): Tensor<D> {
    t.record.refCount++;
    return new Tensor(shape, dtype, t.record);
  }

  /**
   * The values of `t` on the host, synchronously: a sync read where the backend has one, else
   * the host copy the backend kept from when the values were written (undefined when neither).
   */
  readHostSync(t: Tensor): StorageArray | undefined {
    this.tracer?.untraceable(`an op reads the values of a [${t.shape}] ${t.dtype} tensor on the host (its result depends on them)`);
    if (t.size === 0) return t.dtype === 'float32' ? new Float32Array(0) : new Int32Array(0);
    const b = this.backendOf(t.record);
    if (b.hostCopy) {
      const copy = b.hostCopy(t.record.dataId);
      return copy ? copy.subarray(0, t.size) : undefined;
    }
    return b.readSync(t.record.dataId, t.record.dtype, t.record.size).subarray(0, t.size);
  }

  /** Called after every kernel with its wall time in ms (set by `profile()`; null otherwise). */
  kernelWatch: ((kernel: string, inputs: Tensor[], outputs: Tensor[], ms: number) => void) | null = null;

  runKernel<K extends KernelName>(kernel: K, inputs: Tensor[], outputs: Tensor[], attrs: KernelAttrs[K]): void {
    const watch = this.kernelWatch;
    if (!watch) return this.runKernelNow(kernel, inputs, outputs, attrs);
    const t0 = performance.now();
    this.runKernelNow(kernel, inputs, outputs, attrs);
    watch(kernel, inputs, outputs, performance.now() - t0);
  }

  private runKernelNow<K extends KernelName>(kernel: K, inputs: Tensor[], outputs: Tensor[], attrs: KernelAttrs[K]): void {
    inputs.forEach((t, i) => {
      // Every backend refuses disposed or failed data the same way, before touching storage.
      t.assertAlive(`${kernel} (input ${i})`);
      if (t.record.hostBackup) revive(t.record);
      if (t.record.failure) throw new Error(`${kernel} (input ${i}): tensor ${t.id} (shape [${t.shape}]) is unusable: ${t.record.failure}`);
    });
    if (inputs.some((t) => isHostDtype(t.dtype)) || outputs.some((t) => isHostDtype(t.dtype))) {
      this.tracer?.untraceable(`kernel ${kernel} runs on string or complex64 tensors`);
      runWithHostDtypes(this, kernel, inputs, outputs, attrs);
      return;
    }
    this.tracer?.kernel(kernel, inputs, outputs, attrs);
    this.runOnRecords(kernel, inputs.map(info), outputs.map(info), attrs, inputs.map((t) => t.record));
  }

  /** Run a kernel on backend records (inputRecords are moved to the active backend first). */
  runOnRecords<K extends KernelName>(kernel: K, inputs: TensorInfo[], outputs: TensorInfo[], attrs: KernelAttrs[K], inputRecords: DataRecord[]): void {
    const b = this.backend;
    inputRecords.forEach((rec, i) => {
      if (rec.backendName !== b.name) {
        this.moveSync(rec, b);
        inputs[i] = { ...inputs[i], dataId: rec.dataId };
      }
    });
    b.run(kernel, inputs, outputs, attrs);
  }

  /** Last-resort move for tensors left on another backend (js/wasm sources only). */
  private moveSync(rec: DataRecord, to: Backend): void {
    const from = this.backendOf(rec);
    const dataId = rec.dataId;
    this.place(rec, to, from.readSync(dataId, rec.dtype, rec.size));
    from.free(dataId);
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
    if (--rec.refCount > 0) return;
    if (rec.parts) {
      this.releaseRecord(rec.parts.real);
      this.releaseRecord(rec.parts.imag);
    } else if (!rec.strings) this.backendOf(rec).free(rec.dataId);
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
    for (const r of records) numBytes += hostRecordBytes(r) ?? r.size * (r.dtype === 'bool' ? 1 : this.isFloat16(r) ? 2 : 4);
    const backends: Record<string, ReturnType<Backend['memory']>> = {};
    for (const [name, b] of this.instances) if (b) backends[name] = b.memory();
    return { numTensors: this.liveTensors.size, numDataBuffers: records.size, numBytes, backends };
  }

  /** Whether the record's data is float16-stored (Backend.allocateFloat16; io/float16_tensor.ts). */
  private isFloat16(rec: DataRecord): boolean {
    return this.instances.get(rec.backendName)?.isFloat16?.(rec.dataId) ?? false;
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

/** What `tf.backendInfo()` returns. */
export interface BackendInfo {
  /** The active backend ('webgpu' | 'wasm' | 'js'), or null before one was chosen. */
  backend: string | null;
  /** Why it is the active one. */
  reason: string;
  /** The WebGPU adapter found (null when none was probed or WebGPU is missing); shaderF16: it offers 'shader-f16'. */
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean; software: boolean; shaderF16: boolean } | null;
  /** For each backend whose latest start failed: the error. */
  failures: Record<string, string>;
  /** Set when the active backend lost its device: the message its uses throw. */
  lost: string | null;
  /** The wasm backend's thread count and why (e.g. single thread on a page that is not cross-origin isolated); null before it started. */
  wasmThreads: { threads: number; reason: string } | null;
}

export const ENGINE = /* @__PURE__ */ new Engine();
export type { BackendName };
