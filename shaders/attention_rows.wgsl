// Row addressing shared by the attention shaders (attention_common.wgsl, attention_grad.wgsl): the
// including shader's `params` has head_dim and heads. Slices h of bh = batch * heads.

/** Element offset of row r (of seq rows) of slice h: [bh, seq, head_dim], or with heads > 0 [batch, seq, heads, head_dim]. */
fn row_at(h: u32, r: u32, seq: u32) -> u32 {
  if (params.heads == 0u) { return (h * seq + r) * params.head_dim; }
  let b = h / params.heads;
  return ((b * seq + r) * params.heads + (h - b * params.heads)) * params.head_dim;
}
