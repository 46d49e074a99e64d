/**
 * Convolution, pooling, normalization and fused ops on the js backend:
 * (1) the js reference kernels against float64 brute-force loops written here, and the ops
 *     against TensorFlow.js's cpu backend (an independent implementation of the same API);
 * (2) every vjp against directional central finite differences (and TF.js's gradients);
 * (3) the validation errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as ts from '../src/index.js';
import { seededValues } from './helpers/gradcheck.js';
import { checkDirectionalGrads } from './helpers/dirgrad.js';

beforeAll(async () => {
  await ts.setBackend('js');
  await tf.setBackend('cpu');
});

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
const sizeOf = (s: number[]) => s.reduce((a, b) => a * b, 1);
const rand = (shape: number[], seed: number) => Float32Array.from(seededValues(sizeOf(shape), seed, -1, 1));

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, label: string, atol = 1e-4, rtol = 1e-4): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  let bad = 0;
  let first = '';
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]))) {
      if (!bad++) first = `[${i}] got ${got[i]}, want ${want[i]}`;
    }
  }
  if (bad) expect.fail(`${label}: ${bad} of ${want.length} values differ, first ${first}`);
}

/** Pads (top, left) and output size as TF.js defines them, computed independently here. */
function geometry(inH: number, inW: number, fh: number, fw: number, s: [number, number], d: [number, number], pad: Pad) {
  const eh = (fh - 1) * d[0] + 1, ew = (fw - 1) * d[1] + 1;
  if (pad === 'same') {
    const oh = Math.ceil(inH / s[0]), ow = Math.ceil(inW / s[1]);
    return { oh, ow, top: Math.floor(Math.max(0, (oh - 1) * s[0] + eh - inH) / 2), left: Math.floor(Math.max(0, (ow - 1) * s[1] + ew - inW) / 2) };
  }
  if (pad === 'valid') return { oh: Math.ceil((inH - eh + 1) / s[0]), ow: Math.ceil((inW - ew + 1) / s[1]), top: 0, left: 0 };
  const [t, b, l, r] = typeof pad === 'number' ? [pad, pad, pad, pad] : [pad[1][0], pad[1][1], pad[2][0], pad[2][1]];
  return { oh: Math.trunc((inH + t + b - eh) / s[0] + 1), ow: Math.trunc((inW + l + r - ew) / s[1] + 1), top: t, left: l };
}

/** Float64 brute-force conv2d (depthwise when `depthwise`), NHWC. */
function bruteConv(x: Float32Array, xs: number[], f: Float32Array, fs: number[], s: [number, number], d: [number, number], pad: Pad, depthwise = false) {
  const [B, H, W, C] = xs;
  const [fh, fw, , fo] = fs;
  const { oh, ow, top, left } = geometry(H, W, fh, fw, s, d, pad);
  const outC = depthwise ? C * fo : fo;
  const out = new Float64Array(B * oh * ow * outC);
  for (let b = 0; b < B; b++) for (let y = 0; y < oh; y++) for (let xo = 0; xo < ow; xo++) for (let co = 0; co < outC; co++) {
    let acc = 0;
    for (let ky = 0; ky < fh; ky++) for (let kx = 0; kx < fw; kx++) {
      const iy = y * s[0] - top + ky * d[0], ix = xo * s[1] - left + kx * d[1];
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      if (depthwise) {
        const c = Math.floor(co / fo), m = co % fo;
        acc += x[((b * H + iy) * W + ix) * C + c] * f[((ky * fw + kx) * C + c) * fo + m];
      } else {
        for (let ci = 0; ci < C; ci++) acc += x[((b * H + iy) * W + ix) * C + ci] * f[((ky * fw + kx) * C + ci) * fo + co];
      }
    }
    out[((b * oh + y) * ow + xo) * outC + co] = acc;
  }
  return { out, shape: [B, oh, ow, outC] };
}

function brutePool(x: Float32Array, xs: number[], k: [number, number], s: [number, number], pad: Pad, max: boolean) {
  const [B, H, W, C] = xs;
  const { oh, ow, top, left } = geometry(H, W, k[0], k[1], s, [1, 1], pad);
  const out = new Float64Array(B * oh * ow * C);
  for (let b = 0; b < B; b++) for (let y = 0; y < oh; y++) for (let xo = 0; xo < ow; xo++) for (let c = 0; c < C; c++) {
    let best = -Infinity, sum = 0, n = 0;
    for (let ky = 0; ky < k[0]; ky++) for (let kx = 0; kx < k[1]; kx++) {
      const iy = y * s[0] - top + ky, ix = xo * s[1] - left + kx;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      const v = x[((b * H + iy) * W + ix) * C + c];
      best = Math.max(best, v); sum += v; n++;
    }
    out[((b * oh + y) * ow + xo) * C + c] = max ? best : sum / n;
  }
  return { out, shape: [B, oh, ow, C] };
}

const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

