/**
 * Page side of tests/browser/webgpu_issue7_kernels.test.ts (bundled by esbuild, run in headless
 * Chromium): runs the issue-7 kernels (topk, cumulative, gatherND, scatterND, conv3d and its
 * backprops, pool3d and its backprop, dilation2d and its backprops, maxPoolWithArgmax) on the webgpu backend and on the js reference kernels with
 * the same inputs (ties, NaN, int32, out-of-range and repeated indices, awkward sizes) and
 * reports mismatches per case.
 */
import type { DType, StorageArray, TensorInfo } from '../../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../../src/backends/js/backend.js';
import type { Conv3dGeometry, KernelName } from '../../src/backends/kernels.js';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/backends/webgpu/index.js';
import { close, Lcg, sizeOf, type CaseResult } from './kernel_compare.js';

interface TensorSpec { shape: number[]; dtype?: DType; values?: ArrayLike<number> }
interface Case { name: string; kernel: KernelName; inputs: TensorSpec[]; outputs: TensorSpec[]; attrs: any; rtol?: number; atol?: number }

const prng = new Lcg(777);
const rand = () => prng.next();
/** Values on a grid of 1/4 in [lo, hi): many exact ties. */
function grid(n: number, lo = -3, hi = 3): number[] {
  return Array.from({ length: n }, () => Math.round((lo + (hi - lo) * rand()) * 4) / 4);
}
function ints(n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * rand()));
}
const store = (t: TensorSpec, v: ArrayLike<number>): StorageArray => ((t.dtype ?? 'float32') === 'float32' ? Float32Array.from(v) : Int32Array.from(v));

async function runCase(be: WebGPUBackend, group: string, c: Case): Promise<CaseResult> {
  const ins = c.inputs.map((t) => store(t, t.values ?? grid(sizeOf(t.shape))));
  const info = (t: TensorSpec, dataId: any): TensorInfo => ({ dataId, shape: t.shape, dtype: t.dtype ?? 'float32', size: sizeOf(t.shape) });
  const stale = (t: TensorSpec) => store(t, new Array(sizeOf(t.shape)).fill(-7));
  const jsOuts = c.outputs.map(stale);
  (jsKernels[c.kernel] as JsKernel<any>)(ins, jsOuts, c.attrs, c.inputs.map((t) => info(t, null)), c.outputs.map((t) => info(t, null)));
  const inIds = c.inputs.map((t, i) => { const id = be.allocate(sizeOf(t.shape), t.dtype ?? 'float32'); be.write(id, ins[i]); return id; });
  const outIds = c.outputs.map((t) => { const id = be.allocate(sizeOf(t.shape), t.dtype ?? 'float32'); be.write(id, stale(t)); return id; });
  be.run(c.kernel, c.inputs.map((t, i) => info(t, inIds[i])), c.outputs.map((t, i) => info(t, outIds[i])), c.attrs);
  // a pipeline that fails to compile must not hang the whole group
  const reads = Promise.all(c.outputs.map((t, i) => be.read(outIds[i], t.dtype ?? 'float32', sizeOf(t.shape))));
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('read timed out after 20 s')), 20000));
  const gpuOuts = await Promise.race([reads, timeout]);
  for (const id of [...inIds, ...outIds]) be.free(id);
  let bad = 0, total = 0, first = '';
  c.outputs.forEach((_t, o) => {
    const want = jsOuts[o], got = gpuOuts[o];
    for (let i = 0; i < want.length; i++) {
      total++;
      if (!close(got[i], want[i], c.rtol ?? 1e-5, c.atol ?? 1e-5)) {
        bad++;
        if (!first) first = `out${o}[${i}] = ${got[i]}, want ${want[i]}`;
      }
    }
  });
  return { group, name: c.name, bad, total, first };
}

