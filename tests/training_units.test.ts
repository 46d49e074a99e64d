// Training building blocks on the js backend: every optimizer against hand-written update
// formulas, gradient clipping, optimizer state, and every loss and metric against direct
// formulas (including fromLogits with extreme logits and their gradients).
import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { clipP, close, mean, rng, vals } from './helpers/training_utils.js';

beforeAll(async () => {
  await tf.setBackend('js');
});

// ---- optimizers -----------------------------------------------------------------------------

// Problem: loss(w) = sum((w - target)^2), gradient g = 2 (w - target).
const W0 = [0.5, -1.5, 2.0];
const TARGET = [1, 0, -1];
const gradOf = (w: number[]) => w.map((v, i) => 2 * (v - TARGET[i]));

/** Run `steps` minimize() steps; returns w after each step. */
function runOptimizer(opt: tf.Optimizer, steps = 3): number[][] {
  const w = tf.variable(tf.tensor1d(W0), true, `w_${Math.random()}`);
  const target = tf.tensor1d(TARGET);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    opt.minimize(() => tf.sum(tf.square(tf.sub(w, target))), false, [w]);
    out.push(vals(w));
  }
  w.dispose();
  target.dispose();
  opt.dispose();
  return out;
}

/** Reference: repeatedly apply `step(w, g, t)` (t is 1-based) to plain arrays. */
function reference(step: (w: number, g: number, t: number, i: number) => number, steps = 3): number[][] {
  let w = W0.slice();
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const g = gradOf(w);
    w = w.map((v, i) => step(v, g[i], t, i));
    out.push(w);
  }
  return out;
}

function expectTrajectory(got: number[][], want: number[][], tol = 1e-5) {
  got.forEach((g, k) => close(g, want[k], tol));
}

