/**
 * The wasm backend's second kernel layer (conv2d and its backprops, the depthwise family, pooling,
 * layerNorm, fused attention) against the js reference kernels (jsKernels) on the same inputs:
 * strides 1/2, dilations 1/2, same/valid/explicit pads, filters 1..7, odd spatial sizes, channels
 * 1/3/17/64, batch 2, every fused activation, depthwise multipliers 1 and 2, pools whose window
 * has no in-image tap, NaN (ignored) in max pool, layerNorm rows of 1..8192, attention with seq 1..513,
 * headDim 8..128 (and odd ones), causal/cross/masked (-Infinity, fully masked rows) with lse.
 * Tensor shapes handed to the kernels keep the user's rank, as the op layer does; sizes come from
 * the attrs. The last block reruns a few cases on the relaxed-SIMD build (V8 flag in this worker).
 */
import { setFlagsFromString } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StorageArray } from '../src/backends/backend.js';
import { Activation, type ConvGeometry, type KernelAttrs, type KernelName } from '../src/backends/kernels.js';
import { createWasmBackendSync, type WasmBackend } from '../src/backends/wasm/index.js';
import { expectClose, rng, runBoth as runOnBoth, sizeOf } from './helpers/wasm_compare.js';

let wasm: WasmBackend = createWasmBackendSync()!;

const rand = rng(7);
function floats(n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

interface In { data: Float32Array; shape: number[] }

/** Runs a kernel on js (reference) and wasm with float32 tensors; returns both outputs. */
function runBoth<K extends KernelName>(kernel: K, ins: In[], outShapes: number[][], attrs: KernelAttrs[K]): { want: StorageArray[]; got: StorageArray[] } {
  const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });
  return runOnBoth(wasm, kernel, ins.map((x) => ({ ...f32(x.shape), data: x.data })), outShapes.map(f32), attrs, 12345);
}

type Pad = 'same' | 'valid' | [number, number, number, number]; // explicit: top, bottom, left, right
interface ConvCase { b: number; h: number; w: number; inC: number; outC: number; fh: number; fw: number; s: [number, number]; d: [number, number]; pad: Pad }

function geometry(c: ConvCase): ConvGeometry {
  const effH = (c.fh - 1) * c.d[0] + 1, effW = (c.fw - 1) * c.d[1] + 1;
  let outH: number, outW: number, padTop: number, padLeft: number;
  if (c.pad === 'same') {
    outH = Math.ceil(c.h / c.s[0]);
    outW = Math.ceil(c.w / c.s[1]);
    padTop = Math.floor(Math.max(0, (outH - 1) * c.s[0] + effH - c.h) / 2);
    padLeft = Math.floor(Math.max(0, (outW - 1) * c.s[1] + effW - c.w) / 2);
  } else {
    const [t, bt, l, r] = c.pad === 'valid' ? [0, 0, 0, 0] : c.pad;
    outH = Math.floor((c.h + t + bt - effH) / c.s[0]) + 1;
    outW = Math.floor((c.w + l + r - effW) / c.s[1]) + 1;
    padTop = t;
    padLeft = l;
  }
  return {
    batch: c.b, inH: c.h, inW: c.w, inC: c.inC, outH, outW, outC: c.outC, filterH: c.fh, filterW: c.fw,
    strideH: c.s[0], strideW: c.s[1], dilationH: c.d[0], dilationW: c.d[1], padTop, padLeft,
  };
}

const NO_EPILOGUE = { hasBias: false, biasSize: 1, activation: Activation.linear, alpha: 0, preluSize: 1 };

