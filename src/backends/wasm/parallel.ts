/**
 * How the wasm kernels split across the worker pool (threads.ts): for each splittable kernel, the
 * unit it splits over, the per-chunk argument strides and the size below which it stays on the
 * calling thread. Splits only ever cut along independent outputs (matMul tiles, conv pixel
 * blocks/rows/filter rows, attention (batch x head, query tile) units, elementwise runs of 4-element groups,
 * reduction and softmax rows), never inside one output's accumulation, so results are bit-identical to one
 * thread. Each function returns false when it did not run (no pool, too small): the caller then
 * makes the single-threaded call. Arguments go straight into the pool's shared slots: nothing is
 * allocated per call.
 */
import type { ConvGeometry, KernelAttrs } from '../kernels.js';
import type { KernelExports } from './module.js';
import type { ThreadPool } from './threads.js';
import type { TaskExport } from './thread_runtime.js';

/** Minimum work (multiply-adds or elements) per kernel family before splitting pays for the wake-up. */
export const MIN_MACS = 1 << 21;
const MIN_ELEMENTS = 1 << 16;

interface ParallelContext {
  ex: KernelExports;
  pool: ThreadPool | null;
  workspace: { get(bytes: number): number };
}

const MR = 5; // matMul's packed micro-tile rows (assembly/matmul_pack.ts)
const NR = 8; // and columns
const PACK_SPAN = 64; // columns of B per matMulPackRange unit (assembly/matmul_pack.ts)
const PACK_ROWS = MR * 12; // and rows of A
const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;

/** assembly/matmul.ts's SMALL_MNK. */
const SMALL_MNK = 1 << 18;

export function parallelMatMul(
  ctx: ParallelContext, aPtr: number, bPtr: number, outPtr: number, a: KernelAttrs['matMul'], bias: number, prelu: number,
): boolean {
  const pool = ctx.pool;
  if (!pool || !pool.worth(a.batch * a.M * a.N * a.K, MIN_MACS) || a.M <= 0 || a.N <= 0) return false;
  const want = pool.threads * pool.chunksPerThread;
  // Whole matrices per unit when the batch alone gives enough chunks, else tiles along the longer of M, N.
  let mTile = a.M, nTile = a.N;
  // one-row / one-column and small (M·N·K < 2^18) matrices take unpacked paths that a tile split
  // would not reproduce bit for bit (assembly/matmul.ts): split those by batch only
  const unpacked = a.M === 1 || a.N === 1 || a.M * a.N * a.K < SMALL_MNK;
  if (a.batch < want && !unpacked) {
    const perBatch = Math.ceil(want / a.batch);
    if (a.M >= a.N) mTile = Math.max(MR, roundUp(Math.ceil(a.M / perBatch), MR));
    else nTile = Math.max(NR, roundUp(Math.ceil(a.N / perBatch), NR));
  }
  const units = a.batch * Math.ceil(a.M / mTile) * Math.ceil(a.N / nTile);
  if (units < 2) return false;
  const per = Math.ceil(units / pool.chunksFor(units));
  const A = pool.args;
  if (a.batch === 1 && !unpacked) {
    // Pack A and B once, split across the threads (runs of PACK_ROWS rows of A and PACK_SPAN
    // columns of B as units), then the tiles all read the shared packed copies: no operand is packed twice.
    const packed = ctx.workspace.get(ctx.ex.matMulPackedBytes(a.M, a.N, a.K) >>> 0);
    const packUnits = Math.ceil(a.M / PACK_ROWS) + Math.ceil(a.N / PACK_SPAN);
    pool.begin(10);
    A[0] = aPtr; A[1] = bPtr; A[2] = a.M; A[3] = a.N; A[4] = a.K; A[5] = a.transposeA ? 1 : 0; A[6] = a.transposeB ? 1 : 0; A[7] = packed;
    pool.run('matMulPackRange', 10, packUnits, Math.ceil(packUnits / pool.chunksFor(packUnits)), 8, 9, -1);
    pool.begin(15);
    A[0] = packed; A[1] = outPtr; A[2] = a.M; A[3] = a.N; A[4] = a.K; A[5] = bias; A[6] = a.biasSize; A[7] = a.activation;
    A[8] = a.alpha ?? 0; A[9] = prelu; A[10] = a.preluSize ?? 1; A[13] = mTile; A[14] = nTile;
    pool.run('matMulPackedRange', 15, units, per, 11, 12, -1);
    return true;
  }
  const stride = align16(ctx.ex.matMulScratchBytes(Math.min(a.M, mTile), Math.min(a.N, nTile), a.K) >>> 0);
  const scratch = ctx.workspace.get(stride * pool.threads);
  pool.begin(22);
  A[0] = aPtr; A[1] = bPtr; A[2] = outPtr; A[3] = a.batch; A[4] = a.M; A[5] = a.N; A[6] = a.K;
  A[7] = a.transposeA ? 1 : 0; A[8] = a.transposeB ? 1 : 0; A[9] = a.aBatchStride; A[10] = a.bBatchStride;
  A[11] = bias; A[12] = a.biasSize; A[13] = a.activation; A[14] = a.alpha ?? 0; A[15] = prelu; A[16] = a.preluSize ?? 1;
  A[17] = scratch; A[20] = mTile; A[21] = nTile;
  pool.run('matMulRange', 22, units, per, 18, 19, -1, 17, stride);
  return true;
}

