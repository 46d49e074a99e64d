// Re-exports every AssemblyScript kernel family; the module is built twice (SIMD, relaxed SIMD).
export { unary, binary, select } from './elementwise';
export { reduce, softmax } from './reduce';
export { matMul, matMulScratchBytes } from './matmul';
export { copyStrided, pad, copyInto, gather, oneHot } from './layout';
export { heapBase, isRelaxed } from './module_info';