describe('optimizers vs hand-computed updates', () => {
  test('sgd: w -= lr g', () => {
    expectTrajectory(runOptimizer(tf.train.sgd(0.1)), reference((w, g) => w - 0.1 * g));
  });

  test('momentum and Nesterov', () => {
    for (const nesterov of [false, true]) {
      const acc = [0, 0, 0];
      const want = reference((w, g, _t, i) => {
        acc[i] = 0.9 * acc[i] + g;
        return w - 0.05 * (nesterov ? g + 0.9 * acc[i] : acc[i]);
      });
      expectTrajectory(runOptimizer(tf.train.momentum(0.05, 0.9, nesterov)), want);
    }
  });

  test('adam with bias correction', () => {
    const m = [0, 0, 0], v = [0, 0, 0];
    const [lr, b1, b2, eps] = [0.1, 0.8, 0.95, 1e-7];
    const want = reference((w, g, t, i) => {
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      return w - (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    });
    expectTrajectory(runOptimizer(tf.train.adam(lr, b1, b2, eps)), want);
  });

  test('adamw: decoupled weight decay', () => {
    const m = [0, 0, 0], v = [0, 0, 0];
    const [lr, b1, b2, eps, wd] = [0.1, 0.9, 0.999, 1e-7, 0.05];
    const want = reference((w, g, t, i) => {
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      return w - lr * wd * w - (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    });
    expectTrajectory(runOptimizer(tf.train.adamw(lr, b1, b2, eps, wd)), want);
  });

  test('adamax with decay', () => {
    const m = [0, 0, 0], u = [0, 0, 0];
    const [lr, b1, b2, eps, decay] = [0.2, 0.9, 0.99, 1e-7, 0.1];
    const want = reference((w, g, t, i) => {
      m[i] = b1 * m[i] + (1 - b1) * g;
      u[i] = Math.max(b2 * u[i], Math.abs(g));
      return w - (lr / (1 + decay * (t - 1)) / (1 - b1 ** t)) * (m[i] / (u[i] + eps));
    });
    expectTrajectory(runOptimizer(tf.train.adamax(lr, b1, b2, eps, decay)), want);
  });

  test('rmsprop plain, with momentum, centered', () => {
    for (const [momentum, centered] of [[0, false], [0.5, false], [0.5, true]] as [number, boolean][]) {
      const ms = [0, 0, 0], mom = [0, 0, 0], mg = [0, 0, 0];
      const [lr, rho, eps] = [0.01, 0.9, 1e-7];
      const want = reference((w, g, _t, i) => {
        ms[i] = rho * ms[i] + (1 - rho) * g * g;
        mg[i] = rho * mg[i] + (1 - rho) * g;
        const denom = centered ? ms[i] - mg[i] * mg[i] : ms[i];
        mom[i] = momentum * mom[i] + (lr * g) / Math.sqrt(denom + eps);
        return w - mom[i];
      });
      expectTrajectory(runOptimizer(tf.train.rmsprop(lr, rho, momentum, eps, centered)), want, 1e-4);
    }
  });

  test('adagrad with initial accumulator', () => {
    const acc = [0.1, 0.1, 0.1];
    const want = reference((w, g, _t, i) => {
      acc[i] += g * g;
      return w - (0.5 * g) / Math.sqrt(acc[i] + 1e-7);
    });
    expectTrajectory(runOptimizer(tf.train.adagrad(0.5, 0.1)), want);
  });

  test('adadelta', () => {
    const ag = [0, 0, 0], au = [0, 0, 0];
    const [lr, rho, eps] = [1, 0.95, 1e-6];
    const want = reference((w, g, _t, i) => {
      // TF.js's AdadeltaOptimizer divides by the accumulated gradient from before the step.
      const d = (Math.sqrt(au[i] + eps) / Math.sqrt(ag[i] + eps)) * g;
      ag[i] = rho * ag[i] + (1 - rho) * g * g;
      au[i] = rho * au[i] + (1 - rho) * d * d;
      return w - lr * d;
    });
    expectTrajectory(runOptimizer(tf.train.adadelta(lr, rho, eps)), want);
  });

  test('clipnorm (per tensor), clipvalue (elementwise), globalClipnorm', () => {
    const norm = (g: number[]) => Math.sqrt(g.reduce((a, b) => a + b * b, 0));
    // clipnorm 1 with lr 0.1: g * 1 / max(|g|, 1)
    let w = W0.slice();
    const wantN: number[][] = [];
    for (let t = 0; t < 3; t++) {
      const g = gradOf(w);
      const s = 1 / Math.max(norm(g), 1);
      w = w.map((v, i) => v - 0.1 * g[i] * s);
      wantN.push(w);
    }
    expectTrajectory(runOptimizer(tf.train.sgd(0.1, { clipnorm: 1 })), wantN);
    const wantV = reference((x, g) => x - 0.1 * Math.min(Math.max(g, -0.5), 0.5));
    expectTrajectory(runOptimizer(tf.train.sgd(0.1, { clipvalue: 0.5 })), wantV);
    const opt = tf.train.adam(0.1);
    opt.setClipping({ clipvalue: 0.5 });
    expect(opt.clipvalue).toBe(0.5);

    // Global norm over two variables.
    const a = tf.variable(tf.tensor1d([3, 0]), true, 'clip_a');
    const b = tf.variable(tf.tensor1d([0, 4]), true, 'clip_b');
    const sgd = tf.train.sgd(1, { globalClipnorm: 1 });
    sgd.applyGradients({ clip_a: tf.tensor1d([3, 0]), clip_b: tf.tensor1d([0, 4]) });
    close(vals(a), [3 - 0.6, 0]);
    close(vals(b), [0, 4 - 0.8]);
    // Per-tensor clipnorm leaves a gradient below the norm alone and clips the other.
    const sgd2 = tf.train.sgd(1, { clipnorm: 3.5 });
    sgd2.applyGradients([{ name: 'clip_a', tensor: tf.tensor1d([3, 0]) }, { name: 'clip_b', tensor: tf.tensor1d([0, 4]) }]);
    close(vals(a), [2.4 - 3, 0]);
    close(vals(b), [0, 3.2 - 3.5]);
    a.dispose();
    b.dispose();
    expect(() => tf.train.sgd(0.1, { clipnorm: -1 })).toThrow(/clipnorm/);
  });

  test('optimizer state: slots only, getWeights/setWeights round trip, errors', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'state_w');
    const opt = tf.train.adam(0.1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) opt.minimize(() => tf.sum(tf.square(w)), false, [w]);
    expect(tf.memory().numTensors - before).toBe(2); // m and v
    const saved = await opt.getWeights();
    expect(saved.map((s) => s.name)).toEqual(['iter', 'state_w/m', 'state_w/v']);
    expect(vals(saved[0].tensor)).toEqual([3]);
    const opt2 = tf.train.adam(0.1);
    await opt2.setWeights(saved);
    expect(opt2.iterations).toBe(3);
    // Same next step from the restored state.
    const w2 = tf.variable(tf.tensor1d(vals(w)), true, 'state_w2');
    opt.minimize(() => tf.sum(tf.square(w)), false, [w]);
    const saved2 = saved.map((s) => ({ name: s.name.replace('state_w/', 'state_w2/'), tensor: s.tensor }));
    const opt3 = tf.train.adam(0.1);
    await opt3.setWeights(saved2);
    opt3.minimize(() => tf.sum(tf.square(w2)), false, [w2]);
    close(vals(w2), vals(w));
    const cost = opt3.minimize(() => tf.sum(tf.square(w2)), true, [w2]);
    expect(cost!.rank).toBe(0);
    expect(() => opt.applyGradients({ nope: tf.scalar(1) })).toThrow(/no variable named 'nope'/);
    expect(() => opt.applyGradients({ state_w: tf.tensor1d([1, 2, 3]) })).toThrow(/shape/);
    for (const s of saved) s.tensor.dispose();
    [opt, opt2, opt3].forEach((o) => o.dispose());
    w.dispose();
    w2.dispose();
  });
});

