// Module facts the TypeScript side asks for: where free memory starts (the arena's base, after
// the static data) and which build this is.

/** Start of memory free for the TypeScript arena (after static data). */
export function heapBase(): usize {
  return __heap_base;
}

/** 1 when this build uses relaxed-SIMD instructions (compile-time constant). */
export function isRelaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
