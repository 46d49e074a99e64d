/**
 * Pattern matching over a recorded plan: a layer normalization written out of primitives over the
 * last axis,
 *   m = mean(x); c = x - m; v = mean(c^2) (square, c*c or squaredDifference(x, m));
 *   y = c * rsqrt(v + eps)  or  c / sqrt(v + eps);  then optionally * gamma[cols], + beta[cols]
 * (what user code, tf.moments-based code and ported models spell out; tessera's own
 * layers.layerNormalization already calls the kernel) becomes one layerNorm kernel call, when every
 * intermediate is a temp read only inside the pattern. Missing gamma / beta become constant ones / zeros.
 */
import { Binary, Reduce, Unary } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import { broadcastPeriod } from './passes.js';
import { readerSteps, rowBroadcast } from './patterns.js';
import type { Operand, Plan, Step } from './types.js';

interface Found {
  steps: number[];
  x: Operand;
  gamma: Operand | null;
  beta: Operand | null;
  epsilon: number;
  rows: number;
  cols: number;
  last: number;
}

type Binop = { outShape: number[]; aStrides: number[]; bStrides: number[] };

/** For a binary step with op `op`: the operand index read whole (period = size) while the other has period `otherPeriod`, or -1. */
export function wholeAnd(s: Step, op: number, size: number, otherPeriod: number, commutative: boolean): number {
  if (s.kernel !== 'binary' || s.attrs.op !== op || s.live || s.outputs[0].size !== size || s.outputs[0].dtype !== 'float32') return -1;
  const a = s.attrs as Binop;
  const pa = broadcastPeriod(a.outShape, a.aStrides, s.inputs[0].size);
  const pb = broadcastPeriod(a.outShape, a.bStrides, s.inputs[1].size);
  if (pa === size && pb === otherPeriod && s.inputs[1].size === otherPeriod) return 0;
  if (commutative && pb === size && pa === otherPeriod && s.inputs[0].size === otherPeriod) return 1;
  return -1;
}

/** For a binary step: the operand index read whole over [rows, cols] while the other is one value per row, or -1. */
function rowAnd(s: Step, op: number, rows: number, cols: number, commutative: boolean): number {
  if (rowBroadcast(s, op, rows, cols)) return 0;
  if (!commutative || s.kernel !== 'binary') return -1;
  const a = s.attrs as Binop;
  return rowBroadcast({ ...s, attrs: { ...a, aStrides: a.bStrides, bStrides: a.aStrides } }, op, rows, cols) ? 1 : -1;
}

/**
 * The values of a float32 constant or weight slot (read now: a variable's may change later): a
 * constant's host values kept by the trace, else the backend's copy; null where it has no synchronous read.
 */
export function slotValues(plan: Plan, slot: number): ArrayLike<number> | null {
  const s = plan.slots[slot];
  if (s.dtype !== 'float32' || s.refresh || (s.kind !== 'constant' && s.kind !== 'external')) return null;
  if (s.host) return s.host;
  try {
    return ENGINE.backend.readSync((s.kind === 'constant' ? s.record! : s.tensor!.record).dataId, 'float32', s.size);
  } catch {
    return null; // a backend without synchronous reads: leave the steps alone
  }
}

/** The value of a one-element float32 constant or weight slot, or NaN. */
export function scalarValue(plan: Plan, slot: number): number {
  return plan.slots[slot].size === 1 ? slotValues(plan, slot)?.[0] ?? NaN : NaN;
}

