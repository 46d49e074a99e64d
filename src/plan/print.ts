/**
 * tf.debug.plan(fnOrModel, ...args): the recorded plan for a signature as data and as text: one
 * line per kernel call (fused ones name what they replaced), the slots it reads and writes, the
 * shared buffers and their bytes, and the pass counts. For a model, the plan predict replays.
 */
import type { Tensor } from '../tensor.js';
import { bufferBytes } from './passes.js';
import type { JitFunction } from './jit.js';
import type { Plan, Untraceable } from './types.js';

/** What tf.debug.plan returns: the recorded plan (or why there is none), its size, and a readable listing. */
export interface PlanSummary {
  /** Null when the signature runs eagerly; then `reason` says why. */
  plan: Plan | null;
  /** Why the signature runs eagerly (null when it has a plan). */
  reason: string | null;
  /** Kernel calls per replay. */
  kernels: number;
  /** Bytes of the buffers the plan keeps for its intermediates. */
  bufferBytes: number;
  /** The plan as text: one line per kernel call, then the shared buffers. */
  text: string;
  /** The same text, so the summary prints as it reads. */
  toString(): string;
}

/** Something with a plan per signature: a jitted function, or a model (its predict plan). */
export interface HasPlans {
  planFor(...args: Tensor[]): Plan | Untraceable;
}

export function summarize(entry: Plan | Untraceable): PlanSummary {
  if (!('steps' in entry)) {
    const text = `eager (not recorded): ${entry.reason}`;
    return { plan: null, reason: entry.reason, kernels: 0, bufferBytes: 0, text, toString: () => text };
  }
  const p = entry;
  const slotName = (i: number) => {
    const s = p.slots[i];
    const tag = { input: `in${s.inputIndex}`, external: 'w', constant: 'c', temp: `t`, output: 'out' }[s.kind];
    return `${tag}#${i}${s.kind === 'temp' ? `@b${s.buffer}` : ''}`;
  };
  const lines = [
    `plan on ${p.backend}: ${p.steps.length} kernels (traced ${p.stats.traced}, dead ${p.stats.deadRemoved}, ` +
      `epilogue-fused ${p.stats.epilogueFused}, ${p.stats.fusedSteps} steps in ${p.stats.fusedKernels} fused kernels` +
      `${p.stats.patterns ? `, ${p.stats.patterns} patterns` : ''}${p.stats.reductionsFused ? `, ${p.stats.reductionsFused} reductions fused` : ''})`,
    ...p.steps.map((s, i) =>
      `  ${String(i).padStart(3)} ${s.fused && s.kernel === 'fusedElementwise' ? `fused[${s.fused}]` : s.fused ?? s.kernel}` +
      `(${s.inputs.map((o) => `${slotName(o.slot)}:[${o.shape}]`).join(', ')}) -> ${s.outputs.map((o) => `${slotName(o.slot)}:[${o.shape}]`).join(', ')}`),
    ...p.assigns.map((a) => `  assign ${(a.variable as { name?: string }).name ?? `tensor ${a.variable.id}`} <- ${slotName(a.slot)}`),
    `  buffers: ${p.buffers.length} (${bufferBytes(p)} bytes): ${p.buffers.map((b, i) => `b${i} ${b.dtype}[${b.size}]`).join(', ')}`,
  ];
  const text = lines.join('\n');
  return { plan: p, reason: null, kernels: p.steps.length, bufferBytes: bufferBytes(p), text, toString: () => text };
}

/**
 * The plan a tf.jit function (or a model's predict) replays for these arguments, tracing it if
 * needed: one line per kernel call (fused ones name what they replaced), buffers, and pass counts.
 * @example
 * ```js
 * const f = tf.jit((x) => tf.relu(tf.add(tf.mul(x, 2), 1)));
 * const summary = tf.debug.plan(f, tf.ones([4]));
 * summary.reason; // null
 * // on the wasm backend, mul, add and relu run as one fused kernel:
 * summary.kernels; // 1
 * console.log(summary.text); // one line per kernel call, then the buffers
 * ```
 */
export function debugPlan<A extends Tensor[]>(target: JitFunction<A, unknown> | HasPlans, ...args: A): PlanSummary {
  if (!target || typeof (target as HasPlans).planFor !== 'function') {
    throw new Error('debug.plan: pass a function made by tf.jit, or a model, and the arguments whose plan to show');
  }
  return summarize((target as HasPlans).planFor(...args));
}
