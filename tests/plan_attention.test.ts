// Attention pattern matching in the recorded plan (src/plan/pattern_attention.ts, issue 9):
// matMul(q, k, transposeB) -> scale -> optional mask add -> softmax -> matMul(., v) replays as one
// attention kernel call. Reference: the same function run eagerly on the plain-JS backend (the
// composed matMul / softmax kernels, no attention kernel). A mask whose values the pass cannot see
// (an argument, a variable, one made by ops) or that hides whole rows is taken with the NaN-row
// fix-up out + (lse - lse) after the kernel: a row the mask hides entirely is NaN exactly where the
// written-out softmax makes it NaN. Near misses (probabilities also returned, a scale applied after
// the mask, a variable scale, logSoftmax, a k shared by every batch, a v of another width) must stay unrewritten and still match. Tolerance 2e-5 relative (float32 dot
// products summed in another order); a NaN fails unless the reference has NaN at the same place.
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/tensor.js';
import { rng } from './helpers/wasm_compare.js';

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) expect.fail(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

const values = (n: number, seed: number, scale = 1) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => (r() * 2 - 1) * scale);
};
const causalValues = (t: number, s: number, hidden = -Infinity) =>
  Array.from({ length: t * s }, (_, i) => (i % s <= Math.floor(i / s) + s - t ? 0 : hidden));

type Made = { shape: number[]; values: number[]; dtype?: 'float32' | 'bool' };
interface Case {
  name: string;
  /** Arguments of the jitted function. */
  args: Made[];
  /** Tensors made before the trace (weights, masks), passed to the function after the arguments. */
  held?: Made[];
  fn: (...t: Tensor[]) => Tensor | Tensor[];
  /** Whether the pass must rewrite it (and with the causal flag, and the NaN-row fix-up). */
  fires: boolean;
  causal?: boolean;
  nanRows?: boolean;
  /** Tensors made before the trace that are variables (their values may change). */
  variables?: boolean;
}

const B = 2, H = 3, T = 5, S = 7, D = 4;
const qkv = (t = T, s = S, d = D, dv = d): Made[] => [
  { shape: [B, H, t, d], values: values(B * H * t * d, 1) },
  { shape: [B, H, s, d], values: values(B * H * s * d, 2) },
  { shape: [B, H, s, dv], values: values(B * H * s * dv, 3) },
];
const attend = (q: Tensor, k: Tensor, v: Tensor, scaled: (s: Tensor) => Tensor, prob: (x: Tensor) => Tensor = (x) => tf.softmax(x)) =>
  tf.tidy(() => tf.matMul(prob(scaled(tf.matMul(q, k, false, true))), v));
const writtenOutSoftmax = (x: Tensor) => {
  const e = tf.exp(tf.sub(x, tf.max(x, -1, true)));
  return tf.div(e, tf.sum(e, -1, true));
};

