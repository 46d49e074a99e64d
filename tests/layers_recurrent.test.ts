/**
 * Recurrent and attention layers on the js backend: SimpleRNN / LSTM / GRU against step-by-step
 * plain-JS references computed from the layers' own weights and against @tensorflow/tfjs-layers
 * with copied weights (proves TF.js layouts and gate order); bidirectional merge modes;
 * gradients (finite, non-zero, and a finite-difference check on a tiny LSTM); multiHeadAttention
 * against a naive per-head computation; transformerEncoder shape / causality; configs,
 * countParams and tensor leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
// Ops imported module by module (not through src/index.ts) so this file does not depend on the
// models / io modules.
import { Tensor } from '../src/tensor.js';
import * as globals from '../src/globals.js';
import * as creation from '../src/ops/creation.js';
import * as binary from '../src/ops/binary.js';
import * as unary from '../src/ops/unary.js';
import * as reduce from '../src/ops/reduce.js';
import * as autograd from '../src/autograd.js';
import { input } from '../src/layers/layer.js';
import type { Layer } from '../src/layers/layer.js';
import { SimpleRNN, LSTM, GRU } from '../src/layers/recurrent/cells.js';
import { Bidirectional } from '../src/layers/recurrent/bidirectional.js';
import { MultiHeadAttention } from '../src/layers/attention/multi_head_attention.js';
import { TransformerEncoder } from '../src/layers/attention/transformer_encoder.js';

const ts = { ...globals, ...creation, ...binary, ...unary, ...reduce, ...autograd, input };
// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace ts { type Tensor = import('../src/tensor.js').Tensor; }
void Tensor;

beforeAll(async () => {
  await ts.setBackend('js');
  await tfc.setBackend('cpu');
});

// ---- helpers -------------------------------------------------------------------------------

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 * 2 - 1;
  };
}
function randArray(n: number, seed: number, scale = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => r() * scale);
}
const tanh = Math.tanh;
const hardSigmoid = (x: number) => Math.min(1, Math.max(0, 0.2 * x + 0.5));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  expect(worst).toBeLessThanOrEqual(tol);
}

type Kind = 'simple' | 'lstm' | 'gru';
/**
 * Plain-loop reference of one recurrent layer over x [B, T, D] from its weights. Returns the
 * per-step outputs in processing order and the final states.
 */
function reference(kind: Kind, x: number[], B: number, T: number, D: number, U: number, W: Float32Array[], goBackwards: boolean,
  recAct = hardSigmoid) {
  const [k, rk, bias] = W;
  const g = kind === 'simple' ? 1 : kind === 'gru' ? 3 : 4;
  const K = g * U;
  const seqs: number[][][] = []; // [B][t][U]
  const finals: number[][][] = []; // [B][state][U]
  for (let b = 0; b < B; b++) {
    let h = new Array(U).fill(0);
    let c = new Array(U).fill(0);
    const outs: number[][] = [];
    for (let s = 0; s < T; s++) {
      const t = goBackwards ? T - 1 - s : s;
      const xp = new Array(K).fill(0);
      for (let j = 0; j < K; j++) {
        let v = bias ? bias[j] : 0;
        for (let d = 0; d < D; d++) v += x[(b * T + t) * D + d] * k[d * K + j];
        xp[j] = v;
      }
      const rec = (hv: number[], col0: number, n: number) => {
        const out = new Array(n).fill(0);
        for (let j = 0; j < n; j++) for (let u = 0; u < U; u++) out[j] += hv[u] * rk[u * K + col0 + j];
        return out;
      };
      if (kind === 'simple') {
        const r = rec(h, 0, U);
        h = h.map((_, j) => tanh(xp[j] + r[j]));
      } else if (kind === 'lstm') {
        const r = rec(h, 0, K);
        const z = xp.map((v, j) => v + r[j]);
        const nc = c.map((cv, j) => recAct(z[U + j]) * cv + recAct(z[j]) * tanh(z[2 * U + j]));
        h = nc.map((cv, j) => recAct(z[3 * U + j]) * tanh(cv));
        c = nc;
      } else {
        const r = rec(h, 0, 2 * U);
        const z = h.map((_, j) => recAct(xp[j] + r[j]));
        const rr = h.map((_, j) => recAct(xp[U + j] + r[U + j]));
        const rh = rec(h.map((hv, j) => hv * rr[j]), 2 * U, U);
        const hh = h.map((_, j) => tanh(xp[2 * U + j] + rh[j]));
        h = h.map((hv, j) => z[j] * hv + (1 - z[j]) * hh[j]);
      }
      outs.push(h.slice());
    }
    seqs.push(outs);
    finals.push(kind === 'lstm' ? [h, c] : [h]);
  }
  return { seqs, finals };
}

