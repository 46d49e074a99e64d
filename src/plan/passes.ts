/**
 * Passes over a recorded plan: dead-code elimination, folding a bias add, an activation and a
 * residual add into the matMul / conv kernel before them (their epilogue), and buffer assignment by liveness (temp
 * slots whose lifetimes do not overlap share one buffer, so a replay allocates nothing but its
 * outputs). Elementwise chain fusion is in fuse.ts.
 */
import { Activation, Binary, Unary } from '../backends/kernels.js';
import type { Plan, Step } from './types.js';

/** Slots the result needs (outputs and anything returned). */
function resultSlots(plan: Plan): Set<number> {
  const live = new Set<number>();
  plan.slots.forEach((s, i) => {
    if (s.kind === 'output') live.add(i);
  });
  return live;
}

/** Remove steps none of whose outputs is needed by the result or by a later needed step. */
export function eliminateDeadSteps(plan: Plan): void {
  const live = resultSlots(plan);
  const keep: Step[] = [];
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    const s = plan.steps[i];
    if (!s.outputs.some((o) => live.has(o.slot))) continue;
    keep.push(s);
    for (const o of s.inputs) live.add(o.slot);
  }
  plan.stats.deadRemoved += plan.steps.length - keep.length;
  plan.steps = keep.reverse();
}

/** How many steps read each slot. */
export function readCounts(plan: Plan): number[] {
  const n = new Array<number>(plan.slots.length).fill(0);
  for (const s of plan.steps) for (const o of s.inputs) n[o.slot]++;
  return n;
}

/**
 * For an operand read by a binary kernel through `strides` over `outShape`: the period p such that
 * element i of the output reads operand element i mod p (the whole operand, a scalar, or a
 * broadcast of trailing dims), or -1 when the access is anything else (transposed, middle broadcast).
 */
export function broadcastPeriod(outShape: number[], strides: number[], operandSize: number): number {
  let period = 1;
  let broadcasting = false;
  for (let d = outShape.length - 1; d >= 0; d--) {
    if (outShape[d] === 1) continue;
    if (!broadcasting && strides[d] === period) period *= outShape[d];
    else if (strides[d] === 0) broadcasting = true;
    else return -1;
  }
  return period === operandSize ? period : -1;
}

/** The epilogue activation code a unary op becomes, or -1. */
const EPILOGUE_ACTIVATION = new Map<number, number>([
  [Unary.relu, Activation.relu], [Unary.relu6, Activation.relu6], [Unary.elu, Activation.elu],
  [Unary.leakyRelu, Activation.leakyrelu], [Unary.sigmoid, Activation.sigmoid], [Unary.tanh, Activation.tanh],
  [Unary.gelu, Activation.gelu],
]);

const EPILOGUE_KERNELS = new Set(['matMul', 'conv2d', 'depthwiseConv2d']);

/** Channels of an epilogue kernel's output (what a bias runs along). */
function epilogueChannels(s: Step): number {
  return s.kernel === 'matMul' ? (s.attrs.N as number) : (s.attrs.outC as number);
}

/** Backends whose matMul / conv kernels take a residual epilogue (KernelAttrs.matMul.residual). */
export const RESIDUAL_BACKENDS = new Set(['js', 'wasm', 'webgpu']);

/**
 * matMul/conv2d/depthwiseConv2d whose only reader is `+ bias` (bias along the channels, or a
 * scalar), then an activation: the bias and activation move into the kernel's epilogue. Where the
 * backend takes one (RESIDUAL_BACKENDS), a following `+ r` with r of the output's shape (a residual
 * connection) joins it too: before the activation while none is fused yet (so act(xW + b + r)
 * still takes a later activation), else after it (act(xW + b) + r).
 */
