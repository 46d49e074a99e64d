/**
 * `tf.wasm.setInt8Dot`: which dot product the wasm int8 matMul / conv2d take (issue 12). 'auto'
 * (the default) takes the fastest one whose probe gives exact sums on the running engine
 * (src/backends/wasm/int8.ts): 'u8', then 'relaxed', then 'i16'. Naming one forces it, for
 * benchmarks and tests of each path; a relaxed one the engine fails makes the int8 ops throw.
 */
export type Int8DotKind = 'auto' | 'u8' | 'relaxed' | 'i16';

const KINDS: readonly Int8DotKind[] = ['auto', 'u8', 'relaxed', 'i16'];
let preferred: Int8DotKind = 'auto';

/**
 * Chooses the wasm int8 dot: 'auto', 'u8' (relaxed SIMD, activations as unsigned bytes),
 * 'relaxed' (relaxed SIMD, weights split into two 7-bit halves) or 'i16' (plain SIMD, widened).
 * Every choice gives the same bits; they differ in speed.
 * ```js
 * tf.wasm.setInt8Dot('i16'); // the widening dot, e.g. to time it against the relaxed ones
 * tf.wasm.setInt8Dot('auto');
 * ```
 */
export function setInt8Dot(kind: Int8DotKind): void {
  if (!KINDS.includes(kind)) throw new Error(`setInt8Dot: kind must be one of ${KINDS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(kind)}`);
  preferred = kind;
}

/**
 * The dot asked for with setInt8Dot ('auto' unless set); `tf.memory().backends.wasm.int8Dot` says
 * which one the int8 ops ran.
 * ```js
 * tf.wasm.getInt8Dot(); // 'auto'
 * ```
 */
export function getInt8Dot(): Int8DotKind {
  return preferred;
}
