/**
 * The wasm backend's kernels against the js reference kernels (jsKernels) on the same inputs:
 * awkward sizes (0, 1, 3, 17, tile +- 1, K >= 1000), broadcasting by stride 0, NaN/Inf, int32 and
 * bool operands, every op code, transpose and activation. Also the arena (reuse, growth) and
 * module selection. In Node the plain SIMD module runs (Node 20 has no relaxed SIMD); the last
 * block turns on V8's relaxed-SIMD flag in this worker and reruns matMul/softmax on the relaxed build.
 */
import { setFlagsFromString } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DType, TensorInfo } from '../src/backends/backend.js';
import { Activation, Binary, Reduce, Unary, type KernelAttrs, type KernelName } from '../src/backends/kernels.js';
import { createWasmBackendSync, type WasmBackend } from '../src/backends/wasm/index.js';
import { hasRelaxedSimd } from '../src/backends/wasm/module.js';
import { blockSize } from '../src/backends/wasm/arena.js';
import {
  expectClose, rng, runBoth as runOnBoth, sizeOf, type KernelInput, type KernelOutput,
} from './helpers/wasm_compare.js';

let wasm: WasmBackend = createWasmBackendSync()!;

const rand = rng(42);
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 2.5, -2.5, 1e-30];

function floats(n: number, lo = -3, hi = 3, specials = false): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  if (specials) for (let i = 0; i < Math.min(n, SPECIALS.length); i++) a[(i * 7) % n] = SPECIALS[i];
  return a;
}
function ints(n: number, lo = -5, hi = 5): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor((hi - lo + 1) * rand());
  return a;
}
function bools(n: number): Int32Array {
  return ints(n, 0, 1);
}

type In = KernelInput;
type Out = KernelOutput;
const runBoth = <K extends KernelName>(kernel: K, ins: In[], outs: Out[], attrs: KernelAttrs[K]) =>
  runOnBoth(wasm, kernel, ins, outs, attrs);

/** Strides of `shape` broadcast to `outShape` (0 where broadcast). */
function bstrides(shape: number[], outShape: number[]): number[] {
  const r = outShape.length;
  const padded = [...new Array(r - shape.length).fill(1), ...shape];
  const st = new Array(r).fill(0);
  let s = 1;
  for (let d = r - 1; d >= 0; d--) {
    st[d] = padded[d] === 1 ? 0 : s;
    s *= padded[d];
  }
  return st;
}

const EXACT_UNARY = new Set<number>([Unary.identity, Unary.neg, Unary.abs, Unary.sqrt, Unary.rsqrt, Unary.square, Unary.reciprocal,
  Unary.relu, Unary.relu6, Unary.floor, Unary.ceil, Unary.round, Unary.sign, Unary.clip, Unary.logicalNot, Unary.isNaN,
  Unary.isInf, Unary.isFinite, Unary.step]);
const BOOL_UNARY = new Set<number>([Unary.logicalNot, Unary.isNaN, Unary.isInf, Unary.isFinite]);