function makeLayer(kind: Kind, cfg: Record<string, unknown>): Layer {
  if (kind === 'simple') return new SimpleRNN(cfg as any);
  if (kind === 'lstm') return new LSTM(cfg as any);
  return new GRU(cfg as any);
}

/** Give a layer random (non-default) weights so biases and every gate matter. */
function randomizeWeights(layer: Layer, seed: number, scale = 0.5): void {
  layer.setWeights(layer.weights.map((w, i) => ts.tensor(randArray(w.size, seed + i, scale), w.shape)));
}

const B = 2, T = 5, D = 3, U = 4;
const xVals = randArray(B * T * D, 7, 1.5);

// ---- recurrent layers vs plain loops ------------------------------------------------------------

describe('recurrent layers vs step-by-step reference', () => {
  for (const kind of ['simple', 'lstm', 'gru'] as Kind[]) {
    for (const goBackwards of [false, true]) {
      for (const returnSequences of [false, true]) {
        it(`${kind} returnSequences=${returnSequences} goBackwards=${goBackwards} returnState`, () => {
          const layer = makeLayer(kind, { units: U, returnSequences, goBackwards, returnState: true });
          const x = ts.tensor(xVals, [B, T, D]);
          layer.apply(x); // build
          randomizeWeights(layer, 100);
          const W = layer.getWeights().map((w) => w.dataSync() as Float32Array);
          const ref = reference(kind, xVals, B, T, D, U, W, goBackwards);
          const outs = layer.apply(x) as ts.Tensor[];
          const nStates = kind === 'lstm' ? 2 : 1;
          expect(outs.length).toBe(1 + nStates);
          const want = returnSequences ? ref.seqs.flat(2) : ref.seqs.map((s) => s[T - 1]).flat();
          expect(outs[0].shape).toEqual(returnSequences ? [B, T, U] : [B, U]);
          expectClose(outs[0].dataSync(), want);
          for (let i = 0; i < nStates; i++) {
            expect(outs[1 + i].shape).toEqual([B, U]);
            expectClose(outs[1 + i].dataSync(), ref.finals.map((f) => f[i]).flat());
          }
        });
      }
    }
  }

  it('lstm with sigmoid recurrentActivation and no bias', () => {
    const layer = new LSTM({ units: U, recurrentActivation: 'sigmoid', useBias: false });
    const x = ts.tensor(xVals, [B, T, D]);
    layer.apply(x);
    randomizeWeights(layer, 5);
    expect(layer.weights.length).toBe(2);
    const W = layer.getWeights().map((w) => w.dataSync() as Float32Array);
    const ref = reference('lstm', xVals, B, T, D, U, [W[0], W[1], undefined as any], false, sigmoid);
    expectClose((layer.apply(x) as ts.Tensor).dataSync(), ref.seqs.map((s) => s[T - 1]).flat());
  });

  it('initialState and mask', () => {
    const layer = new GRU({ units: U, returnSequences: true });
    const x = ts.tensor(xVals, [B, T, D]);
    layer.apply(x);
    randomizeWeights(layer, 9);
    // An all-ones mask changes nothing; masking the last step repeats the previous output.
    const full = (layer.apply(x) as ts.Tensor).dataSync();
    const ones = (layer.apply(x, { mask: ts.ones([B, T]) }) as ts.Tensor).dataSync();
    expectClose(ones, full);
    const m = ts.tensor(Array.from({ length: B * T }, (_, i) => (i % T === T - 1 ? 0 : 1)), [B, T]);
    const masked = (layer.apply(x, { mask: m }) as ts.Tensor).arraySync() as number[][][];
    for (let b = 0; b < B; b++) expectClose(masked[b][T - 1], masked[b][T - 2]);
    const h0 = ts.tensor(randArray(B * U, 3), [B, U]);
    const withState = (layer.apply(x, { initialState: [h0] }) as ts.Tensor).dataSync();
    expect(Math.abs(withState[0] - full[0])).toBeGreaterThan(1e-6);
  });

  it('dropout is identity at inference and stochastic in training', () => {
    const layer = new LSTM({ units: U, dropout: 0.5, recurrentDropout: 0.3 });
    const x = ts.tensor(xVals, [B, T, D]);
    const a = (layer.apply(x) as ts.Tensor).dataSync();
    const b = (layer.apply(x) as ts.Tensor).dataSync();
    expectClose(a, b, 0);
    const c = (layer.apply(x, { training: true }) as ts.Tensor).dataSync();
    expect(Array.from(c).some((v, i) => Math.abs(v - a[i]) > 1e-6)).toBe(true);
    expect(() => new LSTM({ units: 2, dropout: 1.5 })).toThrow(/dropout/);
  });

  it('rejects bad input', () => {
    const layer = new LSTM({ units: 2 });
    expect(() => layer.apply(ts.ones([2, 3]))).toThrow(/rank 3/);
    expect(() => new GRU({ units: 2, resetAfter: true })).toThrow(/resetAfter/);
    expect(() => new SimpleRNN({ units: 0 })).toThrow(/units/);
    expect(() => new LSTM({ units: 2, stateful: true })).toThrow(/stateful/);
  });
});

