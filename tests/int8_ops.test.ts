/**
 * int8 quantized inference (issue 12), through the tf.quantization op layer:
 * (a) the js reference kernels against a float64 formula written here (int8 values dequantized by
 *     hand, float64 matMul / conv / depthwise loops), and hand-worked values: rounding half to even,
 *     clamping, NaN -> zero point, Infinity, padding bytes, chooseQuantParams, weight packing;
 * (b) the wasm kernels against the js reference, bit for bit, over a case table (ragged K / N / M,
 *     strides, dilations, same / valid, batch > 1, bias or not, relu / relu6 / leakyrelu, float and
 *     int8 outputs, zero points -128 / 0 / 37), with the worker pool off and splitting every kernel;
 * (c) the ops' errors;
 * (d) the relaxed-SIMD build (the one Chromium runs; V8 flag turned on in this worker, last): its
 *     int8 matMul / conv2d against the js reference kernels, bit for bit.
 */
import { setFlagsFromString } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { ENGINE } from '../src/engine.js';
import type { WasmBackend } from '../src/backends/wasm/backend.js';
import type { ThreadPool } from '../src/backends/wasm/threads.js';
import type { Int8OpOptions } from '../src/quantization/index.js';
import { createWasmBackendSync } from '../src/backends/wasm/index.js';
import { Activation, packedCols, type Int8Epilogue } from '../src/backends/kernels.js';
import { rng, runBoth } from './helpers/wasm_compare.js';

const Q = ts.quantization;
type Int8Tensor = InstanceType<typeof Q.Int8Tensor>;
type PackedWeights = ReturnType<typeof Q.packWeightsPerChannel>;

let pool: ThreadPool | null = null;

beforeAll(async () => {
  ts.wasm.setThreadsCount(2);
  expect(await ts.setBackend('wasm')).toBe(true);
  pool = (ENGINE.backend as WasmBackend).pool;
  await ts.setBackend('js');
});

/** The int8 values of an Int8Tensor (row by row, padding dropped). */
async function int8Values(q: Int8Tensor): Promise<number[]> {
  const words = (await q.packed.data()) as Int32Array;
  const bytes = new Int8Array(words.buffer, words.byteOffset, words.length * 4);
  const cols = q.shape[q.shape.length - 1];
  const rowBytes = Math.ceil(cols / 4) * 4;
  const out: number[] = [];
  for (let r = 0; r < bytes.length / rowBytes; r++) for (let c = 0; c < cols; c++) out.push(bytes[r * rowBytes + c]);
  return out;
}

/** Padding bytes of every row. */
async function paddingBytes(q: Int8Tensor): Promise<number[]> {
  const words = (await q.packed.data()) as Int32Array;
  const bytes = new Int8Array(words.buffer, words.byteOffset, words.length * 4);
  const cols = q.shape[q.shape.length - 1];
  const rowBytes = Math.ceil(cols / 4) * 4;
  return Array.from(bytes).filter((_, i) => i % rowBytes >= cols);
}

