/**
 * The wasm kernel table's conv family: conv2d and depthwiseConv2d with their backprops and fused
 * epilogues (split over the worker pool where it pays), 2-D pooling (int8 pools over packed words
 * included), dilation2d, maxPoolWithArgmax and the 3-D conv / pool kernels. Geometry goes through the
 * params block (kernel_args.ts writeGeometry; assembly/conv.ts, conv3d.ts, pool.ts read it).
 */
import type { TensorInfo } from '../backend.js';
import { CONV3D_FIELDS, type Conv3dGeometry, type ConvGeometry, type KernelName } from '../kernels.js';
import { parallelConv2d, parallelConv2dBackpropFilter, parallelConv2dBackpropInput } from './pool_loader.js';
import {
  epiloguePtrs, fSize, requireFloat, requireSizes, withResidual, withScratch, writeGeometry, writeParams, xSize, ySize,
  type WasmContext, type WasmKernel,
} from './kernel_args.js';

/** int8MaxPool (op 2) / int8AvgPool (op 3): the pool kernel over the packed words. */
function int8Pool(ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], a: ConvGeometry, op: number): void {
  const g = { ...a, inC: Math.ceil(a.inC / 4) };
  requireSizes(op === 2 ? 'int8MaxPool' : 'int8AvgPool', [[ins[0], xSize(g), 'x'], [outs[0], g.batch * g.outH * g.outW * g.inC, 'output']]);
  if (outs[0].size > 0) ctx.ex.pool(ctx.ptr(ins[0]), ctx.ptr(outs[0]), writeGeometry(ctx, g), op);
}

const x3Size = (g: Conv3dGeometry) => g.batch * g.inD * g.inH * g.inW * g.inC;
const y3Size = (g: Conv3dGeometry) => g.batch * g.outD * g.outH * g.outW * g.outC;
const f3Size = (g: Conv3dGeometry) => g.filterD * g.filterH * g.filterW * g.inC * g.outC;
function writeGeometry3d(ctx: WasmContext, g: Conv3dGeometry): number {
  writeParams(ctx, [CONV3D_FIELDS.map((f) => g[f])]);
  return ctx.params;
}

