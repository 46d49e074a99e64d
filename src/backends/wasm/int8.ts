/**
 * The wasm int8 kernels (issue 12): checks the operands against the attrs, widens the activations
 * to i16 (zero point subtracted, rows zero padded to a multiple of 8, one zero row after them for
 * conv taps outside the image) on the calling thread, then runs the assembly/int8.ts range entry
 * over its units, split over the worker pool for big problems. Units cut along independent outputs
 * and the int32 sums are exact, so any split gives the single-thread bits.
 */
import type { TensorInfo } from '../backend.js';
import { packedCols, type ConvGeometry, type Int8Epilogue, type KernelAttrs, type KernelName } from '../kernels.js';
import type { WasmContext, WasmKernel } from './kernels.js';
import { writeGeometry } from './kernels.js';
import { MIN_MACS } from './parallel.js';
import { align16, type ThreadPool } from './threads.js';

const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;
const describe = (ts: TensorInfo[]) => ts.map((t) => `${t.dtype}[${t.shape}]`).join(', ');

/** Operands: packed x (int32), packed w (int32), wScale (float32), bias? (float32); the output float32 or packed int32. */
function checkOperands(op: string, ins: TensorInfo[], outs: TensorInfo[], e: Int8Epilogue, sizes: { x: number; w: number; channels: number; out: number }): void {
  const need = 3 + (e.hasBias ? 1 : 0);
  const what = () => `inputs ${describe(ins)}; outputs ${describe(outs)}`;
  if (ins.length < need || outs.length < 1) throw new Error(`wasm ${op}: expected ${need} inputs and 1 output, got ${what()}`);
  const outDtype = e.outInt8 ? 'int32' : 'float32';
  if (ins[0].dtype !== 'int32' || ins[1].dtype !== 'int32' || ins[2].dtype !== 'float32' || (e.hasBias && ins[3].dtype !== 'float32') || outs[0].dtype !== outDtype) {
    throw new Error(`wasm ${op}: expected int32 x and weights, float32 scales${e.hasBias ? ' and bias' : ''}, a ${outDtype} output; got ${what()}`);
  }
  const checks: [TensorInfo, number, string][] = [[ins[0], sizes.x, 'x'], [ins[1], sizes.w, 'weights'], [ins[2], sizes.channels, 'weight scales'], [outs[0], sizes.out, 'output']];
  if (e.hasBias) checks.push([ins[3], sizes.channels, 'bias']);
  for (const [t, want, name] of checks) {
    if (t.size !== want) throw new Error(`wasm ${op}: ${name} has ${t.size} elements (shape [${t.shape}]) but the attrs imply ${want}`);
  }
}

/** The i16 copy of `rows` packed rows of `cols` values minus zp, C8 = cols rounded up to 8, plus a zero row; run fn, then free it. */
function withWidened(ctx: WasmContext, x: TensorInfo, rows: number, cols: number, zp: number, fn: (xw: number, C8: number) => void): void {
  const C8 = roundUp(cols, 8);
  const blk = ctx.arena.alloc((rows + 1) * C8 * 2);
  try {
    ctx.ex.int8Widen(ctx.ptr(x), rows, cols, zp, blk.ptr, C8);
    ctx.arena.u8.fill(0, blk.ptr + rows * C8 * 2, blk.ptr + (rows + 1) * C8 * 2);
    fn(blk.ptr, C8);
  } finally {
    ctx.arena.release(blk.ptr, blk.bytes);
  }
}

const epilogueArgs = (e: Int8Epilogue) => [e.aScale, e.activation, e.alpha, e.outInt8 ? 1 : 0, e.outScale, e.outZeroPoint];

type RangeExport = 'int8MatMulRange' | 'int8ConvRange' | 'int8DepthwiseRange';

/**
 * Runs a range export over units [0, units): `args` are its leading arguments; it then takes
 * (scratch,) begin, end. Split over the pool when there is one and the work is worth it.
 */
function runUnits(ctx: WasmContext, name: RangeExport, args: number[], units: number, macs: number, scratchBytes: number): void {
  const hasScratch = scratchBytes > 0;
  const pool: ThreadPool | null = ctx.pool;
  if (pool && units >= 2 && pool.worth(macs, MIN_MACS)) {
    const n = args.length + (hasScratch ? 3 : 2);
    const stride = align16(scratchBytes);
    const scratch = hasScratch ? ctx.workspace.get(stride * pool.threads) : 0;
    pool.begin(n);
    const A = pool.args;
    args.forEach((v, i) => (A[i] = v));
    if (hasScratch) A[args.length] = scratch;
    pool.run(name, n, units, Math.ceil(units / pool.chunksFor(units)), n - 2, n - 1, -1, hasScratch ? args.length : -1, stride);
    return;
  }
  const fn = ctx.ex[name] as (...a: number[]) => void;
  if (hasScratch) fn(...args, ctx.workspace.get(scratchBytes), 0, units);
  else fn(...args, 0, units);
}

