// Variants of the CPU-adapter float32 add (4M elements) for bench/swiftshader_ab.mjs: arrays of
// chunks (array<array<vec4, C>>: one index, bounds clamp and address per C vec4s), mat4x4, more
// vec4s per invocation, smaller workgroups.
import { readFileSync } from 'node:fs';
const N = 4 * 1024 * 1024;
const bytes = N * 4;
const head = (t) => `struct P { size: u32 }
@group(0) @binding(0) var<uniform> params: P;
@group(0) @binding(1) var<storage, read> in0: array<${t}>;
@group(0) @binding(2) var<storage, read> in1: array<${t}>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
override WG: u32 = 64u;`;
const sig = `@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>)`;
const contiguous = (steps) => `${head('vec4<f32>')}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var r = 0u; r < ${steps}u; r++) { let v = base + r; out[v] = in0[v] + in1[v]; }
}`;
const unrolled = (steps) => `${head('vec4<f32>')}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  ${[...Array(steps).keys()].map((r) => `out[base + ${r}u] = in0[base + ${r}u] + in1[base + ${r}u];`).join('\n  ')}
}`;
// chunk: each element of the arrays is C vec4s; `steps` chunks per invocation
const chunk = (C, steps) => `${head(`array<vec4<f32>, ${C}>`)}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var r = 0u; r < ${steps}u; r++) {
    let v = base + r;
    let a = in0[v];
    let b = in1[v];
    out[v] = array<vec4<f32>, ${C}>(${[...Array(C).keys()].map((c) => `a[${c}] + b[${c}]`).join(', ')});
  }
}`;
const chunkStore = (C, steps) => `${head(`array<vec4<f32>, ${C}>`)}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var r = 0u; r < ${steps}u; r++) {
    let v = base + r;
    let a = in0[v];
    let b = in1[v];
    ${[...Array(C).keys()].map((c) => `out[v][${c}] = a[${c}] + b[${c}];`).join('\n    ')}
  }
}`;
const mat = (steps) => `${head('mat4x4<f32>')}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var r = 0u; r < ${steps}u; r++) { let v = base + r; out[v] = in0[v] + in1[v]; }
}`;
const grid = (groups) => (groups <= 65535 ? [groups, 1, 1] : [65535, Math.ceil(groups / 65535), 1]);
const v = (name, wgsl, wg, perInvocation) => ({
  name, wgsl, skip: [0], entry: 'main', constants: { WG: wg },
  buffers: [{ uniform: [N, 0, 0, 0] }, bytes, bytes, bytes],
  workgroups: grid(Math.ceil(N / 4 / perInvocation / wg)),
});
export const variants = [
  v('contiguous WG64 x16 (shipped form)', contiguous(16), 64, 16),
  v('contiguous WG64 x64', contiguous(64), 64, 64),
  v('contiguous WG16 x64', contiguous(64), 16, 64),
  v('chunk4 x4 WG64', chunk(4, 4), 64, 16),
  v('chunk4 x4 WG64 store per vec4', chunkStore(4, 4), 64, 16),
  v('chunk2 x8 WG64', chunk(2, 8), 64, 16),
  v('mat4 x4 WG64', mat(4), 64, 16),
  v('chunk4 x16 WG64', chunk(4, 16), 64, 64),
  v('chunk4 x16 WG16', chunk(4, 16), 16, 64),
  v('chunk4 x64 WG16', chunk(4, 64), 16, 256),
];
