/**
 * Weight regularizers (TF.js names): l1, l2, l1l2, all the L1L2 class with {l1, l2} config.
 * Their penalty is added to the training loss by the model.
 */
import type { Tensor } from '../tensor.js';
import { abs, square } from '../ops/unary.js';
import { add, mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { scalar } from '../ops/creation.js';

/**
 * A weight penalty: `apply(weight)` returns a scalar added to the training loss.
 */
export interface Regularizer {
  readonly className: string;
  apply(x: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}
/**
 * A regularizer, or its name ('l1l2'), or its serialized {className, config} form.
 */
export type RegularizerSpec = string | Regularizer | { className: string; config?: Record<string, unknown> };

/**
 * An L1 plus L2 weight penalty: `l1 * sum(|w|) + l2 * sum(w^2)` added to the loss.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelRegularizer: tf.regularizers.l1l2({ l1: 0.01, l2: 0.01 }) });
 * ```
 */
export function l1l2(c: { l1?: number; l2?: number } = {}): Regularizer {
  const l1 = c.l1 ?? 0.01;
  const l2 = c.l2 ?? 0.01;
  return {
    className: 'L1L2',
    getConfig: () => ({ l1, l2 }),
    apply(x) {
      let r: Tensor = scalar(0);
      if (l1 !== 0) r = add(r, mul(sum(abs(x)), l1));
      if (l2 !== 0) r = add(r, mul(sum(square(x)), l2));
      return r;
    },
  };
}
/**
 * An L1 weight penalty `l1 * sum(|w|)`.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelRegularizer: tf.regularizers.l1({ l1: 0.01 }) });
 * ```
 */
export const l1 = (c: { l1?: number } = {}) => l1l2({ l1: c.l1 ?? 0.01, l2: 0 });
/**
 * An L2 weight penalty `l2 * sum(w^2)`.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) });
 * ```
 */
export const l2 = (c: { l2?: number } = {}) => l1l2({ l1: 0, l2: c.l2 ?? 0.01 });

/**
 * A regularizer from its name ('l1l2', ...), its serialized form, or itself.
 * @example
 * ```js
 * const reg = tf.regularizers.getRegularizer('l1l2');
 * ```
 */
export function getRegularizer(spec: RegularizerSpec): Regularizer {
  if (typeof spec === 'object' && 'apply' in spec) return spec;
  const name = (typeof spec === 'string' ? spec : spec.className).replace(/_/g, '').toLowerCase();
  const config = typeof spec === 'string' ? {} : (spec.config ?? {});
  if (name === 'l1') return l1(config);
  if (name === 'l2') return l2(config);
  if (name === 'l1l2') return l1l2(config);
  throw new Error(`regularizer: unknown regularizer '${typeof spec === 'string' ? spec : spec.className}'`);
}
