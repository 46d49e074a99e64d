// Fused scaled-dot-product attention (flash attention), two entry points over the same bindings:
// `attention` (GPUs) and the barrier-free `attention_direct` (CPU adapters, at the end).
// `attention`: one workgroup per tile of BQ query rows
// of one (batch * head) slice. The query tile is staged once in workgroup memory; K and V are
// streamed through one shared tile buffer BK keys at a time. TPR invocations serve each query
// row: they split the tile's scores between them (written to a BQ x BK score tile), then each
// keeps the online-softmax running max and sum of its row and owns every TPR-th vec4 of the
// row's output accumulator in registers. The seqQ x seqK score matrix is never materialised.
//   s = scale * q.k + mask[i, j]; causal: key j visible to query i only if j <= i + seqK - seqQ
// q / k / v / out rows are addressed by row_at (heads > 0: packed in the last axis); lse is [bh, seq_q].
// A row with no visible key (or all scores -Infinity) gives zeros and lse = -Infinity.
#include "attention_common.wgsl"

override BQ: u32 = 16u;       // query rows per workgroup
override TPR: u32 = 4u;       // invocations per query row
override BK: u32 = 16u;       // keys per K/V tile

var<workgroup> q_tile: array<vec4<f32>, BQ * D4>;
var<workgroup> kv_tile: array<vec4<f32>, BK * D4>;
var<workgroup> s_tile: array<f32, BQ * BK>;
var<workgroup> p_tile: array<f32, BQ * BK>;

@compute @workgroup_size(WG)
fn attention(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let t = lid.x;
  let row = t / TPR;
  let lane = t % TPR;
  let h = wid.y;
  let q0 = wid.x * BQ;
  let seq_q = params.seq_q;
  let seq_k = params.seq_k;
  let D = params.head_dim;
  let qi = q0 + row;
  let live = qi < seq_q;
  let offset = i32(seq_k) - i32(seq_q);

  for (var e = t; e < BQ * D4; e += WG) {
    let r = e / D4;
    let qr = min(q0 + r, seq_q - 1u);
    q_tile[e] = select(vec4<f32>(0.0f), q4(row_at(h, qr, seq_q), e % D4), q0 + r < seq_q);
  }

  // Keys past the causal limit of the tile's last row are never visible to any of its rows.
  var k_end = seq_k;
  if (CAUSAL) {
    let last = i32(min(q0 + BQ, seq_q)) + offset;
    k_end = u32(clamp(last, 0, i32(seq_k)));
  }
  let visible_to = i32(qi) + offset; // causal: key j visible iff j <= visible_to

  var m = f32_neg_inf();
  var l = 0.0f;
  var acc: array<vec4<f32>, 8>;
  for (var i = 0u; i < 8u; i++) { acc[i] = vec4<f32>(0.0f); }

  for (var k0 = 0u; k0 < k_end; k0 += BK) {
    workgroupBarrier(); // the previous tile's V is no longer read
    for (var e = t; e < BK * D4; e += WG) {
      let kj = k0 + e / D4;
      kv_tile[e] = select(vec4<f32>(0.0f), k4(row_at(h, min(kj, seq_k - 1u), params.kv_stride), e % D4), kj < seq_k);
    }
    workgroupBarrier();
    for (var j = lane; j < BK; j += TPR) {
      let kj = k0 + j;
      var s = f32_neg_inf();
      if (live && kj < seq_k && (!CAUSAL || i32(kj) <= visible_to)) {
        var dot4 = vec4<f32>(0.0f);
        for (var d = 0u; d < D4; d++) { dot4 = fma(q_tile[row * D4 + d], kv_tile[j * D4 + d], dot4); }
        s = params.scale * (dot4.x + dot4.y + dot4.z + dot4.w);
        if (HAS_MASK) { s += mask[qi * seq_k + kj]; }
      }
      s_tile[row * BK + j] = s;
    }
    workgroupBarrier(); // scores done: the K tile can be replaced by V
    // Every invocation of a row finds the tile max, then turns its own share of the scores into
    // probabilities p = exp(s - m_new), while the workgroup loads the V tile.
    var m_tile = f32_neg_inf();
    for (var j = 0u; j < BK; j++) {
      let s = s_tile[row * BK + j];
      if (s > m_tile) { m_tile = s; }
    }
    let m_new = max(m, m_tile);
    let any_visible = m_new != f32_neg_inf();
    for (var j = lane; j < BK; j += TPR) {
      let at = row * BK + j;
      p_tile[at] = select(0.0f, safe_exp(s_tile[at] - m_new), any_visible);
    }
    for (var e = t; e < BK * D4; e += WG) {
      let kj = k0 + e / D4;
      kv_tile[e] = select(vec4<f32>(0.0f), v4(row_at(h, min(kj, seq_k - 1u), params.kv_stride), e % D4), kj < seq_k);
    }
    workgroupBarrier();

    if (any_visible) {
      let corr = safe_exp(m - m_new);
      l *= corr;
      for (var i = 0u; i < 8u; i++) { acc[i] *= corr; }
      for (var j = 0u; j < BK; j++) {
        let p = p_tile[row * BK + j];
        if (p == 0.0f) { continue; }
        l += p;
        for (var i = 0u; i < 8u; i++) {
          let d = lane + i * TPR;
          if (d < D4) { acc[i] = fma(vec4<f32>(p), kv_tile[j * D4 + d], acc[i]); }
        }
      }
      m = m_new;
    }
  }

  if (!live) { return; }
  let empty = m == f32_neg_inf();
  let inv = select(1.0f / l, 0.0f, empty);
  let o = row_at(h, qi, seq_q);
  for (var i = 0u; i < 8u; i++) {
    let d4 = lane + i * TPR;
    if (d4 < D4) {
      let val = acc[i] * inv;
      for (var c = 0u; c < 4u; c++) {
        let d = d4 * 4u + c;
        if (d < D) { out[o + d] = val[c]; }
      }
    }
  }
  if (lane == 0u) { lse[h * seq_q + qi] = select(m + safe_log(l), f32_neg_inf(), empty); }
}