describe('wasm backend: module and arena', () => {
  it('picks the plain SIMD module in Node 20 (no relaxed SIMD) and reports it', () => {
    expect(wasm).not.toBeNull();
    expect(wasm.memory().module).toBe(hasRelaxedSimd() ? 'relaxed-simd' : 'simd');
    const plain = createWasmBackendSync('simd')!;
    expect(plain.memory().module).toBe('simd');
  });

  it('blocks are 16-byte multiples with under 16 bytes of slack', () => {
    for (const b of [0, 1, 16, 17, 63, 64, 65, 100, 1000, 4096, 4097, 1e6, 4e6 + 3]) {
      const c = blockSize(b);
      expect(c % 16).toBe(0);
      expect(c).toBeGreaterThanOrEqual(Math.max(b, 16));
      expect(c).toBeLessThan(Math.max(b, 16) + 16);
    }
  });

  it('allocates aligned blocks, reuses freed ones, counts buffers and bytes', () => {
    const b = createWasmBackendSync()!;
    const m0 = b.memory();
    const ids = [1, 3, 17, 1000].map((n) => b.allocate(n, 'float32'));
    expect(b.memory().numBuffers).toBe(m0.numBuffers + 4);
    expect(b.memory().numBytes).toBe(m0.numBytes + 4 * (1 + 3 + 17 + 1000));
    for (const id of ids) expect((id as unknown as { ptr: number }).ptr % 16).toBe(0);
    const p17 = (ids[2] as unknown as { ptr: number }).ptr;
    b.free(ids[2]);
    expect(b.memory().numBuffers).toBe(m0.numBuffers + 3);
    const again = b.allocate(17, 'int32');
    expect((again as unknown as { ptr: number }).ptr).toBe(p17);
    const reserved = b.memory().arenaReserved as number;
    b.free(again);
    b.allocate(18, 'float32'); // fits the freed block: no new arena bytes
    expect(b.memory().arenaReserved).toBe(reserved);
  });

  it('growth keeps old data intact and refreshes the views', () => {
    const b = createWasmBackendSync()!;
    const data = floats(1000, -10, 10);
    const id = b.allocate(1000, 'float32');
    b.write(id, data);
    const before = b.memory().arenaBytes as number;
    const big = b.allocate(8 * 1024 * 1024, 'float32'); // 32 MiB forces a grow
    expect(b.memory().arenaBytes as number).toBeGreaterThan(before);
    expect(b.readSync(id, 'float32', 1000)).toEqual(data);
    const bigData = new Int32Array(8 * 1024 * 1024).map((_, i) => i);
    b.write(big, bigData);
    expect(b.readSync(big, 'int32', bigData.length)[8 * 1024 * 1024 - 1]).toBe(8 * 1024 * 1024 - 1);
    expect(b.readSync(id, 'float32', 1000)).toEqual(data);
  });

  it('throws a clear error for kernels it lacks, bad arity and freed tensors', () => {
    const id = wasm.allocate(4, 'float32');
    const t: TensorInfo = { dataId: id, shape: [4], dtype: 'float32', size: 4 };
    expect(() => wasm.run('fft' as KernelName, [t], [t], {} as never)).toThrow(/kernel 'fft' is not implemented/);
    expect(() => wasm.run('conv2d', [t], [t], {} as never)).toThrow(/conv2d/);
    wasm.free(id);
    expect(() => wasm.run('unary', [t], [t], { op: 0, alpha: 0, beta: 0 })).toThrow(/freed/);
  });
});

