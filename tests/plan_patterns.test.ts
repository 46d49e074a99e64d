// Pattern matching in the recorded plan (src/plan/patterns.ts, issue 9): a softmax written out of
// primitives (max, sub, exp, sum, div along the last axis) replays as one softmax kernel call.
// Also a written-out layer normalization -> one layerNorm kernel call (pattern_layernorm.ts).
// Reference: the same function run eagerly on the plain-JS backend. A pattern whose intermediate
// is also returned is left alone (it must still be stored).
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/tensor.js';
import { expectClose } from './helpers/close.js';

const manualSoftmax = (x: Tensor) => tf.tidy(() => {
  const e = tf.exp(tf.sub(x, tf.max(x, -1, true)));
  return tf.div(e, tf.sum(e, -1, true));
});

describe.each(['js', 'wasm'])('softmax pattern on %s', (backend) => {
  test.each([[[3, 17]], [[1, 5]], [[2, 3, 7]]])('written-out softmax of %j replays as one softmax kernel, matching eager js', async (shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, (_, i) => Math.sin(i * 1.1) * 6);
    await tf.setBackend('js');
    const x0 = tf.tensor(values, shape);
    const want = manualSoftmax(x0).dataSync();
    x0.dispose();
    await tf.setBackend(backend);
    const x = tf.tensor(values, shape);
    const f = tf.jit(manualSoftmax);
    tf.dispose(f(x)); // trace
    const y = f(x);
    expect(y.shape).toEqual(shape);
    expectClose(y.dataSync(), want, 1e-6, 'softmax');
    const s = tf.debug.plan(f, x);
    expect(s.kernels).toBe(1);
    expect(s.plan!.steps[0].kernel).toBe('softmax');
    expect(s.plan!.stats.patterns).toBe(1);
    tf.dispose([x, y]);
    f.dispose();
  });

  test('an intermediate that is also returned keeps the steps apart', async () => {
    await tf.setBackend(backend);
    const x = tf.tensor2d([1, 2, 3, -1, 0, 4], [2, 3]);
    const f = tf.jit((t: Tensor) => tf.tidy(() => {
      const e = tf.exp(tf.sub(t, tf.max(t, -1, true)));
      return [tf.div(e, tf.sum(e, -1, true)), e];
    }));
    tf.dispose(f(x));
    const s = tf.debug.plan(f, x);
    expect(s.plan!.stats.patterns).toBe(0);
    expect(s.plan!.steps.some((st) => st.kernel === 'softmax')).toBe(false);
    const [y, e] = f(x) as Tensor[];
    // hand-worked: row [1, 2, 3] -> e^-2, e^-1, 1 over their sum
    const z = Math.exp(-2) + Math.exp(-1) + 1;
    expectClose(y.dataSync().slice(0, 3), [Math.exp(-2) / z, Math.exp(-1) / z, 1 / z], 1e-6, 'row 0');
    tf.dispose([x, y, e]);
    f.dispose();
  });
});

// Written-out layer normalizations over the last axis (src/plan/pattern_layernorm.ts). Reference:
// the same function run eagerly on the plain-JS backend (composed primitives, no layerNorm kernel).
const LN_FORMS: Record<string, (x: Tensor, g: Tensor, b: Tensor) => Tensor> = {
  'rsqrt with gamma/beta': (x, g, b) => tf.tidy(() => {
    const c = tf.sub(x, tf.mean(x, -1, true));
    return tf.add(tf.mul(tf.mul(tf.rsqrt(tf.add(tf.mean(tf.square(c), -1, true), 1e-5)), c), g), b);
  }),
  'tf.moments, div by sqrt': (x, g, b) => tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), g), b);
  }),
  'squaredDifference, no affine': (x) => tf.tidy(() => {
    const m = tf.mean(x, -1, true);
    return tf.mul(tf.sub(x, m), tf.rsqrt(tf.add(tf.mean(tf.squaredDifference(x, m), -1, true), 0.01)));
  }),
};

