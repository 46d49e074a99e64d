/**
 * Non-recurrent Keras layers on the js backend (part 2): conv1d, conv2d, depthwiseConv2d,
 * separableConv2d, conv2dTranspose and the pooling layers, each against convolution / pooling
 * loops written here (NHWC, TF 'same' padding: pad total split with the extra at the end),
 * plus TF.js weight layouts, Keras parameter counts, config round trips and error messages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { expectClose, expectConfigRoundTrip, randT, vals } from './helpers/layer_check.js';

beforeAll(async () => {
  await ts.setBackend('js');
});

type Pad = 'valid' | 'same';

/** TF geometry of one spatial dim: output size and padding before. */
function geom(len: number, k: number, s: number, d: number, pad: Pad): { out: number; before: number } {
  const ek = (k - 1) * d + 1;
  if (pad === 'valid') return { out: Math.ceil((len - ek + 1) / s), before: 0 };
  const out = Math.ceil(len / s);
  return { out, before: Math.floor(Math.max((out - 1) * s + ek - len, 0) / 2) };
}

/**
 * Generic NHWC 2-D convolution loop. weight(ky, kx, c, o) reads the filter; `depthwise` maps
 * output channel o to input channel floor(o / mult) only.
 */
function convLoop(
  x: number[], [n, h, w, c]: number[], kh: number, kw: number, outC: number, weight: (ky: number, kx: number, ci: number, o: number) => number,
  strides: number[], dil: number[], pad: Pad, depthwiseMult = 0,
): { y: number[]; shape: number[] } {
  const gh = geom(h, kh, strides[0], dil[0], pad);
  const gw = geom(w, kw, strides[1], dil[1], pad);
  const y: number[] = [];
  for (let b = 0; b < n; b++) for (let i = 0; i < gh.out; i++) for (let j = 0; j < gw.out; j++) for (let o = 0; o < outC; o++) {
    let acc = 0;
    for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
      const yy = i * strides[0] + ky * dil[0] - gh.before;
      const xx = j * strides[1] + kx * dil[1] - gw.before;
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const cs = depthwiseMult ? [Math.floor(o / depthwiseMult)] : Array.from({ length: c }, (_, q) => q);
      for (const ci of cs) acc += x[((b * h + yy) * w + xx) * c + ci] * weight(ky, kx, ci, o);
    }
    y.push(acc);
  }
  return { y, shape: [n, gh.out, gw.out, outC] };
}

const addBias = (y: number[], bias: number[]) => y.map((v, i) => v + bias[i % bias.length]);
const relu = (y: number[]) => y.map((v) => Math.max(v, 0));
const toNCHW = (x: number[], [n, h, w, c]: number[]) => {
  const out: number[] = [];
  for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out.push(x[((b * h + i) * w + j) * c + ch]);
  return out;
};