describe('wasm kernels vs js reference: elementwise', () => {
  it('unary: every op code, float32, sizes 0..1001 with NaN/Inf', () => {
    for (const op of Object.values(Unary)) {
      for (const n of [0, 1, 3, 17, 1001]) {
        const x = floats(n, -4, 4, true);
        const outDtype: DType = BOOL_UNARY.has(op) ? 'bool' : 'float32';
        const attrs = { op, alpha: op === Unary.clip ? -1.5 : 0.2, beta: 2 };
        const { want, got } = runBoth('unary', [{ data: x, shape: [n], dtype: 'float32' }], [{ shape: [n], dtype: outDtype }], attrs);
        const exact = EXACT_UNARY.has(op);
        expectClose(got[0], want[0], exact ? 1e-6 : 1e-4, exact ? 0 : 1e-6, `unary op ${op} n ${n}`);
      }
    }
  });

  it('unary: wide range exp/sigmoid/softplus/tanh', () => {
    for (const op of [Unary.exp, Unary.sigmoid, Unary.swish, Unary.softplus, Unary.tanh, Unary.elu, Unary.gelu]) {
      const x = floats(257, -80, 80);
      const { want, got } = runBoth('unary', [{ data: x, shape: [257], dtype: 'float32' }], [{ shape: [257], dtype: 'float32' }], { op, alpha: 0, beta: 0 });
      expectClose(got[0], want[0], 1e-4, 1e-6, `unary wide op ${op}`);
    }
  });

  it('unary: small magnitudes for the f32x4 tanh/erf/gelu/sigmoid polynomials', () => {
    for (const op of [Unary.tanh, Unary.erf, Unary.gelu, Unary.geluTanh, Unary.sigmoid, Unary.swish]) {
      for (const [lo, hi] of [[-0.7, 0.7], [-1e-3, 1e-3], [0.6, 0.65], [0.45, 0.55]]) {
        const x = floats(203, lo, hi);
        const { want, got } = runBoth('unary', [{ data: x, shape: [203], dtype: 'float32' }], [{ shape: [203], dtype: 'float32' }], { op, alpha: 0, beta: 0 });
        expectClose(got[0], want[0], 1e-4, 1e-7, `unary small op ${op} [${lo}, ${hi}]`);
      }
    }
  });

  it('unary: int32/bool inputs and int32/bool outputs (cast semantics)', () => {
    const fx = floats(40, -1e3, 1e3, true);
    for (const dt of ['int32', 'bool'] as DType[]) {
      const { want, got } = runBoth('unary', [{ data: fx, shape: [40], dtype: 'float32' }], [{ shape: [40], dtype: dt }], { op: 0, alpha: 0, beta: 0 });
      expectClose(got[0], want[0], 0, 0, `cast float32 -> ${dt}`);
    }
    const ix = ints(41, -1000, 1000);
    for (const op of [Unary.identity, Unary.neg, Unary.abs, Unary.square, Unary.sign, Unary.exp, Unary.logicalNot]) {
      for (const dt of ['float32', 'int32', 'bool'] as DType[]) {
        const { want, got } = runBoth('unary', [{ data: ix, shape: [41], dtype: 'int32' }], [{ shape: [41], dtype: dt }], { op, alpha: 0, beta: 0 });
        expectClose(got[0], want[0], 1e-6, 0, `unary int32 op ${op} -> ${dt}`);
      }
    }
    const bx = bools(19);
    const { want, got } = runBoth('unary', [{ data: bx, shape: [19], dtype: 'bool' }], [{ shape: [19], dtype: 'bool' }], { op: Unary.logicalNot, alpha: 0, beta: 0 });
    expectClose(got[0], want[0], 0, 0, 'logicalNot bool');
  });

  const BOOL_BINARY = new Set<number>([Binary.equal, Binary.notEqual, Binary.greater, Binary.greaterEqual, Binary.less,
    Binary.lessEqual, Binary.logicalAnd, Binary.logicalOr]);
  const SHAPE_CASES: [number[], number[], number[]][] = [
    [[17], [17], [17]],
    [[3, 17], [3, 17], [1, 17]],
    [[3, 17], [3, 1], [3, 17]],
    [[1001], [1001], []],
    [[1001], [], [1001]],
    [[0, 5], [0, 5], [5]],
    [[], [], []],
    [[2, 3, 1, 4, 2, 5], [2, 1, 1, 4, 1, 5], [1, 3, 1, 1, 2, 5]],
    [[4, 9], [4, 9], [4, 1]],
  ];

  it('binary: every op code over broadcast shapes, float32 with NaN/Inf', () => {
    for (const op of Object.values(Binary)) {
      for (const [outShape, aShape, bShape] of SHAPE_CASES) {
        const a = floats(sizeOf(aShape), -3, 3, true);
        const b = floats(sizeOf(bShape), -3, 3, true);
        const attrs = { op, outShape, aStrides: bstrides(aShape, outShape), bStrides: bstrides(bShape, outShape) };
        const outDtype: DType = BOOL_BINARY.has(op) ? 'bool' : 'float32';
        const { want, got } = runBoth('binary', [{ data: a, shape: aShape, dtype: 'float32' }, { data: b, shape: bShape, dtype: 'float32' }],
          [{ shape: outShape, dtype: outDtype }], attrs);
        const tol = op === Binary.pow || op === Binary.atan2 ? 1e-5 : 1e-6;
        expectClose(got[0], want[0], tol, 1e-7, `binary op ${op} out [${outShape}] a [${aShape}] b [${bShape}]`);
      }
    }
  });

  it('binary: int32 and bool operands, mixed dtypes', () => {
    for (const op of Object.values(Binary)) {
      const outShape = [3, 17];
      const a = ints(51, -7, 7);
      const b = ints(17, -3, 3);
      const outDtype: DType = BOOL_BINARY.has(op) ? 'bool' : op === Binary.div || op === Binary.pow || op === Binary.atan2 ? 'float32' : 'int32';
      const attrs = { op, outShape, aStrides: [17, 1], bStrides: [0, 1] };
      const r1 = runBoth('binary', [{ data: a, shape: [3, 17], dtype: 'int32' }, { data: b, shape: [17], dtype: 'int32' }], [{ shape: outShape, dtype: outDtype }], attrs);
      expectClose(r1.got[0], r1.want[0], 1e-6, 0, `binary int32 op ${op}`);
      const fb = floats(17, -3, 3, true);
      const r2 = runBoth('binary', [{ data: a, shape: [3, 17], dtype: 'int32' }, { data: fb, shape: [17], dtype: 'float32' }], [{ shape: outShape, dtype: BOOL_BINARY.has(op) ? 'bool' : 'float32' }], attrs);
      expectClose(r2.got[0], r2.want[0], 1e-6, 1e-7, `binary int32*float32 op ${op}`);
    }
    for (const op of [Binary.logicalAnd, Binary.logicalOr, Binary.equal]) {
      const r = runBoth('binary', [{ data: bools(17), shape: [17], dtype: 'bool' }, { data: bools(17), shape: [17], dtype: 'bool' }],
        [{ shape: [17], dtype: 'bool' }], { op, outShape: [17], aStrides: [1], bStrides: [1] });
      expectClose(r.got[0], r.want[0], 0, 0, `binary bool op ${op}`);
    }
  });

  it('select: broadcast cond, float32 and int32 branches', () => {
    const cases: [number[], number[], number[], number[]][] = [
      [[17], [17], [17], [17]], [[3, 17], [3, 1], [3, 17], [17]], [[1001], [], [1001], [1001]], [[0, 3], [3], [0, 3], [0, 3]],
      [[2, 3, 2, 2, 3, 5], [2, 1, 2, 1, 3, 1], [2, 3, 2, 2, 3, 5], [1, 1, 1, 1, 1, 5]],
    ];
    for (const dt of ['float32', 'int32'] as DType[]) {
      for (const [outShape, cShape, aShape, bShape] of cases) {
        const make = (s: number[]) => (dt === 'float32' ? floats(sizeOf(s), -3, 3, true) : ints(sizeOf(s)));
        const { want, got } = runBoth('select', [{ data: bools(sizeOf(cShape)), shape: cShape, dtype: 'bool' },
          { data: make(aShape), shape: aShape, dtype: dt }, { data: make(bShape), shape: bShape, dtype: dt }], [{ shape: outShape, dtype: dt }],
        { outShape, condStrides: bstrides(cShape, outShape), aStrides: bstrides(aShape, outShape), bStrides: bstrides(bShape, outShape) });
        expectClose(got[0], want[0], 0, 0, `select ${dt} [${outShape}]`);
      }
    }
  });
});

