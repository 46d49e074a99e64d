/**
 * tf.jit(fn): record fn's kernel calls once per input signature (backend, shapes, dtypes, which
 * arguments are one tensor), optimize the plan (dead code, softmax, layerNorm and attention patterns, bias /
 * activation / residual epilogues, bias gradients into weight gradients, elementwise fusion, buffer reuse) and replay it on later calls.
 * A function a plan cannot reproduce (host reads, random draws, string/complex tensors) runs
 * eagerly for that signature, with the reason kept (and printed once). Under a gradient tape, or
 * inside another trace, fn simply runs eagerly.
 */
import { ENGINE } from '../engine.js';
import { env } from '../environment.js';
import { Tensor } from '../tensor.js';
import { eliminateDeadSteps, fuseEpilogues, assignBuffers } from './passes.js';
import { fuseElementwise } from './fuse.js';
import { matchSoftmax } from './patterns.js';
import { matchLayerNorm } from './pattern_layernorm.js';
import { matchAttention } from './pattern_attention.js';
import { mergeBiasGradients } from './pattern_bias_grad.js';
import { StalePlan, releasePlan, replay } from './replay.js';
import { Trace, traced } from './trace.js';
import type { Plan, Untraceable } from './types.js';

/** Options of tf.jit: whether the recorded plan is fused, and whether eager fallbacks are reported. */
export interface JitOptions {
  /** Run the fusion passes (default true); false keeps one step per traced kernel (after dead-code removal). */
  fuse?: boolean;
  /** Print why a signature runs eagerly (default true). */
  warn?: boolean;
}

/**
 * What tf.jit returns: callable like the function it wraps (same arguments, same result), plus
 * `planFor` to inspect the plan for a signature and `dispose` to free the recorded plans.
 */
export interface JitFunction<A extends Tensor[], R> {
  /** Runs the function: replays the recorded plan for these arguments' signature (tracing it on first use). */
  (...args: A): R;
  /** The plan (or the reason it runs eagerly) for these arguments' signature; traces them if needed. */
  planFor(...args: A): Plan | Untraceable;
  /** Free every recorded plan's buffers and constants. */
  dispose(): void;
}

/** Signatures one jitted function keeps (the oldest plan is released past this). */
const MAX_SIGNATURES = 16;

export function signatureOf(args: Tensor[]): string {
  const seen = new Map<unknown, number>();
  return ENGINE.getBackend() + '|' + args.map((t, i) => {
    const alias = seen.get(t.record);
    if (alias === undefined) seen.set(t.record, i);
    return `${t.dtype}[${t.shape}]${alias === undefined ? '' : `=${alias}`}`;
  }).join(',');
}

/** The passes, in order. */
export function optimize(plan: Plan, fuse = true): Plan {
  eliminateDeadSteps(plan);
  if (fuse) {
    matchSoftmax(plan);
    matchLayerNorm(plan);
    if (env().getBool('PLAN_ATTENTION_PATTERN')) matchAttention(plan);
    fuseEpilogues(plan);
    if (env().getBool('PLAN_BIAS_GRAD')) mergeBiasGradients(plan);
    fuseElementwise(plan, env().getBool('PLAN_FUSE_REDUCTIONS'));
  }
  assignBuffers(plan);
  for (const s of plan.slots) delete s.host; // only the passes read them
  return plan;
}

/**
 * Compiles a function of tensors into recorded plans: the first call per input signature (backend,
 * shapes, dtypes) traces its kernel calls, optimizes them (dead code, fusion, buffer reuse), and later
 * calls replay the plan. Functions a plan cannot reproduce (host reads, random draws) run eagerly.
 * @example
 * ```js
 * const f = tf.jit((x) => tf.relu(tf.add(tf.mul(x, 2), 1)));
 * f(tf.tensor1d([-2, 0, 3])).print(); // [0, 1, 7]
 * f(tf.tensor1d([1, -1, 0.5])).print(); // [3, 0, 2]
 * f.dispose(); // frees the recorded plans
 * ```
 */
export function jit<A extends Tensor[], R>(fn: (...args: A) => R, options: JitOptions = {}): JitFunction<A, R> {
  const cache = new Map<string, Plan | Untraceable>();
  const warned = new Set<string>();
  /** Why the last trace was not kept (it is tried again on the next call). */
  let retrying: string | null = null;

  /** Trace one eager call; returns its result and caches the plan or the reason. */
  const traceCall = (key: string, args: A): R => {
    const trace = new Trace();
    ENGINE.startScope();
    let result: R;
    try {
      result = traced(trace, () => fn(...args));
    } catch (e) {
      ENGINE.endScope(undefined);
      trace.release();
      throw e;
    }
    ENGINE.endScope(result);
    const plan = trace.toPlan(args, result);
    trace.release();
    retrying = trace.retry ? trace.reason : null;
    if (trace.retry) return result; // not recordable yet (optimizer state made on this call): trace again next time
    if (typeof plan === 'string') {
      cache.set(key, { reason: plan });
      if (options.warn !== false && !warned.has(key)) {
        warned.add(key);
        console.warn(`tf.jit: ${fn.name || 'the function'} runs eagerly for ${key}: ${plan}`);
      }
    } else {
      cache.set(key, optimize(plan, options.fuse !== false));
      if (cache.size > MAX_SIGNATURES) {
        const [oldKey, old] = cache.entries().next().value!;
        if ('steps' in old) releasePlan(old);
        cache.delete(oldKey);
      }
    }
    return result;
  };

  const checkArgs = (args: unknown[]): A => {
    args.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`jit: argument ${i} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    });
    return args as A;
  };

  const call = (...raw: A): R => {
    const args = checkArgs(raw);
    // under a gradient tape (replays record nothing), inside another trace, or profiled: eager
    if (ENGINE.tracer || ENGINE.recording || ENGINE.kernelWatch) return fn(...args);
    const key = signatureOf(args);
    const entry = cache.get(key);
    if (!entry) return traceCall(key, args);
    if (!('steps' in entry)) return fn(...args);
    try {
      return replay(entry, args) as R;
    } catch (e) {
      if (!(e instanceof StalePlan)) throw e;
      releasePlan(entry);
      cache.delete(key);
      return traceCall(key, args);
    }
  };

  return Object.assign(call, {
    planFor(...raw: A): Plan | Untraceable {
      const args = checkArgs(raw);
      const key = signatureOf(args);
      if (!cache.has(key)) {
        disposeResult(traceCall(key, args));
      }
      return cache.get(key) ?? { reason: `not recorded yet (the next call traces again): ${retrying}` };
    },
    dispose(): void {
      for (const e of cache.values()) if ('steps' in e) releasePlan(e);
      cache.clear();
    },
  });
}

function disposeResult(x: unknown): void {
  if (x instanceof Tensor) x.dispose();
  else if (Array.isArray(x)) x.forEach(disposeResult);
  else if (x && typeof x === 'object') Object.values(x).forEach(disposeResult);
}
