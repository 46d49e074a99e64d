/**
 * Case tables: convolution, pooling, normalization, attention and fused ops (forward and,
 * through ts.grads, the backprop kernels), run on every backend against the js reference.
 * Shapes are chosen to be awkward: odd spatial sizes, 1 / 3 / 17 / 64 channels, strides and
 * dilations of 2, every padding form, kernels 1x1 to 7x7, seq 1 / 17 / 130 / 513 attention.
 */
import type { Tensor } from '../../src/tensor.js';
import type { CaseRow } from './types.js';

/** Tolerance for float32 sums of K products of N(0, 1) values. */
const tolFor = (K: number) => ({ atol: 1e-5 + 4e-6 * K, rtol: 1e-3 });

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type P2 = number | [number, number];
const padName = (p: Pad) => (typeof p === 'string' || typeof p === 'number' ? String(p) : `explicit${JSON.stringify(p.slice(1, 3))}`);

function conv(x: number[], f: number[], s: P2, pad: Pad, d: P2 = 1, fmt: 'NHWC' | 'NCHW' = 'NHWC'): CaseRow {
  return {
    name: `conv2d x[${x}] f[${f}] s${s} d${d} ${padName(pad)}${fmt === 'NCHW' ? ' NCHW' : ''}`,
    op: (ts, [a, b]) => ts.conv2d(a, b, s, pad, fmt, d),
    inputs: [{ shape: x }, { shape: f }],
    tol: tolFor(f[0] * f[1] * f[2]),
  };
}

function convGrad(x: number[], f: number[], dy: number[], s: P2, pad: Pad, d: P2 = 1): CaseRow {
  return {
    name: `conv2d grads x[${x}] f[${f}] s${s} d${d} ${padName(pad)}`,
    op: (ts, [a, b, g]) => ts.grads((u: Tensor, w: Tensor) => ts.conv2d(u, w, s, pad, 'NHWC', d))([a, b], g),
    inputs: [{ shape: x }, { shape: f }, { shape: dy }],
    tol: tolFor(Math.max(f[0] * f[1] * f[3], x[0] * dy[1] * dy[2])),
  };
}

function depthwise(x: number[], f: number[], s: P2, pad: Pad, d: P2 = 1): CaseRow {
  return {
    name: `depthwiseConv2d x[${x}] f[${f}] s${s} d${d} ${padName(pad)}`,
    op: (ts, [a, b]) => ts.depthwiseConv2d(a, b, s, pad, 'NHWC', d),
    inputs: [{ shape: x }, { shape: f }],
    tol: tolFor(f[0] * f[1]),
  };
}

function pool(kind: 'max' | 'avg', x: number[], k: P2, s: P2, pad: Pad): CaseRow {
  return {
    name: `${kind}Pool x[${x}] k${k} s${s} ${padName(pad)}`,
    op: (ts, [a]) => (kind === 'max' ? ts.maxPool(a, k, s, pad) : ts.avgPool(a, k, s, pad)),
    inputs: [{ shape: x }],
    tol: tolFor(49),
  };
}

function poolGrad(kind: 'max' | 'avg', x: number[], dy: number[], k: P2, s: P2, pad: Pad): CaseRow {
  return {
    name: `${kind}Pool grad x[${x}] k${k} s${s} ${padName(pad)}`,
    op: (ts, [a, g]) => ts.grads((u: Tensor) => (kind === 'max' ? ts.maxPool(u, k, s, pad) : ts.avgPool(u, k, s, pad)))([a], g),
    inputs: [{ shape: x }, { shape: dy }],
    tol: tolFor(49),
  };
}