/** out[i] = f(x[i]) in runs whose lengths are multiples of 4, so every element takes the path (SIMD or tail) it takes alone. */
export function parallelUnary(
  ctx: ParallelContext, op: number, x: number, out: number, n: number, inKind: number, outKind: number, alpha: number, beta: number,
): boolean {
  const pool = ctx.pool;
  if (!pool || !pool.worth(n, MIN_ELEMENTS) || n < 8) return false;
  const per = roundUp(Math.ceil(n / pool.chunksFor(Math.ceil(n / 4))), 4);
  pool.begin(8);
  const A = pool.args, S = pool.strides;
  A[0] = op; A[1] = x; A[2] = out; A[4] = inKind; A[5] = outKind; A[6] = alpha; A[7] = beta;
  S[1] = per * 4; S[2] = per * 4;
  pool.run('unary', 8, n, per, -1, -1, 3);
  return true;
}

/**
 * int8Quantize over runs of rows (multiples of 4, each chunk a call on its own rows: the kernel never
 * reads or writes past its `rows`), so a conv's or matMul's input quantize runs on every thread too.
 * Counted in elements against a quarter of MIN_ELEMENTS: a value costs a division, a round and a clamp.
 */
export function parallelQuantize(ctx: ParallelContext, x: number, out: number, rows: number, cols: number, scale: number, zp: number): boolean {
  const pool = ctx.pool;
  if (!pool || rows < 8 || !pool.worth(rows * cols, MIN_ELEMENTS >> 2)) return false;
  const per = roundUp(Math.ceil(rows / pool.chunksFor(Math.ceil(rows / 4))), 4);
  pool.begin(6);
  const A = pool.args, S = pool.strides;
  A[0] = x; A[1] = out; A[3] = cols; A[4] = scale; A[5] = zp;
  S[0] = per * cols * 4; S[1] = per * (((cols + 3) >> 2) << 2);
  pool.run('int8Quantize', 6, rows, per, -1, -1, 2);
  return true;
}

/**
 * A binary whose collapsed output is one flat run with operand strides 0 or 1 (same shapes, or a
 * scalar operand): runs of multiples of 4 elements.
 */
export function parallelBinary(
  ctx: ParallelContext, op: number, a: number, sa: number, b: number, sb: number, out: number, n: number, aKind: number, bKind: number, outKind: number,
): boolean {
  const pool = ctx.pool;
  if (!pool || !pool.worth(n, MIN_ELEMENTS) || n < 8 || sa > 1 || sb > 1) return false;
  const per = roundUp(Math.ceil(n / pool.chunksFor(Math.ceil(n / 4))), 4);
  pool.begin(10);
  const A = pool.args, S = pool.strides;
  A[0] = op; A[1] = a; A[2] = sa; A[3] = b; A[4] = sb; A[5] = out; A[7] = aKind; A[8] = bKind; A[9] = outKind;
  S[1] = per * 4 * sa; S[3] = per * 4 * sb; S[5] = per * 4;
  pool.run('binaryFlat', 10, n, per, -1, -1, 6);
  return true;
}

