/**
 * Spec and kernels of shaders/elementwise.wgsl: unary (always contiguous, vec4), binary
 * (contiguous vec4 path when neither input broadcasts; on CPU adapters binary_blocked also takes a
 * one-element input against a contiguous other one; else the strided path) and select.
 * Past one storage binding, unary and contiguous binary split into aligned ranges bound alike
 * in every tensor (`chunkElements`); broadcasting binary and select split the output into
 * ranges (chunking.ts; split points at multiples of 4 so the vec4 stores stay whole) and bind,
 * per input, the range its broadcast strides reach from that output range.
 */
import source from '../../../../shaders/elementwise.wgsl';
import type { TensorInfo } from '../../backend.js';
import { BINARY_BY_CODE } from '../../../ops/elementwise_table/index.js';
import { BINARY_EXPRS } from '../../../ops/elementwise_table/exprs.js';
import { forEachChunk, stridedFootprint, type Footprint } from '../chunking.js';
import { chunkElements, kernelLabel } from '../limits.js';
import {
  grid1d, isInt, outKind, STORAGE_RO, STORAGE_RW, UNIFORM,
  type KernelContext, type ShaderSpec, type WebGPUKernelTable,
} from '../spec.js';

export const elementwiseSpec: ShaderSpec = {
  family: 'elementwise',
  source,
  params: [
    ['size', 'u32'], ['rank', 'u32'], ['alpha', 'f32'], ['beta', 'f32'],
    ['first', 'u32'], ['base0', 'u32'], ['base1', 'u32'], ['base2', 'u32'], ['out_vec', 'u32'],
    ['out_shape', 'u32x8'], ['strides0', 'u32x8'], ['strides1', 'u32x8'], ['strides2', 'u32x8'],
  ],
  entries: {
    unary: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'IN0_INT', 'OUT_KIND'] },
    binary_contiguous: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'IN0_INT', 'IN1_INT', 'OUT_KIND'] },
    unary_blocked: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'IN0_INT', 'OUT_KIND', 'TAIL'] },
    binary_blocked: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'IN0_INT', 'IN1_INT', 'OUT_KIND', 'TAIL', 'SCALAR'] },
    binary_chunked: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'IN0_INT', 'IN1_INT', 'OUT_KIND', 'TAIL'] },
    binary_strided: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'IN0_INT', 'IN1_INT', 'OUT_KIND'] },
    select_strided: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'IN0_INT'] },
  },
};

const WG = 64;
/**
 * Workgroup size and elements per workgroup of the blocked entries (16 vec4s per invocation,
 * BLOCK_STEPS in shaders/elementwise.wgsl) and of binary_chunked (64 chunks of 16 elements per
 * invocation, CHUNK_STEPS; 16 invocations per workgroup measured best, bench/ab_add_chunks.mjs).
 */
const STEPPED: Record<string, { wg: number; elements: number }> = {
  unary_blocked: { wg: WG, elements: WG * 16 * 4 },
  binary_blocked: { wg: WG, elements: WG * 16 * 4 },
  binary_chunked: { wg: 16, elements: 16 * 64 * 16 },
};
/** Op codes binary_chunked runs: the table's wgslVec4 rows (cheap, one vec4 op per vec4). */
const chunkedOp = (op: number): boolean => !!BINARY_EXPRS[BINARY_BY_CODE[op]?.name]?.wgslVec4;

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

type Constants = Record<string, number | boolean>;
/** An entry another shape of the op picks: a name (same constants) or an entry with its own constants. */
type Variant = string | { entry: string; constants: Constants };

