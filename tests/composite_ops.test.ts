/**
 * The composed ops (slicing, einsum, linalg, search/counting, sparse, ragged, shape helpers)
 * against @tensorflow/tfjs-core + tfjs-backend-cpu as the independent reference, on the js and
 * wasm backends: same shape, dtype and values (float32 within 1e-5 relative; NaN fails). Inputs
 * use awkward shapes (1, 3, 5, 7, zero-size) and every stridedSlice mask.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ts from '../src/index.js';
import { seededValues } from './helpers/gradcheck.js';

/** Either library: every case runs the same code on TF.js and on tessera. */
type Tf = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Out { shape: number[]; dtype: string; values: number[] }

beforeAll(async () => {
  await tfc.setBackend('cpu');
});

const vals = (n: number, seed: number) => seededValues(n, seed, -3, 3).map((v) => Math.round(v * 64) / 64);
const ints = (n: number, seed: number, lo: number, hi: number) => seededValues(n, seed, lo, hi + 1).map(Math.floor);

/** Run f inside lib.tidy and read its tensor out before the scope ends. */
function inTidy(lib: { tidy(f: () => void): unknown }, f: () => any): Out {
  let out: Out | undefined;
  lib.tidy(() => {
    out = read(f());
  });
  return out!;
}

function read(t: { shape: number[]; dtype: string; dataSync(): ArrayLike<number | string> }): Out {
  return { shape: t.shape.slice(), dtype: t.dtype, values: Array.from(t.dataSync() as ArrayLike<number>, Number) };
}

