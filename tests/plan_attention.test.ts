// Attention pattern matching in the recorded plan (src/plan/pattern_attention.ts, issue 9):
// matMul(q, k, transposeB) -> scale -> optional mask add -> softmax -> matMul(., v) replays as one
// attention kernel call. Reference: the same function run eagerly on the plain-JS backend (the
// composed matMul / softmax kernels, no attention kernel). A constant mask holding NaN or +Infinity
// is taken (those rows are NaN in the kernel as in the written-out softmax). Near misses (a mask fed
// as an argument, a variable mask, a mask made by ops, probabilities also returned, a scale applied
// after the mask, a row the mask hides entirely, a variable scale, logSoftmax, a k shared by every
// batch, a v of another width) must stay unrewritten and still match. Tolerance 2e-5 relative
// (float32 dot products summed in another order); a NaN fails unless the reference has NaN there.
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/tensor.js';
import { rng } from './helpers/wasm_compare.js';
import { expectClose } from './helpers/close.js';

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
  /** Whether the pass must rewrite it (and with the causal flag). */
  fires: boolean;
  causal?: boolean;
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
    name: 'a constant mask holding NaN and +Infinity (those rows NaN, as written out)', args: qkv(), fires: true,
    fn: (q, k, v) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), tf.tensor2d(causalValues(T, S).map((x, i) => (i === 3 ? NaN : i === 2 * S ? Infinity : x)), [T, S]))),
  },
  // near misses: each must stay as written
  {
    name: 'a float mask fed as an argument (values unknown: a row could be all -Infinity)', args: [...qkv(), { shape: [T, S], values: values(T * S, 6) }], fires: false,
    fn: (q, k, v, m) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), m)),
  },
  {
    name: 'a variable mask (values may change)', args: qkv(), held: [{ shape: [T, S], values: causalValues(T, S) }], fires: false,
    fn: (q, k, v, m) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), m)),
  },
  {
    name: 'a causal mask made by ops inside: (1 - bandPart(ones, -1, S - T)) * -1e9 (values unknown)', args: qkv(), fires: false,
    fn: (q, k, v) => attend(q, k, v, (s) => tf.add(tf.mul(s, 0.5), tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, S]), -1, S - T)), -1e9))),
  },
  {
    name: 'probabilities also returned', args: qkv(), fires: false,
    fn: (q, k, v) => tf.tidy(() => {
      const p = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 0.5));
      return [tf.matMul(p, v), p];
    }),
  },
  { name: 'scale applied after the mask', args: qkv(), held: [{ shape: [T, S], values: values(T * S, 7) }], fires: false, fn: (q, k, v, m) => attend(q, k, v, (s) => tf.mul(tf.add(s, m), 0.5)) },
  {
    name: 'a constant mask hiding whole rows (causal with seqQ > seqK: NaN rows, the kernel would give zeros)', args: qkv(S, T), fires: false,
    fn: (q, k, v) => attend(q, k, v, (s) => tf.add(s, tf.tensor2d(causalValues(S, T), [S, T]))),
  },
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
    const held = (c.held ?? []).map((m) => (c.name.startsWith('a variable') ? tf.variable(make(m)) : make(m)));
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
