/**
 * Non-recurrent Keras layers on the js backend (part 1): activation, dropout, flatten, reshape,
 * permute, repeatVector, embedding, batchNormalization, layerNormalization and the merge
 * layers. Each output is checked against a computation written here with loops; plus configs
 * round-tripping through getConfig(), weights/countParams and error messages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { expectClose, expectConfigRoundTrip, randT, vals } from './helpers/layer_check.js';

beforeAll(async () => {
  await ts.setBackend('js');
});

describe('activation', () => {
  it('applies the named activation', () => {
    const x = randT([3, 4], 1, -3, 3);
    const layer = ts.layers.activation({ activation: 'relu6' });
    const y = layer.apply(x) as ts.Tensor;
    expect(y.shape).toEqual([3, 4]);
    expectClose(vals(y), vals(x).map((v) => Math.min(Math.max(v, 0), 6)), 'relu6');
    const s = ts.layers.activation({ activation: 'sigmoid' }).apply(x) as ts.Tensor;
    expectClose(vals(s), vals(x).map((v) => 1 / (1 + Math.exp(-v))), 'sigmoid');
    expectConfigRoundTrip(layer);
    expect(layer.countParams()).toBe(0);
  });
  it('rejects unknown activations', () => {
    expect(() => ts.layers.activation({ activation: 'nope' })).toThrow(/unknown activation 'nope'/);
  });
});

describe('dropout', () => {
  it('is the identity at inference', () => {
    const x = randT([4, 5], 2);
    const y = ts.layers.dropout({ rate: 0.5 }).apply(x) as ts.Tensor;
    expect(vals(y)).toEqual(vals(x));
  });
  it('zeroes about rate of the elements in training and scales the rest by 1/(1-rate)', () => {
    const x = ts.ones([200, 50]);
    const layer = ts.layers.dropout({ rate: 0.3, seed: 7 });
    const y = vals(layer.apply(x, { training: true }) as ts.Tensor);
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zeros - 0.3)).toBeLessThan(0.03);
    for (const v of y) if (v !== 0) expect(Math.abs(v - 1 / 0.7)).toBeLessThan(1e-6);
    // Seeded: a second layer with the same seed draws the same first mask; the next call differs.
    const again = vals(ts.layers.dropout({ rate: 0.3, seed: 7 }).apply(x, { training: true }) as ts.Tensor);
    expect(again).toEqual(y);
    const next = vals(layer.apply(x, { training: true }) as ts.Tensor);
    expect(next).not.toEqual(y);
  });
  it('shares one draw along size-1 noiseShape dims', () => {
    const x = randT([30, 8], 3, 0.5, 1);
    const y = ts.layers.dropout({ rate: 0.5, noiseShape: [null, 1], seed: 3 }).apply(x, { training: true }) as ts.Tensor;
    const xv = vals(x);
    const yv = vals(y);
    let dropped = 0;
    for (let r = 0; r < 30; r++) {
      const row = yv.slice(r * 8, r * 8 + 8);
      const keep = row[0] !== 0;
      if (!keep) dropped++;
      row.forEach((v, c) => expect(v).toBeCloseTo(keep ? xv[r * 8 + c] * 2 : 0, 5));
    }
    expect(dropped).toBeGreaterThan(5);
    expect(dropped).toBeLessThan(25);
  });
  it('validates rate and noiseShape, and round-trips its config', () => {
    expect(() => ts.layers.dropout({ rate: 1 })).toThrow(/rate must be a number in \[0, 1\)/);
    const layer = ts.layers.dropout({ rate: 0.2, noiseShape: [null, 1, 3], seed: 5 });
    expectConfigRoundTrip(layer);
    expect(() => layer.apply(ts.ones([2, 3]), { training: true })).toThrow(/noiseShape \[null, 1, 3\] does not broadcast/);
  });
});

describe('flatten, reshape, permute, repeatVector', () => {
  it('flatten keeps row-major order; channelsFirst moves channels last first', () => {
    const x = randT([2, 3, 4], 4);
    const f = ts.layers.flatten();
    const y = f.apply(x) as ts.Tensor;
    expect(y.shape).toEqual([2, 12]);
    expect(vals(y)).toEqual(vals(x));
    const x4 = randT([2, 3, 2, 2], 5); // [b, c, h, w]
    const y4 = ts.layers.flatten({ dataFormat: 'channelsFirst' }).apply(x4) as ts.Tensor;
    const xv = vals(x4);
    const want: number[] = [];
    for (let b = 0; b < 2; b++) for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) for (let c = 0; c < 3; c++) want.push(xv[((b * 3 + c) * 2 + h) * 2 + w]);
    expect(vals(y4)).toEqual(want);
    expect(f.computeOutputShape([null, 3, 4])).toEqual([null, 12]);
    expectConfigRoundTrip(ts.layers.flatten({ dataFormat: 'channelsFirst' }));
    expect(() => f.computeOutputShape([null, null, 4])).toThrow(/not all known/);
  });
  it('reshape resolves one -1', () => {
    const x = randT([2, 12], 6);
    const r = ts.layers.reshape({ targetShape: [3, -1] });
    const y = r.apply(x) as ts.Tensor;
    expect(y.shape).toEqual([2, 3, 4]);
    expect(vals(y)).toEqual(vals(x));
    expect(r.computeOutputShape([null, 12])).toEqual([null, 3, 4]);
    expectConfigRoundTrip(r);
    expect(() => ts.layers.reshape({ targetShape: [5] }).apply(x)).toThrow(/cannot reshape input of shape \[2,12\] \(12 elements per example\) to targetShape \[5\]/);
    expect(() => ts.layers.reshape({ targetShape: [-1, -1] })).toThrow(/at most one -1/);
  });
  it('permute uses 1-based dims of the non-batch axes', () => {
    const x = randT([2, 3, 4], 7);
    const p = ts.layers.permute({ dims: [2, 1] });
    const y = p.apply(x) as ts.Tensor;
    expect(y.shape).toEqual([2, 4, 3]);
    const xv = vals(x);
    const yv = vals(y);
    for (let b = 0; b < 2; b++) for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) expect(yv[(b * 4 + i) * 3 + j]).toBe(xv[(b * 3 + j) * 4 + i]);
    expect(p.computeOutputShape([null, 3, 4])).toEqual([null, 4, 3]);
    expectConfigRoundTrip(p);
    expect(() => ts.layers.permute({ dims: [0, 1] })).toThrow(/permutation of 1\.\.2/);
    expect(() => p.apply(randT([2, 3], 1))).toThrow(/need an input of rank 3/);
  });
  it('repeatVector tiles [b, d] to [b, n, d]', () => {
    const x = randT([2, 3], 8);
    const r = ts.layers.repeatVector({ n: 4 });
    const y = r.apply(x) as ts.Tensor;
    expect(y.shape).toEqual([2, 4, 3]);
    const xv = vals(x);
    const yv = vals(y);
    for (let b = 0; b < 2; b++) for (let k = 0; k < 4; k++) for (let d = 0; d < 3; d++) expect(yv[(b * 4 + k) * 3 + d]).toBe(xv[b * 3 + d]);
    expectConfigRoundTrip(r);
    expect(() => r.apply(randT([2, 3, 1], 1))).toThrow(/rank-2 input/);
  });
});

describe('embedding', () => {
  it('gathers rows of the embeddings weight (float ids cast to int32)', () => {
    const e = ts.layers.embedding({ inputDim: 10, outputDim: 4, embeddingsInitializer: ts.initializers.randomUniform({ seed: 1 }) });
    const ids = [[1, 2, 9], [0, 9, 3]];
    const y = e.apply(ts.tensor(ids)) as ts.Tensor;
    expect(y.shape).toEqual([2, 3, 4]);
    const [w] = e.getWeights();
    expect(w.shape).toEqual([10, 4]);
    expect(e.weights[0].name).toBe(`${e.name}/embeddings`);
    const wv = vals(w);
    expectClose(vals(y), ids.flat().flatMap((i) => wv.slice(i * 4, i * 4 + 4)), 'embedding');
    const yi = e.apply(ts.tensor(ids, undefined, 'int32')) as ts.Tensor;
    expect(vals(yi)).toEqual(vals(y));
    expect(e.countParams()).toBe(40);
    expect(e.computeOutputShape([null, 3])).toEqual([null, 3, 4]);
  });
  it('maskZero gives ids != 0; setWeights validates; config round-trips', () => {
    const e = ts.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputLength: 3 });
    const x = ts.tensor([[0, 1, 4]]);
    e.apply(x);
    expect(vals(e.computeMask(x)!)).toEqual([0, 1, 1]);
    e.setWeights([ts.tensor([[0, 0], [1, 2], [3, 4], [5, 6], [7, 8]])]);
    expect(vals(e.apply(x) as ts.Tensor)).toEqual([0, 0, 1, 2, 7, 8]);
    expect(() => e.setWeights([ts.zeros([4, 2])])).toThrow(/has shape \[5,2\], got \[4,2\]/);
    expectConfigRoundTrip(e);
    expect(e.getConfig().batchInputShape).toEqual([null, 3]);
    expect(() => ts.layers.embedding({ inputDim: 0, outputDim: 2 })).toThrow(/inputDim must be a positive integer/);
  });
});

/** Per-channel batch statistics (biased variance) of x [n, c] on the last axis. */
function channelStats(x: number[], n: number, c: number): { mean: number[]; variance: number[] } {
  const mean = new Array(c).fill(0);
  const variance = new Array(c).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) mean[j] += x[i * c + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) variance[j] += (x[i * c + j] - mean[j]) ** 2 / n;
  return { mean, variance };
}