describe('(a) hand-worked values (js reference)', () => {
  it('quantizeInt8 rounds half to even, clamps, maps NaN to the zero point and pads with it', async () => {
    // x / 0.5 = 0.5, 1.5, 2.5, -0.5, -1.5 -> 0, 2, 2, -0, -2 (half to even); 1000 / 0.5 + 37 clamps to 127,
    // -1000 / 0.5 + 37 to -128; NaN -> 37; +-Infinity clamp.
    const x = ts.tensor2d([[0.25, 0.75, 1.25, -0.25, -0.75], [1000, -1000, NaN, Infinity, -Infinity]]);
    const q0 = Q.quantizeInt8(x, 0.5, 0);
    expect(await int8Values(q0)).toEqual([0, 2, 2, 0, -2, 127, -128, 0, 127, -128]);
    expect(await paddingBytes(q0)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(q0.packed.shape).toEqual([2, 2]);
    const q37 = Q.quantizeInt8(x, 0.5, 37);
    expect(await int8Values(q37)).toEqual([37, 39, 39, 37, 35, 127, -128, 37, 127, -128]);
    expect(await paddingBytes(q37)).toEqual([37, 37, 37, 37, 37, 37]);
    // dequantize: 0.5 * (q - 37)
    expect(Array.from(await Q.dequantizeInt8(q37).data())).toEqual([0, 1, 1, 0, -1, 45, -82.5, 0, 45, -82.5]);
  });

  it('packed bytes are little-endian: value j of a row is byte j', async () => {
    const q = Q.quantizeInt8(ts.tensor1d([1, 2, 3, -1, 5]), 1, 0);
    // element 0 holds 1, 2, 3, -1 (0xff) from the lowest byte up; element 1 holds 5 and three padding zeros
    expect(Array.from(await q.packed.data())).toEqual([(0xff << 24) | (3 << 16) | (2 << 8) | 1, 5]);
  });

  it('chooseQuantParams widens the range to 0 and picks an exact integer zero point', () => {
    expect(Q.chooseQuantParams(0, 2.55)).toEqual({ scale: Math.fround(0.01), zeroPoint: -128 });
    // [-2.55, 0]: zero point 127 (-128 + 2.55 / 0.01)
    expect(Q.chooseQuantParams(-2.55, 0)).toEqual({ scale: Math.fround(0.01), zeroPoint: 127 });
    // [1, 2] widens to [0, 2]: scale 2 / 255, zero point -128
    expect(Q.chooseQuantParams(1, 2)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: -128 });
    expect(Q.chooseQuantParams(0, 0)).toEqual({ scale: 1, zeroPoint: 0 });
    const p = Q.chooseQuantParams(-0.3, 0.7);
    expect(Number.isInteger(p.zeroPoint)).toBe(true);
    // real 0 maps to the zero point exactly, and the range ends map inside [-128, 127]
    expect(Math.round(-0.3 / p.scale + p.zeroPoint)).toBeGreaterThanOrEqual(-128);
    expect(Math.round(0.7 / p.scale + p.zeroPoint)).toBeLessThanOrEqual(127);
  });

  it('packWeightsPerChannel: scale = max|w| / 127 per output channel, q = round(w / scale), and back', async () => {
    // dense [K=3, N=2]: column 0 is [1, -0.5, 0.2] (scale 1/127: 127, -63.5 -> -64 (half to even), 25.4 -> 25),
    // column 1 is all zero (scale 1, q 0)
    const w = Q.packWeightsPerChannel(ts.tensor2d([[1, 0], [-0.5, 0], [0.2, 0]]), 'dense');
    expect(Array.from(await w.scales.data())).toEqual([Math.fround(1 / 127), 1]);
    expect(w.packed.shape).toEqual([2, 1]);
    const { values, scales } = await Q.unpackWeightsToInt8(w);
    expect(Array.from(values)).toEqual([127, 0, -64, 0, 25, 0]);
    expect(Array.from(scales)).toEqual([Math.fround(1 / 127), 1]);
    // round trip through packedWeightsFromInt8 gives the same packed words
    const w2 = Q.packedWeightsFromInt8(values, scales, [3, 2], 'dense');
    expect(Array.from(await w2.packed.data())).toEqual(Array.from(await w.packed.data()));
  });

  it('conv2d / depthwise weight layouts round-trip', async () => {
    const r = rng(3);
    for (const [kind, shape] of [['conv2d', [2, 3, 5, 3]], ['depthwise', [3, 2, 6, 1]]] as ['conv2d' | 'depthwise', number[]][]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Int8Array.from({ length: n }, () => Math.floor(r() * 255) - 127);
      const channels = kind === 'conv2d' ? shape[3] : shape[2];
      const scales = Float32Array.from({ length: channels }, (_, i) => 0.01 * (i + 1));
      const w = Q.packedWeightsFromInt8(values, scales, [...shape], kind);
      const back = await Q.unpackWeightsToInt8(w);
      expect(Array.from(back.values)).toEqual(Array.from(values));
      // and the packing itself: float value [ky, kx, ci, co] sits at byte ci of packed row [co, ky, kx] (conv2d)
      const words = (await w.packed.data()) as Int32Array;
      const bytes = new Int8Array(words.buffer, words.byteOffset, words.length * 4);
      const [fh, fw, inC, outC] = shape;
      const rowBytes = Math.ceil(inC / 4) * 4;
      const f = (ky: number, kx: number, ci: number, co: number) => values[((ky * fw + kx) * inC + ci) * outC + co];
      if (kind === 'conv2d') expect(bytes[((2 * fh + 1) * fw + 2) * rowBytes + 4]).toBe(f(1, 2, 4, 2));
      else expect(bytes[(1 * fw + 1) * rowBytes + 5]).toBe(f(1, 1, 5, 0));
    }
  });

  it('packWeightsPerChannel(conv2d) quantizes each output channel over its whole filter', async () => {
    // filter [1, 1, 2, 2]: output channel 0 reads [3, -6] (scale 6/127), channel 1 reads [0.5, 0.25] (scale 0.5/127)
    const w = Q.packWeightsPerChannel(ts.tensor4d([[[[3, 0.5], [-6, 0.25]]]]), 'conv2d');
    expect(Array.from(await w.scales.data())).toEqual([Math.fround(6 / 127), Math.fround(0.5 / 127)]);
    // 3 / (6/127) = 63.5 in float32 rounds to 63.49999 or 63.5: read it from the same float32 division
    const q = (v: number, s: number) => {
      const r = Math.fround(v / Math.fround(s));
      const fl = Math.floor(r);
      return r - fl === 0.5 ? (fl % 2 === 0 ? fl : fl + 1) : Math.round(r);
    };
    expect(Array.from((await Q.unpackWeightsToInt8(w)).values)).toEqual([q(3, 6 / 127), 127, -127, q(0.25, 0.5 / 127)]);
  });
});

