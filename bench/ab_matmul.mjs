// Variants of the CPU-adapter matMul (shaders/matmul_subgroup.wgsl and matmul_direct) for
// bench/swiftshader_ab.mjs, float32 [M,K] x [K,N], no epilogue; includes resolved here the way
// src/backends/webgpu/preprocess.ts does at run time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../scripts/server.mjs';

const read = (name) => readFileSync(join(repoRoot, 'shaders', name), 'utf8');
const resolveIncludes = (src, seen = new Set()) => src.replace(/^#include "([^"]+)"\s*$/gm, (_, name) => {
  if (seen.has(name)) return '';
  seen.add(name);
  return resolveIncludes(read(name), seen);
});
const subgroup = resolveIncludes(read('matmul_subgroup.wgsl'));
const direct = resolveIncludes(read('matmul.wgsl'));
// matmul_subgroup with the whole-K loop unrolled by 2 (8 K per iteration)
const unrolled = subgroup.replace(
  'for (var k = 0u; k < k_whole; k += 4u) { subgroup_step(&acc, a_base, b_base, m, n, k, lane, false); }',
  `let k_whole8 = params.K & ~7u;
  for (var k = 0u; k < k_whole8; k += 8u) {
    subgroup_step(&acc, a_base, b_base, m, n, k, lane, false);
    subgroup_step(&acc, a_base, b_base, m, n, k + 4u, lane, false);
  }
  if (k_whole8 < k_whole) { subgroup_step(&acc, a_base, b_base, m, n, k_whole8, lane, false); }`);
if (unrolled === subgroup) throw new Error('unroll pattern not found');

// each lane 4 rows x 4J columns: J B blocks (16 columns apart) share the broadcast A rows (grid x over N / 16J)
const wide = (J) => `${subgroup}
@compute @workgroup_size(16, 1, 1)
fn matmul_wide(@builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_id) sg: u32,
               @builtin(subgroup_invocation_id) lane: u32) {
  let m = wid.y * 16u + sg * 4u;
  let n = wid.x * ${16 * J}u + lane * 4u;
  ${[...Array(J).keys()].map((j) => `var acc${j} = array<vec4<f32>, 4>(vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f));`).join('\n  ')}
  for (var k = 0u; k < params.K; k += 4u) {
    let ta = shared_a_rows(params.a_offset, m, k, lane, false);
    ${[...Array(J).keys()].map((j) => `block_step(&acc${j}, ta, b_block(params.b_offset, k, n + ${16 * j}u, false));`).join('\n    ')}
  }
  ${[...Array(J).keys()].map((j) => `store_block(acc${j}, 0u, m, n + ${16 * j}u);`).join('\n  ')}
}`;

function variant(name, wgsl, entry, M, K, N, extra = {}) {
  const f = new Float32Array(1);
  f[0] = 1;
  const alpha = new Uint32Array(f.buffer)[0];
  const params = [M, N, K, 0, 0, 1, 1, alpha, K, N, N, 0, 0, 0, M * N, 0, 0, 0, 1, 0];
  const wg = extra.wg ?? [4, 4];
  const perX = extra.perX ?? 4 * wg[0];
  return {
    name: `${M}x${K}x${N} ${name}`, wgsl, entry,
    constants: { VEC_A: true, VEC_B: true, CHECK: false, ...(extra.constants ?? {}) },
    buffers: [{ uniform: params }, M * K * 4, K * N * 4, 16, 16, M * N * 4, 16],
    skip: extra.skip ?? [],
    workgroups: [Math.ceil(N / perX), Math.ceil(M / (4 * wg[1])), 1],
  };
}
const shapes = [[256, 256, 256], [1024, 256, 2048]];
export const variants = shapes.flatMap(([M, K, N]) => [
  variant('subgroup (shipped)', subgroup, 'matmul_subgroup', M, K, N),
  variant('subgroup 4x8 per lane', wide(2), 'matmul_wide', M, K, N, { perX: 32 }),
  variant('subgroup 4x12 per lane', wide(3), 'matmul_wide', M, K, N, { perX: 48 }),
  variant('subgroup 4x16 per lane', wide(4), 'matmul_wide', M, K, N, { perX: 64 }),
  variant('direct 4x4', direct, 'matmul_direct', M, K, N, { constants: { WG_X: 4, WG_Y: 4 } }),
]);