export function fuseEpilogues(plan: Plan): void {
  for (let changed = true; changed; ) {
    changed = false;
    const reads = readCounts(plan);
    for (let i = 0; i < plan.steps.length && !changed; i++) {
      const s = plan.steps[i];
      if (!EPILOGUE_KERNELS.has(s.kernel) || s.live || s.outputs[0].dtype !== 'float32') continue;
      const out = s.outputs[0].slot;
      const residual = (s.attrs.residual as number | undefined) ?? 0;
      const linear = (s.attrs.activation as number) === Activation.linear;
      if (plan.slots[out].kind !== 'temp' || reads[out] !== 1 || residual === 2) continue;
      const j = plan.steps.findIndex((c, k) => k > i && c.inputs.some((o) => o.slot === out));
      const c = plan.steps[j];
      const size = s.outputs[0].size;
      if (c.live || c.outputs[0].dtype !== 'float32' || c.outputs[0].size !== size) continue;
      let at = i;
      let what = opName(c);
      if (c.kernel === 'binary' && c.attrs.op === Binary.add && c.inputs[0].slot !== c.inputs[1].slot) {
        const which = c.inputs[0].slot === out ? 0 : 1;
        const other = c.inputs[1 - which];
        const a = c.attrs as { outShape: number[]; aStrides: number[]; bStrides: number[] };
        const selfPeriod = broadcastPeriod(a.outShape, which === 0 ? a.aStrides : a.bStrides, size);
        const p = broadcastPeriod(a.outShape, which === 0 ? a.bStrides : a.aStrides, other.size);
        const otherReady = !plan.steps.slice(i, j).some((w) => w.outputs.some((o) => o.slot === other.slot));
        if (other.dtype !== 'float32' || selfPeriod !== size) continue;
        if (!s.attrs.hasBias && linear && !residual && otherReady && (p === 1 || p === epilogueChannels(s))) {
          s.inputs.splice(2, 0, { ...other, shape: [p], size: p });
          s.attrs = { ...s.attrs, hasBias: true, biasSize: p };
          changed = true;
        } else if (RESIDUAL_BACKENDS.has(plan.backend) && !residual && p === size && other.size === size) {
          // the step moves down to the add (its own inputs are ready there; r may be made in between)
          const ownInputs = new Set(s.inputs.map((o) => o.slot));
          if (plan.steps.slice(i + 1, j).some((w) => w.outputs.some((o) => ownInputs.has(o.slot)))) continue;
          s.inputs.push({ ...other, shape: s.outputs[0].shape.slice(), size });
          s.attrs = { ...s.attrs, residual: linear ? 1 : 2 };
          at = j;
          what = 'residual';
          changed = true;
        }
      } else if (c.kernel === 'unary' && linear && EPILOGUE_ACTIVATION.has(c.attrs.op as number) && c.inputs[0].dtype === 'float32') {
        s.attrs = { ...s.attrs, activation: EPILOGUE_ACTIVATION.get(c.attrs.op as number)!, alpha: c.attrs.alpha };
        changed = true;
      }
      if (changed) {
        s.outputs = [{ ...c.outputs[0], shape: s.outputs[0].shape }];
        s.fused = `${s.fused ?? s.kernel}+${what}`;
        if (at === j) {
          plan.steps[j] = s;
          plan.steps.splice(i, 1);
        } else plan.steps.splice(j, 1);
        plan.stats.epilogueFused++;
      }
    }
  }
}

const UNARY_NAMES = Object.fromEntries(Object.entries(Unary).map(([k, v]) => [v, k]));
const BINARY_NAMES = Object.fromEntries(Object.entries(Binary).map(([k, v]) => [v, k]));
/** A step's op name for printing: unary/binary by op code, else the kernel. */
export function opName(s: Step): string {
  if (s.kernel === 'unary') return UNARY_NAMES[s.attrs.op as number] ?? 'unary';
  if (s.kernel === 'binary') return BINARY_NAMES[s.attrs.op as number] ?? 'binary';
  return s.fused ?? s.kernel;
}

/**
 * Give every temp slot a buffer, reusing a freed one of the same size and storage kind: a
 * slot's buffer is taken at its first writer and returned after its last reader, so no step reads
 * and writes one buffer.
 */
export function assignBuffers(plan: Plan): void {
  const last = new Map<number, number>();
  plan.steps.forEach((s, i) => {
    for (const o of [...s.inputs, ...s.outputs]) last.set(o.slot, i);
  });
  const free = new Map<string, number[]>();
  const key = (size: number, dtype: string) => `${dtype === 'float32' ? 'f' : 'i'}${size}`;
  plan.buffers = [];
  plan.steps.forEach((s, i) => {
    for (const o of s.outputs) {
      const slot = plan.slots[o.slot];
      if (slot.kind !== 'temp' || slot.buffer !== undefined) continue;
      const k = key(slot.size, slot.dtype);
      const reuse = free.get(k)?.pop();
      slot.buffer = reuse ?? plan.buffers.push({ size: slot.size, dtype: slot.dtype, id: null }) - 1;
    }
    for (const o of [...s.inputs, ...s.outputs]) {
      const slot = plan.slots[o.slot];
      if (slot.kind !== 'temp' || last.get(o.slot) !== i || slot.buffer === undefined) continue;
      const k = key(slot.size, slot.dtype);
      if (!free.has(k)) free.set(k, []);
      if (!free.get(k)!.includes(slot.buffer)) free.get(k)!.push(slot.buffer);
    }
  });
}

/** Bytes of the plan's shared buffers. */
export function bufferBytes(plan: Plan): number {
  return plan.buffers.reduce((n, b) => n + 4 * b.size, 0);
}

