/**
 * Autodiff, op semantics, error wording, losses, optimizers, TensorBuffer and random ops against
 * @tensorflow/tfjs-core 4.22 on its cpu backend (the independent reference), on tessera's js and
 * wasm backends: gradients through clone() and through ops whose gradient is zero, int32
 * mul/div gradients, selu's slope at 0, TF.js's argument errors, range/eye/dtype inference, NaN
 * in argMax/argMin/sign/bool creation, 1x1 pools with padding,
 * losses with weights and a Reduction, Adadelta's update, buffers, and random-op invariants.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// The core package leaves gradient registration to its full bundle; tfjs-layers does this import too.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await tfc.setBackend('cpu');
});

type AnyTensor = { dataSync(): ArrayLike<number>; shape: number[]; dtype: string };

/** Values, shape and dtype of a tessera result equal TF.js's (within 1e-5; NaN fails). */
function expectSame(mine: AnyTensor, want: AnyTensor, tol = 1e-5): void {
  expect(mine.shape).toEqual(want.shape);
  expect(mine.dtype).toBe(want.dtype);
  const a = Array.from(mine.dataSync());
  const b = Array.from(want.dataSync());
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(tol));
}

/** The message f throws (fails the test when it does not throw). */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a throw');
}

type Lib = typeof ts | typeof tfc;
/** Run the same program on both libraries (its argument is the namespace). */
function both<T>(f: (tf: any) => T): [T, T] {
  return [f(ts), f(tfc)];
}

