/**
 * The wasm int8 kernels (issue 12): checks the operands against the attrs, picks the dot product
 * (dotMode: the u8 or split relaxed dot where a probe found it exact on this engine, else i16),
 * prepares the activations for it on the calling thread (withPrepared: biased to u8, raw int8 or
 * widened to i16, plus the row that conv taps outside the image read), then runs the
 * assembly/int8*.ts range entry over its units, split over the worker pool for big problems. Units
 * cut along independent outputs and the int32 sums are exact, so any split and any dot give the
 * single-thread bits.
 */
import type { TensorInfo } from '../backend.js';
import { packedCols, type ConvGeometry, type Int8Epilogue, type KernelAttrs, type KernelName } from '../kernels.js';
import { writeGeometry, type WasmContext, type WasmKernel } from './kernel_args.js';
import { getInt8Dot } from './int8_dot.js';
import { parallelQuantize, parallelUnits } from './pool_loader.js';

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

/** The dot forms (assembly/int8_relaxed.ts DOT_I16, DOT_SPLIT, DOT_U8). */
const enum Dot { I16 = 0, Split = 1, U8 = 2 }

/** The prepared operands of a matMul / conv range call (assembly/int8.ts int8MatMulRange). */
interface Prepared {
  mode: Dot;
  xw: number;
  xRowBytes: number;
  len: number;
  xsum: number;
  w: number;
  /** Bytes between weight rows (one tap of one output channel). */
  wRowBytes: number;
  wsum: number;
}

/**
 * Prepares the operands (pointers x, w) for the dot kernel, runs fn, frees them. Dot.I16 reads
 * i16 activations (int8Widen, zero point subtracted, plus a zero row) against the packed weights;
 * Dot.U8 activations biased to u8 rows padded to 16 (int8BiasRows, plus the row of the zero point)
 * against int8 weight rows padded to 16 (int8PadWeights; the packed rows as they are when `cols` is
 * a multiple of 16), with per-channel sums; Dot.Split raw int8 rows padded to 16 (int8PadRows, plus
 * a row of the zero point, with row sums) against int8SplitWeights's rows (with per-channel sums).
 * `wRows` weight rows of `cols` values each, `group` rows per output channel.
 */
function withPrepared(
  ctx: WasmContext, mode: Dot, x: number, rows: number, cols: number, zp: number, w: number, wRows: number, group: number, fn: (p: Prepared) => void,
): void {
  const { ex, arena } = ctx;
  const C16 = roundUp(cols, 16), C8 = roundUp(cols, 8), channels = Math.ceil(wRows / group) * 4;
  if (mode === Dot.U8) {
    withBlocks(ctx, [(rows + 1) * C16, channels, cols === C16 ? 0 : wRows * C16], (xw, wsum, ws) => {
      ex.int8BiasRows(x, rows, cols, zp, xw, C16);
      ex.int8PadWeights(w, wRows, cols, group, cols === C16 ? 0 : ws, C16, wsum);
      fn({ mode, xw, xRowBytes: C16, len: C16, xsum: 0, w: cols === C16 ? w : ws, wRowBytes: C16, wsum });
    });
  } else if (mode === Dot.Split) {
    withBlocks(ctx, [(rows + 1) * C16, (rows + 1) * 4, wRows * 2 * C16, channels], (xw, xsum, ws, wsum) => {
      ex.int8PadRows(x, rows, cols, zp, xw, C16, xsum);
      ex.int8SplitWeights(w, wRows, cols, group, ws, C16, wsum);
      fn({ mode, xw, xRowBytes: C16, len: C16, xsum, w: ws, wRowBytes: 2 * C16, wsum });
    });
  } else {
    withBlocks(ctx, [(rows + 1) * C8 * 2], (xw) => {
      ex.int8Widen(x, rows, cols, zp, xw, C8);
      arena.u8.fill(0, xw + rows * C8 * 2, xw + (rows + 1) * C8 * 2);
      fn({ mode, xw, xRowBytes: 2 * C8, len: C8, xsum: 0, w, wRowBytes: 4 * packedCols(cols), wsum: 0 });
    });
  }
}

