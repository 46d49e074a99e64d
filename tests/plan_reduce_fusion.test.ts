// Reduction terminals in the recorded plan (src/plan/fuse.ts, issue 9): an elementwise chain whose
// value is read only by the sum / mean / max / min right after it runs as one fusedElementwise
// kernel that reduces in registers (the value is never stored), on js and wasm (webgpu: tests/browser/plan_webgpu.test.ts).
// References: the same function run eagerly on the plain-JS backend, and the unoptimized replay
// (tf.jit with fuse: false) on the same backend. Tolerance: js is exact (the fused js kernel sums
// the same float32 values in the same order in float64, so 0); wasm 1e-6 relative (float64
// segment sums rounded to float32 once; its tanh/exp may differ from js by an ulp). NaN fails
// the closeness check; a NaN in a max row must come out NaN, as the unfused kernels give.
// Near misses (the reduced value also returned, a reduction over a leading axis, prod, argMax, an
// unrelated kernel between the chain and the reduction) keep their reduce step.
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { LayersModel } from '../src/models/layers_model.js';
import { trainStepPlan } from '../src/models/fit_loop.js';
import { summarize } from '../src/plan/print.js';
import type { Tensor } from '../src/tensor.js';
import { rng } from './helpers/wasm_compare.js';
import { expectClose } from './helpers/close.js';

const values = (n: number, seed: number) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => r() * 4 - 2);
};

interface Case {
  name: string;
  shapes: number[][];
  fn: (...t: Tensor[]) => Tensor | Tensor[];
  /** The fused kernel's name in tf.debug.plan when the pass must fire; null when it must not. */
  fused: string | null;
  /** Elements set to NaN in the first argument. */
  nans?: number[];
}

const CASES: Case[] = [
  // 37 * 23 = 851 elements: several wasm blocks of 256, the last one partial
  { name: 'squared error sum over all', shapes: [[37, 23], [37, 23]], fused: 'sub+square+sum', fn: (a, b) => tf.sum(tf.square(tf.sub(a, b))) },
  // rows of 7 cross every block boundary
  { name: 'mean of squaredDifference over the last axis', shapes: [[300, 7], [300, 7]], fused: 'squaredDifference+mean', fn: (a, b) => tf.mean(tf.squaredDifference(a, b), -1) },
  // rows of 600 span blocks; the bias is a trailing broadcast
  { name: 'max of relu(x + bias) over the last axis', shapes: [[5, 600], [600]], fused: 'add+relu+max', fn: (a, b) => tf.max(tf.relu(tf.add(a, b)), -1) },
  { name: 'min of tanh over all, keepDims', shapes: [[3, 4, 50]], fused: 'tanh+min', fn: (a) => tf.min(tf.tanh(a), undefined, true) },
  { name: 'sum of the last two axes', shapes: [[6, 5, 9], [6, 5, 9]], fused: 'mul+abs+sum', fn: (a, b) => tf.sum(tf.abs(tf.mul(a, b)), [1, 2]) },
  {
    name: 'softmax cross-entropy rows', shapes: [[40, 10], [40, 10]], fused: 'mul+sum',
    fn: (logits, labels) => tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1)),
  },
  {
    name: 'a chain value read after the reduction is stored, the reduced one is not', shapes: [[4, 33]], fused: 'sub+square+sum',
    fn: (a) => { const d = tf.sub(a, 0.5); return [tf.sum(tf.square(d), -1), tf.mul(d, 3)]; },
  },
  { name: 'NaN in a max row propagates', shapes: [[4, 300]], fused: 'neg+max', nans: [310, 1199], fn: (a) => tf.max(tf.neg(a), -1) },
  { name: 'NaN in a sum row propagates', shapes: [[4, 9]], fused: 'square+sum', nans: [0], fn: (a) => tf.sum(tf.square(a), -1) },
  // near misses
  { name: 'the reduced value is also read after the reduction', shapes: [[4, 33]], fused: null, fn: (a) => { const e = tf.exp(a); return tf.div(e, tf.sum(e, -1, true)); } },
  { name: 'the reduced value is also returned', shapes: [[6, 8]], fused: null, fn: (a) => { const s = tf.square(a); return [tf.sum(s, -1), s]; } },
  { name: 'a reduction over the leading axis', shapes: [[6, 8]], fused: null, fn: (a) => tf.sum(tf.square(a), 0) },
  { name: 'prod', shapes: [[6, 8]], fused: null, fn: (a) => tf.prod(tf.tanh(a), -1) },
  { name: 'argMax', shapes: [[6, 8]], fused: null, fn: (a) => tf.argMax(tf.square(a), -1) },
  {
    name: 'a matMul between the chain and its reduction', shapes: [[6, 8], [8, 3]], fused: null,
    fn: (a, w) => { const s = tf.square(a); const y = tf.matMul(a, w); return [tf.sum(s, -1), y]; },
  },
];

