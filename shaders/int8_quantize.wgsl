// quantizeInt8 / dequantizeInt8 of issue 12 (src/backends/kernels.ts): float32 [rows, cols] <->
// packed int8 [rows, packedCols(cols)] (four values per u32 word, little-endian, rows padded to
// whole words). One packed word (up to 4 values of a row) per invocation; quantize writes the
// zero point into the padding bytes.
#include "int8_dot.wgsl"
#include "int8_requantize.wgsl"

struct Params {
  rows: u32,
  cols: u32,
  scale: f32,
  zero_point: i32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;        // f32 bits (quantize) or packed (dequantize)
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

/** Row and first column of the invocation's word, or none past the end. */
struct Word { index: u32, row: u32, col0: u32, live: bool }

fn word_of(lid: vec3<u32>, wid: vec3<u32>, nwg: vec3<u32>) -> Word {
  let idx = (wid.x + wid.y * nwg.x) * WG + lid.x;
  let words = (params.cols + 3u) / 4u;
  return Word(idx, idx / max(words, 1u), (idx % max(words, 1u)) * 4u, idx < params.rows * words);
}

@compute @workgroup_size(WG)
fn quantize_int8(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                 @builtin(num_workgroups) nwg: vec3<u32>) {
  let at = word_of(lid, wid, nwg);
  if (!at.live) { return; }
  var q = vec4<i32>(params.zero_point);
  for (var j = 0u; j < 4u; j++) {
    if (at.col0 + j < params.cols) {
      q[j] = requantize(bitcast<f32>(src[at.row * params.cols + at.col0 + j]), params.scale, params.zero_point);
    }
  }
  dst[at.index] = pack_i8x4(q);
}

@compute @workgroup_size(WG)
fn dequantize_int8(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                   @builtin(num_workgroups) nwg: vec3<u32>) {
  let at = word_of(lid, wid, nwg);
  if (!at.live) { return; }
  let q = vec4<f32>(unpack_i8x4(src[at.index]) - vec4<i32>(params.zero_point));
  for (var j = 0u; j < 4u; j++) {
    if (at.col0 + j < params.cols) { dst[at.row * params.cols + at.col0 + j] = bitcast<u32>(params.scale * q[j]); }
  }
}