export const conv3dKernels: { [K in KernelName]?: WasmKernel<K> } = {
  dilation2d: (ctx, ins, outs, a) => {
    requireFloat('dilation2d', ins, outs, 2);
    requireSizes('dilation2d', [[ins[0], xSize(a), 'x'], [ins[1], a.filterH * a.filterW * a.inC, 'filter'], [outs[0], ySize(a), 'output']]);
    if (outs[0].size > 0) ctx.ex.dilation2d(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a));
  },
  dilation2dBackpropInput: (ctx, ins, outs, a) => {
    requireFloat('dilation2dBackpropInput', ins, outs, 3);
    requireSizes('dilation2dBackpropInput', [[ins[0], xSize(a), 'x'], [ins[2], ySize(a), 'dy'], [outs[0], xSize(a), 'dx']]);
    if (outs[0].size > 0) ctx.ex.dilation2dBackpropInput(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), ctx.ptr(outs[0]), writeGeometry(ctx, a));
  },
  dilation2dBackpropFilter: (ctx, ins, outs, a) => {
    requireFloat('dilation2dBackpropFilter', ins, outs, 3);
    requireSizes('dilation2dBackpropFilter', [[ins[0], xSize(a), 'x'], [ins[2], ySize(a), 'dy'], [outs[0], a.filterH * a.filterW * a.inC, 'dFilter']]);
    if (outs[0].size > 0) ctx.ex.dilation2dBackpropFilter(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), ctx.ptr(outs[0]), writeGeometry(ctx, a));
  },
  maxPoolWithArgmax: (ctx, ins, outs, a) => {
    requireFloat('maxPoolWithArgmax', ins, outs.slice(0, 1), 1);
    if (outs.length < 2 || outs[1].dtype !== 'int32') throw new Error(`wasm maxPoolWithArgmax: expected an int32 indexes output, got ${outs[1]?.dtype}`);
    requireSizes('maxPoolWithArgmax', [[ins[0], xSize(a), 'x'], [outs[0], ySize(a), 'values'], [outs[1], ySize(a), 'indexes']]);
    if (outs[0].size > 0) ctx.ex.maxPoolWithArgmax(ctx.ptr(ins[0]), ctx.ptr(outs[0]), ctx.ptr(outs[1]), writeGeometry(ctx, a), a.includeBatchInIndex ? 1 : 0);
  },
  conv3d: (ctx, ins, outs, a) => {
    requireFloat('conv3d', ins, outs, 2);
    requireSizes('conv3d', [[ins[0], x3Size(a), 'x'], [ins[1], f3Size(a), 'filter'], [outs[0], y3Size(a), 'output']]);
    if (outs[0].size > 0) ctx.ex.conv3d(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry3d(ctx, a));
  },
  conv3dBackpropInput: (ctx, ins, outs, a) => {
    requireFloat('conv3dBackpropInput', ins, outs, 2);
    requireSizes('conv3dBackpropInput', [[ins[0], y3Size(a), 'dy'], [ins[1], f3Size(a), 'filter'], [outs[0], x3Size(a), 'dx']]);
    if (outs[0].size > 0) ctx.ex.conv3dBackpropInput(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry3d(ctx, a));
  },
  conv3dBackpropFilter: (ctx, ins, outs, a) => {
    requireFloat('conv3dBackpropFilter', ins, outs, 2);
    requireSizes('conv3dBackpropFilter', [[ins[0], x3Size(a), 'x'], [ins[1], y3Size(a), 'dy'], [outs[0], f3Size(a), 'dFilter']]);
    if (outs[0].size > 0) ctx.ex.conv3dBackpropFilter(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry3d(ctx, a));
  },
  pool3d: (ctx, ins, outs, a) => {
    requireFloat('pool3d', ins, outs, 1);
    requireSizes('pool3d', [[ins[0], x3Size(a), 'x'], [outs[0], y3Size(a), 'output']]);
    if (outs[0].size > 0) ctx.ex.pool3d(ctx.ptr(ins[0]), ctx.ptr(outs[0]), writeGeometry3d(ctx, a), a.op);
  },
  pool3dBackprop: (ctx, ins, outs, a) => {
    requireFloat('pool3dBackprop', ins, outs, 2);
    requireSizes('pool3dBackprop', [[ins[0], y3Size(a), 'dy'], [ins[1], x3Size(a), 'x'], [outs[0], x3Size(a), 'dx']]);
    if (outs[0].size > 0) ctx.ex.pool3dBackprop(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry3d(ctx, a), a.op);
  },
};