function attn(b: number, h: number, sq: number, sk: number, d: number, causal: boolean, mask?: 'bool' | 'float'): CaseRow {
  const inputs = [{ shape: [b, h, sq, d] }, { shape: [b, h, sk, d] }, { shape: [b, h, sk, d] }];
  return {
    name: `attention b${b} h${h} seqQ${sq} seqK${sk} d${d}${causal ? ' causal' : ''}${mask ? ` ${mask} mask` : ''}`,
    op: (ts, [q, k, v, m]) => ts.attention(q, k, v, { causal, mask: m }),
    inputs: mask ? [...inputs, { shape: [sq, sk], ...(mask === 'bool' ? { dtype: 'bool' as const } : {}) }] : inputs,
    tol: tolFor(Math.max(d, sk)),
  };
}

function attnGrad(b: number, h: number, sq: number, sk: number, d: number, causal: boolean): CaseRow {
  return {
    name: `attention grads b${b} h${h} seqQ${sq} seqK${sk} d${d}${causal ? ' causal' : ''}`,
    op: (ts, [q, k, v, g]) => ts.grads((a: Tensor, c: Tensor, e: Tensor) => ts.attention(a, c, e, { causal }))([q, k, v], g),
    inputs: [{ shape: [b, h, sq, d] }, { shape: [b, h, sk, d] }, { shape: [b, h, sk, d] }, { shape: [b, h, sq, d] }],
    tol: tolFor(Math.max(d, sk) * 4),
  };
}

const ACTS = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu', 'sigmoid', 'tanh', 'gelu'] as const;