interface ConvCase { x: number[]; f: number[]; s: number | [number, number]; d: number | [number, number]; pad: Pad }
const conv2dCases: ConvCase[] = [
  { x: [1, 7, 7, 1], f: [1, 1, 1, 1], s: 1, d: 1, pad: 'valid' },
  { x: [2, 9, 11, 3], f: [3, 3, 3, 17], s: 2, d: 1, pad: 'same' },
  { x: [1, 9, 9, 17], f: [3, 3, 17, 3], s: 1, d: 2, pad: 'same' },
  { x: [1, 13, 11, 3], f: [5, 5, 3, 8], s: [2, 1], d: 1, pad: 'valid' },
  { x: [1, 15, 13, 3], f: [7, 7, 3, 4], s: 2, d: 1, pad: 'same' },
  { x: [1, 8, 9, 3], f: [3, 3, 3, 5], s: 1, d: 1, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  { x: [1, 7, 7, 2], f: [3, 3, 2, 2], s: 1, d: 2, pad: 2 },
  { x: [1, 7, 8, 2], f: [3, 3, 2, 2], s: 1, d: [2, 1], pad: 'same' },
  { x: [1, 5, 5, 3], f: [5, 5, 3, 2], s: 1, d: 1, pad: 'valid' },
  { x: [1, 7, 7, 3], f: [3, 3, 3, 1], s: 3, d: 1, pad: 'same' },
  { x: [1, 9, 9, 3], f: [1, 1, 3, 17], s: 2, d: 1, pad: 'same' },
  { x: [1, 16, 16, 64], f: [3, 3, 64, 64], s: 1, d: 1, pad: 'same' },
];
const name = (c: ConvCase) => `x[${c.x}] f[${c.f}] s${JSON.stringify(c.s)} d${JSON.stringify(c.d)} pad ${JSON.stringify(c.pad)}`;

describe('conv2d forward', () => {
  it.each(conv2dCases.map((c) => [name(c), c] as const))('%s: brute force and TF.js', (_n, c) => {
    const xv = rand(c.x, 1), fv = rand(c.f, 2);
    const y = ts.conv2d(ts.tensor(xv, c.x), ts.tensor(fv, c.f), c.s, c.pad, 'NHWC', c.d);
    const want = bruteConv(xv, c.x, fv, c.f, pair(c.s), pair(c.d), c.pad);
    expect(y.shape).toEqual(want.shape);
    expectClose(y.dataSync(), want.out, name(c));
    const t = tf.conv2d(tf.tensor4d(xv, c.x as any), tf.tensor4d(fv, c.f as any), c.s, c.pad as any, 'NHWC', c.d);
    expect(y.shape).toEqual(t.shape);
    expectClose(y.dataSync(), t.dataSync(), `${name(c)} vs TF.js`);
  });

  it('NCHW, rank 3 and dimRoundingMode match TF.js', () => {
    const xv = rand([2, 3, 9, 8], 3), fv = rand([3, 3, 3, 5], 4);
    const y = ts.conv2d(ts.tensor(xv, [2, 3, 9, 8]), ts.tensor(fv, [3, 3, 3, 5]), 2, 'same', 'NCHW');
    const t = tf.conv2d(tf.tensor4d(xv, [2, 3, 9, 8]), tf.tensor4d(fv, [3, 3, 3, 5]), 2, 'same', 'NCHW');
    expect(y.shape).toEqual(t.shape);
    expectClose(y.dataSync(), t.dataSync(), 'NCHW');
    const x3 = rand([6, 7, 3], 5);
    const y3 = ts.conv2d(ts.tensor(x3, [6, 7, 3]), ts.tensor(fv, [3, 3, 3, 5]), 1, 'valid');
    const t3 = tf.conv2d(tf.tensor3d(x3, [6, 7, 3]), tf.tensor4d(fv, [3, 3, 3, 5]), 1, 'valid');
    expect(y3.shape).toEqual(t3.shape);
    expectClose(y3.dataSync(), t3.dataSync(), 'rank 3');
    const xr = rand([1, 8, 8, 3], 6);
    for (const mode of ['floor', 'ceil', 'round'] as const) {
      const yr = ts.conv2d(ts.tensor(xr, [1, 8, 8, 3]), ts.tensor(fv, [3, 3, 3, 5]), 2, 1, 'NHWC', 1, mode);
      const tr = tf.conv2d(tf.tensor4d(xr, [1, 8, 8, 3]), tf.tensor4d(fv, [3, 3, 3, 5]), 2, 1, 'NHWC', 1, mode);
      expect(yr.shape, mode).toEqual(tr.shape);
      expectClose(yr.dataSync(), tr.dataSync(), `dimRoundingMode ${mode}`);
    }
  });
});

describe('depthwise, separable, conv1d, conv2dTranspose forward', () => {
  const dwCases: ConvCase[] = [
    { x: [1, 7, 7, 1], f: [3, 3, 1, 1], s: 1, d: 1, pad: 'same' },
    { x: [2, 9, 8, 3], f: [3, 3, 3, 2], s: 2, d: 1, pad: 'same' },
    { x: [1, 11, 9, 17], f: [5, 5, 17, 1], s: 1, d: 2, pad: 'valid' },
    { x: [1, 9, 9, 3], f: [7, 7, 3, 3], s: 1, d: 1, pad: [[0, 0], [3, 1], [0, 2], [0, 0]] },
  ];
  it.each(dwCases.map((c) => [name(c), c] as const))('depthwise %s', (_n, c) => {
    const xv = rand(c.x, 7), fv = rand(c.f, 8);
    const y = ts.depthwiseConv2d(ts.tensor(xv, c.x), ts.tensor(fv, c.f), c.s, c.pad, 'NHWC', c.d);
    const want = bruteConv(xv, c.x, fv, c.f, pair(c.s), pair(c.d), c.pad, true);
    expect(y.shape).toEqual(want.shape);
    expectClose(y.dataSync(), want.out, name(c));
    const t = tf.depthwiseConv2d(tf.tensor4d(xv, c.x as any), tf.tensor4d(fv, c.f as any), c.s, c.pad as any, 'NHWC', c.d);
    expectClose(y.dataSync(), t.dataSync(), `${name(c)} vs TF.js`);
  });

  it('separableConv2d matches TF.js', () => {
    const xv = rand([2, 9, 9, 3], 9), dw = rand([3, 3, 3, 2], 10), pw = rand([1, 1, 6, 5], 11);
    for (const [s, pad, d] of [[1, 'same', 1], [2, 'valid', 1], [1, 'same', 2]] as const) {
      const y = ts.separableConv2d(ts.tensor(xv, [2, 9, 9, 3]), ts.tensor(dw, [3, 3, 3, 2]), ts.tensor(pw, [1, 1, 6, 5]), s, pad, d);
      const t = tf.separableConv2d(tf.tensor4d(xv, [2, 9, 9, 3]), tf.tensor4d(dw, [3, 3, 3, 2]), tf.tensor4d(pw, [1, 1, 6, 5]), s, pad, d);
      expect(y.shape).toEqual(t.shape);
      expectClose(y.dataSync(), t.dataSync(), `separable s${s} ${pad} d${d}`);
    }
  });

  it('conv1d matches TF.js', () => {
    const xv = rand([2, 13, 3], 12), fv = rand([5, 3, 4], 13);
    for (const [s, pad, d] of [[1, 'same', 1], [2, 'valid', 1], [1, 'same', 2], [2, 'same', 1]] as const) {
      const y = ts.conv1d(ts.tensor(xv, [2, 13, 3]), ts.tensor(fv, [5, 3, 4]), s, pad, 'NWC', d);
      const t = tf.conv1d(tf.tensor3d(xv, [2, 13, 3]), tf.tensor3d(fv, [5, 3, 4]), s, pad, 'NWC', d);
      expect(y.shape).toEqual(t.shape);
      expectClose(y.dataSync(), t.dataSync(), `conv1d s${s} ${pad} d${d}`);
    }
    // Numeric pad pads the width only.
    const y = ts.conv1d(ts.tensor(xv, [2, 13, 3]), ts.tensor(fv, [5, 3, 4]), 1, 2);
    const want = bruteConv(xv, [2, 1, 13, 3], fv, [1, 5, 3, 4], [1, 1], [1, 1], [[0, 0], [0, 0], [2, 2], [0, 0]]);
    expect(y.shape).toEqual([2, 13, 4]);
    expectClose(y.dataSync(), want.out, 'conv1d numeric pad');
  });

  it('conv2dTranspose matches TF.js (filter [fh, fw, outC, inC])', () => {
    const cases: [number[], number[], number[], number, 'same' | 'valid'][] = [
      [[1, 4, 4, 3], [3, 3, 5, 3], [1, 8, 8, 5], 2, 'same'],
      [[2, 5, 3, 2], [3, 3, 4, 2], [2, 7, 5, 4], 1, 'valid'],
      [[1, 3, 3, 3], [4, 4, 1, 3], [1, 8, 8, 1], 2, 'valid'],
      [[1, 5, 5, 17], [1, 1, 3, 17], [1, 9, 9, 3], 2, 'same'],
    ];
    for (const [xs, fs, os, s, pad] of cases) {
      const xv = rand(xs, 14), fv = rand(fs, 15);
      const y = ts.conv2dTranspose(ts.tensor(xv, xs), ts.tensor(fv, fs), os, s, pad);
      const t = tf.conv2dTranspose(tf.tensor4d(xv, xs as any), tf.tensor4d(fv, fs as any), os as any, s, pad);
      expect(y.shape).toEqual(t.shape);
      expectClose(y.dataSync(), t.dataSync(), `conv2dTranspose x[${xs}] f[${fs}] s${s} ${pad}`);
    }
  });
});

describe('pooling forward', () => {
  const cases: [number[], number | [number, number], number | [number, number], Pad][] = [
    [[1, 7, 7, 1], 2, 2, 'valid'],
    [[2, 9, 11, 3], 3, 2, 'same'],
    [[1, 8, 8, 17], 3, 1, 'same'],
    [[1, 13, 9, 3], [3, 2], [2, 1], 'valid'],
    [[1, 7, 7, 3], 3, 2, 1],
    [[1, 6, 6, 2], 7, 3, 'same'],
  ];
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s max/avg: brute force and TF.js', (_n, [xs, k, s, pad]) => {
    const xv = rand(xs, 16);
    for (const max of [true, false]) {
      const fn = max ? ts.maxPool : ts.avgPool;
      const y = fn(ts.tensor(xv, xs), k, s, pad);
      const want = brutePool(xv, xs, pair(k), pair(s), pad, max);
      expect(y.shape).toEqual(want.shape);
      expectClose(y.dataSync(), want.out, `${max ? 'max' : 'avg'} ${JSON.stringify([xs, k, s, pad])}`);
      const tfn = max ? tf.maxPool : tf.avgPool;
      const t = tfn(tf.tensor4d(xv, xs as any), k, s, pad as any);
      expectClose(y.dataSync(), t.dataSync(), `${max ? 'max' : 'avg'} vs TF.js`);
    }
  });

  it('pool with dilations and rank-3 input', () => {
    const xv = rand([9, 9, 2], 17);
    const y = ts.pool(ts.tensor(xv, [9, 9, 2]), 3, 'max', 'valid', 2, 1);
    const t = tf.pool(tf.tensor3d(xv, [9, 9, 2]), 3, 'max', 'valid', 2, 1);
    expect(y.shape).toEqual(t.shape);
    expectClose(y.dataSync(), t.dataSync(), 'dilated max pool');
  });
});

