/**
 * Spec and kernels of shaders/elementwise.wgsl: unary (always contiguous, vec4), binary
 * (contiguous vec4 path when neither input broadcasts, else the strided path) and select.
 */
import source from '../../../../shaders/elementwise.wgsl';
import type { TensorInfo } from '../../backend.js';
import {
  grid1d, isInt, outKind, STORAGE_RO, STORAGE_RW, UNIFORM,
  type KernelContext, type ShaderSpec, type WebGPUKernelTable,
} from '../spec.js';

export const elementwiseSpec: ShaderSpec = {
  family: 'elementwise',
  source,
  params: [
    ['size', 'u32'], ['rank', 'u32'], ['alpha', 'f32'], ['beta', 'f32'],
    ['out_shape', 'u32x8'], ['strides0', 'u32x8'], ['strides1', 'u32x8'], ['strides2', 'u32x8'],
  ],
  entries: {
    unary: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'IN0_INT', 'OUT_KIND'] },
    binary_contiguous: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'IN0_INT', 'IN1_INT', 'OUT_KIND'] },
    binary_strided: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'IN0_INT', 'IN1_INT', 'OUT_KIND'] },
    select_strided: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'IN0_INT'] },
  },
};

const WG = 64;

/** Workgroups for `size` elements at 4 per invocation. */
export function elementwiseWorkgroups(size: number, maxPerDim: number): [number, number, number] {
  return grid1d(Math.ceil(Math.ceil(size / 4) / WG), maxPerDim);
}

function contiguousStrides(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) { s[d] = shape[d] === 1 ? 0 : acc; acc *= shape[d]; }
  return s;
}

function isContiguous(shape: number[], strides: number[]): boolean {
  const c = contiguousStrides(shape);
  return shape.every((n, d) => n === 1 || strides[d] === c[d]);
}

function checkRank(op: string, shape: number[]): void {
  if (shape.length > 6) throw new Error(`webgpu ${op}: rank ${shape.length} outShape [${shape}] exceeds 6`);
}

function dispatchOf(ctx: KernelContext, entry: string, out: TensorInfo, buffers: GPUBuffer[],
  constants: Record<string, number | boolean>, params: Record<string, number | number[]>): void {
  if (out.size === 0) return;
  ctx.dispatch({
    spec: elementwiseSpec, entry, buffers,
    constants: { WG, ...constants },
    params: { size: out.size, ...params },
    workgroups: elementwiseWorkgroups(out.size, ctx.limits.maxWorkgroupsPerDimension),
  });
}

export const elementwiseKernels: WebGPUKernelTable = {
  unary(ctx, [x], [out], a) {
    dispatchOf(ctx, 'unary', out, [ctx.buffer(x), ctx.buffer(out)],
      { OP: a.op, IN0_INT: isInt(x), OUT_KIND: outKind(out.dtype) }, { alpha: a.alpha, beta: a.beta });
  },
  binary(ctx, [x, y], [out], a) {
    checkRank('binary', a.outShape);
    const constants = { OP: a.op, IN0_INT: isInt(x), IN1_INT: isInt(y), OUT_KIND: outKind(out.dtype) };
    const buffers = [ctx.buffer(x), ctx.buffer(y), ctx.buffer(out)];
    const contiguous = x.size === out.size && y.size === out.size &&
      isContiguous(a.outShape, a.aStrides) && isContiguous(a.outShape, a.bStrides);
    if (contiguous) {
      dispatchOf(ctx, 'binary_contiguous', out, buffers, constants, {});
    } else {
      dispatchOf(ctx, 'binary_strided', out, buffers, constants,
        { rank: a.outShape.length, out_shape: a.outShape, strides0: a.aStrides, strides1: a.bStrides });
    }
  },
  select(ctx, [cond, x, y], [out], a) {
    checkRank('select', a.outShape);
    dispatchOf(ctx, 'select_strided', out, [ctx.buffer(cond), ctx.buffer(x), ctx.buffer(y), ctx.buffer(out)],
      { IN0_INT: isInt(cond) },
      { rank: a.outShape.length, out_shape: a.outShape, strides0: a.condStrides, strides1: a.aStrides, strides2: a.bStrides });
  },
};
