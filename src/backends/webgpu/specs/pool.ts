/**
 * Spec and kernels of shaders/pool.wgsl: max/avg pooling (one output element per invocation)
 * and its gradient (one dx element per invocation, gathering from the windows that reach it), and
 * int8MaxPool / int8AvgPool (the pool entry with OP 2 / 3: one packed word of four int8 codes per
 * invocation).
 */
import source from '../../../../shaders/pool.wgsl';
import { packedCols, type ConvGeometry } from '../../kernels.js';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

export const poolSpec: ShaderSpec = {
  family: 'pool',
  source,
  params: [
    ['batch', 'u32'], ['in_h', 'u32'], ['in_w', 'u32'], ['channels', 'u32'], ['out_h', 'u32'], ['out_w', 'u32'],
    ['filter_h', 'u32'], ['filter_w', 'u32'], ['stride_h', 'u32'], ['stride_w', 'u32'],
    ['dilation_h', 'u32'], ['dilation_w', 'u32'], ['pad_top', 'i32'], ['pad_left', 'i32'],
  ],
  entries: {
    pool: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP'] },
    pool_backprop: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW, STORAGE_RO], overrides: ['WG', 'OP'] },
  },
};

const WG = 64;

function poolParams(g: ConvGeometry): Record<string, number> {
  return {
    batch: g.batch, in_h: g.inH, in_w: g.inW, channels: g.inC, out_h: g.outH, out_w: g.outW,
    filter_h: g.filterH, filter_w: g.filterW, stride_h: g.strideH, stride_w: g.strideW,
    dilation_h: g.dilationH, dilation_w: g.dilationW, pad_top: g.padTop, pad_left: g.padLeft,
  };
}

export const poolKernels: WebGPUKernelTable = {
  pool(ctx, [x], [out], g) {
    if (out.size === 0) return;
    const n = g.batch * g.outH * g.outW * g.inC;
    ctx.dispatch({
      spec: poolSpec, entry: 'pool', constants: { WG, OP: g.op }, params: poolParams(g),
      buffers: [ctx.buffer(x), ctx.buffer(out)],
      workgroups: grid1d(Math.ceil(n / WG), ctx.limits.maxWorkgroupsPerDimension),
    });
  },
  // the pool entry with OP 2 over the packed words: the bytewise max
  int8MaxPool: (ctx, ins, outs, g) => poolKernels.pool!(ctx, ins, outs, { ...g, inC: packedCols(g.inC), op: 2 }),
  // OP 3: the code sums over the in-image taps, divided in integers rounding half to even
  int8AvgPool: (ctx, ins, outs, g) => poolKernels.pool!(ctx, ins, outs, { ...g, inC: packedCols(g.inC), op: 3 }),
  poolBackprop(ctx, [dy, x], [dx], g) {
    if (dx.size === 0) return;
    const n = g.batch * g.inH * g.inW * g.inC;
    ctx.dispatch({
      spec: poolSpec, entry: 'pool_backprop', constants: { WG, OP: g.op }, params: poolParams(g),
      buffers: [ctx.buffer(x), ctx.buffer(dx), ctx.buffer(dy)],
      workgroups: grid1d(Math.ceil(n / WG), ctx.limits.maxWorkgroupsPerDimension),
    });
  },
};