// ---- against TF.js --------------------------------------------------------------------------------

describe('recurrent layers vs @tensorflow/tfjs-layers', () => {
  const cases: [Kind, Record<string, unknown>][] = [
    ['lstm', { units: 6 }],
    ['lstm', { units: 5, returnSequences: true, goBackwards: true }],
    ['gru', { units: 6, returnSequences: true }],
    ['gru', { units: 3, goBackwards: true }],
    ['simple', { units: 4, returnSequences: true }],
    ['lstm', { units: 4, unitForgetBias: true, recurrentActivation: 'sigmoid', activation: 'relu' }],
  ];
  for (const [kind, cfg] of cases) {
    it(`${kind} ${JSON.stringify(cfg)}`, () => {
      // TF.js's orthogonal initializer needs chained ops its Node bundle lacks: use glorotNormal.
      const tcfg = { ...cfg, recurrentInitializer: 'glorotNormal', biasInitializer: 'randomNormal', inputShape: [T, D] } as any;
      const tlayer = kind === 'lstm' ? tfl.layers.lstm(tcfg) : kind === 'gru' ? tfl.layers.gru(tcfg) : tfl.layers.simpleRNN(tcfg);
      const tmodel = tfl.sequential({ layers: [tlayer] });
      const tx = tfc.tensor(xVals, [B, T, D]);
      const want = (tmodel.predict(tx) as tfc.Tensor).dataSync();
      const mine = makeLayer(kind, cfg);
      const x = ts.tensor(xVals, [B, T, D]);
      mine.apply(x);
      const tw = tlayer.getWeights();
      expect(mine.weights.map((w) => w.shape)).toEqual(tw.map((w) => w.shape));
      expect(mine.weights.map((w) => w.name.split('/').pop())).toEqual(tlayer.weights.map((w) => w.originalName.split('/').pop()));
      mine.setWeights(tw.map((w) => ts.tensor(Array.from(w.dataSync()), w.shape)));
      expectClose((mine.apply(x) as ts.Tensor).dataSync(), want, 1e-4);
      expect(mine.getConfig().recurrentActivation).toBe(tlayer.getConfig().recurrentActivation);
    });
  }

  it('bidirectional LSTM (concat, returnSequences) matches TF.js', () => {
    const tlayer = tfl.layers.bidirectional({
      layer: tfl.layers.lstm({ units: 3, returnSequences: true, recurrentInitializer: 'glorotNormal', biasInitializer: 'randomNormal' }) as any,
      inputShape: [T, D],
    });
    const tmodel = tfl.sequential({ layers: [tlayer] });
    const want = (tmodel.predict(tfc.tensor(xVals, [B, T, D])) as tfc.Tensor).dataSync();
    const mine = new Bidirectional({ layer: new LSTM({ units: 3, returnSequences: true }) });
    const x = ts.tensor(xVals, [B, T, D]);
    mine.apply(x);
    expect(mine.weights.map((w) => w.shape)).toEqual(tlayer.getWeights().map((w) => w.shape));
    mine.setWeights(tlayer.getWeights().map((w) => ts.tensor(Array.from(w.dataSync()), w.shape)));
    const y = mine.apply(x) as ts.Tensor;
    expect(y.shape).toEqual([B, T, 6]);
    expectClose(y.dataSync(), want, 1e-4);
  });
});