describe('normalization forward', () => {
  it('batchNorm and moments match TF.js', () => {
    const xv = rand([2, 5, 4, 3], 18), m = rand([3], 19), v = Float32Array.from(seededValues(3, 20, 0.5, 2)), o = rand([3], 21), sc = rand([3], 22);
    const y = ts.batchNorm(ts.tensor(xv, [2, 5, 4, 3]), ts.tensor(m), ts.tensor(v), ts.tensor(o), ts.tensor(sc), 0.01);
    const t = tf.batchNorm(tf.tensor4d(xv, [2, 5, 4, 3]), tf.tensor1d(m), tf.tensor1d(v), tf.tensor1d(o), tf.tensor1d(sc), 0.01);
    expectClose(y.dataSync(), t.dataSync(), 'batchNorm');
    const y2 = ts.batchNorm(ts.tensor(xv, [2, 5, 4, 3]), ts.tensor(m), ts.tensor(v));
    const t2 = tf.batchNorm(tf.tensor4d(xv, [2, 5, 4, 3]), tf.tensor1d(m), tf.tensor1d(v));
    expectClose(y2.dataSync(), t2.dataSync(), 'batchNorm without offset/scale');
    for (const [axes, keep] of [[[0, 1, 2], false], [[1], true], [undefined, false]] as const) {
      const mm = ts.moments(ts.tensor(xv, [2, 5, 4, 3]), axes as any, keep);
      const tm = tf.moments(tf.tensor4d(xv, [2, 5, 4, 3]), axes as any, keep);
      expect(mm.mean.shape).toEqual(tm.mean.shape);
      expectClose(mm.mean.dataSync(), tm.mean.dataSync(), 'moments mean');
      expectClose(mm.variance.dataSync(), tm.variance.dataSync(), 'moments variance');
    }
  });

  const bruteLayerNorm = (x: Float32Array, cols: number, g: Float32Array, b: Float32Array, eps: number) => {
    const out = new Float64Array(x.length);
    for (let r = 0; r < x.length / cols; r++) {
      let mean = 0, v = 0;
      for (let c = 0; c < cols; c++) mean += x[r * cols + c] / cols;
      for (let c = 0; c < cols; c++) v += (x[r * cols + c] - mean) ** 2 / cols;
      for (let c = 0; c < cols; c++) out[r * cols + c] = ((x[r * cols + c] - mean) / Math.sqrt(v + eps)) * g[c] + b[c];
    }
    return out;
  };
  it.each([[[3, 1]], [[2, 3, 17]], [[5, 64]], [[2, 8192]], [[1, 8193]]])('layerNorm %j vs brute force', (shape) => {
    const cols = shape[shape.length - 1];
    const xv = Float32Array.from(seededValues(sizeOf(shape), 23, -3, 5)), g = rand([cols], 24), b = rand([cols], 25);
    const y = ts.layerNorm(ts.tensor(xv, shape), ts.tensor(g), ts.tensor(b), 1e-5);
    expectClose(y.dataSync(), bruteLayerNorm(xv, cols, g, b, 1e-5), `layerNorm [${shape}]`, 1e-4, 1e-3);
    const y1 = ts.layerNorm(ts.tensor(xv, shape));
    expectClose(y1.dataSync(), bruteLayerNorm(xv, cols, new Float32Array(cols).fill(1), new Float32Array(cols), 1e-5), 'no affine', 1e-4, 1e-3);
  });
});

