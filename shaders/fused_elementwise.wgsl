// Template of the recorded plan's fused elementwise kernel (src/plan/fuse.ts,
// specs/fused_elementwise.ts). One invocation computes element i of a chain of float32
// unary/binary table ops held in registers. The generator fills the two marked lines:
//   @BINDINGS: `in{j}: array<f32>` (read) for each input, then `out{k}` (read_write) per output;
//   @STEPS: per table op a function `fn step{r}(x, alpha, beta)` / `fn step{r}(a, b)` whose body
//           is the row's WGSL expression, and per instruction one line of the `@BODY` below.
// Input j is read at (first + i) % period(j) (scalar or trailing-dims broadcast), or at i when its
// period is 0 (a whole input, bound by range like the outputs when a call is split).
#include "math.wgsl"
#include "elementwise_math.wgsl"

struct Params {
  size: u32,                       // elements this dispatch computes
  first: u32,                      // flat index of its first element (a call split over bindings)
  periods: array<vec4<u32>, 2>,    // per input: read index i % period
  consts0: array<vec4<u32>, 2>,    // alpha / beta of the unary steps, as f32 bits (32 in all)
  consts1: array<vec4<u32>, 2>,
  consts2: array<vec4<u32>, 2>,
  consts3: array<vec4<u32>, 2>,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
//@BINDINGS

fn period(j: u32) -> u32 { return params.periods[j >> 2u][j & 3u]; }
fn at(j: u32, i: u32) -> u32 {
  let p = period(j);
  return select((params.first + i) % p, i, p == 0u);
}

fn konst(c: u32) -> f32 {
  let w = c & 7u;
  var v: array<vec4<u32>, 2>;
  switch c >> 3u {
    case 0u: { v = params.consts0; }
    case 1u: { v = params.consts1; }
    case 2u: { v = params.consts2; }
    default: { v = params.consts3; }
  }
  return bitcast<f32>(v[w >> 2u][w & 3u]);
}

//@STEPS

@compute @workgroup_size(WG)
fn fused(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
         @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = (wid.x + wid.y * nwg.x) * WG + lid.x;
  if (i >= params.size) { return; }
  //@BODY
}
