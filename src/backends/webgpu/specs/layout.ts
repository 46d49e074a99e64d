/**
 * Spec and kernels of shaders/layout.wgsl: copyStrided, pad, copyInto, gather, oneHot and the
 * f32 scatter-add unsortedSegmentSum. The others move raw words; pad/oneHot constants are
 * encoded here in the output dtype's word format. Each kernel states its iteration space and
 * the footprint of a sub-box in every tensor, so calls on tensors past one storage binding run
 * as several dispatches over aligned ranges (chunking.ts); gather and the segment sum may also
 * split the source axis into blocks. On CPU adapters (preferDirect) an unchunked copyStrided runs
 * copy_strided_rows (runs of vec4s per invocation, decomposition once per row; bench/copyfast_ab.mjs).
 */
import source from '../../../../shaders/layout.wgsl';
import type { DType } from '../../backend.js';
import { forEachChunk, rowMajorStrides, stridedFootprint, type ChunkBindings, type Footprint } from '../chunking.js';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

export const layoutSpec: ShaderSpec = {
  family: 'layout',
  source,
  params: [
    ['size', 'u32'], ['rank', 'u32'], ['offset', 'u32'], ['value', 'u32'],
    ['a', 'u32'], ['b', 'u32'], ['c', 'u32'], ['lo', 'u32'], ['hi', 'u32'],
    ['src_base', 'u32'], ['aux_base', 'u32'], ['dst_base', 'u32'], ['check_dim', 'u32'], ['check_group', 'u32'],
    ['shape0', 'u32x8'], ['shape1', 'u32x8'], ['shape2', 'u32x8'], ['start', 'u32x8'], ['out_strides', 'u32x8'],
  ],
  entries: {
    copy_strided: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    copy_strided_row4: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    copy_strided_rows: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'ROWS_V'] },
    pad: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    copy_into: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    gather: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    gather_checked: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RW], overrides: ['WG'] },
    one_hot: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    one_hot_checked: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW, STORAGE_RW], overrides: ['WG'] },
    unsorted_segment_sum: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
  },
};

const WG = 64;
/**
 * copy_strided_rows: output vec4s per invocation and invocations per workgroup. SwiftShader pays a
 * lot per invocation: 64 x 16 ran 1.1-2x faster than 16 x 64 (and 4 x 256 about as fast, with 4x
 * fewer workgroups to spread over cores), bench/copyfast_ab.mjs.
 */
const ROWS_V = 64;
const ROWS_WG = 16;
const scratch = new DataView(new ArrayBuffer(4));

/** The 4-byte word that stores `v` in a tensor of `dtype` (same conversion as the kernels' stores). */
export function wordOf(v: number, dtype: DType): number {
  if (dtype === 'float32') { scratch.setFloat32(0, v, true); return scratch.getUint32(0, true); }
  if (dtype === 'bool') return v !== 0 && v === v ? 1 : 0;
  scratch.setInt32(0, v, true); // ToInt32: truncation, NaN -> 0
  return scratch.getUint32(0, true);
}

function run(ctx: KernelContext, entry: string, size: number, buffers: Array<GPUBuffer | GPUBufferBinding>, params: Record<string, number | number[]>,
  perInvocation = 1, otherEntries: string[] = [], constants: Record<string, number> = {}): void {
  if (size === 0) return;
  ctx.dispatch({
    spec: layoutSpec, entry, buffers, constants: { WG, ...constants },
    variants: otherEntries.map((e) => ({ entry: e, constants: { WG } })),
    params: { size, ...params },
    workgroups: grid1d(Math.ceil(size / perInvocation / (constants.WG ?? WG)), ctx.limits.maxWorkgroupsPerDimension),
  });
}

function checkRank(op: string, shape: number[]): void {
  if (shape.length > 6) throw new Error(`webgpu ${op}: rank ${shape.length} outShape [${shape}] exceeds 6`);
}

const product = (v: number[]) => v.reduce((p, n) => p * n, 1);