describe.each(['js', 'wasm'])('layerNorm pattern on %s', (backend) => {
  test.each(Object.keys(LN_FORMS))('%s replays as one layerNorm kernel, matching eager js', async (form) => {
    const fn = LN_FORMS[form];
    const shape = [3, 5, 16];
    const xs = Array.from({ length: 240 }, (_, i) => Math.sin(i * 0.7) * 3 + (i % 16) * 0.1);
    const gs = Array.from({ length: 16 }, (_, i) => 0.5 + i / 16);
    const bs = Array.from({ length: 16 }, (_, i) => i / 8 - 1);
    await tf.setBackend('js');
    const ins0 = [tf.tensor(xs, shape), tf.tensor1d(gs), tf.tensor1d(bs)];
    const want = fn(ins0[0], ins0[1], ins0[2]).dataSync();
    tf.dispose(ins0);
    await tf.setBackend(backend);
    const [x, g, b] = [tf.tensor(xs, shape), tf.tensor1d(gs), tf.tensor1d(bs)];
    const f = tf.jit((t: Tensor) => fn(t, g, b));
    tf.dispose(f(x)); // trace
    const y = f(x);
    expect(y.shape).toEqual(shape);
    expectClose(y.dataSync(), want, 2e-5, form);
    const s = tf.debug.plan(f, x);
    expect(s.kernels).toBe(1);
    expect(s.plan!.steps[0].kernel).toBe('layerNorm');
    expect(s.plan!.stats.patterns).toBe(1);
    tf.dispose([x, g, b, y]);
    f.dispose();
  });

  test('a returned intermediate (the mean) keeps the steps apart; the eps must be a scalar', async () => {
    await tf.setBackend(backend);
    const x = tf.tensor2d([1, 3, 5, 7, 2, 2, 2, 6], [2, 4]);
    const keepMean = tf.jit((t: Tensor) => tf.tidy(() => {
      const m = tf.mean(t, -1, true);
      const c = tf.sub(t, m);
      return [tf.mul(c, tf.rsqrt(tf.add(tf.mean(tf.square(c), -1, true), 1e-5))), m];
    }));
    const perRowEps = tf.jit((t: Tensor) => tf.tidy(() => {
      const c = tf.sub(t, tf.mean(t, -1, true));
      return tf.mul(c, tf.rsqrt(tf.add(tf.mean(tf.square(c), -1, true), tf.tensor2d([[1e-5], [1]]))));
    }));
    for (const f of [keepMean, perRowEps]) {
      tf.dispose(f(x));
      const s = tf.debug.plan(f, x);
      expect(s.plan!.stats.patterns).toBe(0);
      expect(s.plan!.steps.some((st) => st.kernel === 'layerNorm')).toBe(false);
    }
    const [y, m] = keepMean(x) as Tensor[];
    // hand-worked: row [1, 3, 5, 7]: mean 4, variance (9 + 1 + 1 + 9) / 4 = 5
    expectClose(y.dataSync().slice(0, 4), [-3, -1, 1, 3].map((d) => d / Math.sqrt(5 + 1e-5)), 1e-6, 'row 0');
    expectClose(m.dataSync(), [4, 3], 0, 'means');
    tf.dispose([x, y, m]);
    keepMean.dispose();
    perRowEps.dispose();
  });
});

// Residual epilogue fusion (src/plan/passes.ts fuseEpilogues): a conv / matMul whose output only
// feeds `+ r` (r of the output's shape) takes r into its kernel: before the activation for a
// ResNet-style relu(conv(x) + b + x), after it for x + relu(xW + b). Reference: eager js.
describe.each(['js', 'wasm'])('residual epilogue on %s', (backend) => {
  test('relu(conv2d(x) + b + x) and x + relu(x W + b) each replay as one kernel, matching eager js', async () => {
    const xs = Array.from({ length: 2 * 5 * 5 * 3 }, (_, i) => Math.sin(i * 0.37));
    const fs = Array.from({ length: 3 * 3 * 3 * 3 }, (_, i) => Math.cos(i * 0.61) * 0.3);
    const ws = Array.from({ length: 3 * 3 }, (_, i) => Math.sin(i * 1.7) * 0.5);
    const bs = [0.1, -0.2, 0.3];
    const resnet = (x: Tensor, f: Tensor, b: Tensor) => tf.tidy(() => tf.relu(tf.add(tf.add(tf.conv2d(x, f, 1, 'same'), b), x)));
    const mlp = (x: Tensor, w: Tensor, b: Tensor) => tf.tidy(() => tf.add(x, tf.relu(tf.add(tf.matMul(tf.reshape(x, [-1, 3]), w), b).reshape(x.shape))));
    const make = () => [tf.tensor(xs, [2, 5, 5, 3]), tf.tensor(fs, [3, 3, 3, 3]), tf.tensor2d(ws, [3, 3]), tf.tensor1d(bs)];
    await tf.setBackend('js');
    const r0 = make();
    const want = [resnet(r0[0], r0[1], r0[3]).dataSync(), mlp(r0[0], r0[2], r0[3]).dataSync()];
    tf.dispose(r0);
    await tf.setBackend(backend);
    const [x, f, w, b] = make();
    const cases: [string, (t: Tensor) => Tensor, number, number][] = [
      ['conv', (t) => resnet(t, f, b), 1, 1], ['matMul', (t) => mlp(t, w, b), 2, 1],
    ];
    for (const [k, [name, fn, mode, act]] of cases.entries()) {
      const jf = tf.jit(fn);
      tf.dispose(jf(x)); // trace
      const y = jf(x);
      expectClose(y.dataSync(), want[k], 2e-6, name);
      const s = tf.debug.plan(jf, x);
      const fused = s.plan!.steps.find((st) => st.attrs.residual !== undefined)!;
      expect(fused.attrs.residual, name).toBe(mode);
      expect(fused.attrs.activation, name).toBe(act);
      expect(s.plan!.steps.filter((st) => st.kernel !== 'copyStrided').length, `${name}: ${s.text}`).toBe(1);
      tf.dispose(y);
      jf.dispose();
    }
    tf.dispose([x, f, w, b]);
  });
});

afterAll(async () => {
  await tf.setBackend('js');
});