describe('wasm kernels vs js reference: reduce and softmax', () => {
  const outDtypeOf = (op: number, inDtype: DType): DType =>
    op === Reduce.argMax || op === Reduce.argMin ? 'int32' : op === Reduce.any || op === Reduce.all ? 'bool'
      : inDtype === 'float32' || op === Reduce.mean || op === Reduce.logSumExp ? 'float32' : 'int32';

  it('reduce: every op code, float32/int32/bool, awkward shapes and NaN', () => {
    const shapes: [number, number][] = [[1, 1], [3, 17], [2, 1000], [5, 3], [4, 0], [0, 7], [1, 4097]];
    for (const op of Object.values(Reduce)) {
      for (const [outer, inner] of shapes) {
        for (const dt of ['float32', 'int32', 'bool'] as DType[]) {
          const n = outer * inner;
          const data = dt === 'float32' ? floats(n, -2, 2, op !== Reduce.prod && outer * inner < 100) : dt === 'int32' ? ints(n, -3, 3) : bools(n);
          const outDtype = outDtypeOf(op, dt);
          const { want, got } = runBoth('reduce', [{ data, shape: [outer, inner], dtype: dt }], [{ shape: [outer], dtype: outDtype }], { op, outer, inner });
          expectClose(got[0], want[0], op === Reduce.prod ? 1e-5 : 1e-5, 1e-5, `reduce op ${op} ${dt} [${outer}, ${inner}]`);
        }
      }
    }
  });

  it('reduce: NaN handling of max/min/argMax/argMin/logSumExp', () => {
    const data = new Float32Array([1, NaN, 3, -Infinity, -Infinity, -Infinity, 2, 5, Infinity]);
    for (const op of [Reduce.max, Reduce.min, Reduce.argMax, Reduce.argMin, Reduce.logSumExp, Reduce.sum]) {
      const { want, got } = runBoth('reduce', [{ data, shape: [3, 3], dtype: 'float32' }], [{ shape: [3], dtype: outDtypeOf(op, 'float32') }], { op, outer: 3, inner: 3 });
      expectClose(got[0], want[0], 1e-6, 0, `reduce specials op ${op}`);
    }
  });

  it('softmax and logSoftmax: sizes, +-1000 logits, -Inf and NaN rows', () => {
    const cases: [number, number, Float32Array?][] = [[1, 1], [3, 17], [2, 1000], [4, 3], [7, 64], [0, 5], [3, 0],
      [2, 5, new Float32Array([1000, -1000, 999, 0, -999, -1000, -1000, -1000, 1000, 1000])],
      [2, 3, new Float32Array([-Infinity, -Infinity, -Infinity, 1, NaN, 2])],
      [1, 6, new Float32Array([-Infinity, 0, 1, -Infinity, 2, 3])],
      // wide rows: NaN and +Infinity inside the 16-wide max / 8-wide exp steps and in the tail
      [4, 37, (() => { const d = floats(4 * 37, -10, 10); d[20] = NaN; d[37 + 30] = Infinity; d[74 + 36] = NaN; d[111] = 1000; return d; })()]];
    for (const log of [false, true]) {
      for (const [rows, cols, given] of cases) {
        const data = given ?? floats(rows * cols, -10, 10);
        const { want, got } = runBoth('softmax', [{ data, shape: [rows, cols], dtype: 'float32' }], [{ shape: [rows, cols], dtype: 'float32' }], { rows, cols, log });
        expectClose(got[0], want[0], 1e-5, 1e-6, `softmax log=${log} [${rows}, ${cols}]`);
      }
    }
  });
});

