/**
 * The whole `tf.quantization` namespace of the `tessera` and `tessera/layers` entries: the int8
 * ops and weights of `tessera/core` (index.ts) plus model-level quantization (model_api.ts), which
 * needs the layers and models half and so stays out of `tessera/core`.
 */
export * from './index.js';
export * from './model_api.js';
