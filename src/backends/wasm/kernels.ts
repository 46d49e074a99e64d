/**
 * The wasm kernel table: one entry per kernel name, turning the op layer's flat attributes into
 * pointer-and-number calls of the AssemblyScript exports. Shapes/strides go through a small
 * params block (rank padded to 6). To add a kernel: export it from assembly/, declare it in
 * module.ts, add an entry here. Kernels missing from the table make `run` throw.
 */
import type { DType, TensorInfo } from '../backend.js';
import type { KernelAttrs, KernelName } from '../kernels.js';
import type { Arena } from './arena.js';
import type { KernelExports } from './module.js';

export const RANK = 6;
/** Bytes of the params block: up to 4 arrays of RANK i32. */
export const PARAMS_BYTES = 4 * RANK * 4;

/** What a kernel entry gets: exports, arena, the params block and pointer lookup. */
export interface WasmContext {
  ex: KernelExports;
  arena: Arena;
  params: number;
  ptr(t: TensorInfo): number;
}

export type WasmKernel<K extends KernelName> = (ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], attrs: KernelAttrs[K]) => void;

/** Element kind codes of the assembly side: 0 float32, 1 int32, 2 bool. */
export function kindOf(dtype: DType): number {
  return dtype === 'float32' ? 0 : dtype === 'int32' ? 1 : 2;
}

/** Left-pad `arr` to RANK with `fill`. */
function pad6(arr: readonly number[], fill: number, op: string): number[] {
  if (arr.length > RANK) throw new Error(`wasm ${op}: rank ${arr.length} exceeds ${RANK} (shape [${arr}])`);
  return [...new Array(RANK - arr.length).fill(fill), ...arr];
}

/**
 * Merge adjacent dims that every operand walks contiguously (stride[d] = stride[d+1] *
 * shape[d+1]), and drop size-1 dims, so the kernels get long inner rows (SIMD) and few outer
 * iterations. Returns [shape, ...strides] with equal ranks (possibly 0).
 */