function mm(batch: number, M: number, N: number, K: number, o: Partial<KernelAttrs['matMul']> & { aBatches?: number; bBatches?: number } = {}) {
  const tA = o.transposeA ?? false, tB = o.transposeB ?? false;
  const aB = o.aBatches ?? batch, bB = o.bBatches ?? batch;
  const attrs: KernelAttrs['matMul'] = {
    batch, M, N, K, transposeA: tA, transposeB: tB, aBatchStride: aB === 1 && batch > 1 ? 0 : M * K,
    bBatchStride: bB === 1 && batch > 1 ? 0 : K * N, hasBias: o.hasBias ?? false, biasSize: o.biasSize ?? N,
    activation: o.activation ?? 0, alpha: o.alpha ?? 0.1, preluSize: o.preluSize ?? N,
  };
  const ins: In[] = [
    { data: floats(aB * M * K, -1, 1), shape: tA ? [aB, K, M] : [aB, M, K], dtype: 'float32' },
    { data: floats(bB * K * N, -1, 1), shape: tB ? [bB, N, K] : [bB, K, N], dtype: 'float32' },
  ];
  if (attrs.hasBias) ins.push({ data: floats(attrs.biasSize, -1, 1), shape: [attrs.biasSize], dtype: 'float32' });
  if (attrs.activation === Activation.prelu) ins.push({ data: floats(attrs.preluSize, 0, 0.5), shape: [attrs.preluSize], dtype: 'float32' });
  const { want, got } = runBoth('matMul', ins, [{ shape: [batch, M, N], dtype: 'float32' }], attrs);
  expectClose(got[0], want[0], 1e-4, 1e-4 * Math.sqrt(Math.max(K, 1)) * 0.1, `matMul b${batch} ${M}x${N}x${K} tA ${tA} tB ${tB} act ${attrs.activation}`);
}

