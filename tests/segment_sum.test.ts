/**
 * The unsortedSegmentSum scatter-add: the js reference kernel against a brute-force sum written
 * here, the wasm kernel against js (out-of-range and repeated ids, n = 0, outer > 1, inner not a
 * multiple of 4), the op's TF.js semantics and errors, its gradient and gather's gradient against
 * finite differences, and a large gather gradient (table [20000, 8], 2048 ids) that must not
 * allocate a dense one-hot matrix.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';
import { jsKernels } from '../src/backends/js/backend.js';
import type { KernelAttrs } from '../src/backends/kernels.js';
import type { TensorInfo } from '../src/backends/backend.js';
import { createWasmBackendSync } from '../src/backends/wasm/index.js';
import { checkGradients } from './helpers/gradcheck.js';
import { expectClose, rng, runBoth } from './helpers/wasm_compare.js';

const rand = rng(7);
const wasm = createWasmBackendSync()!;

function floats(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.round((rand() * 6 - 3) * 64) / 64;
  return a;
}
function ids(n: number, lo: number, hi: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor((hi - lo + 1) * rand());
  return a;
}

/** Brute force: for every output element, sum the x elements whose id matches (float64). */
function bruteForce(x: Float32Array, seg: Int32Array, a: KernelAttrs['unsortedSegmentSum']): Float64Array {
  const out = new Float64Array(a.outer * a.numSegments * a.inner);
  for (let o = 0; o < a.outer; o++) {
    for (let s = 0; s < a.numSegments; s++) {
      for (let i = 0; i < a.inner; i++) {
        let acc = 0;
        for (let j = 0; j < a.n; j++) if (seg[j] === s) acc += x[(o * a.n + j) * a.inner + i];
        out[(o * a.numSegments + s) * a.inner + i] = acc;
      }
    }
  }
  return out;
}

const info = (size: number, dtype: 'float32' | 'int32'): TensorInfo =>
  ({ dataId: { backend: 'js' } as unknown as TensorInfo['dataId'], shape: [size], dtype, size });

// [outer, n, inner, numSegments, id range lo, hi]
const SHAPES: [number, number, number, number, number, number][] = [
  [1, 7, 3, 5, -2, 6], // out-of-range ids both sides, repeats
  [3, 11, 1, 4, 0, 3], // outer > 1, inner 1
  [2, 9, 17, 3, -1, 3], // inner with a scalar tail
  [1, 40, 8, 2, 0, 1], // many repeats into few segments
  [2, 0, 5, 3, 0, 2], // n = 0: all zeros
  [4, 5, 4, 1, 5, 9], // every id out of range
];

describe('unsortedSegmentSum kernel', () => {
  for (const [outer, n, inner, numSegments, lo, hi] of SHAPES) {
    const attrs = { outer, n, inner, numSegments };
    const x = floats(outer * n * inner);
    const seg = ids(n, lo, hi);
    it(`js matches brute force ${JSON.stringify(attrs)}`, () => {
      const out = new Float32Array(outer * numSegments * inner).fill(99); // stale values must be cleared
      jsKernels.unsortedSegmentSum([x, seg], [out], attrs, [info(x.length, 'float32'), info(n, 'int32')], [info(out.length, 'float32')]);
      const want = bruteForce(x, seg, attrs);
      for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(want[i], 4);
    });
    it(`wasm matches js ${JSON.stringify(attrs)}`, () => {
      const { want, got } = runBoth(wasm, 'unsortedSegmentSum',
        [{ data: x, shape: [outer, n, inner], dtype: 'float32' }, { data: seg, shape: [n], dtype: 'int32' }],
        [{ shape: [outer, numSegments, inner], dtype: 'float32' }], attrs, 12345);
      expectClose(got[0], want[0], 1e-6, 1e-6, `unsortedSegmentSum ${JSON.stringify(attrs)}`);
    });
  }
});

