// Float16-stored weights: IEEE halves two per u32 (element 2w in the low half of word w), bound as
// array<vec4<u32>>, widened exactly with the core builtin unpack2x16float (no `enable f16`).

/** Element e, given the vec4 of words holding it (index e >> 3). */
fn half_in(words: vec4<u32>, e: u32) -> f32 {
  return unpack2x16float(words[(e >> 1u) & 3u])[e & 1u];
}

/** Elements 4q..4q+3, given the vec4 of words holding them (index q >> 1). */
fn half_quad(words: vec4<u32>, q: u32) -> vec4<f32> {
  let pair = select(words.xy, words.zw, (q & 1u) != 0u);
  return vec4<f32>(unpack2x16float(pair.x), unpack2x16float(pair.y));
}