for (const backend of ['js', 'wasm'] as const) {
  describe(`autodiff and semantics match TF.js (${backend})`, () => {
    beforeAll(async () => {
      await ts.setBackend(backend);
    });

    it('gradients flow through clone()', () => {
      const [mine, want] = both((tf: Lib) => {
        const x = tf.tensor1d([1, -2, 3, -4, 0.5]);
        const dy = tf.tensor1d([1, 2, 3, 4, 5]);
        return (tf.grad as any)((a: any) => tf.abs(a.clone()).clone())(x, dy);
      });
      expectSame(mine, want);
    });

    const zeroGradOps: [string, (tf: any, x: any) => any][] = [
      ['greaterEqual', (tf, x) => tf.greaterEqual(x, tf.tensor1d([0, 0, 0, 0]))],
      ['isNaN', (tf, x) => tf.isNaN(x)],
      ['isFinite', (tf, x) => tf.isFinite(x)],
      ['step', (tf, x) => tf.step(x)],
      ['argMax', (tf, x) => tf.argMax(x)],
      ['zerosLike', (tf, x) => tf.zerosLike(x)],
      ['onesLike', (tf, x) => tf.onesLike(x)],
    ];
    for (const [name, f] of zeroGradOps) {
      it(`${name} has a zero gradient (not an error)`, () => {
        const [mine, want] = both((tf: any) => tf.grad((a: any) => f(tf, a))(tf.tensor1d([1.5, -2, 0, 4])));
        expectSame(mine, want);
      });
    }

    it('oneHot of int32 indices has a float32 zero gradient', () => {
      const [mine, want] = both((tf: any) => tf.grad((a: any) => tf.oneHot(a, 3))(tf.tensor1d([0, 2, 1], 'int32'), tf.ones([3, 3])));
      expectSame(mine, want);
    });

    it("where's condition gets zeros, a and b get dy where chosen", () => {
      const [mine, want] = both((tf: any) => tf.grads((c: any, a: any, b: any) => tf.where(c, a, b))(
        [tf.tensor1d([1, 0, 1], 'bool'), tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6])], tf.tensor1d([1, 2, 3])));
      mine.forEach((g: AnyTensor, i: number) => expectSame(g, want[i]));
    });

    it('int32 mul and div have float32 gradients through cast', () => {
      const [mine, want] = both((tf: any) => [
        ...tf.grads((a: any, b: any) => tf.mul(a, b))([tf.tensor1d([1, 2, 3], 'int32'), tf.tensor1d([3, 4, 5], 'int32')], tf.tensor1d([1, 10, 20])),
        ...tf.grads((a: any, b: any) => tf.div(tf.cast(a, 'int32'), b))([tf.tensor1d([true, false, true], 'bool'), tf.tensor1d([1, 2, 3], 'int32')], tf.tensor1d([1, 19, 20])),
      ]);
      mine.forEach((g: AnyTensor, i: number) => expectSame(g, want[i]));
    });

    it("selu's gradient at x <= 0 uses the exponential branch (x = 0 included)", () => {
      const [mine, want] = both((tf: any) => tf.grad((a: any) => tf.selu(a))(tf.tensor1d([1, -1, 0, 2.5]), tf.tensor1d([1, 2, 3, 4])));
      expectSame(mine, want);
    });

    it('an x that y does not depend on is still an error', () => {
      expect(() => ts.grad(() => ts.scalar(1))(ts.scalar(2))).toThrow(/f encloses/);
    });

    it("argument errors use TF.js's wording", () => {
      const cases: [string, (tf: any) => unknown][] = [
        ['abs non-tensor', (tf) => tf.abs({})],
        ['pow base', (tf) => tf.pow({}, tf.scalar(1))],
        ['prelu alpha', (tf) => tf.prelu(tf.scalar(1), {})],
        ['sqrt int32', (tf) => tf.sqrt(tf.tensor1d([1, 2], 'int32'))],
        ['all on float32', (tf) => tf.all(tf.tensor1d([1, 0]))],
        ['softmax int32', (tf) => tf.softmax(tf.tensor1d([1, 2], 'int32'))],
        ['tensor1d null', (tf) => tf.tensor1d(null)],
        ['tensor values count', (tf) => tf.tensor([1, 2, 3], [2, 2])],
        ['buffer shape', (tf) => tf.buffer([2, 2.2])],
        ['weights non-tensor', (tf) => tf.losses.absoluteDifference(tf.tensor1d([1]), tf.tensor1d([2]), {})],
        ['gather out of range', (tf) => tf.gather(tf.tensor2d([1, 11, 2, 22], [2, 2]), tf.tensor1d([100], 'int32'))],
        ['gather negative', (tf) => tf.gather(tf.tensor2d([1, 11, 2, 22], [2, 2]), tf.tensor1d([-1], 'int32'))],
        ['stack dtypes', (tf) => tf.stack([tf.scalar(1), tf.scalar(1, 'int32')])],
      ];
      for (const [name, f] of cases) {
        const [mine, want] = both((tf) => thrown(() => f(tf)));
        expect(`${name}: ${mine}`).toBe(`${name}: ${want}`);
      }
      const emb = ts.layers.embedding({ inputDim: 4, outputDim: 2 });
      expect(() => emb.apply(ts.tensor2d([[1, 5]]))).toThrow('GatherV2: the index value 5 is not in [0, 3]');
      expect(thrown(() => ts.tensor2d([[1, 2], [3, 4]], [1, 4]))).toMatch(/Inferred shape \(2,2\) does not match the provided shape \(1,4\)/);
      expect(() => tfc.tensor2d([[1, 2], [3, 4]], [1, 4])).toThrow();
    });

    it('gather with batchDims (values and gradient) and its argument checks', () => {
      const x = (tf: any) => tf.tensor3d(Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 0.5 - 3), [2, 3, 4]);
      const idx = (tf: any) => tf.tensor2d([[2, 0, 3], [1, 1, 0]], [2, 3], 'int32');
      for (const [axis, bd] of [[2, 1], [1, 1], [2, -1]] as const) {
        const ix = axis === 1 ? (tf: any) => tf.tensor2d([[2, 0, 1], [1, 1, 0]], [2, 3], 'int32') : idx;
        const [mine, want] = both((tf: any) => tf.gather(x(tf), ix(tf), axis, bd));
        expectSame(mine, want);
      }
      // Gradient (tfjs-core alone cannot differentiate batched gather: it needs its chained ops), by
      // hand: d sum(gather(x, idx, 2, 1)) / dx[b, m, n] counts the k with idx[b, k] == n.
      const g = ts.grad((a) => ts.gather(a, idx(ts), 2, 1))(x(ts));
      const ids = [[2, 0, 3], [1, 1, 0]];
      const want = Array.from({ length: 24 }, (_, i) => {
        const [bb, n] = [Math.floor(i / 12), i % 4];
        return ids[bb].filter((v) => v === n).length;
      });
      expect(Array.from(g.dataSync())).toEqual(want);
      for (const f of [(tf: any) => tf.gather(x(tf), idx(tf), 0, 1), (tf: any) => tf.gather(x(tf), idx(tf), 2, 3),
        (tf: any) => tf.gather(x(tf), tf.tensor2d([[0], [1], [2]], [3, 1], 'int32'), 2, 1)]) {
        const [mine, want] = both((tf) => thrown(() => f(tf)));
        expect(mine).toBe(want);
      }
    });

    it('range, eye with batchShape, null dtypes, typed-array dtypes, step and prelu dtypes', () => {
      const programs: ((tf: any) => AnyTensor)[] = [
        (tf) => tf.range(5, -1),
        (tf) => tf.range(5, -1, 2),
        (tf) => tf.range(0, 7, 2, 'int32'),
        (tf) => tf.eye(2, 3, [2], 'int32'),
        (tf) => tf.eye(3, null, null, null),
        (tf) => tf.zeros([2], null),
        (tf) => tf.tensor(new Uint8Array([1, 2, 3])),
        (tf) => tf.step(tf.tensor1d([-2, 0, 3], 'int32')),
        (tf) => tf.prelu(tf.tensor1d([-2, 0, 3], 'int32'), tf.scalar(2, 'int32')),
        (tf) => tf.tensor([1, 2, 3, 4, 5, 6], null, null),
        (tf) => tf.argMax(tf.tensor1d([0, 3, 5, NaN, 3])),
        (tf) => tf.argMin(tf.tensor2d([5, 0, NaN, -1, 3, NaN], [2, 3]), 1),
        (tf) => tf.sign(tf.tensor1d([1, NaN, -2, 0])),
        (tf) => tf.tensor1d([1, NaN, 0.4, 0, -0.7], 'bool'),
        (tf) => tf.all(tf.tensor1d([1, NaN, 1], 'bool')),
        (tf) => tf.pool(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]), 1, 'max', 1, undefined, 2),
        (tf) => tf.avgPool(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]), 1, 2, 1),
        (tf) => tf.tensor([new Int32Array([1, 2]), new Int32Array([3, 4]), [5, 6]]),
        (tf) => tf.squeeze(tf.zeros([2, 1, 3, 1]), []),
      ];
      for (const p of programs) {
        const [mine, want] = both(p);
        expectSame(mine, want);
      }
    });

    it('losses with weights and every Reduction', () => {
      const reductions = [ts.Reduction.NONE, ts.Reduction.MEAN, ts.Reduction.SUM, ts.Reduction.SUM_BY_NONZERO_WEIGHTS];
      const names = ['absoluteDifference', 'meanSquaredError', 'hingeLoss', 'logLoss', 'huberLoss', 'computeWeightedLoss'];
      for (const name of names) {
        for (const r of reductions) {
          const [mine, want] = both((tf: any) => {
            const labels = tf.tensor2d([0.2, 0.9, 0.1, 0.6, 0.3, 0.8], [2, 3]);
            const preds = tf.tensor2d([0.3, 0.7, 0.25, 0.5, 0.35, 0.6], [2, 3]);
            const weights = tf.tensor2d([[1, 0, 2]]);
            if (name === 'computeWeightedLoss') return tf.losses.computeWeightedLoss(labels, weights, r);
            if (name === 'huberLoss' || name === 'logLoss') return tf.losses[name](labels, preds, weights, undefined, r);
            return tf.losses[name](labels, preds, weights, r);
          });
          expectSame(mine, want);
        }
      }
      const [cos, cosWant] = both((tf: any) =>
        tf.losses.cosineDistance(tf.tensor2d([[0.6, 0.8], [1, 0]]), tf.tensor2d([[0.8, 0.6], [0, 1]]), 1, tf.tensor2d([[2], [1]])));
      expectSame(cos, cosWant);
    });

    it("Adadelta, Momentum and RMSProp trajectories and fromConfig match TF.js's optimizer classes", () => {
      const run = (tf: any, make: (tf: any) => any) => {
        const opt = make(tf);
        const x = tf.tensor1d([1, -2, 3]).variable(true, `x_${tf === ts ? 'ts' : 'tf'}_${Math.random()}`);
        const out: number[] = [];
        for (let s = 0; s < 3; s++) {
          opt.minimize(() => tf.sum(tf.square(x)), false, [x]);
          out.push(...Array.from(x.dataSync() as ArrayLike<number>));
        }
        const config = opt.getConfig();
        const cls = opt.constructor;
        const again = cls.fromConfig(cls, config).getConfig();
        x.dispose();
        opt.dispose();
        return { out, again };
      };
      const makers: ((tf: any) => any)[] = [
        (tf) => tf.train.adadelta(0.5, 0.9),
        (tf) => tf.train.momentum(0.1, 0.9, true),
        (tf) => tf.train.rmsprop(0.05, 0.9, 0.5, 1e-7, true),
      ];
      for (const make of makers) {
        const mine = run(ts, make);
        const want = run(tfc, make);
        mine.out.forEach((v, i) => expect(Math.abs(v - want.out[i])).toBeLessThanOrEqual(1e-5));
        expect(mine.again).toEqual(make(ts).getConfig());
      }
      const name = `dup_name_${backend}`;
      const v = ts.variable(ts.scalar(1), true, name);
      expect(thrown(() => ts.variable(ts.scalar(1), true, name))).toBe(`Variable with name ${name} was already registered`);
      v.dispose();
    });

    it('TensorBuffer set/get/locToIndex/indexToLoc/toTensor and tensor.bufferSync()', () => {
      const [mine, want] = both((tf: any) => {
        const b = tf.buffer([2, 3, 2], 'int32');
        b.set(7.9, 1, 2, 0);
        b.set(-3, 0, 1, 1);
        const fromTensor = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]).bufferSync();
        return {
          t: b.toTensor(),
          gets: [b.get(1, 2, 0), b.get(0, 1, 1), b.get(0, 0, 0), fromTensor.get(1, 0, 1)],
          idx: b.locToIndex([1, 2, 1]),
          loc: b.indexToLoc(9),
          strides: b.strides,
          values: Array.from(b.values as ArrayLike<number>),
          out: thrown(() => fromTensor.get(0, 0, 2)),
        };
      });
      expectSame(mine.t, want.t);
      expect({ ...mine, t: 0, out: /Requested out of range element/.test(mine.out) })
        .toEqual({ ...want, t: 0, out: /Requested out of range element/.test(want.out) });
    });

    it('random ops: shapes, dtypes, ranges, seeds and dropout scaling', () => {
      const m = ts.multinomial(ts.tensor2d([[0, 0, 0], [1, -100, -100]]), 200, 7);
      expect(m.shape).toEqual([2, 200]);
      expect(m.dtype).toBe('int32');
      const rows = m.arraySync() as number[][];
      expect(rows[0].every((v) => v >= 0 && v < 3)).toBe(true);
      expect(new Set(rows[0]).size).toBe(3); // a fair three-sided die shows every face in 200 throws
      expect(rows[1].every((v) => v === 0)).toBe(true); // logits 1 vs -100: always class 0
      expect(Array.from(ts.multinomial(ts.tensor1d([1, 2, 3]), 50, 5).dataSync()))
        .toEqual(Array.from(ts.multinomial(ts.tensor1d([1, 2, 3]), 50, 5).dataSync()));
      expect(() => ts.multinomial(ts.tensor1d([1]), 3)).toThrow(/outcomes/);

      const u = ts.randomUniformInt([1000], -3, 4, 11).dataSync();
      expect(Math.min(...u)).toBe(-3);
      expect(Math.max(...u)).toBe(3);

      const g = Array.from(ts.randomGamma([4000], 2, 2, 'float32', 3).dataSync());
      const meanG = g.reduce((a, b) => a + b, 0) / g.length;
      expect(g.every((v) => v > 0)).toBe(true);
      expect(Math.abs(meanG - 1)).toBeLessThan(0.06); // Gamma(alpha 2, rate 2) has mean 1, sd 0.71: 4000 draws give sd 0.011

      const x = ts.fill([2000], 3);
      const d = Array.from(ts.dropout(x, 0.25, undefined, 9).dataSync());
      expect(d.every((v) => v === 0 || Math.abs(v - 4) < 1e-6)).toBe(true);
      const kept = d.filter((v) => v !== 0).length / d.length;
      expect(Math.abs(kept - 0.75)).toBeLessThan(0.04);
      const shared = ts.dropout(ts.ones([4, 6]), 0.5, [4, 1], 2).arraySync() as number[][];
      shared.forEach((row) => expect(new Set(row).size).toBe(1));

      const r = ts.rand([3, 2], () => 4, 'int32');
      expect(r.dtype).toBe('int32');
      expect(Array.from(r.dataSync())).toEqual([4, 4, 4, 4, 4, 4]);
      const n = Array.from(ts.randomNormal([5000], 0, 2, 'int32', 4).dataSync());
      expect(Math.abs(n.reduce((a, b) => a + b, 0) / n.length)).toBeLessThan(0.1); // rounding keeps the mean at 0 (sd 2/sqrt(5000) = 0.03)
    });
  });
}