/** Allocates arena blocks of the given byte sizes, runs fn on their pointers, frees them. */
function withBlocks<T>(ctx: WasmContext, sizes: number[], fn: (...ptrs: number[]) => T): T {
  const blocks: { ptr: number; bytes: number }[] = [];
  try {
    for (const n of sizes) blocks.push(ctx.arena.alloc(n));
    return fn(...blocks.map((b) => b.ptr));
  } finally {
    for (const b of blocks) ctx.arena.release(b.ptr, b.bytes);
  }
}

const LINEAR_F32 = [1, 0, 0, 0, 1, 0]; // epilogueArgs of aScale 1, linear, float32 output

/** Runs int8MatMulRange on one thread over [M, K] x [N, K] packed operands in the arena; returns the float32 [M, N] result. */
function matMulOnce(ctx: WasmContext, mode: Dot, x: Int8Array, w: Int8Array, M: number, N: number, K: number, zp: number): Float32Array {
  const { ex, arena } = ctx;
  const rowBytes = 4 * packedCols(K);
  return withBlocks(ctx, [M * rowBytes, N * rowBytes, N * 4, M * N * 4], (xb, wb, sb, ob) => {
    arena.u8.set(new Uint8Array(x.buffer, x.byteOffset, M * rowBytes), xb);
    arena.u8.set(new Uint8Array(w.buffer, w.byteOffset, N * rowBytes), wb);
    arena.f32.fill(1, sb >>> 2, (sb >>> 2) + N);
    withPrepared(ctx, mode, xb, M, K, zp, wb, N, 1, (p) => {
      const nb = roundUp(N, 2);
      ex.int8MatMulRange(p.xw, p.w, sb, 0, ob, M, N, p.len, p.xRowBytes, p.wRowBytes, nb, p.mode, p.xsum, p.wsum, zp, ...LINEAR_F32,
        ctx.workspace.get(ex.int8MatMulScratchBytes(nb)), 0, Math.ceil(M / 4));
    });
    return arena.f32.slice(ob >>> 2, (ob >>> 2) + M * N);
  });
}

/** Whether `mode` gives the exact integer sums of a probe with extreme and ragged values (K = 37 and 48: padded and direct weight rows). */
function probeExact(ctx: WasmContext, mode: Dot): boolean {
  for (const K of [37, 48]) {
    const M = 5, N = 3, zp = 3, rowBytes = 4 * packedCols(K);
    const x = new Int8Array(M * rowBytes), w = new Int8Array(N * rowBytes);
    for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) x[m * rowBytes + k] = ((m * 31 + k * 17) % 256) - 128;
    for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) w[n * rowBytes + k] = ((n * 29 + k * 11) % 255) - 127;
    // runs of extremes: products that overflow i16 pairwise (a saturating dot) or read u8 255 as -1
    for (let k = 0; k < 8; k++) {
      x[k] = 127; x[rowBytes + k] = -128; w[k] = 127; w[rowBytes + k] = -127;
    }
    const got = matMulOnce(ctx, mode, x, w, M, N, K, zp);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc += (x[m * rowBytes + k] - zp) * w[n * rowBytes + k];
        if (got[m * N + n] !== acc) return false;
      }
    }
  }
  return true;
}

const probed = new WeakMap<object, Map<Dot, boolean>>();
const lastDot = new WeakMap<object, Dot>();
const DOT_NAMES = ['i16', 'relaxed', 'u8'] as const;

/** Which int8 dot this module instance ran last (memory().int8Dot): 'u8' or 'relaxed' (relaxed dots), 'i16', or 'unchecked' before the first int8 matMul / conv. */
export function int8DotKind(ex: object): string {
  const v = lastDot.get(ex);
  if (v === undefined) return (ex as { isRelaxed(): number }).isRelaxed() ? 'unchecked' : 'i16';
  return DOT_NAMES[v];
}

/** probeExact, once per module instance and dot. */
function exactOn(ctx: WasmContext, mode: Dot): boolean {
  let m = probed.get(ctx.ex);
  if (!m) probed.set(ctx.ex, (m = new Map()));
  let ok = m.get(mode);
  if (ok === undefined) m.set(mode, (ok = probeExact(ctx, mode)));
  return ok;
}

/**
 * The int8 dot this module instance takes (tf.wasm.setInt8Dot may name one): only the relaxed
 * build has the relaxed ones, and each only when a probe gives the exact integer sums on this
 * engine. Dot.U8 relies on the engine's relaxed dot reading its second operand as unsigned bytes
 * without saturating (V8 on x86 with AVX-VNNI: vpdpbusd); Dot.Split only on its deterministic
 * range, but Node 20's V8 (relaxed SIMD behind a flag) returned wrong sums there too.
 */