describe('unsortedSegmentSum op', () => {
  beforeAll(async () => {
    await ts.setBackend('js');
  });

  it('sums rows by segment (TF.js semantics), dropping out-of-range ids', () => {
    const x = ts.tensor([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);
    const y = ts.unsortedSegmentSum(x, ts.tensor([2, 0, 2, -1, 7], undefined, 'int32'), 3);
    expect(y.shape).toEqual([3, 2]);
    expect(Array.from(y.dataSync())).toEqual([3, 4, 0, 0, 1 + 5, 2 + 6]);
    const yi = ts.unsortedSegmentSum(ts.tensor([4, 5, 6], undefined, 'int32'), [1, 1, 0], 2);
    expect(yi.dtype).toBe('int32');
    expect(Array.from(yi.dataSync())).toEqual([6, 9]);
  });

  it('rejects bad input with clear errors', () => {
    const x = ts.zeros([3, 2]);
    expect(() => ts.unsortedSegmentSum(x, ts.tensor([0, 1, 0]), 2)).toThrow(/unsortedSegmentSum: segmentIds must be int32, got float32/);
    expect(() => ts.unsortedSegmentSum(x, ts.tensor([0, 1], undefined, 'int32'), 2)).toThrow(/x.shape\[0\] must equal segmentIds length 2/);
    expect(() => ts.unsortedSegmentSum(x, ts.tensor([[0, 1, 0]], undefined, 'int32'), 2)).toThrow(/segmentIds must be 1-D/);
    for (const bad of [0, -1, 1.5, NaN]) {
      expect(() => ts.unsortedSegmentSum(x, [0, 1, 0], bad)).toThrow(/numSegments must be a positive integer/);
    }
    expect(() => ts.unsortedSegmentSum(ts.tensor([true, false, true]), [0, 1, 0], 2)).toThrow(/x must be float32 or int32, got bool/);
  });

  it('gradient matches finite differences', () => {
    checkGradients(ts, {
      name: 'unsortedSegmentSum',
      f: (t, x) => t.mul(t.unsortedSegmentSum(x, t.tensor([1, 3, 1, -1, 0], undefined, 'int32'), 4), t.tensor([[1], [2], [3], [4]])),
      shapes: [[5, 3]],
    });
  });

  it('gather gradient (repeated indices, axis 1) matches finite differences', () => {
    checkGradients(ts, {
      name: 'gather axis 1',
      f: (t, x) => t.mul(t.gather(x, t.tensor([[2, 0], [2, 3]], undefined, 'int32'), 1), t.tensor([1, 2, 3])),
      shapes: [[2, 4, 3]],
    });
  });

  it('gather rejects an out-of-range index with TF.js cpu wording', () => {
    expect(() => ts.gather(ts.zeros([2, 4, 3]), ts.tensor([[2, 0], [2, 9]], undefined, 'int32'), 1)).toThrow('GatherV2: the index value 9 is not in [0, 3]');
  });
});

describe('large gather gradient on wasm (no dense one-hot)', () => {
  beforeAll(async () => {
    expect(await ts.setBackend('wasm')).toBe(true);
  });

  it('table [20000, 8], 2048 ids: matches a js-side scatter and keeps the arena small', () => {
    const rows = 20000, cols = 8, n = 2048;
    const tableVals = floats(rows * cols);
    const idVals = ids(n, 0, rows - 1);
    idVals[0] = idVals[1] = idVals[2] = 17; // repeated rows accumulate
    const weights = floats(n * cols);
    const table = ts.tensor(tableVals, [rows, cols]);
    const idx = ts.tensor(idVals, [n], 'int32');
    const w = ts.tensor(weights, [n, cols]);
    const t0 = performance.now();
    const g = ts.grad((x: ts.Tensor) => ts.sum(ts.mul(ts.gather(x, idx), w)))(table);
    const got = g.dataSync();
    const ms = performance.now() - t0;
    const arenaBytes = (ts.memory() as any).backends.wasm.arenaBytes as number;
    console.log(`[segment_sum] gather grad [${rows}, ${cols}] x ${n} ids on wasm: ${ms.toFixed(1)} ms, arena ${(arenaBytes / 2 ** 20).toFixed(2)} MiB`);
    const want = new Float64Array(rows * cols);
    for (let j = 0; j < n; j++) for (let c = 0; c < cols; c++) want[idVals[j] * cols + c] += weights[j * cols + c];
    for (let i = 0; i < want.length; i++) if (Math.abs(got[i] - want[i]) > 1e-4) throw new Error(`grad[${i}] ${got[i]} != ${want[i]}`);
    // A dense one-hot alone would be 2048 * 20000 * 4 bytes = 156 MiB.
    expect(arenaBytes).toBeLessThan(20 * 2 ** 20);
    ts.dispose([table, idx, w, g]);
  });
});