// ---- random problems and the float64 formula ----------------------------------------------------

interface Problem {
  x: Int8Tensor;
  xq: Int8Array; // int8 values of x in its logical layout
  w: PackedWeights;
  wq: Int8Array; // int8 weight values in the float weight's layout
  wScale: Float32Array;
  bias: Float32Array | null;
}

const SCALES = [0.125, 0.0625, 0.03125];

/** An Int8Tensor holding exactly the int8 values `q` (x = scale * (q - zp) with a power-of-2 scale quantizes back exactly). */
function int8Input(shape: number[], r: () => number, zp: number): { x: Int8Tensor; xq: Int8Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  const xq = Int8Array.from({ length: n }, () => Math.floor(r() * 256) - 128);
  const scale = SCALES[Math.floor(r() * SCALES.length)];
  const real = Float32Array.from(xq, (v) => scale * (v - zp));
  return { x: Q.quantizeInt8(ts.tensor(real, shape), scale, zp), xq };
}

function problem(xShape: number[], wShape: number[], kind: 'dense' | 'conv2d' | 'depthwise', zp: number, withBias: boolean, seed: number): Problem {
  const r = rng(seed);
  const { x, xq } = int8Input(xShape, r, zp);
  const n = wShape.reduce((a, b) => a * b, 1);
  const wq = Int8Array.from({ length: n }, () => Math.floor(r() * 255) - 127);
  const channels = kind === 'dense' ? wShape[1] : kind === 'conv2d' ? wShape[3] : wShape[2];
  const wScale = Float32Array.from({ length: channels }, () => 0.001 + 0.02 * r());
  const bias = withBias ? Float32Array.from({ length: channels }, () => 4 * r() - 2) : null;
  return { x, xq, w: Q.packedWeightsFromInt8(wq, wScale, wShape, kind), wq, wScale, bias };
}

/** float64 activation of the formula. */
function act64(name: string, y: number, alpha: number): number {
  if (name === 'relu') return Math.max(y, 0);
  if (name === 'relu6') return Math.min(Math.max(y, 0), 6);
  if (name === 'leakyrelu') return y < 0 ? alpha * y : y;
  return y;
}

/** Float64 reference outputs of a matMul problem: y[m, n] = aScale * wScale[n] * sum_k (qa - zp) * qw + bias, activation. */
function matMulFormula(p: Problem, M: number, K: number, N: number, activation: string, alpha: number): number[] {
  const out: number[] = [];
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += (p.xq[m * K + k] - p.x.zeroPoint) * p.wq[k * N + n];
      out.push(act64(activation, p.x.scale * p.wScale[n] * acc + (p.bias ? p.bias[n] : 0), alpha));
    }
  }
  return out;
}

interface Geo { b: number; h: number; w: number; c: number; fh: number; fw: number; outC: number; s: number; d: number; pad: 'same' | 'valid' }

/** Float64 reference of conv2d (depthwise when outC is null) over the dequantized int8 values, with TF.js 'same' / 'valid' padding. */
function convFormula(p: Problem, g: Geo, depthwise: boolean, activation: string, alpha: number): { shape: number[]; values: number[] } {
  const eff = (f: number) => (f - 1) * g.d + 1;
  const outH = g.pad === 'same' ? Math.ceil(g.h / g.s) : Math.ceil((g.h - eff(g.fh) + 1) / g.s);
  const outW = g.pad === 'same' ? Math.ceil(g.w / g.s) : Math.ceil((g.w - eff(g.fw) + 1) / g.s);
  const top = g.pad === 'same' ? Math.floor(Math.max(0, (outH - 1) * g.s + eff(g.fh) - g.h) / 2) : 0;
  const left = g.pad === 'same' ? Math.floor(Math.max(0, (outW - 1) * g.s + eff(g.fw) - g.w) / 2) : 0;
  const outC = depthwise ? g.c : g.outC;
  const xr = (b: number, y: number, x: number, c: number) =>
    y < 0 || y >= g.h || x < 0 || x >= g.w ? 0 : p.x.scale * (p.xq[((b * g.h + y) * g.w + x) * g.c + c] - p.x.zeroPoint);
  const values: number[] = [];
  for (let b = 0; b < g.b; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
    for (let co = 0; co < outC; co++) {
      let y = 0;
      for (let ky = 0; ky < g.fh; ky++) for (let kx = 0; kx < g.fw; kx++) {
        const iy = oy * g.s - top + ky * g.d, ix = ox * g.s - left + kx * g.d;
        if (depthwise) y += xr(b, iy, ix, co) * p.wScale[co] * p.wq[(ky * g.fw + kx) * g.c + co];
        else for (let ci = 0; ci < g.c; ci++) y += xr(b, iy, ix, ci) * p.wScale[co] * p.wq[((ky * g.fw + kx) * g.c + ci) * outC + co];
      }
      values.push(act64(activation, y + (p.bias ? p.bias[co] : 0), alpha));
    }
  }
  return { shape: [g.b, outH, outW, outC], values };
}

