// The recorded plan (tf.jit, issue 9) on js and wasm: a replayed plan agrees with eager runs of the
// same function (eager js is the reference for both backends), on hand-made graphs, on seeded
// random op graphs and on model.predict (MLP, CNN, transformer block); the pass counts (dead code,
// epilogue and elementwise fusion) on small graphs; a replay allocates at most its outputs; and
// functions a plan cannot replay (host reads, random draws) run eagerly with the reason kept.
import { afterAll, describe, expect, test, vi } from 'vitest';
import * as tf from '../src/index.js';
import type { Tensor } from '../src/tensor.js';

/** |got - want| <= tol * max(1, |want|) elementwise; NaN or a length mismatch fails. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i]));
    if (!ok) expect.fail(`${what}[${i}]: ${got[i]} vs ${want[i]} (tol ${tol})`);
  }
}

/** mulberry32: a small seeded generator for the random graphs and data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randomValues = (r: () => number, n: number) => Array.from({ length: n }, () => r() * 4 - 2);

/** fn's eager result on the js backend (the reference), with arguments copied there. */
async function eagerOnJs(backend: string, fn: (...xs: Tensor[]) => Tensor, args: number[][][]): Promise<Float32Array> {
  await tf.setBackend('js');
  const xs = args.map((a) => tf.tensor2d(a));
  const out = fn(...xs);
  const v = out.dataSync() as Float32Array;
  tf.dispose([...xs, out]);
  await tf.setBackend(backend);
  return v;
}

