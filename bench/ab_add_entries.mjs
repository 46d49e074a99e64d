// The CPU-adapter binary entries of shaders/elementwise.wgsl (binary_chunked: the cheap op codes;
// binary_blocked: the others) and the GPU entry, float32 add of 4M elements (AB_OP: another code),
// for bench/swiftshader_ab.mjs; ELEMENTWISE_OLD / ELEMENTWISE_B: other shader files' binary_blocked.
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
const uniform = [N, ...new Array(43).fill(0)];
const grid = (groups) => (groups <= 65535 ? [groups, 1, 1] : [65535, Math.ceil(groups / 65535), 1]);
const OP = Number(process.env.AB_OP ?? 0); // 0 add (generated_elementwise_ops.wgsl's binary codes)
const v = (name, src, entry, wg, perWorkgroup) => ({
  name, wgsl: resolveIncludes(src), entry, constants: { WG: wg, OP, TAIL: N % perWorkgroup !== 0 },
  buffers: [{ uniform }, bytes, bytes, bytes], workgroups: grid(Math.ceil(N / perWorkgroup)),
});
const current = read('elementwise.wgsl');
const old = process.env.ELEMENTWISE_OLD ? readFileSync(process.env.ELEMENTWISE_OLD, 'utf8') : null;
export const variants = [
  v('binary_chunked (chunks of 4 vec4s, x64, WG16)', current, 'binary_chunked', 16, 16 * 64 * 16),
  v('binary_blocked (vec4 x16, WG64)', current, 'binary_blocked', 64, 64 * 16 * 4),
  ...(old ? [v('old binary_blocked (vec4 x16, WG64)', old, 'binary_blocked', 64, 64 * 16 * 4)] : []),
  ...(process.env.ELEMENTWISE_B ? [v('B binary_blocked', readFileSync(process.env.ELEMENTWISE_B, 'utf8'), 'binary_blocked', 16, 16 * 64 * 16)] : []),
  { ...v('binary_contiguous (GPU entry)', current, 'binary_contiguous', 64, 64 * 4), constants: { WG: 64, OP } },
];