// ---- bidirectional ----------------------------------------------------------------------------

describe('bidirectional', () => {
  it('names weights like TF.js and merges in every mode', () => {
    const x = ts.tensor(xVals, [B, T, D]);
    const base = new Bidirectional({ layer: new GRU({ units: U, returnSequences: true, name: 'g' }), mergeMode: null, name: 'bi' });
    const [f, b] = base.apply(x) as ts.Tensor[];
    expect(base.weights.map((w) => w.name)).toEqual([
      'bi/forward_g/kernel', 'bi/forward_g/recurrent_kernel', 'bi/forward_g/bias',
      'bi/backward_g/kernel', 'bi/backward_g/recurrent_kernel', 'bi/backward_g/bias',
    ]);
    randomizeWeights(base, 40);
    const W = base.getWeights().map((w) => w.dataSync() as Float32Array);
    const fr = reference('gru', xVals, B, T, D, U, W.slice(0, 3), false).seqs;
    const br = reference('gru', xVals, B, T, D, U, W.slice(3), true).seqs.map((s) => s.slice().reverse());
    const [f2, b2] = base.apply(x) as ts.Tensor[];
    expectClose(f2.dataSync(), fr.flat(2));
    expectClose(b2.dataSync(), br.flat(2));
    const fv = fr.flat(2), bv = br.flat(2);
    const merges: [string, (a: number, c: number) => number][] = [['sum', (a, c) => a + c], ['mul', (a, c) => a * c], ['ave', (a, c) => (a + c) / 2]];
    for (const [mode, fn] of merges) {
      const l = new Bidirectional({ layer: new GRU({ units: U, returnSequences: true }), mergeMode: mode as any });
      l.apply(x);
      l.setWeights(base.getWeights());
      expectClose((l.apply(x) as ts.Tensor).dataSync(), fv.map((v, i) => fn(v, bv[i])));
    }
    const cat = new Bidirectional({ layer: new GRU({ units: U, returnSequences: true }) });
    cat.apply(x);
    cat.setWeights(base.getWeights());
    const want: number[] = [];
    for (let i = 0; i < B * T; i++) want.push(...fv.slice(i * U, (i + 1) * U), ...bv.slice(i * U, (i + 1) * U));
    expectClose((cat.apply(x) as ts.Tensor).dataSync(), want);
    expect(f.shape).toEqual([B, T, U]);
  });

  it('returnState passes states through; config round trip; countParams', () => {
    const l = new Bidirectional({ layer: new LSTM({ units: 8, returnState: true }), mergeMode: 'sum' });
    const outs = l.apply(ts.ones([2, 3, 4])) as ts.Tensor[];
    expect(outs.map((o) => o.shape)).toEqual([[2, 8], [2, 8], [2, 8], [2, 8], [2, 8]]);
    expect(l.computeOutputShape([null, 3, 4])).toEqual([[null, 8], [null, 8], [null, 8], [null, 8], [null, 8]]);
    expect(l.countParams()).toBe(2 * 416);
    const cfg = l.getConfig();
    const again = new Bidirectional(JSON.parse(JSON.stringify(cfg)));
    expect(again.getConfig()).toEqual(cfg);
    expect((cfg.layer as any).className).toBe('LSTM');
  });
});