function expectSame(got: Out, want: Out, what: string): void {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  expect(got.dtype, `${what}: dtype`).toBe(want.dtype);
  expect(got.values.length, `${what}: size`).toBe(want.values.length);
  for (let i = 0; i < want.values.length; i++) {
    const g = got.values[i];
    const w = want.values[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= 1e-5 * Math.max(1, Math.abs(w));
    if (!ok) expect.fail(`${what}: [${i}] got ${g}, TF.js ${w}`);
  }
}

interface Case { name: string; run: (lib: any) => any }

const x345 = vals(60, 1);
const x7 = vals(7, 2);
const strided: [string, number[], number[], number[], number[]][] = [
  // [name, shape, begin, end, strides]
  ['1d step 2', [7], [0], [7], [2]],
  ['1d negative step', [7], [-2], [-6], [-1]],
  ['1d out of range clamps', [7], [-10], [10], [3]],
];
const cases: Case[] = [
  ...strided.map(([name, shape, b, e, s]) => ({ name: `stridedSlice ${name}`, run: (tf: Tf) => tf.stridedSlice(tf.tensor(x7, shape), b, e, s) })),
  { name: 'stridedSlice 3d strides 2,-1,3', run: (tf: Tf) => tf.stridedSlice(tf.tensor(x345, [3, 4, 5]), [0, 3, 1], [3, 0, 5], [2, -1, 3]) },
  { name: 'stridedSlice begin/end masks', run: (tf: Tf) => tf.stridedSlice(tf.tensor(x345, [3, 4, 5]), [2, 1, 4], [0, 3, 0], [1, 1, -2], 0b101, 0b011) },
  { name: 'stridedSlice ellipsis + newAxis', run: (tf: Tf) => tf.stridedSlice(tf.tensor(x345, [3, 4, 5]), [0, 0, 1], [0, 0, 4], [1, 1, 1], 0, 0, 0b001, 0b010) },
  { name: 'stridedSlice shrink', run: (tf: Tf) => tf.stridedSlice(tf.tensor(x345, [3, 4, 5]), [1, 2, 1], [2, 0, 4], [1, 1, 1], 0, 0, 0, 0, 0b011) },
  { name: 'stridedSlice int32', run: (tf: Tf) => tf.stridedSlice(tf.tensor(ints(60, 3, -9, 9), [3, 4, 5], 'int32'), [0, 1], [3, 4], [2, 2]) },
  { name: 'einsum matmul', run: (tf: Tf) => tf.einsum('ij,jk->ik', tf.tensor(vals(15, 4), [3, 5]), tf.tensor(vals(35, 5), [5, 7])) },
  { name: 'einsum batched transposed out', run: (tf: Tf) => tf.einsum('bij,bkj->bki', tf.tensor(vals(30, 6), [2, 3, 5]), tf.tensor(vals(70, 7), [2, 7, 5])) },
  { name: 'einsum contract two dims', run: (tf: Tf) => tf.einsum('abcd,cde->abe', tf.tensor(vals(60, 8), [1, 3, 4, 5]), tf.tensor(vals(60, 9), [4, 5, 3])) },
  { name: 'einsum reduce/transpose one input', run: (tf: Tf) => tf.einsum('ijk->ki', tf.tensor(x345, [3, 4, 5])) },
  { name: 'einsum elementwise batch', run: (tf: Tf) => tf.einsum('bi,bi->bi', tf.tensor(vals(15, 12), [3, 5]), tf.tensor(vals(15, 13), [3, 5])) },
  ...([['euclidean', null], [1, 1], [Infinity, 0], [-Infinity, -1], [2, [0]], ['fro', [0, 2]], [1, [0, 1]], [Infinity, [1, 2]]] as const).map(([ord, axis]) => ({
    name: `norm ord ${String(ord)} axis ${JSON.stringify(axis)}`,
    run: (tf: Tf) => tf.norm(tf.tensor(x345, [3, 4, 5]), ord as any, axis as any, true),
  })),
  { name: 'euclideanNorm', run: (tf: Tf) => tf.euclideanNorm(tf.tensor(x345, [3, 4, 5]), [0, 2]) },
  { name: 'batchToSpaceND', run: (tf: Tf) => tf.batchToSpaceND(tf.tensor(vals(72, 14), [8, 3, 1, 3]), [2, 4], [[1, 2], [0, 3]]) },
  { name: 'spaceToBatchND', run: (tf: Tf) => tf.spaceToBatchND(tf.tensor(vals(30, 15), [2, 3, 5, 1]), [2, 3], [[1, 0], [0, 1]]) },
  { name: 'spaceToBatchND 1 block dim, rest 2', run: (tf: Tf) => tf.spaceToBatchND(tf.tensor(vals(42, 16), [1, 7, 3, 2]), [3], [[1, 1]]) },
  { name: 'mirrorPad reflect', run: (tf: Tf) => tf.mirrorPad(tf.tensor(x345, [3, 4, 5]), [[2, 1], [0, 3], [4, 4]], 'reflect') },
  { name: 'mirrorPad symmetric', run: (tf: Tf) => tf.mirrorPad(tf.tensor(x345, [3, 4, 5]), [[3, 0], [4, 1], [0, 5]], 'symmetric') },
  { name: 'diag', run: (tf: Tf) => tf.diag(tf.tensor(vals(6, 17), [2, 3])) },
  { name: 'outerProduct', run: (tf: Tf) => tf.outerProduct(tf.tensor(vals(3, 18)), tf.tensor(vals(5, 19))) },
  { name: 'linalg.bandPart', run: (tf: Tf) => tf.linalg.bandPart(tf.tensor(x345, [3, 4, 5]), 1, 2) },
  { name: 'linalg.qr q (5x4)', run: (tf: Tf) => tf.linalg.qr(tf.tensor(vals(20, 34), [5, 4]))[0] },
  { name: 'linalg.qr r (3x5)', run: (tf: Tf) => tf.linalg.qr(tf.tensor(vals(15, 35), [3, 5]))[1] },
  { name: 'linalg.qr r full (5x3)', run: (tf: Tf) => tf.linalg.qr(tf.tensor(vals(15, 20), [5, 3]), true)[1] },
  { name: 'linalg.gramSchmidt', run: (tf: Tf) => tf.linalg.gramSchmidt(tf.tensor(vals(15, 21), [3, 5])) },
  { name: 'searchSorted left 2d', run: (tf: Tf) => tf.searchSorted(tf.tensor([[0, 3, 9, 9, 10], [1, 2, 3, 4, 5]]), tf.tensor([[2, 9, 9, 11], [0, 2, 6, 5]]), 'left') },
  { name: 'searchSorted large, duplicates, both sides', run: (tf: Tf) => {
    const sorted = tf.tensor([...ints(1000, 36, -50, 50).sort((a, b) => a - b), ...ints(1000, 38, 0, 9).sort((a, b) => a - b)], [2, 1000]);
    const v = tf.tensor(ints(2 * 301, 37, -60, 60), [2, 301]);
    return tf.concat([tf.searchSorted(sorted, v, 'left'), tf.searchSorted(sorted, v, 'right')]);
  } },
  { name: 'upperBound 2d', run: (tf: Tf) => tf.upperBound(tf.tensor([[1, 1, 2, 2, 2, 7]]), tf.tensor([[0, 1, 2, 3, 7, 8, 1]])) },
  { name: 'bincount weighted', run: (tf: Tf) => tf.bincount(tf.tensor(ints(17, 22, 0, 6), [17], 'int32'), tf.tensor(vals(17, 23)), 5) },
  { name: 'denseBincount 2d binary', run: (tf: Tf) => tf.denseBincount(tf.tensor(ints(21, 24, 0, 7), [3, 7], 'int32'), tf.tensor([], [0]), 5, true) },
  { name: 'math.confusionMatrix', run: (tf: Tf) => tf.math.confusionMatrix(tf.tensor(ints(17, 25, 0, 3), [17], 'int32'), tf.tensor(ints(17, 26, 0, 3), [17], 'int32'), 4) },
  { name: 'unique values axis 1', run: (tf: Tf) => tf.unique(tf.tensor([[1, 0, 1, 1], [2, 0, 2, 3], [2, 0, 2, 2]]), 1).values },
  { name: 'unique indices', run: (tf: Tf) => tf.unique(tf.tensor([4, 4, 1, 4, NaN, 1, NaN])).indices },
  { name: 'addN', run: (tf: Tf) => tf.addN([tf.tensor(x7), tf.tensor(vals(7, 27)), tf.tensor(vals(7, 28))]) },
  { name: 'logSigmoid', run: (tf: Tf) => tf.logSigmoid(tf.tensor([-100, -3, -0.5, 0, 0.5, 3, 100])) },
  { name: 'movingAverage zeroDebias', run: (tf: Tf) => tf.movingAverage(tf.tensor(x7), tf.tensor(vals(7, 29)), 0.9, 3) },
  { name: 'bitwiseAnd', run: (tf: Tf) => tf.bitwiseAnd(tf.tensor([-1, 12, 7, 0x7fffffff], [4], 'int32'), tf.tensor([5, 10, -8, 0x0f0f0f0f], [4], 'int32')) },
  { name: 'broadcastArgs', run: (tf: Tf) => tf.broadcastArgs(tf.tensor([1, 6, 1], [3], 'int32'), tf.tensor([5, 1, 1, 4], [4], 'int32')) },
  { name: 'meshgrid xy', run: (tf: Tf) => tf.stack(tf.meshgrid(tf.tensor([1, 2, 3]), tf.tensor([4, 5, 6, 7]))) },
  { name: 'sparseSegmentMean 2d', run: (tf: Tf) => tf.sparse.sparseSegmentMean(tf.tensor(x345, [12, 5]), tf.tensor([0, 3, 3, 7, 11], [5], 'int32'), tf.tensor([0, 0, 2, 2, 4], [5], 'int32')) },
  { name: 'sparseSegmentSum int32', run: (tf: Tf) => tf.sparse.sparseSegmentSum(tf.tensor(ints(12, 30, -9, 9), [4, 3], 'int32'), tf.tensor([1, 2, 3], [3], 'int32'), tf.tensor([0, 1, 1], [3], 'int32')) },
  { name: 'sparseReshape indices', run: (tf: Tf) => tf.sparse.sparseReshape(tf.tensor([[0, 0, 1], [0, 2, 3], [1, 1, 0], [1, 2, 4]], [4, 3], 'int32'), [2, 3, 5], [5, -1]).outputIndices },
  { name: 'sparseFillEmptyRows indices', run: (tf: Tf) => tf.sparse.sparseFillEmptyRows(tf.tensor([[3, 1], [0, 2], [3, 0]], [3, 2], 'int32'), [5, 6, 7], [5, 4], -2).outputIndices },
  { name: 'sparseFillEmptyRows values', run: (tf: Tf) => tf.sparse.sparseFillEmptyRows(tf.tensor([[3, 1], [0, 2], [3, 0]], [3, 2], 'int32'), [5, 6, 7], [5, 4], -2).outputValues },
  { name: 'raggedGather 2d indices values', run: (tf: Tf) => tf.raggedGather([tf.tensor([0, 1, 3, 3, 5], [5], 'int32'), tf.tensor([0, 2, 2, 5, 6, 8], [6], 'int32')], tf.tensor(vals(16, 31), [8, 2]), tf.tensor([[3, 1], [0, 1]], [2, 2], 'int32'), 3).outputDenseValues },
  { name: 'raggedGather splits', run: (tf: Tf) => tf.concat(tf.raggedGather([tf.tensor([0, 1, 3, 3, 5], [5], 'int32'), tf.tensor([0, 2, 2, 5, 6, 8], [6], 'int32')], tf.tensor(vals(16, 31), [8, 2]), tf.tensor([[3, 1], [0, 1]], [2, 2], 'int32'), 3).outputNestedSplits) },
  { name: 'raggedRange float', run: (tf: Tf) => tf.raggedRange(tf.tensor([0, 5.5, 2]), tf.tensor([3, 1, 9]), tf.tensor([0.75, -1.25, 2.5])).rtDenseValues },
  { name: 'raggedTensorToTensor row splits', run: (tf: Tf) => tf.raggedTensorToTensor([3, -1, 2], tf.tensor(vals(14, 32), [7, 2]), 9, [tf.tensor([0, 3, 3, 7], [4], 'int32')], ['ROW_SPLITS']) },
];

for (const backend of ['js', 'wasm'] as const) {
  describe(`composed ops match TF.js cpu (${backend})`, () => {
    beforeAll(async () => {
      expect(await ts.setBackend(backend)).toBe(true);
    });
    for (const c of cases) {
      it(c.name, () => {
        const want = inTidy(tfc, () => c.run(tfc));
        const before = ts.memory().numTensors;
        const got = inTidy(ts, () => c.run(ts));
        expect(ts.memory().numTensors, 'tensors leaked').toBe(before);
        expectSame(got, want, c.name);
      });
    }

    it('cases where TF.js 4.22 itself errs: checked against other TF.js ops or by hand', () => {
      const x = vals(15, 10);
      const y = vals(7, 11);
      // 'ij,k->ki' = sum_j x[i,j] * y[k]; TF.js's einsum returns shape [1,3] here.
      expectSame(inTidy(ts, () => ts.einsum('ij,k->ki', ts.tensor(x, [3, 5]), ts.tensor(y, [7]))),
        inTidy(tfc, () => tfc.mul(tfc.expandDims(tfc.sum(tfc.tensor(x, [3, 5]), 1), 0), tfc.expandDims(tfc.tensor(y, [7]), 1))), 'einsum ij,k->ki');
      // Batched qr with m > n (TF.js fails to reshape): each matrix as its own 2-D qr.
      expectSame(inTidy(ts, () => ts.linalg.qr(ts.tensor(x345, [3, 5, 4]))[0]),
        inTidy(tfc, () => tfc.stack(tfc.unstack(tfc.tensor(x345, [3, 5, 4])).map((m) => tfc.linalg.qr(m as tfc.Tensor2D)[0]))), 'batched qr');
      // Shrinking a negative index next to a step of 2: x[1, -1, ::2] = x[1, 3, 0:5:2] (TF.js 4.22 reads out of range here).
      const shrunk = read(ts.stridedSlice(ts.tensor(x345, [3, 4, 5]), [1, -1, 0], [2, 0, 5], [1, 1, 2], 0, 0, 0, 0, 0b011));
      expect(shrunk.shape).toEqual([3]);
      expect(shrunk.values).toEqual([x345[35], x345[37], x345[39]].map((v) => Math.fround(v)));
      // begin > end with stride 1 selects nothing (TF.js fails to build the empty buffer).
      expect(ts.stridedSlice(ts.tensor(x345, [3, 4, 5]), [2, 0, 0], [1, 4, 5], [1, 1, 1]).shape).toEqual([0, 4, 5]);
      // 1-D searchSorted keeps values' shape (TF.js returns [1, n]).
      expect(read(ts.upperBound(ts.tensor([1, 1, 2, 7]), ts.tensor([0, 1, 2, 3, 9])))).toEqual({ shape: [5], dtype: 'int32', values: [0, 2, 3, 3, 4] });
    });

    it('async host ops: whereAsync, booleanMaskAsync, setdiff1dAsync, inTopKAsync', async () => {
      const cond = [[true, false, true], [false, false, true]];
      expectSame(read(await ts.whereAsync(ts.tensor(cond))), read(await tfc.whereAsync(tfc.tensor(cond))), 'whereAsync');
      const t = vals(24, 33);
      const mask = [true, false, false, true];
      expectSame(read(await ts.booleanMaskAsync(ts.tensor(t, [2, 4, 3]), ts.tensor(mask), 1)),
        read(await tfc.booleanMaskAsync(tfc.tensor(t, [2, 4, 3]), tfc.tensor(mask), 1)), 'booleanMaskAsync');
      const [a, b] = await ts.setdiff1dAsync(ts.tensor([7, 1, 4, 1, 9], [5], 'int32'), ts.tensor([1, 5], [2], 'int32'));
      const [ra, rb] = await tfc.setdiff1dAsync(tfc.tensor([7, 1, 4, 1, 9], [5], 'int32'), tfc.tensor([1, 5], [2], 'int32'));
      expectSame(read(a), read(ra), 'setdiff1dAsync values');
      expectSame(read(b), read(rb), 'setdiff1dAsync indices');
      const preds = [[1, 3, 3, 0], [5, 5, 5, 5], [0, 1, 2, 3]];
      for (const k of [1, 2, 3]) {
        expectSame(read(await ts.inTopKAsync(ts.tensor(preds), ts.tensor([2, 3, 0], [3], 'int32'), k)),
          read(await tfc.inTopKAsync(tfc.tensor(preds), tfc.tensor([2, 3, 0], [3], 'int32'), k)), `inTopKAsync k=${k}`);
      }
    });

    it('chained methods forward to the ops', () => {
      const x = ts.tensor(x345, [3, 4, 5]);
      const y = tfc.tensor(x345, [3, 4, 5]);
      expectSame(read(x.stridedSlice([0, 1], [3, 4], [2, 1])), read(tfc.stridedSlice(y, [0, 1], [3, 4], [2, 1])), 'x.stridedSlice');
      expectSame(read(x.norm(1, 2)), read(tfc.norm(y, 1, 2)), 'x.norm');
      expectSame(read(x.mirrorPad([[1, 1], [0, 0], [2, 0]], 'reflect')), read(tfc.mirrorPad(y, [[1, 1], [0, 0], [2, 0]], 'reflect')), 'x.mirrorPad');
      expectSame(read(x.logSigmoid()), read(tfc.logSigmoid(y)), 'x.logSigmoid');
      expectSame(read(x.spaceToBatchND([2], [[0, 0]])), read(tfc.spaceToBatchND(y, [2], [[0, 0]])), 'x.spaceToBatchND');
      ts.dispose(x);
      y.dispose();
    });
  });
}

describe('composed ops: errors name the op and the offending values', () => {
  it('rejects bad arguments with TF.js wording', async () => {
    const m = ts.tensor(x345, [3, 4, 5]);
    expect(() => ts.stridedSlice(m, [0], [1], [0])).toThrow('strides[0] must be non-zero');
    expect(() => ts.stridedSlice(m, [0, 0], [1, 1], [1, 1], 0, 0, 0b11)).toThrow('Multiple ellipses in slice is not allowed.');
    expect(() => ts.einsum('ij,jk->ik', ts.ones([2, 3]), ts.ones([2, 2]))).toThrow(/dimension 3 at axis 0 of input shaped \[2,2\]/);
    expect(() => ts.einsum('ii->i', ts.ones([2, 2]))).toThrow(/not implemented yet/);
    expect(() => ts.batchToSpaceND(ts.ones([3, 2, 2, 1]), [2, 2], [[0, 0], [0, 0]])).toThrow(/not divisible by the product of the elements of blockShape 2 \* 2 === 4/);
    expect(() => ts.mirrorPad(ts.ones([3]), [[3, 0]], 'reflect')).toThrow(/Padding in dimension 0 cannot be greater than or equal to 2/);
    expect(() => ts.bincount(ts.tensor([1.5, 2]), [], 3)).toThrow(/bincount: x must be int32, got float32/);
    expect(() => ts.linalg.qr(ts.ones([3]))).toThrow(/rank >= 2.*got rank 1/);
    expect(() => ts.sparse.sparseSegmentSum(ts.ones([4, 2]), ts.tensor([0, 9], [2], 'int32'), ts.tensor([0, 1], [2], 'int32')))
      .toThrow('Bad: indices[1] == 9 out of range [0, 4)');
    expect(() => ts.raggedRange(ts.tensor([0]), ts.tensor([1]), ts.tensor([0]))).toThrow('Requires delta != 0');
    await expect(ts.inTopKAsync(ts.ones([2, 4]), ts.tensor([0, 1], [2], 'int32'), 5)).rejects.toThrow(/last dimension \(4\), but got 5/);
    m.dispose();
  });
});
