// Attention for CPU adapters with 4-wide subgroups (SwiftShader runs 4 invocations as the lanes of
// one SIMD register): attention_direct's one invocation per query row, q and the output accumulator
// in registers, but the 4 lanes of a subgroup take 4 consecutive query rows and share the keys: per
// step of 4 keys each lane loads one K (then V) row quad and subgroupBroadcast hands all four to
// every lane, 1 load per quad instead of 4. The subgroup walks the keys of its widest row (causal:
// its last); each lane masks the keys past its own end to -Infinity. Rows past seqQ compute a
// clamped copy and store nothing, so every lane runs every broadcast.
enable subgroups;
diagnostic(off, subgroup_uniformity);
#include "attention_common.wgsl"

const SG_MAX_D4: u32 = 32u;

/** One past the last key query row `qi` may see. */
fn key_end(qi: u32) -> u32 {
  if (!CAUSAL) { return params.seq_k; }
  return u32(clamp(i32(qi) + i32(params.seq_k) - i32(params.seq_q) + 1, 0, i32(params.seq_k)));
}

@compute @workgroup_size(WG)
fn attention_subgroup(@builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_id) sg: u32,
                      @builtin(subgroup_invocation_id) lane: u32) {
  let seq_q = params.seq_q;
  let D = params.head_dim;
  let first = wid.x * WG + sg * 4u;
  if (first >= seq_q) { return; } // the whole subgroup
  let h = wid.y;
  let live = first + lane < seq_q;
  let qi = min(first + lane, seq_q - 1u);
  var qv: array<vec4<f32>, SG_MAX_D4>;
  var acc: array<vec4<f32>, SG_MAX_D4>;
  let qb = row_at(h, qi, seq_q);
  for (var d = 0u; d < D4; d++) {
    qv[d] = q4(qb, d) * params.scale;
    acc[d] = vec4<f32>(0.0f);
  }
  let k_end = key_end(qi);
  let sg_end = key_end(min(first + 3u, seq_q - 1u)); // >= every lane's k_end
  var m = f32_neg_inf();
  var l = 0.0f;
  let neg_inf4 = vec4<f32>(f32_neg_inf());
  for (var j = 0u; j < sg_end; j += 4u) {
    let kb = row_at(h, min(j + lane, sg_end - 1u), params.kv_stride); // this lane's key / value row
    var d0 = vec4<f32>(0.0f);
    var d1 = vec4<f32>(0.0f);
    var d2 = vec4<f32>(0.0f);
    var d3 = vec4<f32>(0.0f);
    for (var d = 0u; d < D4; d++) {
      let qd = qv[d];
      let kd = k4(kb, d);
      d0 = fma(qd, subgroupBroadcast(kd, 0u), d0);
      d1 = fma(qd, subgroupBroadcast(kd, 1u), d1);
      d2 = fma(qd, subgroupBroadcast(kd, 2u), d2);
      d3 = fma(qd, subgroupBroadcast(kd, 3u), d3);
    }
    let ones = vec4<f32>(1.0f);
    var s = vec4<f32>(dot(d0, ones), dot(d1, ones), dot(d2, ones), dot(d3, ones));
    if (HAS_MASK) {
      let mb = qi * params.seq_k;
      let last_m = mb + sg_end - 1u;
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
    let seen = m != f32_neg_inf();
    let p = select(vec4<f32>(0.0f), vec4<f32>(safe_exp(s.x - m), safe_exp(s.y - m), safe_exp(s.z - m),
                   safe_exp(s.w - m)), seen);
    l += p.x + p.y + p.z + p.w;
    for (var d = 0u; d < D4; d++) {
      let vd = v4(kb, d);
      acc[d] = fma(vec4<f32>(p.x), subgroupBroadcast(vd, 0u), fma(vec4<f32>(p.y), subgroupBroadcast(vd, 1u),
               fma(vec4<f32>(p.z), subgroupBroadcast(vd, 2u), fma(vec4<f32>(p.w), subgroupBroadcast(vd, 3u), acc[d]))));
    }
  }
  if (!live) { return; }
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
