/**
 * Specs and kernels of shaders/reduce.wgsl (row reductions), shaders/reduce_columns.wgsl (sum or
 * mean over the middle axis of [outer, inner, cols]) and shaders/softmax.wgsl. Long
 * rows get a workgroup each (tree reduction); short rows one invocation each. An input larger
 * than one storage binding is split into blocks of whole rows (`rowsPerBinding`), one dispatch
 * per block.
 */
import reduceSource from '../../../../shaders/reduce.wgsl';
import reduceColumnsSource from '../../../../shaders/reduce_columns.wgsl';
import softmaxSource from '../../../../shaders/softmax.wgsl';
import type { TensorInfo } from '../../backend.js';
import { Reduce } from '../../kernels.js';
import {
  grid1d, isInt, outKind, STORAGE_RO, STORAGE_RW, UNIFORM,
  type KernelContext, type ShaderSpec, type WebGPUKernelTable,
} from '../spec.js';

/** Rows per block keep every block's byte offset aligned (64 rows = 256 bytes per output row word). */
const ROW_BLOCK = 64;

/**
 * Rows per dispatch when `rows` rows of `cols` elements exceed one binding: a multiple of 64
 * rows (aligned offsets for input and output). 0 when everything fits in one binding, or when
 * not even 64 rows fit (the whole-buffer binding then throws the limit error naming the kernel).
 */
export function rowsPerBinding(maxBindingBytes: number, rows: number, cols: number): number {
  if (rows * cols * 4 <= maxBindingBytes) return 0;
  return Math.floor(maxBindingBytes / (cols * 4) / ROW_BLOCK) * ROW_BLOCK;
}

/** Run `dispatch(rowCount, x, out)` once, or once per block of rows when x exceeds a binding. */
function byRowBlocks(ctx: KernelContext, x: TensorInfo, out: TensorInfo, rows: number, cols: number, outPerRow: number,
  dispatch: (rowCount: number, xb: GPUBuffer | GPUBufferBinding, ob: GPUBuffer | GPUBufferBinding) => void): void {
  const block = rowsPerBinding(ctx.limits.maxBindingBytes, rows, cols);
  if (!block) {
    dispatch(rows, ctx.buffer(x), ctx.buffer(out));
    return;
  }
  for (let r0 = 0; r0 < rows; r0 += block) {
    const n = Math.min(block, rows - r0);
    dispatch(n, ctx.range(x, r0 * cols, n * cols), ctx.range(out, r0 * outPerRow, n * outPerRow));
  }
}

export const reduceSpec: ShaderSpec = {
  family: 'reduce',
  source: reduceSource,
  params: [['outer', 'u32'], ['inner', 'u32']],
  entries: {
    reduce_rows: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'X_INT', 'OUT_KIND'] },
    reduce_serial: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'X_INT', 'OUT_KIND'] },
  },
};

export const reduceColumnsSpec: ShaderSpec = {
  family: 'reduce_columns',
  source: reduceColumnsSource,
  params: [['outer', 'u32'], ['inner', 'u32'], ['cols', 'u32'], ['divisor', 'f32']],
  entries: {
    reduce_columns: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
  },
};

export const softmaxSpec: ShaderSpec = {
  family: 'softmax',
  source: softmaxSource,
  params: [['rows', 'u32'], ['cols', 'u32']],
  entries: {
    softmax: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'LOG'] },
    softmax_vec4: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'LOG'] },
  },
};

/** Rows at most this long are reduced by one invocation each. */
const SERIAL_MAX_INNER = 32;
const SERIAL_WG = 64;
/** Rows up to this long get one fixed workgroup size (so the batch size never picks the pipeline). */
const SHORT_ROW_MAX = 1024;
const SHORT_ROW_WG = 64;
/** Invocations per reduce_columns workgroup (one output element each). */
const COLUMNS_WG = 64;

/** Power-of-two workgroup size for a row of n elements, within the device limit. */
export function rowWorkgroupSize(n: number, maxInvocations: number): number {
  let wg = 32;
  while (wg < n && wg < 256 && wg * 2 <= maxInvocations) wg *= 2;
  return wg;
}

/**
 * Invocations per softmax row: up to 256 on GPUs; 4 on CPU adapters (SwiftShader,
 * ctx.preferDirect), where every workgroup barrier is a context switch across the invocations
 * (bench softmax [512, 4096] on SwiftShader: 256 -> ~790 ms, 64 -> ~310, 16 -> ~150, 8 -> ~230,
 * 4 -> ~142, 2 -> ~310, 1 -> ~480).
 */
