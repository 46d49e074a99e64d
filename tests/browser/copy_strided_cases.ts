// Generated copyStrided cases for tests/browser/webgpu_kernels.page.ts (group layoutRows): ranks 1-6
// (the kernel limit, MAX_KERNEL_RANK) with every dim independently permuted, sliced at an offset,
// reversed (negative stride), broadcast (stride 0) or tiled (modDims < outShape), innermost extents
// 1, 2, 3, 4, 5, 7, 8, 16, 17 (ragged rows and vec4 runs), plus whole-size edges: outputs that end
// inside a vec4, span several workgroups of copy_strided_rows (64 vec4s per invocation, 16 invocations), rows shorter
// than 4, runs that start misaligned in the source. Each case is checked against the js kernel.
import type { DType } from '../../src/backends/backend.js';

export interface StridedCase {
  name: string; kernel: 'copyStrided'; inputs: Array<{ shape: number[]; dtype: DType }>;
  outputs: Array<{ shape: number[]; dtype: DType }>;
  attrs: { outShape: number[]; inStrides: number[]; modDims: number[]; offset: number };
}

type Mode = 'full' | 'slice' | 'reverse' | 'broadcast' | 'tile';
const MODES: Mode[] = ['full', 'slice', 'reverse', 'broadcast', 'tile'];

function rowMajor(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; }
  return s;
}

/** One case: output dim d reads input dim perm[d] in modes[d]. */
export function stridedCase(name: string, inShape: number[], perm: number[], modes: Mode[], pick: (n: number) => number, dtype: DType = 'float32'): StridedCase {
  const st = rowMajor(inShape);
  const outShape: number[] = [], inStrides: number[] = [], modDims: number[] = [];
  let offset = 0;
  perm.forEach((p, d) => {
    const n = inShape[p];
    const m = modes[d];
    if (m === 'slice') {
      const b = pick(n), k = 1 + pick(n - b);
      outShape.push(k); inStrides.push(st[p]); modDims.push(k); offset += b * st[p];
    } else if (m === 'reverse') {
      outShape.push(n); inStrides.push(-st[p]); modDims.push(n); offset += (n - 1) * st[p];
    } else if (m === 'broadcast') {
      const k = 1 + pick(5);
      outShape.push(k); inStrides.push(0); modDims.push(k); offset += pick(n) * st[p];
    } else if (m === 'tile') {
      const k = n * 2 + pick(3);
      outShape.push(k); inStrides.push(st[p]); modDims.push(n);
    } else {
      outShape.push(n); inStrides.push(st[p]); modDims.push(n);
    }
  });
  return {
    name: `copyStrided ${name}: [${inShape}] perm [${perm}] ${modes.join(',')} -> [${outShape}] strides [${inStrides}] mod [${modDims}] offset ${offset}`,
    kernel: 'copyStrided', inputs: [{ shape: inShape, dtype }], outputs: [{ shape: outShape, dtype }],
    attrs: { outShape, inStrides, modDims, offset },
  };
}

/** `rand` in [0, 1) (the page's replayable PRNG). */
export function copyStridedCases(rand: () => number): StridedCase[] {
  const pick = (n: number) => Math.floor(rand() * n);
  const cases: StridedCase[] = [];
  const inners = [1, 2, 3, 4, 5, 7, 8, 16, 17];
  for (let rank = 1; rank <= 6; rank++) {
    for (let t = 0; t < 12; t++) {
      const inner = inners[(rank * 12 + t) % inners.length];
      // outer extents small enough that the case stays under ~20K elements
      const inShape = Array.from({ length: rank }, (_, d) => (d === rank - 1 ? inner : 1 + pick(rank <= 3 ? 9 : 4)));
      const perm = inShape.map((_, d) => d);
      if (t % 3 !== 0) for (let d = rank - 1; d > 0; d--) { const j = pick(d + 1); [perm[d], perm[j]] = [perm[j], perm[d]]; }
      const modes = perm.map(() => (t < 2 ? 'full' : MODES[pick(MODES.length)]));
      cases.push(stridedCase(`rank ${rank} #${t}`, inShape, perm, modes, pick, t % 4 === 3 ? 'int32' : 'float32'));
    }
  }
  // innermost runs that are contiguous but start misaligned (slices of columns), wrap (tile), reverse
  for (const b of [0, 1, 2, 3, 5]) {
    for (const k of [1, 2, 3, 4, 5, 9, 32, 67]) {
      cases.push({ ...stridedCase(`column slice at ${b}`, [13, 72], [0, 1], ['full', 'full'], pick), name: `copyStrided column slice [13,72] cols [${b}, ${b + k})`,
        outputs: [{ shape: [13, k], dtype: 'float32' }], attrs: { outShape: [13, k], inStrides: [72, 1], modDims: [13, k], offset: b } });
    }
  }
  for (const [n, inner, out] of [[5, 6, 37], [3, 4, 64], [9, 1, 20], [4, 17, 70]]) {
    cases.push({ name: `copyStrided tile rows [${n},${inner}] -> [${n},${out}]`, kernel: 'copyStrided', inputs: [{ shape: [n, inner], dtype: 'int32' }],
      outputs: [{ shape: [n, out], dtype: 'int32' }], attrs: { outShape: [n, out], inStrides: [inner, 1], modDims: [n, inner], offset: 0 } });
  }
  // many workgroups (4096 elements per workgroup) with ragged ends
  for (const [rows, cols] of [[257, 131], [64, 1025], [4099, 3], [1, 70001]]) {
    cases.push(stridedCase(`large transpose`, [rows, cols], [1, 0], ['full', 'full'], pick));
    cases.push(stridedCase(`large reverse`, [rows, cols], [0, 1], ['reverse', 'reverse'], pick, 'int32'));
  }
  cases.push(stridedCase('middle broadcast', [3, 1, 129], [0, 1, 2], ['full', 'broadcast', 'full'], (n) => Math.min(n - 1, 2)));
  cases.push({ name: 'copyStrided broadcast [16,1,64] -> [16,32,64]', kernel: 'copyStrided', inputs: [{ shape: [16, 1, 64], dtype: 'float32' }],
    outputs: [{ shape: [16, 32, 64], dtype: 'float32' }], attrs: { outShape: [16, 32, 64], inStrides: [64, 0, 1], modDims: [16, 32, 64], offset: 0 } });
  cases.push({ name: 'copyStrided head split [16,32,4,16] -> [16,4,32,16]', kernel: 'copyStrided', inputs: [{ shape: [16, 32, 4, 16], dtype: 'float32' }],
    outputs: [{ shape: [16, 4, 32, 16], dtype: 'float32' }], attrs: { outShape: [16, 4, 32, 16], inStrides: [2048, 16, 64, 1], modDims: [16, 4, 32, 16], offset: 0 } });
  cases.push({ name: 'copyStrided rank 0 (one element)', kernel: 'copyStrided', inputs: [{ shape: [5], dtype: 'float32' }],
    outputs: [{ shape: [], dtype: 'float32' }], attrs: { outShape: [], inStrides: [], modDims: [], offset: 3 } });
  return cases;
}