/**
 * Checks a float32 result against the float64 formula: the kernel forms y in float32 (a few
 * roundings of relative size 2^-24 each), so it may differ by a few float32 ulps of the terms.
 */
function expectNearFormula(got: ArrayLike<number>, want: number[], scaleOfTerms: number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tol = 4 * 2 ** -24 * (Math.abs(want[i]) + scaleOfTerms[i]);
    if (!(Math.abs(got[i] - want[i]) <= tol)) throw new Error(`element ${i}: got ${got[i]}, formula ${want[i]} (tolerance ${tol})`);
  }
}

/** int8 outputs against the formula: round(y / outScale) + zp clamped, except where y / outScale sits within 1e-3 of a rounding boundary. */
function expectInt8NearFormula(got: number[], want: number[], outScale: number, outZp: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const v = want[i] / outScale;
    const frac = v - Math.floor(v);
    if (Math.abs(frac - 0.5) < 1e-3) continue;
    const q = Math.max(-128, Math.min(127, Math.round(v) + outZp));
    if (got[i] !== q) throw new Error(`element ${i}: got ${got[i]}, formula ${q} (y ${want[i]})`);
  }
}

describe('(a) js reference kernels against the float64 formula', () => {
  it('int8MatMul, float and int8 outputs', async () => {
    for (const [M, K, N, zp, act, bias] of [[3, 7, 5, 0, 'linear', true], [2, 33, 9, 37, 'relu', false], [5, 1, 3, -128, 'leakyrelu', true]] as const) {
      const p = problem([M, K], [K, N], 'dense', zp, bias, M * 100 + K);
      const opts = { bias: p.bias ? ts.tensor1d(p.bias) : undefined, activation: act, alpha: 0.3 } as const;
      const y = Q.int8MatMul(p.x, p.w, opts);
      expect(y.shape).toEqual([M, N]);
      const want = matMulFormula(p, M, K, N, act, 0.3);
      // the terms' magnitude: |aScale * wScale| * sum |(qa - zp) qw| + |bias|, bounded by the value times K
      const terms = want.map((_, i) => p.x.scale * p.wScale[i % N] * K * 255 * 127 + (p.bias ? Math.abs(p.bias[i % N]) : 0));
      expectNearFormula(await y.data(), want, terms);
      const q = Q.int8MatMul(p.x, p.w, { ...opts, output: { scale: 0.05, zeroPoint: 3 } });
      expectInt8NearFormula(await int8Values(q), want, Math.fround(0.05), 3);
    }
  });

  it('int8Conv2d and int8DepthwiseConv2d (strides, dilations, same / valid padding)', async () => {
    const geos: Geo[] = [
      { b: 2, h: 5, w: 6, c: 3, fh: 3, fw: 2, outC: 5, s: 1, d: 1, pad: 'same' },
      { b: 1, h: 7, w: 7, c: 6, fh: 3, fw: 3, outC: 4, s: 2, d: 1, pad: 'valid' },
      { b: 1, h: 6, w: 5, c: 9, fh: 2, fw: 3, outC: 3, s: 1, d: 2, pad: 'same' },
    ];
    for (const [i, g] of geos.entries()) {
      for (const depthwise of [false, true]) {
        const wShape = depthwise ? [g.fh, g.fw, g.c, 1] : [g.fh, g.fw, g.c, g.outC];
        const p = problem([g.b, g.h, g.w, g.c], wShape, depthwise ? 'depthwise' : 'conv2d', [0, 37, -128][i], i !== 1, 50 + i);
        const opts = { bias: p.bias ? ts.tensor1d(p.bias) : undefined, activation: 'relu6' as const };
        const y = depthwise ? Q.int8DepthwiseConv2d(p.x, p.w, g.s, g.pad, g.d, opts) : Q.int8Conv2d(p.x, p.w, g.s, g.pad, g.d, opts);
        const want = convFormula(p, g, depthwise, 'relu6', 0);
        expect(y.shape).toEqual(want.shape);
        const C = want.shape[3];
        const taps = g.fh * g.fw * (depthwise ? 1 : g.c);
        const terms = want.values.map((_, j) => p.x.scale * p.wScale[j % C] * taps * 255 * 127 + (p.bias ? Math.abs(p.bias[j % C]) : 0));
        expectNearFormula(await y.data(), want.values, terms);
      }
    }
  });
});

// ---- (b) wasm against the js reference, bit for bit --------------------------------------------

