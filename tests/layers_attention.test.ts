/**
 * Attention layers on the js backend: multiHeadAttention against a naive per-head computation
 * (masks, causal, valueDim != keyDim), input gradients against finite differences, and
 * transformerEncoder shape, weights, countParams, causality, padding mask, configs and leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../src/tensor.js';
import { MultiHeadAttention } from '../src/layers/attention/multi_head_attention.js';
import { TransformerEncoder } from '../src/layers/attention/transformer_encoder.js';
import { expectClose, randArray, randomizeWeights, ts } from './helpers/seq_layers.js';

beforeAll(async () => {
  await ts.setBackend(process.env.TESSERA_TEST_BACKEND ?? 'js');
});

/** Naive Keras MHA from the layer's weights: per head, per query row. */
function naiveMHA(q: number[], v: number[], Bq: number, Tq: number, S: number, dq: number, dv: number,
  H: number, Kd: number, Vd: number, out: number, W: Float32Array[], keep: (b: number, i: number, j: number) => boolean): number[] {
  const [qk, qb, kk, kb, vk, vb, ok, ob] = W;
  const proj = (x: number[], n: number, dim: number, ker: Float32Array, bias: Float32Array, depth: number) => {
    // -> [b][s][h][e]
    const r: number[][][][] = [];
    for (let b = 0; b < Bq; b++) {
      r.push([]);
      for (let s = 0; s < n; s++) {
        r[b].push([]);
        for (let h = 0; h < H; h++) {
          const row: number[] = [];
          for (let e = 0; e < depth; e++) {
            let acc = bias[h * depth + e];
            for (let c = 0; c < dim; c++) acc += x[(b * n + s) * dim + c] * ker[(c * H + h) * depth + e];
            row.push(acc);
          }
          r[b][s].push(row);
        }
      }
    }
    return r;
  };
  const Q = proj(q, Tq, dq, qk, qb, Kd), K = proj(v, S, dv, kk, kb, Kd), V = proj(v, S, dv, vk, vb, Vd);
  const y: number[] = [];
  for (let b = 0; b < Bq; b++) {
    for (let i = 0; i < Tq; i++) {
      const ctx: number[][] = [];
      for (let h = 0; h < H; h++) {
        const sc = [];
        for (let j = 0; j < S; j++) {
          let d = 0;
          for (let e = 0; e < Kd; e++) d += Q[b][i][h][e] * K[b][j][h][e];
          sc.push(keep(b, i, j) ? d / Math.sqrt(Kd) : -Infinity);
        }
        const m = Math.max(...sc);
        const ex = sc.map((s) => Math.exp(s - m));
        const z = ex.reduce((a, c) => a + c, 0);
        const row = new Array(Vd).fill(0);
        for (let j = 0; j < S; j++) for (let e = 0; e < Vd; e++) row[e] += (ex[j] / z) * V[b][j][h][e];
        ctx.push(row);
      }
      for (let o = 0; o < out; o++) {
        let acc = ob[o];
        for (let h = 0; h < H; h++) for (let e = 0; e < Vd; e++) acc += ctx[h][e] * ok[(h * Vd + e) * out + o];
        y.push(acc);
      }
    }
  }
  return y;
}

