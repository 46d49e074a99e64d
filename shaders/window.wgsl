// Sliding-window index helpers shared by the conv and pool shaders (no bindings, no params).

/** Output row (or column) that input row i reaches through filter tap k, or -1 when none
 *  (the window start i + pad - k * dilation must be a non-negative multiple of the stride). */
fn out_index(i: u32, k: u32, pad: i32, dilation: u32, stride: u32, out_dim: u32) -> i32 {
  let t = i32(i) + pad - i32(k * dilation);
  if (t < 0 || t % i32(stride) != 0) { return -1; }
  let o = t / i32(stride);
  return select(-1, o, o < i32(out_dim));
}