describe('batchNormalization', () => {
  const gamma = [1.5, 0.5, -1];
  const beta = [0.1, -0.2, 0.3];
  const eps = 1e-3;
  const norm = (x: number[], m: number[], v: number[]) => x.map((xv, i) => {
    const j = i % 3;
    return ((xv - m[j]) / Math.sqrt(v[j] + eps)) * gamma[j] + beta[j];
  });

  it('has TF.js weights: gamma, beta trainable, moving_mean, moving_variance not', () => {
    const bn = ts.layers.batchNormalization();
    bn.apply(randT([4, 3], 1));
    expect(bn.weights.map((w) => w.name.split('/').pop())).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(bn.trainableWeights.length).toBe(2);
    expect(bn.nonTrainableWeights.length).toBe(2);
    expect(bn.countParams()).toBe(12);
    expect(vals(bn.getWeights()[3])).toEqual([1, 1, 1]);
    expectConfigRoundTrip(bn);
  });

  it('training uses batch statistics and moves the moving statistics; inference uses them', () => {
    const bn = ts.layers.batchNormalization({ momentum: 0.9, epsilon: eps });
    const x = randT([8, 3], 2, -2, 3);
    bn.apply(x);
    const mm0 = [0.5, -0.5, 1];
    const mv0 = [2, 0.5, 1.5];
    bn.setWeights([ts.tensor(gamma), ts.tensor(beta), ts.tensor(mm0), ts.tensor(mv0)]);
    const xv = vals(x);
    const { mean, variance } = channelStats(xv, 8, 3);

    const before = ts.memory().numTensors;
    const yt = ts.tidy(() => bn.apply(x, { training: true }) as ts.Tensor);
    expectClose(vals(yt), norm(xv, mean, variance), 'training output');
    yt.dispose();
    expect(ts.memory().numTensors).toBe(before);

    const [, , mm, mv] = bn.getWeights();
    expectClose(vals(mm), mm0.map((m, j) => m - (m - mean[j]) * 0.1), 'moving mean');
    expectClose(vals(mv), mv0.map((m, j) => m - (m - variance[j]) * 0.1), 'moving variance');

    const yi = bn.apply(x) as ts.Tensor;
    expectClose(vals(yi), norm(xv, vals(mm), vals(mv)), 'inference output');
    // Inference does not move the statistics.
    expect(vals(bn.getWeights()[2])).toEqual(vals(mm));
  });

  it('differentiates the training output through the batch statistics, not the moving ones', () => {
    const bn = ts.layers.batchNormalization();
    const x = randT([6, 3], 3);
    bn.apply(x);
    const w = randT([6, 3], 4);
    const { grads } = ts.variableGrads(() => ts.sum(ts.mul(bn.apply(x, { training: true }) as ts.Tensor, w)));
    const names = Object.keys(grads).map((n) => n.split('/').pop()).sort();
    expect(names).toEqual(['beta', 'gamma']);
    // dL/dbeta = sum over the batch of w; dL/dgamma = sum of w * xhat.
    const wv = vals(w);
    const xv = vals(x);
    const { mean, variance } = channelStats(xv, 6, 3);
    const dbeta = [0, 0, 0];
    const dgamma = [0, 0, 0];
    wv.forEach((v, i) => {
      dbeta[i % 3] += v;
      dgamma[i % 3] += v * (xv[i] - mean[i % 3]) / Math.sqrt(variance[i % 3] + 1e-3);
    });
    const g = Object.fromEntries(Object.entries(grads).map(([n, t]) => [n.split('/').pop(), vals(t)]));
    expectClose(g.beta, dbeta, 'dbeta');
    expectClose(g.gamma, dgamma, 'dgamma');
  });

  it('normalizes axis 1 of NCHW input', () => {
    const bn = ts.layers.batchNormalization({ axis: 1, center: false, scale: false });
    const x = randT([2, 3, 2, 2], 5);
    const y = bn.apply(x, { training: true }) as ts.Tensor;
    expect(bn.weights.length).toBe(2);
    const xv = vals(x);
    const want = new Array(xv.length);
    for (let c = 0; c < 3; c++) {
      const idx: number[] = [];
      for (let b = 0; b < 2; b++) for (let k = 0; k < 4; k++) idx.push((b * 3 + c) * 4 + k);
      const m = idx.reduce((s, i) => s + xv[i], 0) / idx.length;
      const v = idx.reduce((s, i) => s + (xv[i] - m) ** 2, 0) / idx.length;
      for (const i of idx) want[i] = (xv[i] - m) / Math.sqrt(v + 1e-3);
    }
    expectClose(vals(y), want, 'axis 1');
    expect(() => bn.apply(randT([2, 4, 2, 2], 1))).toThrow(/built for 3 features on axis 1, got input shape \[2,4,2,2\]/);
  });
});