const CASES: Case[] = [
  { name: 'mul by 1/sqrt(d), no mask', args: qkv(), fires: true, fn: (q, k, v) => attend(q, k, v, (s) => tf.mul(s, 1 / Math.sqrt(D))) },
  { name: 'scalar first, div, written-out softmax', args: qkv(), fires: true, fn: (q, k, v) => attend(q, k, v, (s) => tf.div(s, 3), writtenOutSoftmax) },
  {
    name: 'causal mask made inside (bottom-right, seqQ < seqK) -> causal flag', args: qkv(), fires: true, causal: true,
    fn: (q, k, v) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), tf.tensor2d(causalValues(T, S), [T, S]))),
  },
  {
    name: 'additive mask made before the trace', args: qkv(), held: [{ shape: [T, S], values: values(T * S, 4, 3) }], fires: true,
    fn: (q, k, v, m) => attend(q, k, v, (s) => tf.add(m, tf.mul(s, 0.5))),
  },
  {
    name: 'one mask row [1, S] shared by every query', args: qkv(), held: [{ shape: [1, S], values: [0, -Infinity, 0, 0, -2, 0, -Infinity] }], fires: true,
    fn: (q, k, v, m) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), m)),
  },
  {
    name: 'where(keep, 0, -1e9) of an argument', args: [...qkv(), { shape: [T, S], values: values(T * S, 5).map((x) => (x > -0.3 ? 1 : 0)), dtype: 'bool' }], fires: true,
    fn: (q, k, v, keep) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), tf.where(keep, 0, -1e9))),
  },
  {
    name: 'a float mask fed as an argument (values unknown: NaN-row fix-up)', args: [...qkv(), { shape: [T, S], values: values(T * S, 6) }], fires: true, nanRows: true,
    fn: (q, k, v, m) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), m)),
  },
  {
    name: 'an argument mask hiding row 0, NaN in row 1, +Infinity in row 2', fires: true, nanRows: true,
    args: [...qkv(), { shape: [T, S], values: values(T * S, 9).map((x, i) => (i < S || x < -0.5 ? -Infinity : i === S + 3 ? NaN : i === 2 * S + 1 ? Infinity : x)) }],
    fn: (q, k, v, m) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), m)),
  },
  {
    name: 'a variable mask (values may change: NaN-row fix-up)', args: qkv(), held: [{ shape: [T, S], values: causalValues(T, S) }], variables: true, fires: true, nanRows: true,
    fn: (q, k, v, m) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), m)),
  },
  {
    name: 'a causal mask made by ops inside: (1 - bandPart(ones, -1, S - T)) * -1e9', args: qkv(), fires: true, nanRows: true,
    fn: (q, k, v) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, S]), -1, S - T)), -1e9))),
  },
  {
    name: 'a constant mask hiding whole rows (causal with seqQ > seqK: NaN rows) -> causal flag and fix-up', args: qkv(S, T), fires: true, causal: true, nanRows: true,
    fn: (q, k, v) => attend(q, k, v, (s) => tf.add(s, tf.tensor2d(causalValues(S, T), [S, T]))),
  },
  {
    name: 'a constant mask holding NaN and +Infinity (those rows NaN, as written out)', args: qkv(), fires: true,
    fn: (q, k, v) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), tf.tensor2d(causalValues(T, S).map((x, i) => (i === 3 ? NaN : i === 2 * S ? Infinity : x)), [T, S]))),
  },
  // near misses: each must stay as written
  {
    name: 'probabilities also returned', args: qkv(), fires: false,
    fn: (q, k, v) => tf.tidy(() => {
      const p = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 0.5));
      return [tf.matMul(p, v), p];
    }),
  },
  { name: 'scale applied after the mask', args: qkv(), held: [{ shape: [T, S], values: values(T * S, 7) }], fires: false, fn: (q, k, v, m) => attend(q, k, v, (s) => tf.mul(tf.add(s, m), 0.5)) },
  { name: 'a variable scale', args: qkv(), held: [{ shape: [], values: [0.5] }], fires: false, fn: (q, k, v, c) => attend(q, k, v, (s) => tf.mul(s, c)) },
  { name: 'logSoftmax', args: qkv(), fires: false, fn: (q, k, v) => attend(q, k, v, (s) => tf.mul(s, 0.5), (x) => tf.logSoftmax(x)) },
  {
    name: 'k shared by every batch and head', args: [qkv()[0], { shape: [S, D], values: values(S * D, 8) }, qkv()[2]], fires: false,
    fn: (q, k, v) => attend(q, k, v, (s) => tf.mul(s, 0.5)),
  },
  { name: 'v of another width than q', args: qkv(T, S, D, 6), fires: false, fn: (q, k, v) => attend(q, k, v, (s) => tf.mul(s, 0.5)) },
];

const make = (m: Made) => tf.tensor(m.values, m.shape, m.dtype ?? 'float32');