function topkCases(): Case[] {
  const cases: Case[] = [];
  for (const [rows, cols, k] of [[1, 5, 5], [3, 17, 4], [7, 130, 9], [2, 64, 64], [1, 1, 1], [4, 300, 1]]) {
    for (const dtype of ['float32', 'int32'] as DType[]) {
      const values = dtype === 'float32' ? grid(rows * cols) : ints(rows * cols, -4, 4);
      if (dtype === 'float32' && cols > 3) { values[1] = NaN; values[2] = -Infinity; values[cols - 1] = NaN; values[0] = -0; }
      cases.push({
        name: `topk ${dtype} [${rows}, ${cols}] k=${k}`, kernel: 'topk', inputs: [{ shape: [rows, cols], dtype, values }],
        outputs: [{ shape: [rows, k], dtype }, { shape: [rows, k], dtype: 'int32' }], attrs: { rows, cols, k }, rtol: 0, atol: 0,
      });
    }
  }
  return cases;
}

function scanCases(): Case[] {
  const cases: Case[] = [];
  for (const [outer, n, inner] of [[1, 9, 1], [3, 5, 6], [2, 1000, 1], [4, 3, 17]]) {
    for (const op of [0, 1]) {
      for (const dtype of ['float32', 'int32'] as DType[]) {
        for (const [exclusive, reverse] of [[false, false], [true, false], [false, true], [true, true]]) {
          const size = outer * n * inner;
          const values = dtype === 'int32' ? ints(size, -3, 3) : op === 1 ? grid(size, 0.5, 1.5) : grid(size);
          cases.push({
            name: `cumulative ${op ? 'prod' : 'sum'} ${dtype} [${outer}, ${n}, ${inner}] excl=${exclusive} rev=${reverse}`,
            kernel: 'cumulative', inputs: [{ shape: [size], dtype, values }], outputs: [{ shape: [size], dtype }],
            attrs: { op, outer, n, inner, exclusive, reverse }, rtol: 1e-6, atol: 0,
          });
        }
      }
    }
  }
  return cases;
}

const strides = (shape: number[]) => shape.map((_, d) => sizeOf(shape.slice(d + 1)));

function scatterCases(): Case[] {
  const cases: Case[] = [];
  for (const [xShape, depth, numSlices] of [[[4, 3, 5], 1, 6], [[4, 3, 5], 2, 7], [[4, 3, 5], 3, 11], [[9], 1, 4]] as [number[], number, number][]) {
    const dims = xShape.slice(0, depth);
    // coordinates from -1 to dim: the ends are out of range (zero slices / skipped updates)
    const tuples: number[] = [];
    for (let s = 0; s < numSlices; s++) for (let d = 0; d < depth; d++) tuples.push(ints(1, -1, dims[d])[0]);
    const sliceSize = sizeOf(xShape.slice(depth));
    const common = { indexDepth: depth, strides: strides(xShape).slice(0, depth), dims };
    for (const dtype of ['float32', 'int32'] as DType[]) {
      const x = dtype === 'int32' ? ints(sizeOf(xShape), -9, 9) : grid(sizeOf(xShape));
      cases.push({
        name: `gatherND ${dtype} x [${xShape}] depth ${depth} x${numSlices}`, kernel: 'gatherND',
        inputs: [{ shape: xShape, dtype, values: x }, { shape: [numSlices, depth], dtype: 'int32', values: tuples }],
        outputs: [{ shape: [numSlices * sliceSize], dtype }], attrs: { numSlices, sliceSize, ...common }, rtol: 0, atol: 0,
      });
      const updates = dtype === 'int32' ? ints(numSlices * sliceSize, -9, 9) : grid(numSlices * sliceSize);
      const scatter = { numUpdates: numSlices, sliceSize, outSize: sizeOf(xShape), ...common };
      cases.push({
        name: `scatterND add ${dtype} into [${xShape}] depth ${depth} x${numSlices}`, kernel: 'scatterND',
        inputs: [{ shape: [numSlices, depth], dtype: 'int32', values: tuples }, { shape: [numSlices * sliceSize], dtype, values: updates }],
        outputs: [{ shape: xShape, dtype }], attrs: { ...scatter, mode: 0 }, rtol: 1e-6, atol: 1e-6,
      });
      cases.push({
        name: `scatterND update ${dtype} over [${xShape}] depth ${depth} x${numSlices}`, kernel: 'scatterND',
        inputs: [{ shape: [numSlices, depth], dtype: 'int32', values: tuples }, { shape: [numSlices * sliceSize], dtype, values: updates },
          { shape: xShape, dtype, values: x }],
        outputs: [{ shape: xShape, dtype }], attrs: { ...scatter, mode: 1 }, rtol: 0, atol: 0,
      });
    }
  }
  return cases;
}

