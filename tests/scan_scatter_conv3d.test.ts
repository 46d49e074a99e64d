/**
 * Issue-7 ops (topk, cumsum, cumprod, gatherND, scatterND, tensorScatterUpdate, conv3d,
 * conv3dTranspose, maxPool3d, avgPool3d, localResponseNormalization): every case runs the same
 * program on tessera's js and wasm backends and on @tensorflow/tfjs-backend-cpu (the independent
 * reference; the API names are the same, so one function serves both libraries). js must match
 * TF.js, wasm must match js. Gradients: against TF.js's where it has them, else finite differences.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as ts from '../src/index.js';
import { checkGradients } from './helpers/gradcheck.js';
import { rng } from './helpers/wasm_compare.js';

type Lib = any; // tessera and tfjs-core share these names and argument orders
interface Case {
  name: string;
  run: (t: Lib) => any; // a tensor, an array of tensors, or {values, indices}
  tol?: number;
  /** Compare against TF.js (false where TF.js's cpu backend behaves differently on purpose; see note). */
  tfjs?: boolean;
}

const rand = rng(11);
function vals(n: number, lo = -3, hi = 3, grid = 0): number[] {
  return Array.from({ length: n }, () => {
    const v = lo + (hi - lo) * rand();
    return grid ? Math.round(v * grid) / grid : v;
  });
}
const n = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** A tensor of fixed random values (the same for both libraries). */
function fixed(shape: number[], opts: { lo?: number; hi?: number; grid?: number; dtype?: 'float32' | 'int32' } = {}) {
  const v = vals(n(shape), opts.lo ?? -3, opts.hi ?? 3, opts.dtype === 'int32' ? 1 : opts.grid ?? 0);
  return (t: Lib) => t.tensor(v, shape, opts.dtype ?? 'float32');
}
const ints = (t: Lib, v: number[], shape?: number[]) => t.tensor(v, shape, 'int32');

function tiesRow(len: number): number[] {
  return Array.from({ length: len }, (_, i) => (i * 7) % 5);
}

const CASES: Case[] = [];
// topk: ties (TF.js orders equal values by index), int32, k = 0, k = cols, rows of 1, 3, 17, 130
for (const [shape, k] of [[[5], 5], [[3, 17], 4], [[2, 3, 130], 7], [[1, 1], 1], [[4, 9], 0], [[2, 64], 64]] as [number[], number][]) {
  const x = fixed(shape, { grid: 2 }); // grid values: many exact ties
  CASES.push({ name: `topk ${JSON.stringify(shape)} k=${k}`, run: (t) => t.topk(x(t), k) });
}
const ties = tiesRow(40);
CASES.push({ name: 'topk ties int32', run: (t) => t.topk(t.tensor(ties, [2, 20], 'int32'), 9) });
CASES.push({ name: 'topk int32 negatives and ties', run: (t) => t.topk(t.tensor([-3, 5, -7, 0, 2, -1, 5, -3, -2147483648, 2147483647, -7, 0], [2, 6], 'int32'), 4) });
CASES.push({ name: 'topk -Infinity row', run: (t) => t.topk(t.tensor([-Infinity, -Infinity, 1, -Infinity]), 4) });
CASES.push({ name: 'x.topk() chained', run: (t) => t.tensor([20, 10, 40, 30]).topk(2) });

// cumsum / cumprod: every axis, exclusive x reverse, int32 and bool input
for (const op of ['cumsum', 'cumprod'] as const) {
  const x = fixed([3, 5, 6], op === 'cumprod' ? { lo: 0.5, hi: 1.5 } : {});
  for (const axis of [0, 1, 2]) { // TF.js mis-shapes a negative axis; tessera's -1 is checked below
    for (const [exclusive, reverse] of [[false, false], [true, false], [false, true], [true, true]]) {
      CASES.push({ name: `${op} axis ${axis} excl ${exclusive} rev ${reverse}`, run: (t) => t[op](x(t), axis, exclusive, reverse), tol: 1e-5 });
    }
  }
  const xi = fixed([4, 7], { lo: -3, hi: 3, dtype: 'int32' });
  CASES.push({ name: `${op} int32`, run: (t) => t[op](xi(t), 1) });
  const long = fixed([1000], op === 'cumprod' ? { lo: 0.99, hi: 1.01 } : { grid: 8 });
  CASES.push({ name: `${op} long 1-D (1000)`, run: (t) => t[op](long(t)), tol: 1e-4 });
}
CASES.push({ name: 'x.cumsum() chained', run: (t) => t.tensor([[1, 2], [3, 4]]).cumsum(1, true) });
CASES.push({ name: 'cumsum bool -> int32', run: (t) => t.cumsum(t.tensor([true, false, true, true], [4], 'bool')) });