// ---- losses ---------------------------------------------------------------------------------

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const rowMean = (rows: number[][]) => rows.map((r) => r.reduce((a, b) => a + b, 0) / r.length);

describe('losses vs direct formulas', () => {
  const yt = [[1, 2], [3, 4], [0, -1]];
  const yp = [[1.5, 2], [2, 5.5], [0.2, 1]];
  const d = yt.map((r, i) => r.map((v, j) => yp[i][j] - v));

  test('mse, mae, huber: per sample and reduced', () => {
    const T = tf.tensor2d(yt), P = tf.tensor2d(yp);
    const mse = rowMean(d.map((r) => r.map((e) => e * e)));
    close(vals(tf.losses.meanSquaredError(T, P, { reduction: 'none' })), mse);
    close(vals(tf.losses.meanSquaredError(T, P)), [mean(mse)]);
    close(vals(tf.losses.mse(T, P, { reduction: 'sum' })), [mse.reduce((a, b) => a + b)]);
    close(vals(tf.losses.meanAbsoluteError(T, P, { reduction: 'none' })), rowMean(d.map((r) => r.map(Math.abs))));
    for (const delta of [1, 0.3]) {
      const h = (e: number) => (Math.abs(e) <= delta ? 0.5 * e * e : delta * Math.abs(e) - 0.5 * delta * delta);
      close(vals(tf.losses.huber(T, P, { delta, reduction: 'none' })), rowMean(d.map((r) => r.map(h))));
    }
    expect(() => tf.losses.meanSquaredError(T, tf.zeros([3, 3]))).toThrow(/labels shape \[3,2\] and predictions shape \[3,3\]/);
  });

  test('binaryCrossentropy: probabilities (clipped), logits (stable), label smoothing', () => {
    const z = [[1, 0], [0, 1], [1, 1]];
    const p = [[0.9, 0.2], [0, 1], [0.5, 1e-12]];
    const bce = (zz: number, pp: number) => -(zz * Math.log(clipP(pp)) + (1 - zz) * Math.log(1 - clipP(pp)));
    close(vals(tf.losses.binaryCrossentropy(tf.tensor2d(z), tf.tensor2d(p), { reduction: 'none' })),
      rowMean(z.map((r, i) => r.map((v, j) => bce(v, p[i][j])))), 1e-4);
    const x = [[100, -100], [-80, 0.5], [3, -2]];
    const zl = [[0, 1], [1, 1], [0, 1]];
    // max(x,0) - x z + log(1 + exp(-|x|)), evaluated safely in float64
    const ref = (xx: number, zz: number) => Math.max(xx, 0) - xx * zz + Math.log1p(Math.exp(-Math.abs(xx)));
    const got = vals(tf.losses.binaryCrossentropy(tf.tensor2d(zl), tf.tensor2d(x), { fromLogits: true, reduction: 'none' }));
    close(got, rowMean(zl.map((r, i) => r.map((v, j) => ref(x[i][j], v)))), 1e-5);
    expect(got.every(Number.isFinite)).toBe(true);
    // Gradient w.r.t. logits is (sigmoid(x) - z) / n, finite at extremes.
    const g = tf.grad((l: Tensor) => tf.losses.binaryCrossentropy(tf.tensor2d(zl), l, { fromLogits: true, reduction: 'sum' }))(tf.tensor2d(x));
    close(vals(g), x.flatMap((r, i) => r.map((v, j) => (sigmoid(v) - zl[i][j]) / 2)), 1e-5);
    // label smoothing 0.2: z -> z * 0.8 + 0.1
    const ls = vals(tf.losses.binaryCrossentropy(tf.tensor2d([[1], [0]]), tf.tensor2d([[0.7], [0.4]]), { labelSmoothing: 0.2, reduction: 'none' }));
    close(ls, [bce(0.9, 0.7), bce(0.1, 0.4)], 1e-5);
  });

  test('categorical and sparse categorical crossentropy, from probabilities and logits', () => {
    const z = [[0, 1, 0], [1, 0, 0]];
    const p = [[0.2, 0.5, 0.3], [0.1, 0.6, 0.3]];
    const want = [-Math.log(0.5), -Math.log(0.1)];
    close(vals(tf.losses.categoricalCrossentropy(tf.tensor2d(z), tf.tensor2d(p), { reduction: 'none' })), want, 1e-5);
    // Unnormalised probabilities are renormalised (Keras).
    close(vals(tf.losses.categoricalCrossentropy(tf.tensor2d(z), tf.tensor2d(p.map((r) => r.map((v) => v * 2))), { reduction: 'none' })), want, 1e-5);
    const logits = [[1000, 0, -1000], [2, 1, 0.5]];
    const lse = (r: number[]) => { const m = Math.max(...r); return m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0)); };
    const wantL = [lse(logits[0]) - 0, lse(logits[1]) - 2];
    const gotL = vals(tf.losses.categoricalCrossentropy(tf.tensor2d(z), tf.tensor2d(logits), { fromLogits: true, reduction: 'none' }));
    close(gotL, wantL, 1e-5);
    // Sparse labels [batch] (int32) and [batch, 1] (float) agree with one-hot.
    close(vals(tf.losses.sparseCategoricalCrossentropy(tf.tensor1d([1, 0], 'int32'), tf.tensor2d(logits), { fromLogits: true, reduction: 'none' })), wantL, 1e-5);
    close(vals(tf.losses.sparseCategoricalCrossentropy(tf.tensor2d([[1], [0]]), tf.tensor2d(p), { reduction: 'none' })), want, 1e-5);
    // Label smoothing 0.3 over 3 classes: z -> z * 0.7 + 0.1.
    const s = vals(tf.losses.categoricalCrossentropy(tf.tensor2d([[0, 1, 0]]), tf.tensor2d([[0.2, 0.5, 0.3]]), { labelSmoothing: 0.3, reduction: 'none' }));
    close(s, [-(0.1 * Math.log(0.2) + 0.8 * Math.log(0.5) + 0.1 * Math.log(0.3))], 1e-5);
    // Softmax-CE gradient: softmax(x) - z.
    const g = tf.grad((l: Tensor) => tf.losses.categoricalCrossentropy(tf.tensor2d([[0, 1, 0]]), l, { fromLogits: true, reduction: 'sum' }))(tf.tensor2d([[1, 2, 3]]));
    const e = [1, 2, 3].map(Math.exp), se = e.reduce((a, b) => a + b);
    close(vals(g), [e[0] / se, e[1] / se - 1, e[2] / se], 1e-5);
    expect(() => tf.losses.sparseCategoricalCrossentropy(tf.tensor1d([1, 0, 1], 'int32'), tf.tensor2d(p))).toThrow(/do not fit predictions/);
  });
});