const CONV_CASES: ConvCase[] = [
  { b: 2, h: 9, w: 11, inC: 3, outC: 17, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
  { b: 1, h: 13, w: 7, inC: 17, outC: 64, fh: 3, fw: 3, s: [2, 2], d: [1, 1], pad: 'valid' },
  { b: 2, h: 8, w: 9, inC: 64, outC: 8, fh: 1, fw: 1, s: [1, 1], d: [1, 1], pad: 'valid' },
  { b: 1, h: 11, w: 11, inC: 1, outC: 3, fh: 5, fw: 5, s: [1, 1], d: [2, 2], pad: 'same' },
  { b: 1, h: 15, w: 13, inC: 3, outC: 64, fh: 7, fw: 7, s: [2, 2], d: [1, 1], pad: 'same' },
  { b: 2, h: 7, w: 9, inC: 17, outC: 17, fh: 3, fw: 3, s: [2, 1], d: [2, 1], pad: [1, 0, 2, 1] },
  { b: 1, h: 9, w: 20, inC: 64, outC: 64, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
  { b: 1, h: 6, w: 5, inC: 3, outC: 5, fh: 3, fw: 5, s: [1, 2], d: [1, 2], pad: [3, 3, 4, 4] },
  { b: 2, h: 5, w: 17, inC: 17, outC: 1, fh: 5, fw: 3, s: [2, 2], d: [1, 1], pad: 'same' },
  { b: 1, h: 3, w: 3, inC: 2, outC: 9, fh: 7, fw: 7, s: [1, 1], d: [1, 1], pad: 'same' },
  // more than one 256-pixel indirection block, 4-pixel groups straddling rows and images
  { b: 2, h: 13, w: 11, inC: 8, outC: 12, fh: 3, fw: 3, s: [1, 1], d: [2, 1], pad: 'same' },
  { b: 2, h: 3, w: 3, inC: 9, outC: 16, fh: 7, fw: 7, s: [1, 1], d: [1, 1], pad: 'same' },
];
const label = (c: ConvCase) => `${c.b}x${c.h}x${c.w}x${c.inC} f${c.fh}x${c.fw}x${c.outC} s${c.s} d${c.d} ${c.pad}`;

describe('wasm conv2d family vs js', () => {
  it('conv2d forward: strides, dilations, pads, filters 1..7, channels 1..64, batch 2', () => {
    for (const c of CONV_CASES) {
      const g = geometry(c);
      const x = floats(c.b * c.h * c.w * c.inC), f = floats(c.fh * c.fw * c.inC * c.outC);
      const r = runBoth('conv2d', [{ data: x, shape: [c.b, c.h, c.w, c.inC] }, { data: f, shape: [c.fh, c.fw, c.inC, c.outC] }],
        [[c.b, g.outH, g.outW, c.outC]], { ...g, ...NO_EPILOGUE });
      expectClose(r.got[0], r.want[0], 1e-4, 1e-5, `conv2d ${label(c)}`);
    }
  });

  it('conv2d backprops (input and filter) for every case', () => {
    for (const c of CONV_CASES) {
      const g = geometry(c);
      const dy = floats(c.b * g.outH * g.outW * c.outC), f = floats(c.fh * c.fw * c.inC * c.outC), x = floats(c.b * c.h * c.w * c.inC);
      const dyIn = { data: dy, shape: [c.b, g.outH, g.outW, c.outC] };
      const bi = runBoth('conv2dBackpropInput', [dyIn, { data: f, shape: [c.fh, c.fw, c.inC, c.outC] }], [[c.b, c.h, c.w, c.inC]], g);
      expectClose(bi.got[0], bi.want[0], 1e-4, 1e-5, `conv2dBackpropInput ${label(c)}`);
      const bf = runBoth('conv2dBackpropFilter', [{ data: x, shape: [c.b, c.h, c.w, c.inC] }, dyIn], [[c.fh, c.fw, c.inC, c.outC]], g);
      expectClose(bf.got[0], bf.want[0], 1e-4, 1e-4, `conv2dBackpropFilter ${label(c)}`);
    }
  });

  it('conv2d fused epilogue: bias (per channel and scalar) and every activation, prelu per channel and scalar', () => {
    const c: ConvCase = { b: 2, h: 6, w: 7, inC: 5, outC: 11, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same' };
    const g = geometry(c);
    const x = floats(c.b * c.h * c.w * c.inC, -2, 2), f = floats(c.fh * c.fw * c.inC * c.outC);
    for (const activation of Object.values(Activation)) {
      for (const [biasSize, preluSize] of [[c.outC, c.outC], [1, 1]]) {
        const ins: In[] = [{ data: x, shape: [c.b, c.h, c.w, c.inC] }, { data: f, shape: [c.fh, c.fw, c.inC, c.outC] }, { data: floats(biasSize), shape: [biasSize] }];
        if (activation === Activation.prelu) ins.push({ data: floats(preluSize, 0, 0.5), shape: [preluSize] });
        const r = runBoth('conv2d', ins, [[c.b, g.outH, g.outW, c.outC]], { ...g, hasBias: true, biasSize, activation, alpha: 0.2, preluSize });
        expectClose(r.got[0], r.want[0], 1e-4, 2e-5, `conv2d act ${activation} bias ${biasSize}`);
      }
    }
  });
});

const DW_CASES: (ConvCase & { mult: number })[] = [
  { b: 2, h: 9, w: 11, inC: 3, outC: 3, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same', mult: 1 },
  { b: 1, h: 13, w: 7, inC: 17, outC: 34, fh: 3, fw: 3, s: [2, 2], d: [1, 1], pad: 'valid', mult: 2 },
  { b: 1, h: 12, w: 12, inC: 32, outC: 32, fh: 3, fw: 3, s: [2, 2], d: [1, 1], pad: 'same', mult: 1 },
  { b: 1, h: 11, w: 10, inC: 1, outC: 2, fh: 5, fw: 5, s: [1, 1], d: [2, 2], pad: 'same', mult: 2 },
  { b: 2, h: 7, w: 9, inC: 64, outC: 64, fh: 7, fw: 7, s: [1, 2], d: [1, 1], pad: [2, 1, 3, 0], mult: 1 },
  { b: 1, h: 5, w: 6, inC: 17, outC: 17, fh: 1, fw: 1, s: [1, 1], d: [1, 1], pad: 'valid', mult: 1 },
];

describe('wasm depthwise family vs js', () => {
  it('depthwiseConv2d forward and both backprops, multiplier 1 and 2', () => {
    for (const c of DW_CASES) {
      const g = { ...geometry(c), channelMultiplier: c.mult };
      const x = floats(c.b * c.h * c.w * c.inC), f = floats(c.fh * c.fw * c.inC * c.mult);
      const xIn = { data: x, shape: [c.b, c.h, c.w, c.inC] }, fIn = { data: f, shape: [c.fh, c.fw, c.inC, c.mult] };
      const yShape = [c.b, g.outH, g.outW, c.outC];
      const r = runBoth('depthwiseConv2d', [xIn, fIn], [yShape], { ...g, ...NO_EPILOGUE });
      expectClose(r.got[0], r.want[0], 1e-4, 1e-5, `depthwise ${label(c)} m${c.mult}`);
      const dyIn = { data: floats(sizeOf(yShape)), shape: yShape };
      const bi = runBoth('depthwiseConv2dBackpropInput', [dyIn, fIn], [xIn.shape], g);
      expectClose(bi.got[0], bi.want[0], 1e-4, 1e-5, `depthwiseBackpropInput ${label(c)} m${c.mult}`);
      const bf = runBoth('depthwiseConv2dBackpropFilter', [xIn, dyIn], [fIn.shape], g);
      expectClose(bf.got[0], bf.want[0], 1e-4, 1e-4, `depthwiseBackpropFilter ${label(c)} m${c.mult}`);
    }
  });

  it('depthwiseConv2d fused epilogue: every activation', () => {
    const c = DW_CASES[1];
    const g = { ...geometry(c), channelMultiplier: c.mult };
    const x = floats(c.b * c.h * c.w * c.inC, -2, 2), f = floats(c.fh * c.fw * c.inC * c.mult);
    for (const activation of Object.values(Activation)) {
      const ins: In[] = [{ data: x, shape: [c.b, c.h, c.w, c.inC] }, { data: f, shape: [c.fh, c.fw, c.inC, c.mult] }, { data: floats(c.outC), shape: [c.outC] }];
      if (activation === Activation.prelu) ins.push({ data: floats(c.outC, 0, 0.5), shape: [c.outC] });
      const r = runBoth('depthwiseConv2d', ins, [[c.b, g.outH, g.outW, c.outC]], { ...g, hasBias: true, biasSize: c.outC, activation, alpha: 0.2, preluSize: c.outC });
      expectClose(r.got[0], r.want[0], 1e-4, 2e-5, `depthwise act ${activation}`);
    }
  });
});

describe('wasm pool vs js', () => {
  const POOL_CASES: ConvCase[] = [
    { b: 2, h: 9, w: 11, inC: 3, outC: 3, fh: 3, fw: 3, s: [2, 2], d: [1, 1], pad: 'same' },
    { b: 1, h: 8, w: 8, inC: 17, outC: 17, fh: 2, fw: 2, s: [2, 2], d: [1, 1], pad: 'valid' },
    { b: 1, h: 7, w: 6, inC: 5, outC: 5, fh: 3, fw: 2, s: [1, 1], d: [2, 1], pad: 'same' },
    // explicit pads as large as the window: some windows have no in-image tap
    { b: 1, h: 4, w: 5, inC: 6, outC: 6, fh: 2, fw: 2, s: [2, 2], d: [1, 1], pad: [2, 2, 2, 3] },
    { b: 2, h: 5, w: 5, inC: 64, outC: 64, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: [1, 1, 1, 1] },
  ];
  it('max and avg forward and backprop, with padding and empty windows', () => {
    for (const c of POOL_CASES) {
      const g = geometry(c);
      const x = floats(c.b * c.h * c.w * c.inC, -3, 3);
      const yShape = [c.b, g.outH, g.outW, c.inC];
      for (const op of [0, 1]) {
        const r = runBoth('pool', [{ data: x, shape: [c.b, c.h, c.w, c.inC] }], [yShape], { ...g, op });
        expectClose(r.got[0], r.want[0], 1e-6, 1e-6, `pool op ${op} ${label(c)}`);
        const dy = floats(sizeOf(yShape));
        const bp = runBoth('poolBackprop', [{ data: dy, shape: yShape }, { data: x, shape: [c.b, c.h, c.w, c.inC] }], [[c.b, c.h, c.w, c.inC]], { ...g, op });
        expectClose(bp.got[0], bp.want[0], 1e-5, 1e-6, `poolBackprop op ${op} ${label(c)}`);
      }
    }
    // the empty windows really are there: max gives -Infinity, avg 0
    const g = geometry(POOL_CASES[3]);
    const r = runBoth('pool', [{ data: floats(4 * 5 * 6), shape: [1, 4, 5, 6] }], [[1, g.outH, g.outW, 6]], { ...g, op: 0 });
    expect(Array.from(r.got[0]).filter((v) => v === -Infinity).length).toBeGreaterThan(0);
  });

  it('max pool ignores NaN (TF.js); ties route the gradient to the first maximal tap', () => {
    const c: ConvCase = { b: 1, h: 6, w: 7, inC: 5, outC: 5, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same' };
    const g = geometry(c);
    const x = floats(6 * 7 * 5, -3, 3);
    for (let i = 0; i < x.length; i += 13) x[i] = NaN;
    for (let i = 5; i < x.length; i += 11) x[i] = 2; // ties
    const yShape = [1, g.outH, g.outW, 5];
    const r = runBoth('pool', [{ data: x, shape: [1, 6, 7, 5] }], [yShape], { ...g, op: 0 });
    expectClose(r.got[0], r.want[0], 0, 0, 'max pool NaN');
    expect(Array.from(r.got[0]).some(Number.isNaN)).toBe(false); // every window also holds non-NaN taps
    const bp = runBoth('poolBackprop', [{ data: floats(sizeOf(yShape)), shape: yShape }, { data: x, shape: [1, 6, 7, 5] }], [[1, 6, 7, 5]], { ...g, op: 0 });
    expectClose(bp.got[0], bp.want[0], 1e-5, 1e-6, 'max poolBackprop NaN/ties');
  });
});

describe('wasm layerNorm vs js', () => {
  it('forward and backprop for rows of 1, 3, 17, 768, 8192 (offset mean), x given with its original rank', () => {
    for (const [rows, cols] of [[5, 1], [4, 3], [3, 17], [6, 768], [2, 8192], [1, 8193]]) {
      const x = floats(rows * cols, -2, 2).map((v) => v * 3 + 50);
      const gamma = floats(cols, 0.5, 1.5), beta = floats(cols), dy = floats(rows * cols);
      const shape = [1, rows, cols];
      const attrs = { rows, cols, epsilon: 1e-5 };
      const r = runBoth('layerNorm', [{ data: x, shape }, { data: gamma, shape: [cols] }, { data: beta, shape: [cols] }], [shape], attrs);
      expectClose(r.got[0], r.want[0], 1e-4, 1e-4, `layerNorm ${rows}x${cols}`);
      const b = runBoth('layerNormBackprop', [{ data: dy, shape }, { data: x, shape }, { data: gamma, shape: [cols] }], [shape], attrs);
      expectClose(b.got[0], b.want[0], 1e-3, 1e-4, `layerNormBackprop ${rows}x${cols}`);
    }
  });
});

interface AttnCase { bh: number; sq: number; sk: number; D: number; causal: boolean; mask?: boolean; scale?: number; qScale?: number }

function runAttention(c: AttnCase, tol = 2e-5): { got: StorageArray[]; want: StorageArray[] } {
  const q = floats(c.bh * c.sq * c.D).map((v) => v * (c.qScale ?? 1)), k = floats(c.bh * c.sk * c.D), v = floats(c.bh * c.sk * c.D);
  const heads = c.bh % 2 === 0 ? 2 : 1;
  const s4 = (s: number) => [c.bh / heads, heads, s, c.D];
  const ins: In[] = [{ data: q, shape: s4(c.sq) }, { data: k, shape: s4(c.sk) }, { data: v, shape: s4(c.sk) }];
  if (c.mask) {
    const m = floats(c.sq * c.sk, -2, 2);
    for (let i = 0; i < m.length; i++) if (rand() < 0.15) m[i] = -Infinity;
    for (let i = 1; i < c.sq; i += 5) m.fill(-Infinity, i * c.sk, (i + 1) * c.sk); // fully masked rows
    ins.push({ data: m, shape: [1, 1, c.sq, c.sk] });
  }
  const attrs = { bh: c.bh, seqQ: c.sq, seqK: c.sk, headDim: c.D, scale: c.scale ?? 1 / Math.sqrt(c.D), causal: c.causal, hasMask: !!c.mask };
  const r = runBoth('attention', ins, [s4(c.sq), [c.bh / heads, heads, c.sq]], attrs);
  const name = `attention bh${c.bh} ${c.sq}x${c.sk} d${c.D} causal ${c.causal} mask ${!!c.mask}`;
  expectClose(r.got[0], r.want[0], 1e-4, tol, `${name} out`);
  expectClose(r.got[1], r.want[1], 1e-5, 1e-5, `${name} lse`);
  return r;
}

describe('wasm fused attention vs js', () => {
  it('self-attention: seq 1, 17, 130, 513; headDim 8, 32, 64, 128; causal on and off', () => {
    const cases: AttnCase[] = [
      { bh: 2, sq: 1, sk: 1, D: 8, causal: false },
      { bh: 2, sq: 1, sk: 1, D: 8, causal: true },
      { bh: 3, sq: 17, sk: 17, D: 32, causal: true },
      { bh: 2, sq: 17, sk: 17, D: 64, causal: false },
      { bh: 2, sq: 130, sk: 130, D: 64, causal: true },
      { bh: 1, sq: 130, sk: 130, D: 128, causal: false },
      { bh: 1, sq: 513, sk: 513, D: 128, causal: true },
      { bh: 2, sq: 513, sk: 513, D: 8, causal: false },
    ];
    for (const c of cases) runAttention(c);
  });

  it('cross attention (seqQ != seqK) with causal offset, additive -Infinity mask and fully masked rows', () => {
    const cases: AttnCase[] = [
      { bh: 2, sq: 17, sk: 130, D: 8, causal: true, mask: true },
      { bh: 2, sq: 17, sk: 130, D: 32, causal: false, mask: true },
      { bh: 2, sq: 130, sk: 17, D: 32, causal: true }, // the first 113 rows see no key
      { bh: 1, sq: 513, sk: 130, D: 64, causal: false, mask: true },
      { bh: 1, sq: 130, sk: 513, D: 64, causal: true, mask: true },
      { bh: 2, sq: 130, sk: 130, D: 64, causal: true, mask: true },
    ];
    for (const c of cases) {
      const r = runAttention(c);
      if (c.mask || c.sq > c.sk) { // fully masked rows: zeros and lse = -inf
        expect(Array.from(r.got[1]).filter((v) => v === -Infinity).length).toBeGreaterThan(0);
      }
    }
  });

  it('odd head dims and large logits stay stable', () => {
    for (const D of [1, 5, 12, 33]) runAttention({ bh: 2, sq: 19, sk: 70, D, causal: D % 2 === 1, mask: D > 5 });
    runAttention({ bh: 2, sq: 65, sk: 200, D: 16, causal: true, qScale: 200 }, 1e-4);
    runAttention({ bh: 1, sq: 40, sk: 77, D: 32, causal: false, scale: 30 }, 1e-4);
  });
});

// 3x3, stride 1, dilation 1, channels multiples of 4 (at most 16384 pairs): the Winograd F(2x2, 3x3) path
// (assembly/conv_winograd.ts); odd sizes leave partial 2x2 tiles, explicit pads shift the tiles.
const WINOGRAD_CASES: ConvCase[] = [
  { b: 2, h: 9, w: 7, inC: 8, outC: 12, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
  { b: 1, h: 10, w: 11, inC: 12, outC: 20, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'valid' },
  { b: 1, h: 8, w: 9, inC: 16, outC: 8, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: [0, 2, 2, 1] },
  { b: 1, h: 28, w: 28, inC: 32, outC: 96, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
  { b: 1, h: 1, w: 1, inC: 8, outC: 8, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
  { b: 1, h: 5, w: 6, inC: 128, outC: 128, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
];

function winogradChecks(tag: string): void {
  for (const c of WINOGRAD_CASES) {
    const g = geometry(c);
    // Winograd's transforms sum and scale the inputs (B^T d B up to 4x, the products then summed over
    // inC before A^T m A), so its float32 rounding grows with inC: ~1e-6 of the output's magnitude
    // here (9 * inC terms of |x| <= 2), while a wrong tap or transform is off by O(1).
    const atol = 1e-5 * Math.max(1, c.inC / 16);
    const x = floats(c.b * c.h * c.w * c.inC, -2, 2), f = floats(c.fh * c.fw * c.inC * c.outC);
    const xIn = { data: x, shape: [c.b, c.h, c.w, c.inC] }, fIn = { data: f, shape: [c.fh, c.fw, c.inC, c.outC] };
    const r = runBoth('conv2d', [xIn, fIn], [[c.b, g.outH, g.outW, c.outC]], { ...g, ...NO_EPILOGUE });
    expectClose(r.got[0], r.want[0], 1e-4, atol, `${tag} conv2d ${label(c)}`);
    // the fused epilogue after the output transform: per-channel bias with relu, and prelu
    const bias = { data: floats(c.outC), shape: [c.outC] };
    const e1 = runBoth('conv2d', [xIn, fIn, bias], [[c.b, g.outH, g.outW, c.outC]], { ...g, hasBias: true, biasSize: c.outC, activation: Activation.relu, alpha: 0, preluSize: 1 });
    expectClose(e1.got[0], e1.want[0], 1e-4, atol, `${tag} conv2d + bias + relu ${label(c)}`);
    const e2 = runBoth('conv2d', [xIn, fIn, bias, { data: floats(c.outC, 0, 0.5), shape: [c.outC] }], [[c.b, g.outH, g.outW, c.outC]],
      { ...g, hasBias: true, biasSize: c.outC, activation: Activation.prelu, alpha: 0, preluSize: c.outC });
    expectClose(e2.got[0], e2.want[0], 1e-4, atol, `${tag} conv2d + bias + prelu ${label(c)}`);
  }
}

describe('wasm conv2d padding reads zeros', () => {
  it('an all-zero input gives exactly 0 with nonzero filters (padding taps read a zero row that the pointer table must not overwrite)', () => {
    // more output pixels than one indirection block (240), strided and not, so blocks end in partial pixel groups
    for (const c of [
      { b: 1, h: 56, w: 56, inC: 64, outC: 16, fh: 3, fw: 3, s: [2, 2], d: [1, 1], pad: 'same' },
      { b: 1, h: 17, w: 19, inC: 9, outC: 8, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
      { b: 2, h: 16, w: 16, inC: 8, outC: 8, fh: 3, fw: 3, s: [1, 1], d: [1, 1], pad: 'same' },
    ] as ConvCase[]) {
      const g = geometry(c);
      const r = runBoth('conv2d', [{ data: new Float32Array(c.b * c.h * c.w * c.inC), shape: [c.b, c.h, c.w, c.inC] }, { data: floats(c.fh * c.fw * c.inC * c.outC, 1, 2), shape: [c.fh, c.fw, c.inC, c.outC] }],
        [[c.b, g.outH, g.outW, c.outC]], { ...g, ...NO_EPILOGUE });
      const nonzero = Array.from(r.got[0] as Float32Array).findIndex((v) => v !== 0);
      expect(nonzero, `conv2d of zeros ${label(c)}: first nonzero output`).toBe(-1);
    }
  });
});

describe('wasm conv2d, Winograd path vs js', () => {
  it('3x3 stride 1: odd sizes, batch 2, valid and explicit pads, outC % 8 == 4, 1x1 image, 128 -> 128, fused epilogue', () => {
    winogradChecks('simd');
  });
});

describe('relaxed-SIMD build (V8 flag turned on in this worker)', () => {
  beforeAll(() => {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    wasm = createWasmBackendSync()!;
  });
  it('conv2d, depthwise and attention match js on the relaxed build', () => {
    expect(wasm.memory().module).toBe('relaxed-simd');
    for (const c of [CONV_CASES[0], CONV_CASES[5], CONV_CASES[6]]) {
      const g = geometry(c);
      const r = runBoth('conv2d', [{ data: floats(c.b * c.h * c.w * c.inC), shape: [c.b, c.h, c.w, c.inC] }, { data: floats(c.fh * c.fw * c.inC * c.outC), shape: [c.fh, c.fw, c.inC, c.outC] }],
        [[c.b, g.outH, g.outW, c.outC]], { ...g, ...NO_EPILOGUE });
      expectClose(r.got[0], r.want[0], 1e-4, 1e-5, `relaxed conv2d ${label(c)}`);
    }
    const c = DW_CASES[1];
    const g = { ...geometry(c), channelMultiplier: c.mult };
    const r = runBoth('depthwiseConv2d', [{ data: floats(c.b * c.h * c.w * c.inC), shape: [c.b, c.h, c.w, c.inC] }, { data: floats(c.fh * c.fw * c.inC * c.mult), shape: [c.fh, c.fw, c.inC, c.mult] }],
      [[c.b, g.outH, g.outW, c.outC]], { ...g, ...NO_EPILOGUE });
    expectClose(r.got[0], r.want[0], 1e-4, 1e-5, 'relaxed depthwise');
    runAttention({ bh: 2, sq: 130, sk: 130, D: 64, causal: true, mask: true });
  });
  it('the Winograd conv2d path (6-tile register tile) matches js on the relaxed build', () => {
    expect(wasm.memory().module).toBe('relaxed-simd');
    winogradChecks('relaxed');
  });
});
