/**
 * The wasm kernel table: one entry per kernel name, turning the op layer's flat attributes into
 * pointer-and-number calls of the AssemblyScript exports. Shapes/strides go through a small
 * params block (rank padded to 6). To add a kernel: export it from assembly/, declare it in
 * module.ts, add an entry here. Kernels missing from the table make `run` throw.
 */
import type { DType, TensorInfo } from '../backend.js';
import { checkAttentionHeads, checkColSums, CONV3D_FIELDS, FUSED_WORDS, resizeTableSize, type Conv3dGeometry, type ConvGeometry, type KernelAttrs, type KernelName } from '../kernels.js';
import type { Arena, Workspace } from './arena.js';
import type { KernelExports } from './module.js';
import {
  parallelAdam, parallelAttention, parallelBinary, parallelConv2d, parallelConv2dBackpropFilter, parallelConv2dBackpropInput, parallelMatMul,
  parallelReduce, parallelUnary,
} from './pool_loader.js';
import type { ThreadPool } from './threads.js';
import { int8Kernels } from './int8.js';
import { lstmCell, lstmCellGrad } from '../js/lstm_cell.js';
import { reduceColumns } from '../js/reduce.js';
import { colSums } from '../js/matmul.js';
import { attention, attentionGrad } from '../js/attention.js';
import { layerNormParamGrad } from '../js/norm.js';

export const RANK = 6;
/** Bytes of the params block: up to 4 arrays of RANK i32. */
export const PARAMS_BYTES = 4 * RANK * 4;

/** What a kernel entry gets: exports, arena, the shared scratch workspace, the params block and pointer lookup. */
export interface WasmContext {
  ex: KernelExports;
  arena: Arena;
  workspace: Workspace;
  params: number;
  /** The worker pool (null: single thread); parallel.ts splits the big kernels over it. */
  pool: ThreadPool | null;
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
  let at = ctx.params >>> 2;
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

/**
 * A matMul / conv call with a residual epilogue (KernelAttrs.matMul.residual): the kernel runs with
 * its bias (and, for a residual added after, its activation), then addResidual adds r (the last
 * input) in one SIMD pass and, for a residual added before, applies the activation.
 */
function withResidual<A extends { residual?: number; activation: number; alpha: number }>(
  ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], a: A, channels: number, op: string, run: (a: A) => void,
): void {
  const r = ins[ins.length - 1];
  const out = outs[0];
  if (a.residual !== 1 && a.residual !== 2) throw new Error(`wasm ${op}: residual must be 0, 1 or 2, got ${a.residual}`);
  if (r.dtype !== 'float32' || out.dtype !== 'float32' || r.size !== out.size) {
    throw new Error(`wasm ${op}: the residual input must be float32 with the output's ${out.size} elements, got ${r.dtype}[${r.shape}] for output ${out.dtype}[${out.shape}]`);
  }
  if (a.residual === 1 && a.activation === 5) throw new Error(`wasm ${op}: a residual added before the activation does not combine with prelu`);
  run({ ...a, residual: 0, activation: a.residual === 1 ? 0 : a.activation });
  if (out.size > 0) ctx.ex.addResidual(ctx.ptr(out), ctx.ptr(r), out.size, channels, a.residual === 1 ? a.activation : 0, a.alpha ?? 0, 0, 1);
}

function matMul(ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], a: KernelAttrs['matMul']): void {
  if (a.residual) return withResidual(ctx, ins, outs, a, a.N, 'matMul', (b) => matMul(ctx, ins, outs, b));
  if (a.colSums) {
    // the bias gradient a plan merged into this weight gradient: summed over the arena's view of B (js/matmul.ts)
    checkColSums('wasm matMul', a, ins[1], outs[1]);
    const [b, sums] = f32Views(ctx, 'matMul', [ins[1]], [outs[1]], 1, 1);
    colSums('wasm matMul', b, sums, a);
  }
  const { ex, arena } = ctx;
  const out = outs[0];
  if (out.size === 0) return;
  // Non-float operands are converted to float32 temporaries (and the result back), so the
  // kernel itself only ever sees f32.
  const temps: { ptr: number; bytes: number }[] = [];
  try {
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
    if (!parallelMatMul(ctx, aPtr, bPtr, outPtr, a, bias, prelu)) {
      // Packing scratch comes from the shared workspace, so varying M/N/K reuse one block.
      const scratch = ctx.workspace.get(ex.matMulScratchBytes(a.M, a.N, a.K) >>> 0);
      ex.matMul(
        aPtr, bPtr, outPtr, a.batch, a.M, a.N, a.K, a.transposeA ? 1 : 0, a.transposeB ? 1 : 0,
        a.aBatchStride, a.bBatchStride, bias, a.biasSize, a.activation, a.alpha ?? 0, prelu, a.preluSize ?? 1, scratch,
      );
    }
    if (out.dtype !== 'float32') ex.unary(0, outPtr, ctx.ptr(out), out.size, 0, kindOf(out.dtype), 0, 0);
  } finally {
    for (const t of temps) arena.release(t.ptr, t.bytes);
  }
}

