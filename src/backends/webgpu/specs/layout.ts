/**
 * Spec and kernels of shaders/layout.wgsl: copyStrided, pad, copyInto, gather, oneHot and the
 * f32 scatter-add unsortedSegmentSum. The others move raw words; pad/oneHot constants are
 * encoded here in the output dtype's word format.
 */
import source from '../../../../shaders/layout.wgsl';
import type { DType } from '../../backend.js';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

export const layoutSpec: ShaderSpec = {
  family: 'layout',
  source,
  params: [
    ['size', 'u32'], ['rank', 'u32'], ['offset', 'u32'], ['value', 'u32'],
    ['a', 'u32'], ['b', 'u32'], ['c', 'u32'], ['d', 'u32'],
    ['shape0', 'u32x8'], ['shape1', 'u32x8'], ['shape2', 'u32x8'],
  ],
  entries: {
    copy_strided: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    pad: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    copy_into: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    gather: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    one_hot: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    unsorted_segment_sum: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
  },
};

const WG = 64;
const scratch = new DataView(new ArrayBuffer(4));

/** The 4-byte word that stores `v` in a tensor of `dtype` (same conversion as the kernels' stores). */
export function wordOf(v: number, dtype: DType): number {
  if (dtype === 'float32') { scratch.setFloat32(0, v, true); return scratch.getUint32(0, true); }
  if (dtype === 'bool') return v !== 0 && v === v ? 1 : 0;
  scratch.setInt32(0, v, true); // ToInt32: truncation, NaN -> 0
  return scratch.getUint32(0, true);
}

function run(ctx: KernelContext, entry: string, size: number, buffers: GPUBuffer[], params: Record<string, number | number[]>): void {
  if (size === 0) return;
  ctx.dispatch({
    spec: layoutSpec, entry, buffers, constants: { WG },
    params: { size, ...params },
    workgroups: grid1d(Math.ceil(size / WG), ctx.limits.maxWorkgroupsPerDimension),
  });
}

function checkRank(op: string, shape: number[]): void {
  if (shape.length > 6) throw new Error(`webgpu ${op}: rank ${shape.length} outShape [${shape}] exceeds 6`);
}

export const layoutKernels: WebGPUKernelTable = {
  copyStrided(ctx, [x], [out], a) {
    checkRank('copyStrided', a.outShape);
    run(ctx, 'copy_strided', out.size, [ctx.buffer(x), ctx.buffer(out)],
      { rank: a.outShape.length, offset: a.offset, shape0: a.outShape, shape1: a.inStrides, shape2: a.modDims });
  },
  pad(ctx, [x], [out], a) {
    checkRank('pad', a.outShape);
    run(ctx, 'pad', out.size, [ctx.buffer(x), ctx.buffer(out)],
      { rank: a.outShape.length, value: wordOf(a.value, out.dtype), shape0: a.outShape, shape1: a.inShape, shape2: a.padBefore });
  },
  copyInto(ctx, [x], [out], a) {
    run(ctx, 'copy_into', a.outer * a.inner, [ctx.buffer(x), ctx.buffer(out)],
      { a: a.inner, b: a.outInner, offset: a.offset });
  },
  gather(ctx, [x, indices], [out], a) {
    run(ctx, 'gather', a.outer * a.numIndices * a.inner, [ctx.buffer(x), ctx.buffer(indices), ctx.buffer(out)],
      { a: a.axisDim, b: a.inner, c: a.numIndices });
  },
  oneHot(ctx, [indices], [out], a) {
    run(ctx, 'one_hot', indices.size * a.depth, [ctx.buffer(indices), ctx.buffer(out)],
      { a: a.depth, value: wordOf(a.onValue, out.dtype), b: wordOf(a.offValue, out.dtype) });
  },
  unsortedSegmentSum(ctx, [x, ids], [out], a) {
    if (x.dtype !== 'float32' || out.dtype !== 'float32') {
      throw new Error(`webgpu unsortedSegmentSum: expected float32 input and output, got ${x.dtype} -> ${out.dtype}`);
    }
    run(ctx, 'unsorted_segment_sum', a.outer * a.numSegments * a.inner, [ctx.buffer(x), ctx.buffer(ids), ctx.buffer(out)],
      { a: a.n, b: a.inner, c: a.numSegments });
  },
};