interface KernelCase {
  name: string;
  kind: 'dense' | 'conv2d' | 'depthwise';
  xShape: number[];
  wShape: number[];
  strides?: number;
  dilations?: number;
  pad?: 'same' | 'valid';
}

const MATMULS: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 8, 16], [5, 17, 9], [13, 33, 31], [2, 100, 3], [33, 64, 70], [1, 300, 41], [9, 4, 2]];
const CONVS: [number, number, number, number, number, number, number, number, number, 'same' | 'valid'][] = [
  // batch, h, w, inC, fh, fw, outC, stride, dilation, pad
  [1, 5, 5, 3, 3, 3, 4, 1, 1, 'same'],
  [2, 7, 6, 5, 3, 2, 7, 2, 1, 'valid'],
  [1, 8, 9, 9, 3, 3, 5, 1, 2, 'same'],
  [2, 4, 4, 16, 1, 1, 8, 1, 1, 'valid'],
  [1, 6, 6, 17, 5, 5, 3, 2, 1, 'same'],
  [1, 3, 3, 8, 3, 3, 33, 1, 1, 'same'],
  [1, 9, 7, 24, 3, 3, 12, 2, 1, 'same'],
  // one and four input channels (wasm: int8SmallConvRange; quantize of one-value rows, 90 of them), and
  // three inputs to 20 outputs (wasm: compact patches through int8MatMulRange)
  [1, 7, 6, 3, 3, 3, 20, 1, 1, 'same'],
  [2, 12, 11, 1, 3, 3, 5, 1, 1, 'valid'],
  [1, 15, 14, 3, 3, 3, 6, 2, 1, 'valid'],
  [3, 6, 5, 1, 3, 3, 4, 1, 1, 'same'],
  [2, 7, 7, 4, 3, 3, 8, 1, 1, 'valid'],
  [1, 9, 9, 4, 3, 3, 6, 2, 1, 'same'],
];
const CASES: KernelCase[] = [
  ...MATMULS.map(([M, K, N]) => ({ name: `matMul ${M}x${K}x${N}`, kind: 'dense' as const, xShape: [M, K], wShape: [K, N] })),
  ...CONVS.flatMap(([b, h, w, c, fh, fw, outC, s, d, pad]) => [
    { name: `conv2d [${b},${h},${w},${c}] ${fh}x${fw}x${outC} s${s} d${d} ${pad}`, kind: 'conv2d' as const, xShape: [b, h, w, c], wShape: [fh, fw, c, outC], strides: s, dilations: d, pad },
    { name: `depthwise [${b},${h},${w},${c}] ${fh}x${fw} s${s} d${d} ${pad}`, kind: 'depthwise' as const, xShape: [b, h, w, c], wShape: [fh, fw, c, 1], strides: s, dilations: d, pad },
  ]),
];
const ZERO_POINTS = [-128, 0, 37];
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'leakyrelu'] as const;

/** Everything a case produces on the active backend, as plain numbers (packed words as int32). */
async function runKernelCase(c: KernelCase, i: number): Promise<Record<string, number[]>> {
  const r = rng(1000 + i);
  const n = c.xShape.reduce((a, b) => a * b, 1);
  const zp = ZERO_POINTS[i % 3];
  // values around the quantization grid, a few exact halves, NaN and out-of-range values
  const xs = Float32Array.from({ length: n }, (_, j) => (j % 97 === 5 ? NaN : j % 89 === 3 ? 1e6 : j % 7 === 0 ? 0.05 * (Math.floor(r() * 40) - 20 + 0.5) : 8 * r() - 3));
  const channels = c.kind === 'dense' ? c.wShape[1] : c.kind === 'conv2d' ? c.wShape[3] : c.wShape[2];
  const wn = c.wShape.reduce((a, b) => a * b, 1);
  const wq = Int8Array.from({ length: wn }, () => Math.floor(r() * 255) - 127);
  const scales = Float32Array.from({ length: channels }, () => 0.002 + 0.01 * r());
  const bias = i % 2 === 0 ? ts.tensor1d(Float32Array.from({ length: channels }, () => 2 * r() - 1)) : undefined;
  const out = { scale: 0.01 + 0.05 * r(), zeroPoint: [5, -128, 127][i % 3] };
  const res: Record<string, number[]> = {};
  await ts.tidy(() => {
    const x = Q.quantizeInt8(ts.tensor(xs, c.xShape), 0.05, zp);
    const w = Q.packedWeightsFromInt8(wq, scales, c.wShape, c.kind);
    const deq = Q.dequantizeInt8(x);
    const opts = { bias, activation: ACTIVATIONS[i % 4], alpha: 0.1 };
    const run = (o: Int8OpOptions): ts.Tensor | Int8Tensor => (c.kind === 'dense' ? Q.int8MatMul(x, w, o)
      : c.kind === 'conv2d' ? Q.int8Conv2d(x, w, c.strides!, c.pad!, c.dilations, o) : Q.int8DepthwiseConv2d(x, w, c.strides!, c.pad!, c.dilations, o));
    const yf = run(opts) as ts.Tensor;
    const yq = run({ ...opts, output: out }) as Int8Tensor;
    return [x.packed, deq, yf, yq.packed];
  }).reduce(async (prev, t, j) => {
    await prev;
    res[['x', 'dequantized', 'float out', 'int8 out'][j]] = Array.from(await t.data());
    t.dispose();
  }, Promise.resolve());
  bias?.dispose();
  return res;
}