/** Writes the conv geometry into the params block (ConvGeometry order; read by assembly/conv.ts). */
export function writeGeometry(ctx: WasmContext, g: ConvGeometry): number {
  writeParams(ctx, [[g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.filterH, g.filterW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft]]);
  return ctx.params;
}

/**
 * The conv family, pooling, layerNorm, attention and adamUpdate take at least `nIn` inputs and
 * `nOut` outputs, all float32 (as the op layer guarantees); anything else is a clear error, not a
 * bad pointer.
 */
function requireFloat(op: string, ins: TensorInfo[], outs: TensorInfo[], nIn: number, nOut = 1): void {
  const all = [...ins, ...outs];
  const what = () => `inputs ${ins.map((x) => `${x.dtype}[${x.shape}]`).join(', ')}; outputs ${outs.map((x) => `${x.dtype}[${x.shape}]`).join(', ')}`;
  if (ins.length < nIn || outs.length < nOut) throw new Error(`wasm ${op}: expected ${nIn} inputs and ${nOut} outputs, got ${what()}`);
  if (all.some((t) => t.dtype !== 'float32')) throw new Error(`wasm ${op}: expected float32 tensors, got ${what()}`);
}

/** Every tensor must hold exactly the element count the attrs imply (else the kernel would read or write out of bounds). */
function requireSizes(op: string, checks: [TensorInfo, number, string][]): void {
  for (const [t, want, name] of checks) {
    if (t.size !== want) throw new Error(`wasm ${op}: ${name} has ${t.size} elements (shape [${t.shape}]) but the attrs imply ${want}`);
  }
}
const xSize = (g: ConvGeometry) => g.batch * g.inH * g.inW * g.inC;
const ySize = (g: ConvGeometry) => g.batch * g.outH * g.outW * g.outC;
const fSize = (g: ConvGeometry) => g.filterH * g.filterW * g.inC * g.outC;

/** Runs fn with `bytes` of scratch from the shared workspace (kept for the next kernel). */
/** int8MaxPool (op 2) / int8AvgPool (op 3): the pool kernel over the packed words. */
function int8Pool(ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], a: ConvGeometry, op: number): void {
  const g = { ...a, inC: Math.ceil(a.inC / 4) };
  requireSizes(op === 2 ? 'int8MaxPool' : 'int8AvgPool', [[ins[0], xSize(g), 'x'], [outs[0], g.batch * g.outH * g.outW * g.inC, 'output']]);
  if (outs[0].size > 0) ctx.ex.pool(ctx.ptr(ins[0]), ctx.ptr(outs[0]), writeGeometry(ctx, g), op);
}

function withScratch(ctx: WasmContext, bytes: number, fn: (ptr: number) => void): void {
  fn(ctx.workspace.get(bytes >>> 0));
}

/** bias and prelu pointers of a conv epilogue (0 when absent). */
function epiloguePtrs(ctx: WasmContext, ins: TensorInfo[], a: { hasBias: boolean; biasSize: number; activation: number; preluSize: number }, op: string): [number, number] {
  const need = 2 + (a.hasBias ? 1 : 0) + (a.activation === 5 ? 1 : 0);
  if (ins.length < need) throw new Error(`wasm ${op}: expected ${need} inputs (x, filter${a.hasBias ? ', bias' : ''}${a.activation === 5 ? ', preluWeights' : ''}), got ${ins.length}`);
  if (a.hasBias) requireSizes(op, [[ins[2], a.biasSize, 'bias']]);
  if (a.activation === 5) requireSizes(op, [[ins[a.hasBias ? 3 : 2], a.preluSize ?? 1, 'preluWeights']]);
  const bias = a.hasBias ? ctx.ptr(ins[2]) : 0;
  const prelu = a.activation === 5 ? ctx.ptr(ins[a.hasBias ? 3 : 2]) : 0;
  return [bias, prelu];
}

