/**
 * Bias gradients into weight gradients (issue 9): the backward pass of a Dense layer (or a fused
 * matMul with a bias) computes dW = matMul(X, dY, transposeA) and, as its own kernel, db = sum of
 * dY over its rows (reduceColumns with outer 1, or a reduce over all of dY when it has one column).
 * Both read dY; the matMul's colSums option (KernelAttrs.matMul.colSums) writes db while it loads
 * dY for dW, so the reduce step goes and the matMul step gets db as a second output.
 */
import { Activation, Reduce } from '../backends/kernels.js';
import type { Plan, Step } from './types.js';

/** Backends whose matMul kernel takes colSums. */
export const COL_SUMS_BACKENDS = new Set(['js', 'wasm', 'webgpu']);
/**
 * Elements any operand may have per backend: webgpu sums in the matMul only when it binds every
 * operand whole (WebGPU's guaranteed maxStorageBufferBindingSize, 128 MiB); past that its kernel
 * falls back to a second dispatch, so merging would gain nothing.
 */
const MAX_ELEMENTS: Record<string, number> = { webgpu: (128 * 1024 * 1024) / 4 };

/** Whether step `s` is a float32 weight gradient matMul (batch 1, A transposed, no epilogue) taking colSums. */
function weightGradient(s: Step, maxElements: number): boolean {
  if (s.kernel !== 'matMul' || s.live || s.outputs.length !== 1) return false;
  const a = s.attrs as { batch: number; transposeA: boolean; transposeB: boolean; hasBias: boolean; activation: number; residual?: number; colSums?: boolean };
  return a.batch === 1 && a.transposeA && !a.transposeB && !a.hasBias && a.activation === Activation.linear && !a.residual && !a.colSums &&
    [...s.inputs, ...s.outputs].every((o) => o.dtype === 'float32' && o.size <= maxElements);
}

/** Whether step `r` sums the [K, N] matrix in slot `slot` over its rows into N values. */
function sumsRows(r: Step, slot: number, K: number, N: number): boolean {
  if (r.live || r.inputs.length !== 1 || r.inputs[0].slot !== slot || r.outputs.length !== 1 || r.outputs[0].dtype !== 'float32') return false;
  const a = r.attrs as { op: number; outer: number; inner: number; cols?: number };
  if (a.op !== Reduce.sum || a.outer !== 1 || a.inner !== K) return false;
  return r.kernel === 'reduceColumns' ? a.cols === N : r.kernel === 'reduce' && N === 1;
}

/**
 * Merge each bias-gradient reduce into the weight-gradient matMul that reads the same dY as B. The
 * merged step stays where the matMul was; a reduce before it moves down only when nothing between
 * reads its result.
 */
export function mergeBiasGradients(plan: Plan): void {
  if (!COL_SUMS_BACKENDS.has(plan.backend)) return;
  const maxElements = MAX_ELEMENTS[plan.backend] ?? Infinity;
  const drop = new Set<number>();
  plan.steps.forEach((s, i) => {
    if (!weightGradient(s, maxElements)) return;
    const { K, N } = s.attrs as { K: number; N: number };
    const b = s.inputs[1];
    if (b.size !== K * N) return;
    const j = plan.steps.findIndex((r, k) => !drop.has(k) && sumsRows(r, b.slot, K, N));
    if (j < 0) return;
    const db = plan.steps[j].outputs[0];
    if (j < i && plan.steps.slice(j + 1, i + 1).some((w) => w.inputs.some((o) => o.slot === db.slot))) return;
    s.outputs = [s.outputs[0], { ...db, shape: [N], size: N }];
    s.attrs = { ...s.attrs, colSums: true };
    s.fused = `${s.fused ?? s.kernel}+colSums`;
    drop.add(j);
    plan.stats.patterns++;
  });
  plan.steps = plan.steps.filter((_, k) => !drop.has(k));
}