function dotMode(ctx: WasmContext): Dot {
  const want = getInt8Dot(), relaxed = ctx.ex.isRelaxed();
  let mode = want === 'u8' ? Dot.U8 : want === 'relaxed' ? Dot.Split : Dot.I16;
  if (want === 'auto' && relaxed) mode = exactOn(ctx, Dot.U8) ? Dot.U8 : exactOn(ctx, Dot.Split) ? Dot.Split : Dot.I16;
  else if (mode !== Dot.I16 && !(relaxed && exactOn(ctx, mode))) {
    throw new Error(`wasm int8: setInt8Dot('${want}'), but that dot is not exact on this engine (${relaxed ? 'its probe failed' : 'no relaxed SIMD'}); use 'auto'`);
  }
  lastDot.set(ctx.ex, mode);
  return mode;
}

const epilogueArgs = (e: Int8Epilogue) => [e.aScale, e.activation, e.alpha, e.outInt8 ? 1 : 0, e.outScale, e.outZeroPoint];

type RangeExport = 'int8MatMulRange' | 'int8ConvRange' | 'int8DepthwiseRange' | 'int8SmallConvRange' | 'int8BcastRange';

/**
 * Runs a range export over units [0, units): `args` are its leading arguments; it then takes
 * (scratch,) begin, end. Split over the pool when there is one and the work is worth it.
 */
function runUnits(ctx: WasmContext, name: RangeExport, args: number[], units: number, macs: number, scratchBytes: number): void {
  if (parallelUnits(ctx, name, args, units, macs, scratchBytes)) return;
  const hasScratch = scratchBytes > 0;
  const fn = ctx.ex[name] as (...a: number[]) => void;
  if (hasScratch) fn(...args, ctx.workspace.get(scratchBytes), 0, units);
  else fn(...args, 0, units);
}

/** int8MatMulRange over prepared [M, len] rows against N weight rows, split into units of 4 rows x nb columns (see the kernel). */
function runMatMulUnits(ctx: WasmContext, p: Prepared, ins: TensorInfo[], outs: TensorInfo[], M: number, N: number, K: number, e: Int8Epilogue): void {
  // column blocks of weight rows that stay in L2 (~128 KB), more blocks when the rows alone are too few to split
  let nb = Math.max(2, Math.min(roundUp(N, 2), 2 * Math.floor(65536 / Math.max(1, p.wRowBytes))));
  const rowBlocks = Math.ceil(M / 4);
  const want = ctx.pool ? ctx.pool.threads * ctx.pool.chunksPerThread : 1;
  if (rowBlocks * Math.ceil(N / nb) < want) nb = Math.max(2, roundUp(Math.ceil(N / Math.ceil(want / rowBlocks)), 2));
  const units = rowBlocks * Math.ceil(N / nb);
  const args = [p.xw, p.w, ctx.ptr(ins[2]), e.hasBias ? ctx.ptr(ins[3]) : 0, ctx.ptr(outs[0]), M, N, p.len, p.xRowBytes, p.wRowBytes, nb,
    p.mode, p.xsum, p.wsum, e.aZeroPoint, ...epilogueArgs(e)];
  runUnits(ctx, 'int8MatMulRange', args, units, M * N * K, ctx.ex.int8MatMulScratchBytes(nb));
}

/**
 * Few input channels (inC = 1, 3, 4, ...): the per-tap dots would pad each tap's inC values to 8
 * (16 relaxed); as compact patches (assembly/int8_im2col.ts) the conv is one matMul over
 * taps * inC values padded once. Taken when that reads at most 3/4 of the values and the patches fit.
 */
function compactConvCols(g: ConvGeometry): number {
  const taps = g.filterH * g.filterW, cols = roundUp(taps * g.inC, 8);
  const pixels = g.batch * g.outH * g.outW;
  return g.inC % 8 !== 0 && 4 * cols <= 3 * taps * roundUp(g.inC, 8) && (pixels + 1) * cols * 2 + g.batch * g.inH * g.inW * g.inC * 2 <= 64 << 20 ? cols : 0;
}