// ---- metrics --------------------------------------------------------------------------------

describe('metrics vs direct formulas', () => {
  test('accuracies, precision, recall, mse, mae', () => {
    const yt = tf.tensor2d([[1], [0], [1], [1], [0]]);
    const yp = tf.tensor2d([[0.8], [0.6], [0.4], [0.51], [0.1]]);
    close(vals(tf.metrics.binaryAccuracy(yt, yp)), [1, 0, 0, 1, 1]);
    // TP = 2 (0.8, 0.51), FP = 1 (0.6), FN = 1 (0.4)
    close(vals(tf.metrics.precision(yt, yp)), [2 / 3]);
    close(vals(tf.metrics.recall(yt, yp)), [2 / 3]);
    close(vals(tf.metrics.precision(tf.tensor2d([[1]]), tf.tensor2d([[0.2]]))), [0]);
    const ct = tf.tensor2d([[0, 1, 0], [1, 0, 0], [0, 0, 1]]);
    const cp = tf.tensor2d([[0.1, 0.7, 0.2], [0.3, 0.5, 0.2], [0.2, 0.2, 0.6]]);
    close(vals(tf.metrics.categoricalAccuracy(ct, cp)), [1, 0, 1]);
    close(vals(tf.metrics.sparseCategoricalAccuracy(tf.tensor1d([1, 0, 2], 'int32'), cp)), [1, 0, 1]);
    close(vals(tf.metrics.sparseCategoricalAccuracy(tf.tensor2d([[1], [1], [2]]), cp)), [1, 1, 1]);
    close(vals(tf.metrics.meanSquaredError(tf.tensor2d([[1, 2]]), tf.tensor2d([[2, 4]]))), [2.5]);
    close(vals(tf.metrics.mae(tf.tensor2d([[1, 2]]), tf.tensor2d([[2, 4]]))), [1.5]);
  });
});

