/**
 * The fused `adamUpdate` kernel (Node): the js reference kernel against the composed Adam /
 * AdamW formula that the optimizers ran before the fusion (reproduced here with ordinary ops on
 * the js backend), the wasm kernel against the js kernel, the op-layer validation, and the
 * Adam / AdamW optimizers on wasm against the same composed formula over several steps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';
import type { KernelAttrs } from '../src/backends/kernels.js';
import { createWasmBackendSync, type WasmBackend } from '../src/backends/wasm/index.js';
import { add, div, mul, sub } from '../src/ops/binary.js';
import { sqrt, square } from '../src/ops/unary.js';
import { adamUpdate, adamUpdateMany } from '../src/ops/optimizer_ops.js';
import { expectClose, rng, runBoth } from './helpers/wasm_compare.js';

const SIZES = [0, 1, 3, 4, 17, 1027];
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-30, 1e30, -1e30];
const CONFIGS = [
  { name: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 },
  { name: 'adamw', lr: 0.01, beta1: 0.8, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.004 },
  { name: 'adamw big decay', lr: 0.3, beta1: 0.5, beta2: 0.6, epsilon: 0.1, weightDecay: 0.5 },
];

const rand = rng(7);
function floats(n: number, lo: number, hi: number, specials = false): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  if (specials) for (let i = 0; i < Math.min(n, SPECIALS.length); i++) a[(i * 5) % n] = SPECIALS[i];
  return a;
}

/** The update as src/optimizers/adam.ts composed it from elementwise ops before the fused kernel. */
function composed(w: Tensor, g: Tensor, m: Tensor, v: Tensor, c: (typeof CONFIGS)[number], t: number) {
  return tf.tidy(() => {
    const m2 = add(mul(m, c.beta1), mul(g, 1 - c.beta1));
    const v2 = add(mul(v, c.beta2), mul(square(g), 1 - c.beta2));
    const mHat = div(m2, 1 - c.beta1 ** t);
    const vHat = div(v2, 1 - c.beta2 ** t);
    const delta = mul(div(mHat, add(sqrt(vHat), c.epsilon)), c.lr);
    const decayed = c.weightDecay ? sub(w, mul(w, c.lr * c.weightDecay)) : w;
    return { param: sub(decayed, delta), m: m2, v: v2 };
  });
}

const attrsOf = (c: (typeof CONFIGS)[number], n: number | number[], t: number): KernelAttrs['adamUpdate'] => ({
  sizes: typeof n === 'number' ? [n] : n, lr: c.lr, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon,
  biasCorrection1: 1 - c.beta1 ** t, biasCorrection2: 1 - c.beta2 ** t, weightDecay: c.weightDecay,
});

/** Inputs for one step: params, grads (optionally with specials), moments (v >= 0). */
function inputs(n: number, specials: boolean) {
  return { w: floats(n, -2, 2, specials), g: floats(n, -3, 3, specials), m: floats(n, -0.5, 0.5), v: floats(n, 0, 2) };
}