describe('(b) wasm int8 kernels = js reference, bit for bit, 1 thread and 2 threads', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_n, c, i) => {
    await ts.setBackend('js');
    const want = await runKernelCase(c, i);
    await ts.setBackend('wasm');
    if (!pool) throw new Error('the wasm backend started without its worker pool');
    try {
      pool.minWorkScale = 0; // split every kernel into chunks (at odd places)
      const two = await runKernelCase(c, i);
      pool.minWorkScale = Infinity;
      const one = await runKernelCase(c, i);
      expect(one).toEqual(want);
      expect(two).toEqual(want);
    } finally {
      pool.minWorkScale = 1;
      await ts.setBackend('js');
    }
  });

  it('the split runs used the worker', () => {
    expect(pool!.chunksOnWorkers).toBeGreaterThan(0);
  });
});

describe('(c) errors name the op and the shapes', () => {
  it('rejects mismatched shapes, wrong kinds, bad parameters and disposed operands', () => {
    const a = Q.quantizeInt8(ts.zeros([2, 5]), 0.1, 0);
    const w = Q.packWeightsPerChannel(ts.ones([4, 3]), 'dense');
    expect(() => Q.int8MatMul(a, w)).toThrow('int8MatMul: inner dimensions of a [2,5] and weights [4,3] must match');
    const x = Q.quantizeInt8(ts.zeros([1, 4, 4, 3]), 0.1, 0);
    expect(() => Q.int8Conv2d(x, w, 1, 'same')).toThrow('int8Conv2d: expected conv2d weights, got dense weights of shape [4,3]');
    const f = Q.packWeightsPerChannel(ts.ones([3, 3, 2, 8]), 'conv2d');
    expect(() => Q.int8Conv2d(x, f, 1, 'same')).toThrow('int8Conv2d: input has 3 channels but weights shape [3,3,2,8] expects 2');
    expect(() => Q.int8Conv2d(x, Q.packWeightsPerChannel(ts.ones([5, 5, 3, 2]), 'conv2d'), 1, 'valid')).toThrow(/int8Conv2d: the 5x5 window .* does not fit the 4x4 input/);
    expect(() => Q.int8DepthwiseConv2d(x, Q.packWeightsPerChannel(ts.ones([3, 3, 4, 1]), 'depthwise'), 1, 'same'))
      .toThrow('int8DepthwiseConv2d: input has 3 channels but weights shape [3,3,4,1] expects 4');
    expect(() => Q.packWeightsPerChannel(ts.ones([3, 3, 4, 2]), 'depthwise')).toThrow('packWeightsPerChannel: depthwise weights support channel multiplier 1 only, got shape [3,3,4,2]');
    expect(() => Q.packWeightsPerChannel(ts.ones([3, 3, 4]), 'conv2d')).toThrow('packWeightsPerChannel: conv2d weights must be rank 4');
    expect(() => Q.packWeightsPerChannel(ts.ones([3, 3], 'int32'), 'dense')).toThrow('packWeightsPerChannel: w must be float32, got int32 [3,3]');
    const w5 = Q.packWeightsPerChannel(ts.ones([5, 3]), 'dense');
    expect(() => Q.int8MatMul(a, w5, { bias: ts.ones([4]) })).toThrow('int8MatMul: bias must be float32 [3] (one value per output channel), got float32 [4]');
    expect(() => Q.int8MatMul(a, w5, { activation: 'prelu' as 'relu' })).toThrow("int8MatMul: unknown activation 'prelu'");
    expect(() => Q.int8MatMul(a, w5, { output: { scale: 0, zeroPoint: 0 } })).toThrow('int8MatMul: output scale must be a positive finite number, got 0');
    expect(() => Q.int8MatMul(a, w5, { output: { scale: 1, zeroPoint: 128 } })).toThrow('int8MatMul: output zeroPoint must be an integer in [-128, 127], got 128');
    expect(() => Q.quantizeInt8(ts.ones([2]), 1, 0.5)).toThrow('quantizeInt8: zeroPoint must be an integer in [-128, 127], got 0.5');
    expect(() => Q.quantizeInt8(ts.ones([2]), NaN, 0)).toThrow('quantizeInt8: scale must be a positive finite number, got NaN');
    expect(() => Q.quantizeInt8(ts.scalar(1), 1, 0)).toThrow('quantizeInt8: x must have rank >= 1');
    expect(() => Q.quantizeInt8(ts.ones([2], 'int32'), 1, 0)).toThrow('quantizeInt8: x must be float32, got int32 [2]');
    expect(() => Q.chooseQuantParams(1, -1)).toThrow('chooseQuantParams: min and max must be finite with min <= max, got min 1, max -1');
    expect(() => Q.packedWeightsFromInt8(new Int8Array([1, -128]), new Float32Array([1, 1]), [1, 2], 'dense'))
      .toThrow('packedWeightsFromInt8: symmetric int8 weights lie in [-127, 127], got values[1] = -128');
    expect(() => Q.packedWeightsFromInt8(new Int8Array(3), new Float32Array([1, 1]), [1, 2], 'dense')).toThrow('packedWeightsFromInt8: values must be an Int8Array of 2 values for shape [1,2], got 3');
    expect(() => new Q.Int8Tensor(ts.zeros([2, 2], 'int32'), [2, 9], 1, 0)).toThrow('Int8Tensor: packed storage for shape [2,9] must be int32 [2,3], got int32 [2,2]');
    a.dispose();
    expect(() => Q.int8MatMul(a, w5)).toThrow(/int8MatMul \(argument 'a'\): tensor \d+ \(shape \[2,2\], int32\) is disposed/);
    expect(() => Q.dequantizeInt8(ts.zeros([2]) as unknown as Int8Tensor)).toThrow('dequantizeInt8: q must be an Int8Tensor');
  });

  it('tidy keeps a returned Int8Tensor and frees the intermediates; dispose frees packed weights', () => {
    const before = ts.memory().numTensors;
    const q = ts.tidy(() => Q.int8MatMul(Q.quantizeInt8(ts.ones([2, 3]), 0.1, 0), Q.packWeightsPerChannel(ts.ones([3, 4]), 'dense'), { output: { scale: 0.1, zeroPoint: 0 } }));
    expect(ts.memory().numTensors).toBe(before + 1);
    expect(q.shape).toEqual([2, 4]);
    q.dispose();
    const filter = ts.ones([3, 3, 2, 4]);
    const w = Q.packWeightsPerChannel(filter, 'conv2d');
    expect(ts.memory().numTensors).toBe(before + 3);
    w.dispose();
    filter.dispose();
    expect(ts.memory().numTensors).toBe(before);
  });
});

