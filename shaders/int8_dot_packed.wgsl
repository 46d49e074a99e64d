// Packed int8 helpers on the packed_4x8_integer_dot_product language feature: operands stay
// packed u32 words (four int8 values, little-endian) and dot products are one dot4I8Packed.
// Same functions as shaders/int8_dot.wgsl (the portable variant); specs/int8.ts swaps this
// file in (and adds the `requires` directive) where navigator.gpu.wgslLanguageFeatures has it.

alias I8x4 = u32;

fn unpack_i8x4(w: u32) -> vec4<i32> { return unpack4xI8(w); }

fn load_i8x4(w: u32) -> I8x4 { return w; }

fn dot_i8x4(a: I8x4, b: I8x4) -> i32 { return dot4I8Packed(a, b); }

/** sum_j w[j]: a dot product with four ones. */
fn sum_i8x4(w: I8x4) -> i32 { return dot4I8Packed(0x01010101u, w); }

/** Four values already in [-128, 127] into one word. */
fn pack_i8x4(v: vec4<i32>) -> u32 { return pack4xI8Clamp(v); }
