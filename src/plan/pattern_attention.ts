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
 * headDim. The kernel gives a row with no visible key zeros (lse -Infinity) where the written-out
 * softmax gives NaN, so where a row may be -Infinity throughout, two steps follow the kernel:
 * out + (lse - lse) (NaN exactly on those rows, out elsewhere). Mask values are read where they
 * can be: a constant's host values kept by the trace (so on webgpu too), a non-variable weight's
 * through a synchronous read (js, wasm); a mask of known values with no hidden row needs no
 * fix-up, and one that is exactly the bottom-right causal
 * mask becomes the kernel's causal flag. A where(cond, a, b) of two finite scalars is finite
 * everywhere. A mask of unknown values (an argument, a variable, one made by ops, a weight on
 * webgpu) is taken as it is, with the fix-up; one mask row [seqK] needs known values.
 * Runs after matchSoftmax (so a written-out softmax counts) and before the epilogue fusion; every
 * backend (js, wasm, webgpu) has the kernel.
 */
import { Binary } from '../backends/kernels.js';
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
  nanRows: boolean;
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

/** A fixed one-element value, or NaN. */
function fixedScalar(plan: Plan, slot: number): number {
  return plan.slots[slot].size === 1 ? fixedValues(plan, slot)?.[0] ?? NaN : NaN;
}

type Masking = { mask: Operand | null; causal: boolean; nanRows: boolean };

/**
 * How the mask the scores were added to enters the kernel: as it is, as the causal flag, or
 * expanded from one row; null for one row of unknown values. (A NaN or +Infinity makes its row NaN,
 * in the kernel as in the written-out softmax.)
 * nanRows: a row may be -Infinity throughout (known to be, or values unknown: a mask fed as an
 * argument, a variable, or one on a backend without synchronous reads such as webgpu).
 */
function maskFor(plan: Plan, m: Operand, period: number, seqQ: number, seqK: number, writer: Map<number, Step>): Masking | null {
  const made = writer.get(m.slot);
  const whole = period === seqQ * seqK;
  if (made && made.kernel === 'select' && whole && m.size === period) {
    // where(cond, a, b) of two finite scalars: finite everywhere
    const ok = [1, 2].every((j) => Number.isFinite(fixedScalar(plan, made.inputs[j].slot)));
    if (ok) return { mask: { ...m, shape: [seqQ, seqK] }, causal: false, nanRows: false };
  }
  if ((!whole && period !== seqK) || m.size !== period) return null;
  const values = fixedValues(plan, m.slot);
  if (!values) return whole ? { mask: { ...m, shape: [seqQ, seqK] }, causal: false, nanRows: true } : null;
  const at = (i: number, j: number) => values[whole ? i * seqK + j : j];
  let causal = true, nanRows = false;
  for (let i = 0; i < seqQ; i++) {
    let visible = false;
    for (let j = 0; j < seqK; j++) {
      const x = at(i, j);
      if (x !== -Infinity) visible = true;
      if (x !== (j <= i + seqK - seqQ ? 0 : -Infinity)) causal = false;
    }
    if (!visible) nanRows = true;
  }
  if (causal) return { mask: null, causal: true, nanRows };
  if (whole) return { mask: { ...m, shape: [seqQ, seqK] }, causal: false, nanRows };
  // one row shared by every query: the kernel takes the [seqQ, seqK] copy
  const full = new Float32Array(seqQ * seqK);
  for (let i = 0; i < seqQ; i++) full.set(Array.from(values), i * seqK);
  return { mask: constantSlot(plan, full, [seqQ, seqK]), causal: false, nanRows };
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
  let masking: Masking = { mask: null, causal: false, nanRows: false };
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

/**
 * Replace every written-out attention by one attention step (placed where its second matMul was).
 * Where a row may be hidden entirely, two steps follow it: out + (lse - lse), which is out where the
 * row saw a key and NaN (as the written-out softmax of an all -Infinity row) where lse is -Infinity.
 */
export function matchAttention(plan: Plan): void {
  const readers = readerSteps(plan);
  const writer = new Map<number, Step>();
  for (const s of plan.steps) for (const o of s.outputs) writer.set(o.slot, s);
  const drop = new Set<number>();
  const after = new Map<number, Step[]>();
  for (let i = 0; i < plan.steps.length; i++) {
    if (drop.has(i)) continue;
    const f = attentionAt(plan, i, readers, writer);
    if (!f || f.steps.some((k) => drop.has(k))) continue;
    const last = f.steps[f.steps.length - 1];
    const D = f.headDim, r = f.bh * f.seqQ;
    const rows = (o: Operand, seq: number): Operand => ({ ...o, shape: [f.bh, seq, D], size: f.bh * seq * D });
    const temp = (size: number): Operand => ({ slot: plan.slots.push({ kind: 'temp', size, dtype: 'float32' }) - 1, shape: [size], dtype: 'float32', size });
    const lse = temp(r), result = plan.steps[last].outputs[0];
    const out = f.nanRows ? temp(r * D) : result;
    plan.steps[last] = {
      kernel: 'attention',
      inputs: [rows(f.q, f.seqQ), rows(f.k, f.seqK), rows(f.v, f.seqK), ...(f.mask ? [f.mask] : [])],
      outputs: [{ ...out, shape: [f.bh, f.seqQ, D] }, { ...lse, shape: [f.bh, f.seqQ] }],
      attrs: { bh: f.bh, seqQ: f.seqQ, seqK: f.seqK, headDim: D, scale: f.scale, causal: f.causal, hasMask: !!f.mask },
      fused: `attention(${f.steps.length} steps${f.causal ? ', causal' : ''})`,
    };
    if (f.nanRows) {
      const nan = temp(r);
      after.set(last, [
        { kernel: 'binary', inputs: [lse, lse], outputs: [nan], attrs: { op: Binary.sub, outShape: [r], aStrides: [1], bStrides: [1] } },
        { kernel: 'binary', inputs: [out, nan], outputs: [result], attrs: { op: Binary.add, outShape: [r, D], aStrides: [D, 1], bStrides: [1, 0] } },
      ]);
    }
    for (const k of f.steps) if (k !== last) drop.add(k);
    plan.stats.patterns++;
  }
  plan.steps = plan.steps.flatMap((s, k) => (drop.has(k) ? [] : [s, ...(after.get(k) ?? [])]));
}