describe('multiHeadAttention', () => {
  const Bq = 2, Tq = 4, S = 5, dq = 6, dv = 3;
  const qv = randArray(Bq * Tq * dq, 1), vv = randArray(Bq * S * dv, 2);

  for (const [label, cfg] of [
    ['fused path', { numHeads: 2, keyDim: 3 }],
    ['valueDim != keyDim, outputShape', { numHeads: 3, keyDim: 2, valueDim: 4, outputShape: 7 }],
  ] as const) {
    it(`matches a naive computation (${label})`, () => {
      const l = new MultiHeadAttention({ ...cfg, name: `mha_${label.length}` });
      const q = ts.tensor(qv, [Bq, Tq, dq]), v = ts.tensor(vv, [Bq, S, dv]);
      l.apply(q, { value: v });
      randomizeWeights(l, 50, 0.6);
      const W = l.getWeights().map((w) => w.dataSync() as Float32Array);
      const H = cfg.numHeads, Kd = cfg.keyDim, Vd = (cfg as any).valueDim ?? Kd, out = (cfg as any).outputShape ?? dq;
      expect(l.weights.map((w) => w.name.slice(l.name.length + 1))).toEqual([
        'query/kernel', 'query/bias', 'key/kernel', 'key/bias', 'value/kernel', 'value/bias', 'attention_output/kernel', 'attention_output/bias']);
      expect(l.weights.map((w) => w.shape)).toEqual([[dq, H, Kd], [H, Kd], [dv, H, Kd], [H, Kd], [dv, H, Vd], [H, Vd], [H, Vd, out], [out]]);
      const y = l.apply(q, { value: v }) as Tensor;
      expect(y.shape).toEqual([Bq, Tq, out]);
      expectClose(y.dataSync(), naiveMHA(qv, vv, Bq, Tq, S, dq, dv, H, Kd, Vd, out, W, () => true), 1e-4);
      expectClose((l.call(q, { value: v }) as Tensor).dataSync(), y.dataSync(), 0);
      expectClose((l.apply([q, v, v]) as Tensor).dataSync(), y.dataSync(), 0);
      // Boolean [T, S] mask, per-batch [B, T, S] mask, and causal.
      const m2 = Array.from({ length: Tq * S }, (_, i) => ((i * 7) % 3 !== 0 || i % S === 0 ? 1 : 0));
      const y2 = l.apply(q, { value: v, attentionMask: ts.tensor(m2, [Tq, S], 'bool') }) as Tensor;
      expectClose(y2.dataSync(), naiveMHA(qv, vv, Bq, Tq, S, dq, dv, H, Kd, Vd, out, W, (_b, i, j) => m2[i * S + j] === 1), 1e-4);
      const m3 = Array.from({ length: Bq * Tq * S }, (_, i) => ((i * 5) % 4 !== 0 || i % S === 1 ? 1 : 0));
      const y3 = l.apply(q, { value: v, attentionMask: ts.tensor(m3, [Bq, Tq, S]) }) as Tensor;
      expectClose(y3.dataSync(), naiveMHA(qv, vv, Bq, Tq, S, dq, dv, H, Kd, Vd, out, W, (b, i, j) => m3[(b * Tq + i) * S + j] === 1), 1e-4);
      const y4 = l.apply(q, { value: v, useCausalMask: true }) as Tensor;
      expectClose(y4.dataSync(), naiveMHA(qv, vv, Bq, Tq, S, dq, dv, H, Kd, Vd, out, W, (_b, i, j) => j <= i), 1e-4);
    });
  }

  it('self-attention causal on the fused path, list inputs, gradients, countParams, config', () => {
    const l = new MultiHeadAttention({ numHeads: 2, keyDim: 4 });
    const x = ts.tensor(randArray(2 * 5 * 6, 4), [2, 5, 6]);
    l.apply([x, x]);
    expect(l.countParams()).toBe(3 * (6 * 2 * 4 + 2 * 4) + (2 * 4 * 6 + 6));
    randomizeWeights(l, 70, 0.6);
    const W = l.getWeights().map((w) => w.dataSync() as Float32Array);
    const xv = Array.from(x.dataSync());
    const y = l.apply([x, x], { useCausalMask: true }) as Tensor;
    expectClose(y.dataSync(), naiveMHA(xv, xv, 2, 5, 5, 6, 6, 2, 4, 4, 6, W, (_b, i, j) => j <= i), 1e-4);
    const { grads } = ts.variableGrads(() => ts.sum(ts.square(l.apply([x, x], { useCausalMask: true }) as Tensor)), l.trainableWeights);
    for (const w of l.trainableWeights) {
      const g = Array.from(grads[w.name].dataSync());
      expect(g.every(Number.isFinite)).toBe(true);
      expect(g.some((v) => Math.abs(v) > 1e-7), w.name).toBe(true);
    }
    const cfg = JSON.parse(JSON.stringify(l.getConfig()));
    expect(new MultiHeadAttention(cfg).getConfig()).toEqual(l.getConfig());
    expect(() => new MultiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: [1] })).toThrow(/attentionAxes/);
    const scores = l.apply([x, x], { returnAttentionScores: true }) as Tensor[];
    expect(scores[1].shape).toEqual([2, 2, 5, 5]);
  });
});

