/**
 * Elementwise chain fusion: a run of consecutive float32 unary/binary steps over the same number
 * of elements becomes one fusedElementwise step (see KernelAttrs.fusedElementwise): values used
 * only inside the run stay in registers, the others are stored. Binary operands from outside the
 * run must be read whole, as a scalar, or as a trailing-dims broadcast (broadcastPeriod); a
 * copyStrided that broadcasts so (a scalar to a vector, a mean's gradient) joins the run as that load.
 * A sum / mean / max / min over the last axes (or all) that directly follows a run and is the only
 * reader of a value the run makes joins it as a reduction terminal (REDUCE_FUSING_BACKENDS):
 * sum(square(sub(a, b))) is one kernel and the squared differences are never stored.
 */
import { FusedKind, Reduce } from '../backends/kernels.js';
import { broadcastPeriod, opName, readCounts } from './passes.js';
import type { Operand, Plan, Step } from './types.js';

/** Backends with a fusedElementwise kernel. */
export const FUSING_BACKENDS = new Set(['js', 'wasm', 'webgpu']);
/** Backends whose fusedElementwise kernel takes a reduction terminal (FusedKind.reduce). */
export const REDUCE_FUSING_BACKENDS = new Set(['js', 'wasm', 'webgpu']);
/**
 * Elements a reduction terminal may span per backend: webgpu binds whole buffers for it, so no
 * more than WebGPU's default maxStorageBufferBindingSize (128 MiB) holds; a larger chain keeps its
 * reduce step (the unfused kernels split their bindings).
 */
const MAX_REDUCED_ELEMENTS: Record<string, number> = { webgpu: (128 * 1024 * 1024) / 4 };
/**
 * Shortest row a reduction terminal takes per backend: webgpu reduces a row per workgroup, and many
 * rows of up to 32 run better as they are (one invocation per row: its reduce kernel's
 * reduce_serial). Up to FEW_ROWS rows (a loss's mean over the batch) fuse whatever their length:
 * there the dispatch saved is worth more than the layout.
 */
const MIN_REDUCED_ROW: Record<string, number> = { webgpu: 33 };
const FEW_ROWS = 16;
const TERMINAL_REDUCE_NAMES: Record<number, string> = { [Reduce.sum]: 'sum', [Reduce.mean]: 'mean', [Reduce.max]: 'max', [Reduce.min]: 'min' };
/** Registers (values) one fused kernel may hold (so at most 30 alpha/beta constants). */
const MAX_REGS = 16;
/**
 * Inputs + outputs one fused kernel may bind, per backend: webgpu binds each as a storage buffer
 * (WebGPU's default maxStorageBuffersPerShaderStage is 8; specs/fused_elementwise.ts).
 */
const MAX_BINDINGS: Record<string, number> = { webgpu: 8 };

/** The period of each input of a fusable step, or null when the step cannot join a chain. */
function operandPeriods(s: Step): number[] | null {
  if (s.live || s.outputs.length !== 1 || s.outputs[0].dtype !== 'float32' || s.inputs.some((o) => o.dtype !== 'float32')) return null;
  const n = s.outputs[0].size;
  if (s.kernel === 'unary') return s.inputs[0].size === n ? [n] : null;
  if (s.kernel === 'copyStrided') {
    // a broadcast that repeats its whole input (a scalar or trailing-dims tile): the load's period does it
    const a = s.attrs as { outShape: number[]; inStrides: number[]; modDims: number[]; offset: number };
    const period = a.offset === 0 && a.modDims.every((m, d) => m === a.outShape[d]) ? broadcastPeriod(a.outShape, a.inStrides, s.inputs[0].size) : -1;
    return period > 0 ? [period] : null;
  }
  if (s.kernel !== 'binary') return null;
  const a = s.attrs as { outShape: number[]; aStrides: number[]; bStrides: number[] };
  const periods = [broadcastPeriod(a.outShape, a.aStrides, s.inputs[0].size), broadcastPeriod(a.outShape, a.bStrides, s.inputs[1].size)];
  return periods.every((p) => p > 0) ? periods : null;
}

/** Fuse the plan's elementwise runs; `reductions` (default true) lets a following reduction end a run. */
export function fuseElementwise(plan: Plan, reductions = true): void {
  if (!FUSING_BACKENDS.has(plan.backend)) return;
  const reads = readCounts(plan);
  const out: Step[] = [];
  let run: Step[] = [];
  const flush = () => {
    if (run.length >= 2) out.push(fuseRun(plan, run, reads, null));
    else out.push(...run);
    run = [];
  };
  for (const s of plan.steps) {
    if (reductions && reductionTerminal(plan, run, s, reads)) {
      out.push(fuseRun(plan, run, reads, s));
      run = [];
      continue;
    }
    const periods = operandPeriods(s);
    const grown = [...run, s];
    if (!periods || (run.length && s.outputs[0].size !== run[0].outputs[0].size) || regsFor(grown) > MAX_REGS ||
      bindingsFor(plan, grown, reads) > (MAX_BINDINGS[plan.backend] ?? Infinity)) flush();
    if (periods) run.push(s);
    else out.push(s);
  }
  flush();
  plan.steps = out;
}

