/**
 * Fused attention on the js backend: the reference kernel (output and log-sum-exp) against a
 * float64 softmax(scale * QK^T + mask) V written here, the `attention` op (boolean / additive
 * masks, causal with seqQ != seqK, fully masked rows), its composed vjp against directional
 * finite differences and against autograd through the unfused core ops, and validation errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { jsKernels } from '../src/backends/js/backend.js';
import { seededValues } from './helpers/gradcheck.js';
import { checkDirectionalGrads } from './helpers/dirgrad.js';

beforeAll(async () => {
  await ts.setBackend('js');
});

const rand = (n: number, seed: number) => Float32Array.from(seededValues(n, seed, -1, 1));

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, label: string, atol = 1e-5, rtol = 1e-4): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  let bad = 0;
  let first = '';
  for (let i = 0; i < want.length; i++) {
    const same = Number.isFinite(want[i]) ? Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]) : got[i] === want[i];
    if (!same && !bad++) first = `[${i}] got ${got[i]}, want ${want[i]}`;
  }
  if (bad) expect.fail(`${label}: ${bad} of ${want.length} values differ, first ${first}`);
}

/** Float64 naive attention; mask is additive [seqQ, seqK] or null. */
function naive(q: Float32Array, k: Float32Array, v: Float32Array, bh: number, sq: number, sk: number, d: number, scale: number, causal: boolean, mask: Float32Array | null) {
  const out = new Float64Array(bh * sq * d);
  const lse = new Float64Array(bh * sq);
  for (let h = 0; h < bh; h++) for (let i = 0; i < sq; i++) {
    const s: number[] = [];
    for (let j = 0; j < sk; j++) {
      let dot = 0;
      for (let e = 0; e < d; e++) dot += q[(h * sq + i) * d + e] * k[(h * sk + j) * d + e];
      let sc = dot * scale + (mask ? mask[i * sk + j] : 0);
      if (causal && j > i + sk - sq) sc = -Infinity;
      s.push(sc);
    }
    const m = Math.max(...s);
    if (m === -Infinity) { lse[h * sq + i] = -Infinity; continue; }
    const p = s.map((x) => Math.exp(x - m));
    const z = p.reduce((a, b) => a + b, 0);
    lse[h * sq + i] = m + Math.log(z);
    for (let e = 0; e < d; e++) {
      let acc = 0;
      for (let j = 0; j < sk; j++) acc += (p[j] / z) * v[(h * sk + j) * d + e];
      out[(h * sq + i) * d + e] = acc;
    }
  }
  return { out, lse };
}

interface Case { bh: number; sq: number; sk: number; d: number; causal: boolean; mask?: 'pad' | 'float' }
const kernelCases: Case[] = [
  { bh: 2, sq: 1, sk: 1, d: 8, causal: false },
  { bh: 3, sq: 17, sk: 17, d: 32, causal: true },
  { bh: 1, sq: 130, sk: 130, d: 64, causal: false },
  { bh: 2, sq: 130, sk: 130, d: 128, causal: true },
  { bh: 2, sq: 5, sk: 17, d: 8, causal: true },
  { bh: 2, sq: 17, sk: 5, d: 8, causal: true }, // first 12 rows see no key
  { bh: 2, sq: 17, sk: 130, d: 32, causal: false, mask: 'pad' },
  { bh: 1, sq: 9, sk: 9, d: 64, causal: true, mask: 'float' },
  { bh: 1, sq: 1, sk: 130, d: 128, causal: false, mask: 'pad' },
];

/** Padding mask: the last third of the keys masked (-Infinity), and row 0 masked entirely. */
function makeMask(kind: 'pad' | 'float', sq: number, sk: number): Float32Array {
  const m = new Float32Array(sq * sk);
  if (kind === 'float') return Float32Array.from(seededValues(sq * sk, 99, -2, 2));
  for (let i = 0; i < sq; i++) for (let j = 0; j < sk; j++) if (j >= sk - Math.floor(sk / 3) || (i === 0 && sq > 1)) m[i * sk + j] = -Infinity;
  return m;
}
const label = (c: Case) => `bh${c.bh} seqQ${c.sq} seqK${c.sk} d${c.d}${c.causal ? ' causal' : ''}${c.mask ? ` mask ${c.mask}` : ''}`;

