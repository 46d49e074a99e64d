// Re-exports every AssemblyScript kernel family; the module is built twice (SIMD, relaxed SIMD).
export { unary, binary, select } from './elementwise';
export { reduce, softmax } from './reduce';
export { matMul, matMulScratchBytes } from './matmul';
export { copyStrided, pad, copyInto, gather, oneHot } from './layout';

/** Start of memory free for the TypeScript arena (after static data). */
export function heapBase(): usize {
  return __heap_base;
}

/** 1 when this build uses relaxed-SIMD instructions. */
export function isRelaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