/** The bases of a chunk's three bindings as (src, aux, dst) params. */
function bases(b: ChunkBindings, src: number, aux: number, dst: number): Record<string, number> {
  return { src_base: src < 0 ? 0 : b.bases[src], aux_base: aux < 0 ? 0 : b.bases[aux], dst_base: dst < 0 ? 0 : b.bases[dst] };
}

/** Footprint in pad's input of an output box: the box shifted by -padBefore, clipped to the input. */
function padFootprint(inShape: number[], padBefore: number[]): Footprint {
  const strides = rowMajorStrides(inShape);
  return (start, extent) => {
    let lo = 0, hi = 0;
    for (let d = 0; d < inShape.length; d++) {
      const a = Math.max(0, start[d] - padBefore[d]);
      const b = Math.min(inShape[d] - 1, start[d] + extent[d] - 1 - padBefore[d]);
      if (b < a) return null;
      lo += a * strides[d];
      hi += b * strides[d];
    }
    return [lo, hi];
  };
}

/**
 * gather / unsortedSegmentSum share a space [outer, middle, inner, axis] where the source is
 * [outer, axis, inner], the output [outer, middle, inner] and the index vector runs along
 * `indexDim` (1 for gather's indices, 3 for the segment ids).
 */
function axisSpaceFootprints(outer: number, middle: number, inner: number, axis: number, indexDim: number): Footprint[] {
  const idx = [0, 0, 0, 0];
  idx[indexDim] = 1;
  return [
    stridedFootprint(0, [axis * inner, 0, 1, inner]),
    stridedFootprint(0, idx),
    stridedFootprint(0, [middle * inner, inner, 1, 0]),
  ];
}

