/**
 * Optimizer identifiers accepted by model.compile (TF.js strings and defaults, plus 'adamw').
 */
import { Optimizer } from './optimizer.js';
import * as train from './train.js';

const BY_NAME: Record<string, () => Optimizer> = {
  sgd: () => train.sgd(0.01),
  adam: () => train.adam(0.001, 0.9, 0.999),
  adamw: () => train.adamw(0.001, 0.9, 0.999),
  adamax: () => train.adamax(0.002, 0.9, 0.999, null, 0),
  rmsprop: () => train.rmsprop(0.001, 0.9, 0),
  adagrad: () => train.adagrad(0.01),
  adadelta: () => train.adadelta(1, 0.95),
};

/** An Optimizer from a compile() argument: an instance or a name ('adam', 'SGD', 'RMSProp', ...). */
export function getOptimizer(identifier: unknown): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === 'string') {
    const make = BY_NAME[identifier.toLowerCase()];
    if (make) return make();
    throw new Error(`compile: unknown optimizer '${identifier}'; known: ${Object.keys(BY_NAME).join(', ')} or a train.* optimizer`);
  }
  throw new Error(`compile: optimizer must be a string or an Optimizer (from train.*), got ${typeof identifier}`);
}
