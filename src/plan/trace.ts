/**
 * Tracing: runs a function once, eagerly, while the engine reports every kernel call and host
 * write to a Trace, then turns what it saw into a flat plan of kernel calls on slots. Anything a
 * replay could not reproduce (host reads, random draws, string/complex kernels, data written into
 * an existing tensor) is kept as a reason, and the caller then stays eager for that signature.
 * What legitimately changes per call is declared by the code that owns it: host effects (an
 * optimizer's step count), preconditions (its hyperparameters), live attrs (Adam's bias
 * corrections) and live values (a learning rate, dropout's draws), which a replay refreshes.
 */
import { ENGINE, type KernelTracer } from '../engine.js';
import type { KernelName } from '../backends/kernels.js';
import type { StorageArray } from '../backends/backend.js';
import { Tensor, peekNextTensorId, type DataRecord } from '../tensor.js';
import { Variable } from '../variable.js';
import type { Operand, OutputTree, Plan, Slot, Step } from './types.js';

interface TracedStep {
  kernel: KernelName;
  inputs: { rec: DataRecord; shape: number[]; dtype: Tensor['dtype']; size: number }[];
  outputs: { rec: DataRecord; shape: number[]; dtype: Tensor['dtype']; size: number }[];
  attrs: Record<string, unknown>;
  live?: () => Record<string, unknown>;
}

export class Trace implements KernelTracer {
  reason: string | null = null;
  /** Set when the call cannot be recorded yet but may be on a later call (see retryLater). */
  retry = false;
  private readonly effects: (() => void)[] = [];
  private readonly preconditions: (() => string | undefined)[] = [];
  private pendingLive: (() => Record<string, unknown>) | null = null;
  private readonly refreshed = new Map<DataRecord, () => StorageArray>();
  readonly steps: TracedStep[] = [];
  /** Records written from the host during the trace, each held (refCount) until the plan is built. */
  private readonly written = new Set<DataRecord>();
  private readonly produced = new Set<DataRecord>();
  /** float32 constants written during the trace, with their host values (pattern matching reads them). */
  private readonly hostValues = new Map<DataRecord, StorageArray>();
  /** Tensors with an id below this existed before the trace. */
  readonly mark = peekNextTensorId();
  /** Each assigned variable's record before its first assignment (a replay reads the variable there). */
  private readonly assignedFrom = new Map<DataRecord, Tensor>();
  /** Each assigned variable's last value. */
  private readonly assignedTo = new Map<Tensor, DataRecord>();

  /** Which tensor made before the trace a kernel read each record through (variables can share a record). */
  private readonly readThrough = new Map<DataRecord, Tensor>();

  kernel(kernel: KernelName, inputs: Tensor[], outputs: Tensor[], attrs: unknown): void {
    if (this.reason) return;
    for (const t of inputs) {
      if (t.id >= this.mark) continue;
      const known = this.readThrough.get(t.record);
      if (!known || (t instanceof Variable && !(known instanceof Variable))) this.readThrough.set(t.record, t as Tensor);
    }
    const operand = (t: Tensor) => ({ rec: t.record, shape: t.shape.slice(), dtype: t.dtype, size: t.size });
    for (const t of outputs) {
      if (this.written.has(t.record) || (!this.produced.has(t.record) && t.id < this.mark)) {
        this.untraceable(`kernel ${kernel} writes into a tensor that already held values`);
        return;
      }
      this.produced.add(t.record);
    }
    const live = this.pendingLive ?? undefined;
    this.pendingLive = null;
    this.steps.push({ kernel, inputs: inputs.map(operand), outputs: outputs.map(operand), attrs: structuredClone(attrs) as Record<string, unknown>, live });
  }

  retryLater(reason: string): void {
    this.untraceable(reason);
    if (this.reason === reason) this.retry = true;
  }

  hostEffect(effect: () => void): void {
    this.effects.push(effect);
  }

  precondition(check: () => string | undefined): void {
    this.preconditions.push(check);
  }

  liveAttrs(attrs: () => Record<string, unknown>): void {
    this.pendingLive = attrs;
  }

  liveValues(rec: DataRecord, values: () => StorageArray): void {
    if (!this.written.has(rec)) this.untraceable('internal: per-step values for a tensor not written during the trace');
    this.refreshed.set(rec, values);
  }

  assigned(variable: Tensor, prev: DataRecord, next: DataRecord): void {
    if (this.reason) return;
    if (variable.id >= this.mark) {
      this.untraceable(`it assigns variable '${(variable as Variable).name}' made inside the call (a replay would not make it)`);
      return;
    }
    if (!this.assignedTo.has(variable)) this.assignedFrom.set(prev, variable);
    this.assignedTo.set(variable, next);
  }

  wrote(rec: DataRecord, values?: StorageArray): void {
    rec.refCount++;
    this.written.add(rec);
    if (values && rec.dtype === 'float32') this.hostValues.set(rec, values);
  }

  untraceable(reason: string): void {
    this.reason ??= reason;
  }

  /** Drop the holds on written records (the plan takes its own on the constants it keeps). */
  release(): void {
    for (const rec of this.written) ENGINE.releaseRecord(rec);
    this.written.clear();
  }