// gatherND: depth 1..3, scalar slices, batch of index tuples, int32 x
const g3 = fixed([4, 3, 5]);
CASES.push({ name: 'gatherND depth 1', run: (t) => t.gatherND(g3(t), ints(t, [3, 0, 2, 3], [4, 1])) });
CASES.push({ name: 'gatherND depth 2', run: (t) => t.gatherND(g3(t), ints(t, [0, 2, 3, 1, 1, 1], [3, 2])) });
CASES.push({ name: 'gatherND depth 3 (elements), batched tuples', run: (t) => t.gatherND(g3(t), ints(t, [0, 2, 4, 3, 0, 1, 1, 1, 1, 2, 2, 0], [2, 2, 3])) });
const g2i = fixed([5, 3], { dtype: 'int32' });
CASES.push({ name: 'gatherND int32 x, rank-1 indices', run: (t) => t.gatherND(g2i(t), ints(t, [4])) });
// scatterND: repeats accumulate, rank-1 indices, slices, int32
CASES.push({ name: 'scatterND repeats', run: (t) => t.scatterND(ints(t, [0, 4, 2, 4, 0], [5, 1]), t.tensor([1, 2, 3, 4, 5]), [6]) });
CASES.push({ name: 'scatterND rank-1 indices', run: (t) => t.scatterND(ints(t, [3, 1]), t.tensor([7, 9]), [5]) });
const su = fixed([3, 5]);
CASES.push({ name: 'scatterND slices', run: (t) => t.scatterND(ints(t, [1, 2, 3, 0, 1, 2], [3, 2]), su(t), [4, 3, 5]), tol: 1e-5 });
CASES.push({ name: 'scatterND int32', run: (t) => t.scatterND(ints(t, [1, 1, 0], [3, 1]), t.tensor([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), [3, 2]) });
const tsx = fixed([4, 3, 5]);
const tsu = fixed([2, 5]);
CASES.push({ name: 'tensorScatterUpdate', run: (t) => t.tensorScatterUpdate(tsx(t), ints(t, [1, 2, 3, 0], [2, 2]), tsu(t)) });
CASES.push({ name: 'tensorScatterUpdate int32 rows', run: (t) => t.tensorScatterUpdate(t.ones([5, 2], 'int32'), ints(t, [4, 0], [2, 1]), t.tensor([[7, 8], [9, 10]], [2, 2], 'int32')) });

// conv3d / conv3dTranspose / pools: same and valid pads, strides, dilations, rank 4 input
const cx = fixed([2, 5, 6, 4, 3]);
const cf = fixed([2, 3, 2, 3, 5]);
for (const [strides, pad, dil] of [[1, 'valid', 1], [1, 'same', 1], [2, 'same', 1], [[1, 2, 3], 'valid', 1], [1, 'same', [2, 1, 2]]] as const) {
  CASES.push({ name: `conv3d strides ${strides} ${pad} dil ${dil}`, run: (t) => t.conv3d(cx(t), cf(t), strides, pad, 'NDHWC', dil), tol: 1e-4 });
}
const c4x = fixed([3, 3, 3, 2]);
const c4f = fixed([2, 2, 2, 2, 1]);
CASES.push({ name: 'conv3d rank 4', run: (t) => t.conv3d(c4x(t), c4f(t), 1, 'same'), tol: 1e-4 });
const tf5 = fixed([2, 2, 3, 4, 3]); // [fd, fh, fw, outC=4, inC=3]
const tdy = fixed([1, 2, 3, 2, 3]);
CASES.push({ name: 'conv3dTranspose stride 2 same', run: (t) => t.conv3dTranspose(tdy(t), tf5(t), [1, 4, 5, 4, 4], 2, 'same'), tol: 1e-4 });
CASES.push({ name: 'conv3dTranspose stride 1 valid', run: (t) => t.conv3dTranspose(tdy(t), tf5(t), [1, 3, 4, 4, 4], 1, 'valid'), tol: 1e-4 });
const px = fixed([2, 5, 4, 6, 3], { grid: 2 });
for (const op of ['maxPool3d', 'avgPool3d'] as const) {
  for (const [fs, strides, pad] of [[2, 1, 'valid'], [3, 2, 'same'], [[2, 3, 1], [1, 2, 2], 'same'], [2, 2, 1]] as const) {
    CASES.push({ name: `${op} ${fs} ${strides} ${pad}`, run: (t) => t[op](px(t), fs, strides, pad), tol: 1e-5 });
  }
}
const one = (t: Lib) => t.tensor([1], [1, 1, 1, 1, 1]);
CASES.push({ name: 'avgPool3d window wider than the input, valid: zero-size axis', run: (t) => t.avgPool3d(one(t), [1, 1, 3], 1, 'valid') });
CASES.push({ name: 'maxPool3d numeric pad with dimRoundingMode ceil', run: (t) => t.maxPool3d(px(t), 2, 2, 1, 'ceil'), tol: 1e-5 });
const lx = fixed([2, 3, 4, 9]);
const lx3 = fixed([3, 2, 4]);
CASES.push({ name: 'localResponseNormalization', run: (t) => t.localResponseNormalization(lx(t), 2, 1.5, 0.7, 0.6), tol: 1e-5 });
const dx = fixed([2, 6, 5, 3]);
const dw = fixed([3, 2, 3]);
CASES.push({ name: 'dilation2d same, strides 2', run: (t) => t.dilation2d(dx(t), dw(t), 2, 'same'), tol: 1e-6 });
CASES.push({ name: 'dilation2d valid, dilations 2 (chained)', run: (t) => dx(t).dilation2d(dw(t), 1, 'valid', 2), tol: 1e-6 });
CASES.push({ name: 'maxPoolWithArgmax same, batch in index', run: (t) => { const r = t.maxPoolWithArgmax(px(t).reshape([10, 4, 6, 3]), 3, 2, 'same', true); return [r.result, r.indexes]; } });
CASES.push({ name: 'maxPoolWithArgmax ignores NaN', run: (t) => {
  const r = t.maxPoolWithArgmax(t.tensor([NaN, 1, 2, NaN, 3, 4, 5, NaN, 6, 0, -1, 7], [1, 3, 2, 2]), 2, 1, 'same');
  return [r.result, r.indexes];
} });
CASES.push({ name: 'maxPoolWithArgmax valid', run: (t) => { const r = t.maxPoolWithArgmax(px(t).reshape([10, 4, 6, 3]), [2, 3], 1, 'valid'); return [r.result, r.indexes]; } });
CASES.push({ name: 'localResponseNormalization radius > depth (chained)', run: (t) => lx3(t).localResponseNormalization(7, 1, 1, 0.5), tol: 1e-5 });

/** Flat values and shapes of a result (tensor, list, or {values, indices}). */
async function flatten(r: any): Promise<{ shapes: number[][]; dtypes: string[]; data: number[][] }> {
  const list = Array.isArray(r) ? r : r && r.values && r.indices ? [r.values, r.indices] : [r];
  return {
    shapes: list.map((x: any) => x.shape),
    dtypes: list.map((x: any) => x.dtype),
    data: await Promise.all(list.map(async (x: any) => Array.from(await x.data()) as number[])),
  };
}

function expectClose(got: number[], want: number[], tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const g = got[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= tol * (1 + Math.abs(w));
    if (!ok) expect.fail(`${what}: [${i}] got ${g}, want ${w}`);
  }
}

async function runOn(backend: 'js' | 'wasm', c: Case) {
  expect(await ts.setBackend(backend)).toBe(true);
  return flatten(ts.tidy(() => c.run(ts)));
}

describe('issue-7 ops: tessera js and wasm vs tfjs-backend-cpu', () => {
  beforeAll(async () => {
    await tfc.setBackend('cpu');
  });
  for (const c of CASES) {
    it(c.name, async () => {
      const want = await flatten(c.run(tfc));
      const js = await runOn('js', c);
      const wasm = await runOn('wasm', c);
      const tol = c.tol ?? 1e-6;
      expect(js.shapes).toEqual(want.shapes);
      expect(js.dtypes).toEqual(want.dtypes);
      want.data.forEach((w, i) => expectClose(js.data[i], w, tol, `${c.name} js vs tfjs output ${i}`));
      expect(wasm.shapes).toEqual(js.shapes);
      expect(wasm.dtypes).toEqual(js.dtypes);
      js.data.forEach((w, i) => expectClose(wasm.data[i], w, tol, `${c.name} wasm vs js output ${i}`));
    });
  }
});

interface GradCaseTf { name: string; f: (t: Lib, ...xs: any[]) => any; shapes: number[][]; tol?: number }
const GRADS: GradCaseTf[] = [
  // TF.js's cumsum gradient mis-shapes any axis but the last; those are checked by finite differences below
  { name: 'cumsum last axis exclusive', f: (t, x) => t.cumsum(x, 2, true), shapes: [[3, 4, 2]] },
  { name: 'cumsum last axis reverse', f: (t, x) => t.cumsum(x, 1, false, true), shapes: [[5, 3]] },
  { name: 'conv3d', f: (t, x, w) => t.conv3d(x, w, [1, 2, 1], 'same'), shapes: [[2, 4, 5, 3, 2], [2, 3, 2, 2, 3]], tol: 1e-4 },
  { name: 'maxPool3d', f: (t, x) => t.maxPool3d(x, 2, 1, 'valid'), shapes: [[1, 3, 4, 3, 2]] },
  { name: 'avgPool3d', f: (t, x) => t.avgPool3d(x, [2, 2, 1], [2, 1, 1], 'valid'), shapes: [[2, 4, 3, 3, 2]], tol: 1e-5 },
  { name: 'localResponseNormalization', f: (t, x) => t.localResponseNormalization(x, 2, 1.2, 0.5, 0.75), shapes: [[2, 3, 2, 7]], tol: 1e-4 },
  { name: 'dilation2d (both operands)', f: (t, x, w) => t.dilation2d(x, w, 1, 'same'), shapes: [[1, 5, 4, 2], [2, 3, 2]], tol: 1e-5 },
];

describe('issue-7 gradients vs tfjs-backend-cpu', () => {
  it('maxPool3d gradient routes dy to tied maxima as tfjs-backend-cpu does', async () => {
    const x = Array.from({ length: 72 }, (_, i) => (i * 7) % 3); // many equal window maxima
    const dy = Array.from({ length: 24 }, (_, i) => i + 1);
    const f = (t: Lib) => (v: any) => t.maxPool3d(v, 2, 1, 'valid');
    const want = Array.from(tfc.grad(f(tfc))(tfc.tensor(x, [1, 3, 4, 3, 2]), tfc.tensor(dy, [1, 2, 3, 2, 2])).dataSync());
    for (const backend of ['js', 'wasm'] as const) {
      expect(await ts.setBackend(backend)).toBe(true);
      const got = ts.grad(f(ts))(ts.tensor(x, [1, 3, 4, 3, 2]), ts.tensor(dy, [1, 2, 3, 2, 2]));
      expectClose(Array.from(got.dataSync()), want, 0, `maxPool3d tied maxima ${backend}`);
    }
  });
  for (const c of GRADS) {
    it(c.name, async () => {
      const inputs = c.shapes.map((s) => vals(n(s)));
      const w = vals(n(c.f(tfc, ...c.shapes.map((s, i) => tfc.tensor(inputs[i], s))).shape));
      const loss = (t: Lib) => (...xs: any[]) => t.sum(t.mul(c.f(t, ...xs), t.tensor(w, c.f(t, ...xs).shape)));
      const want = tfc.grads(loss(tfc))(c.shapes.map((s, i) => tfc.tensor(inputs[i], s)));
      for (const backend of ['js', 'wasm'] as const) {
        expect(await ts.setBackend(backend)).toBe(true);
        const got = ts.grads(loss(ts))(c.shapes.map((s, i) => ts.tensor(inputs[i], s)));
        for (let i = 0; i < want.length; i++) {
          expectClose(Array.from(got[i].dataSync()), Array.from(want[i].dataSync()), c.tol ?? 1e-5, `${c.name} ${backend} d/dx${i}`);
        }
      }
    });
  }
});

describe('issue-7 gradients TF.js lacks, against finite differences (js)', () => {
  beforeAll(async () => {
    await ts.setBackend('js');
  });
  it('cumsum along a middle axis, exclusive and reverse', () => {
    checkGradients(ts, { name: 'cumsum axis 1', f: (t, x) => t.cumsum(x, 1, true, true), shapes: [[2, 4, 3]] });
  });
  it('cumsum / cumprod accept a negative axis (same as rank - 1)', () => {
    const x = ts.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(Array.from(ts.cumsum(x, -1).dataSync())).toEqual([1, 3, 6, 4, 9, 15]); // hand-worked running sums
    expect(Array.from(ts.cumprod(x, -1, true).dataSync())).toEqual([1, 1, 2, 1, 4, 20]); // exclusive running products
  });
  it('cumprod (inclusive and exclusive reverse)', () => {
    checkGradients(ts, { name: 'cumprod', f: (t, x) => t.cumprod(x, 1), shapes: [[3, 4]], range: [0.5, 1.5] });
    checkGradients(ts, { name: 'cumprod excl rev', f: (t, x) => t.cumprod(x, 0, true, true), shapes: [[4, 2]], range: [0.5, 1.5] });
  });
  it('gatherND and scatterND (repeated indices)', () => {
    const idx = ts.tensor([[1, 0], [2, 1], [1, 0]], [3, 2], 'int32');
    checkGradients(ts, { name: 'gatherND', f: (t, x) => t.gatherND(x, idx), shapes: [[3, 2, 4]] });
    checkGradients(ts, { name: 'scatterND', f: (t, u) => t.scatterND(idx, u, [3, 2, 4]), shapes: [[3, 4]] });
  });
  it('tensorScatterUpdate (both operands)', () => {
    const idx = ts.tensor([[2], [0]], [2, 1], 'int32');
    checkGradients(ts, { name: 'tensorScatterUpdate', f: (t, x, u) => t.tensorScatterUpdate(x, idx, u), shapes: [[4, 3], [2, 3]] });
  });
  it('conv3dTranspose', () => {
    checkGradients(ts, {
      name: 'conv3dTranspose', f: (t, x, w) => t.conv3dTranspose(x, w, [1, 4, 3, 4, 2], 2, 'same'), shapes: [[1, 2, 2, 2, 3], [2, 2, 2, 2, 3]],
    });
  });
});

describe('issue-7 errors use TF.js wording', () => {
  it('topk', () => {
    expect(() => ts.topk(ts.tensor([[1, 2]]), -1)).toThrow(/'k' passed to topk\(\) must be >= 0/);
    expect(() => ts.topk(ts.tensor([[1, 2]]), 3)).toThrow(/'k' passed to topk\(\) must be <= the last dimension \(2\) but got 3/);
    expect(() => ts.topk(ts.scalar(2))).toThrow(/topk\(\) expects the input to be of rank 1 or higher/);
  });
  it('cumsum axis out of range', () => {
    expect(() => ts.cumsum(ts.tensor([1, 2]), 1)).toThrow(/cumsum: axis 1 is out of range for a tensor of rank 1/);
  });
  it('gatherND and scatterND', () => {
    expect(() => ts.gatherND(ts.tensor([1, 2, 3]), ts.tensor([[1]], [1, 1], 'float32'))).toThrow(/expects the indices to be int32 type, but the dtype was float32/);
    expect(() => ts.gatherND(ts.zeros([3, 2]), ts.tensor([[0, 1, 2]], [1, 3], 'int32'))).toThrow(/index innermost dimension length must be <= tensor rank; saw: 3 vs. 2/);
    expect(() => ts.scatterND([0, 4, 2], [100, 101, 102], [5.5, 2])).toThrow(/Tensor must have a shape comprised of positive integers/);
    expect(() => ts.scatterND(ts.tensor([[0], [4], [2]], [3, 1], 'int32'), ts.zeros([3, 4]), [5, 3])).toThrow(/Must have updates.shape = indices.shape\[:batchDim\] \+ shape\[sliceDim:\]/);
    expect(() => ts.tensorScatterUpdate(ts.ones([3, 3]), ts.tensor([[0], [1]], [2, 1], 'int32'), ts.tensor([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32'))).toThrow(/tensor and updates must have the same dtype, instead they are float32 and int32/);
  });
  it('conv3d', () => {
    expect(() => ts.conv3d(ts.zeros([1, 2, 2, 2, 3]), ts.zeros([1, 1, 1, 2, 1]), 1, 'valid')).toThrow(/depth of input \(3\) must match input depth for filter 2/);
    expect(() => ts.conv3d(ts.zeros([2, 2, 2]), ts.zeros([1, 1, 1, 2, 1]), 1, 'valid')).toThrow(/Error in conv3d: x must be rank 5, but got rank 3/);
    expect(() => ts.conv3d(ts.zeros([1, 4, 4, 4, 1]), ts.zeros([1, 1, 1, 1, 1]), 2, 'valid', 'NDHWC', 2)).toThrow(/Either strides or dilations must be 1/);
    expect(() => ts.avgPool3d(ts.zeros([1, 1, 1, 1, 1], 'int32'), 2, 1, 0)).toThrow(/Argument 'x' passed to 'avgPool3d' must be float32 tensor, but got int32 tensor/);
  });
});