/** `variants`: entries that other shapes of the op pick (compiled alongside). */
function dispatchOf(ctx: KernelContext, entry: string, out: TensorInfo, buffers: Array<GPUBuffer | GPUBufferBinding>,
  constants: Constants, params: Record<string, number | number[]>, variants: Variant[] = []): void {
  if (out.size === 0) return;
  // Blocked and chunked entries skip their bounds check when the grid covers `size` exactly (the
  // other TAIL variant compiles alongside, so another size compiles nothing).
  const stepped = STEPPED[entry];
  const tail: Record<string, number | boolean> = stepped ? { WG: stepped.wg, TAIL: out.size % stepped.elements !== 0 } : {};
  const constantsOf = (e: string, c = constants) => ({ WG: STEPPED[e]?.wg ?? WG, ...c });
  ctx.dispatch({
    spec: elementwiseSpec, entry, buffers,
    constants: { WG, ...constants, ...tail },
    variants: [...variants.map((v) => (typeof v === 'string' ? { entry: v, constants: constantsOf(v) } : { entry: v.entry, constants: constantsOf(v.entry, v.constants) })),
      ...(stepped ? [{ entry, constants: { ...constantsOf(entry), TAIL: !tail.TAIL } }] : [])],
    params: { size: out.size, ...params },
    // The others take one vec4 per invocation.
    workgroups: stepped ? grid1d(Math.ceil(out.size / stepped.elements), ctx.limits.maxWorkgroupsPerDimension)
      : elementwiseWorkgroups(out.size, ctx.limits.maxWorkgroupsPerDimension),
  });
}

/**
 * The contiguous binary entry: on CPU adapters binary_chunked for the wgslVec4 op codes when every
 * buffer is bound whole and holds whole 64-byte chunks (`buffers` omitted: assume so, for a
 * variant compiled alongside), else binary_blocked; binary_contiguous on GPUs.
 */
function contiguousBinaryEntry(ctx: KernelContext, op: number, buffers?: GPUBuffer[]): string {
  if (!ctx.preferDirect) return 'binary_contiguous';
  const wholeChunks = !buffers || buffers.every((b) => b.size % 64 === 0);
  return chunkedOp(op) && wholeChunks ? 'binary_chunked' : 'binary_blocked';
}

/** Elements per dispatch when `out` exceeds one binding (0: it fits, no split needed). */
function chunkOf(ctx: KernelContext, out: TensorInfo): number {
  if (out.size * 4 <= ctx.limits.maxBindingBytes) return 0;
  return chunkElements(ctx.limits.maxBindingBytes, ctx.limits.bindingAlignment);
}

/**
 * Footprint in an input with `strides` over `shape` of the flat output range [start, start +
 * extent) (a 1-D space): coordinates shared by the range's ends are fixed, the first dim where
 * they differ spans their two values, and later dims span their whole extent.
 */
function flatRangeFootprint(shape: number[], strides: number[]): Footprint {
  const coords = (i: number) => {
    const c = new Array<number>(shape.length);
    for (let d = shape.length - 1; d >= 0; d--) { c[d] = i % shape[d]; i = Math.floor(i / shape[d]); }
    return c;
  };
  return ([start], [extent]) => {
    const a = coords(start), b = coords(start + extent - 1);
    let lo = 0, hi = 0, free = false;
    for (let d = 0; d < shape.length; d++) {
      let cLo = a[d], cHi = b[d];
      if (free) { cLo = 0; cHi = shape[d] - 1; } else if (a[d] !== b[d]) free = true;
      lo += Math.min(cLo * strides[d], cHi * strides[d]);
      hi += Math.max(cLo * strides[d], cHi * strides[d]);
    }
    return [lo, hi];
  };
}

