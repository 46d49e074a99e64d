// Packed int8 helpers, portable variant (any WGSL implementation): a word holds four int8 values,
// little-endian (value j in bits 8j..8j+7). Operands are unpacked into vec4<i32> with shifts
// (sign extension by `(w << (24 - 8j)) >> 24` on i32), and dot products use the vec4<i32> `dot`.
// shaders/int8_dot_packed.wgsl has the same functions on top of dot4I8Packed; the int8 kernels
// include "int8_dot.wgsl" and specs/int8.ts swaps in the packed file where the
// packed_4x8_integer_dot_product language feature exists.

/** A word's four int8 values in the form the dot products take. */
alias I8x4 = vec4<i32>;

/** The four int8 values of a word, sign-extended. */
fn unpack_i8x4(w: u32) -> vec4<i32> {
  return bitcast<vec4<i32>>(vec4<u32>(w) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u);
}

fn load_i8x4(w: u32) -> I8x4 { return unpack_i8x4(w); }

/** sum_j a[j] * b[j] (exact in i32). */
fn dot_i8x4(a: I8x4, b: I8x4) -> i32 { return dot(a, b); }

/** sum_j w[j]. */
fn sum_i8x4(w: I8x4) -> i32 { return dot(w, vec4<i32>(1)); }

/** Four values in [-128, 127] into one word (byte j = v[j]). */
fn pack_i8x4(v: vec4<i32>) -> u32 {
  let b = bitcast<vec4<u32>>(v) & vec4<u32>(0xffu);
  return b.x | (b.y << 8u) | (b.z << 16u) | (b.w << 24u);
}