describe('fused ops forward', () => {
  const acts = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid'] as const;
  it.each(acts)('fused.matMul %s matches TF.js (bias [N], [1], [M,N] fallback)', (act) => {
    const a = rand([2, 5, 7], 26), b = rand([7, 6], 27), pw = rand([6], 28);
    for (const biasShape of [[6], [1], [5, 6]]) {
      const bias = rand(biasShape, 29);
      const y = ts.fused.matMul({ a: ts.tensor(a, [2, 5, 7]), b: ts.tensor(b, [7, 6]), bias: ts.tensor(bias, biasShape), activation: act, preluActivationWeights: ts.tensor(pw), leakyreluAlpha: 0.3 });
      const t = tf.fused.matMul({ a: tf.tensor3d(a, [2, 5, 7]), b: tf.tensor2d(b, [7, 6]), bias: tf.tensor(bias, biasShape), activation: act, preluActivationWeights: tf.tensor1d(pw), leakyreluAlpha: 0.3 });
      expect(y.shape).toEqual(t.shape);
      expectClose(y.dataSync(), t.dataSync(), `fused.matMul ${act} bias [${biasShape}]`);
    }
  });

  it.each(['tanh', 'gelu'] as const)('fused.matMul %s with transposes equals the unfused ops', (act) => {
    const a = ts.tensor(rand([7, 5], 30), [7, 5]), b = ts.tensor(rand([6, 7], 31), [6, 7]), bias = ts.tensor(rand([6], 32));
    const y = ts.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: act });
    const z = ts.add(ts.matMul(a, b, true, true), bias);
    expectClose(y.dataSync(), (act === 'tanh' ? ts.tanh(z) : ts.gelu(z)).dataSync(), `fused ${act}`);
  });

  it.each(acts)('fused.conv2d / depthwiseConv2d %s match TF.js', (act) => {
    const xv = rand([2, 9, 8, 3], 33), fv = rand([3, 3, 3, 4], 34), bias = rand([4], 35), pw = rand([4], 36);
    const y = ts.fused.conv2d({ x: ts.tensor(xv, [2, 9, 8, 3]), filter: ts.tensor(fv, [3, 3, 3, 4]), strides: 2, pad: 'same', bias: ts.tensor(bias), activation: act, preluActivationWeights: ts.tensor(pw), leakyreluAlpha: 0.3 });
    const t = tf.fused.conv2d({ x: tf.tensor4d(xv, [2, 9, 8, 3]), filter: tf.tensor4d(fv, [3, 3, 3, 4]), strides: 2, pad: 'same', bias: tf.tensor1d(bias), activation: act, preluActivationWeights: tf.tensor1d(pw), leakyreluAlpha: 0.3 });
    expect(y.shape).toEqual(t.shape);
    expectClose(y.dataSync(), t.dataSync(), `fused.conv2d ${act}`);
    const dwf = rand([3, 3, 3, 2], 37), dwb = rand([6], 38), dpw = rand([6], 39);
    const yd = ts.fused.depthwiseConv2d({ x: ts.tensor(xv, [2, 9, 8, 3]), filter: ts.tensor(dwf, [3, 3, 3, 2]), strides: 1, pad: 'valid', bias: ts.tensor(dwb), activation: act, preluActivationWeights: ts.tensor(dpw), leakyreluAlpha: 0.3 });
    const td = tf.fused.depthwiseConv2d({ x: tf.tensor4d(xv, [2, 9, 8, 3]), filter: tf.tensor4d(dwf, [3, 3, 3, 2]), strides: 1, pad: 'valid', bias: tf.tensor1d(dwb), activation: act, preluActivationWeights: tf.tensor1d(dpw), leakyreluAlpha: 0.3 });
    expectClose(yd.dataSync(), td.dataSync(), `fused.depthwiseConv2d ${act}`);
  });

  it('fused.conv2d NCHW and a broadcast (non per-channel) bias fall back correctly', () => {
    const xv = rand([1, 3, 7, 7], 40), fv = rand([3, 3, 3, 4], 41), bias = rand([4], 42);
    const y = ts.fused.conv2d({ x: ts.tensor(xv, [1, 3, 7, 7]), filter: ts.tensor(fv, [3, 3, 3, 4]), strides: 1, pad: 'same', dataFormat: 'NCHW', bias: ts.tensor(bias), activation: 'relu' });
    const z = ts.add(ts.conv2d(ts.tensor(xv, [1, 3, 7, 7]), ts.tensor(fv, [3, 3, 3, 4]), 1, 'same', 'NCHW'), ts.tensor(bias, [4, 1, 1]));
    expectClose(y.dataSync(), ts.relu(z).dataSync(), 'NCHW fused');
    const xh = rand([1, 7, 7, 3], 43), wide = rand([7, 1, 4], 44);
    const y2 = ts.fused.conv2d({ x: ts.tensor(xh, [1, 7, 7, 3]), filter: ts.tensor(fv, [3, 3, 3, 4]), strides: 1, pad: 'same', bias: ts.tensor(wide, [7, 1, 4]), activation: 'elu' });
    const z2 = ts.add(ts.conv2d(ts.tensor(xh, [1, 7, 7, 3]), ts.tensor(fv, [3, 3, 3, 4]), 1, 'same'), ts.tensor(wide, [7, 1, 4]));
    expectClose(y2.dataSync(), ts.elu(z2).dataSync(), 'broadcast bias fused');
  });
});

