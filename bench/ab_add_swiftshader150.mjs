// Variants of the CPU-adapter float32 add (4M elements) for bench/swiftshader_ab.mjs, on Chromium
// 150's SwiftShader (slower than 156's, issue 9's add 4M row): the shipped binary_chunked entry
// against simplified shaders that change one thing each (loop form, lane order, chunk size, unroll),
// and the cost split (loads only, stores only, copy). Finding (2026-12-03, load ~10): no form beats
// the shipped entry; GPU-process CPU time follows the number of 4-byte words moved (~17-20 ms per
// 16 MB stream, loads and stores alike), so add (3 streams) is at that floor.
// AB_ONLY=<regexp>: only the variants whose name matches.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';

const read = (name) => readFileSync(join(repoRoot, 'shaders', name), 'utf8');
const resolveIncludes = (src, seen = new Set()) => src.replace(/^#include "([^"]+)"\s*$/gm, (_, name) => {
  if (seen.has(name)) return '';
  seen.add(name);
  return resolveIncludes(read(name), seen);
});
const N = 4 * 1024 * 1024;
const bytes = N * 4;
const grid = (groups) => (groups <= 65535 ? [groups, 1, 1] : [65535, Math.ceil(groups / 65535), 1]);
const head = (t) => `@group(0) @binding(1) var<storage, read> in0: array<${t}>;
@group(0) @binding(2) var<storage, read> in1: array<${t}>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
override WG: u32 = 64u;`;
const sig = `@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>)`;
const C4 = 'array<vec4<f32>, 4>';
const sum = (C) => `${C4.replace('4>', `${C}>`)}(${[...Array(C).keys()].map((c) => `a[${c}] + b[${c}]`).join(', ')})`;
// each invocation takes `steps` consecutive chunks of C vec4s
const consecutive = (C, steps, body = 'out[c] = SUM;') => `${head(`array<vec4<f32>, ${C}>`)}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var c = base; c < base + ${steps}u; c++) { let a = in0[c]; let b = in1[c]; ${body.replace('SUM', sum(C))} }
}`;
// constant-bound loop counter
const counted = (C, steps) => `${head(`array<vec4<f32>, ${C}>`)}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var r = 0u; r < ${steps}u; r++) { let c = base + r; let a = in0[c]; let b = in1[c]; out[c] = ${sum(C)}; }
}`;
// lanes interleaved: step r of the workgroup covers WG adjacent chunks
const interleaved = (C, steps) => `${head(`array<vec4<f32>, ${C}>`)}
${sig} {
  let base = (wid.x + wid.y * nwg.x) * WG * ${steps}u + lid.x;
  for (var r = 0u; r < ${steps}u; r++) { let c = base + r * WG; let a = in0[c]; let b = in1[c]; out[c] = ${sum(C)}; }
}`;
// U chunks per loop trip
const unrolled = (C, steps, U) => `${head(`array<vec4<f32>, ${C}>`)}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var c = base; c < base + ${steps}u; c += ${U}u) {
    ${[...Array(U).keys()].map((u) => `{ let a = in0[c + ${u}u]; let b = in1[c + ${u}u]; out[c + ${u}u] = ${sum(C)}; }`).join('\n    ')}
  }
}`;
// u32 storage, bitcast to f32 for the add (as the shipped entry)
const words = (C, steps) => `${head(`array<vec4<u32>, ${C}>`)}
fn add4(u: vec4<u32>, w: vec4<u32>) -> vec4<u32> { return bitcast<vec4<u32>>(bitcast<vec4<f32>>(u) + bitcast<vec4<f32>>(w)); }
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var c = base; c < base + ${steps}u; c++) { let a = in0[c]; let b = in1[c]; out[c] = array<vec4<u32>, ${C}>(${[...Array(C).keys()].map((c) => `add4(a[${c}], b[${c}])`).join(', ')}); }
}`;
const copyWords = (C, steps) => `${head(`array<vec4<u32>, ${C}>`)}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var c = base; c < base + ${steps}u; c++) { out[c] = in0[c]; }
}`;
// cost split: loads only (2 streams summed into one chunk per invocation) and stores only (1 stream)
const loadsOnly = (C, steps) => `${head(`array<vec4<u32>, ${C}>`)}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  var s = array<vec4<u32>, ${C}>();
  for (var c = base; c < base + ${steps}u; c++) { let a = in0[c]; let b = in1[c]; ${[...Array(C).keys()].map((c) => `s[${c}] ^= a[${c}] ^ b[${c}];`).join(' ')} }
  out[base] = s;
}`;
const storesOnly = (C, steps) => `${head(`array<vec4<u32>, ${C}>`)}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var c = base; c < base + ${steps}u; c++) { out[c] = array<vec4<u32>, ${C}>(${[...Array(C).keys()].map((k) => `vec4<u32>(c + ${k}u)`).join(', ')}); }
}`;
const copy = (C, steps) => `${head(`array<vec4<f32>, ${C}>`)}
${sig} {
  let base = ((wid.x + wid.y * nwg.x) * WG + lid.x) * ${steps}u;
  for (var c = base; c < base + ${steps}u; c++) { out[c] = in0[c]; }
}`;
const raw = (name, wgsl, wg, chunkVec4s, steps, skip = [0]) => ({
  name, wgsl, skip, entry: 'main', constants: { WG: wg },
  buffers: [{ uniform: [N, 0, 0, 0] }, bytes, bytes, bytes], workgroups: grid(Math.ceil(N / (chunkVec4s * 4 * steps) / wg)),
});
const shipped = resolveIncludes(read('elementwise.wgsl'));
const uniform = [N, ...new Array(43).fill(0)];
const only = process.env.AB_ONLY ? new RegExp(process.env.AB_ONLY) : null;
export const variants = [
  { name: 'shipped binary_chunked (4 x64, WG16)', wgsl: shipped, entry: 'binary_chunked', constants: { WG: 16, OP: 0, TAIL: false },
    buffers: [{ uniform }, bytes, bytes, bytes], workgroups: grid(N / (16 * 64 * 16)) },
  raw('simple chunk4 x64 WG16', consecutive(4, 64), 16, 4, 64),
  raw('u32 words chunk4 x64 WG16', words(4, 64), 16, 4, 64),
  raw('u32 copy chunk4 x64 WG16', copyWords(4, 64), 16, 4, 64, [0, 2]),
  raw('counted chunk4 x64 WG16', counted(4, 64), 16, 4, 64),
  raw('interleaved chunk4 x64 WG16', interleaved(4, 64), 16, 4, 64),
  raw('chunk8 x32 WG16', consecutive(8, 32), 16, 8, 32),
  raw('chunk16 x16 WG16', consecutive(16, 16), 16, 16, 16),
  raw('chunk4 x64 unroll2 WG16', unrolled(4, 64, 2), 16, 4, 64),
  raw('chunk4 x64 unroll4 WG16', unrolled(4, 64, 4), 16, 4, 64),
  raw('chunk4 x64 WG4', consecutive(4, 64), 4, 4, 64),
  raw('chunk4 x64 WG64', consecutive(4, 64), 64, 4, 64),
  raw('chunk4 x256 WG16', consecutive(4, 256), 16, 4, 256),
  raw('loads only (2 streams) chunk4 x64 WG16', loadsOnly(4, 64), 16, 4, 64),
  raw('stores only (1 stream) chunk4 x64 WG16', storesOnly(4, 64), 16, 4, 64, [0, 1, 2]),
  raw('copy chunk4 x64 WG16 (2 streams)', copy(4, 64), 16, 4, 64, [0, 2]),
].filter((v) => !only || only.test(v.name));