/** int8Conv2d through compact patches and compact weights (i16 dots, exact int32 sums as every path). */
function compactConv(ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], g: KernelAttrs['int8Conv2d'], cols: number): void {
  const { ex } = ctx;
  const pixels = g.batch * g.outH * g.outW, taps = g.filterH * g.filterW;
  withBlocks(ctx, [(pixels + 1) * cols * 2 + 16, g.outC * cols, ex.int8Im2colScratchBytes(g.batch * g.inH * g.inW, g.inC)], (xb, wb, sb) => {
    ex.int8Im2col(ctx.ptr(ins[0]), writeGeometry(ctx, g), g.aZeroPoint, xb, cols, sb);
    ex.int8CompactWeights(ctx.ptr(ins[1]), g.outC, taps, g.inC, wb, cols);
    const p: Prepared = { mode: Dot.I16, xw: xb, xRowBytes: 2 * cols, len: cols, xsum: 0, w: wb, wRowBytes: cols, wsum: 0 };
    runMatMulUnits(ctx, p, ins, outs, pixels, g.outC, taps * g.inC, g);
  });
}

/**
 * Few input channels (and many, see below) with the u8 dot (Dot.U8 only): int8BcastRange (assembly/int8_bcast.ts) over
 * the input biased to u8 (int8BiasCompact), each filter row's fw * inC values padded to groups of
 * 4 against channel-interleaved weights; windows inside the image are read where they lie, the
 * others gathered by each unit, so on every thread. Taken for outC >= 4 (blocks of 8 channels): at
 * outC = 4 it overtook smallConv once int8BiasCompact took inC = 1 four pixels a vector and a last
 * block of 4 channels went straight out (a 200x28x28x1 -> 4 conv, 1 thread in Chromium at load 8-13:
 * bias + conv 1.4 ms against 2.0-2.2 ms widen + smallConv; -> 8 from 4 channels on 13x13: 0.31 against 0.63 ms).
 * Also taken for inC a multiple of 8 where each weight byte meets at least 64 output pixels (the
 * interleave runs on the calling thread, ~1 ns a byte once the weights leave the cache): no horizontal
 * sums, patch copies nor padding to 16, and float32 outputs go straight out (1 thread in Chromium,
 * bench/int8conv_profile.mjs: [1,56,56,64]x[3,3,64,64] bias + interleave + conv 2.29 against 2.60 ms
 * for int8ConvRange with its preparation, [1,28,28,32]x[3,3,32,96] 0.41 against 0.46 ms; at 14x14 with
 * 256 -> 256 channels the interleave alone took 0.61 of int8ConvRange's 2.1 ms).
 */
function u8CompactConv(ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], g: KernelAttrs['int8Conv2d']): void {
  const { ex } = ctx;
  const pixels = g.batch * g.outH * g.outW, nPad = roundUp(g.outC, 8), inPixels = g.batch * g.inH * g.inW;
  const runGroups = Math.ceil((g.filterW * g.inC) / 4);
  withBlocks(ctx, [inPixels * g.inC + 16, g.filterH * runGroups * nPad * 4, nPad * 4], (xc, wb, wsum) => {
    ex.int8BiasCompact(ctx.ptr(ins[0]), inPixels, g.inC, xc);
    ex.int8InterleaveU8Weights(ctx.ptr(ins[1]), g.outC, g.filterH, g.filterW, g.inC, wb, runGroups, nPad, wsum);
    const args = [xc, writeGeometry(ctx, g), wb, ctx.ptr(ins[2]), g.hasBias ? ctx.ptr(ins[3]) : 0, ctx.ptr(outs[0]), g.outC, runGroups, nPad, wsum, g.aZeroPoint, ...epilogueArgs(g)];
    runUnits(ctx, 'int8BcastRange', args, Math.ceil(pixels / 4), pixels * g.outC * g.filterH * g.filterW * g.inC, ex.int8BcastScratchBytes(nPad, g.filterH, runGroups));
  });
}

