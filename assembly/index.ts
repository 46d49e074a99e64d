// Re-exports every AssemblyScript kernel family; the module is built twice (SIMD, relaxed SIMD).
export function version(): i32 {
  return 1;
}