describe('wasm kernels vs js reference: matMul', () => {
  it('awkward sizes, all transpose combos', () => {
    const sizes: [number, number, number][] = [[1, 1, 1], [3, 17, 5], [4, 8, 16], [5, 9, 7], [3, 7, 1], [17, 3, 33],
      [63, 65, 257], [64, 64, 256], [65, 63, 255], [2, 1, 40], [1, 30, 2]];
    for (const [M, N, K] of sizes) {
      for (const transposeA of [false, true]) for (const transposeB of [false, true]) mm(1, M, N, K, { transposeA, transposeB });
    }
  });

  it('large K (>= 1000) and multiple K blocks', () => {
    mm(1, 9, 17, 1000);
    mm(1, 33, 20, 1537, { transposeA: true, transposeB: true });
    mm(1, 5, 130, 1031, { transposeB: true });
  });

  it('batches, with batch broadcast of A or B (stride 0)', () => {
    mm(3, 5, 9, 7);
    mm(3, 5, 9, 7, { aBatches: 1 });
    mm(4, 17, 3, 20, { bBatches: 1, transposeB: true });
    mm(2, 1, 1, 1, { aBatches: 1, transposeA: true });
  });

  it('fused epilogue: bias (N and 1) and every activation', () => {
    for (const act of Object.values(Activation)) {
      mm(2, 7, 19, 13, { hasBias: true, activation: act, alpha: 0.3 });
      mm(1, 4, 8, 3, { hasBias: true, biasSize: 1, activation: act, preluSize: 1 });
      mm(1, 6, 5, 9, { hasBias: false, activation: act });
    }
  });

  it('zero-size M or N does nothing, K = 0 gives the epilogue of zero', () => {
    mm(1, 0, 5, 3);
    mm(1, 4, 0, 3);
    mm(1, 3, 5, 0, { hasBias: true, activation: Activation.sigmoid });
  });
});

describe('wasm kernels vs js reference: layout', () => {
  it('copyStrided: transpose, slice, broadcast, tile, reverse, rank 6', () => {
    const x = floats(60, -5, 5, true);
    const cases: KernelAttrs['copyStrided'][] = [
      { outShape: [5, 12], inStrides: [1, 5], modDims: [5, 12], offset: 0 }, // transpose [12,5]
      { outShape: [2, 3], inStrides: [12, 1], modDims: [2, 3], offset: 14 }, // slice
      { outShape: [4, 12], inStrides: [0, 1], modDims: [4, 12], offset: 0 }, // broadcast
      { outShape: [3, 17], inStrides: [1, 0], modDims: [3, 17], offset: 5 }, // broadcast inner
      { outShape: [3, 25], inStrides: [12, 1], modDims: [3, 12], offset: 0 }, // tile inner
      { outShape: [6, 12], inStrides: [12, 1], modDims: [2, 12], offset: 0 }, // tile outer
      { outShape: [5, 12], inStrides: [-12, -1], modDims: [5, 12], offset: 59 }, // reverse both
      { outShape: [2, 2, 3, 1, 5, 1], inStrides: [30, 15, 5, 0, 1, 0], modDims: [2, 2, 3, 1, 5, 1], offset: 0 },
      { outShape: [], inStrides: [], modDims: [], offset: 7 },
      { outShape: [0, 3], inStrides: [3, 1], modDims: [0, 3], offset: 0 },
    ];
    for (const a of cases) {
      const { want, got } = runBoth('copyStrided', [{ data: x, shape: [60], dtype: 'float32' }], [{ shape: a.outShape, dtype: 'float32' }], a);
      expectClose(got[0], want[0], 0, 0, `copyStrided ${JSON.stringify(a)}`);
    }
    const ix = ints(60, -100, 100);
    const { want, got } = runBoth('copyStrided', [{ data: ix, shape: [60], dtype: 'int32' }], [{ shape: [5, 12], dtype: 'int32' }], cases[0]);
    expectClose(got[0], want[0], 0, 0, 'copyStrided int32');
  });

  it('pad: ranks 1..3, float32 and int32 values', () => {
    const cases: [number[], number[], number][] = [[[17], [2], 1.5], [[3, 17], [1, 0], -2], [[2, 3, 4], [0, 1, 2], 0], [[1], [0], 9], [[5], [1], 3]];
    for (const [inShape, before, value] of cases) {
      for (const dt of ['float32', 'int32'] as DType[]) {
        const outShape = inShape.map((d, i) => d + before[i] + (i % 2) + 1);
        const data = dt === 'float32' ? floats(sizeOf(inShape), -3, 3, true) : ints(sizeOf(inShape));
        const { want, got } = runBoth('pad', [{ data, shape: inShape, dtype: dt }], [{ shape: outShape, dtype: dt }], { outShape, inShape, padBefore: before, value });
        expectClose(got[0], want[0], 0, 0, `pad ${dt} [${inShape}] before [${before}]`);
      }
    }
    const { want, got } = runBoth('pad', [{ data: floats(0), shape: [0, 2], dtype: 'float32' }], [{ shape: [2, 4], dtype: 'float32' }],
      { outShape: [2, 4], inShape: [0, 2], padBefore: [1, 1], value: 7 });
    expectClose(got[0], want[0], 0, 0, 'pad of an empty tensor');
  });

  it('copyInto: concat pieces at column offsets', () => {
    const outer = 3, outInner = 17;
    for (const [inner, offset] of [[5, 0], [12, 5], [1, 16], [17, 0]]) {
      const { want, got } = runBoth('copyInto', [{ data: floats(outer * inner), shape: [outer, inner], dtype: 'float32' }],
        [{ shape: [outer, outInner], dtype: 'float32' }], { outer, inner, outInner, offset });
      // untouched columns are 0 in both (fresh js array; the wasm output is compared only where written)
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) expect(got[0][o * outInner + offset + i]).toBe(want[0][o * outInner + offset + i]);
      }
    }
  });

  it('gather: in-range, out-of-range and negative indices', () => {
    const x = floats(2 * 5 * 3, -5, 5);
    const idx = new Int32Array([4, 0, -1, 5, 2, 2, 100]);
    for (const [outer, axisDim, inner] of [[2, 5, 3], [1, 30, 1], [10, 3, 1]]) {
      const { want, got } = runBoth('gather', [{ data: x, shape: [outer, axisDim, inner], dtype: 'float32' }, { data: idx, shape: [7], dtype: 'int32' }],
        [{ shape: [outer, 7, inner], dtype: 'float32' }], { outer, axisDim, inner, numIndices: 7 });
      expectClose(got[0], want[0], 0, 0, `gather [${outer}, ${axisDim}, ${inner}]`);
    }
  });

  it('oneHot: float32 and int32 outputs, out-of-range indices', () => {
    const idx = new Int32Array([0, 3, -1, 7, 2, 16, 17]);
    for (const dt of ['float32', 'int32'] as DType[]) {
      for (const depth of [1, 3, 17]) {
        const { want, got } = runBoth('oneHot', [{ data: idx, shape: [7], dtype: 'int32' }], [{ shape: [7, depth], dtype: dt }], { depth, onValue: 5, offValue: -0.5 });
        expectClose(got[0], want[0], 0, 0, `oneHot ${dt} depth ${depth}`);
      }
    }
  });
});

