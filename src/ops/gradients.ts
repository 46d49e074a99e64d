/**
 * The gradient registry of non-elementwise ops (elementwise ops keep theirs in their op-table row,
 * src/ops/elementwise_table): one entry per op name, mapping the output cotangent, the op's inputs,
 * its output and its attributes to one cotangent per input. An op records itself on the tape with
 * recordGradient(name, ...), so each gradient is written once, and fused variants reuse the plain
 * op's entry (fusedMatMul's operand gradients are matMul's) instead of keeping a copy.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';

/**
 * dy, the op's inputs, its output and attributes -> one cotangent per input (null: none).
 * `wanted[k]` false: nothing needs input k's cotangent (a model's data input while training), so
 * the gradient may skip it and return null there.
 */
export type GradientFn<A> = (dy: Tensor, inputs: Tensor[], y: Tensor, attrs: A, wanted?: boolean[]) => (Tensor | null)[];

const registry = new Map<string, GradientFn<never>>();

/** Register the gradient of op `name` (once: a second registration is a bug). */
export function registerGradient<A>(name: string, fn: GradientFn<A>): void {
  if (registry.has(name)) throw new Error(`registerGradient: '${name}' already has a gradient`);
  registry.set(name, fn as GradientFn<never>);
}

/** The registered gradient of op `name`, or undefined. */
export function gradientOf<A>(name: string): GradientFn<A> | undefined {
  return registry.get(name) as GradientFn<A> | undefined;
}

/** Names of the ops with a registered gradient. */
export function registeredGradients(): string[] {
  return [...registry.keys()];
}

/** Record op `name` (inputs -> y, with attrs) on the gradient tape, differentiated by its registered gradient. */
export function recordGradient<A>(name: string, inputs: Tensor[], y: Tensor, attrs: A): void {
  const g = gradientOf<A>(name);
  if (!g) throw new Error(`internal: no gradient registered for '${name}'`);
  ENGINE.record(name, inputs, [y], ([dy], wanted) => (dy ? g(dy, inputs, y, attrs, wanted) : inputs.map(() => null)));
}