// ---- gradients ---------------------------------------------------------------------------------

describe('recurrent gradients', () => {
  it('grads of sum(output) w.r.t. every weight are finite and non-zero', () => {
    for (const kind of ['simple', 'lstm', 'gru'] as Kind[]) {
      const layer = makeLayer(kind, { units: U, returnSequences: true });
      const x = ts.tensor(xVals, [B, T, D]);
      layer.apply(x);
      randomizeWeights(layer, 3);
      const { value, grads } = ts.variableGrads(() => ts.sum(layer.apply(x) as ts.Tensor), layer.trainableWeights);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      for (const w of layer.trainableWeights) {
        const g = grads[w.name];
        expect(g, `${kind} ${w.name}`).toBeDefined();
        const v = Array.from(g.dataSync());
        expect(v.every(Number.isFinite)).toBe(true);
        expect(v.some((q) => Math.abs(q) > 1e-7)).toBe(true);
      }
    }
  });

  it('tiny LSTM gradients match finite differences', () => {
    const layer = new LSTM({ units: 2, returnSequences: true, recurrentActivation: 'sigmoid' });
    const Bt = 1, Tt = 3, Dt = 2;
    const xv = randArray(Bt * Tt * Dt, 11);
    const x = ts.tensor(xv, [Bt, Tt, Dt]);
    layer.apply(x);
    randomizeWeights(layer, 21, 0.7);
    const proj = ts.tensor(randArray(Bt * Tt * 2, 31), [Bt, Tt, 2]);
    const loss = () => ts.sum(ts.mul(layer.apply(x) as ts.Tensor, proj));
    const { grads } = ts.variableGrads(loss, layer.trainableWeights);
    const base = layer.getWeights().map((w) => Array.from(w.dataSync()));
    const eps = 1e-2;
    layer.weights.forEach((w, wi) => {
      const g = grads[w.name].dataSync();
      for (let e = 0; e < w.size; e++) {
        const at = (delta: number) => {
          const vals = base.map((b) => b.slice());
          vals[wi][e] += delta;
          layer.setWeights(vals.map((v, i) => ts.tensor(v, layer.weights[i].shape)));
          return ts.tidy(() => loss().dataSync()[0]);
        };
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        expect(Math.abs(fd - g[e]), `${w.name}[${e}] fd ${fd} vs ${g[e]}`).toBeLessThan(2e-3 + 1e-2 * Math.abs(fd));
      }
    });
    layer.setWeights(base.map((v, i) => ts.tensor(v, layer.weights[i].shape)));
  });

  it('no tensor leaks inside tidy, and only the output outside', () => {
    const layer = new LSTM({ units: U, returnSequences: true });
    const x = ts.tensor(xVals, [B, T, D]);
    layer.apply(x).dispose();
    const before = ts.memory().numTensors;
    ts.tidy(() => {
      layer.apply(x);
      ts.variableGrads(() => ts.sum(layer.apply(x) as ts.Tensor), layer.trainableWeights);
    });
    expect(ts.memory().numTensors).toBe(before);
    const y = layer.apply(x) as ts.Tensor;
    expect(ts.memory().numTensors).toBe(before + 1);
    y.dispose();
    const bi = new Bidirectional({ layer: new GRU({ units: 2 }) });
    bi.apply(x).dispose();
    const b2 = ts.memory().numTensors;
    (bi.apply(x) as ts.Tensor).dispose();
    expect(ts.memory().numTensors).toBe(b2);
  });
});