describe('conv2d', () => {
  const configs: { pad: Pad; strides: number[]; dil: number[] }[] = [
    { pad: 'valid', strides: [1, 1], dil: [1, 1] },
    { pad: 'same', strides: [2, 2], dil: [1, 1] },
    { pad: 'same', strides: [1, 2], dil: [1, 1] },
    { pad: 'valid', strides: [1, 1], dil: [2, 1] },
  ];
  for (const { pad, strides, dil } of configs) {
    it(`equals a convolution loop + bias + relu (${pad}, strides ${strides}, dilation ${dil})`, () => {
      const layer = ts.layers.conv2d({ filters: 4, kernelSize: [3, 2], strides, padding: pad, dilationRate: dil, activation: 'relu' });
      const x = randT([2, 7, 6, 3], 1);
      layer.apply(x);
      layer.setWeights([layer.getWeights()[0], randT([4], 2)]);
      const [k, bias] = layer.getWeights().map(vals);
      const y = layer.apply(x) as ts.Tensor;
      const want = convLoop(vals(x), [2, 7, 6, 3], 3, 2, 4, (ky, kx, ci, o) => k[((ky * 2 + kx) * 3 + ci) * 4 + o], strides, dil, pad);
      expect(y.shape).toEqual(want.shape);
      expect(layer.computeOutputShape([null, 7, 6, 3])).toEqual([null, ...want.shape.slice(1)]);
      expectClose(vals(y), relu(addBias(want.y, bias)), 'conv2d');
    });
  }
  it('channelsFirst equals the channelsLast result transposed', () => {
    const last = ts.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'tanh' });
    const first = ts.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'tanh', dataFormat: 'channelsFirst' });
    const x = randT([1, 5, 4, 3], 3);
    last.apply(x);
    last.setWeights([last.getWeights()[0], randT([2], 4)]);
    const xFirst = ts.transpose(x, [0, 3, 1, 2]);
    first.apply(xFirst);
    first.setWeights(last.getWeights());
    const y = first.apply(xFirst) as ts.Tensor;
    expect(y.shape).toEqual([1, 2, 5, 4]);
    const yl = last.apply(x) as ts.Tensor;
    expectClose(vals(y), toNCHW(vals(yl), yl.shape), 'channelsFirst');
    expect(first.computeOutputShape([null, 3, 5, 4])).toEqual([null, 2, 5, 4]);
  });
  it('has TF.js weights, Keras param counts, gradients and a config round trip', () => {
    const layer = ts.layers.conv2d({ filters: 8, kernelSize: 3, inputShape: [5, 5, 3] });
    const x = randT([2, 5, 5, 3], 5);
    layer.apply(x);
    expect(layer.weights.map((w) => [w.name.split('/').pop(), w.shape])).toEqual([['kernel', [3, 3, 3, 8]], ['bias', [8]]]);
    expect(layer.countParams()).toBe(224);
    expect(ts.layers.conv2d({ filters: 8, kernelSize: 3, useBias: false }).apply(x) && true).toBe(true);
    const { grads } = ts.variableGrads(() => ts.sum(layer.apply(x) as ts.Tensor));
    const db = vals(grads[layer.weights[1].name]);
    expectClose(db, new Array(8).fill(2 * 3 * 3), 'dbias');
    expectConfigRoundTrip(layer);
    const cfg = layer.getConfig();
    expect(cfg.kernelSize).toEqual([3, 3]);
    expect(cfg.strides).toEqual([1, 1]);
    expect(cfg.kernelInitializer).toEqual({ className: 'GlorotNormal', config: { scale: 1, mode: 'fanAvg', distribution: 'normal', seed: null } });
  });
  it('errors clearly on a wrong rank or channel count', () => {
    const layer = ts.layers.conv2d({ filters: 2, kernelSize: 3 });
    expect(() => layer.apply(randT([5, 5, 3], 1))).toThrow(/expected input of rank 4 \[batch, height, width, channels\], got shape \[5,5,3\]/);
    layer.apply(randT([1, 5, 5, 3], 1));
    expect(() => layer.apply(randT([1, 5, 5, 4], 1))).toThrow(/built for 3 input channels, got input shape \[1,5,5,4\]/);
    expect(() => ts.layers.conv2d({ filters: 0, kernelSize: 3 })).toThrow(/filters must be a positive integer/);
    expect(() => ts.layers.conv2d({ filters: 2, kernelSize: [3, 3, 3] })).toThrow(/kernelSize must be a positive integer or a list of 2/);
    expect(() => ts.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'full' as 'same' })).toThrow(/padding must be 'valid' or 'same'/);
    expect(() => ts.layers.conv2d({ filters: 2, kernelSize: 5 }).apply(randT([1, 3, 3, 1], 1))).toThrow(/too small|conv2d/);
  });
});

describe('conv1d', () => {
  for (const pad of ['valid', 'same', 'causal'] as const) {
    it(`equals a 1-D convolution loop (${pad}, stride 2, dilation 1; and dilation 2)`, () => {
      for (const [stride, dil] of [[2, 1], [1, 2]]) {
        const layer = ts.layers.conv1d({ filters: 3, kernelSize: 3, strides: stride, dilationRate: dil, padding: pad, activation: 'sigmoid' });
        const x = randT([2, 9, 2], 6);
        layer.apply(x);
        layer.setWeights([layer.getWeights()[0], randT([3], 7)]);
        const [k, bias] = layer.getWeights().map(vals);
        expect(layer.getWeights()[0].shape).toEqual([3, 2, 3]);
        // causal = left padding of (k - 1) * dilation, then 'valid'.
        let xv = vals(x);
        let len = 9;
        if (pad === 'causal') {
          const p = 2 * dil;
          const padded: number[] = [];
          for (let b = 0; b < 2; b++) padded.push(...new Array(p * 2).fill(0), ...xv.slice(b * 18, b * 18 + 18));
          xv = padded;
          len = 9 + p;
        }
        const want = convLoop(xv, [2, 1, len, 2], 1, 3, 3, (_ky, kx, ci, o) => k[(kx * 2 + ci) * 3 + o], [1, stride], [1, dil], pad === 'same' ? 'same' : 'valid');
        const y = layer.apply(x) as ts.Tensor;
        expect(y.shape).toEqual([2, want.shape[2], 3]);
        expect(layer.computeOutputShape([null, 9, 2])).toEqual([null, want.shape[2], 3]);
        expectClose(vals(y), addBias(want.y, bias).map((v) => 1 / (1 + Math.exp(-v))), `conv1d ${pad} s${stride} d${dil}`);
      }
    });
  }
  it('param count, config round trip and rank error', () => {
    const layer = ts.layers.conv1d({ filters: 4, kernelSize: 5, padding: 'causal' });
    layer.apply(randT([1, 8, 3], 1));
    expect(layer.countParams()).toBe(5 * 3 * 4 + 4);
    expectConfigRoundTrip(layer);
    expect(() => layer.apply(randT([1, 8, 3, 1], 1))).toThrow(/expected input of rank 3 \[batch, width, channels\]/);
  });
});