describe.each(['js', 'wasm'])('attention pattern on %s', (backend) => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await tf.setBackend('js');
    const args0 = c.args.map(make), held0 = (c.held ?? []).map(make);
    const want = ([] as Tensor[]).concat(c.fn(...args0, ...held0)).map((t) => t.dataSync());
    tf.dispose([...args0, ...held0]);
    await tf.setBackend(backend);
    const args = c.args.map(make);
    const held = (c.held ?? []).map((m) => (c.variables || c.name === 'a variable scale' ? tf.variable(make(m)) : make(m)));
    const f = tf.jit((...a: Tensor[]) => c.fn(...a, ...held));
    tf.dispose(f(...args)); // trace
    const got = ([] as Tensor[]).concat(f(...args)); // replay
    const s = tf.debug.plan(f, ...args);
    const fused = s.plan!.steps.filter((st) => st.kernel === 'attention');
    expect(fused.length, s.text).toBe(c.fires ? 1 : 0);
    if (c.fires) {
      expect(s.text).toContain('attention(');
      expect(fused[0].attrs.causal).toBe(!!c.causal);
      expect(s.plan!.steps.some((st) => st.kernel === 'softmax'), 'the softmax went into the kernel').toBe(false);
      // the fix-up: lse - lse, then out + that (NaN where a row saw no key)
      const k = s.plan!.steps.findIndex((st) => st.kernel === 'attention');
      const next = s.plan!.steps.slice(k + 1, k + 3).map((st) => [st.kernel, st.attrs.op]);
      if (c.nanRows) expect(next, s.text).toEqual([['binary', 1], ['binary', 0]]);
      else expect(s.plan!.steps.length, s.text).toBe(k + 1);
    }
    expect(got.length).toBe(want.length);
    got.forEach((t, i) => {
      const v = t.dataSync();
      // where the reference is NaN (a row hidden entirely, a NaN or +Infinity score) the replay must be too
      expect(Array.from(v, Number.isNaN), `${c.name}: NaN places`).toEqual(Array.from(want[i], Number.isNaN));
      if (v.some(Number.isNaN)) {
        expectClose(v.filter((x) => !Number.isNaN(x)), want[i].filter((x) => !Number.isNaN(x)), 2e-5, c.name);
        return;
      }
      expectClose(v, want[i], 2e-5, `${c.name} output ${i}`);
    });
    tf.dispose([...args, ...held, ...got]);
    f.dispose();
  });

  test('a variable mask assigned after the trace: the replay reads the new values (a row now hidden entirely is NaN)', async () => {
    const fn = (q: Tensor, k: Tensor, v: Tensor, m: Tensor) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), m));
    const second = causalValues(T, S).map((x, i) => (i < S ? -Infinity : i % 3 === 0 ? -2 : x)); // row 0 hidden
    await tf.setBackend('js');
    const ref = qkv().map(make);
    const m0 = tf.tensor2d(second, [T, S]);
    const want = fn(ref[0], ref[1], ref[2], m0).dataSync();
    tf.dispose([...ref, m0]);
    await tf.setBackend(backend);
    const a = qkv().map(make);
    const mask = tf.variable(tf.tensor2d(causalValues(T, S), [T, S]));
    const f = tf.jit((q: Tensor, k: Tensor, v: Tensor) => fn(q, k, v, mask));
    tf.dispose(f(a[0], a[1], a[2])); // trace
    expect(tf.debug.plan(f, a[0], a[1], a[2]).plan!.steps.map((st) => st.kernel)).toEqual(['attention', 'binary', 'binary']);
    mask.assign(tf.tensor2d(second, [T, S]));
    const got = f(a[0], a[1], a[2]);
    const v = got.dataSync();
    expect(Array.from(v, Number.isNaN)).toEqual(Array.from(want, Number.isNaN));
    expect(v.slice(0, D).every(Number.isNaN)).toBe(true); // batch 0, head 0, row 0
    expectClose(v.filter((x) => !Number.isNaN(x)), want.filter((x) => !Number.isNaN(x)), 2e-5, 'after assign');
    tf.dispose([...a, mask, got]);
    f.dispose();
  });

  test('PLAN_ATTENTION_PATTERN off keeps the steps (to compare)', async () => {
    await tf.setBackend(backend);
    const [q, k, v] = qkv().map(make);
    tf.env().set('PLAN_ATTENTION_PATTERN', false);
    const f = tf.jit((a: Tensor, b: Tensor, c: Tensor) => attend(a, b, c, (s) => tf.mul(s, 0.5)));
    try {
      const s = tf.debug.plan(f, q, k, v);
      expect(s.plan!.steps.map((st) => st.kernel)).toEqual(['matMul', 'binary', 'softmax', 'matMul']);
    } finally {
      tf.env().set('PLAN_ATTENTION_PATTERN', true);
      f.dispose();
      tf.dispose([q, k, v]);
    }
  });

  test('a MultiHeadAttention layer on its composed path (top-left causal, seqQ != seqK) replays as one attention kernel', async () => {
    await tf.setBackend(backend);
    const layer = tf.layers.multiHeadAttention({ numHeads: 2, keyDim: 3, name: `mha_plan_${backend}` });
    const xv = values(2 * 4 * 6, 11), yv = values(2 * 6 * 6, 12);
    const x = tf.tensor(xv, [2, 4, 6]), y = tf.tensor(yv, [2, 6, 6]);
    tf.dispose(layer.apply(x, { value: y }) as Tensor); // builds the weights
    const weights = layer.getWeights().map((w) => ({ values: Array.from(w.dataSync()), shape: w.shape }));
    const f = tf.jit((a: Tensor, b: Tensor) => layer.apply(a, { value: b, useCausalMask: true }) as Tensor);
    tf.dispose(f(x, y));
    const got = f(x, y);
    const s = tf.debug.plan(f, x, y);
    expect(s.plan!.steps.filter((st) => st.kernel === 'attention').length, s.text).toBe(1);
    // reference: the same layer eagerly on js (composed path: matMul, where, softmax, matMul)
    await tf.setBackend('js');
    const ref = tf.layers.multiHeadAttention({ numHeads: 2, keyDim: 3, name: `mha_ref_${backend}` });
    const x0 = tf.tensor(xv, [2, 4, 6]), y0 = tf.tensor(yv, [2, 6, 6]);
    tf.dispose(ref.apply(x0, { value: y0 }) as Tensor);
    ref.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
    const want = ref.apply(x0, { value: y0, useCausalMask: true }) as Tensor;
    expectClose(got.dataSync(), want.dataSync(), 2e-5, 'mha');
    tf.dispose([x0, y0, want]);
    await tf.setBackend(backend);
    tf.dispose([x, y, got]);
    f.dispose();
  });
});

afterAll(async () => {
  await tf.setBackend('js');
});