// ---- configs and params ------------------------------------------------------------------------------

describe('recurrent configs and countParams', () => {
  it('countParams equals Keras', () => {
    const x = ts.ones([1, 2, 4]);
    const l = new LSTM({ units: 8 }); l.apply(x);
    const g = new GRU({ units: 8 }); g.apply(x);
    const s = new SimpleRNN({ units: 8 }); s.apply(x);
    expect(l.countParams()).toBe(416);
    expect(g.countParams()).toBe(3 * (8 * (4 + 8) + 8));
    expect(s.countParams()).toBe(8 * (4 + 8) + 8);
  });

  it('getConfig rebuilds the same layer; TF.js defaults are serialized', () => {
    for (const layer of [
      new LSTM({ units: 3, returnSequences: true, goBackwards: true, unitForgetBias: true, dropout: 0.1 }),
      new GRU({ units: 2, returnState: true, recurrentActivation: 'sigmoid' }),
      new SimpleRNN({ units: 5, activation: 'relu', useBias: false }),
    ]) {
      const cfg = JSON.parse(JSON.stringify(layer.getConfig()));
      const again = makeLayer(layer instanceof LSTM ? 'lstm' : layer instanceof GRU ? 'gru' : 'simple', cfg);
      expect(again.getConfig()).toEqual(layer.getConfig());
    }
    const d = new LSTM({ units: 2 }).getConfig();
    expect(d.recurrentActivation).toBe('hardSigmoid');
    expect(d.activation).toBe('tanh');
    expect((d.recurrentInitializer as any).className).toBe('Orthogonal');
    const gc = new GRU({ units: 2 }).getConfig();
    expect(gc.resetAfter).toBe(false);
  });

  it('unitForgetBias initializes the forget block to 1', () => {
    const l = new LSTM({ units: 3, unitForgetBias: true });
    l.apply(ts.ones([1, 2, 2]));
    expect(Array.from(l.getWeights()[2].dataSync())).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('works in a sequential model (embedding-free) and symbolically', () => {
    const inp = ts.input({ shape: [T, D] });
    const h = new LSTM({ units: 4, returnSequences: true }).apply(inp);
    const out = new Bidirectional({ layer: new GRU({ units: 3 }) }).apply(h);
    expect(out.shape).toEqual([null, 6]);
  });
});

// ---- attention ----------------------------------------------------------------------------------

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
      const y = l.apply(q, { value: v }) as ts.Tensor;
      expect(y.shape).toEqual([Bq, Tq, out]);
      expectClose(y.dataSync(), naiveMHA(qv, vv, Bq, Tq, S, dq, dv, H, Kd, Vd, out, W, () => true), 1e-4);
      // Boolean [T, S] mask, per-batch [B, T, S] mask, and causal.
      const m2 = Array.from({ length: Tq * S }, (_, i) => ((i * 7) % 3 !== 0 || i % S === 0 ? 1 : 0));
      const y2 = l.apply(q, { value: v, attentionMask: ts.tensor(m2, [Tq, S], 'bool') }) as ts.Tensor;
      expectClose(y2.dataSync(), naiveMHA(qv, vv, Bq, Tq, S, dq, dv, H, Kd, Vd, out, W, (_b, i, j) => m2[i * S + j] === 1), 1e-4);
      const m3 = Array.from({ length: Bq * Tq * S }, (_, i) => ((i * 5) % 4 !== 0 || i % S === 1 ? 1 : 0));
      const y3 = l.apply(q, { value: v, attentionMask: ts.tensor(m3, [Bq, Tq, S]) }) as ts.Tensor;
      expectClose(y3.dataSync(), naiveMHA(qv, vv, Bq, Tq, S, dq, dv, H, Kd, Vd, out, W, (b, i, j) => m3[(b * Tq + i) * S + j] === 1), 1e-4);
      const y4 = l.apply(q, { value: v, useCausalMask: true }) as ts.Tensor;
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
    const y = l.apply([x, x], { useCausalMask: true }) as ts.Tensor;
    expectClose(y.dataSync(), naiveMHA(xv, xv, 2, 5, 5, 6, 6, 2, 4, 4, 6, W, (_b, i, j) => j <= i), 1e-4);
    const { grads } = ts.variableGrads(() => ts.sum(ts.square(l.apply([x, x], { useCausalMask: true }) as ts.Tensor)), l.trainableWeights);
    for (const w of l.trainableWeights) {
      const g = Array.from(grads[w.name].dataSync());
      expect(g.every(Number.isFinite)).toBe(true);
      expect(g.some((v) => Math.abs(v) > 1e-7), w.name).toBe(true);
    }
    const cfg = JSON.parse(JSON.stringify(l.getConfig()));
    expect(new MultiHeadAttention(cfg).getConfig()).toEqual(l.getConfig());
    expect(() => new MultiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: [1] })).toThrow(/attentionAxes/);
    const scores = l.apply([x, x], { returnAttentionScores: true }) as ts.Tensor[];
    expect(scores[1].shape).toEqual([2, 2, 5, 5]);
  });
});

