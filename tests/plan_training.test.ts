// A recorded plan of a training step (tf.jit, issue 9): Variable.assign inside the traced call is
// a plan step, so a jitted forward + backward + SGD update replays. Reference: the same step run
// eagerly on the js backend for the same number of steps (weights and losses compared). Also: a
// replayed step leaves the live buffer count unchanged, and optimizer.minimize inside a jitted call
// replays too (its step count is a host effect of the plan, its learning rate a per-step scalar).
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/tensor.js';
import type { Variable } from '../src/variable.js';
import { expectClose } from './helpers/close.js';

const X = Array.from({ length: 6 * 4 }, (_, i) => Math.sin(i * 0.9));
const Y = Array.from({ length: 6 * 3 }, (_, i) => Math.cos(i * 0.4));
const INIT: Record<string, [number[], number[]]> = {
  w1: [[4, 8], Array.from({ length: 32 }, (_, i) => Math.sin(i * 1.7) * 0.5)],
  b1: [[8], Array.from({ length: 8 }, (_, i) => 0.1 * (i - 4))],
  w2: [[8, 3], Array.from({ length: 24 }, (_, i) => Math.cos(i * 0.8) * 0.5)],
  b2: [[3], [0.1, -0.2, 0.05]],
};
const STEPS = 6;
let trainings = 0;
const LR = 0.1;

/** A 2-layer MLP trained with plain SGD for STEPS steps (jitted or eager); its losses and weights. */
function train(jitted: boolean) {
  const vars = Object.fromEntries(Object.entries(INIT).map(([k, [shape, v]]) => {
    const init = tf.tensor(v, shape);
    const variable = tf.variable(init, true, `plan_training_${k}_${jitted}_${++trainings}`);
    init.dispose();
    return [k, variable];
  })) as Record<string, Variable>;
  const list = Object.values(vars);
  const x = tf.tensor2d(X, [6, 4]), y = tf.tensor2d(Y, [6, 3]);
  const step = (xs: Tensor, ys: Tensor) => tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const h = tf.relu(tf.add(tf.matMul(xs, vars.w1), vars.b1));
      return tf.losses.meanSquaredError(ys, tf.add(tf.matMul(h, vars.w2), vars.b2));
    }, list);
    for (const v of list) v.assign(tf.sub(v, tf.mul(grads[v.name], LR)));
    return value;
  });
  const run = jitted ? tf.jit(step) : step;
  const losses: number[] = [];
  const live: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const loss = run(x, y);
    losses.push(loss.dataSync()[0]);
    loss.dispose();
    live.push(tf.memory().numTensors);
  }
  const plan = jitted ? tf.debug.plan(run as ReturnType<typeof tf.jit>, x, y) : null;
  const weights = list.map((v) => Array.from(v.dataSync() as Float32Array));
  tf.dispose([x, y, ...list]);
  if (jitted) (run as ReturnType<typeof tf.jit>).dispose();
  return { losses, weights, live, plan };
}

describe.each(['js', 'wasm'])('planned SGD training step on %s', (backend) => {
  test('replayed steps give the eager js weights; live buffers stay flat', async () => {
    await tf.setBackend('js');
    const want = train(false);
    await tf.setBackend(backend);
    train(false); // an eager run first, so cached scalars exist before the count
    const buffersBefore = tf.memory().backends[backend].numBuffers;
    const got = train(true);
    expect(got.plan!.reason, 'the step is planned').toBeNull();
    expect(got.plan!.plan!.assigns.length).toBe(4);
    expectClose(got.losses, want.losses, 1e-5, 'losses');
    got.weights.forEach((w, i) => expectClose(w, want.weights[i], 1e-5, `weight ${i}`));
    expect(want.losses[STEPS - 1]).toBeLessThan(want.losses[0]); // it trains
    // from the first replay on, a step leaves as many tensors as it found
    expect(new Set(got.live.slice(1)).size).toBe(1);
    expect(tf.memory().backends[backend].numBuffers).toBe(buffersBefore);
  });
});

/** A transformer block (seeded init) trained with plain SGD through model.apply for 3 steps; losses and weights. */
function trainBlock(jitted: boolean) {
  const m = tf.sequential({ layers: [
    tf.layers.transformerEncoder({ numHeads: 2, intermediateDim: 16, normFirst: true, inputShape: [6, 8],
      kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
  ] });
  const vars = m.trainableWeights;
  const x = tf.tensor3d(Array.from({ length: 96 }, (_, i) => Math.sin(i * 1.3)), [2, 6, 8]);
  const y = tf.tensor3d(Array.from({ length: 96 }, (_, i) => Math.cos(i * 0.7)), [2, 6, 8]);
  const step = (xs: Tensor, ys: Tensor) => tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, m.apply(xs) as Tensor), vars);
    for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], LR)));
    return value;
  });
  const run = jitted ? tf.jit(step) : step;
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const loss = run(x, y);
    losses.push(loss.dataSync()[0]);
    loss.dispose();
  }
  const plan = jitted ? tf.debug.plan(run as ReturnType<typeof tf.jit>, x, y) : null;
  const weights = vars.map((v) => Array.from(v.dataSync() as Float32Array));
  tf.dispose([x, y]);
  if (jitted) (run as ReturnType<typeof tf.jit>).dispose();
  m.dispose();
  return { losses, weights, plan, count: vars.length };
}

describe.each(['js', 'wasm'])('planned SGD training of a transformer block on %s', (backend) => {
  test('replayed steps give the eager js weights', async () => {
    await tf.setBackend('js');
    const want = trainBlock(false);
    await tf.setBackend(backend);
    const got = trainBlock(true);
    expect(got.plan!.reason).toBeNull();
    expect(got.plan!.plan!.assigns.length).toBe(got.count);
    expectClose(got.losses, want.losses, 1e-4, 'losses');
    got.weights.forEach((w, i) => expectClose(w, want.weights[i], 1e-4, `weight ${i}`));
  });
});

describe('planned training: an optimizer inside a jitted call', () => {
  test('optimizer.minimize replays: the step count advances on the host and the learning rate set between calls is used', async () => {
    await tf.setBackend('js');
    const v = tf.variable(tf.scalar(1));
    const opt = tf.train.sgd(0.5);
    const step = tf.jit((x: Tensor) => tf.tidy(() => {
      opt.minimize(() => tf.sum(tf.mul(v, x)));
      return tf.mul(v, 1);
    }));
    const two = tf.scalar(2);
    for (let i = 0; i < 3; i++) tf.dispose(step(two));
    opt.setLearningRate(0.25);
    tf.dispose(step(two));
    // hand-worked: d(v * 2)/dv = 2, so each step subtracts 2 * lr: 1 - 3 * 0.5 * 2 - 0.25 * 2 = -2.5
    expect(v.dataSync()[0]).toBe(-2.5);
    expect(opt.iterations).toBe(4);
    const summary = tf.debug.plan(step, two);
    expect(summary.reason).toBeNull();
    expect(summary.plan!.effects.length).toBe(1);
    tf.dispose([v, two]);
    opt.dispose();
  });
});

afterAll(async () => {
  await tf.setBackend('js');
});