export const convCases: CaseRow[] = [
  // conv2d forward
  conv([1, 7, 7, 1], [1, 1, 1, 1], 1, 'valid'),
  conv([2, 9, 11, 3], [3, 3, 3, 17], 2, 'same'),
  conv([1, 9, 9, 17], [3, 3, 17, 3], 1, 'same', 2),
  conv([1, 13, 11, 3], [5, 5, 3, 8], [2, 1], 'valid'),
  conv([1, 15, 13, 3], [7, 7, 3, 4], 2, 'same'),
  conv([1, 8, 9, 3], [3, 3, 3, 5], 1, [[0, 0], [2, 0], [1, 3], [0, 0]]),
  conv([1, 7, 7, 2], [3, 3, 2, 2], 1, 2, 2),
  conv([1, 5, 5, 3], [5, 5, 3, 2], 1, 'valid'),
  conv([1, 9, 9, 3], [1, 1, 3, 17], 2, 'same'),
  conv([1, 16, 16, 64], [3, 3, 64, 64], 1, 'same'),
  conv([2, 3, 9, 8], [3, 3, 3, 5], 2, 'same', 1, 'NCHW'),
  conv([1, 33, 31, 17], [3, 3, 17, 33], 1, 'same'),
  // conv2d backprops (input and filter)
  convGrad([2, 9, 8, 3], [3, 3, 3, 4], [2, 5, 4, 4], 2, 'same'),
  convGrad([1, 9, 9, 17], [3, 3, 17, 3], [1, 5, 5, 3], 1, 'valid', 2),
  convGrad([1, 8, 7, 3], [5, 5, 3, 2], [1, 8, 7, 2], 1, 'same'),
  convGrad([1, 7, 9, 1], [1, 1, 1, 17], [1, 4, 5, 17], 2, 'same'),
  // depthwise / separable / conv1d / transpose
  depthwise([1, 7, 7, 1], [3, 3, 1, 1], 1, 'same'),
  depthwise([2, 9, 8, 3], [3, 3, 3, 2], 2, 'same'),
  depthwise([1, 11, 9, 17], [5, 5, 17, 1], 1, 'valid', 2),
  depthwise([1, 9, 9, 3], [7, 7, 3, 3], 1, [[0, 0], [3, 1], [0, 2], [0, 0]]),
  depthwise([1, 16, 16, 64], [3, 3, 64, 1], 2, 'same'),
  {
    name: 'depthwiseConv2d grads x[2,7,6,3] f[3,3,3,2] s2 same',
    op: (ts, [x, f, g]) => ts.grads((a: Tensor, b: Tensor) => ts.depthwiseConv2d(a, b, 2, 'same'))([x, f], g),
    inputs: [{ shape: [2, 7, 6, 3] }, { shape: [3, 3, 3, 2] }, { shape: [2, 4, 3, 6] }],
    tol: tolFor(84),
  },
  {
    name: 'separableConv2d x[2,9,9,3] dw[3,3,3,2] pw[1,1,6,5] same',
    op: (ts, [x, d, p]) => ts.separableConv2d(x, d, p, 1, 'same'),
    inputs: [{ shape: [2, 9, 9, 3] }, { shape: [3, 3, 3, 2] }, { shape: [1, 1, 6, 5] }],
    tol: tolFor(54),
  },
  {
    name: 'conv1d x[2,13,3] f[5,3,4] s2 same',
    op: (ts, [x, f]) => ts.conv1d(x, f, 2, 'same'),
    inputs: [{ shape: [2, 13, 3] }, { shape: [5, 3, 4] }],
    tol: tolFor(15),
  },
  {
    name: 'conv2dTranspose x[1,4,4,3] f[3,3,5,3] -> [1,8,8,5] s2 same',
    op: (ts, [x, f]) => ts.conv2dTranspose(x, f, [1, 8, 8, 5], 2, 'same'),
    inputs: [{ shape: [1, 4, 4, 3] }, { shape: [3, 3, 5, 3] }],
    tol: tolFor(27),
  },
  {
    name: 'conv2dTranspose x[1,3,3,17] f[4,4,1,17] -> [1,8,8,1] s2 valid',
    op: (ts, [x, f]) => ts.conv2dTranspose(x, f, [1, 8, 8, 1], 2, 'valid'),
    inputs: [{ shape: [1, 3, 3, 17] }, { shape: [4, 4, 1, 17] }],
    tol: tolFor(272),
  },
  // pooling
  pool('max', [1, 7, 7, 1], 2, 2, 'valid'),
  pool('max', [2, 9, 11, 3], 3, 2, 'same'),
  pool('max', [1, 8, 8, 17], 3, 1, 'same'),
  pool('avg', [2, 9, 11, 3], 3, 2, 'same'),
  pool('avg', [1, 13, 9, 3], [3, 2], [2, 1], 'valid'),
  pool('avg', [1, 6, 6, 64], 7, 3, 'same'),
  pool('max', [1, 7, 7, 3], 3, 2, 1),
  {
    name: 'maxPool x[1,9,9,3] k3 s2 same, NaN / ±Infinity inputs (NaN is ignored, as TF.js)',
    op: (ts, [a]) => ts.maxPool(a, 3, 2, 'same'),
    inputs: [{ shape: [1, 9, 9, 3], kind: 'special' }],
  },
  poolGrad('max', [2, 9, 7, 3], [2, 5, 4, 3], 3, 2, 'same'),
  poolGrad('avg', [2, 9, 7, 3], [2, 5, 4, 3], 3, 2, 'same'),
  poolGrad('avg', [1, 8, 8, 17], [1, 7, 7, 17], 2, 1, 'valid'),
  // normalization
  {
    name: 'batchNorm x[2,5,4,3] with offset and scale',
    op: (ts, [x, m, v, o, s]) => ts.batchNorm(x, m, v, o, s, 0.01),
    inputs: [{ shape: [2, 5, 4, 3] }, { shape: [3] }, { shape: [3], kind: 'positive' }, { shape: [3] }, { shape: [3] }],
  },
  ...[[3, 1], [2, 3, 17], [4, 768], [2, 8192]].map((shape): CaseRow => {
    const cols = shape[shape.length - 1];
    return {
      name: `layerNorm [${shape}]`,
      op: (ts, [x, g, b]) => ts.layerNorm(x, g, b),
      inputs: [{ shape }, { shape: [cols] }, { shape: [cols] }],
      tol: { atol: 1e-4, rtol: 1e-3 },
    };
  }),
  {
    name: 'layerNorm grads [5,33]',
    op: (ts, [x, g, b, dy]) => ts.grads((u: Tensor, w: Tensor, c: Tensor) => ts.layerNorm(u, w, c))([x, g, b], dy),
    inputs: [{ shape: [5, 33] }, { shape: [33] }, { shape: [33] }, { shape: [5, 33] }],
    tol: { atol: 1e-4, rtol: 1e-3 },
  },
  // attention
  attn(2, 1, 1, 1, 8, false),
  attn(1, 3, 17, 17, 32, true),
  attn(1, 2, 130, 130, 64, false),
  attn(1, 2, 130, 130, 128, true),
  attn(2, 2, 17, 130, 32, false, 'float'),
  attn(1, 1, 33, 17, 8, true),
  attn(1, 2, 17, 17, 64, false, 'bool'),
  attn(1, 2, 513, 513, 64, true),
  attn(1, 1, 1, 513, 128, false),
  {
    name: 'attention b3 h2 seqQ9 seqK17 d32 per-batch key padding mask [3,1,1,17]',
    op: (ts, [q, k, v, m]) => ts.attention(q, k, v, { mask: m }),
    inputs: [{ shape: [3, 2, 9, 32] }, { shape: [3, 2, 17, 32] }, { shape: [3, 2, 17, 32] }, { shape: [3, 1, 1, 17], dtype: 'bool' }],
    tol: tolFor(32),
  },
  attnGrad(1, 2, 17, 17, 32, true),
  attnGrad(1, 1, 9, 130, 64, false),
  // fused matMul / conv2d / depthwiseConv2d, every activation
  ...ACTS.map((act): CaseRow => ({
    name: `fused.matMul [2,17,33]@[33,9] + bias ${act}`,
    op: (ts, [a, b, bias, pw]) => ts.fused.matMul({ a, b, bias, activation: act, preluActivationWeights: pw, leakyreluAlpha: 0.3 }),
    inputs: [{ shape: [2, 17, 33] }, { shape: [33, 9] }, { shape: [9] }, { shape: [9] }],
    tol: tolFor(33),
  })),
  {
    name: 'fused.matMul tA tB + scalar bias relu',
    op: (ts, [a, b, bias]) => ts.fused.matMul({ a, b, transposeA: true, transposeB: true, bias, activation: 'relu' }),
    inputs: [{ shape: [65, 3] }, { shape: [17, 65] }, { shape: [1] }],
    tol: tolFor(65),
  },
  ...ACTS.map((act): CaseRow => ({
    name: `fused.conv2d x[2,9,8,3] f[3,3,3,4] s2 same + bias ${act}`,
    op: (ts, [x, f, bias, pw]) => ts.fused.conv2d({ x, filter: f, strides: 2, pad: 'same', bias, activation: act, preluActivationWeights: pw, leakyreluAlpha: 0.3 }),
    inputs: [{ shape: [2, 9, 8, 3] }, { shape: [3, 3, 3, 4] }, { shape: [4] }, { shape: [4] }],
    tol: tolFor(27),
  })),
  ...(['relu', 'prelu', 'gelu'] as const).map((act): CaseRow => ({
    name: `fused.depthwiseConv2d x[1,9,9,17] f[3,3,17,2] + bias ${act}`,
    op: (ts, [x, f, bias, pw]) => ts.fused.depthwiseConv2d({ x, filter: f, strides: 1, pad: 'same', bias, activation: act, preluActivationWeights: pw }),
    inputs: [{ shape: [1, 9, 9, 17] }, { shape: [3, 3, 17, 2] }, { shape: [34] }, { shape: [34] }],
    tol: tolFor(9),
  })),
  {
    name: 'fused.conv2d grads relu + bias',
    op: (ts, [x, f, bias, dy]) =>
      ts.grads((u: Tensor, w: Tensor, c: Tensor) => ts.fused.conv2d({ x: u, filter: w, strides: 1, pad: 'same', bias: c, activation: 'relu' }))([x, f, bias], dy),
    inputs: [{ shape: [1, 7, 7, 3] }, { shape: [3, 3, 3, 5] }, { shape: [5] }, { shape: [1, 7, 7, 5] }],
    tol: tolFor(49 * 5),
  },
];