/**
 * Whether reduce step `s` can end `run` inside its kernel: a float32 sum / mean / max / min over
 * rows of the run's length, of a temp the run makes that nothing else reads.
 */
function reductionTerminal(plan: Plan, run: Step[], s: Step, reads: number[]): boolean {
  if (!run.length || !REDUCE_FUSING_BACKENDS.has(plan.backend) || s.kernel !== 'reduce' || s.live) return false;
  const { op, outer, inner } = s.attrs as { op: number; outer: number; inner: number };
  const n = run[0].outputs[0].size;
  if (!(op in TERMINAL_REDUCE_NAMES) || (inner < (MIN_REDUCED_ROW[plan.backend] ?? 1) && outer > FEW_ROWS) || outer * inner !== n || n === 0 ||
    n > (MAX_REDUCED_ELEMENTS[plan.backend] ?? Infinity)) return false;
  const x = s.inputs[0];
  if (x.dtype !== 'float32' || s.outputs[0].dtype !== 'float32' || x.size !== n) return false;
  return plan.slots[x.slot].kind === 'temp' && reads[x.slot] === 1 && run.some((r) => r.outputs[0].slot === x.slot);
}

/** Registers a run needs: one per value produced or loaded. */
function regsFor(run: Step[]): number {
  const produced = new Set(run.map((s) => s.outputs[0].slot));
  const loaded = new Set<number>();
  for (const s of run) for (const o of s.inputs) if (!produced.has(o.slot)) loaded.add(o.slot);
  return produced.size + loaded.size;
}

/** Inputs the run loads plus values it must store (read after the run, or not a temp). */
function bindingsFor(plan: Plan, run: Step[], reads: number[]): number {
  const produced = new Set(run.map((s) => s.outputs[0].slot));
  const inside = new Map<number, number>();
  const loaded = new Set<number>();
  for (const s of run) {
    for (const o of s.inputs) {
      inside.set(o.slot, (inside.get(o.slot) ?? 0) + 1);
      if (!produced.has(o.slot)) loaded.add(o.slot);
    }
  }
  let stored = 0;
  for (const slot of produced) if (plan.slots[slot].kind !== 'temp' || reads[slot] > (inside.get(slot) ?? 0)) stored++;
  return loaded.size + stored;
}

function fuseRun(plan: Plan, run: Step[], reads: number[], terminal: Step | null): Step {
  const n = run[0].outputs[0].size;
  const program: number[] = [];
  const consts: number[] = [];
  const inputs: Operand[] = [];
  const periods: number[] = [];
  const outputs: Operand[] = [];
  const reg = new Map<number, number>();
  let regs = 0;
  const emit = (kind: number, op: number, dst: number, a = 0, b = 0, f = 0) => program.push(kind, op, dst, a, b, f);
  // how often each slot is read inside the run (a value read elsewhere too must be stored)
  const inside = new Map<number, number>();
  for (const s of terminal ? [...run, terminal] : run) for (const o of s.inputs) inside.set(o.slot, (inside.get(o.slot) ?? 0) + 1);
  const operand = (o: Operand, period: number): number => {
    const known = reg.get(o.slot);
    if (known !== undefined) return known;
    inputs.push({ ...o, shape: [o.size], size: o.size });
    periods.push(period);
    emit(FusedKind.load, inputs.length - 1, regs);
    reg.set(o.slot, regs);
    return regs++;
  };
  for (const s of run) {
    const ps = operandPeriods(s)!;
    const srcs = s.inputs.map((o, k) => operand(o, ps[k]));
    // a broadcast copy makes no value of its own: its input's register (loaded with the period) is it
    const dst = s.kernel === 'copyStrided' ? srcs[0] : regs++;
    if (s.kernel === 'copyStrided') {
      // nothing to compute
    } else if (s.kernel === 'unary') {
      emit(FusedKind.unary, s.attrs.op as number, dst, srcs[0], 0, consts.length);
      consts.push((s.attrs.alpha as number) ?? 0, (s.attrs.beta as number) ?? 0);
    } else {
      emit(FusedKind.binary, s.attrs.op as number, dst, srcs[0], srcs[1]);
    }
    const slot = s.outputs[0].slot;
    reg.set(slot, dst);
    if (plan.slots[slot].kind !== 'temp' || reads[slot] > (inside.get(slot) ?? 0)) {
      outputs.push({ ...s.outputs[0], shape: [n] });
      emit(FusedKind.store, outputs.length - 1, 0, dst);
    }
  }
  const names = run.map(opName);
  let inner: number | undefined;
  if (terminal) {
    const t = terminal.attrs as { op: number; outer: number; inner: number };
    inner = t.inner;
    outputs.push({ ...terminal.outputs[0], shape: [t.outer], size: t.outer });
    emit(FusedKind.reduce, outputs.length - 1, 0, reg.get(terminal.inputs[0].slot)!, 0, t.op);
    names.push(TERMINAL_REDUCE_NAMES[t.op]);
    plan.stats.reductionsFused++;
  }
  plan.stats.fusedKernels++;
  plan.stats.fusedSteps += names.length;
  return {
    kernel: 'fusedElementwise',
    inputs,
    outputs,
    attrs: { n, regs, program, consts, periods, ...(inner === undefined ? {} : { inner }) },
    fused: names.join('+'),
  };
}

