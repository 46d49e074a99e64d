/**
 * Spec and kernels of shaders/scan.wgsl: topk (rank counting, one invocation per input
 * element) and the cumulative sum / product (one invocation per scanned line).
 */
import source from '../../../../shaders/scan.wgsl';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

export const scanSpec: ShaderSpec = {
  family: 'scan',
  source,
  params: [
    ['size', 'u32'], ['rows', 'u32'], ['cols', 'u32'], ['k', 'u32'],
    ['is_int', 'u32'], ['op', 'u32'], ['exclusive', 'u32'], ['reverse', 'u32'],
  ],
  entries: {
    topk: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW, STORAGE_RW], overrides: ['WG'] },
    cumulative: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
  },
};

const WG = 64;

function run(ctx: KernelContext, entry: string, size: number, buffers: GPUBuffer[], params: Record<string, number>): void {
  if (size === 0) return;
  ctx.dispatch({
    spec: scanSpec, entry, buffers, constants: { WG }, params: { size, ...params },
    workgroups: grid1d(Math.ceil(size / WG), ctx.limits.maxWorkgroupsPerDimension),
  });
}

export const scanKernels: WebGPUKernelTable = {
  topk(ctx, [x], [values, indices], a) {
    if (a.k === 0) return;
    run(ctx, 'topk', a.rows * a.cols, [ctx.buffer(x), ctx.buffer(values), ctx.buffer(indices)],
      { rows: a.rows, cols: a.cols, k: a.k, is_int: x.dtype === 'float32' ? 0 : 1 });
  },
  cumulative(ctx, [x], [out], a) {
    if (a.n === 0) return;
    run(ctx, 'cumulative', a.outer * a.inner, [ctx.buffer(x), ctx.buffer(out)], {
      rows: a.outer, cols: a.n, k: a.inner, is_int: x.dtype === 'float32' ? 0 : 1, op: a.op,
      exclusive: a.exclusive ? 1 : 0, reverse: a.reverse ? 1 : 0,
    });
  },
};