describe('layerNormalization', () => {
  it('normalizes the last axis (fused op) with gamma and beta', () => {
    const ln = ts.layers.layerNormalization({ epsilon: 1e-3 });
    const x = randT([4, 6], 6, -2, 2);
    ln.apply(x);
    const g = [1, 2, 0.5, -1, 1.5, 0.3];
    const b = [0, 0.1, 0.2, -0.3, 0.4, -0.5];
    ln.setWeights([ts.tensor(g), ts.tensor(b)]);
    const y = ln.apply(x) as ts.Tensor;
    const xv = vals(x);
    const want: number[] = [];
    for (let r = 0; r < 4; r++) {
      const row = xv.slice(r * 6, r * 6 + 6);
      const m = row.reduce((s, v) => s + v, 0) / 6;
      const v = row.reduce((s, q) => s + (q - m) ** 2, 0) / 6;
      row.forEach((q, j) => want.push(((q - m) / Math.sqrt(v + 1e-3)) * g[j] + b[j]));
    }
    expectClose(vals(y), want, 'layerNorm');
    expect(ln.weights.map((w) => w.name.split('/').pop())).toEqual(['gamma', 'beta']);
    expect(ln.countParams()).toBe(12);
    expectConfigRoundTrip(ln);
  });
  it('normalizes several axes', () => {
    const ln = ts.layers.layerNormalization({ axis: [1, 2], center: false });
    const x = randT([2, 3, 4], 7);
    const y = ln.apply(x) as ts.Tensor;
    expect(ln.weights.length).toBe(1);
    expect(ln.weights[0].shape).toEqual([3, 4]);
    const xv = vals(x);
    const want: number[] = [];
    for (let bIdx = 0; bIdx < 2; bIdx++) {
      const row = xv.slice(bIdx * 12, bIdx * 12 + 12);
      const m = row.reduce((s, v) => s + v, 0) / 12;
      const v = row.reduce((s, q) => s + (q - m) ** 2, 0) / 12;
      row.forEach((q) => want.push((q - m) / Math.sqrt(v + 1e-3)));
    }
    expectClose(vals(y), want, 'layerNorm axes [1, 2]');
    expectConfigRoundTrip(ln);
    expect(() => ln.apply(randT([2, 3, 5], 1))).toThrow(/built for axes \[1,2\]/);
  });
});

