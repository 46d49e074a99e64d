/**
 * `tf.constraints` (TF.js names and semantics): weight constraints applied after each optimizer step —
 * maxNorm, unitNorm, minMaxNorm (norms taken along `axis`, default 0, with TF.js's epsilon 1e-7) and
 * nonNeg. Each is an object with `apply(w)` and `getConfig()`, as addWeight and layer configs take them.
 */
import type { Tensor } from '../tensor.js';
import { add, div, greaterEqual, mul } from '../ops/binary.js';
import { cast, clipByValue, sqrt } from '../ops/unary.js';
import { sum } from '../ops/reduce.js';
import { scoped } from '../ops/operand.js';

const EPSILON = 1e-7;

/**
 * A projection applied to a weight after each optimizer step (`maxNorm`, `unitNorm`, `nonNeg`, ...).
 */
export interface Constraint {
  readonly className: string;
  apply(w: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}

const norms = (w: Tensor, axis: number | number[]) => sqrt(sum(mul(w, w), axis, true));

/**
 * Rescales weights whose norm along `axis` exceeds `maxValue`.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelConstraint: tf.constraints.maxNorm({ maxValue: 2, axis: 0 }) });
 * ```
 */
export function maxNorm(args: { maxValue?: number; axis?: number } = {}): Constraint {
  const maxValue = args.maxValue ?? 2, axis = args.axis ?? 0;
  return {
    className: 'MaxNorm',
    apply: (w) => scoped(() => {
      const n = norms(w, axis);
      return mul(w, div(clipByValue(n, 0, maxValue), add(n, EPSILON)));
    }),
    getConfig: () => ({ maxValue, axis }),
  };
}

/**
 * Rescales weights to unit norm along `axis`.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelConstraint: tf.constraints.unitNorm({ axis: 0 }) });
 * ```
 */
export function unitNorm(args: { axis?: number } = {}): Constraint {
  const axis = args.axis ?? 0;
  return {
    className: 'UnitNorm',
    apply: (w) => scoped(() => div(w, add(norms(w, axis), EPSILON))),
    getConfig: () => ({ axis }),
  };
}

/**
 * Keeps the norm of weights along `axis` within [minValue, maxValue] (moved by `rate`).
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelConstraint: tf.constraints.minMaxNorm({ minValue: 0.5, maxValue: 1 }) });
 * ```
 */
export function minMaxNorm(args: { minValue?: number; maxValue?: number; axis?: number; rate?: number } = {}): Constraint {
  const minValue = args.minValue ?? 0, maxValue = args.maxValue ?? 1, axis = args.axis ?? 0, rate = args.rate ?? 1;
  return {
    className: 'MinMaxNorm',
    apply: (w) => scoped(() => {
      const n = norms(w, axis);
      const desired = add(mul(rate, clipByValue(n, minValue, maxValue)), mul(1 - rate, n));
      return mul(w, div(desired, add(n, EPSILON)));
    }),
    getConfig: () => ({ minValue, maxValue, axis, rate }),
  };
}

/**
 * Clamps weights to be non-negative.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelConstraint: tf.constraints.nonNeg() });
 * ```
 */
export function nonNeg(): Constraint {
  return {
    className: 'NonNeg',
    apply: (w) => scoped(() => mul(w, cast(greaterEqual(w, 0), w.dtype))),
    getConfig: () => ({}),
  };
}

const BY_NAME: Record<string, (c: Record<string, number>) => Constraint> = {
  maxnorm: maxNorm, unitnorm: unitNorm, minmaxnorm: minMaxNorm, nonneg: () => nonNeg(),
};
/**
 * A constraint name: 'maxNorm', 'unitNorm', 'minMaxNorm', 'nonNeg'.
 */
export type ConstraintIdentifier = string | Constraint | { className: string; config?: Record<string, number> };

/**
 * A constraint from a layer config: a name ('maxNorm', 'nonNeg', ...), {className, config}, or a constraint object.
 * @example
 * ```js
 * const c = tf.constraints.getConstraint('nonNeg');
 * ```
 */
export function getConstraint(spec: ConstraintIdentifier | null | undefined): Constraint | undefined {
  if (spec == null) return undefined;
  if (typeof spec === 'object' && 'apply' in spec) return spec;
  const name = typeof spec === 'string' ? spec : spec.className;
  const make = BY_NAME[name.replace(/_/g, '').toLowerCase()];
  if (!make) throw new Error(`constraint: unknown constraint '${name}'; known: maxNorm, minMaxNorm, nonNeg, unitNorm`);
  return make(typeof spec === 'string' ? {} : spec.config ?? {});
}
/**
 * A constraint as {className, config} (null for none), the form saved in model.json.
 * @example
 * ```js
 * tf.constraints.serializeConstraint(tf.constraints.maxNorm({ maxValue: 2 })); // { className: 'MaxNorm', config: {...} }
 * ```
 */
export function serializeConstraint(c: Constraint | undefined) {
  return c ? { className: c.className, config: c.getConfig() } : null;
}