describe('js attention kernel vs float64 naive', () => {
  it.each(kernelCases.map((c) => [label(c), c] as const))('%s', (_n, c) => {
    const q = rand(c.bh * c.sq * c.d, 1), k = rand(c.bh * c.sk * c.d, 2), v = rand(c.bh * c.sk * c.d, 3);
    const mask = c.mask ? makeMask(c.mask, c.sq, c.sk) : null;
    const scale = 1 / Math.sqrt(c.d);
    const out = new Float32Array(c.bh * c.sq * c.d), lse = new Float32Array(c.bh * c.sq);
    jsKernels.attention([q, k, v, ...(mask ? [mask] : [])], [out, lse], {
      bh: c.bh, seqQ: c.sq, seqK: c.sk, headDim: c.d, scale, causal: c.causal, hasMask: !!mask,
    }, [], []);
    const want = naive(q, k, v, c.bh, c.sq, c.sk, c.d, scale, c.causal, mask);
    expectClose(out, want.out, `${label(c)} out`);
    expectClose(lse, want.lse, `${label(c)} lse`);
    if (c.sq > c.sk && c.causal) {
      expect(lse[0]).toBe(-Infinity);
      expect(Array.from(out.slice(0, c.d)).every((x) => x === 0)).toBe(true);
    }
  });
});

describe('attention op', () => {
  const shapes = (b: number, h: number, sq: number, sk: number, d: number) => ({ q: [b, h, sq, d], k: [b, h, sk, d] });
  it.each([
    [1, 1, 1, 1, 8, false], [2, 3, 17, 17, 32, true], [1, 2, 130, 130, 64, true], [2, 1, 17, 33, 128, false], [1, 2, 33, 17, 8, true],
  ] as const)('b%i h%i seqQ%i seqK%i d%i causal %s vs naive', (b, h, sq, sk, d, causal) => {
    const s = shapes(b, h, sq, sk, d);
    const q = rand(b * h * sq * d, 4), k = rand(b * h * sk * d, 5), v = rand(b * h * sk * d, 6);
    const y = ts.attention(ts.tensor(q, s.q), ts.tensor(k, s.k), ts.tensor(v, s.k), { causal });
    expect(y.shape).toEqual(s.q);
    expectClose(y.dataSync(), naive(q, k, v, b * h, sq, sk, d, 1 / Math.sqrt(d), causal, null).out, 'attention');
  });

  it('boolean padding mask (true = keep) equals the additive mask; custom scale', () => {
    const [b, h, sq, sk, d] = [2, 2, 7, 11, 16];
    const keep = Array.from({ length: sq * sk }, (_, i) => (i % sk) < 8);
    const add = Float32Array.from(keep, (x) => (x ? 0 : -Infinity));
    const q = rand(b * h * sq * d, 7), k = rand(b * h * sk * d, 8), v = rand(b * h * sk * d, 9);
    const qt = ts.tensor(q, [b, h, sq, d]), kt = ts.tensor(k, [b, h, sk, d]), vt = ts.tensor(v, [b, h, sk, d]);
    const yb = ts.attention(qt, kt, vt, { mask: ts.tensor(keep, [sq, sk], 'bool'), scale: 0.3 });
    const yf = ts.attention(qt, kt, vt, { mask: ts.tensor(add, [1, 1, sq, sk]), scale: 0.3 });
    const want = naive(q, k, v, b * h, sq, sk, d, 0.3, false, add).out;
    expectClose(yb.dataSync(), want, 'bool mask');
    expectClose(yf.dataSync(), want, 'float mask');
  });

  it('per-batch key padding mask [batch, 1, 1, seqK] (bool) equals running each batch alone', () => {
    const [b, h, sq, sk, d] = [3, 2, 5, 7, 8];
    const lens = [7, 3, 1];
    const keep = Array.from({ length: b * sk }, (_, i) => i % sk < lens[Math.floor(i / sk)]);
    const q = rand(b * h * sq * d, 14), k = rand(b * h * sk * d, 15), v = rand(b * h * sk * d, 16);
    const y = ts.attention(ts.tensor(q, [b, h, sq, d]), ts.tensor(k, [b, h, sk, d]), ts.tensor(v, [b, h, sk, d]), { mask: ts.tensor(keep, [b, 1, 1, sk], 'bool') });
    expect(y.shape).toEqual([b, h, sq, d]);
    const got = y.dataSync();
    for (let i = 0; i < b; i++) {
      const add = new Float32Array(sq * sk).map((_, j) => (j % sk < lens[i] ? 0 : -Infinity));
      const per = h * sq * d, perK = h * sk * d;
      const want = naive(q.subarray(i * per, (i + 1) * per), k.subarray(i * perK, (i + 1) * perK), v.subarray(i * perK, (i + 1) * perK), h, sq, sk, d, 1 / Math.sqrt(d), false, add).out;
      expectClose(got.subarray(i * per, (i + 1) * per), want, `batch ${i}`);
    }
  });

  it('fully masked rows give zeros; no tensors leak', () => {
    const before = ts.memory().numTensors;
    const q = ts.ones([1, 1, 3, 4]), k = ts.ones([1, 1, 2, 4]), v = ts.ones([1, 1, 2, 4]);
    const y = ts.attention(q, k, v, { causal: true }); // seqQ 3 > seqK 2: row 0 sees nothing
    expect(Array.from(y.dataSync())).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    const m = ts.attention(q, k, v, { mask: [[false, false], [true, false], [true, true]] });
    expect(Array.from(m.dataSync())).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    ts.dispose([q, k, v, y, m]);
    expect(ts.memory().numTensors).toBe(before);
  });
});

