/**
 * The `train` namespace (TF.js `tf.train.*` factories). Positional arguments follow TF.js;
 * every factory takes an optional trailing OptimizerOptions object for gradient clipping, e.g.
 * `train.adam(1e-3, 0.9, 0.999, 1e-7, {clipnorm: 1})` or `train.sgd(0.1, {clipvalue: 0.5})`.
 * `epsilon` null/undefined means 1e-7 (TF.js's float32 epsilon).
 */
import { SGDOptimizer, MomentumOptimizer } from './sgd.js';
import { AdamOptimizer, AdamWOptimizer, AdamaxOptimizer } from './adam.js';
import { RMSPropOptimizer } from './rmsprop.js';
import { AdagradOptimizer, AdadeltaOptimizer } from './adagrad.js';
import { DEFAULT_EPSILON } from './checks.js';
import type { OptimizerOptions } from './optimizer.js';

export { Optimizer } from './optimizer.js';
export type { OptimizerOptions, NamedTensor } from './optimizer.js';
export { SGDOptimizer, MomentumOptimizer, AdamOptimizer, AdamWOptimizer, AdamaxOptimizer, RMSPropOptimizer, AdagradOptimizer, AdadeltaOptimizer };

const eps = (e: number | null | undefined) => e ?? DEFAULT_EPSILON;

/**
 * Plain stochastic gradient descent: `w -= learningRate * grad`.
 * @example
 * ```js
 * model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
 * ```
 */
export function sgd(learningRate: number, options?: OptimizerOptions): SGDOptimizer {
  return new SGDOptimizer(learningRate, options);
}
/**
 * SGD with momentum (optionally Nesterov).
 * @example
 * ```js
 * model.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'meanSquaredError' });
 * ```
 */
export function momentum(learningRate: number, momentum: number, useNesterov = false, options?: OptimizerOptions): MomentumOptimizer {
  return new MomentumOptimizer(learningRate, momentum, useNesterov, options);
}
/**
 * The Adam optimizer (learning rate 0.001, beta1 0.9, beta2 0.999 by default).
 * @example
 * ```js
 * model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
 * ```
 */
export function adam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null, options?: OptimizerOptions): AdamOptimizer {
  return new AdamOptimizer(learningRate, beta1, beta2, eps(epsilon), options);
}
/**
 * AdamW (tessera addition): Adam with decoupled weight decay (Keras default 0.004).
 * @example
 * ```js
 * model.compile({ optimizer: tf.train.adamw(0.001, 0.9, 0.999, 1e-7, 0.01), loss: 'meanSquaredError' });
 * ```
 */
export function adamw(
  learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null, weightDecay = 0.004, options?: OptimizerOptions,
): AdamWOptimizer {
  return new AdamWOptimizer(learningRate, beta1, beta2, eps(epsilon), weightDecay, options);
}
/**
 * Adamax: Adam with the infinity norm of past gradients.
 * @example
 * ```js
 * model.compile({ optimizer: tf.train.adamax(0.002), loss: 'meanSquaredError' });
 * ```
 */
export function adamax(
  learningRate = 0.002, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null, decay = 0, options?: OptimizerOptions,
): AdamaxOptimizer {
  return new AdamaxOptimizer(learningRate, beta1, beta2, eps(epsilon), decay, options);
}
/**
 * RMSProp: divides the gradient by a moving average of its recent magnitude.
 * @example
 * ```js
 * model.compile({ optimizer: tf.train.rmsprop(0.001), loss: 'meanSquaredError' });
 * ```
 */
export function rmsprop(
  learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false, options?: OptimizerOptions,
): RMSPropOptimizer {
  return new RMSPropOptimizer(learningRate, decay, momentum, eps(epsilon), centered, options);
}
/**
 * Adagrad: per-parameter learning rates scaled by the sum of past squared gradients.
 * @example
 * ```js
 * model.compile({ optimizer: tf.train.adagrad(0.01), loss: 'meanSquaredError' });
 * ```
 */
export function adagrad(learningRate: number, initialAccumulatorValue = 0.1, options?: OptimizerOptions): AdagradOptimizer {
  return new AdagradOptimizer(learningRate, initialAccumulatorValue, DEFAULT_EPSILON, options);
}
/**
 * Adadelta: adapts learning rates from a moving window of gradient updates.
 * @example
 * ```js
 * model.compile({ optimizer: tf.train.adadelta(1), loss: 'meanSquaredError' });
 * ```
 */
export function adadelta(learningRate = 0.001, rho = 0.95, epsilon: number | null = null, options?: OptimizerOptions): AdadeltaOptimizer {
  return new AdadeltaOptimizer(learningRate, rho, eps(epsilon), options);
}
