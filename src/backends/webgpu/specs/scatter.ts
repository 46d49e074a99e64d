/**
 * Spec and kernels of shaders/scatter.wgsl: gatherND and scatterND (add into zeros, or
 * replace over a base tensor for tensorScatterUpdate), one output element per invocation.
 */
import source from '../../../../shaders/scatter.wgsl';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

export const scatterSpec: ShaderSpec = {
  family: 'scatter',
  source,
  params: [
    ['size', 'u32'], ['count', 'u32'], ['slice_size', 'u32'], ['depth', 'u32'],
    ['mode', 'u32'], ['is_int', 'u32'], ['pad0', 'u32'], ['pad1', 'u32'],
    ['strides', 'u32x8'], ['dims', 'u32x8'],
  ],
  entries: {
    gather_nd: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    scatter_nd: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RO], overrides: ['WG'] },
  },
};

const WG = 64;

function run(ctx: KernelContext, entry: string, size: number, buffers: GPUBuffer[], params: Record<string, number | number[]>): void {
  if (size === 0) return;
  ctx.dispatch({
    spec: scatterSpec, entry, buffers, constants: { WG }, params: { size, ...params },
    workgroups: grid1d(Math.ceil(size / WG), ctx.limits.maxWorkgroupsPerDimension),
  });
}

function checkDepth(op: string, depth: number): void {
  if (depth > 8) throw new Error(`webgpu ${op}: index depth ${depth} exceeds 8`);
}

export const scatterKernels: WebGPUKernelTable = {
  gatherND(ctx, [x, indices], [out], a) {
    checkDepth('gatherND', a.indexDepth);
    run(ctx, 'gather_nd', a.numSlices * a.sliceSize, [ctx.buffer(x), ctx.buffer(indices), ctx.buffer(out)],
      { count: a.numSlices, slice_size: a.sliceSize, depth: a.indexDepth, strides: a.strides, dims: a.dims });
  },
  scatterND(ctx, [indices, updates, base], [out], a) {
    checkDepth('scatterND', a.indexDepth);
    const baseBuffer = a.mode === 1 ? ctx.buffer(base) : ctx.dummy;
    run(ctx, 'scatter_nd', a.outSize, [ctx.buffer(updates), ctx.buffer(indices), ctx.buffer(out), baseBuffer], {
      count: a.numUpdates, slice_size: a.sliceSize, depth: a.indexDepth, mode: a.mode,
      is_int: out.dtype === 'float32' ? 0 : 1, strides: a.strides, dims: a.dims,
    });
  },
};