describe('transformerEncoder', () => {
  it('shape, weights, countParams, causality, config, gradients, pre-norm', () => {
    const dim = 8, seq = 6;
    for (const normFirst of [false, true]) {
      const enc = new TransformerEncoder({ numHeads: 2, intermediateDim: 16, causal: true, normFirst, name: `enc${normFirst ? 'pre' : 'post'}` });
      const xv = randArray(2 * seq * dim, 8);
      const x = ts.tensor(xv, [2, seq, dim]);
      const y = enc.apply(x) as ts.Tensor;
      expect(y.shape).toEqual([2, seq, dim]);
      const mha = 3 * (dim * dim + dim) + (dim * dim + dim);
      expect(enc.countParams()).toBe(mha + 4 * dim + (dim * 16 + 16) + (16 * dim + dim));
      expect(enc.weights.map((w) => w.name)[0]).toBe(`${enc.name}/self_attention/query/kernel`);
      expect(enc.weights.map((w) => w.name)[8]).toBe(`${enc.name}/self_attention_layer_norm/gamma`);
      // Changing the last token leaves earlier positions untouched.
      const xv2 = xv.slice();
      for (let d = 0; d < dim; d++) xv2[(seq - 1) * dim + d] += 1;
      const y2 = (enc.apply(ts.tensor(xv2, [2, seq, dim])) as ts.Tensor).arraySync() as number[][][];
      const y1 = y.arraySync() as number[][][];
      expectClose(y2[0].slice(0, seq - 1).flat(), y1[0].slice(0, seq - 1).flat(), 1e-5);
      expect(Math.abs(y2[0][seq - 1][0] - y1[0][seq - 1][0])).toBeGreaterThan(1e-6);
      const { grads } = ts.variableGrads(() => ts.sum(ts.square(enc.apply(x) as ts.Tensor)), enc.trainableWeights);
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
    const a = (nonCausal.apply(x, { paddingMask: pm }) as ts.Tensor).dataSync().slice(0, 8 * 4);
    const b = (nonCausal.apply(ts.tensor(xp, [1, 12, 4]), { paddingMask: pm }) as ts.Tensor).dataSync().slice(0, 8 * 4);
    expectClose(b, a, 1e-5);
    const c = (nonCausal.apply(ts.tensor(xp, [1, 12, 4])) as ts.Tensor).dataSync().slice(0, 8 * 4);
    expect(Array.from(c).some((v, i) => Math.abs(v - a[i]) > 1e-4)).toBe(true);
  });
});