for (const backend of ['js', 'wasm']) {
  describe(`plan on ${backend}`, () => {
    test('small graph: dead code, bias+relu epilogue and one fused chain; values match eager', async () => {
      await tf.setBackend(backend);
      const w = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      const bias = tf.tensor1d([0.5, -10, 1]);
      const f = (x: Tensor) => {
        tf.exp(x); // dead
        const h = tf.relu(tf.add(tf.matMul(x, w), bias));
        return tf.sigmoid(tf.mul(tf.sub(h, 1), 0.5));
      };
      const jf = tf.jit(f);
      const x = tf.tensor2d([[1, -1], [0.5, 2], [3, 1]]);
      const summary = tf.debug.plan(jf, x);
      // traced: exp, matMul, add, relu, sub, mul, sigmoid
      expect(summary.plan!.stats).toEqual({ traced: 7, deadRemoved: 1, epilogueFused: 2, fusedKernels: 1, fusedSteps: 3, patterns: 0, reductionsFused: 0 });
      expect(summary.kernels).toBe(2);
      expect(summary.text).toContain('fused[sub+mul+sigmoid]');
      expect(summary.text).toContain('matMul+add+relu');
      const eager = f(x);
      const replayed = jf(x);
      // by hand: row 0 of x@w+b = [1-4, 2-5, 3-6] + b = [-2.5, -13, -2] -> relu 0 -> sigmoid(-0.5)
      expect(replayed.dataSync()[0]).toBeCloseTo(1 / (1 + Math.exp(0.5)), 6);
      expectClose(replayed.dataSync(), eager.dataSync(), 1e-6, 'replay vs eager');
      tf.dispose([w, bias, x, eager, replayed]);
      jf.dispose();
    });

    test('a fused chain longer than one block, with a row broadcast and a scalar, matches eager js', async () => {
      // 37 x 13 = 481 elements: wasm runs blocks of 256, so the row vector wraps across a block edge
      const r = rng(11);
      const xv = Array.from({ length: 37 }, () => randomValues(r, 13));
      const row = randomValues(r, 13);
      const fn = (x: Tensor) => tf.tidy(() => tf.tanh(tf.mul(tf.add(tf.abs(x), tf.tensor1d(row)), tf.sigmoid(tf.sub(x, 0.25)))));
      const want = await eagerOnJs(backend, fn, [xv]);
      const jf = tf.jit(fn);
      const x = tf.tensor2d(xv);
      tf.dispose(jf(x));
      const got = jf(x);
      const stats = tf.debug.plan(jf, x).plan!.stats;
      expect([stats.fusedKernels, stats.fusedSteps]).toEqual([1, 6]); // abs, add, sub, sigmoid, mul, tanh
      expectClose(got.dataSync(), want, 1e-6, 'fused chain');
      tf.dispose([x, got]);
      jf.dispose();
    });

    test('a replay allocates at most its outputs; the plan reuses buffers by liveness', async () => {
      await tf.setBackend(backend);
      const w = tf.randomNormal([8, 8], 0, 1, 'float32', 3);
      // a chain of matMuls: four intermediates of one size, two live at a time -> 2 buffers
      const f = (x: Tensor) => tf.matMul(tf.matMul(tf.matMul(tf.matMul(tf.matMul(x, w), w), w), w), w);
      const jf = tf.jit(f);
      const x = tf.randomNormal([4, 8], 0, 1, 'float32', 4);
      tf.dispose(jf(x)); // trace
      const plan = tf.debug.plan(jf, x);
      expect(plan.kernels).toBe(5);
      expect(plan.plan!.buffers.length).toBe(2);
      expect(plan.bufferBytes).toBe(2 * 4 * 8 * 4);
      tf.dispose(jf(x)); // first replay makes the plan's buffers (and its output's storage, kept for the next)
      const buffers = () => tf.memory().backends[backend].numBuffers as number;
      const before = buffers();
      const tensors = tf.memory().numTensors;
      const y = jf(x);
      expect(buffers() - before).toBe(0); // the output takes the storage the disposed result left
      expect(tf.memory().numTensors - tensors).toBe(1);
      const y2 = jf(x);
      expect(buffers() - before).toBe(1); // y is still held: the output needs new storage
      expectClose(y2.dataSync(), y.dataSync(), 0, 'two replays');
      const eager = tf.tidy(() => f(x));
      expectClose(y.dataSync(), eager.dataSync(), 1e-5, 'replay vs eager');
      tf.dispose([y, y2, eager]);
      jf.dispose();
      expect(buffers()).toBe(before - 3); // dispose frees the plan's two buffers and the outputs' storage
      tf.dispose([w, x]);
    });

    test('a weight assigned between calls is seen by the replay', async () => {
      await tf.setBackend(backend);
      const v = tf.variable(tf.tensor2d([[1, 0], [0, 1]]));
      const jf = tf.jit((x: Tensor) => tf.add(tf.matMul(x, v), 1));
      const x = tf.tensor2d([[2, 3]]);
      tf.dispose(jf(x));
      v.assign(tf.tensor2d([[0, 1], [1, 0]]));
      const y = jf(x);
      expect(Array.from(y.dataSync())).toEqual([4, 3]); // [2,3] @ swap = [3,2], + 1
      tf.dispose([v, x, y]);
      jf.dispose();
    });

    test('host reads and random draws run eagerly, with the reason', async () => {
      await tf.setBackend(backend);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const reads = tf.jit((x: Tensor) => tf.mul(x, x.dataSync()[0]));
      const x = tf.tensor1d([2, 3]);
      expect(Array.from(reads(x).dataSync())).toEqual([4, 6]);
      const x2 = tf.tensor1d([3, 3]);
      expect(Array.from(reads(x2).dataSync())).toEqual([9, 9]); // not a replay of "times 2"
      expect(tf.debug.plan(reads, x).reason).toMatch(/reads tensor values on the host/);
      const noisy = tf.jit((x: Tensor) => tf.add(x, tf.randomUniform([2])));
      const a = noisy(x).dataSync();
      const b = noisy(x).dataSync();
      expect(Array.from(a)).not.toEqual(Array.from(b)); // a fresh draw each call
      expect(tf.debug.plan(noisy, x).reason).toMatch(/random/);
      expect(warn).toHaveBeenCalledTimes(2);
      warn.mockRestore();
      tf.dispose([x, x2]);
    });

    test('seeded random op graphs: replay matches eager js', async () => {
      // each graph: a chain over [rows, cols] of unary ops, binary ops with a same-shape tensor, a
      // scalar or a row vector, matMuls that change cols, and sums that broadcast back
      const totals = { fusedKernels: 0, fusedSteps: 0, epilogueFused: 0 };
      for (let seed = 1; seed <= 24; seed++) {
        const r = rng(seed);
        const rows = 1 + Math.floor(r() * 5), cols0 = 1 + Math.floor(r() * 7);
        const ops: ((x: Tensor, y: Tensor) => Tensor)[] = [];
        let cols = cols0;
        const consts: Tensor[] = [];
        await tf.setBackend(backend);
        for (let k = 0; k < 10; k++) {
          const pick = Math.floor(r() * 6);
          if (pick === 0) {
            const u = [tf.relu, tf.tanh, tf.sigmoid, tf.neg, tf.abs, tf.square, tf.elu, (t: Tensor) => tf.sqrt(tf.abs(t)), (t: Tensor) => tf.leakyRelu(t, 0.1)][Math.floor(r() * 9)];
            ops.push((x) => u(x));
          } else if (pick === 1) {
            const s = Math.round((r() * 2 - 1) * 100) / 100;
            const b = [tf.add, tf.sub, tf.mul, tf.maximum, tf.minimum][Math.floor(r() * 5)];
            ops.push((x) => b(x, s));
          } else if (pick === 2) {
            const c = cols;
            const row = randomValues(r, c);
            const b = [tf.add, tf.mul, tf.sub][Math.floor(r() * 3)];
            ops.push((x) => b(x, tf.tensor1d(row)));
            void c;
          } else if (pick === 3) {
            ops.push((x, y) => (x.shape[1] === y.shape[1] ? tf.mul(x, y) : tf.add(x, tf.sum(y))));
          } else if (pick === 4) {
            const next = 1 + Math.floor(r() * 6);
            const wv = randomValues(r, cols * next);
            const c = cols;
            ops.push((x) => tf.matMul(x, tf.tensor2d(wv, [c, next])));
            cols = next;
          } else {
            ops.push((x) => tf.add(x, tf.mean(x, -1, true)));
          }
        }
        const fn = (x: Tensor, y: Tensor) => ops.reduce((acc, op) => op(acc, y), x);
        const xv = Array.from({ length: rows }, () => randomValues(r, cols0));
        const yv = Array.from({ length: rows }, () => randomValues(r, cols0));
        const want = await eagerOnJs(backend, (x, y) => tf.tidy(() => fn(x, y)), [xv, yv]);
        const jf = tf.jit((x: Tensor, y: Tensor) => tf.tidy(() => fn(x, y)));
        const x = tf.tensor2d(xv), y = tf.tensor2d(yv);
        tf.dispose(jf(x, y)); // trace
        const got = jf(x, y); // replay
        const stats = tf.debug.plan(jf, x, y).plan!.stats;
        totals.fusedKernels += stats.fusedKernels;
        totals.fusedSteps += stats.fusedSteps;
        totals.epilogueFused += stats.epilogueFused;
        expectClose(got.dataSync(), want, 2e-5, `seed ${seed}`);
        tf.dispose([x, y, got, ...consts]);
        jf.dispose();
      }
      // the graphs exercise both fusions (the counts are fixed by the seeds)
      console.log(`[plan] ${backend} random graphs:`, totals);
      expect(totals.fusedKernels).toBeGreaterThan(10);
      expect(totals.epilogueFused).toBeGreaterThan(3);
    });

    test('model.predict replays a plan: MLP, CNN and a transformer block agree with eager predict', async () => {
      await tf.setBackend(backend);
      const init = (seed: number) => tf.initializers.glorotUniform({ seed });
      const mlp = tf.sequential({ layers: [
        tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8], kernelInitializer: init(1) }),
        tf.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: init(2) }),
        tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(3) }),
      ] });
      const cnn = tf.sequential({ layers: [
        tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 2], kernelInitializer: init(4) }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 5, kernelInitializer: init(5) }),
      ] });
      const block = tf.sequential({ layers: [
        tf.layers.transformerEncoder({ numHeads: 2, intermediateDim: 16, normFirst: true, inputShape: [6, 8], kernelInitializer: init(6) }),
      ] });
      const r = rng(7);
      const cases: [tf.Sequential, number[]][] = [[mlp, [5, 8]], [cnn, [3, 8, 8, 2]], [block, [2, 6, 8]]];
      for (const [model, shape] of cases) {
        const x = tf.tensor(randomValues(r, shape.reduce((a, b) => a * b)), shape);
        tf.env().set('PREDICT_PLAN', false);
        const eager = model.predict(x) as Tensor;
        tf.env().set('PREDICT_PLAN', true);
        tf.dispose(model.predict(x)); // trace
        const replayed = model.predict(x) as Tensor;
        const summary = tf.debug.plan(model, x);
        expect(summary.plan, `${model.name}: ${summary.reason}`).not.toBeNull();
        // dense and conv layers already call the fused kernels; the block's q/k/v/output
        // projections add their bias with a separate op, which the plan folds into the matMul, and
        // the attention output and feed-forward matMuls take the two residual adds (6 folds in all)
        expect(summary.plan!.stats.epilogueFused, model.name).toBe(model === block ? 6 : 0);
        if (model === block) expect(summary.plan!.steps.filter((st) => st.attrs.residual === 1).length).toBe(2);
        expect(summary.kernels).toBe(summary.plan!.stats.traced - summary.plan!.stats.epilogueFused);
        expectClose(replayed.dataSync(), eager.dataSync(), 1e-5, `${model.name} predict`);
        tf.dispose([x, eager, replayed]);
        model.dispose();
      }
    });
  });
}

