// Pattern matching in the recorded plan (src/plan/patterns.ts, issue 9): a softmax written out of
// primitives (max, sub, exp, sum, div along the last axis) replays as one softmax kernel call.
// Reference: the same function run eagerly on the plain-JS backend. A pattern whose intermediate
// is also returned is left alone (it must still be stored).
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/tensor.js';

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])))) expect.fail(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

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

afterAll(async () => {
  await tf.setBackend('js');
});