export function collapseDims(shape: readonly number[], strides: readonly (readonly number[])[]): [number[], ...number[][]] {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((st, i) => outStrides[i][last] === st[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((st, i) => (outStrides[i][last] = st[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((st, i) => outStrides[i].push(st[d]));
    }
  }
  return [outShape, ...outStrides];
}

function writeParams(ctx: WasmContext, arrays: number[][]): void {
  const i32 = ctx.arena.i32;
  let at = ctx.params >> 2;
  for (const a of arrays) for (const v of a) i32[at++] = v;
}

/** The 32-bit pattern of `value` stored into a tensor of `dtype` (as the js typed arrays store it). */
function bitsFor(value: number, dtype: DType): number {
  if (dtype === 'float32') {
    BITS_F32[0] = value;
    return BITS_I32[0];
  }
  return value | 0;
}
const BITS_F32 = new Float32Array(1);
const BITS_I32 = new Int32Array(BITS_F32.buffer);

function matMul(ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], a: KernelAttrs['matMul']): void {
  const { ex, arena } = ctx;
  const out = outs[0];
  if (out.size === 0) return;
  // Non-float operands are converted to float32 temporaries (and the result back), so the
  // kernel itself only ever sees f32.
  const temps: { ptr: number; bytes: number }[] = [];
  const asF32 = (t: TensorInfo): number => {
    if (t.dtype === 'float32') return ctx.ptr(t);
    const blk = arena.alloc(t.size * 4);
    temps.push(blk);
    ex.unary(0, ctx.ptr(t), blk.ptr, t.size, kindOf(t.dtype), 0, 0, 0);
    return blk.ptr;
  };
  const aPtr = asF32(ins[0]);
  const bPtr = asF32(ins[1]);
  const bias = a.hasBias ? asF32(ins[2]) : 0;
  const prelu = a.activation === 5 ? asF32(ins[a.hasBias ? 3 : 2]) : 0;
  let outPtr = ctx.ptr(out);
  if (out.dtype !== 'float32') {
    const blk = arena.alloc(out.size * 4);
    temps.push(blk);
    outPtr = blk.ptr;
  }
  const scratch = arena.alloc(ex.matMulScratchBytes(a.M, a.N, a.K));
  temps.push(scratch);
  ex.matMul(
    aPtr, bPtr, outPtr, a.batch, a.M, a.N, a.K, a.transposeA ? 1 : 0, a.transposeB ? 1 : 0,
    a.aBatchStride, a.bBatchStride, bias, a.biasSize, a.activation, a.alpha ?? 0, prelu, a.preluSize ?? 1, scratch.ptr,
  );
  if (out.dtype !== 'float32') ex.unary(0, outPtr, ctx.ptr(out), out.size, 0, kindOf(out.dtype), 0, 0);
  for (const t of temps) arena.release(t.ptr, t.bytes);
}

export const wasmKernels: { [K in KernelName]?: WasmKernel<K> } = {
  unary: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    ctx.ex.unary(a.op, ctx.ptr(ins[0]), ctx.ptr(outs[0]), outs[0].size, kindOf(ins[0].dtype), kindOf(outs[0].dtype), a.alpha ?? 0, a.beta ?? 0);
  },
  binary: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    const [shape, as, bs] = collapseDims(a.outShape, [a.aStrides, a.bStrides]);
    writeParams(ctx, [pad6(shape, 1, 'binary'), pad6(as, 0, 'binary'), pad6(bs, 0, 'binary')]);
    ctx.ex.binary(a.op, ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), ctx.params, kindOf(ins[0].dtype), kindOf(ins[1].dtype), kindOf(outs[0].dtype));
  },
  select: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    const [shape, cs, as, bs] = collapseDims(a.outShape, [a.condStrides, a.aStrides, a.bStrides]);
    writeParams(ctx, [pad6(shape, 1, 'select'), pad6(cs, 0, 'select'), pad6(as, 0, 'select'), pad6(bs, 0, 'select')]);
    ctx.ex.select(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), ctx.ptr(outs[0]), ctx.params, ins[0].dtype === 'float32' ? 1 : 0);
  },
  reduce: (ctx, ins, outs, a) => {
    if (a.outer === 0) return;
    ctx.ex.reduce(a.op, ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.outer, a.inner, kindOf(ins[0].dtype), kindOf(outs[0].dtype));
  },
  softmax: (ctx, ins, outs, a) => {
    if (ins[0].dtype !== 'float32' || outs[0].dtype !== 'float32') {
      throw new Error(`wasm softmax: expected float32 input and output, got ${ins[0].dtype} -> ${outs[0].dtype}`);
    }
    if (a.rows === 0 || a.cols === 0) return;
    ctx.ex.softmax(ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.rows, a.cols, a.log ? 1 : 0);
  },
  matMul,
  copyStrided: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    writeParams(ctx, [pad6(a.outShape, 1, 'copyStrided'), pad6(a.inStrides, 0, 'copyStrided'), pad6(a.modDims, 1, 'copyStrided')]);
    ctx.ex.copyStrided(ctx.ptr(ins[0]), ctx.ptr(outs[0]), ctx.params, a.offset);
  },
  pad: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    writeParams(ctx, [pad6(a.outShape, 1, 'pad'), pad6(a.inShape, 1, 'pad'), pad6(a.padBefore, 0, 'pad')]);
    ctx.ex.pad(ctx.ptr(ins[0]), ctx.ptr(outs[0]), ctx.params, bitsFor(a.value, outs[0].dtype));
  },
  copyInto: (ctx, ins, outs, a) => {
    if (a.outer === 0 || a.inner === 0) return;
    ctx.ex.copyInto(ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.outer, a.inner, a.outInner, a.offset);
  },
  gather: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    ctx.ex.gather(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), a.outer, a.axisDim, a.inner, a.numIndices);
  },
  oneHot: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    const d = outs[0].dtype;
    ctx.ex.oneHot(ctx.ptr(ins[0]), ctx.ptr(outs[0]), ins[0].size, a.depth, bitsFor(a.onValue, d), bitsFor(a.offValue, d));
  },
};
