/**
 * What every wasm kernel entry shares (kernels.ts, conv_kernels.ts, int8.ts): the context a kernel
 * gets, the params block (shapes and strides padded to rank 6, conv geometry), the dtype kind codes of
 * the assembly side, the operand checks that turn a bad call into a clear error instead of a bad
 * pointer, scratch from the shared workspace, and the conv / matMul epilogue helpers.
 */
import type { DType, TensorInfo } from '../backend.js';
import type { ConvGeometry, KernelAttrs, KernelName } from '../kernels.js';
import type { Arena, Workspace } from './arena.js';
import type { KernelExports } from './module.js';
import type { ThreadPool } from './threads.js';

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
export function pad6(arr: readonly number[], fill: number, op: string): number[] {
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

export function writeParams(ctx: WasmContext, arrays: number[][]): void {
  const i32 = ctx.arena.i32;
  let at = ctx.params >>> 2;
  for (const a of arrays) for (const v of a) i32[at++] = v;
}

/** The 32-bit pattern of `value` stored into a tensor of `dtype` (as the js typed arrays store it). */
export function bitsFor(value: number, dtype: DType): number {
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
export function withResidual<A extends { residual?: number; activation: number; alpha: number }>(
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
export function requireFloat(op: string, ins: TensorInfo[], outs: TensorInfo[], nIn: number, nOut = 1): void {
  const all = [...ins, ...outs];
  const what = () => `inputs ${ins.map((x) => `${x.dtype}[${x.shape}]`).join(', ')}; outputs ${outs.map((x) => `${x.dtype}[${x.shape}]`).join(', ')}`;
  if (ins.length < nIn || outs.length < nOut) throw new Error(`wasm ${op}: expected ${nIn} inputs and ${nOut} outputs, got ${what()}`);
  if (all.some((t) => t.dtype !== 'float32')) throw new Error(`wasm ${op}: expected float32 tensors, got ${what()}`);
}

/** Every tensor must hold exactly the element count the attrs imply (else the kernel would read or write out of bounds). */
export function requireSizes(op: string, checks: [TensorInfo, number, string][]): void {
  for (const [t, want, name] of checks) {
    if (t.size !== want) throw new Error(`wasm ${op}: ${name} has ${t.size} elements (shape [${t.shape}]) but the attrs imply ${want}`);
  }
}
export const xSize = (g: ConvGeometry) => g.batch * g.inH * g.inW * g.inC;
export const ySize = (g: ConvGeometry) => g.batch * g.outH * g.outW * g.outC;
export const fSize = (g: ConvGeometry) => g.filterH * g.filterW * g.inC * g.outC;

/** Runs fn with `bytes` of scratch from the shared workspace (kept for the next kernel). */
export function withScratch(ctx: WasmContext, bytes: number, fn: (ptr: number) => void): void {
  fn(ctx.workspace.get(bytes >>> 0));
}

/** bias and prelu pointers of a conv epilogue (0 when absent). */
export function epiloguePtrs(ctx: WasmContext, ins: TensorInfo[], a: { hasBias: boolean; biasSize: number; activation: number; preluSize: number }, op: string): [number, number] {
  const need = 2 + (a.hasBias ? 1 : 0) + (a.activation === 5 ? 1 : 0);
  if (ins.length < need) throw new Error(`wasm ${op}: expected ${need} inputs (x, filter${a.hasBias ? ', bias' : ''}${a.activation === 5 ? ', preluWeights' : ''}), got ${ins.length}`);
  if (a.hasBias) requireSizes(op, [[ins[2], a.biasSize, 'bias']]);
  if (a.activation === 5) requireSizes(op, [[ins[a.hasBias ? 3 : 2], a.preluSize ?? 1, 'preluWeights']]);
  const bias = a.hasBias ? ctx.ptr(ins[2]) : 0;
  const prelu = a.activation === 5 ? ctx.ptr(ins[a.hasBias ? 3 : 2]) : 0;
  return [bias, prelu];
}
