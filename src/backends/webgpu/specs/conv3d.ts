/**
 * Spec and kernels of shaders/conv3d.wgsl: conv3d, its input and filter backprops, and 3-D
 * max / average pooling with its backprop; one output element per invocation.
 */
import source from '../../../../shaders/conv3d.wgsl';
import type { Conv3dGeometry } from '../../kernels.js';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

const FIELDS: Array<[string, keyof Conv3dGeometry]> = [
  ['batch', 'batch'], ['in_d', 'inD'], ['in_h', 'inH'], ['in_w', 'inW'], ['in_c', 'inC'],
  ['out_d', 'outD'], ['out_h', 'outH'], ['out_w', 'outW'], ['out_c', 'outC'],
  ['filter_d', 'filterD'], ['filter_h', 'filterH'], ['filter_w', 'filterW'],
  ['stride_d', 'strideD'], ['stride_h', 'strideH'], ['stride_w', 'strideW'],
  ['dilation_d', 'dilationD'], ['dilation_h', 'dilationH'], ['dilation_w', 'dilationW'],
  ['pad_front', 'padFront'], ['pad_top', 'padTop'], ['pad_left', 'padLeft'],
];

export const conv3dSpec: ShaderSpec = {
  family: 'conv3d',
  source,
  params: [
    ['size', 'u32'], ['op', 'u32'],
    ...FIELDS.map(([name]): [string, 'u32' | 'i32'] => [name, name.startsWith('pad_') ? 'i32' : 'u32']),
  ],
  entries: {
    conv3d: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    conv3d_backprop_input: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    conv3d_backprop_filter: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    pool3d: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    pool3d_backprop: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
  },
};

const WG = 64;

function run(ctx: KernelContext, entry: string, size: number, buffers: GPUBuffer[], g: Conv3dGeometry, op = 0): void {
  if (size === 0) return;
  const params: Record<string, number> = { size, op };
  for (const [name, field] of FIELDS) params[name] = g[field];
  ctx.dispatch({
    spec: conv3dSpec, entry, buffers, constants: { WG }, params,
    workgroups: grid1d(Math.ceil(size / WG), ctx.limits.maxWorkgroupsPerDimension),
  });
}

export const conv3dKernels: WebGPUKernelTable = {
  conv3d(ctx, [x, f], [y], g) {
    run(ctx, 'conv3d', y.size, [ctx.buffer(x), ctx.buffer(f), ctx.buffer(y)], g);
  },
  conv3dBackpropInput(ctx, [dy, f], [dx], g) {
    run(ctx, 'conv3d_backprop_input', dx.size, [ctx.buffer(dy), ctx.buffer(f), ctx.buffer(dx)], g);
  },
  conv3dBackpropFilter(ctx, [x, dy], [df], g) {
    run(ctx, 'conv3d_backprop_filter', df.size, [ctx.buffer(x), ctx.buffer(dy), ctx.buffer(df)], g);
  },
  pool3d(ctx, [x], [out], g) {
    run(ctx, 'pool3d', out.size, [ctx.buffer(x), ctx.buffer(out)], g, g.op);
  },
  pool3dBackprop(ctx, [dy, x], [dx], g) {
    run(ctx, 'pool3d_backprop', dx.size, [ctx.buffer(x), ctx.buffer(dy), ctx.buffer(dx)], g, g.op);
  },
};
