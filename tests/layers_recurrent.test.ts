/**
 * Recurrent layers on the js backend (TESSERA_TEST_BACKEND=wasm for wasm): SimpleRNN / LSTM /
 * GRU / RNN(cell) against step-by-step plain-JS references computed from the layers' own weights
 * and against @tensorflow/tfjs-layers with copied weights (proves TF.js layouts and gate
 * order); bidirectional merge modes; gradients (finite, non-zero, finite differences for
 * weights and inputs); configs, countParams and tensor leaks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Tensor } from '../src/tensor.js';
import type { Layer } from '../src/layers/layer.js';
import { SimpleRNN, LSTM, GRU, RNN } from '../src/layers/recurrent/rnn.js';
import { SimpleRNNCell, LSTMCell, GRUCell } from '../src/layers/recurrent/cells.js';
import { Bidirectional } from '../src/layers/recurrent/bidirectional.js';
import { expectClose, randArray, randomizeWeights, ts } from './helpers/seq_layers.js';

beforeAll(async () => {
  await ts.setBackend(process.env.TESSERA_TEST_BACKEND ?? 'js');
  await tfc.setBackend('cpu');
});

const tanh = Math.tanh;
const hardSigmoid = (x: number) => Math.min(1, Math.max(0, 0.2 * x + 0.5));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
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
          const outs = layer.apply(x) as Tensor[];
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
    expectClose((layer.apply(x) as Tensor).dataSync(), ref.seqs.map((s) => s[T - 1]).flat());
  });

  it('initialState and mask', () => {
    const layer = new GRU({ units: U, returnSequences: true });
    const x = ts.tensor(xVals, [B, T, D]);
    layer.apply(x);
    randomizeWeights(layer, 9);
    // An all-ones mask changes nothing; masking the last step repeats the previous output.
    const full = (layer.apply(x) as Tensor).dataSync();
    const ones = (layer.apply(x, { mask: ts.ones([B, T]) }) as Tensor).dataSync();
    expectClose(ones, full);
    const m = ts.tensor(Array.from({ length: B * T }, (_, i) => (i % T === T - 1 ? 0 : 1)), [B, T]);
    const masked = (layer.apply(x, { mask: m }) as Tensor).arraySync() as number[][][];
    for (let b = 0; b < B; b++) expectClose(masked[b][T - 1], masked[b][T - 2]);
    expect(layer.computeMask(x, m)).toBe(m);
    expect(new LSTM({ units: 2, returnState: true }).computeMask(x, m)).toEqual([null, null, null]);
    const h0 = ts.tensor(randArray(B * U, 3), [B, U]);
    const withState = (layer.apply(x, { initialState: [h0] }) as Tensor).dataSync();
    expect(Math.abs(withState[0] - full[0])).toBeGreaterThan(1e-6);
  });

  it('dropout is identity at inference and stochastic in training', () => {
    const layer = new LSTM({ units: U, dropout: 0.5, recurrentDropout: 0.3 });
    const x = ts.tensor(xVals, [B, T, D]);
    const a = (layer.apply(x) as Tensor).dataSync();
    const b = (layer.apply(x) as Tensor).dataSync();
    expectClose(a, b, 0);
    const c = (layer.apply(x, { training: true }) as Tensor).dataSync();
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
      expectClose((mine.apply(x) as Tensor).dataSync(), want, 1e-4);
      expect(mine.getConfig().recurrentActivation).toBe(tlayer.getConfig().recurrentActivation);
    });
  }

  it('rnn({cell: lstmCell / gruCell / simpleRNNCell}) matches TF.js and names weights after the layer', () => {
    for (const [kind, units] of [['lstm', 3], ['gru', 4], ['simple', 2]] as const) {
      const cfg = { units, recurrentInitializer: 'glorotNormal', biasInitializer: 'randomNormal' } as any;
      const tcell = kind === 'lstm' ? tfl.layers.lstmCell(cfg) : kind === 'gru' ? tfl.layers.gruCell(cfg) : tfl.layers.simpleRNNCell(cfg);
      const tlayer = tfl.layers.rnn({ cell: tcell, returnSequences: true, inputShape: [T, D] });
      const tmodel = tfl.sequential({ layers: [tlayer] });
      const want = (tmodel.predict(tfc.tensor(xVals, [B, T, D])) as tfc.Tensor).dataSync();
      const cell = kind === 'lstm' ? new LSTMCell({ units }) : kind === 'gru' ? new GRUCell({ units }) : new SimpleRNNCell({ units });
      const mine = new RNN({ cell, returnSequences: true, name: `my_rnn_${kind}` });
      const x = ts.tensor(xVals, [B, T, D]);
      mine.apply(x);
      expect(mine.weights.map((w) => w.name)).toEqual([`my_rnn_${kind}/kernel`, `my_rnn_${kind}/recurrent_kernel`, `my_rnn_${kind}/bias`]);
      mine.setWeights(tlayer.getWeights().map((w) => ts.tensor(Array.from(w.dataSync()), w.shape)));
      expectClose((mine.apply(x) as Tensor).dataSync(), want, 1e-4);
      const cfgOut = JSON.parse(JSON.stringify(mine.getConfig()));
      expect(cfgOut.cell.className).toBe(tlayer.getConfig().cell ? (tlayer.getConfig().cell as any).className : '');
      expect(new RNN(cfgOut).getConfig()).toEqual(mine.getConfig());
    }
  });

  it('a cell applied on its own is one time step', () => {
    const cell = new LSTMCell({ units: U });
    const x1 = ts.tensor(xVals.slice(0, B * D), [B, D]);
    const h0 = ts.tensor(randArray(B * U, 12), [B, U]), c0 = ts.tensor(randArray(B * U, 13), [B, U]);
    const [h, hh, c] = cell.apply([x1, h0, c0]) as Tensor[];
    const layer = new LSTM({ units: U, returnState: true });
    layer.apply(ts.reshape(x1, [B, 1, D]));
    layer.setWeights(cell.getWeights());
    const [, lh, lc] = layer.apply(ts.reshape(x1, [B, 1, D]), { initialState: [h0, c0] }) as Tensor[];
    expectClose(h.dataSync(), lh.dataSync());
    expectClose(hh.dataSync(), lh.dataSync());
    expectClose(c.dataSync(), lc.dataSync());
    expect(() => cell.apply([x1, h0])).toThrow(/state/);
    // a list of cells is stacked (tests/ports/programs/rnn_cells.ts compares stacked cells with TF.js)
    expect(new RNN({ cell: [new GRUCell({ units: 2 }), new GRUCell({ units: 2 })] }).cell.getClassName()).toBe('StackedRNNCells');
  });

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
    const y = mine.apply(x) as Tensor;
    expect(y.shape).toEqual([B, T, 6]);
    expectClose(y.dataSync(), want, 1e-4);
  });
});

// ---- bidirectional ----------------------------------------------------------------------------

describe('bidirectional', () => {
  it('names weights like TF.js and merges in every mode', () => {
    const x = ts.tensor(xVals, [B, T, D]);
    const base = new Bidirectional({ layer: new GRU({ units: U, returnSequences: true, name: 'g' }), mergeMode: null, name: 'bi' });
    const [f, b] = base.apply(x) as Tensor[];
    expect(base.weights.map((w) => w.name)).toEqual([
      'bi/forward_g/kernel', 'bi/forward_g/recurrent_kernel', 'bi/forward_g/bias',
      'bi/backward_g/kernel', 'bi/backward_g/recurrent_kernel', 'bi/backward_g/bias',
    ]);
    randomizeWeights(base, 40);
    const W = base.getWeights().map((w) => w.dataSync() as Float32Array);
    const fr = reference('gru', xVals, B, T, D, U, W.slice(0, 3), false).seqs;
    const br = reference('gru', xVals, B, T, D, U, W.slice(3), true).seqs.map((s) => s.slice().reverse());
    const [f2, b2] = base.apply(x) as Tensor[];
    expectClose(f2.dataSync(), fr.flat(2));
    expectClose(b2.dataSync(), br.flat(2));
    const fv = fr.flat(2), bv = br.flat(2);
    const merges: [string, (a: number, c: number) => number][] = [['sum', (a, c) => a + c], ['mul', (a, c) => a * c], ['ave', (a, c) => (a + c) / 2]];
    for (const [mode, fn] of merges) {
      const l = new Bidirectional({ layer: new GRU({ units: U, returnSequences: true }), mergeMode: mode as any });
      l.apply(x);
      l.setWeights(base.getWeights());
      expectClose((l.apply(x) as Tensor).dataSync(), fv.map((v, i) => fn(v, bv[i])));
    }
    const cat = new Bidirectional({ layer: new GRU({ units: U, returnSequences: true }) });
    cat.apply(x);
    cat.setWeights(base.getWeights());
    const want: number[] = [];
    for (let i = 0; i < B * T; i++) want.push(...fv.slice(i * U, (i + 1) * U), ...bv.slice(i * U, (i + 1) * U));
    expectClose((cat.apply(x) as Tensor).dataSync(), want);
    expect(f.shape).toEqual([B, T, U]);
  });

  it('returnState passes states through; config round trip; countParams', () => {
    const l = new Bidirectional({ layer: new LSTM({ units: 8, returnState: true }), mergeMode: 'sum' });
    const outs = l.apply(ts.ones([2, 3, 4])) as Tensor[];
    expect(outs.map((o) => o.shape)).toEqual([[2, 8], [2, 8], [2, 8], [2, 8], [2, 8]]);
    expect(l.computeOutputShape([null, 3, 4])).toEqual([[null, 8], [null, 8], [null, 8], [null, 8], [null, 8]]);
    expect(l.countParams()).toBe(2 * 416);
    const cfg = l.getConfig();
    const again = new Bidirectional(JSON.parse(JSON.stringify(cfg)));
    expect(again.getConfig()).toEqual(cfg);
    expect((cfg.layer as any).className).toBe('LSTM');
    expect(() => new Bidirectional({ layer: { className: 'Dense', config: { units: 2 } } })).toThrow(/recurrent|unknown/);
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: 'max' as any })).toThrow(/mergeMode/);
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
      const { value, grads } = ts.variableGrads(() => ts.sum(layer.apply(x) as Tensor), layer.trainableWeights);
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
    const loss = () => ts.sum(ts.mul(layer.apply(x) as Tensor, proj));
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

  it('input gradients (GRU and bidirectional LSTM, goBackwards, masked) match finite differences', () => {
    const Bt = 2, Tt = 3, Dt = 2;
    const xv = randArray(Bt * Tt * Dt, 17);
    const mask = ts.tensor([1, 1, 0, 1, 1, 1], [Bt, Tt]);
    for (const layer of [
      new GRU({ units: 3, returnSequences: true, goBackwards: true }) as Layer,
      new Bidirectional({ layer: new LSTM({ units: 2, returnSequences: true }), mergeMode: 'mul' }) as Layer,
    ]) {
      layer.apply(ts.tensor(xv, [Bt, Tt, Dt]));
      randomizeWeights(layer, 61, 0.8);
      const out = layer.computeOutputShape([Bt, Tt, Dt]) as number[];
      const proj = ts.tensor(randArray(out.reduce((a, b) => a * b, 1), 33), out);
      const f = (x: Tensor) => ts.sum(ts.mul(layer.apply(x, { mask }) as Tensor, proj));
      const g = ts.grad(f)(ts.tensor(xv, [Bt, Tt, Dt])).dataSync();
      const eps = 1e-2;
      for (let e = 0; e < xv.length; e++) {
        const at = (d: number) => ts.tidy(() => f(ts.tensor(xv.map((v, i) => (i === e ? v + d : v)), [Bt, Tt, Dt])).dataSync()[0]);
        const fd = (at(eps) - at(-eps)) / (2 * eps);
        expect(Math.abs(fd - g[e]), `${layer.name} x[${e}] fd ${fd} vs ${g[e]}`).toBeLessThan(2e-3 + 1e-2 * Math.abs(fd));
      }
      // The masked step (batch 0, t = 2) does not see its input.
      expect(Math.abs(g[2 * Dt])).toBeLessThan(1e-7);
    }
  });

  it('no tensor leaks inside tidy, and only the output outside', () => {
    const layer = new LSTM({ units: U, returnSequences: true });
    const x = ts.tensor(xVals, [B, T, D]);
    layer.apply(x).dispose();
    const before = ts.memory().numTensors;
    ts.tidy(() => {
      layer.apply(x);
      ts.variableGrads(() => ts.sum(layer.apply(x) as Tensor), layer.trainableWeights);
    });
    expect(ts.memory().numTensors).toBe(before);
    const y = layer.apply(x) as Tensor;
    expect(ts.memory().numTensors).toBe(before + 1);
    y.dispose();
    const bi = new Bidirectional({ layer: new GRU({ units: 2 }) });
    bi.apply(x).dispose();
    const b2 = ts.memory().numTensors;
    (bi.apply(x) as Tensor).dispose();
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