describe('adamUpdate js kernel = composed formula (bit for bit)', () => {
  beforeAll(async () => {
    await tf.setBackend('js');
  });
  for (const c of CONFIGS) {
    for (const n of SIZES) {
      for (const t of [1, 2, 50]) {
        it(`${c.name} n=${n} t=${t}`, () => {
          const d = inputs(n, t === 2);
          const [w, g, m, v] = [d.w, d.g, d.m, d.v].map((a) => tf.tensor1d(a));
          const want = composed(w, g, m, v, c, t);
          const got = adamUpdate(w, g, m, v, { learningRate: c.lr, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon, step: t, weightDecay: c.weightDecay });
          for (const k of ['param', 'm', 'v'] as const) {
            expect(got[k].shape).toEqual([n]);
            expect(got[k].dataSync(), `${k}`).toEqual(want[k].dataSync());
          }
          tf.dispose([w, g, m, v, got.param, got.m, got.v, want.param, want.m, want.v]);
        });
      }
    }
  }
  it('keeps the input shape and leaves the inputs untouched', () => {
    const w = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const g = tf.onesLike(w), m = tf.zerosLike(w), v = tf.zerosLike(w);
    const out = adamUpdate(w, g, m, v, { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 1 });
    expect(out.param.shape).toEqual([2, 3]);
    expect(Array.from(w.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(m.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose([w, g, m, v, out.param, out.m, out.v]);
  });
  it('several variables in one call: each equals the composed formula, empty ones included', () => {
    const c = CONFIGS[1], t = 3;
    const shapes = [[3, 5], [0], [1], [17], [2, 2, 3], [1027]];
    const vars = shapes.map((shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const d = inputs(n, false);
      return [d.w, d.g, d.m, d.v].map((a) => tf.tensor(a, shape));
    });
    const got = adamUpdateMany(vars.map((x) => x[0]), vars.map((x) => x[1]), vars.map((x) => x[2]), vars.map((x) => x[3]),
      { learningRate: c.lr, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon, step: t, weightDecay: c.weightDecay });
    vars.forEach(([w, g, m, v], i) => {
      const want = composed(w, g, m, v, c, t);
      expect(got.params[i].shape).toEqual(shapes[i]);
      expect(got.params[i].dataSync(), `param ${i}`).toEqual(want.param.dataSync());
      expect(got.ms[i].dataSync(), `m ${i}`).toEqual(want.m.dataSync());
      expect(got.vs[i].dataSync(), `v ${i}`).toEqual(want.v.dataSync());
      tf.dispose([want.param, want.m, want.v]);
    });
    const w = tf.zeros([2]);
    expect(() => adamUpdateMany([w, w], [w], [w, w], [w, w], { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 1 }))
      .toThrow(/adamUpdate: expected as many grads, m and v as params \(2\), got 1, 2 and 2/);
    tf.dispose([...vars.flat(), ...got.params, ...got.ms, ...got.vs, w]);
  });
  it('rejects bad operands and hyperparameters with clear errors', () => {
    const w = tf.zeros([2, 3]), g = tf.zeros([3, 2]), gi = tf.zeros([2, 3], 'int32');
    const cfg = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 1 };
    expect(() => adamUpdate(w, g, w, w, cfg)).toThrow(/adamUpdate: 'grad' is \[3,2\] float32 but param is \[2,3\] float32/);
    expect(() => adamUpdate(w, gi, w, w, cfg)).toThrow(/adamUpdate: 'grad' must be float32, got \[2,3\] int32/);
    expect(() => adamUpdate(w, w, w, w, { ...cfg, step: 0 })).toThrow(/adamUpdate: step must be a positive integer/);
    expect(() => adamUpdate(w, w, w, w, { ...cfg, learningRate: NaN })).toThrow(/adamUpdate: learningRate must be a finite number/);
    tf.dispose([w, g, gi]);
  });
});

describe('adamUpdate wasm kernel = js kernel', () => {
  const wasm: WasmBackend = createWasmBackendSync()!;
  afterAll(() => wasm.dispose());
  for (const c of CONFIGS) {
    for (const n of [...SIZES, 100003]) {
      it(`${c.name} n=${n}`, () => {
        const d = inputs(n, true);
        const f = (data: Float32Array) => ({ data, shape: [n], dtype: 'float32' as const });
        const outs = [0, 1, 2].map(() => ({ shape: [n], dtype: 'float32' as const }));
        const { want, got } = runBoth(wasm, 'adamUpdate', [f(d.w), f(d.g), f(d.m), f(d.v)], outs, attrsOf(c, n, 3), -7);
        // Plain IEEE f32 operations in the same order: identical results are expected.
        ['param', 'm', 'v'].forEach((k, i) => expectClose(got[i], want[i], 0, 0, `${c.name} ${k}`));
      });
    }
  }
  it('several variables in one call (some split over threads when pooled)', () => {
    const sizes = [5, 100003, 1, 64, 4099];
    const c = CONFIGS[2];
    const f = (data: Float32Array, n: number) => ({ data, shape: [n], dtype: 'float32' as const });
    const ds = sizes.map((n) => inputs(n, true));
    const ins = (['w', 'g', 'm', 'v'] as const).flatMap((k) => ds.map((d, i) => f(d[k], sizes[i])));
    const outs = [0, 1, 2].flatMap(() => sizes.map((n) => ({ shape: [n], dtype: 'float32' as const })));
    const { want, got } = runBoth(wasm, 'adamUpdate', ins, outs, attrsOf(c, sizes, 5), -7);
    outs.forEach((_, i) => expectClose(got[i], want[i], 0, 0, `output ${i}`));
  });
  it('rejects outputs of the wrong size', () => {
    const f = (n: number) => ({ data: new Float32Array(n), shape: [n], dtype: 'float32' as const });
    const outs = [4, 4, 3].map((n) => ({ shape: [n], dtype: 'float32' as const }));
    expect(() => runBoth(wasm, 'adamUpdate', [f(4), f(4), f(4), f(4)], outs, attrsOf(CONFIGS[0], 4, 1))).toThrow(/adamUpdate: newV has 3 elements/);
  });
});

describe('Adam / AdamW optimizers on wasm follow the composed formula', () => {
  afterAll(async () => {
    await tf.setBackend('js');
  });
  for (const c of CONFIGS.slice(0, 2)) {
    it(`${c.name}: 4 steps of applyGradients`, async () => {
      await tf.setBackend('wasm');
      const n = 37;
      const w0 = floats(n, -1, 1);
      const grads = [0, 1, 2, 3].map(() => floats(n, -1, 1));
      const opt = c.weightDecay ? tf.train.adamw(c.lr, c.beta1, c.beta2, c.epsilon, c.weightDecay) : tf.train.adam(c.lr, c.beta1, c.beta2, c.epsilon);
      const x = tf.variable(tf.tensor1d(w0), true, `optimizer_kernel_${c.name.replace(/ /g, '_')}`);
      let w = tf.tensor1d(w0), m = tf.zeros([n]), v = tf.zeros([n]);
      for (let t = 1; t <= 4; t++) {
        const g = tf.tensor1d(grads[t - 1]);
        opt.applyGradients({ [x.name]: g });
        const next = composed(w, g, m, v, c, t);
        tf.dispose([w, m, v, g]);
        ({ param: w, m, v } = next);
        expect(Array.from(await x.data())).toEqual(Array.from(await w.data()));
      }
      tf.dispose([w, m, v, x]);
      opt.dispose();
    });
  }
});
