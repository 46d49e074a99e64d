/**
 * Pattern matching over a recorded plan: scaled dot-product attention written out of primitives,
 *   s = matMul(q, k, transposeB) [bh, seqQ, seqK];  s = s * c  or  s / c  (c a constant, optional);
 *   s = s + mask (optional, a [seqQ, seqK] mask shared by every bh);  p = softmax(s);  o = matMul(p, v)
 * (what hand-written attention and the composed path of MultiHeadAttention record) becomes one
 * `attention` kernel call (KernelAttrs.attention), which never stores the [bh, seqQ, seqK] scores.
 *
 * Conservative: it fires only where the kernel computes what the steps did. Every intermediate
 * must be a temp read only by the next step (so not under a training step whose backward reads the
 * probabilities); q, k, v are float32, contiguous per bh (no broadcast batch), and q, k, v share
 * headDim. The kernel gives a row with no visible key zeros where the written-out softmax gives
 * NaN, so a mask is taken only when no row can be entirely -Infinity: one whose values are known
 * and hide no whole row, or a `where(cond, a, b)` of two finite scalar constants. Values are known
 * for a constant made during the trace (the host values the trace kept, so on webgpu too) and for
 * a non-variable tensor made before it: read synchronously on js and wasm; on webgpu read back
 * asynchronously, the first plan leaving the steps alone and being made again once they are here.
 * A constant mask that is exactly the bottom-right causal mask becomes the kernel's causal flag.
 * A mask fed as an argument, a variable, or one made by ops (values unknown) leaves the steps alone.
 * Runs after matchSoftmax (so a written-out softmax counts) and before the epilogue fusion; every
 * backend (js, wasm, webgpu) has the kernel.
 */
import { Binary } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { DataRecord } from '../tensor.js';
import { Variable } from '../variable.js';
import { broadcastPeriod } from './passes.js';
import { constantSlot, slotValues, wholeAnd } from './pattern_layernorm.js';
import { readerSteps } from './patterns.js';
import type { Operand, Plan, Step } from './types.js';

type Binop = { outShape: number[]; aStrides: number[]; bStrides: number[] };

interface Found {
  steps: number[];
  q: Operand;
  k: Operand;
  v: Operand;
  mask: Operand | null;
  scale: number;
  causal: boolean;
  bh: number;
  seqQ: number;
  seqK: number;
  headDim: number;
}

/** wholeAnd of float32 operands: the operand index read whole over n while the other has period p, or -1. */
function wholeWith(s: Step, op: number, n: number, p: number, commutative: boolean): number {
  return s.inputs.every((o) => o.dtype === 'float32') ? wholeAnd(s, op, n, p, commutative) : -1;
}

/** A plain matMul (no epilogue) of float32 operands, each `batch` contiguous matrices (or one). */
function plainMatMul(s: Step, transposeB: boolean): boolean {
  if (s.kernel !== 'matMul' || s.live || s.inputs.length !== 2 || s.outputs[0].dtype !== 'float32') return false;
  const a = s.attrs as { batch: number; M: number; N: number; K: number; transposeA: boolean; transposeB: boolean; aBatchStride: number; bBatchStride: number; hasBias: boolean; activation: number; residual?: number };
  if (a.transposeA || a.transposeB !== transposeB || a.hasBias || a.activation !== 0 || a.residual) return false;
  if (s.inputs.some((o) => o.dtype !== 'float32')) return false;
  const contiguous = (o: Operand, stride: number, mat: number) => o.size === a.batch * mat && (a.batch === 1 || stride === mat);
  return contiguous(s.inputs[0], a.aBatchStride, a.M * a.K) && contiguous(s.inputs[1], a.bBatchStride, a.K * a.N);
}

/** The values of a constant, or of a weight that is not a variable (so fixed for the plan's life); null when unknown. */
function fixedValues(plan: Plan, slot: number): ArrayLike<number> | null {
  const s = plan.slots[slot];
  return s.kind === 'external' && s.tensor instanceof Variable ? null : slotValues(plan, slot);
}