/** An index-tuple array (strides or dims of gatherND / scatterND) padded to 8 entries. */
function indexParams(op: string, v: number[]): number[] {
  if (v.length > 8) throw new Error(`wasm ${op}: index depth ${v.length} exceeds 8`);
  return [...v, ...new Array(8 - v.length).fill(0)];
}

const x3Size = (g: Conv3dGeometry) => g.batch * g.inD * g.inH * g.inW * g.inC;
const y3Size = (g: Conv3dGeometry) => g.batch * g.outD * g.outH * g.outW * g.outC;
const f3Size = (g: Conv3dGeometry) => g.filterD * g.filterH * g.filterW * g.inC * g.outC;
function writeGeometry3d(ctx: WasmContext, g: Conv3dGeometry): number {
  writeParams(ctx, [CONV3D_FIELDS.map((f) => g[f])]);
  return ctx.params;
}

const conv3dKernels: { [K in KernelName]?: WasmKernel<K> } = {
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

const convKernels: { [K in KernelName]?: WasmKernel<K> } = {
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
  layerNorm: (ctx, ins, outs, a) => {
    requireFloat('layerNorm', ins, outs, 3);
    requireSizes('layerNorm', [[ins[0], a.rows * a.cols, 'x'], [ins[1], a.cols, 'gamma'], [ins[2], a.cols, 'beta'], [outs[0], a.rows * a.cols, 'output']]);
    if (a.rows === 0 || a.cols === 0) return;
    ctx.ex.layerNorm(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), ctx.ptr(outs[0]), a.rows, a.cols, a.epsilon);
  },
  layerNormBackprop: (ctx, ins, outs, a) => {
    requireFloat('layerNormBackprop', ins, outs, 3);
    requireSizes('layerNormBackprop', [[ins[0], a.rows * a.cols, 'dy'], [ins[1], a.rows * a.cols, 'x'], [ins[2], a.cols, 'gamma'], [outs[0], a.rows * a.cols, 'dx']]);
    if (a.paramGrads) paramGrads(ctx, ins.slice(0, 2), outs.slice(1), a);
    if (a.rows === 0 || a.cols === 0) return;
    ctx.ex.layerNormBackprop(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), ctx.ptr(outs[0]), a.rows, a.cols, a.epsilon);
  },
  attention: (ctx, ins, outs, a) => {
    requireFloat('attention', ins, outs, a.hasMask ? 4 : 3, 2);
    checkAttentionHeads('wasm', a);
    const stride = a.kvStride ?? a.seqK;
    const qSize = a.bh * a.seqQ * a.headDim, kSize = a.bh * stride * a.headDim;
    requireSizes('attention', [[ins[0], qSize, 'q'], [ins[1], kSize, 'k'], [ins[2], kSize, 'v'], [outs[0], qSize, 'out'], [outs[1], a.bh * a.seqQ, 'lse'],
      ...(a.hasMask ? [[ins[3], a.seqQ * a.seqK, 'mask'] as [TensorInfo, number, string]] : [])]);
    if (a.bh === 0 || a.seqQ === 0) return;
    const [out, lse] = [ctx.ptr(outs[0]), ctx.ptr(outs[1])];
    if (a.seqK === 0 || a.headDim === 0) {
      const f32 = ctx.arena.f32;
      f32.fill(0, out >>> 2, (out >>> 2) + a.bh * a.seqQ * a.headDim);
      if (a.seqK === 0) f32.fill(-Infinity, lse >>> 2, (lse >>> 2) + a.bh * a.seqQ);
      if (a.seqK === 0) return;
    }
    if (a.heads) {
      // heads packed in the last axis (where ATTENTION_FUSED_GRAD puts a multi-head layer on this path): the js
      // loop over the arena's views, as attentionGrad runs here
      const v = f32Views(ctx, 'attention', ins, outs, ins.length, 2);
      return attention(v[0], v[1], v[2], a.hasMask ? v[3] : null, v[ins.length], v[ins.length + 1], a);
    }
    const mask = a.hasMask ? ctx.ptr(ins[3]) : 0;
    if (parallelAttention(ctx, ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), mask, out, lse, a)) return;
    withScratch(ctx, ctx.ex.attentionScratchBytes(a.seqK, a.headDim), (scratch) => {
      ctx.ex.attention(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(ins[2]), mask, out, lse, a.bh, a.seqQ, a.seqK, a.headDim, a.scale, a.causal ? 1 : 0, stride, scratch);
    });
  },
  adamUpdate: (ctx, ins, outs, a) => {
    const n = a.sizes.length;
    requireFloat('adamUpdate', ins, outs, 4 * n, 3 * n);
    a.sizes.forEach((size, i) => {
      // variable i's param, grad, m, v, newParam, newM, newV
      const ts = [...ins, ...outs].filter((_, k) => k % n === i);
      requireSizes('adamUpdate', ts.map((t, r) => [t, size, ADAM_OPERANDS[r]]));
      if (size === 0) return;
      const ptrs = ts.map((t) => ctx.ptr(t)) as [number, number, number, number, number, number, number];
      if (parallelAdam(ctx, ...ptrs, size, a)) return;
      ctx.ex.adamUpdate(...ptrs, size, a.lr, a.beta1, a.beta2, a.epsilon, a.biasCorrection1, a.biasCorrection2, a.weightDecay);
    });
  },
};