describe('merge layers', () => {
  const a = randT([2, 3], 11);
  const b = randT([2, 3], 12);
  const c = randT([2, 3], 13);
  const [av, bv, cv] = [vals(a), vals(b), vals(c)];
  const cases: [string, ts.Layer, number[]][] = [
    ['add', ts.layers.add(), av.map((v, i) => v + bv[i] + cv[i])],
    ['multiply', ts.layers.multiply(), av.map((v, i) => v * bv[i] * cv[i])],
    ['average', ts.layers.average(), av.map((v, i) => (v + bv[i] + cv[i]) / 3)],
    ['maximum', ts.layers.maximum(), av.map((v, i) => Math.max(v, bv[i], cv[i]))],
    ['minimum', ts.layers.minimum(), av.map((v, i) => Math.min(v, bv[i], cv[i]))],
  ];
  for (const [name, layer, want] of cases) {
    it(`${name} combines a list of inputs`, () => {
      const y = layer.apply([a, b, c]) as ts.Tensor;
      expect(y.shape).toEqual([2, 3]);
      expectClose(vals(y), want, name);
      expectConfigRoundTrip(layer);
    });
  }
  it('subtract takes exactly two inputs', () => {
    expectClose(vals(ts.layers.subtract().apply([a, b]) as ts.Tensor), av.map((v, i) => v - bv[i]), 'subtract');
    expect(() => ts.layers.subtract().apply([a, b, c])).toThrow(/exactly 2 inputs/);
  });
  it('broadcasts as Keras: size-1 dims, and lower rank inputs expanded after the batch axis', () => {
    const col = randT([2, 1], 14);
    const y = ts.layers.add().apply([a, col]) as ts.Tensor;
    const colv = vals(col);
    expectClose(vals(y), av.map((v, i) => v + colv[Math.floor(i / 3)]), 'add [2,3] + [2,1]');
    const big = randT([2, 4, 3], 15);
    const bigv = vals(big);
    const m = ts.layers.multiply();
    const z = m.apply([a, big]) as ts.Tensor;
    expect(z.shape).toEqual([2, 4, 3]);
    expectClose(vals(z), bigv.map((v, i) => v * av[Math.floor(i / 12) * 3 + (i % 3)]), 'multiply [2,3] * [2,4,3]');
    expect(m.computeOutputShape([[null, 3], [null, 4, 3]])).toEqual([null, 4, 3]);
    expect(() => ts.layers.add().apply([a, randT([2, 4], 1)])).toThrow(/shapes \[2, 3\]|shapes \[2,3\], \[2,4\] cannot be broadcast/);
    expect(() => ts.layers.add().apply(a)).toThrow(/list of at least 2 inputs/);
  });
  it('concatenate joins along an axis and checks the other dims', () => {
    const x = randT([2, 2], 16);
    const xv = vals(x);
    const cat = ts.layers.concatenate();
    const y = cat.apply([a, x]) as ts.Tensor;
    expect(y.shape).toEqual([2, 5]);
    expect(vals(y)).toEqual([...av.slice(0, 3), ...xv.slice(0, 2), ...av.slice(3), ...xv.slice(2)]);
    const y0 = ts.layers.concatenate({ axis: 0 }).apply([a, b]) as ts.Tensor;
    expect(vals(y0)).toEqual([...av, ...bv]);
    expect(cat.computeOutputShape([[null, 3], [null, 2]])).toEqual([null, 5]);
    expectConfigRoundTrip(ts.layers.concatenate({ axis: 1 }));
    expect(() => ts.layers.concatenate({ axis: 0 }).apply([a, x])).toThrow(/other dims match, got \[2,3\], \[2,2\]/);
  });
  it('works in a functional model', () => {
    const in1 = ts.input({ shape: [3] });
    const in2 = ts.input({ shape: [3] });
    const d1 = ts.layers.dense({ units: 2, kernelInitializer: ts.initializers.glorotUniform({ seed: 1 }) });
    const d2 = ts.layers.dense({ units: 2, kernelInitializer: ts.initializers.glorotUniform({ seed: 2 }) });
    const sum = ts.layers.add().apply([d1.apply(in1), d2.apply(in2)]);
    const out = ts.layers.concatenate().apply([sum, in1]);
    const model = ts.model({ inputs: [in1, in2], outputs: out });
    expect(out.shape).toEqual([null, 5]);
    const y = model.predict([a, b]) as ts.Tensor;
    const want = ts.concat([ts.add(d1.apply(a) as ts.Tensor, d2.apply(b) as ts.Tensor), a], 1);
    expectClose(vals(y), vals(want), 'functional merge');
  });
});

