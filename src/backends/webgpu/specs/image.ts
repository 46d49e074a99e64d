/**
 * Spec and kernels of shaders/image.wgsl: table-driven resize (bilinear / nearest raw-word copy),
 * its gathered adjoint resizeBackprop, and cropAndResize. One output element per invocation.
 */
import source from '../../../../shaders/image.wgsl';
import { resizeTableSize } from '../../kernels.js';
import type { TensorInfo } from '../../backend.js';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

export const imageSpec: ShaderSpec = {
  family: 'image',
  source,
  params: [
    ['batch', 'u32'], ['in_h', 'u32'], ['in_w', 'u32'], ['channels', 'u32'], ['out_h', 'u32'], ['out_w', 'u32'],
    ['nearest', 'u32'], ['num_boxes', 'u32'], ['extrapolation', 'f32'],
  ],
  entries: {
    resize: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    resize_backprop: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    crop_and_resize: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
  },
};

const WG = 64;

function run(ctx: KernelContext, entry: string, size: number, buffers: GPUBuffer[], params: Record<string, number>): void {
  if (size === 0) return;
  ctx.dispatch({
    spec: imageSpec, entry, buffers, constants: { WG }, params,
    workgroups: grid1d(Math.ceil(size / WG), ctx.limits.maxWorkgroupsPerDimension),
  });
}

function requireSize(op: string, t: TensorInfo, want: number, what: string): void {
  if (t.size !== want) throw new Error(`webgpu ${op}: ${what} has ${t.size} elements (shape [${t.shape}]) but the attrs imply ${want}`);
}

export const imageKernels: WebGPUKernelTable = {
  resize(ctx, [x, table], [out], a) {
    if (!a.nearest && (x.dtype !== 'float32' || out.dtype !== 'float32')) {
      throw new Error(`webgpu resize: bilinear expects float32 images and output, got ${x.dtype} -> ${out.dtype}`);
    }
    if (a.nearest && x.dtype !== out.dtype) throw new Error(`webgpu resize: nearest keeps the dtype, got ${x.dtype} -> ${out.dtype}`);
    requireSize('resize', table, resizeTableSize(a.inH, a.inW, a.outH, a.outW), 'table');
    run(ctx, 'resize', a.batch * a.outH * a.outW * a.channels, [ctx.buffer(x), ctx.buffer(table), ctx.buffer(out)], {
      batch: a.batch, in_h: a.inH, in_w: a.inW, channels: a.channels, out_h: a.outH, out_w: a.outW, nearest: a.nearest ? 1 : 0,
    });
  },
  resizeBackprop(ctx, [dy, table], [dx], a) {
    if (dy.dtype !== 'float32' || dx.dtype !== 'float32') {
      throw new Error(`webgpu resizeBackprop: expected float32 dy and dx, got ${dy.dtype} -> ${dx.dtype}`);
    }
    requireSize('resizeBackprop', table, resizeTableSize(a.inH, a.inW, a.outH, a.outW), 'table');
    run(ctx, 'resize_backprop', a.batch * a.inH * a.inW * a.channels, [ctx.buffer(dy), ctx.buffer(table), ctx.buffer(dx)], {
      batch: a.batch, in_h: a.inH, in_w: a.inW, channels: a.channels, out_h: a.outH, out_w: a.outW,
    });
  },
  cropAndResize(ctx, [image, boxes, boxInd], [out], a) {
    if (image.dtype !== 'float32' || boxes.dtype !== 'float32' || boxInd.dtype !== 'int32' || out.dtype !== 'float32') {
      throw new Error(`webgpu cropAndResize: expected float32 image and boxes, int32 boxInd and a float32 output, got ${image.dtype}, ${boxes.dtype}, ${boxInd.dtype} -> ${out.dtype}`);
    }
    run(ctx, 'crop_and_resize', a.numBoxes * a.cropH * a.cropW * a.channels,
      [ctx.buffer(image), ctx.buffer(boxes), ctx.buffer(boxInd), ctx.buffer(out)], {
        batch: a.batch, in_h: a.inH, in_w: a.inW, channels: a.channels, out_h: a.cropH, out_w: a.cropW,
        nearest: a.nearest ? 1 : 0, num_boxes: a.numBoxes, extrapolation: a.extrapolationValue,
      });
  },
};