describe('plan: results and fallbacks (js)', () => {
  test('a model whose weights were copied from another (shared storage) predicts its own assigned weights', () => {
    // regression: after b.setWeights(a.getWeights()) the two models' variables share records, and a plan
    // that picked a's variable for that record kept returning a's outputs after b's weight was assigned
    const make = () => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones' })] });
    const a = make();
    const b = make();
    b.setWeights(a.getWeights());
    const x = tf.tensor2d([[1, 2, 3]]);
    (b.predict(x) as Tensor).dispose(); // traced with the shared storage
    b.layers[0].getWeights()[0].dispose();
    b.layers[0].weights[0].assign(tf.fill([3, 2], 2));
    // by hand: x . 2-filled kernel = 2 * (1 + 2 + 3) = 12 per unit, bias 0; eager apply agrees
    expect(Array.from((b.predict(x) as Tensor).dataSync())).toEqual([12, 12]);
    expect(Array.from((b.apply(x) as Tensor).dataSync())).toEqual([12, 12]);
    expect(Array.from((a.predict(x) as Tensor).dataSync())).toEqual([6, 6]);
  });

  test('nested results, an argument returned as is and reshaped outputs replay with the same structure', async () => {
    await tf.setBackend('js');
    const jf = tf.jit((x: Tensor) => {
      const y = tf.exp(x);
      return { same: x, pair: [tf.reshape(y, [4]), tf.neg(x)], flat: tf.reshape(y, [2, 2]) };
    });
    const x = tf.tensor2d([[0, 1], [2, -1]]);
    const r0 = jf(x);
    const r1 = jf(x); // replay
    expect(tf.debug.plan(jf, x).text).toContain("fused[exp+neg]"); // one kernel, two stored outputs
    expect(r1.same.shape).toEqual([2, 2]);
    expect(Array.from(r1.same.dataSync())).toEqual([0, 1, 2, -1]);
    expect(r1.pair[0].shape).toEqual([4]);
    expect(r1.flat.shape).toEqual([2, 2]);
    expectClose(r1.pair[0].dataSync(), [1, Math.E, Math.exp(2), Math.exp(-1)], 1e-6, 'exp');
    expectClose(r1.flat.dataSync(), r1.pair[0].dataSync(), 0, 'shared output');
    expect(Array.from(r1.pair[1].dataSync())).toEqual([-0, -1, -2, 1]);
    const n = tf.memory().numTensors;
    tf.dispose([r1.same, ...r1.pair, r1.flat]);
    expect(tf.memory().numTensors).toBe(n - 4);
    expect(x.isDisposed).toBe(false);
    tf.dispose([r0.same, ...r0.pair, r0.flat, x]);
    jf.dispose();
  });

  test('a function returning a Promise is not recorded', async () => {
    await tf.setBackend('js');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const jf = tf.jit((x: Tensor) => Promise.resolve(tf.neg(x)) as unknown as Tensor);
    const x = tf.tensor1d([1]);
    tf.dispose(await jf(x));
    tf.dispose(await jf(x));
    expect(tf.debug.plan(jf, x).reason).toMatch(/returns Promise/);
    warn.mockRestore();
    x.dispose();
  });

  test('under a gradient tape the function runs eagerly, so gradients flow', async () => {
    await tf.setBackend('js');
    const jf = tf.jit((x: Tensor) => tf.mul(tf.square(x), 3));
    const x = tf.tensor1d([1, -2, 0.5]);
    tf.dispose(jf(x)); // traced
    tf.dispose(jf(x)); // replayed
    const g = tf.grad((t: Tensor) => tf.sum(jf(t)))(x);
    expect(Array.from(g.dataSync())).toEqual([6, -12, 3]); // d(3x^2)/dx = 6x
    tf.dispose([x, g]);
    jf.dispose();
  });

  test('assigning a variable inside the function is a plan step: replays update it', async () => {
    await tf.setBackend('js');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const v = tf.variable(tf.scalar(0));
    const step = tf.jit((x: Tensor) => {
      v.assign(tf.add(v, x));
      return tf.mul(v, 10);
    });
    const one = tf.scalar(1);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const y = step(one);
      seen.push(y.dataSync()[0]);
      y.dispose();
    }
    expect(v.dataSync()[0]).toBe(3); // traced once, replayed twice: 0 + 1 + 1 + 1
    expect(seen).toEqual([10, 20, 30]); // the result reads the assigned value
    const s = tf.debug.plan(step, one);
    expect(s.reason).toBeNull();
    expect(s.plan!.assigns.length).toBe(1);
    expect(s.text).toMatch(/assign \S+ <- out#/);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    tf.dispose([v, one]);
  });
});


afterAll(async () => {
  await tf.setBackend('js');
});