/**
 * Values of weights read back from a backend without synchronous reads (webgpu): the read starts
 * when a plan first needs them (null until it ends), and the plan then holds a precondition that
 * makes it again once they are here, so that plan sees them.
 */
const readBack = new WeakMap<DataRecord, ArrayLike<number> | null>();

/** fixedValues, or for a weight on webgpu the values read back (null while the read is under way). */
function maskValues(plan: Plan, slot: number): ArrayLike<number> | null {
  const s = plan.slots[slot], values = fixedValues(plan, slot);
  if (values || s.kind !== 'external' || s.tensor instanceof Variable) return values;
  const rec = s.tensor!.record;
  if (!readBack.has(rec)) {
    readBack.set(rec, null);
    ENGINE.backend.read(rec.dataId, 'float32', s.size).then((v) => readBack.set(rec, v), () => {});
  }
  if (!readBack.get(rec)) plan.preconditions.push(() => (readBack.get(rec) ? 'an attention mask\'s values were read back' : undefined));
  return readBack.get(rec)!;
}

/** A fixed one-element value, or NaN. */
function fixedScalar(plan: Plan, slot: number): number {
  return plan.slots[slot].size === 1 ? fixedValues(plan, slot)?.[0] ?? NaN : NaN;
}

/**
 * How the mask the scores were added to enters the kernel: as it is, as the causal flag, or
 * expanded from one row; null when its values could make a row entirely -Infinity (or are unknown).
 * A NaN or +Infinity makes its row NaN, in the kernel as in the written-out softmax.
 */
function maskFor(plan: Plan, m: Operand, period: number, seqQ: number, seqK: number, writer: Map<number, Step>):
  { mask: Operand | null; causal: boolean } | null {
  const made = writer.get(m.slot);
  if (made && made.kernel === 'select' && period === seqQ * seqK && m.size === period) {
    // where(cond, a, b) of two finite scalars: finite everywhere
    const ok = [1, 2].every((j) => Number.isFinite(fixedScalar(plan, made.inputs[j].slot)));
    return ok ? { mask: { ...m, shape: [seqQ, seqK] }, causal: false } : null;
  }
  if ((period !== seqQ * seqK && period !== seqK) || m.size !== period) return null;
  const values = maskValues(plan, m.slot);
  if (!values) return null;
  const at = (i: number, j: number) => values[period === seqK ? j : i * seqK + j];
  let causal = true;
  for (let i = 0; i < seqQ; i++) {
    let visible = false;
    for (let j = 0; j < seqK; j++) {
      const x = at(i, j);
      if (x !== -Infinity) visible = true;
      if (x !== (j <= i + seqK - seqQ ? 0 : -Infinity)) causal = false;
    }
    if (!visible) return null;
  }
  if (causal) return { mask: null, causal: true };
  if (period === seqQ * seqK) return { mask: { ...m, shape: [seqQ, seqK] }, causal: false };
  // one row shared by every query: the kernel takes the [seqQ, seqK] copy
  const full = new Float32Array(seqQ * seqK);
  for (let i = 0; i < seqQ; i++) full.set(Array.from(values), i * seqK);
  return { mask: constantSlot(plan, full, [seqQ, seqK]), causal: false };
}