/** One reduced value per row: rows split into runs. */
export function parallelReduce(
  ctx: ParallelContext, op: number, x: number, out: number, outer: number, inner: number, inKind: number, outKind: number,
): boolean {
  const pool = ctx.pool;
  if (!pool || outer < 2 || !pool.worth(outer * inner, MIN_ELEMENTS)) return false;
  const per = Math.ceil(outer / pool.chunksFor(outer));
  pool.begin(7);
  const A = pool.args, S = pool.strides;
  A[0] = op; A[1] = x; A[2] = out; A[4] = inner; A[5] = inKind; A[6] = outKind;
  S[1] = per * inner * 4; S[2] = per * 4;
  pool.run('reduce', 7, outer, per, -1, -1, 3);
  return true;
}

/** softmax / logSoftmax over [rows, cols]: runs of rows (a row's max, sum and outputs stay in one chunk). */
export function parallelSoftmax(ctx: ParallelContext, x: number, out: number, rows: number, cols: number, log: number): boolean {
  const pool = ctx.pool;
  if (!pool || rows < 2 || !pool.worth(rows * cols, MIN_ELEMENTS)) return false;
  const per = Math.ceil(rows / pool.chunksFor(rows));
  pool.begin(5);
  const A = pool.args, S = pool.strides;
  A[0] = x; A[1] = out; A[3] = cols; A[4] = log;
  S[0] = per * cols * 4; S[1] = per * cols * 4;
  pool.run('softmax', 5, rows, per, -1, -1, 2);
  return true;
}

/** The Adam step is elementwise over 7 arrays: runs of multiples of 4 elements. */
export function parallelAdam(
  ctx: ParallelContext, param: number, grad: number, m: number, v: number, outParam: number, outM: number, outV: number,
  size: number, a: KernelAttrs['adamUpdate'],
): boolean {
  const pool = ctx.pool;
  if (!pool || !pool.worth(size * 4, MIN_ELEMENTS) || size < 8) return false;
  const per = roundUp(Math.ceil(size / pool.chunksFor(Math.ceil(size / 4))), 4);
  pool.begin(15);
  const A = pool.args, S = pool.strides;
  A[0] = param; A[1] = grad; A[2] = m; A[3] = v; A[4] = outParam; A[5] = outM; A[6] = outV;
  for (let i = 0; i < 7; i++) S[i] = per * 4;
  A[8] = a.lr; A[9] = a.beta1; A[10] = a.beta2; A[11] = a.epsilon; A[12] = a.biasCorrection1; A[13] = a.biasCorrection2; A[14] = a.weightDecay;
  pool.run('adamUpdate', 15, size, per, -1, -1, 7);
  return true;
}

const BR = 4; // attention's query rows per tile (assembly/attention.ts)

/**
 * Attention over runs of (batch x head, query tile) units, each thread with its own K/V packing
 * scratch. Runs cover whole heads when there are enough heads (K/V packed once per head), else
 * they cut heads into query tiles.
 */
export function parallelAttention(
  ctx: ParallelContext, q: number, k: number, v: number, mask: number, out: number, lse: number, a: KernelAttrs['attention'],
): boolean {
  const pool = ctx.pool;
  const tiles = Math.ceil(a.seqQ / BR);
  const units = a.bh * tiles;
  if (!pool || units < 2 || !pool.worth(a.bh * a.seqQ * a.seqK * a.headDim, MIN_MACS)) return false;
  const chunks = pool.chunksFor(units);
  const per = a.bh >= chunks ? Math.ceil(a.bh / chunks) * tiles : Math.ceil(units / chunks);
  const stride = align16(ctx.ex.attentionScratchBytes(a.seqK, a.headDim) >>> 0);
  const scratch = ctx.workspace.get(stride * pool.threads);
  pool.begin(16);
  const A = pool.args;
  A[0] = q; A[1] = k; A[2] = v; A[3] = mask; A[4] = out; A[5] = lse; A[6] = a.bh; A[7] = a.seqQ; A[8] = a.seqK; A[9] = a.headDim;
  A[10] = a.scale; A[11] = a.causal ? 1 : 0; A[12] = a.kvStride ?? a.seqK; A[13] = scratch;
  pool.run('attentionRange', 16, units, per, 14, 15, -1, 13, stride);
  return true;
}

const convMacs = (g: ConvGeometry) => g.batch * g.outH * g.outW * g.outC * g.filterH * g.filterW * g.inC;

