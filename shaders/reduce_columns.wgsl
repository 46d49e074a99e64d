// Column reductions (kernel `reduceColumns`): float32 x viewed as [outer, inner, cols] -> out
// [outer, cols], the sum over the middle axis, divided by `divisor` when it is not 0 (a mean). A
// reduction over leading axes, such as a bias gradient (dy[B, S, D] summed over B and S), runs
// without transposing first. One invocation per output element, folding its column in order;
// neighbouring invocations read neighbouring words.
#include "dtype.wgsl"

struct Params {
  outer: u32,
  inner: u32,
  cols: u32,
  divisor: f32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn reduce_columns(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
                  @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linear_workgroup(wid, nwg) * WG + lid.x;
  let cols = params.cols;
  if (i >= params.outer * cols) { return; }
  let o = i / cols;
  var p = o * params.inner * cols + (i - o * cols);
  var s = 0.0f;
  for (var r = 0u; r < params.inner; r++) {
    s += x[p];
    p += cols;
  }
  if (params.divisor != 0.0f) { s = s / params.divisor; }
  out[i] = s;
}