const ADAM_OPERANDS = ['param', 'grad', 'm', 'v', 'newParam', 'newM', 'newV'];

/** layerNormBackprop's parameter gradients (attr paramGrads): the js loop over arena views. */
function paramGrads(ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], a: KernelAttrs['layerNormBackprop']): void {
  const v = f32Views(ctx, 'layerNormBackprop', ins, outs, 2, 2);
  requireSizes('layerNormBackprop', [[outs[0], a.cols, 'dgamma'], [outs[1], a.cols, 'dbeta']]);
  layerNormParamGrad(v[0], v[1], v[2], v[3], a);
}

/**
 * The fused LSTM cell, the column reduction, the attention gradient and layerNorm's parameter
 * gradients: the js reference loops over float32 views of the
 * arena (a few flops per element; an AssemblyScript copy would not fit the Wasm size budget).
 * The op layer checks the shapes; a view never reaches past its tensor.
 */
function f32Views(ctx: WasmContext, op: string, ins: TensorInfo[], outs: TensorInfo[], nIn = 2, nOut = 2): Float32Array[] {
  requireFloat(op, ins, outs, nIn, nOut);
  return [...ins, ...outs].map((t) => ctx.arena.f32.subarray(ctx.ptr(t) >>> 2, (ctx.ptr(t) >>> 2) + t.size));
}
const jsViewKernels: { [K in KernelName]?: WasmKernel<K> } = {
  attentionGrad: (ctx, ins, outs, a) => {
    const qSize = a.bh * a.seqQ * a.headDim, kSize = a.bh * a.seqK * a.headDim;
    const v = f32Views(ctx, 'attentionGrad', ins, outs, 6, 3);
    requireSizes('attentionGrad', [[ins[0], qSize, 'q'], [ins[1], kSize, 'k'], [ins[2], kSize, 'v'], [ins[3], qSize, 'out'], [ins[4], a.bh * a.seqQ, 'lse'],
      [ins[5], qSize, 'dO'], [outs[0], qSize, 'dQ'], [outs[1], kSize, 'dK'], [outs[2], kSize, 'dV']]);
    attentionGrad(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], a);
  },
  reduceColumns: (ctx, ins, outs, a) => {
    const [x, out] = f32Views(ctx, 'reduceColumns', ins, outs, 1, 1);
    requireSizes('reduceColumns', [[ins[0], a.outer * a.inner * a.cols, 'x'], [outs[0], a.outer * a.cols, 'out']]);
    reduceColumns(x, out, a);
  },
  lstmCell: (ctx, ins, outs, a) => {
    const [z, c, h, cn] = f32Views(ctx, 'lstmCell', ins, outs);
    lstmCell(z, c, h, cn, a);
  },
  lstmCellGrad: (ctx, ins, outs, a) => {
    const v = f32Views(ctx, 'lstmCellGrad', ins, outs), n = ins.length;
    lstmCellGrad(v[0], v[1], a.hasDh ? v[2] : null, a.hasDc ? v[n - 1] : null, v[n], v[n + 1], a);
  },
};