const SOFTMAX_CPU_WG = 4;
/** Invocations per reduce_rows row on CPU adapters (ctx.preferDirect), for the same reason. */
const ROWS_CPU_WG = 4;
function softmaxWorkgroupSize(ctx: KernelContext, cols: number): number {
  return ctx.preferDirect ? SOFTMAX_CPU_WG : rowWorkgroupSize(cols, ctx.limits.maxInvocations);
}

export const reduceKernels: WebGPUKernelTable = {
  reduce(ctx, [x], [out], a) {
    if (a.outer === 0) return;
    const constants = { OP: a.op, X_INT: isInt(x), OUT_KIND: outKind(out.dtype) };
    const maxDim = ctx.limits.maxWorkgroupsPerDimension;
    const serial = a.inner <= SERIAL_MAX_INNER;
    // CPU adapters: 4 invocations per row (as softmax), since every barrier of the tree merge is
    // a context switch across the workgroup's invocations (sum over [256, 64]: 64 -> 4 about 3x faster).
    const rowsWG = ctx.preferDirect ? ROWS_CPU_WG : a.inner <= SHORT_ROW_MAX ? SHORT_ROW_WG : rowWorkgroupSize(a.inner, ctx.limits.maxInvocations);
    const shortRowsWG = ctx.preferDirect ? ROWS_CPU_WG : SHORT_ROW_WG;
    const wg = serial ? SERIAL_WG : rowsWG;
    byRowBlocks(ctx, x, out, a.outer, a.inner, 1, (rows, xb, ob) => ctx.dispatch({
      spec: reduceSpec,
      entry: serial ? 'reduce_serial' : 'reduce_rows',
      constants: { ...constants, WG: wg },
      // A reduction over the batch axis (a bias gradient) switches entry when the batch crosses
      // SERIAL_MAX_INNER: compile the other short-row variant too, so a new batch size compiles nothing.
      variants: a.inner <= SHORT_ROW_MAX
        ? [serial ? { entry: 'reduce_rows', constants: { ...constants, WG: shortRowsWG } } : { entry: 'reduce_serial', constants: { ...constants, WG: SERIAL_WG } }]
        : undefined,
      params: { outer: rows, inner: a.inner },
      buffers: [xb, ob],
      workgroups: grid1d(serial ? Math.ceil(rows / wg) : rows, maxDim),
    }));
  },
  reduceColumns(ctx, ins, outs, a) {
    const [x] = ins, [out] = outs;
    if (ins.length !== 1 || outs.length !== 1 || x.dtype !== 'float32' || out.dtype !== 'float32'
      || x.size !== a.outer * a.inner * a.cols || out.size !== a.outer * a.cols || (a.op !== Reduce.sum && a.op !== Reduce.mean)) {
      const list = (ts: TensorInfo[]) => ts.map((t) => `${t.dtype}[${t.shape}]`).join(', ');
      throw new Error(`webgpu reduceColumns: expected float32 [${a.outer}, ${a.inner}, ${a.cols}] -> [${a.outer}, ${a.cols}], sum or mean (op ${a.op}); got inputs ${list(ins)}; outputs ${list(outs)}`);
    }
    if (out.size === 0) return;
    ctx.dispatch({
      spec: reduceColumnsSpec,
      entry: 'reduce_columns',
      constants: { WG: COLUMNS_WG },
      params: { outer: a.outer, inner: a.inner, cols: a.cols, divisor: a.op === Reduce.mean ? a.inner : 0 },
      buffers: [ctx.buffer(x), ctx.buffer(out)],
      workgroups: grid1d(Math.ceil(out.size / COLUMNS_WG), ctx.limits.maxWorkgroupsPerDimension),
    });
  },
  softmax(ctx, [x], [out], a) {
    if (a.rows === 0 || a.cols === 0) return;
    byRowBlocks(ctx, x, out, a.rows, a.cols, a.cols, (rows, xb, ob) => ctx.dispatch({
      spec: softmaxSpec,
      entry: a.cols % 4 === 0 ? 'softmax_vec4' : 'softmax',
      constants: { WG: softmaxWorkgroupSize(ctx, a.cols >> (a.cols % 4 === 0 ? 2 : 0)), LOG: a.log },
      params: { rows, cols: a.cols },
      buffers: [xb, ob],
      workgroups: grid1d(rows, ctx.limits.maxWorkgroupsPerDimension),
    }));
  },
};