describe('no tensor leaks', () => {
  it('every layer leaves only its output behind inside tidy, in inference, training and under variableGrads', () => {
    const cases: [ts.Layer, ts.Tensor | ts.Tensor[]][] = [
      [ts.layers.activation({ activation: 'gelu' }), randT([2, 3], 1)],
      [ts.layers.dropout({ rate: 0.5, seed: 1 }), randT([2, 3], 1)],
      [ts.layers.flatten(), randT([2, 3, 2], 1)],
      [ts.layers.reshape({ targetShape: [-1] }), randT([2, 3, 2], 1)],
      [ts.layers.permute({ dims: [2, 1] }), randT([2, 3, 2], 1)],
      [ts.layers.repeatVector({ n: 2 }), randT([2, 3], 1)],
      [ts.layers.embedding({ inputDim: 4, outputDim: 2 }), ts.tensor([[0, 3], [1, 2]])],
      [ts.layers.conv1d({ filters: 2, kernelSize: 2, padding: 'causal', activation: 'softplus' }), randT([2, 5, 3], 1)],
      [ts.layers.conv2d({ filters: 2, kernelSize: 2, dataFormat: 'channelsFirst' }), randT([1, 3, 4, 4], 1)],
      [ts.layers.depthwiseConv2d({ kernelSize: 2 }), randT([1, 4, 4, 2], 1)],
      [ts.layers.separableConv2d({ filters: 2, kernelSize: 2 }), randT([1, 4, 4, 2], 1)],
      [ts.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 }), randT([1, 3, 3, 2], 1)],
      [ts.layers.maxPooling1d(), randT([1, 4, 2], 1)],
      [ts.layers.averagePooling2d({ dataFormat: 'channelsFirst' }), randT([1, 2, 4, 4], 1)],
      [ts.layers.globalMaxPooling2d(), randT([1, 4, 4, 2], 1)],
      [ts.layers.batchNormalization({ axis: 1 }), randT([3, 2, 2, 2], 1)],
      [ts.layers.layerNormalization({ axis: [1, 2] }), randT([2, 3, 2], 1)],
      [ts.layers.layerNormalization(), randT([2, 3], 1)],
      [ts.layers.add(), [randT([2, 3], 1), randT([2, 1], 2)]],
      [ts.layers.average(), [randT([2, 3], 1), randT([2, 4, 3], 2)]],
      [ts.layers.concatenate(), [randT([2, 3], 1), randT([2, 1], 2)]],
    ];
    for (const [layer, x] of cases) {
      layer.apply(x); // build
      for (const training of [false, true]) {
        const before = ts.memory().numTensors;
        const y = ts.tidy(() => layer.apply(x, { training }) as ts.Tensor);
        y.dispose();
        expect(ts.memory().numTensors, `${layer.getClassName()} training=${training}`).toBe(before);
      }
      if (layer.trainableWeights.length) {
        const before = ts.memory().numTensors;
        ts.tidy(() => {
          ts.variableGrads(() => ts.sum(layer.apply(x, { training: true }) as ts.Tensor));
        });
        expect(ts.memory().numTensors, `${layer.getClassName()} variableGrads`).toBe(before);
      }
    }
  });
});