/** Few input and output channels (the first convs of small CNNs): int8SmallConvRange over the widened input, no patch matrix. */
function smallConv(ctx: WasmContext, ins: TensorInfo[], outs: TensorInfo[], g: KernelAttrs['int8Conv2d']): void {
  const { ex } = ctx;
  const pixels = g.batch * g.outH * g.outW, inPixels = g.batch * g.inH * g.inW, nPad = roundUp(g.outC, 4);
  const runPairs = Math.ceil((g.filterW * g.inC) / 2);
  withBlocks(ctx, [ex.int8Im2colScratchBytes(inPixels, g.inC), g.filterH * runPairs * nPad * 4], (xb, wb) => {
    ex.int8WidenCompact(ctx.ptr(ins[0]), inPixels, g.inC, g.aZeroPoint, xb);
    ex.int8InterleaveConvWeights(ctx.ptr(ins[1]), g.outC, g.filterH, g.filterW, g.inC, wb, nPad);
    const args = [xb, writeGeometry(ctx, g), wb, nPad, ctx.ptr(ins[2]), g.hasBias ? ctx.ptr(ins[3]) : 0, ctx.ptr(outs[0]), ...epilogueArgs(g)];
    runUnits(ctx, 'int8SmallConvRange', args, Math.ceil(pixels / 4), pixels * g.outC * g.filterH * g.filterW * g.inC,
      ex.int8SmallConvScratchBytes(g.filterH, g.filterW, g.inC, nPad));
  });
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
    if (outs[0].size === 0) return;
    const [x, out] = [ctx.ptr(ins[0]), ctx.ptr(outs[0])];
    if (!parallelQuantize(ctx, x, out, a.rows, a.cols, a.scale, a.zeroPoint)) ctx.ex.int8Quantize(x, out, a.rows, a.cols, a.scale, a.zeroPoint);
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
    withPrepared(ctx, dotMode(ctx), ctx.ptr(ins[0]), a.M, a.K, a.aZeroPoint, ctx.ptr(ins[1]), a.N, 1, (p) => {
      runMatMulUnits(ctx, p, ins, outs, a.M, a.N, a.K, a);
    });
  },
  int8Conv2d: (ctx, ins, outs, g) => {
    checkOperands('int8Conv2d', ins, outs, g, convSizes(g, g.outC * g.filterH * g.filterW * packedCols(g.inC), g.outC, g.outInt8));
    const pixels = g.batch * g.outH * g.outW;
    if (pixels === 0 || g.outC === 0) return;
    const mode = dotMode(ctx);
    const taps = g.filterH * g.filterW;
    if (mode === Dot.U8 && g.outC >= 4 && (g.inC % 8 !== 0 || g.outC * taps * g.inC <= 64 * pixels)) return u8CompactConv(ctx, ins, outs, g);
    if (g.outC <= 16 && g.inC % 8 !== 0) return smallConv(ctx, ins, outs, g);
    const cols = compactConvCols(g);
    if (cols) return compactConv(ctx, ins, outs, g, cols);
    withPrepared(ctx, mode, ctx.ptr(ins[0]), g.batch * g.inH * g.inW, g.inC, g.aZeroPoint, ctx.ptr(ins[1]), g.outC * taps, taps, (p) => {
      const args = [p.xw, p.w, ctx.ptr(ins[2]), g.hasBias ? ctx.ptr(ins[3]) : 0, ctx.ptr(outs[0]), writeGeometry(ctx, g), p.len, p.xRowBytes,
        p.wRowBytes, p.mode, p.xsum, p.wsum, g.aZeroPoint, ...epilogueArgs(g)];
      runUnits(ctx, 'int8ConvRange', args, Math.ceil(pixels / 4), pixels * g.outC * taps * g.inC, ctx.ex.int8ConvScratchBytes(taps, g.outC, p.xRowBytes));
    });
  },
  int8DepthwiseConv2d: (ctx, ins, outs, g) => {
    checkOperands('int8DepthwiseConv2d', ins, outs, g, convSizes(g, g.filterH * g.filterW * packedCols(g.inC), g.inC, g.outInt8));
    const pixels = g.batch * g.outH * g.outW;
    if (pixels === 0 || g.inC === 0) return;
    // i16 activations (withPrepared's Dot.I16 widening plus a zero row), the packed weights as they are
    withPrepared(ctx, Dot.I16, ctx.ptr(ins[0]), g.batch * g.inH * g.inW, g.inC, g.aZeroPoint, 0, 0, 1, ({ xw, len: C8 }) => {
      const args = [xw, ctx.ptr(ins[1]), ctx.ptr(ins[2]), g.hasBias ? ctx.ptr(ins[3]) : 0, ctx.ptr(outs[0]), writeGeometry(ctx, g), C8, ...epilogueArgs(g)];
      runUnits(ctx, 'int8DepthwiseRange', args, pixels, pixels * g.inC * g.filterH * g.filterW, 0);
    });
  },
};
