/**
 * Spec and kernels of shaders/window_argmax.wgsl: grayscale dilation (TF.js dilation2d) with its
 * input and filter backprops, and maxPoolWithArgmax; one output element per invocation.
 */
import source from '../../../../shaders/window_argmax.wgsl';
import type { ConvGeometry } from '../../kernels.js';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

export const windowArgmaxSpec: ShaderSpec = {
  family: 'dilation',
  source,
  params: [
    ['size', 'u32'], ['batch', 'u32'], ['in_h', 'u32'], ['in_w', 'u32'], ['channels', 'u32'], ['out_h', 'u32'], ['out_w', 'u32'],
    ['filter_h', 'u32'], ['filter_w', 'u32'], ['stride_h', 'u32'], ['stride_w', 'u32'],
    ['dilation_h', 'u32'], ['dilation_w', 'u32'], ['pad_top', 'i32'], ['pad_left', 'i32'], ['include_batch', 'u32'],
  ],
  entries: {
    dilation2d: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    dilation2d_backprop_input: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    dilation2d_backprop_filter: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    max_pool_with_argmax: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW, STORAGE_RW], overrides: ['WG'] },
  },
};

const WG = 64;

function run(ctx: KernelContext, entry: string, size: number, buffers: GPUBuffer[], g: ConvGeometry, includeBatch = false): void {
  if (size === 0) return;
  ctx.dispatch({
    spec: windowArgmaxSpec, entry, buffers, constants: { WG },
    params: {
      size, batch: g.batch, in_h: g.inH, in_w: g.inW, channels: g.inC, out_h: g.outH, out_w: g.outW,
      filter_h: g.filterH, filter_w: g.filterW, stride_h: g.strideH, stride_w: g.strideW,
      dilation_h: g.dilationH, dilation_w: g.dilationW, pad_top: g.padTop, pad_left: g.padLeft,
      include_batch: includeBatch ? 1 : 0,
    },
    workgroups: grid1d(Math.ceil(size / WG), ctx.limits.maxWorkgroupsPerDimension),
  });
}

export const windowArgmaxKernels: WebGPUKernelTable = {
  dilation2d(ctx, [x, f], [out], g) {
    run(ctx, 'dilation2d', out.size, [ctx.buffer(x), ctx.buffer(f), ctx.buffer(out)], g);
  },
  dilation2dBackpropInput(ctx, [x, f, dy], [dx], g) {
    run(ctx, 'dilation2d_backprop_input', dx.size, [ctx.buffer(x), ctx.buffer(f), ctx.buffer(dy), ctx.buffer(dx)], g);
  },
  dilation2dBackpropFilter(ctx, [x, f, dy], [df], g) {
    run(ctx, 'dilation2d_backprop_filter', df.size, [ctx.buffer(x), ctx.buffer(f), ctx.buffer(dy), ctx.buffer(df)], g);
  },
  maxPoolWithArgmax(ctx, [x], [values, indexes], g) {
    run(ctx, 'max_pool_with_argmax', values.size, [ctx.buffer(x), ctx.buffer(values), ctx.buffer(indexes)], g, g.includeBatchInIndex);
  },
};