/** TF.js-style 3-D geometry ('same' pads unclamped, as the op layer computes them). */
function geometry3d(x: number[], f: [number, number, number], outC: number, s: [number, number, number], d: [number, number, number], pad: 'same' | 'valid'): Conv3dGeometry {
  const [batch, inD, inH, inW, inC] = x;
  const out = (i: number, k: number) => (pad === 'same' ? Math.ceil(x[i + 1] / s[i]) : Math.ceil((x[i + 1] - ((f[k] - 1) * d[k] + 1) + 1) / s[i]));
  const o = [out(0, 0), out(1, 1), out(2, 2)];
  const p = (i: number) => (pad === 'same' ? Math.floor(((o[i] - 1) * s[i] + (f[i] - 1) * d[i] + 1 - x[i + 1]) / 2) : 0);
  return {
    batch, inD, inH, inW, inC, outD: o[0], outH: o[1], outW: o[2], outC, filterD: f[0], filterH: f[1], filterW: f[2],
    strideD: s[0], strideH: s[1], strideW: s[2], dilationD: d[0], dilationH: d[1], dilationW: d[2], padFront: p(0), padTop: p(1), padLeft: p(2),
  };
}

const GEOMS: Array<[number[], [number, number, number], number, [number, number, number], [number, number, number], 'same' | 'valid']> = [
  [[2, 4, 5, 3, 3], [2, 3, 2], 5, [1, 1, 1], [1, 1, 1], 'valid'],
  [[1, 5, 4, 6, 2], [3, 2, 3], 4, [2, 1, 2], [1, 1, 1], 'same'],
  [[1, 6, 5, 5, 1], [2, 2, 2], 3, [1, 1, 1], [2, 1, 2], 'same'],
  [[2, 3, 7, 4, 4], [1, 3, 1], 2, [1, 2, 3], [1, 1, 1], 'same'], // a window narrower than its stride: negative pad
];

function conv3dCases(): Case[] {
  const cases: Case[] = [];
  for (const [x, f, outC, s, d, pad] of GEOMS) {
    const g = geometry3d(x, f, outC, s, d, pad);
    const xs = [g.batch, g.inD, g.inH, g.inW, g.inC], ys = [g.batch, g.outD, g.outH, g.outW, outC], fs = [...f, g.inC, outC];
    const tag = `x [${xs}] f [${fs}] s [${s}] d [${d}] ${pad}`;
    cases.push({ name: `conv3d ${tag}`, kernel: 'conv3d', inputs: [{ shape: xs }, { shape: fs }], outputs: [{ shape: ys }], attrs: g, atol: 1e-4 });
    cases.push({ name: `conv3dBackpropInput ${tag}`, kernel: 'conv3dBackpropInput', inputs: [{ shape: ys }, { shape: fs }], outputs: [{ shape: xs }], attrs: g, atol: 1e-4 });
    cases.push({ name: `conv3dBackpropFilter ${tag}`, kernel: 'conv3dBackpropFilter', inputs: [{ shape: xs }, { shape: ys }], outputs: [{ shape: fs }], attrs: g, atol: 1e-4 });
    const pg = geometry3d(x, f, g.inC, s, [1, 1, 1], pad);
    const pys = [pg.batch, pg.outD, pg.outH, pg.outW, pg.inC];
    for (const op of [0, 1]) {
      const xv = grid(sizeOf(xs));
      if (op === 0) { xv[0] = NaN; xv[5] = -Infinity; }
      cases.push({ name: `pool3d ${op ? 'avg' : 'max'} ${tag}`, kernel: 'pool3d', inputs: [{ shape: xs, values: xv }], outputs: [{ shape: pys }], attrs: { ...pg, op } });
      cases.push({
        name: `pool3dBackprop ${op ? 'avg' : 'max'} ${tag}`, kernel: 'pool3dBackprop', inputs: [{ shape: pys }, { shape: xs, values: xv }],
        outputs: [{ shape: xs }], attrs: { ...pg, op },
      });
    }
  }
  return cases;
}

