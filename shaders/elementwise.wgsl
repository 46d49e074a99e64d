// Elementwise kernels: unary, binary and select. Storage is bound as array<vec4<u32>> (the
// buffer pool rounds every buffer up to 16 bytes, so the padding lanes exist and are private to
// the tensor). Contiguous entries (unary, binary_contiguous) move one vec4 per invocation; the
// strided entries (binary_strided, select_strided) broadcast through per-input strides over
// outShape (rank <= 6) and also produce 4 consecutive outputs per invocation, so no two
// invocations ever write into the same vec4. Op codes and dtype flags are override constants.
#include "generated_elementwise_ops.wgsl"
#include "dtype.wgsl"

struct Params {
  size: u32,          // number of output elements
  rank: u32,
  alpha: f32,
  beta: f32,
  first: u32,         // strided entries: flat output index of this dispatch's first element
  base0: u32,         // strided entries: first element of each input's bound range
  base1: u32,
  base2: u32,
  out_vec: u32,       // strided entries: vec4 index of `first` inside the bound output range
  out_shape: array<vec4<u32>, 2>,
  strides0: array<vec4<u32>, 2>, // unary/binary: a; select: cond
  strides1: array<vec4<u32>, 2>, // binary: b; select: a
  strides2: array<vec4<u32>, 2>, // select: b
}

override WG: u32 = 64u;
override OP: u32 = 0u;
override IN0_INT: bool = false;
override IN1_INT: bool = false;
override OUT_KIND: u32 = 0u;
// Blocked entries: false when the dispatch covers exactly `size` elements in whole blocks (no bounds check).
override TAIL: bool = true;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> in0: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> in1: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> in2: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> out_unary: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read_write> out_binary: array<vec4<u32>>;
@group(0) @binding(4) var<storage, read_write> out_select: array<vec4<u32>>;

// The per-op-code switches are generated from the op table (src/ops/elementwise_table).
fn apply_unary(x: f32, alpha: f32, beta: f32) -> f32 { return apply_unary_op(OP, x, alpha, beta); }
fn apply_binary(a: f32, b: f32) -> f32 { return apply_binary_op(OP, a, b); }

/** Four elements of a binary op, words in and out. */
fn binary4(u: vec4<u32>, w: vec4<u32>) -> vec4<u32> {
  let a = word4_to_f32(u, IN0_INT);
  let b = word4_to_f32(w, IN1_INT);
  return f32x4_to_word(vec4<f32>(apply_binary(a.x, b.x), apply_binary(a.y, b.y), apply_binary(a.z, b.z), apply_binary(a.w, b.w)), OUT_KIND);
}

fn word0(i: u32) -> u32 { return in0[i >> 2u][i & 3u]; }
fn word1(i: u32) -> u32 { return in1[i >> 2u][i & 3u]; }
fn word2(i: u32) -> u32 { return in2[i >> 2u][i & 3u]; }

fn dim(v: array<vec4<u32>, 2>, d: u32) -> u32 { return v[d >> 2u][d & 3u]; }

/**
 * Offsets of flat output index i (relative to `first`) in up to three inputs, from the stride
 * tables, relative to each input's bound range (a call split across bindings, see
 * specs/elementwise.ts; `first` and the bases are 0 otherwise).
 */
fn strided_offsets(index: u32) -> vec3<u32> {
  var rest = index + params.first;
  var off = vec3<u32>(0u);
  for (var d = i32(params.rank) - 1; d >= 0; d--) {
    let du = u32(d);
    let n = dim(params.out_shape, du);
    let c = rest % n;
    rest = rest / n;
    off += c * vec3<u32>(dim(params.strides0, du), dim(params.strides1, du), dim(params.strides2, du));
  }
  return off - vec3<u32>(params.base0, params.base1, params.base2);
}

