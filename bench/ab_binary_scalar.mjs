// Raw A/B for bench/swiftshader_ab.mjs (SwiftShader), float32 4M elements: x + scalar through
// binary_strided (the path CPU adapters took before binary_blocked's SCALAR mode) against
// binary_blocked with SCALAR 1, the equal-shape add (binary_chunked) for scale, and binary_blocked
// on equal shapes (SCALAR 2) against the file before the change (ELEMENTWISE_OLD=<path>: its
// binary_blocked), so the scalar mode's extra code costs the existing form nothing.
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
const OP = Number(process.env.AB_OP ?? 0); // 0 add
// Params: size, rank, alpha, beta, first, base0..2, out_vec, (pad to 16 bytes), out_shape, strides0, strides1, strides2
const uniform = [N, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, N, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, ...new Array(16).fill(0)];
const grid = (groups) => (groups <= 65535 ? [groups, 1, 1] : [65535, Math.ceil(groups / 65535), 1]);
const current = resolveIncludes(read('elementwise.wgsl'));
const v = (name, wgsl, entry, constants, b1, perWorkgroup) => ({
  name, wgsl, entry, constants: { OP, ...constants }, buffers: [{ uniform }, bytes, b1, bytes], workgroups: grid(Math.ceil(N / perWorkgroup)),
});
const old = process.env.ELEMENTWISE_OLD ? resolveIncludes(readFileSync(process.env.ELEMENTWISE_OLD, 'utf8')) : null;
export const variants = [
  v('x + scalar: binary_strided (before)', current, 'binary_strided', { WG: 64 }, 16, 64 * 4),
  v('x + scalar: binary_blocked SCALAR 1 (after)', current, 'binary_blocked', { WG: 64, TAIL: false, SCALAR: 1 }, 16, 64 * 16 * 4),
  v('x + y: binary_chunked (equal shapes)', current, 'binary_chunked', { WG: 16, TAIL: false }, bytes, 16 * 64 * 16),
  v('x + y: binary_blocked SCALAR 2 (after)', current, 'binary_blocked', { WG: 64, TAIL: false }, bytes, 64 * 16 * 4),
  ...(old ? [v('x + y: binary_blocked (before)', old, 'binary_blocked', { WG: 64, TAIL: false }, bytes, 64 * 16 * 4)] : []),
];