describe('vjps vs finite differences', () => {
  const grad = (n: string, f: (...xs: ts.Tensor[]) => ts.Tensor, shapes: number[][], opts = {}) =>
    it(n, () => checkDirectionalGrads(ts, n, f, shapes.map((shape) => ({ shape })), opts));

  grad('conv2d stride 1 same', (x, f) => ts.conv2d(x, f, 1, 'same'), [[2, 5, 6, 3], [3, 3, 3, 4]]);
  grad('conv2d stride 2 same (odd size)', (x, f) => ts.conv2d(x, f, 2, 'same'), [[1, 7, 7, 2], [3, 3, 2, 3]]);
  grad('conv2d dilation 2 valid', (x, f) => ts.conv2d(x, f, 1, 'valid', 'NHWC', 2), [[1, 9, 8, 2], [3, 3, 2, 2]]);
  grad('conv2d explicit pad, stride [2,1]', (x, f) => ts.conv2d(x, f, [2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]]), [[1, 6, 5, 3], [3, 2, 3, 2]]);
  grad('conv2d 5x5 NCHW', (x, f) => ts.conv2d(x, f, 1, 'same', 'NCHW'), [[1, 2, 6, 6], [5, 5, 2, 2]]);
  grad('conv2d rank 3, 1x1', (x, f) => ts.conv2d(x, f, 1, 'valid'), [[4, 5, 3], [1, 1, 3, 17]]);
  grad('depthwiseConv2d mult 2 stride 2', (x, f) => ts.depthwiseConv2d(x, f, 2, 'same'), [[1, 7, 6, 3], [3, 3, 3, 2]]);
  grad('depthwiseConv2d dilation 2', (x, f) => ts.depthwiseConv2d(x, f, 1, 'valid', 'NHWC', 2), [[2, 8, 8, 2], [3, 3, 2, 1]]);
  grad('separableConv2d', (x, d, p) => ts.separableConv2d(x, d, p, 1, 'same'), [[1, 6, 6, 2], [3, 3, 2, 2], [1, 1, 4, 3]]);
  grad('conv1d stride 2', (x, f) => ts.conv1d(x, f, 2, 'same'), [[2, 9, 3], [3, 3, 2]]);
  grad('conv2dTranspose stride 2', (x, f) => ts.conv2dTranspose(x, f, [1, 8, 8, 2], 2, 'same'), [[1, 4, 4, 3], [3, 3, 2, 3]]);
  grad('conv2DBackpropFilter (second order)', (x, dy) => ts.conv2DBackpropFilter(x, dy, [3, 3, 2, 3], 1, 'same'), [[1, 5, 5, 2], [1, 5, 5, 3]]);
  grad('avgPool same stride 2', (x) => ts.avgPool(x, 3, 2, 'same'), [[2, 7, 7, 3]]);
  grad('avgPool valid', (x) => ts.avgPool(x, [2, 3], 1, 'valid'), [[1, 5, 6, 2]]);
  it('maxPool same / valid (distinct inputs, no ties within eps)', () => {
    for (const [shape, k, s, pad] of [[[1, 7, 7, 2], 3, 2, 'same'], [[2, 6, 5, 1], 2, 1, 'valid']] as const) {
      const n = sizeOf(shape as unknown as number[]);
      const perm = seededValues(n, 45, 0, 1).map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]).map((p, r) => [p[1], r]);
      const values = new Array<number>(n);
      for (const [i, r] of perm) values[i] = (r - n / 2) * 0.1;
      checkDirectionalGrads(ts, `maxPool ${JSON.stringify([shape, k, s, pad])}`, (x) => ts.maxPool(x, k, s, pad),
        [{ shape: shape as unknown as number[], values }], { eps: 1e-3, tol: 2e-2 });
    }
  });
  grad('batchNorm (all five inputs)', (x, m, v, o, s) => ts.batchNorm(x, m, ts.add(ts.abs(v), 0.5), o, s), [[2, 3, 4], [4], [4], [4], [4]]);
  grad('moments', (x) => { const { mean, variance } = ts.moments(x, [0, 1]); return ts.add(mean, variance); }, [[3, 4, 2]]);
  grad('layerNorm (x, gamma, beta)', (x, g, b) => ts.layerNorm(x, g, b), [[2, 3, 17], [17], [17]]);
  grad('layerNorm cols 1 and no affine', (x) => ts.layerNorm(x), [[4, 1]]);
  grad('layerNorm composed path (> 8192 cols)', (x, g, b) => ts.layerNorm(x, g, b), [[1, 8200], [8200], [8200]], { coords: 1, directions: 1 });
  for (const act of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid', 'tanh', 'gelu'] as const) {
    grad(`fused.matMul ${act} + bias`, (a, b, bias, pw) =>
      ts.fused.matMul({ a, b, transposeB: true, bias, activation: act, preluActivationWeights: pw, leakyreluAlpha: 0.2 }),
    act === 'prelu' ? [[3, 4], [5, 4], [5], [5]] : [[3, 4], [5, 4], [5]], { eps: 1e-3, tol: 2e-2 });
  }
  grad('fused.matMul broadcast bias fallback', (a, b, bias) => ts.fused.matMul({ a, b, bias, activation: 'tanh' }), [[2, 3, 4], [4, 5], [3, 5]]);
  for (const act of ['linear', 'relu', 'gelu', 'prelu'] as const) {
    grad(`fused.conv2d ${act} + bias`, (x, f, bias, pw) =>
      ts.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', bias, activation: act, preluActivationWeights: pw }),
    act === 'prelu' ? [[1, 5, 5, 2], [3, 3, 2, 3], [3], [3]] : [[1, 5, 5, 2], [3, 3, 2, 3], [3]], { eps: 1e-3, tol: 2e-2 });
  }
  grad('fused.depthwiseConv2d sigmoid + bias', (x, f, bias) =>
    ts.fused.depthwiseConv2d({ x, filter: f, strides: 2, pad: 'same', bias, activation: 'sigmoid' }), [[1, 6, 6, 2], [3, 3, 2, 2], [4]]);

  it('conv2d and depthwise gradients match TF.js', () => {
    const xv = rand([2, 7, 6, 3], 46), fv = rand([3, 3, 3, 4], 47), dyv = rand([2, 4, 3, 4], 48);
    const [gx, gf] = ts.grads((x, f) => ts.conv2d(x, f, 2, 'same'))([ts.tensor(xv, [2, 7, 6, 3]), ts.tensor(fv, [3, 3, 3, 4])], ts.tensor(dyv, [2, 4, 3, 4]));
    const [tx, tfg] = tf.grads((x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'))([tf.tensor4d(xv, [2, 7, 6, 3]), tf.tensor4d(fv, [3, 3, 3, 4])], tf.tensor4d(dyv, [2, 4, 3, 4]));
    expectClose(gx.dataSync(), tx.dataSync(), 'dx');
    expectClose(gf.dataSync(), tfg.dataSync(), 'dfilter');
    const dwv = rand([3, 3, 3, 2], 49), ddv = rand([2, 7, 6, 6], 50);
    const [hx, hf] = ts.grads((x, f) => ts.depthwiseConv2d(x, f, 1, 'same'))([ts.tensor(xv, [2, 7, 6, 3]), ts.tensor(dwv, [3, 3, 3, 2])], ts.tensor(ddv, [2, 7, 6, 6]));
    const [ux, uf] = tf.grads((x: tf.Tensor, f: tf.Tensor) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'))([tf.tensor4d(xv, [2, 7, 6, 3]), tf.tensor4d(dwv, [3, 3, 3, 2])], tf.tensor4d(ddv, [2, 7, 6, 6]));
    expectClose(hx.dataSync(), ux.dataSync(), 'depthwise dx');
    expectClose(hf.dataSync(), uf.dataSync(), 'depthwise dfilter');
  });

  it('ops free their intermediates when no gradient is taped', () => {
    const x = ts.tensor(rand([1, 3, 6, 6], 51), [1, 3, 6, 6]);
    const f = ts.tensor(rand([3, 3, 3, 2], 52), [3, 3, 3, 2]);
    const before = ts.memory().numTensors;
    const outs = [
      ts.conv2d(x, f, 1, 'same', 'NCHW'),
      ts.depthwiseConv2d(x, ts.tensor(rand([3, 3, 3, 1], 53), [3, 3, 3, 1]), 1, 'same', 'NCHW'),
      ts.batchNorm(x, 0.5, 2, 1, 3),
      ts.layerNorm(x),
      ts.fused.conv2d({ x, filter: f, strides: 1, pad: 'same', dataFormat: 'NCHW', bias: ts.tensor([1, 2]), activation: 'relu' }),
    ];
    // Each op leaves exactly its output (plus the explicitly created filter/bias tensors above).
    expect(ts.memory().numTensors - before).toBe(outs.length + 2);
  });
});

describe('validation errors', () => {
  const x = () => ts.zeros([1, 5, 5, 3]);
  const f = () => ts.zeros([3, 3, 3, 2]);
  const cases: [string, () => unknown, RegExp][] = [
    ['conv2d rank', () => ts.conv2d(ts.zeros([5, 5]), f(), 1, 'same'), /conv2d: x must be rank 4.*\[5,5\]/],
    ['conv2d filter rank', () => ts.conv2d(x(), ts.zeros([3, 3, 3]), 1, 'same'), /conv2d: filter must be rank 4/],
    ['conv2d channel mismatch', () => ts.conv2d(x(), ts.zeros([3, 3, 4, 2]), 1, 'same'), /conv2d: input has 3 channels.*\[3,3,4,2\]/],
    ['conv2d stride 0', () => ts.conv2d(x(), f(), 0, 'same'), /conv2d: strides must be a positive integer/],
    ['conv2d stride 1.5', () => ts.conv2d(x(), f(), [1.5, 1], 'same'), /conv2d: strides/],
    ['conv2d dilation 0', () => ts.conv2d(x(), f(), 1, 'same', 'NHWC', 0), /conv2d: dilations/],
    ['conv2d stride and dilation', () => ts.conv2d(x(), f(), 2, 'same', 'NHWC', 2), /conv2d: strides > 1 together with dilations > 1/],
    ['conv2d kernel larger than valid input', () => ts.conv2d(x(), ts.zeros([7, 7, 3, 2]), 1, 'valid'), /conv2d: the 7x7 window .* does not fit the 5x5 input/],
    ['conv2d dilated kernel too large', () => ts.conv2d(x(), f(), 1, 'valid', 'NHWC', 3), /dilated 7x7/],
    ['conv2d bad dataFormat', () => ts.conv2d(x(), f(), 1, 'same', 'NWHC' as any), /conv2d: dataFormat must be 'NHWC' or 'NCHW', got 'NWHC'/],
    ['conv2d bad pad', () => ts.conv2d(x(), f(), 1, 'full' as any), /conv2d: pad must be/],
    ['conv2d bad explicit pad', () => ts.conv2d(x(), f(), 1, [[0, 0], [-1, 0], [0, 0], [0, 0]]), /conv2d: explicit pad/],
    ['conv2d rounding with string pad', () => ts.conv2d(x(), f(), 1, 'same', 'NHWC', 1, 'floor'), /dimRoundingMode/],
    ['conv2d int32', () => ts.conv2d(ts.zeros([1, 5, 5, 3], 'int32'), f(), 1, 'same'), /Argument 'x' passed to 'conv2d' must be float32 tensor, but got int32 tensor/], // TF.js's wording
    ['depthwise channel mismatch', () => ts.depthwiseConv2d(x(), ts.zeros([3, 3, 2, 1]), 1, 'same'), /depthwiseConv2d: input has 3 channels/],
    ['depthwise stride and dilation', () => ts.depthwiseConv2d(x(), f(), [1, 2], 'same', 'NHWC', [2, 1]), /depthwiseConv2d: strides > 1 together/],
    ['separable pointwise shape', () => ts.separableConv2d(x(), ts.zeros([3, 3, 3, 1]), ts.zeros([1, 1, 4, 2]), 1, 'same'), /Error in separableConv2d: the third dimension of pointwise filter must be 3, but got 4/],
    ['conv1d rank', () => ts.conv1d(x(), ts.zeros([3, 3, 2]), 1, 'same'), /conv1d: x must be rank 3/],
    ['conv1d dataFormat', () => ts.conv1d(ts.zeros([1, 5, 3]), ts.zeros([3, 3, 2]), 1, 'same', 'NCW' as any), /conv1d: dataFormat must be 'NWC'/],
    ['conv2dTranspose channels', () => ts.conv2dTranspose(x(), ts.zeros([3, 3, 2, 4]), [1, 5, 5, 2], 1, 'same'), /conv2dTranspose: input has 3 channels.*filter shape\[3\]/],
    ['conv2dTranspose output shape', () => ts.conv2dTranspose(x(), ts.zeros([3, 3, 2, 3]), [1, 7, 7, 2], 1, 'same'), /conv2dTranspose: input spatial shape 5x5/],
    ['maxPool rank', () => ts.maxPool(ts.zeros([5, 5]), 2, 2, 'valid'), /maxPool: x must be rank 4/],
    ['avgPool window too large', () => ts.avgPool(x(), 6, 1, 'valid'), /avgPool: the 6x6 window/],
    ['maxPool stride 0', () => ts.maxPool(x(), 2, 0, 'valid'), /maxPool: strides/],
    ['pool type', () => ts.pool(x(), 2, 'min' as any, 'valid'), /pool: poolingType/],
    ['batchNorm mean shape', () => ts.batchNorm(x(), ts.zeros([4]), ts.ones([3])), /batchNorm: .*\[1,5,5,3\].*\[4\]|batchNorm: mean \[4\]/],
    ['layerNorm gamma size', () => ts.layerNorm(ts.zeros([2, 4]), ts.ones([3])), /layerNorm: gamma \[3\] must have 4 elements/],
    ['fused unknown activation', () => ts.fused.matMul({ a: ts.zeros([2, 3]), b: ts.zeros([3, 4]), activation: 'swish' as any }), /fused.matMul: unknown activation 'swish'/],
    ['fused prelu without weights', () => ts.fused.conv2d({ x: x(), filter: f(), strides: 1, pad: 'same', activation: 'prelu' }), /fused.conv2d: activation 'prelu' needs preluActivationWeights/],
    ['fused bias shape', () => ts.fused.matMul({ a: ts.zeros([2, 3]), b: ts.zeros([3, 4]), bias: ts.zeros([3]) }), /fused.matMul: .*\[3\]/],
  ];
  it.each(cases)('%s', (_n, run, match) => {
    expect(run).toThrow(match);
  });
});
