/**
 * The `layers` namespace (TF.js `tf.layers.*` factories): one function per layer class.
 */
export { dense } from './core/dense.js';
export { inputLayer } from './factories_input.js';