/** The strided entries split over output ranges (when past one binding), else one dispatch. */
function stridedChunks(ctx: KernelContext, entry: string, what: string, out: TensorInfo, ins: TensorInfo[], strides: number[][],
  outShape: number[], constants: Constants, params: Record<string, number | number[]>, variants: Variant[] = []): void {
  // The output range is exact; split points are multiples of 4 so every vec4 store is whole.
  const fps = [...strides.map((s) => flatRangeFootprint(outShape, s)), stridedFootprint(0, [1])];
  forEachChunk(ctx, what, [out.size], [...ins, out], fps, ([first], [count], b) => {
    const base = (i: number) => (i < ins.length ? b.bases[i] : 0);
    dispatchOf(ctx, entry, { ...out, size: count }, b.buffers, constants, {
      rank: outShape.length, out_shape: outShape, first, base0: base(0), base1: base(1), base2: base(2),
      out_vec: (first - b.bases[ins.length]) / 4, ...params,
    }, variants);
  }, [4]);
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
    const entry = ctx.preferDirect ? 'unary_blocked' : 'unary';
    const chunk = chunkOf(ctx, out);
    if (chunk) {
      dispatchChunks(ctx, entry, out, chunk, [x, out], constants, () => ({ alpha: a.alpha, beta: a.beta }));
      return;
    }
    dispatchOf(ctx, entry, out, [ctx.buffer(x), ctx.buffer(out)], constants, { alpha: a.alpha, beta: a.beta });
  },
  binary(ctx, [x, y], [out], a) {
    checkRank('binary', a.outShape);
    const constants = { OP: a.op, IN0_INT: isInt(x), IN1_INT: isInt(y), OUT_KIND: outKind(out.dtype) };
    const contiguous = x.size === out.size && y.size === out.size &&
      isContiguous(a.outShape, a.aStrides) && isContiguous(a.outShape, a.bStrides);
    // A broadcasting op is contiguous only while the broadcast dims are 1 (a batch of 1): compile
    // the other entry with it, so that another batch size compiles nothing.
    const same = (s: number[]) => s.length === a.outShape.length && s.every((d, i) => d === a.outShape[i]);
    const broadcasts = !same(x.shape) || !same(y.shape);
    // CPU adapters: a one-element input (side 0: a, 1: b) against a contiguous other one of the output's size
    const one = (t: TensorInfo, u: TensorInfo, strides: number[]) => t.size === 1 && u.size === out.size && isContiguous(a.outShape, strides);
    const side = !ctx.preferDirect ? -1 : one(y, x, a.aStrides) ? 1 : one(x, y, a.bStrides) ? 0 : -1;
    // (TAIL: a variant compiled for another size, where the grid rarely covers it exactly)
    const scalar = { entry: 'binary_blocked', constants: { ...constants, SCALAR: side, TAIL: true } };
    if (contiguous) {
      const chunk = chunkOf(ctx, out);
      // Split across bindings: the blocked entry (its ranges need not hold whole chunks).
      if (chunk) dispatchChunks(ctx, ctx.preferDirect ? 'binary_blocked' : 'binary_contiguous', out, chunk, [x, y, out], constants, () => ({}));
      else {
        const buffers = [ctx.buffer(x), ctx.buffer(y), ctx.buffer(out)];
        // what another batch size runs: the scalar form where one input has one element
        dispatchOf(ctx, contiguousBinaryEntry(ctx, a.op, buffers), out, buffers, constants, {}, broadcasts ? [side < 0 ? 'binary_strided' : scalar] : []);
      }
      return;
    }
    if (side >= 0) {
      const chunk = chunkOf(ctx, out);
      if (chunk) dispatchChunks(ctx, 'binary_blocked', out, chunk, [x, y, out], scalar.constants, () => ({}));
      else dispatchOf(ctx, 'binary_blocked', out, [ctx.buffer(x), ctx.buffer(y), ctx.buffer(out)], scalar.constants, {}, [{ entry: contiguousBinaryEntry(ctx, a.op), constants: { ...constants, TAIL: true } }]);
      return;
    }
    stridedChunks(ctx, 'binary_strided', `${kernelLabel('binary', a)} [${x.shape}] and [${y.shape}] -> [${a.outShape}]`, out, [x, y],
      [a.aStrides, a.bStrides], a.outShape, constants, { strides0: a.aStrides, strides1: a.bStrides }, broadcasts ? [contiguousBinaryEntry(ctx, a.op)] : []);
  },
  select(ctx, [cond, x, y], [out], a) {
    checkRank('select', a.outShape);
    stridedChunks(ctx, 'select_strided', `select [${cond.shape}], [${x.shape}], [${y.shape}] -> [${a.outShape}]`, out, [cond, x, y],
      [a.condStrides, a.aStrides, a.bStrides], a.outShape, { IN0_INT: isInt(cond) },
      { strides0: a.condStrides, strides1: a.aStrides, strides2: a.bStrides });
  },
};