function layerNormAt(plan: Plan, i: number, readers: Map<number, number[]>): Found | null {
  const st = plan.steps;
  const meanStep = st[i];
  if (meanStep.kernel !== 'reduce' || meanStep.attrs.op !== Reduce.mean || meanStep.live || meanStep.inputs[0].dtype !== 'float32') return null;
  const { outer: rows, inner: cols } = meanStep.attrs as { outer: number; inner: number };
  const n = rows * cols;
  const x = meanStep.inputs[0];
  const m = meanStep.outputs[0].slot;
  const readersOf = (slot: number) => readers.get(slot) ?? [];
  const isCenter = (k: number) => rowBroadcast(st[k], Binary.sub, rows, cols) && st[k].inputs[0].slot === x.slot && st[k].inputs[1].slot === m;
  const centers = readersOf(m).filter(isCenter);
  // the squared deviations: square(c), c * c, or squaredDifference(x, m)
  let sq = -1;
  for (const k of readersOf(m)) if (rowBroadcast(st[k], Binary.squaredDifference, rows, cols) && st[k].inputs[0].slot === x.slot) sq = k;
  for (const c of centers) {
    for (const k of readersOf(st[c].outputs[0].slot)) {
      const s = st[k];
      const cs = st[c].outputs[0].slot;
      if (s.kernel === 'unary' && s.attrs.op === Unary.square && !s.live) sq = k;
      if (s.kernel === 'binary' && s.attrs.op === Binary.mul && s.inputs[0].slot === cs && s.inputs[1].slot === cs && wholeAnd(s, Binary.mul, n, n, false) === 0) sq = k;
    }
  }
  if (sq < 0) return null;
  const vStep = readersOf(st[sq].outputs[0].slot).find((k) => st[k].kernel === 'reduce' && st[k].attrs.op === Reduce.mean && st[k].attrs.outer === rows && st[k].attrs.inner === cols);
  if (vStep === undefined) return null;
  const v = st[vStep].outputs[0].slot;
  const addEps = readersOf(v).find((k) => wholeAnd(st[k], Binary.add, rows, 1, true) >= 0);
  if (addEps === undefined) return null;
  const epsilon = scalarValue(plan, st[addEps].inputs[1 - wholeAnd(st[addEps], Binary.add, rows, 1, true)].slot);
  if (!(epsilon >= 0)) return null;
  const ve = st[addEps].outputs[0].slot;
  // c * rsqrt(v + eps) or c / sqrt(v + eps)
  let norm = -1;
  let root = -1;
  for (const k of readersOf(ve)) {
    const s = st[k];
    if (s.kernel !== 'unary' || s.live || (s.attrs.op !== Unary.rsqrt && s.attrs.op !== Unary.sqrt)) continue;
    const rs = s.outputs[0].slot;
    const op = s.attrs.op === Unary.rsqrt ? Binary.mul : Binary.div;
    for (const j of readersOf(rs)) {
      const t = st[j];
      const which = rowAnd(t, op, rows, cols, op === Binary.mul);
      if (which >= 0 && t.inputs[1 - which].slot === rs && centers.some((c) => st[c].outputs[0].slot === t.inputs[which].slot)) {
        norm = j;
        root = k;
      }
    }
  }
  if (norm < 0) return null;
  const steps = [i, sq, vStep, addEps, root, norm];
  for (const c of centers) {
    const cs = st[c].outputs[0].slot;
    if (c === sq || st[sq].inputs.some((o) => o.slot === cs) || st[norm].inputs.some((o) => o.slot === cs)) steps.push(c);
  }
  let last = norm;
  let gamma: Operand | null = null;
  let beta: Operand | null = null;
  const next = (op: number): Operand | null => {
    const rs = readersOf(st[last].outputs[0].slot);
    if (rs.length !== 1 || plan.slots[st[last].outputs[0].slot].kind !== 'temp') return null;
    const which = wholeAnd(st[rs[0]], op, n, cols, true);
    if (which < 0 || st[rs[0]].inputs[which].slot !== st[last].outputs[0].slot) return null;
    const w = st[rs[0]].inputs[1 - which];
    if (w.slot === st[last].outputs[0].slot) return null;
    last = rs[0];
    steps.push(last);
    return w;
  };
  gamma = next(Binary.mul);
  beta = next(Binary.add);
  // every value made inside the pattern but its result is a temp read only inside it
  const inside = new Set(steps);
  for (const k of steps) {
    if (k === last) continue;
    const out = st[k].outputs[0].slot;
    if (plan.slots[out].kind !== 'temp' || !readersOf(out).every((r) => inside.has(r))) return null;
  }
  if (st[last].outputs[0].dtype !== 'float32') return null;
  return { steps, x, gamma, beta, epsilon, rows, cols, last };
}

/** A new constant slot holding `values` (a gamma or beta a written-out layerNorm left out, a mask row repeated). */
export function constantSlot(plan: Plan, values: Float32Array, shape = [values.length]): Operand {
  plan.slots.push({ kind: 'constant', size: values.length, dtype: 'float32', record: ENGINE.allocRecord(values.length, values) });
  return { slot: plan.slots.length - 1, shape, dtype: 'float32', size: values.length };
}

/** Replace every written-out layer normalization by one layerNorm step (placed at its last step). */
export function matchLayerNorm(plan: Plan): void {
  const readers = readerSteps(plan);
  const drop = new Set<number>();
  for (let i = 0; i < plan.steps.length; i++) {
    if (drop.has(i)) continue;
    const f = layerNormAt(plan, i, readers);
    if (!f || f.steps.some((k) => drop.has(k))) continue;
    const n = f.rows * f.cols;
    const vec = (o: Operand | null, fill: number): Operand => (o ? { ...o, shape: [f.cols], size: f.cols } : constantSlot(plan, new Float32Array(f.cols).fill(fill)));
    plan.steps[f.last] = {
      kernel: 'layerNorm',
      inputs: [{ ...f.x, shape: [f.rows, f.cols], size: n }, vec(f.gamma, 1), vec(f.beta, 0)],
      outputs: [{ ...plan.steps[f.last].outputs[0], shape: [f.rows, f.cols], size: n }],
      attrs: { rows: f.rows, cols: f.cols, epsilon: f.epsilon },
      fused: `layerNorm(${f.steps.length} steps)`,
    };
    for (const k of f.steps) if (k !== f.last) drop.add(k);
    plan.stats.patterns++;
  }
  plan.steps = plan.steps.filter((_, k) => !drop.has(k));
}
