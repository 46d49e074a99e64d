// Variants of the CPU-adapter float32 add (4M elements) for bench/swiftshader_ab.mjs. Each
// invocation moves vec4s; `steps` vec4s per invocation, WG invocations per workgroup.
const N = 4 * 1024 * 1024;
const bytes = N * 4;
const head = `struct P { size: u32 }
@group(0) @binding(0) var<uniform> params: P;
@group(0) @binding(1) var<storage, read> in0: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> in1: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<vec4<f32>>;
override WG: u32 = 64u;`;
// blocked: vec4 v = base + r * WG (the shipped binary_blocked), with or without the bounds check
const blocked = (steps, check) => `${head}
@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let base = (wid.x + wid.y * nwg.x) * WG * ${steps}u + lid.x;
  for (var r = 0u; r < ${steps}u; r++) {
    let v = base + r * WG;
    ${check ? 'if (v * 4u >= params.size) { return; }' : ''}
    out[v] = in0[v] + in1[v];
  }
}`;
// contiguous: each invocation takes `steps` consecutive vec4s
const contiguous = (steps, check = true) => `${head}
@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var r = 0u; r < ${steps}u; r++) {
    let v = base + r;
    ${check ? 'if (v * 4u >= params.size) { return; }' : ''}
    out[v] = in0[v] + in1[v];
  }
}`;
// plain: one vec4 per invocation (the GPU entry)
const plain = `${head}
@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = (wid.x + wid.y * nwg.x) * WG + lid.x;
  if (v * 4u >= params.size) { return; }
  out[v] = in0[v] + in1[v];
}`;
const grid = (groups) => (groups <= 65535 ? [groups, 1, 1] : [65535, Math.ceil(groups / 65535), 1]);
const v = (name, wgsl, wg, perInvocation, skip = []) => ({
  name, wgsl, skip, entry: 'main', constants: { WG: wg },
  buffers: [{ uniform: [N, 0, 0, 0] }, bytes, bytes, bytes],
  workgroups: grid(Math.ceil(N / 4 / perInvocation / wg)),
});
export const variants = [
  v('blocked WG64 x16 (shipped)', blocked(16, true), 64, 16),
  v('blocked WG64 x16 no check', blocked(16, false), 64, 16, [0]),
  v('contiguous WG64 x16', contiguous(16), 64, 16),
  v('contiguous WG64 x16 no check', contiguous(16, false), 64, 16, [0]),
  v('contiguous WG64 x32 no check', contiguous(32, false), 64, 32, [0]),
  v('contiguous WG32 x16 no check', contiguous(16, false), 32, 16, [0]),
];