describe('depthwiseConv2d and separableConv2d', () => {
  it('depthwiseConv2d equals a per-channel convolution loop', () => {
    const layer = ts.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu' });
    const x = randT([2, 6, 5, 4], 8);
    layer.apply(x);
    layer.setWeights([layer.getWeights()[0], randT([8], 9)]);
    const [k, bias] = layer.getWeights().map(vals);
    expect(layer.weights.map((w) => [w.name.split('/').pop(), w.shape])).toEqual([['depthwise_kernel', [3, 3, 4, 2]], ['bias', [8]]]);
    expect(layer.countParams()).toBe(80);
    const want = convLoop(vals(x), [2, 6, 5, 4], 3, 3, 8, (ky, kx, ci, o) => k[((ky * 3 + kx) * 4 + ci) * 2 + (o % 2)], [2, 2], [1, 1], 'same', 2);
    const y = layer.apply(x) as ts.Tensor;
    expect(y.shape).toEqual(want.shape);
    expectClose(vals(y), relu(addBias(want.y, bias)), 'depthwiseConv2d');
    expectConfigRoundTrip(layer);
  });
  it('separableConv2d equals a depthwise loop followed by a pointwise loop', () => {
    const layer = ts.layers.separableConv2d({ filters: 5, kernelSize: 3, depthMultiplier: 1, padding: 'valid' });
    const x = randT([1, 6, 6, 4], 10);
    layer.apply(x);
    const ws = layer.getWeights();
    layer.setWeights([ws[0], ws[1], randT([5], 11)]);
    expect(layer.weights.map((w) => [w.name.split('/').pop(), w.shape])).toEqual([
      ['depthwise_kernel', [3, 3, 4, 1]], ['pointwise_kernel', [1, 1, 4, 5]], ['bias', [5]],
    ]);
    expect(layer.countParams()).toBe(3 * 3 * 4 + 4 * 5 + 5);
    const [dk, pk, bias] = layer.getWeights().map(vals);
    const dw = convLoop(vals(x), [1, 6, 6, 4], 3, 3, 4, (ky, kx, ci) => dk[(ky * 3 + kx) * 4 + ci], [1, 1], [1, 1], 'valid', 1);
    const pw = convLoop(dw.y, dw.shape, 1, 1, 5, (_a, _b, ci, o) => pk[ci * 5 + o], [1, 1], [1, 1], 'valid');
    const y = layer.apply(x) as ts.Tensor;
    expect(y.shape).toEqual([1, 4, 4, 5]);
    expectClose(vals(y), addBias(pw.y, bias), 'separableConv2d');
    expectConfigRoundTrip(layer);
  });
});