// ---- attention_direct: the barrier-free variant for CPU adapters (SwiftShader) -------------------
// One invocation per query row, headDim <= 4 * MAX_D4: the (pre-scaled) query and the output
// accumulator live in registers and K/V rows are read straight from storage, where the CPU's
// caches do the staging that workgroup memory does on a GPU. The running max only rescales the
// accumulator when it grows.
const MAX_D4: u32 = 32u;

@compute @workgroup_size(WG)
fn attention_direct(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let seq_q = params.seq_q;
  let seq_k = params.seq_k;
  let D = params.head_dim;
  let qi = wid.x * WG + lid.x;
  let h = wid.y;
  if (qi >= seq_q) { return; }
  var qv: array<vec4<f32>, MAX_D4>;
  var acc: array<vec4<f32>, MAX_D4>;
  let qb = row_at(h, qi, seq_q);
  for (var d = 0u; d < D4; d++) {
    qv[d] = q4(qb, d) * params.scale;
    acc[d] = vec4<f32>(0.0f);
  }
  var k_end = seq_k;
  if (CAUSAL) { k_end = u32(clamp(i32(qi) + i32(seq_k) - i32(seq_q) + 1, 0, i32(seq_k))); }
  var m = f32_neg_inf();
  var l = 0.0f;
  let neg_inf4 = vec4<f32>(f32_neg_inf());
  // Four keys per step: four dot products, one max / rescale test, four probabilities.
  for (var j = 0u; j < k_end; j += 4u) {
    let last = k_end - 1u;
    let kb0 = row_at(h, min(j, last), params.kv_stride);
    let kb1 = row_at(h, min(j + 1u, last), params.kv_stride);
    let kb2 = row_at(h, min(j + 2u, last), params.kv_stride);
    let kb3 = row_at(h, min(j + 3u, last), params.kv_stride);
    var d0 = vec4<f32>(0.0f);
    var d1 = vec4<f32>(0.0f);
    var d2 = vec4<f32>(0.0f);
    var d3 = vec4<f32>(0.0f);
    for (var d = 0u; d < D4; d++) {
      let qd = qv[d];
      d0 = fma(qd, k4(kb0, d), d0);
      d1 = fma(qd, k4(kb1, d), d1);
      d2 = fma(qd, k4(kb2, d), d2);
      d3 = fma(qd, k4(kb3, d), d3);
    }
    let ones = vec4<f32>(1.0f);
    var s = vec4<f32>(dot(d0, ones), dot(d1, ones), dot(d2, ones), dot(d3, ones));
    if (HAS_MASK) {
      let mb = qi * seq_k;
      let last_m = mb + k_end - 1u;
      s += vec4<f32>(mask[min(mb + j, last_m)], mask[min(mb + j + 1u, last_m)], mask[min(mb + j + 2u, last_m)],
                     mask[min(mb + j + 3u, last_m)]);
    }
    s = select(neg_inf4, s, vec4<u32>(j, j + 1u, j + 2u, j + 3u) < vec4<u32>(k_end));
    var s_max = m;
    for (var c = 0u; c < 4u; c++) { if (s[c] > s_max) { s_max = s[c]; } }
    if (s_max > m) {
      let corr = safe_exp(m - s_max);
      l *= corr;
      for (var d = 0u; d < D4; d++) { acc[d] *= corr; }
      m = s_max;
    }
    if (m == f32_neg_inf()) { continue; }
    let p = vec4<f32>(safe_exp(s.x - m), safe_exp(s.y - m), safe_exp(s.z - m), safe_exp(s.w - m));
    l += p.x + p.y + p.z + p.w;
    for (var d = 0u; d < D4; d++) {
      acc[d] = fma(vec4<f32>(p.x), v4(kb0, d), fma(vec4<f32>(p.y), v4(kb1, d),
               fma(vec4<f32>(p.z), v4(kb2, d), fma(vec4<f32>(p.w), v4(kb3, d), acc[d]))));
    }
  }
  let empty = m == f32_neg_inf();
  let inv = select(1.0f / l, 0.0f, empty);
  let o = row_at(h, qi, seq_q);
  for (var d4 = 0u; d4 < D4; d4++) {
    let val = acc[d4] * inv;
    for (var c = 0u; c < 4u; c++) {
      let d = d4 * 4u + c;
      if (d < D) { out[o + d] = val[c]; }
    }
  }
  lse[h * seq_q + qi] = select(m + safe_log(l), f32_neg_inf(), empty);
}