fn vec_index(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return linear_workgroup(wid, nwg) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn unary(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
         @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = vec_index(lid, wid, nwg);
  if (v * 4u >= params.size) { return; }
  let x = word4_to_f32(in0[v], IN0_INT);
  let r = vec4<f32>(apply_unary(x.x, params.alpha, params.beta), apply_unary(x.y, params.alpha, params.beta),
                    apply_unary(x.z, params.alpha, params.beta), apply_unary(x.w, params.alpha, params.beta));
  out_unary[v] = f32x4_to_word(r, OUT_KIND);
}

@compute @workgroup_size(WG)
fn binary_contiguous(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                     @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = vec_index(lid, wid, nwg);
  if (v * 4u >= params.size) { return; }
  out_binary[v] = binary4(in0[v], in1[v]);
}

// Blocked forms of unary and binary_contiguous for CPU adapters (SwiftShader): each invocation takes
// BLOCK_STEPS consecutive vec4s, so each workgroup covers WG * BLOCK_STEPS vec4s and the
// per-workgroup cost is paid 16 times less often (consecutive vec4s per invocation measured ~10%
// faster than vec4s WG apart on SwiftShader, bench/ab_add.mjs). TAIL false (the grid covers the
// size exactly) drops the bounds check.
const BLOCK_STEPS: u32 = 16u;

@compute @workgroup_size(WG)
fn unary_blocked(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
               @builtin(num_workgroups) nwg: vec3<u32>) {
  let base = (linear_workgroup(wid, nwg) * WG + lid.x) * BLOCK_STEPS;
  for (var r = 0u; r < BLOCK_STEPS; r++) {
    let v = base + r;
    if (TAIL && v * 4u >= params.size) { return; }
    let x = word4_to_f32(in0[v], IN0_INT);
    let y = vec4<f32>(apply_unary(x.x, params.alpha, params.beta), apply_unary(x.y, params.alpha, params.beta),
                      apply_unary(x.z, params.alpha, params.beta), apply_unary(x.w, params.alpha, params.beta));
    out_unary[v] = f32x4_to_word(y, OUT_KIND);
  }
}

// binary_blocked also takes a one-element input against a contiguous other one (SCALAR 0: a, 1: b;
// 2: neither), its word read once per invocation: binary_strided's per-element broadcast indexing
// ran x + scalar at 4M ~140x slower on SwiftShader.
override SCALAR: u32 = 2u;

@compute @workgroup_size(WG)
fn binary_blocked(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                @builtin(num_workgroups) nwg: vec3<u32>) {
  let base = (linear_workgroup(wid, nwg) * WG + lid.x) * BLOCK_STEPS;
  let s = vec2<u32>(in0[0].x, in1[0].x);
  for (var r = 0u; r < BLOCK_STEPS; r++) {
    let v = base + r;
    if (TAIL && v * 4u >= params.size) { return; }
    var u = vec4<u32>(s.x);
    var w = vec4<u32>(s.y);
    if (SCALAR != 0u) { u = in0[v]; }
    if (SCALAR != 1u) { w = in1[v]; }
    out_binary[v] = binary4(u, w);
  }
}

// Chunked binary for CPU adapters, only op codes whose expression runs on vec4s (wgslVec4 in the op
// table: add, sub, mul, div): storage read as chunks of 4 vec4s, one index and bounds clamp per 64
// bytes instead of per 16 (SwiftShader loads are gathers; bench/ab_add_chunks.mjs), CHUNK_STEPS
// chunks per invocation; one vec4 op per vec4 keeps the compile short (per-element switches: ~10x).
// Other ops stay on binary_blocked (16 inlined bodies per chunk made pow 1.9x slower). Every buffer
// is bound whole and holds whole chunks; the last chunk's padding lanes are the tensor's own.
const CHUNK_STEPS: u32 = 64u;
@group(0) @binding(1) var<storage, read> in0_chunks: array<array<vec4<u32>, 4>>;
@group(0) @binding(2) var<storage, read> in1_chunks: array<array<vec4<u32>, 4>>;
@group(0) @binding(3) var<storage, read_write> out_chunks: array<array<vec4<u32>, 4>>;

fn binary_vec4(u: vec4<u32>, w: vec4<u32>) -> vec4<u32> {
  return f32x4_to_word(apply_binary_op4(OP, word4_to_f32(u, IN0_INT), word4_to_f32(w, IN1_INT)), OUT_KIND);
}

@compute @workgroup_size(WG)
fn binary_chunked(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let base = vec_index(lid, wid, nwg) * CHUNK_STEPS;
  for (var c = base; c < base + CHUNK_STEPS; c++) {
    if (TAIL && c * 16u >= params.size) { return; }
    let a = in0_chunks[c];
    let b = in1_chunks[c];
    out_chunks[c] = array<vec4<u32>, 4>(binary_vec4(a[0], b[0]), binary_vec4(a[1], b[1]), binary_vec4(a[2], b[2]), binary_vec4(a[3], b[3]));
  }
}

@compute @workgroup_size(WG)
fn binary_strided(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = vec_index(lid, wid, nwg);
  if (v * 4u >= params.size) { return; }
  var r = vec4<u32>(0u);
  for (var j = 0u; j < 4u; j++) {
    let i = v * 4u + j;
    if (i < params.size) {
      let off = strided_offsets(i);
      let a = word_to_f32(word0(off.x), IN0_INT);
      let b = word_to_f32(word1(off.y), IN1_INT);
      r[j] = f32_to_word(apply_binary(a, b), OUT_KIND);
    }
  }
  out_binary[v + params.out_vec] = r;
}

/** out = cond != 0 ? a : b. a and b are copied as raw words (same dtype as the output). */
@compute @workgroup_size(WG)
fn select_strided(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = vec_index(lid, wid, nwg);
  if (v * 4u >= params.size) { return; }
  var r = vec4<u32>(0u);
  for (var j = 0u; j < 4u; j++) {
    let i = v * 4u + j;
    if (i < params.size) {
      let off = strided_offsets(i);
      let c = word_to_f32(word0(off.x), IN0_INT);
      r[j] = select(word2(off.z), word1(off.y), ne_f32(c, 0.0f));
    }
  }
  out_select[v + params.out_vec] = r;
}