export const layoutKernels: WebGPUKernelTable = {
  copyStrided(ctx, [x], [out], a) {
    checkRank('copyStrided', a.outShape);
    const outStrides = rowMajorStrides(a.outShape);
    forEachChunk(ctx, `copyStrided [${x.shape}] -> [${a.outShape}]`, a.outShape, [x, out],
      [stridedFootprint(a.offset, a.inStrides, a.modDims), stridedFootprint(0, outStrides)],
      (start, extent, b) => {
        if (ctx.preferDirect && extent.length > 0 && extent.every((n, d) => n === a.outShape[d]) && b.bases.every((n) => n === 0)) {
          // CPU adapters, one dispatch over the whole output: ROWS_V output vec4s per invocation
          // (shape-independent, so it compiles once)
          run(ctx, 'copy_strided_rows', product(extent), b.buffers, {
            rank: a.outShape.length, offset: a.offset, shape0: extent, shape1: a.inStrides, shape2: a.modDims,
          }, 4 * ROWS_V, [], { WG: ROWS_WG, ROWS_V });
          return;
        }
        const row4 = extent.length > 0 && extent[extent.length - 1] % 4 === 0;
        run(ctx, row4 ? 'copy_strided_row4' : 'copy_strided', product(extent), b.buffers, {
          rank: a.outShape.length, offset: a.offset, shape0: extent, shape1: a.inStrides, shape2: a.modDims,
          start, out_strides: outStrides, ...bases(b, 0, -1, 1),
          // the innermost extent may be the batch (a bias gradient's transpose): compile both
          // entries, so a new batch size compiles nothing
        }, row4 ? 4 : 1, [row4 ? 'copy_strided' : 'copy_strided_row4']);
      });
  },
  pad(ctx, [x], [out], a) {
    checkRank('pad', a.outShape);
    const outStrides = rowMajorStrides(a.outShape);
    forEachChunk(ctx, `pad [${a.inShape}] -> [${a.outShape}]`, a.outShape, [x, out],
      [padFootprint(a.inShape, a.padBefore), stridedFootprint(0, outStrides)],
      (start, extent, b) => run(ctx, 'pad', product(extent), b.buffers, {
        rank: a.outShape.length, value: wordOf(a.value, out.dtype), shape0: extent, shape1: a.inShape, shape2: a.padBefore,
        start, out_strides: outStrides, ...bases(b, 0, -1, 1),
      }));
  },
  copyInto(ctx, [x], [out], a) {
    forEachChunk(ctx, `copyInto [${a.outer}, ${a.inner}] -> [${a.outer}, ${a.outInner}]`, [a.outer, a.inner], [x, out],
      [stridedFootprint(0, [a.inner, 1]), stridedFootprint(a.offset, [a.outInner, 1])],
      (start, extent, b) => run(ctx, 'copy_into', product(extent), b.buffers, {
        a: a.inner, b: a.outInner, offset: a.offset, shape0: extent, start, ...bases(b, 0, -1, 1),
      }));
  },
  gather(ctx, [x, indices], [out], a) {
    // an empty source axis still runs once (every index is out of range: zeros)
    const space = [a.outer, a.numIndices, a.inner, Math.max(1, a.axisDim)];
    const check = a.check;
    // The checked variant records out-of-range indices in a fault word that the batch reads back
    // (same wording as the op layer's host check). An empty output runs nothing, checks nothing.
    const fault = check && !space.some((n) => n === 0)
      ? ctx.faultWord((v) => `GatherV2: the index value ${v} is not in [0, ${check.dim - 1}] (found on the GPU)`)
      : null;
    forEachChunk(ctx, `gather [${a.outer}, ${a.axisDim}, ${a.inner}] by ${a.numIndices} indices`, space, [x, indices, out],
      axisSpaceFootprints(a.outer, a.numIndices, a.inner, a.axisDim, 1),
      (start, extent, b) => run(ctx, fault ? 'gather_checked' : 'gather', extent[0] * extent[1] * extent[2],
        fault ? [...b.buffers, fault] : b.buffers, {
          a: a.axisDim, b: a.inner, c: a.numIndices, lo: start[3], hi: Math.min(a.axisDim, start[3] + extent[3]),
          check_dim: check?.dim ?? 0, check_group: check?.perGroup ?? 1,
          shape0: extent.slice(0, 3), start: start.slice(0, 3), ...bases(b, 0, 1, 2),
        }));
  },
  oneHot(ctx, [indices], [out], a) {
    const check = a.check;
    const fault = check && indices.size > 0 && a.depth > 0
      ? ctx.faultWord((v) => `${check.message} (found on the GPU: the value ${v})`)
      : null;
    forEachChunk(ctx, `oneHot [${indices.size}] depth ${a.depth}`, [indices.size, a.depth], [indices, out],
      [stridedFootprint(0, [1, 0]), stridedFootprint(0, [a.depth, 1])],
      (start, extent, b) => run(ctx, fault ? 'one_hot_checked' : 'one_hot', product(extent), fault ? [...b.buffers, fault] : b.buffers, {
        a: a.depth, value: wordOf(a.onValue, out.dtype), b: wordOf(a.offValue, out.dtype), shape0: extent, start, ...bases(b, 0, -1, 1),
      }));
  },
  unsortedSegmentSum(ctx, [x, ids], [out], a) {
    if (x.dtype !== 'float32' || out.dtype !== 'float32') {
      throw new Error(`webgpu unsortedSegmentSum: expected float32 input and output, got ${x.dtype} -> ${out.dtype}`);
    }
    const space = [a.outer, a.numSegments, a.inner, Math.max(1, a.n)]; // n = 0 still writes the zeros
    const fp = axisSpaceFootprints(a.outer, a.numSegments, a.inner, a.n, 3);
    // x [outer, n, inner] and the ids are read in blocks of n; a block after the first accumulates.
    forEachChunk(ctx, `unsortedSegmentSum [${a.outer}, ${a.n}, ${a.inner}] into ${a.numSegments} segments`, space,
      [x, ids, out], fp,
      (start, extent, b) => run(ctx, 'unsorted_segment_sum', extent[0] * extent[1] * extent[2], b.buffers, {
        a: a.n, b: a.inner, c: a.numSegments, lo: start[3], hi: Math.min(a.n, start[3] + extent[3]),
        shape0: extent.slice(0, 3), start: start.slice(0, 3), ...bases(b, 0, 1, 2),
      }));
  },
};
