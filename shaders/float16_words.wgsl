// Reading float16-stored weights (KernelContext.readFloat16): IEEE halves packed two per u32 word,
// element 2w in the low 16 bits of word w (the bytes of a little-endian Uint16Array), bound as
// array<vec4<u32>> (8 halves per vec4) and widened exactly to f32 with the core builtin
// unpack2x16float (no `enable f16`, so every adapter runs it). Accumulation stays f32. Used by
// matmul_common.wgsl (B_HALF), conv2d.wgsl and depthwise_conv2d.wgsl (F_HALF), float16_widen.wgsl.

/** Element e of a packed half array, given the vec4 of words that holds it (index e >> 3). */
fn half_in(words: vec4<u32>, e: u32) -> f32 {
  return unpack2x16float(words[(e >> 1u) & 3u])[e & 1u];
}

/** Elements 4q..4q+3 of a packed half array, given the vec4 of words that holds them (index q >> 1). */
fn half_quad(words: vec4<u32>, q: u32) -> vec4<f32> {
  let pair = select(words.xy, words.zw, (q & 1u) != 0u);
  return vec4<f32>(unpack2x16float(pair.x), unpack2x16float(pair.y));
}