describe('conv2dTranspose', () => {
  for (const pad of ['valid', 'same'] as const) {
    it(`equals a scatter loop (${pad}, stride 2, kernel 3)`, () => {
      const layer = ts.layers.conv2dTranspose({ filters: 5, kernelSize: 3, strides: 2, padding: pad });
      const x = randT([2, 3, 4, 2], 12);
      layer.apply(x);
      layer.setWeights([layer.getWeights()[0], randT([5], 13)]);
      const [k, bias] = layer.getWeights().map(vals);
      expect(layer.getWeights()[0].shape).toEqual([3, 3, 5, 2]);
      expect(layer.countParams()).toBe(95);
      const [H, W] = pad === 'valid' ? [3 * 2 + 1, 4 * 2 + 1] : [6, 8];
      const before = pad === 'valid' ? 0 : Math.floor(Math.max(3 - 2, 0) / 2);
      const xv = vals(x);
      const want = new Array(2 * H * W * 5).fill(0);
      for (let b = 0; b < 2; b++) for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) for (let c = 0; c < 2; c++) {
        for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
          const oy = i * 2 + ky - before;
          const ox = j * 2 + kx - before;
          if (oy < 0 || oy >= H || ox < 0 || ox >= W) continue;
          for (let f = 0; f < 5; f++) want[((b * H + oy) * W + ox) * 5 + f] += xv[((b * 3 + i) * 4 + j) * 2 + c] * k[((ky * 3 + kx) * 5 + f) * 2 + c];
        }
      }
      const y = layer.apply(x) as ts.Tensor;
      expect(y.shape).toEqual([2, H, W, 5]);
      expect(layer.computeOutputShape([null, 3, 4, 2])).toEqual([null, H, W, 5]);
      expectClose(vals(y), addBias(want, bias), `conv2dTranspose ${pad}`);
      expectConfigRoundTrip(layer);
    });
  }
});

/** NHWC pooling loop (TF 'same': padding never wins a max and is not counted in an average). */
function poolLoop(x: number[], [n, h, w, c]: number[], ph: number, pw: number, s: number[], pad: Pad, kind: 'max' | 'avg') {
  const gh = geom(h, ph, s[0], 1, pad);
  const gw = geom(w, pw, s[1], 1, pad);
  const y: number[] = [];
  for (let b = 0; b < n; b++) for (let i = 0; i < gh.out; i++) for (let j = 0; j < gw.out; j++) for (let ch = 0; ch < c; ch++) {
    let acc = kind === 'max' ? -Infinity : 0;
    let cnt = 0;
    for (let ky = 0; ky < ph; ky++) for (let kx = 0; kx < pw; kx++) {
      const yy = i * s[0] + ky - gh.before;
      const xx = j * s[1] + kx - gw.before;
      if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
      const v = x[((b * h + yy) * w + xx) * c + ch];
      acc = kind === 'max' ? Math.max(acc, v) : acc + v;
      cnt++;
    }
    y.push(kind === 'max' ? acc : acc / cnt);
  }
  return { y, shape: [n, gh.out, gw.out, c] };
}