/** dilation2d and its backprops, maxPoolWithArgmax ('same' geometries with strides, and a dilated 'valid' one). */
function dilationCases(): Case[] {
  const cases: Case[] = [];
  const geoms: Array<[number, number, number, number, number, number, number, number, number, number, number, number]> = [
    // batch, inH, inW, C, fh, fw, stride, dilation, outH, outW, padTop, padLeft (as TF.js computes them)
    [2, 6, 5, 3, 3, 2, 2, 1, 3, 3, 0, 0], // same
    [1, 7, 7, 2, 2, 3, 1, 2, 5, 3, 0, 0], // valid
    [1, 4, 9, 5, 3, 3, 1, 1, 4, 9, 1, 1], // same
  ];
  for (const [batch, inH, inW, C, fh, fw, s, d, outH, outW, padTop, padLeft] of geoms) {
    const g = { batch, inH, inW, inC: C, outH, outW, outC: C, filterH: fh, filterW: fw, strideH: s, strideW: s, dilationH: d, dilationW: d,
      padTop, padLeft };
    const xs = [batch, inH, inW, C], fs = [fh, fw, C], ys = [batch, outH, outW, C];
    const tag = `x [${xs}] f [${fs}] s${s} d${d}`;
    cases.push({ name: `dilation2d ${tag}`, kernel: 'dilation2d', inputs: [{ shape: xs }, { shape: fs }], outputs: [{ shape: ys }], attrs: g });
    cases.push({ name: `dilation2dBackpropInput ${tag}`, kernel: 'dilation2dBackpropInput', inputs: [{ shape: xs }, { shape: fs }, { shape: ys }], outputs: [{ shape: xs }], attrs: g });
    cases.push({ name: `dilation2dBackpropFilter ${tag}`, kernel: 'dilation2dBackpropFilter', inputs: [{ shape: xs }, { shape: fs }, { shape: ys }], outputs: [{ shape: fs }], attrs: g });
    for (const includeBatchInIndex of [false, true]) {
      const xv = grid(sizeOf(xs));
      xv[0] = NaN; // NaN never wins
      cases.push({
        name: `maxPoolWithArgmax ${tag} batch in index ${includeBatchInIndex}`, kernel: 'maxPoolWithArgmax', inputs: [{ shape: xs, values: xv }],
        outputs: [{ shape: ys }, { shape: ys, dtype: 'int32' }], attrs: { ...g, includeBatchInIndex }, rtol: 0, atol: 0,
      });
    }
  }
  return cases;
}

const GROUPS: Record<string, () => Case[]> = { topk: topkCases, cumulative: scanCases, scatter: scatterCases, conv3d: conv3dCases, dilation: dilationCases };

async function runGroup(group: string): Promise<CaseResult[]> {
  prng.reset();
  const be = await createWebGPUBackend({});
  if (!be) throw new Error('webgpu backend unavailable in this page (no navigator.gpu or adapter)');
  const results: CaseResult[] = [];
  try {
    for (const c of GROUPS[group]()) {
      try {
        results.push(await runCase(be, group, c));
      } catch (e) {
        results.push({ group, name: c.name, bad: 1, total: 0, first: `threw: ${(e as Error).message}` });
      }
    }
    const left = be.memory().numBuffers;
    results.push({ group, name: 'no leaked buffers', bad: left === 0 ? 0 : 1, total: 1, first: `numBuffers ${left}` });
  } finally {
    be.dispose();
  }
  return results;
}

(globalThis as any).tesseraWebgpuIssue7Kernels = { runGroup };