/** The image family: resize (any dtype when nearest), its adjoint and cropAndResize. */
const imageKernels: { [K in KernelName]?: WasmKernel<K> } = {
  resize: (ctx, ins, outs, a) => {
    const [x, table] = ins;
    if (!a.nearest) requireFloat('resize', ins, outs, 2);
    else if (x.dtype !== outs[0].dtype || table.dtype !== 'float32') {
      throw new Error(`wasm resize: nearest expects the output dtype of the images and a float32 table, got ${x.dtype} -> ${outs[0].dtype}, table ${table.dtype}`);
    }
    requireSizes('resize', [[x, a.batch * a.inH * a.inW * a.channels, 'images'], [table, resizeTableSize(a.inH, a.inW, a.outH, a.outW), 'table'],
      [outs[0], a.batch * a.outH * a.outW * a.channels, 'output']]);
    if (outs[0].size === 0) return;
    ctx.ex.resize(ctx.ptr(x), ctx.ptr(table), ctx.ptr(outs[0]), a.batch, a.inH, a.inW, a.channels, a.outH, a.outW, a.nearest ? 1 : 0);
  },
  resizeBackprop: (ctx, ins, outs, a) => {
    requireFloat('resizeBackprop', ins, outs, 2);
    requireSizes('resizeBackprop', [[ins[0], a.batch * a.outH * a.outW * a.channels, 'dy'], [ins[1], resizeTableSize(a.inH, a.inW, a.outH, a.outW), 'table'],
      [outs[0], a.batch * a.inH * a.inW * a.channels, 'dx']]);
    if (outs[0].size === 0) return;
    ctx.ex.resizeBackprop(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), a.batch, a.inH, a.inW, a.channels, a.outH, a.outW);
  },
  cropAndResize: (ctx, ins, outs, a) => {
    const [image, boxes, boxInd] = ins;
    if (image.dtype !== 'float32' || boxes.dtype !== 'float32' || boxInd?.dtype !== 'int32' || outs[0].dtype !== 'float32') {
      throw new Error(`wasm cropAndResize: expected float32 image and boxes, int32 boxInd and a float32 output, got ${ins.map((t) => t.dtype)} -> ${outs[0].dtype}`);
    }
    requireSizes('cropAndResize', [[image, a.batch * a.inH * a.inW * a.channels, 'image'], [boxes, a.numBoxes * 4, 'boxes'], [boxInd, a.numBoxes, 'boxInd'],
      [outs[0], a.numBoxes * a.cropH * a.cropW * a.channels, 'output']]);
    if (outs[0].size === 0) return;
    ctx.ex.cropAndResize(ctx.ptr(image), ctx.ptr(boxes), ctx.ptr(boxInd), ctx.ptr(outs[0]), a.numBoxes, a.batch, a.inH, a.inW, a.channels,
      a.cropH, a.cropW, a.nearest ? 1 : 0, a.extrapolationValue);
  },
};