describe('(d) relaxed-SIMD build: int8 kernels = js reference, bit for bit', () => {
  /** Packed int8 rows of `cols` random values in [lo, hi], padding bytes `pad`. */
  function packedRows(r: () => number, rows: number, cols: number, lo: number, hi: number, pad: number): Int32Array {
    const words = new Int32Array(rows * packedCols(cols));
    const bytes = new Int8Array(words.buffer);
    const rowBytes = packedCols(cols) * 4;
    for (let i = 0; i < rows; i++) for (let c = 0; c < rowBytes; c++) bytes[i * rowBytes + c] = c < cols ? lo + Math.floor(r() * (hi - lo + 1)) : pad;
    return words;
  }

  it('int8MatMul and int8Conv2d with zero points -128 / 0 / 37, extreme weights, float and int8 outputs', () => {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    const wasm = createWasmBackendSync()!;
    expect(wasm.memory().module).toBe('relaxed-simd');
    const r = rng(77);
    const epi = (i: number, outInt8: boolean): Int8Epilogue => ({
      aScale: 0.03, aZeroPoint: [-128, 0, 37][i % 3], hasBias: i % 2 === 0, activation: [Activation.linear, Activation.relu, Activation.relu6][i % 3],
      alpha: 0.2, outInt8, outScale: Math.fround(0.07), outZeroPoint: [3, -128, 127][i % 3],
    });
    let i = 0;
    for (const [M, K, N] of [[1, 1, 1], [5, 17, 9], [13, 33, 31], [4, 64, 8], [7, 300, 5]]) {
      for (const outInt8 of [false, true]) {
        const e = epi(i++, outInt8);
        // x spans the whole int8 range, weights +-127 (the split's ends)
        const x = packedRows(r, M, K, -128, 127, e.aZeroPoint);
        const w = packedRows(r, N, K, -127, 127, 0);
        const ins = [{ data: x, shape: [M, packedCols(K)], dtype: 'int32' as const }, { data: w, shape: [N, packedCols(K)], dtype: 'int32' as const },
          { data: Float32Array.from({ length: N }, () => 0.001 + 0.01 * r()), shape: [N], dtype: 'float32' as const },
          ...(e.hasBias ? [{ data: Float32Array.from({ length: N }, () => r() - 0.5), shape: [N], dtype: 'float32' as const }] : [])];
        const out = { shape: [M, outInt8 ? packedCols(N) : N], dtype: (outInt8 ? 'int32' : 'float32') as 'int32' | 'float32' };
        const { want, got } = runBoth(wasm, 'int8MatMul', ins, [out], { ...e, M, N, K }, 12345);
        expect(Array.from(got[0]), `matMul ${M}x${K}x${N}`).toEqual(Array.from(want[0]));
      }
    }
    for (const c of CONVS.slice(0, 5)) {
      const [b, h, wd, inC, fh, fw, outC, st, d, pad] = c;
      const e = epi(i++, i % 2 === 0);
      const eff = (f: number) => (f - 1) * d + 1;
      const outH = pad === 'same' ? Math.ceil(h / st) : Math.ceil((h - eff(fh) + 1) / st);
      const outW = pad === 'same' ? Math.ceil(wd / st) : Math.ceil((wd - eff(fw) + 1) / st);
      const padTop = pad === 'same' ? Math.floor(Math.max(0, (outH - 1) * st + eff(fh) - h) / 2) : 0;
      const padLeft = pad === 'same' ? Math.floor(Math.max(0, (outW - 1) * st + eff(fw) - wd) / 2) : 0;
      const g = { batch: b, inH: h, inW: wd, inC, outH, outW, outC, filterH: fh, filterW: fw, strideH: st, strideW: st, dilationH: d, dilationW: d, padTop, padLeft };
      const ins = [{ data: packedRows(r, b * h * wd, inC, -128, 127, e.aZeroPoint), shape: [b, h, wd, packedCols(inC)], dtype: 'int32' as const },
        { data: packedRows(r, outC * fh * fw, inC, -127, 127, 0), shape: [outC, fh, fw, packedCols(inC)], dtype: 'int32' as const },
        { data: Float32Array.from({ length: outC }, () => 0.001 + 0.01 * r()), shape: [outC], dtype: 'float32' as const },
        ...(e.hasBias ? [{ data: Float32Array.from({ length: outC }, () => r() - 0.5), shape: [outC], dtype: 'float32' as const }] : [])];
      const out = { shape: [b, outH, outW, e.outInt8 ? packedCols(outC) : outC], dtype: (e.outInt8 ? 'int32' : 'float32') as 'int32' | 'float32' };
      const { want, got } = runBoth(wasm, 'int8Conv2d', ins, [out], { ...g, ...e }, 12345);
      expect(Array.from(got[0]), `conv2d ${c.join(' ')}`).toEqual(Array.from(want[0]));
    }
  });

  it('int8 outputs of the vector epilogue: exact halves round to even, NaN / +-Infinity biases, row tails of 1-3 (29-31 rows)', () => {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    const wasm = createWasmBackendSync()!;
    // aScale * wScale = 0.5 and outScale 1: y = acc / 2 (+ bias), every odd sum an exact half; the
    // biases hit NaN (-> zero point), +-Infinity and large values (clamped) and -0
    const K = 17, N = 8;
    const bias = Float32Array.from([0, -0, Number.NaN, Infinity, -Infinity, 1e6, -1e6, 0.25]);
    // M >= 29: 8 blocks of 4 rows or more, so each unit takes all 8 columns even with a worker pool
    for (const M of [29, 30, 31, 32]) {
      for (const zp of [-128, 0, 5, 127]) {
        for (const activation of [Activation.linear, Activation.relu, Activation.relu6]) {
          const x = new Int32Array(M * packedCols(K)), w = new Int32Array(N * packedCols(K));
          const xb = new Int8Array(x.buffer), wb = new Int8Array(w.buffer);
          const rb = packedCols(K) * 4;
          for (let i = 0; i < M; i++) for (let k = 0; k < rb; k++) xb[i * rb + k] = k < K ? ((i * 5 + k * 3) % 21) - 10 : 0;
          for (let n = 0; n < N; n++) for (let k = 0; k < rb; k++) wb[n * rb + k] = k < K ? ((n * 7 + k * 11) % 15) - 7 : 0;
          const e: Int8Epilogue = { aScale: 0.5, aZeroPoint: 0, hasBias: true, activation, alpha: 0, outInt8: true, outScale: 1, outZeroPoint: zp };
          const ins = [{ data: x, shape: [M, packedCols(K)], dtype: 'int32' as const }, { data: w, shape: [N, packedCols(K)], dtype: 'int32' as const },
            { data: new Float32Array(N).fill(1), shape: [N], dtype: 'float32' as const }, { data: bias, shape: [N], dtype: 'float32' as const }];
          const { want, got } = runBoth(wasm, 'int8MatMul', ins, [{ shape: [M, packedCols(N)], dtype: 'int32' }], { ...e, M, N, K }, 12345);
          expect(Array.from(got[0]), `M ${M} zp ${zp} act ${activation}`).toEqual(Array.from(want[0]));
        }
      }
    }
  });
});