const convSizes = (g: ConvGeometry, wSize: number, channels: number, outInt8: boolean) => ({
  x: g.batch * g.inH * g.inW * packedCols(g.inC),
  w: wSize,
  channels,
  out: g.batch * g.outH * g.outW * (outInt8 ? packedCols(channels) : channels),
});

export const int8Kernels: { [K in KernelName]?: WasmKernel<K> } = {
  quantizeInt8: (ctx, ins, outs, a) => {
    if (ins[0]?.dtype !== 'float32' || outs[0]?.dtype !== 'int32' || ins[0].size !== a.rows * a.cols || outs[0].size !== a.rows * packedCols(a.cols)) {
      throw new Error(`wasm quantizeInt8: expected float32 x of ${a.rows}x${a.cols} and an int32 output of ${a.rows}x${packedCols(a.cols)}, got ${describe(ins)} -> ${describe(outs)}`);
    }
    if (outs[0].size > 0) ctx.ex.int8Quantize(ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.rows, a.cols, a.scale, a.zeroPoint);
  },
  dequantizeInt8: (ctx, ins, outs, a) => {
    if (ins[0]?.dtype !== 'int32' || outs[0]?.dtype !== 'float32' || ins[0].size !== a.rows * packedCols(a.cols) || outs[0].size !== a.rows * a.cols) {
      throw new Error(`wasm dequantizeInt8: expected int32 q of ${a.rows}x${packedCols(a.cols)} and a float32 output of ${a.rows}x${a.cols}, got ${describe(ins)} -> ${describe(outs)}`);
    }
    if (outs[0].size > 0) ctx.ex.int8Dequantize(ctx.ptr(ins[0]), ctx.ptr(outs[0]), a.rows, a.cols, a.scale, a.zeroPoint);
  },
  int8MatMul: (ctx, ins, outs, a: KernelAttrs['int8MatMul']) => {
    checkOperands('int8MatMul', ins, outs, a, { x: a.M * packedCols(a.K), w: a.N * packedCols(a.K), channels: a.N, out: a.M * (a.outInt8 ? packedCols(a.N) : a.N) });
    if (a.M === 0 || a.N === 0) return;
    withWidened(ctx, ins[0], a.M, a.K, a.aZeroPoint, (xw, K8) => {
      // column blocks of weight rows that stay in L2 (~128 KB), more blocks when the rows alone are too few to split
      let nb = Math.max(2, Math.min(roundUp(a.N, 2), 2 * Math.floor(65536 / Math.max(1, a.K))));
      const rowBlocks = Math.ceil(a.M / 4);
      const want = ctx.pool ? ctx.pool.threads * ctx.pool.chunksPerThread : 1;
      if (rowBlocks * Math.ceil(a.N / nb) < want) nb = Math.max(2, roundUp(Math.ceil(a.N / Math.ceil(want / rowBlocks)), 2));
      const units = rowBlocks * Math.ceil(a.N / nb);
      const args = [xw, ctx.ptr(ins[1]), ctx.ptr(ins[2]), a.hasBias ? ctx.ptr(ins[3]) : 0, ctx.ptr(outs[0]), a.M, a.N, K8, 4 * packedCols(a.K), nb, ...epilogueArgs(a)];
      runUnits(ctx, 'int8MatMulRange', args, units, a.M * a.N * a.K, 48);
    });
  },
  int8Conv2d: (ctx, ins, outs, g) => {
    checkOperands('int8Conv2d', ins, outs, g, convSizes(g, g.outC * g.filterH * g.filterW * packedCols(g.inC), g.outC, g.outInt8));
    const pixels = g.batch * g.outH * g.outW;
    if (pixels === 0 || g.outC === 0) return;
    withWidened(ctx, ins[0], g.batch * g.inH * g.inW, g.inC, g.aZeroPoint, (xw, C8) => {
      const args = [xw, ctx.ptr(ins[1]), ctx.ptr(ins[2]), g.hasBias ? ctx.ptr(ins[3]) : 0, ctx.ptr(outs[0]), writeGeometry(ctx, g), C8, ...epilogueArgs(g)];
      const taps = g.filterH * g.filterW;
      runUnits(ctx, 'int8ConvRange', args, Math.ceil(pixels / 4), pixels * g.outC * taps * g.inC, ctx.ex.int8ConvScratchBytes(taps));
    });
  },
  int8DepthwiseConv2d: (ctx, ins, outs, g) => {
    checkOperands('int8DepthwiseConv2d', ins, outs, g, convSizes(g, g.filterH * g.filterW * packedCols(g.inC), g.inC, g.outInt8));
    const pixels = g.batch * g.outH * g.outW;
    if (pixels === 0 || g.inC === 0) return;
    withWidened(ctx, ins[0], g.batch * g.inH * g.inW, g.inC, g.aZeroPoint, (xw, C8) => {
      const args = [xw, ctx.ptr(ins[1]), ctx.ptr(ins[2]), g.hasBias ? ctx.ptr(ins[3]) : 0, ctx.ptr(outs[0]), writeGeometry(ctx, g), C8, ...epilogueArgs(g)];
      runUnits(ctx, 'int8DepthwiseRange', args, pixels, pixels * g.inC * g.filterH * g.filterW, 0);
    });
  },
};
