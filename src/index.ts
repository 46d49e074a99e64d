/**
 * tessera's public API. Names and argument orders follow TensorFlow.js, so code ports by
 * changing the import.
 */
import { installChainMethods } from './chain.js';

installChainMethods();

export { Tensor } from './tensor.js';
export type { DType } from './backends/backend.js';
export * from './globals.js';
export * from './ops/creation.js';
export * from './ops/unary.js';
export * from './ops/binary.js';
export * from './ops/reduce.js';
export * from './ops/softmax.js';
export * from './ops/matmul.js';
export * from './ops/layout.js';
export * from './ops/indexing.js';
export { Variable, variable } from './variable.js';
export * from './autograd.js';
