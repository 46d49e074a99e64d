/**
 * Spec and kernels of shaders/elementwise.wgsl: unary (always contiguous, vec4), binary
 * (contiguous vec4 path when neither input broadcasts, else the strided path) and select.
 * Unary and binary split tensors larger than one storage binding into aligned ranges, one
 * dispatch per range (binary: same-shape operands, or one operand a scalar).
 */
import source from '../../../../shaders/elementwise.wgsl';
import type { TensorInfo } from '../../backend.js';
import { chunkElements } from '../limits.js';
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

function dispatchOf(ctx: KernelContext, entry: string, out: TensorInfo, buffers: Array<GPUBuffer | GPUBufferBinding>,
  constants: Record<string, number | boolean>, params: Record<string, number | number[]>): void {
  if (out.size === 0) return;
  ctx.dispatch({
    spec: elementwiseSpec, entry, buffers,
    constants: { WG, ...constants },
    params: { size: out.size, ...params },
    workgroups: elementwiseWorkgroups(out.size, ctx.limits.maxWorkgroupsPerDimension),
  });
}

/** Elements per dispatch when `out` exceeds one binding (0: it fits, no split needed). */
function chunkOf(ctx: KernelContext, out: TensorInfo): number {
  if (out.size * 4 <= ctx.limits.maxBindingBytes) return 0;
  return chunkElements(ctx.limits.maxBindingBytes, ctx.limits.bindingAlignment);
}

/** One dispatch per range of `chunk` elements; `full` tensors are bound by range, others whole. */
function dispatchChunks(ctx: KernelContext, entry: string, out: TensorInfo, chunk: number, tensors: TensorInfo[],
  constants: Record<string, number | boolean>, params: (count: number) => Record<string, number | number[]>): void {
  if (chunk === 0) throw new Error(`webgpu ${entry}: maxStorageBufferBindingSize ${ctx.limits.maxBindingBytes} is below one aligned range`);
  for (let start = 0; start < out.size; start += chunk) {
    const count = Math.min(chunk, out.size - start);
    const buffers = tensors.map((t) => (t.size === out.size ? ctx.range(t, start, count) : ctx.buffer(t)));
    const part = { ...out, size: count };
    dispatchOf(ctx, entry, part, buffers, constants, params(count));
  }
}

export const elementwiseKernels: WebGPUKernelTable = {
  unary(ctx, [x], [out], a) {
    const constants = { OP: a.op, IN0_INT: isInt(x), OUT_KIND: outKind(out.dtype) };
    const chunk = chunkOf(ctx, out);
    if (chunk) {
      dispatchChunks(ctx, 'unary', out, chunk, [x, out], constants, () => ({ alpha: a.alpha, beta: a.beta }));
      return;
    }
    dispatchOf(ctx, 'unary', out, [ctx.buffer(x), ctx.buffer(out)], constants, { alpha: a.alpha, beta: a.beta });
  },
  binary(ctx, [x, y], [out], a) {
    checkRank('binary', a.outShape);
    const constants = { OP: a.op, IN0_INT: isInt(x), IN1_INT: isInt(y), OUT_KIND: outKind(out.dtype) };
    const contiguous = x.size === out.size && y.size === out.size &&
      isContiguous(a.outShape, a.aStrides) && isContiguous(a.outShape, a.bStrides);
    const chunk = chunkOf(ctx, out);
    if (chunk) {
      // Same-shape operands split alike; a scalar operand is bound whole (stride 0).
      const fullOrScalar = (t: TensorInfo, strides: number[]) => t.size === 1 || (t.size === out.size && isContiguous(a.outShape, strides));
      if (contiguous) {
        dispatchChunks(ctx, 'binary_contiguous', out, chunk, [x, y, out], constants, () => ({}));
        return;
      }
      if (fullOrScalar(x, a.aStrides) && fullOrScalar(y, a.bStrides)) {
        const s = (t: TensorInfo) => [t.size === 1 ? 0 : 1];
        dispatchChunks(ctx, 'binary_strided', out, chunk, [x, y, out], constants,
          (count) => ({ rank: 1, out_shape: [count], strides0: s(x), strides1: s(y) }));
        return;
      }
    }
    const buffers = [ctx.buffer(x), ctx.buffer(y), ctx.buffer(out)];
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