/** conv2d over its units (pixel blocks or output rows, see conv2dUnits); params: the geometry block already written. */
export function parallelConv2d(
  ctx: ParallelContext, x: number, f: number, out: number, params: number, g: KernelAttrs['conv2d'], bias: number, prelu: number,
): boolean {
  const pool = ctx.pool;
  if (!pool || !pool.worth(convMacs(g), MIN_MACS)) return false;
  // Pixel blocks of 60..240 (under conv.ts's PIX_BLOCK; multiples of 60 so the 5- and 6-pixel tiles fill), small
  // enough for 8 units per thread where the image allows: the claims then even out threads that the
  // machine's other work slows down.
  const pixels = g.batch * g.outH * g.outW;
  const block = Math.min(240, roundUp(Math.ceil(pixels / (pool.threads * 8)), 60));
  const units = ctx.ex.conv2dUnits(params, block);
  if (units < 2) return false;
  // The filter is packed once, on this thread, into the front of the workspace (the workers woken
  // first, so that their wake-up overlaps the packing); each thread's indirection table and edge tile follow it.
  pool.wake();
  const packedBytes = align16(ctx.ex.conv2dPackedBytes(g.filterH, g.filterW, g.inC, g.outC) >>> 0);
  const stride = align16((ctx.ex.conv2dScratchBytes(g.filterH, g.filterW, g.inC, g.outC) >>> 0) - packedBytes);
  const packed = ctx.workspace.get(packedBytes + stride * pool.threads);
  ctx.ex.conv2dPackFilter(f, params, packed);
  pool.begin(14);
  const A = pool.args;
  A[13] = block;
  A[0] = x; A[1] = packed; A[2] = out; A[3] = params; A[4] = bias; A[5] = g.biasSize; A[6] = g.activation; A[7] = g.alpha ?? 0;
  A[8] = prelu; A[9] = g.preluSize ?? 1; A[10] = packed + packedBytes;
  pool.run('conv2dPackedRange', 14, units, 1, 11, 12, -1, 10, stride);
  return true;
}

/** dx over runs of input rows (batch * inH). */
export function parallelConv2dBackpropInput(ctx: ParallelContext, dy: number, f: number, dx: number, params: number, g: ConvGeometry): boolean {
  const pool = ctx.pool;
  const units = g.batch * g.inH;
  if (!pool || units < 2 || !pool.worth(convMacs(g), MIN_MACS)) return false;
  const stride = align16(ctx.ex.conv2dBackpropInputScratchBytes(g.filterH, g.filterW, g.inC, g.outC) >>> 0);
  const scratch = ctx.workspace.get(stride * pool.threads);
  pool.begin(7);
  const A = pool.args;
  A[0] = dy; A[1] = f; A[2] = dx; A[3] = params; A[4] = scratch;
  pool.run('conv2dBackpropInputRange', 7, units, Math.ceil(units / pool.chunksFor(units)), 5, 6, -1, 4, stride);
  return true;
}

/** dFilter over runs of its (tap, input channel) rows. */
export function parallelConv2dBackpropFilter(ctx: ParallelContext, x: number, dy: number, df: number, params: number, g: ConvGeometry): boolean {
  const pool = ctx.pool;
  const units = g.filterH * g.filterW * g.inC;
  if (!pool || units < 2 || !pool.worth(convMacs(g), MIN_MACS)) return false;
  pool.begin(6);
  const A = pool.args;
  A[0] = x; A[1] = dy; A[2] = df; A[3] = params;
  pool.run('conv2dBackpropFilterRange', 6, units, Math.ceil(units / pool.chunksFor(units)), 4, 5, -1);
  return true;
}

/** Rounds a scratch size up to 16 bytes (each thread's block stays v128-aligned). */
const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * A range export (int8.ts) over units [0, units): `args` are its leading arguments; it then takes
 * (scratch,) begin, end; each thread gets its own `scratchBytes` block.
 */
export function parallelUnits(ctx: ParallelContext, name: TaskExport, args: number[], units: number, macs: number, scratchBytes: number): boolean {
  const pool = ctx.pool;
  if (!pool || units < 2 || !pool.worth(macs, MIN_MACS)) return false;
  const hasScratch = scratchBytes > 0;
  const n = args.length + (hasScratch ? 3 : 2);
  const stride = align16(scratchBytes);
  const scratch = hasScratch ? ctx.workspace.get(stride * pool.threads) : 0;
  pool.begin(n);
  const A = pool.args;
  args.forEach((v, i) => (A[i] = v));
  if (hasScratch) A[args.length] = scratch;
  pool.run(name, n, units, Math.ceil(units / pool.chunksFor(units)), n - 2, n - 1, -1, hasScratch ? args.length : -1, stride);
  return true;
}