const make = (shape: number[], seed: number, nans: number[] = []) => {
  const v = values(shape.reduce((x, y) => x * y, 1), seed);
  for (const i of nans) v[i] = NaN;
  return tf.tensor(v, shape);
};
const list = (r: Tensor | Tensor[]) => ([] as Tensor[]).concat(r);

describe.each(['js', 'wasm'])('reduction terminal on %s', (backend) => {
  const tol = backend === 'js' ? 0 : 1e-6;
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const args = () => c.shapes.map((s, i) => make(s, 10 + i, i === 0 ? c.nans : []));
    await tf.setBackend('js');
    const a0 = args();
    const want = list(tf.tidy(() => c.fn(...a0))).map((t) => t.dataSync());
    tf.dispose(a0);
    await tf.setBackend(backend);
    const a = args();
    const fn = (...t: Tensor[]) => tf.tidy(() => c.fn(...t));
    const fused = tf.jit(fn);
    const plain = tf.jit(fn, { fuse: false });
    tf.dispose([fused(...a), plain(...a)]); // trace
    const got = list(fused(...a)), unoptimized = list(plain(...a));
    const s = tf.debug.plan(fused, ...a);
    const terminal = s.plan!.steps.filter((st) => st.kernel === 'fusedElementwise' && st.attrs.inner !== undefined);
    if (c.fused) {
      expect(terminal.map((st) => st.fused), s.text).toEqual([c.fused]);
      expect(s.plan!.stats.reductionsFused).toBe(1);
      expect(s.plan!.steps.some((st) => st.kernel === 'reduce'), s.text).toBe(false);
      expect(s.text).toContain(`fused[${c.fused}]`);
    } else {
      expect(terminal.length, s.text).toBe(0);
      expect(s.plan!.stats.reductionsFused).toBe(0);
    }
    got.forEach((t, i) => {
      const v = t.dataSync();
      if (c.nans) {
        // the rows holding a NaN are NaN in the reference; every other value must match
        const nan = Array.from(want[i], Number.isNaN);
        expect(nan.some(Boolean)).toBe(true);
        expect(Array.from(v, Number.isNaN)).toEqual(nan);
        expect(Array.from(unoptimized[i].dataSync(), Number.isNaN)).toEqual(nan);
        const keep = (x: ArrayLike<number>) => Array.from(x).filter((_, j) => !nan[j]);
        expectClose(keep(v), keep(want[i]), tol, `${c.name} output ${i}`);
        return;
      }
      expectClose(v, want[i], tol, `${c.name} output ${i} vs eager js`);
      expectClose(v, unoptimized[i].dataSync(), tol, `${c.name} output ${i} vs unoptimized`);
    });
    tf.dispose([...a, ...got, ...unoptimized]);
    fused.dispose();
    plain.dispose();
  });

  test('PLAN_FUSE_REDUCTIONS off keeps the reduce step (to compare)', async () => {
    await tf.setBackend(backend);
    const a = make([5, 6], 1);
    tf.env().set('PLAN_FUSE_REDUCTIONS', false);
    const f = tf.jit((t: Tensor) => tf.tidy(() => tf.sum(tf.square(t), -1)));
    try {
      const s = tf.debug.plan(f, a);
      expect(s.plan!.stats.reductionsFused).toBe(0);
      expect(s.plan!.steps.map((st) => st.kernel)).toEqual(['unary', 'reduce']);
    } finally {
      tf.env().set('PLAN_FUSE_REDUCTIONS', true);
      f.dispose();
      a.dispose();
    }
  });

  test('a training step with a mean squared error loss fuses sub+square+mean and trains as the unplanned step', async () => {
    await tf.setBackend(backend);
    const run = async (planned: boolean) => {
      tf.env().set('TRAIN_PLAN', planned);
      const model: LayersModel = tf.sequential({ layers: [
        tf.layers.dense({ units: 12, activation: 'tanh', inputShape: [6], kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
        tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }),
      ] });
      model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
      const x = tf.tensor2d(values(10 * 6, 21), [10, 6]), y = tf.tensor2d(values(10 * 4, 22), [10, 4]);
      const losses: number[] = [];
      for (let i = 0; i < 4; i++) losses.push(await model.trainOnBatch(x, y) as number);
      const text = planned ? summarize(trainStepPlan(model, x, y)).text : '';
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      tf.dispose([x, y]);
      model.dispose();
      return { losses, text, weights };
    };
    const want = await run(false);
    const got = await run(true);
    tf.env().set('TRAIN_PLAN', true);
    expect(got.text).toMatch(/fused\[sub\+square\+mean\]/);
    expect(got.text).toMatch(/reductions fused/);
    expectClose(got.losses, want.losses, 1e-6, 'losses');
    got.weights.forEach((w, i) => expectClose(w, want.weights[i], 1e-6, `weight ${i}`));
    expect(want.losses[3]).toBeLessThan(want.losses[0]);
  });
});

afterAll(async () => {
  tf.env().set('TRAIN_PLAN', true);
  await tf.setBackend('js');
});
