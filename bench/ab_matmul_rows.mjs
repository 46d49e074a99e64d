// Variants of the CPU-adapter subgroup matMul (shaders/matmul_subgroup.wgsl) for
// bench/swiftshader_ab.mjs: each lane holds R x C 4x4 blocks (4R rows sharing one B quad load
// per column block, the A rows broadcast across the 4 lanes of the subgroup), float32 [M,K] x [K,N].
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
// MATMUL_OLD=<path of an older matmul_subgroup.wgsl>: time it too (16 x 32 outputs per workgroup)
const old = process.env.MATMUL_OLD ? resolveIncludes(readFileSync(process.env.MATMUL_OLD, 'utf8')) : null;
const ids = (n) => [...Array(n).keys()];
// subgroups of a workgroup stacked along M (4 x 4R rows) or along N (4 x 16C columns)
const rc = (R, C, alongN) => `${subgroup}
@compute @workgroup_size(16, 1, 1)
fn matmul_rc(@builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_id) sg: u32,
             @builtin(subgroup_invocation_id) lane: u32) {
  let m = ${alongN ? `wid.y * ${4 * R}u` : `wid.y * ${16 * R}u + sg * ${4 * R}u`};
  let n = ${alongN ? `wid.x * ${64 * C}u + sg * ${16 * C}u` : `wid.x * ${16 * C}u`} + lane * 4u;
  ${ids(R).flatMap((r) => ids(C).map((c) => `var acc${r}_${c} = array<vec4<f32>, 4>(vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f));`)).join('\n  ')}
  for (var k = 0u; k < params.K; k += 4u) {
    ${ids(C).map((c) => `let b${c} = b_block(params.b_offset, k, n + ${16 * c}u, false);`).join('\n    ')}
    ${ids(R).map((r) => `{ let ta = shared_a_rows(params.a_offset, m + ${4 * r}u, k, lane, false);
      ${ids(C).map((c) => `block_step(&acc${r}_${c}, ta, b${c});`).join(' ')} }`).join('\n    ')}
  }
  ${ids(R).flatMap((r) => ids(C).map((c) => `store_block(acc${r}_${c}, 0u, m + ${4 * r}u, n + ${16 * c}u);`)).join('\n  ')}
}`;

function variant(name, wgsl, entry, M, K, N, rowsPerWG, colsPerWG, sgN = 4) {
  const f = new Float32Array([1]);
  const alpha = new Uint32Array(f.buffer)[0];
  const params = [M, N, K, 0, 0, 1, 1, alpha, K, N, N, 0, 0, 0, M * N, 0, 0, 0, 1, 0, sgN];
  return {
    name: `${M}x${K}x${N} ${name}`, wgsl, entry,
    constants: { VEC_A: true, VEC_B: true, CHECK: false },
    buffers: [{ uniform: params }, M * K * 4, K * N * 4, 16, 16, M * N * 4, 16],
    workgroups: [Math.ceil(N / colsPerWG), Math.ceil(M / rowsPerWG), 1],
  };
}
const shapes = (process.env.AB_SHAPES ?? '256x256x256,1024x256x2048').split(',').map((s) => s.split('x').map(Number));
const which = (process.env.AB_RC ?? '1x2m,2x1m,2x2m,4x1m,2x1n').split(',').filter(Boolean);
export const variants = shapes.flatMap(([M, K, N]) => [
  variant('subgroup 8x8 per lane, 8 x 128 per workgroup (shipped)', subgroup, 'matmul_subgroup', M, K, N, 8, 128),
  ...(old ? [variant('old subgroup 4x8 per lane, 16 x 32', old, 'matmul_subgroup', M, K, N, 16, 32)] : []),
  ...which.map((w) => {
    const [R, C] = w.slice(0, -1).split('x').map(Number);
    const alongN = w.endsWith('n');
    return variant(`rows ${4 * R} x cols ${4 * C} per lane, sg along ${alongN ? 'N' : 'M'}`, rc(R, C, alongN), 'matmul_rc', M, K, N,
      alongN ? 4 * R : 16 * R, alongN ? 64 * C : 16 * C);
  }),
]);
