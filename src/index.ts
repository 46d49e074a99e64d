/**
 * tessera's public API. Names and argument orders follow TensorFlow.js, so code ports by
 * changing the import.
 */
export { Tensor } from './tensor.js';
export type { DType } from './backends/backend.js';
export * from './globals.js';
export * from './ops/creation.js';