describe('attention gradients', () => {
  it('self-attention input gradients match finite differences (fused and composed paths)', () => {
    for (const cfg of [{ numHeads: 2, keyDim: 2 }, { numHeads: 1, keyDim: 3, valueDim: 2 }]) {
      const l = new MultiHeadAttention(cfg);
      const xv = randArray(1 * 3 * 4, 77);
      l.apply(ts.tensor(xv, [1, 3, 4]));
      randomizeWeights(l, 81, 0.8);
      const proj = ts.tensor(randArray(12, 5), [1, 3, 4]);
      const f = (x: Tensor) => ts.sum(ts.mul(l.apply(x, { useCausalMask: true }) as Tensor, proj));
      const g = ts.grad(f)(ts.tensor(xv, [1, 3, 4])).dataSync();
      const eps = 1e-2;
      for (let e = 0; e < xv.length; e++) {
        const at = (d: number) => ts.tidy(() => f(ts.tensor(xv.map((v, i) => (i === e ? v + d : v)), [1, 3, 4])).dataSync()[0]);
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        expect(Math.abs(fd - g[e]), `x[${e}] fd ${fd} vs ${g[e]}`).toBeLessThan(2e-3 + 1e-2 * Math.abs(fd));
      }
    }
  });
});

describe('transformerEncoder', () => {
  it('shape, weights, countParams, causality, config, gradients, pre-norm', () => {
    const dim = 8, seq = 6;
    for (const normFirst of [false, true]) {
      const enc = new TransformerEncoder({ numHeads: 2, intermediateDim: 16, causal: true, normFirst, name: `enc${normFirst ? 'pre' : 'post'}` });
      const xv = randArray(2 * seq * dim, 8);
      const x = ts.tensor(xv, [2, seq, dim]);
      const y = enc.apply(x) as Tensor;
      expect(y.shape).toEqual([2, seq, dim]);
      const mha = 3 * (dim * dim + dim) + (dim * dim + dim);
      expect(enc.countParams()).toBe(mha + 4 * dim + (dim * 16 + 16) + (16 * dim + dim));
      expect(enc.weights.map((w) => w.name)[0]).toBe(`${enc.name}/self_attention/query/kernel`);
      expect(enc.weights.map((w) => w.name)[8]).toBe(`${enc.name}/self_attention_layer_norm/gamma`);
      // Changing the last token leaves earlier positions untouched.
      const xv2 = xv.slice();
      for (let d = 0; d < dim; d++) xv2[(seq - 1) * dim + d] += 1;
      const y2 = (enc.apply(ts.tensor(xv2, [2, seq, dim])) as Tensor).arraySync() as number[][][];
      const y1 = y.arraySync() as number[][][];
      expectClose(y2[0].slice(0, seq - 1).flat(), y1[0].slice(0, seq - 1).flat(), 1e-5);
      expect(Math.abs(y2[0][seq - 1][0] - y1[0][seq - 1][0])).toBeGreaterThan(1e-6);
      const { grads } = ts.variableGrads(() => ts.sum(ts.square(enc.apply(x) as Tensor)), enc.trainableWeights);
      expect(Object.keys(grads).length).toBe(enc.trainableWeights.length);
      for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      const cfg = JSON.parse(JSON.stringify(enc.getConfig()));
      expect(new TransformerEncoder(cfg).getConfig()).toEqual(enc.getConfig());
    }
    const nonCausal = new TransformerEncoder({ numHeads: 2, intermediateDim: 4 });
    const x = ts.tensor(randArray(12 * 4, 2), [1, 12, 4]);
    nonCausal.apply(x);
    const before = ts.memory().numTensors;
    ts.tidy(() => {
      nonCausal.apply(x, { training: true });
    });
    expect(ts.memory().numTensors).toBe(before);
    expect(() => new TransformerEncoder({ numHeads: 3, intermediateDim: 4 }).apply(x)).toThrow(/divisible/);
    // A padding mask hides padded keys: changing padded tokens leaves the real positions alone.
    const pm = ts.tensor(Array.from({ length: 12 }, (_, i) => (i < 8 ? 1 : 0)), [1, 12]);
    const xv = Array.from(x.dataSync());
    const xp = xv.map((v, i) => (i >= 8 * 4 ? v + 3 : v));
    const a = (nonCausal.apply(x, { paddingMask: pm }) as Tensor).dataSync().slice(0, 8 * 4);
    const b = (nonCausal.apply(ts.tensor(xp, [1, 12, 4]), { paddingMask: pm }) as Tensor).dataSync().slice(0, 8 * 4);
    expectClose(b, a, 1e-5);
    const c = (nonCausal.apply(ts.tensor(xp, [1, 12, 4])) as Tensor).dataSync().slice(0, 8 * 4);
    expect(Array.from(c).some((v, i) => Math.abs(v - a[i]) > 1e-4)).toBe(true);
  });
});