export const convKernels: { [K in KernelName]?: WasmKernel<K> } = {
  conv2d: (ctx, ins, outs, a) => {
    if (a.residual) return withResidual(ctx, ins, outs, a, a.outC, 'conv2d', (b) => convKernels.conv2d!(ctx, ins, outs, b));
    requireFloat('conv2d', ins, outs, 2);
    requireSizes('conv2d', [[ins[0], xSize(a), 'x'], [ins[1], fSize(a), 'filter'], [outs[0], ySize(a), 'output']]);
    if (outs[0].size === 0) return;
    const [bias, prelu] = epiloguePtrs(ctx, ins, a, 'conv2d');
    if (parallelConv2d(ctx, ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a), a, bias, prelu)) return;
    withScratch(ctx, ctx.ex.conv2dScratchBytes(a.filterH, a.filterW, a.inC, a.outC), (scratch) => {
      ctx.ex.conv2d(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a), bias, a.biasSize, a.activation, a.alpha ?? 0, prelu, a.preluSize ?? 1, scratch);
    });
  },
  conv2dBackpropInput: (ctx, ins, outs, a) => {
    requireFloat('conv2dBackpropInput', ins, outs, 2);
    requireSizes('conv2dBackpropInput', [[ins[0], ySize(a), 'dy'], [ins[1], fSize(a), 'filter'], [outs[0], xSize(a), 'dx']]);
    if (outs[0].size === 0) return;
    if (parallelConv2dBackpropInput(ctx, ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a), a)) return;
    withScratch(ctx, ctx.ex.conv2dBackpropInputScratchBytes(a.filterH, a.filterW, a.inC, a.outC), (scratch) => {
      ctx.ex.conv2dBackpropInput(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a), scratch);
    });
  },
  conv2dBackpropFilter: (ctx, ins, outs, a) => {
    requireFloat('conv2dBackpropFilter', ins, outs, 2);
    requireSizes('conv2dBackpropFilter', [[ins[0], xSize(a), 'x'], [ins[1], ySize(a), 'dy'], [outs[0], fSize(a), 'dFilter']]);
    if (outs[0].size === 0) return;
    if (parallelConv2dBackpropFilter(ctx, ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a), a)) return;
    ctx.ex.conv2dBackpropFilter(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a));
  },
  depthwiseConv2d: (ctx, ins, outs, a) => {
    if (a.residual) return withResidual(ctx, ins, outs, a, a.outC, 'depthwiseConv2d', (b) => convKernels.depthwiseConv2d!(ctx, ins, outs, b));
    requireFloat('depthwiseConv2d', ins, outs, 2);
    requireSizes('depthwiseConv2d', [[ins[0], xSize(a), 'x'], [ins[1], fSize({ ...a, outC: a.channelMultiplier }), 'filter'], [outs[0], ySize(a), 'output']]);
    if (outs[0].size === 0) return;
    const [bias, prelu] = epiloguePtrs(ctx, ins, a, 'depthwiseConv2d');
    withScratch(ctx, ctx.ex.depthwiseScratchBytes(a.inH, a.inW, a.inC, a.channelMultiplier), (scratch) => {
      ctx.ex.depthwiseConv2d(
        ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a), a.channelMultiplier,
        bias, a.biasSize, a.activation, a.alpha ?? 0, prelu, a.preluSize ?? 1, scratch,
      );
    });
  },
  depthwiseConv2dBackpropInput: (ctx, ins, outs, a) => {
    requireFloat('depthwiseConv2dBackpropInput', ins, outs, 2);
    requireSizes('depthwiseConv2dBackpropInput', [[ins[0], ySize(a), 'dy'], [ins[1], fSize({ ...a, outC: a.channelMultiplier }), 'filter'], [outs[0], xSize(a), 'dx']]);
    if (outs[0].size === 0) return;
    withScratch(ctx, ctx.ex.depthwiseScratchBytes(1, 1, a.inC, a.channelMultiplier), (scratch) => {
      ctx.ex.depthwiseConv2dBackpropInput(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a), a.channelMultiplier, scratch);
    });
  },
  depthwiseConv2dBackpropFilter: (ctx, ins, outs, a) => {
    requireFloat('depthwiseConv2dBackpropFilter', ins, outs, 2);
    requireSizes('depthwiseConv2dBackpropFilter', [[ins[0], xSize(a), 'x'], [ins[1], ySize(a), 'dy'], [outs[0], fSize({ ...a, outC: a.channelMultiplier }), 'dFilter']]);
    if (outs[0].size === 0) return;
    withScratch(ctx, ctx.ex.depthwiseScratchBytes(a.inH, a.inW, a.inC, a.channelMultiplier), (scratch) => {
      ctx.ex.depthwiseConv2dBackpropFilter(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a), a.channelMultiplier, scratch);
    });
  },
  pool: (ctx, ins, outs, a) => {
    requireFloat('pool', ins, outs, 1);
    requireSizes('pool', [[ins[0], xSize(a), 'x'], [outs[0], a.batch * a.outH * a.outW * a.inC, 'output']]);
    if (outs[0].size === 0) return;
    ctx.ex.pool(ctx.ptr(ins[0]), ctx.ptr(outs[0]), writeGeometry(ctx, a), a.op);
  },
  // the pool kernel with op 2 (i8x16.max_s) / op 3 (i32 sums, f32 mean rounded half to even) over the packed words
  int8MaxPool: (ctx, ins, outs, a) => int8Pool(ctx, ins, outs, a, 2),
  int8AvgPool: (ctx, ins, outs, a) => int8Pool(ctx, ins, outs, a, 3),
  poolBackprop: (ctx, ins, outs, a) => {
    requireFloat('poolBackprop', ins, outs, 2);
    requireSizes('poolBackprop', [[ins[0], a.batch * a.outH * a.outW * a.inC, 'dy'], [ins[1], xSize(a), 'x'], [outs[0], xSize(a), 'dx']]);
    if (outs[0].size === 0) return;
    ctx.ex.poolBackprop(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), writeGeometry(ctx, a), a.op);
  },
};