describe('pooling', () => {
  for (const kind of ['max', 'avg'] as const) {
    for (const pad of ['valid', 'same'] as const) {
      it(`${kind}Pooling2d/1d equal pooling loops (${pad})`, () => {
        const make2 = kind === 'max' ? ts.layers.maxPooling2d : ts.layers.averagePooling2d;
        const make1 = kind === 'max' ? ts.layers.maxPooling1d : ts.layers.averagePooling1d;
        const x = randT([2, 7, 5, 3], 20);
        const p2 = make2({ poolSize: [3, 2], strides: [2, 2], padding: pad });
        const want = poolLoop(vals(x), [2, 7, 5, 3], 3, 2, [2, 2], pad, kind);
        const y = p2.apply(x) as ts.Tensor;
        expect(y.shape).toEqual(want.shape);
        expect(p2.computeOutputShape([null, 7, 5, 3])).toEqual([null, ...want.shape.slice(1)]);
        expectClose(vals(y), want.y, `${kind}Pool2d`);
        expectConfigRoundTrip(p2);
        // Default strides = poolSize.
        const d = make2({ poolSize: 2 });
        expectClose(vals(d.apply(x) as ts.Tensor), poolLoop(vals(x), [2, 7, 5, 3], 2, 2, [2, 2], 'valid', kind).y, `${kind}Pool2d default strides`);
        // channelsFirst.
        const cf = make2({ poolSize: 2, padding: pad, dataFormat: 'channelsFirst' });
        const yc = cf.apply(ts.transpose(x, [0, 3, 1, 2])) as ts.Tensor;
        const wc = poolLoop(vals(x), [2, 7, 5, 3], 2, 2, [2, 2], pad, kind);
        expectClose(vals(yc), toNCHW(wc.y, wc.shape), `${kind}Pool2d channelsFirst`);

        const x1 = randT([2, 9, 3], 21);
        const p1 = make1({ poolSize: 3, strides: 2, padding: pad });
        const w1 = poolLoop(vals(x1), [2, 9, 1, 3], 3, 1, [2, 1], pad, kind);
        const y1 = p1.apply(x1) as ts.Tensor;
        expect(y1.shape).toEqual([2, w1.shape[1], 3]);
        expect(p1.computeOutputShape([null, 9, 3])).toEqual([null, w1.shape[1], 3]);
        expectClose(vals(y1), w1.y, `${kind}Pool1d`);
        expectConfigRoundTrip(p1);
      });
    }
  }
  it('global poolings reduce steps / spatial axes', () => {
    const x3 = randT([2, 5, 3], 22);
    const v3 = vals(x3);
    const over = (n: number, steps: number, c: number, v: number[], f: (xs: number[]) => number) => {
      const out: number[] = [];
      for (let b = 0; b < n; b++) for (let ch = 0; ch < c; ch++) out.push(f(Array.from({ length: steps }, (_, s) => v[(b * steps + s) * c + ch])));
      return out;
    };
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const mx = (xs: number[]) => Math.max(...xs);
    const ga1 = ts.layers.globalAveragePooling1d();
    expectClose(vals(ga1.apply(x3) as ts.Tensor), over(2, 5, 3, v3, avg), 'globalAveragePooling1d');
    expectClose(vals(ts.layers.globalMaxPooling1d().apply(x3) as ts.Tensor), over(2, 5, 3, v3, mx), 'globalMaxPooling1d');
    expect(ga1.computeOutputShape([null, 5, 3])).toEqual([null, 3]);
    const x4 = randT([2, 3, 4, 3], 23);
    const v4 = vals(x4);
    const ga2 = ts.layers.globalAveragePooling2d();
    expectClose(vals(ga2.apply(x4) as ts.Tensor), over(2, 12, 3, v4, avg), 'globalAveragePooling2d');
    expectClose(vals(ts.layers.globalMaxPooling2d().apply(x4) as ts.Tensor), over(2, 12, 3, v4, mx), 'globalMaxPooling2d');
    const gcf = ts.layers.globalMaxPooling2d({ dataFormat: 'channelsFirst' });
    expectClose(vals(gcf.apply(ts.transpose(x4, [0, 3, 1, 2])) as ts.Tensor), over(2, 12, 3, v4, mx), 'globalMaxPooling2d channelsFirst');
    expectConfigRoundTrip(gcf);
    expectConfigRoundTrip(ga1);
    expect(() => ga1.apply(x4)).toThrow(/expected input of rank 3 \(\[batch, steps, channels\]\), got shape \[2,3,4,3\]/);
    expect(() => ga2.apply(x3)).toThrow(/expected input of rank 4/);
  });
  it("TF.js's alternative factory names make the same classes", () => {
    const names: [() => ts.Layer, string][] = [
      [() => ts.layers.maxPool1d({}), 'MaxPooling1D'], [() => ts.layers.maxPool2d({}), 'MaxPooling2D'],
      [() => ts.layers.avgPool1d({}), 'AveragePooling1D'], [() => ts.layers.avgPooling1d({}), 'AveragePooling1D'],
      [() => ts.layers.avgPool2d({}), 'AveragePooling2D'], [() => ts.layers.avgPooling2d({}), 'AveragePooling2D'],
      [() => ts.layers.globalMaxPool1d({}), 'GlobalMaxPooling1D'], [() => ts.layers.globalMaxPool2d({}), 'GlobalMaxPooling2D'],
    ];
    for (const [make, cls] of names) expect(make().getClassName()).toBe(cls);
  });
});

describe('layers in a Sequential CNN', () => {
  it('builds symbolic shapes and runs conv -> pool -> conv -> flatten -> dense', () => {
    const m = ts.sequential({
      layers: [
        ts.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [16, 16, 1] }),
        ts.layers.maxPooling2d({ poolSize: 2 }),
        ts.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }),
        ts.layers.batchNormalization(),
        ts.layers.dropout({ rate: 0.25 }),
        ts.layers.flatten(),
        ts.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    expect(m.layers.map((l) => l.getClassName())).toEqual([
      'Conv2D', 'MaxPooling2D', 'Conv2D', 'BatchNormalization', 'Dropout', 'Flatten', 'Dense',
    ]);
    expect(m.countParams()).toBe((9 * 1 * 4 + 4) + (9 * 4 * 8 + 8) + 4 * 8 + (5 * 5 * 8 * 2 + 2)); // 16 -conv-> 14 -pool-> 7 -conv-> 5
    const y = m.predict(randT([3, 16, 16, 1], 30)) as ts.Tensor;
    expect(y.shape).toEqual([3, 2]);
    const yv = vals(y);
    for (let b = 0; b < 3; b++) expect(yv[2 * b] + yv[2 * b + 1]).toBeCloseTo(1, 5);
  });
});