describe('relaxed-SIMD build (V8 flag turned on in this worker)', () => {
  beforeAll(() => {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    wasm = createWasmBackendSync()!;
  });

  it('is picked once the engine validates relaxed SIMD', () => {
    expect(hasRelaxedSimd()).toBe(true);
    expect(wasm.memory().module).toBe('relaxed-simd');
  });

  it('matMul (relaxed_madd) matches js: sizes, transposes, K >= 1000, epilogue', () => {
    for (const [M, N, K] of [[1, 1, 1], [5, 9, 7], [17, 3, 33], [65, 63, 255]] as [number, number, number][]) {
      for (const transposeA of [false, true]) for (const transposeB of [false, true]) mm(1, M, N, K, { transposeA, transposeB });
    }
    mm(1, 9, 17, 1000);
    mm(3, 5, 9, 7, { bBatches: 1, hasBias: true, activation: Activation.gelu });
  });

  it('matMul ragged shapes on both paths (in place below 2^18 multiply-adds, packed above), with epilogues', () => {
    const shapes: [number, number, number][] = [[7, 33, 65], [1, 65, 9], [9, 1, 33], [33, 17, 5], [65, 65, 65], [197, 33, 65], [3, 1031, 97]];
    shapes.forEach(([M, N, K], i) => {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) mm(i % 2 ? 2 : 1, M, N, K, { transposeA, transposeB, hasBias: true, activation: i % 3 ? Activation.relu : Activation.gelu });
      }
    });
  });

  it('softmax and unary exp match js on the relaxed build', () => {
    const data = floats(3 * 17, -10, 10);
    const s = runBoth('softmax', [{ data, shape: [3, 17], dtype: 'float32' }], [{ shape: [3, 17], dtype: 'float32' }], { rows: 3, cols: 17, log: false });
    expectClose(s.got[0], s.want[0], 1e-5, 1e-6, 'relaxed softmax');
    const u = runBoth('unary', [{ data, shape: [51], dtype: 'float32' }], [{ shape: [51], dtype: 'float32' }], { op: Unary.exp, alpha: 0, beta: 0 });
    expectClose(u.got[0], u.want[0], 1e-5, 1e-6, 'relaxed exp');
  });
});