describe('attention vjp', () => {
  const run = (name: string, f: (...xs: ts.Tensor[]) => ts.Tensor, shapes: number[][]) =>
    it(name, () => checkDirectionalGrads(ts, name, f, shapes.map((shape) => ({ shape })), { tol: 1e-2 }));
  run('self-attention', (q, k, v) => ts.attention(q, k, v), [[1, 2, 5, 8], [1, 2, 5, 8], [1, 2, 5, 8]]);
  run('causal', (q, k, v) => ts.attention(q, k, v, { causal: true }), [[2, 1, 6, 8], [2, 1, 6, 8], [2, 1, 6, 8]]);
  run('cross, causal, seqQ > seqK (fully masked rows)', (q, k, v) => ts.attention(q, k, v, { causal: true }), [[1, 1, 7, 8], [1, 1, 4, 8], [1, 1, 4, 8]]);
  run('cross seqQ < seqK, headDim 32', (q, k, v) => ts.attention(q, k, v, { scale: 0.5 }), [[1, 2, 3, 32], [1, 2, 9, 32], [1, 2, 9, 32]]);
  run('float mask (gradient w.r.t. the mask too)', (q, k, v, m) => ts.attention(q, k, v, { mask: m }), [[2, 2, 4, 8], [2, 2, 5, 8], [2, 2, 5, 8], [4, 5]]);
  run('float key mask [1, seqK] broadcast over queries', (q, k, v, m) => ts.attention(q, k, v, { mask: m }), [[1, 2, 4, 8], [1, 2, 6, 8], [1, 2, 6, 8], [1, 6]]);
  run('per-batch, per-head float mask [b, h, seqQ, seqK]', (q, k, v, m) => ts.attention(q, k, v, { mask: m, causal: true }), [[2, 2, 4, 8], [2, 2, 4, 8], [2, 2, 4, 8], [2, 2, 4, 4]]);
  it('boolean padding mask', () => {
    const keep = ts.tensor(Array.from({ length: 30 }, (_, i) => i % 6 < 4), [5, 6], 'bool');
    checkDirectionalGrads(ts, 'bool mask', (q, k, v) => ts.attention(q, k, v, { mask: keep }),
      [{ shape: [1, 2, 5, 8] }, { shape: [1, 2, 6, 8] }, { shape: [1, 2, 6, 8] }]);
  });
  it('seq 130, headDim 64: matches autograd through the unfused core ops', () => {
    const [b, h, sq, sk, d] = [1, 2, 130, 130, 64];
    const q = ts.tensor(rand(b * h * sq * d, 10), [b, h, sq, d]), k = ts.tensor(rand(b * h * sk * d, 11), [b, h, sk, d]);
    const v = ts.tensor(rand(b * h * sk * d, 12), [b, h, sk, d]), dy = ts.tensor(rand(b * h * sq * d, 13), [b, h, sq, d]);
    const causal = new Float32Array(sq * sk).map((_, i) => (i % sk > Math.floor(i / sk) ? -Infinity : 0));
    const cm = ts.tensor(causal, [sq, sk]);
    const fused = ts.grads((a, c, e) => ts.attention(a, c, e, { causal: true }))([q, k, v], dy);
    const plain = ts.grads((a, c, e) => ts.matMul(ts.softmax(ts.add(ts.mul(ts.matMul(a, c, false, true), 1 / 8), cm)), e))([q, k, v], dy);
    ['dq', 'dk', 'dv'].forEach((n, i) => expectClose(fused[i].dataSync(), plain[i].dataSync(), n, 1e-5, 1e-3));
  });
});