function attentionAt(plan: Plan, i: number, readers: Map<number, number[]>, writer: Map<number, Step>): Found | null {
  const st = plan.steps;
  const first = st[i];
  if (!plainMatMul(first, true)) return null;
  const { batch: bh, M: seqQ, N: seqK, K: headDim } = first.attrs as { batch: number; M: number; N: number; K: number };
  const n = bh * seqQ * seqK;
  if (n === 0 || headDim === 0) return null;
  const steps = [i];
  let last = i;
  /** The only reader of the last step's output, when that output is a temp read once. */
  const onlyReader = (): number => {
    const out = st[last].outputs[0].slot;
    const rs = readers.get(out) ?? [];
    return plan.slots[out].kind === 'temp' && rs.length === 1 && st[rs[0]].inputs.filter((o) => o.slot === out).length === 1 ? rs[0] : -1;
  };
  let next = onlyReader();
  if (next < 0) return null;
  let scale = 1;
  const mulAt = wholeWith(st[next], Binary.mul, n, 1, true);
  const divAt = wholeWith(st[next], Binary.div, n, 1, false);
  if (mulAt >= 0 || divAt >= 0) {
    const c = fixedScalar(plan, st[next].inputs[mulAt >= 0 ? 1 - mulAt : 1].slot);
    scale = mulAt >= 0 ? c : 1 / c;
    if (!Number.isFinite(scale) || st[next].inputs[mulAt >= 0 ? mulAt : 0].slot !== st[last].outputs[0].slot) return null;
    steps.push((last = next));
    if ((next = onlyReader()) < 0) return null;
  }
  let masking: { mask: Operand | null; causal: boolean } = { mask: null, causal: false };
  const s = st[next];
  if (s.kernel === 'binary' && s.attrs.op === Binary.add) {
    const which = s.inputs[0].slot === st[last].outputs[0].slot ? 0 : 1;
    const other = s.inputs[1 - which];
    const a = s.attrs as Binop;
    const period = broadcastPeriod(a.outShape, which === 0 ? a.bStrides : a.aStrides, other.size);
    if (wholeWith(s, Binary.add, n, period, true) !== which || seqK === 0 || period <= 0) return null;
    const found = maskFor(plan, other, period, seqQ, seqK, writer);
    if (!found) return null;
    masking = found;
    steps.push((last = next));
    if ((next = onlyReader()) < 0) return null;
  }
  const sm = st[next];
  if (sm.kernel !== 'softmax' || sm.live || sm.attrs.log || sm.attrs.rows !== bh * seqQ || sm.attrs.cols !== seqK || sm.outputs[0].dtype !== 'float32') return null;
  steps.push((last = next));
  if ((next = onlyReader()) < 0) return null;
  const second = st[next];
  if (!plainMatMul(second, false) || second.inputs[0].slot !== st[last].outputs[0].slot) return null;
  const b = second.attrs as { batch: number; M: number; N: number; K: number };
  if (b.batch !== bh || b.M !== seqQ || b.K !== seqK || b.N !== headDim) return null;
  steps.push(next);
  const [q, k] = first.inputs;
  return { steps, q, k, v: second.inputs[1], ...masking, scale, bh, seqQ, seqK, headDim };
}

/** Replace every written-out attention by one attention step (placed where its second matMul was). */
export function matchAttention(plan: Plan): void {
  const readers = readerSteps(plan);
  const writer = new Map<number, Step>();
  for (const s of plan.steps) for (const o of s.outputs) writer.set(o.slot, s);
  const drop = new Set<number>();
  for (let i = 0; i < plan.steps.length; i++) {
    if (drop.has(i)) continue;
    const f = attentionAt(plan, i, readers, writer);
    if (!f || f.steps.some((k) => drop.has(k))) continue;
    const last = f.steps[f.steps.length - 1];
    const rows = (o: Operand, seq: number): Operand => ({ ...o, shape: [f.bh, seq, f.headDim], size: f.bh * seq * f.headDim });
    const lseSize = f.bh * f.seqQ;
    plan.slots.push({ kind: 'temp', size: lseSize, dtype: 'float32' });
    const lse: Operand = { slot: plan.slots.length - 1, shape: [f.bh, f.seqQ], dtype: 'float32', size: lseSize };
    plan.steps[last] = {
      kernel: 'attention',
      inputs: [rows(f.q, f.seqQ), rows(f.k, f.seqK), rows(f.v, f.seqK), ...(f.mask ? [f.mask] : [])],
      outputs: [{ ...plan.steps[last].outputs[0], shape: [f.bh, f.seqQ, f.headDim] }, lse],
      attrs: { bh: f.bh, seqQ: f.seqQ, seqK: f.seqK, headDim: f.headDim, scale: f.scale, causal: f.causal, hasMask: !!f.mask },
      fused: `attention(${f.steps.length} steps${f.causal ? ', causal' : ''})`,
    };
    for (const k of f.steps) if (k !== last) drop.add(k);
    plan.stats.patterns++;
  }
  plan.steps = plan.steps.filter((_, k) => !drop.has(k));
}