export const wasmKernels: { [K in KernelName]?: WasmKernel<K> } = {
  fusedElementwise: (ctx, ins, outs, a) => {
    if (a.n === 0) return;
    // scratch: registers, reduction accumulators (f64), then the program, alpha/beta (f64), input pointers, periods, output pointers
    const regBytes = ctx.ex.fusedScratchBytes(a.regs);
    const reductions = outs.length; // at most one accumulator per output
    const words = a.program.length + 2 * a.consts.length + 2 * ins.length + outs.length;
    const base = ctx.workspace.get(regBytes + 8 * reductions + 4 * words + 16);
    const regs = base;
    const accs = (regs + regBytes + 7) & ~7;
    const prog = accs + 8 * reductions;
    const consts = (prog + 4 * a.program.length + 7) & ~7;
    const inputs = consts + 8 * a.consts.length;
    const periods = inputs + 4 * ins.length;
    const outputs = periods + 4 * ins.length;
    const i32 = ctx.arena.i32;
    i32.set(a.program, prog >>> 2);
    new Float64Array(i32.buffer, consts, a.consts.length).set(a.consts);
    i32.set(ins.map((t) => ctx.ptr(t)), inputs >>> 2);
    i32.set(a.periods, periods >>> 2);
    i32.set(outs.map((t) => ctx.ptr(t)), outputs >>> 2);
    ctx.ex.fusedElementwise(prog, a.program.length / FUSED_WORDS, consts, inputs, periods, outputs, a.n, regs, a.inner ?? 1, accs);
  },
  unary: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    const x = ctx.ptr(ins[0]), out = ctx.ptr(outs[0]), n = outs[0].size, inKind = kindOf(ins[0].dtype), outKind = kindOf(outs[0].dtype);
    if (parallelUnary(ctx, a.op, x, out, n, inKind, outKind, a.alpha ?? 0, a.beta ?? 0)) return;
    ctx.ex.unary(a.op, x, out, n, inKind, outKind, a.alpha ?? 0, a.beta ?? 0);
  },
  binary: (ctx, ins, outs, a) => {
    if (outs[0].size === 0) return;
    const [shape, as, bs] = collapseDims(a.outShape, [a.aStrides, a.bStrides]);
    if (shape.length === 1 && parallelBinary(ctx, a.op, ctx.ptr(ins[0]), as[0], ctx.ptr(ins[1]), bs[0], ctx.ptr(outs[0]), shape[0],
      kindOf(ins[0].dtype), kindOf(ins[1].dtype), kindOf(outs[0].dtype))) return;
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
    if (parallelReduce(ctx, a.op, ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.outer, a.inner, kindOf(ins[0].dtype), kindOf(outs[0].dtype))) return;
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
  unsortedSegmentSum: (ctx, ins, outs, a) => {
    if (ins[0].dtype !== 'float32' || outs[0].dtype !== 'float32') {
      throw new Error(`wasm unsortedSegmentSum: expected float32 input and output, got ${ins[0].dtype} -> ${outs[0].dtype}`);
    }
    if (outs[0].size === 0) return;
    ctx.ex.unsortedSegmentSum(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), a.outer, a.n, a.inner, a.numSegments);
  },
  topk: (ctx, ins, outs, a) => {
    requireSizes('topk', [[ins[0], a.rows * a.cols, 'x'], [outs[0], a.rows * a.k, 'values'], [outs[1], a.rows * a.k, 'indices']]);
    if (outs[0].size === 0) return;
    withScratch(ctx, a.k * 4, (heap) => {
      ctx.ex.topk(ctx.ptr(ins[0]), ctx.ptr(outs[0]), ctx.ptr(outs[1]), a.rows, a.cols, a.k, ins[0].dtype === 'float32' ? 0 : 1, heap);
    });
  },
  cumulative: (ctx, ins, outs, a) => {
    requireSizes('cumulative', [[ins[0], a.outer * a.n * a.inner, 'x'], [outs[0], a.outer * a.n * a.inner, 'output']]);
    if (outs[0].size === 0) return;
    ctx.ex.cumulative(ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.outer, a.n, a.inner, a.op, a.exclusive ? 1 : 0, a.reverse ? 1 : 0, ins[0].dtype === 'float32' ? 0 : 1);
  },
  gatherND: (ctx, ins, outs, a) => {
    requireSizes('gatherND', [[ins[1], a.numSlices * a.indexDepth, 'indices'], [outs[0], a.numSlices * a.sliceSize, 'output']]);
    if (outs[0].size === 0) return;
    writeParams(ctx, [indexParams('gatherND', a.strides), indexParams('gatherND', a.dims)]);
    ctx.ex.gatherND(ctx.ptr(ins[0]), ctx.ptr(ins[1]), ctx.ptr(outs[0]), a.numSlices, a.sliceSize, a.indexDepth, ctx.params);
  },
  scatterND: (ctx, ins, outs, a) => {
    requireSizes('scatterND', [[ins[0], a.numUpdates * a.indexDepth, 'indices'], [ins[1], a.numUpdates * a.sliceSize, 'updates'], [outs[0], a.outSize, 'output']]);
    if (a.mode === 1) requireSizes('scatterND', [[ins[2], a.outSize, 'base']]);
    if (outs[0].size === 0) return;
    writeParams(ctx, [indexParams('scatterND', a.strides), indexParams('scatterND', a.dims)]);
    ctx.ex.scatterND(
      ctx.ptr(ins[0]), ctx.ptr(ins[1]), a.mode === 1 ? ctx.ptr(ins[2]) : 0, ctx.ptr(outs[0]), a.numUpdates, a.sliceSize,
      a.indexDepth, a.outSize, a.mode, outs[0].dtype === 'float32' ? 0 : 1, ctx.params,
    );
  },
  ...convKernels,
  ...conv3dKernels,
  ...imageKernels,
  ...jsViewKernels,
  ...int8Kernels,
};