describe('attention errors', () => {
  const t = (s: number[]) => ts.zeros(s);
  const cases: [string, () => unknown, RegExp][] = [
    ['rank', () => ts.attention(t([2, 4, 8]), t([2, 4, 8]), t([2, 4, 8])), /attention: q must be rank 4/],
    ['headDim mismatch', () => ts.attention(t([1, 1, 4, 8]), t([1, 1, 4, 16]), t([1, 1, 4, 16])), /attention: headDim mismatch: q has 8, k 16/],
    ['k/v seq mismatch', () => ts.attention(t([1, 1, 4, 8]), t([1, 1, 5, 8]), t([1, 1, 6, 8])), /attention: k and v sequence lengths differ: 5 vs 6/],
    ['batch/heads mismatch', () => ts.attention(t([1, 2, 4, 8]), t([1, 1, 4, 8]), t([1, 1, 4, 8])), /attention: batch and heads/],
    ['mask shape', () => ts.attention(t([1, 1, 4, 8]), t([1, 1, 5, 8]), t([1, 1, 5, 8]), { mask: t([5, 4]) }), /attention: mask \[5,4\] must broadcast to \[batch, heads, seqQ, seqK\] = \[1,1,4,5\]/],
    ['mask batch', () => ts.attention(t([2, 1, 4, 8]), t([2, 1, 5, 8]), t([2, 1, 5, 8]), { mask: t([3, 1, 1, 5]) }), /attention: mask \[3,1,1,5\] must broadcast/],
    ['mask int32', () => ts.attention(t([1, 1, 4, 8]), t([1, 1, 5, 8]), t([1, 1, 5, 8]), { mask: ts.zeros([4, 5], 'int32') }), /attention: mask must be float32/],
    ['int32 q', () => ts.attention(ts.zeros([1, 1, 4, 8], 'int32'), t([1, 1, 4, 8]), t([1, 1, 4, 8])), /attention: q must be float32/],
    ['bad scale', () => ts.attention(t([1, 1, 4, 8]), t([1, 1, 4, 8]), t([1, 1, 4, 8]), { scale: NaN }), /attention: scale must be a finite number/],
  ];
  it.each(cases)('%s', (_n, run, match) => {
    expect(run).toThrow(match);
  });
});