  /** The plan of what was traced, given the function's input tensors and its result; or a reason. */
  toPlan(inputs: Tensor[], result: unknown): Plan | string {
    if (this.reason) return this.reason;
    const slots: Slot[] = [];
    const slotOf = new Map<DataRecord, number>();
    const add = (rec: DataRecord, slot: Slot) => {
      slotOf.set(rec, slots.length);
      slots.push(slot);
      return slots.length - 1;
    };
    inputs.forEach((t, i) => {
      if (!slotOf.has(t.record)) add(t.record, { kind: 'input', size: t.record.size, dtype: t.record.dtype, inputIndex: i });
    });
    // Tensors that existed before the trace, by record: a replay reads weights through them.
    // Two variables can share one record (after b.setWeights(a.getWeights())); a replay must read the
    // one the traced call used, and where that is unknown the plan would be a guess: stay eager.
    const before = new Map<DataRecord, Tensor>();
    const sharedByVariables = new Set<DataRecord>();
    for (const t of ENGINE.liveTensors) {
      if (t.id >= this.mark) continue;
      const known = before.get(t.record);
      if (known instanceof Variable && t instanceof Variable && known !== t) sharedByVariables.add(t.record);
      if (!known || (t instanceof Variable && !(known instanceof Variable))) before.set(t.record, t as Tensor);
    }
    let missing: string | null = null;
    const resolve = (rec: DataRecord, what: string): number => {
      const known = slotOf.get(rec);
      if (known !== undefined) return known;
      const assignedVariable = this.assignedFrom.get(rec);
      if (assignedVariable) return add(rec, { kind: 'external', size: rec.size, dtype: rec.dtype, tensor: assignedVariable });
      if (this.written.has(rec)) {
        rec.refCount++; // the plan keeps the constant
        return add(rec, { kind: 'constant', size: rec.size, dtype: rec.dtype, record: rec, refresh: this.refreshed.get(rec), host: this.hostValues.get(rec) });
      }
      const seen = this.readThrough.get(rec);
      if (!seen && sharedByVariables.has(rec)) {
        missing ??= `${what} reads a weight whose storage several variables share (copied with setWeights), so a replay could read the wrong one`;
        return -1;
      }
      const owner = seen ?? before.get(rec);
      if (owner && !this.produced.has(rec)) return add(rec, { kind: 'external', size: rec.size, dtype: rec.dtype, tensor: owner });
      missing ??= `${what} uses a tensor that is neither an argument, a live tensor made before the call, nor made inside it`;
      return -1;
    };
    const steps: Step[] = this.steps.map((s) => {
      const inOps: Operand[] = s.inputs.map((o) => ({ slot: resolve(o.rec, s.kernel), shape: o.shape, dtype: o.dtype, size: o.size }));
      const outOps: Operand[] = s.outputs.map((o) => {
        let slot = slotOf.get(o.rec);
        if (slot === undefined) slot = add(o.rec, { kind: 'temp', size: o.rec.size, dtype: o.rec.dtype });
        return { slot, shape: o.shape, dtype: o.dtype, size: o.size };
      });
      return { kernel: s.kernel, inputs: inOps, outputs: outOps, attrs: s.attrs, ...(s.live ? { live: s.live } : {}) };
    });
    const tree = (x: unknown): OutputTree => {
      if (x instanceof Tensor) {
        if (x.record.parts || x.record.strings) {
          missing ??= `it returns a ${x.dtype} tensor`;
          return { slot: -1, shape: x.shape, dtype: x.dtype };
        }
        const slot = resolve(x.record, 'the result');
        if (slot >= 0 && slots[slot].kind === 'temp') slots[slot].kind = 'output';
        return { slot, shape: x.shape.slice(), dtype: x.dtype };
      }
      if (Array.isArray(x)) return x.map(tree);
      if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, tree(v)]));
      missing ??= `it returns ${x === null ? 'null' : (x as object)?.constructor?.name ?? typeof x} instead of tensors (arrays and plain objects of tensors are fine)`;
      return [];
    };
    const output = tree(result);
    const assigns = [...this.assignedTo].map(([variable, rec]) => {
      const slot = resolve(rec, `the value assigned to variable '${(variable as Variable).name}'`);
      if (slot >= 0 && slots[slot].kind === 'temp') slots[slot].kind = 'output';
      return { variable, slot };
    });
    if (missing) {
      for (const s of slots) if (s.kind === 'constant') ENGINE.releaseRecord(s.record!);
      return missing;
    }
    return {
      backend: ENGINE.getBackend(),
      slots,
      steps,
      output,
      assigns,
      effects: this.effects.slice(),
      preconditions: this.preconditions.slice(),
      outputPool: new Map(),
      stats: { traced: steps.length, deadRemoved: 0, epilogueFused: 0, fusedKernels: 0, fusedSteps: 0, patterns: 0, reductionsFused: 0 },
      buffers: [],
    };
  }
}

/** Run fn with a trace attached; the trace sees nothing from inside nested traces (there are none). */
export function traced<T>(trace: Trace, fn: () => T): T {
  const outer = ENGINE.tracer;
  ENGINE.tracer = trace;
  try {
    return fn();
  } finally {
    ENGINE.tracer = outer;
  }
}
