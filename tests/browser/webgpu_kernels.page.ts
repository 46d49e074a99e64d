/**
 * Page side of tests/browser/webgpu_kernels.test.ts (bundled by esbuild, run in headless
 * Chromium): runs every issue-2 kernel on the webgpu backend and on the js reference kernels
 * with identical inputs, over awkward sizes and special values, and reports mismatches per case.
 */
import type { DType, StorageArray, TensorInfo } from '../../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../../src/backends/js/backend.js';
import { Activation, Binary, Reduce, Unary, type KernelAttrs, type KernelName } from '../../src/backends/kernels.js';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/backends/webgpu/index.js';
import { setMatmulConfig } from '../../src/backends/webgpu/specs/matmul.js';
import { close, Lcg, sizeOf, type CaseResult } from './kernel_compare.js';
import { BINARY_BY_CODE, UNARY_BY_CODE } from '../../src/ops/elementwise_table/index.js';
import { EDGE_GRID } from '../helpers/edge_grid.js';
import { copyStridedCases } from './copy_strided_cases.js';

interface TensorSpec { shape: number[]; dtype: DType; values?: number[] | StorageArray }
interface Case {
  name: string;
  kernel: KernelName;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  attrs: any;
  rtol?: number;
  atol?: number;
}

const prng = new Lcg(12345);
const rand = () => prng.next();
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-6, -1e-6, 3, 100, -100, 1000, -1000, 0.3, 7, -7];

function floats(n: number, lo = -3, hi = 3, specials = false): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = specials && i < SPECIALS.length ? SPECIALS[i] : lo + (hi - lo) * rand();
  return a;
}
function ints(n: number, lo: number, hi: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor((hi - lo + 1) * rand());
  return a;
}
function stridesOf(shape: number[], outShape: number[]): number[] {
  // shape right-aligned against outShape; broadcast dims get stride 0
  const r = outShape.length;
  const s = new Array(r).fill(0);
  let acc = 1;
  for (let d = r - 1; d >= 0; d--) {
    const sd = d - (r - shape.length);
    const n = sd >= 0 ? shape[sd] : 1;
    s[d] = n === 1 ? 0 : acc;
    acc *= n;
  }
  return s;
}
function storage(t: TensorSpec, fill: (n: number) => StorageArray): StorageArray {
  const n = sizeOf(t.shape);
  if (t.values) return t.dtype === 'float32' ? Float32Array.from(t.values as ArrayLike<number>) : Int32Array.from(t.values as ArrayLike<number>);
  return fill(n);
}

async function runCase(be: WebGPUBackend, group: string, c: Case): Promise<CaseResult> {
  const ins = c.inputs.map((t) => storage(t, (n) => (t.dtype === 'float32' ? floats(n) : ints(n, -5, 5))));
  const outsInit = c.outputs.map((t) => storage({ ...t, values: undefined }, (n) => (t.dtype === 'float32' ? new Float32Array(n).fill(-7) : new Int32Array(n).fill(-7))));
  const info = (t: TensorSpec, dataId: any): TensorInfo => ({ dataId, shape: t.shape, dtype: t.dtype, size: sizeOf(t.shape) });
  // js reference
  const jsOuts = outsInit.map((o) => o.slice());
  const jsInInfos = c.inputs.map((t) => info(t, null));
  const jsOutInfos = c.outputs.map((t) => info(t, null));
  (jsKernels[c.kernel] as JsKernel<any>)(ins, jsOuts, c.attrs, jsInInfos, jsOutInfos);
  // webgpu
  const inIds = c.inputs.map((t, i) => { const id = be.allocate(sizeOf(t.shape), t.dtype); be.write(id, ins[i]); return id; });
  const outIds = c.outputs.map((t, i) => { const id = be.allocate(sizeOf(t.shape), t.dtype); be.write(id, outsInit[i]); return id; });
  be.run(c.kernel, c.inputs.map((t, i) => info(t, inIds[i])), c.outputs.map((t, i) => info(t, outIds[i])), c.attrs);
  const gpuOuts = await Promise.all(c.outputs.map((t, i) => be.read(outIds[i], t.dtype, sizeOf(t.shape))));
  for (const id of [...inIds, ...outIds]) be.free(id);
  let bad = 0, total = 0, first = '';
  c.outputs.forEach((t, o) => {
    const rtol = t.dtype === 'float32' ? c.rtol ?? 2e-5 : 0;
    const atol = t.dtype === 'float32' ? c.atol ?? 1e-6 : 0;
    const want = jsOuts[o], got = gpuOuts[o];
    if (got.length !== want.length) { bad++; first ||= `length ${got.length} != ${want.length}`; return; }
    for (let i = 0; i < want.length; i++) {
      total++;
      if (!close(got[i], want[i], rtol, atol)) {
        bad++;
        if (!first) {
          const inputsAt = ins.map((x) => (i < x.length ? x[i] : '-')).join(', ');
          first = `out${o}[${i}] = ${got[i]}, want ${want[i]} (inputs at ${i}: ${inputsAt})`;
        }
      }
    }
  });
  return { group, name: c.name, bad, total, first };
}

// ---------------------------------------------------------------------------------------------
function unaryCases(): Case[] {
  const cases: Case[] = [];
  const loose = new Set<number>([Unary.tan, Unary.sinh, Unary.cosh, Unary.exp, Unary.expm1]);
  for (const [name, op] of Object.entries(Unary)) {
    for (const n of [0, 1, 3, 17, 1027]) {
      const values = floats(n, -4, 4, true);
      const out = [Unary.isNaN, Unary.isInf, Unary.isFinite, Unary.logicalNot].includes(op as any) ? 'bool' : 'float32';
      cases.push({
        name: `unary ${name} n=${n}`, kernel: 'unary',
        inputs: [{ shape: [n], dtype: 'float32', values }], outputs: [{ shape: [n], dtype: out as DType }],
        attrs: { op, alpha: op === Unary.clip ? -1.5 : 0.2, beta: op === Unary.clip ? 2 : 0 },
        rtol: loose.has(op) ? 1e-4 : 3e-5, atol: 2e-6,
      });
    }
  }
  // casts and int inputs
  const cast = floats(40, -100, 100, true).map((v) => (Math.abs(v) > 1e9 ? 5 : v));
  cases.push({ name: 'cast float->int32', kernel: 'unary', inputs: [{ shape: [40], dtype: 'float32', values: cast }], outputs: [{ shape: [40], dtype: 'int32' }], attrs: { op: 0, alpha: 0, beta: 0 } });
  cases.push({ name: 'cast float->bool', kernel: 'unary', inputs: [{ shape: [40], dtype: 'float32', values: cast }], outputs: [{ shape: [40], dtype: 'bool' }], attrs: { op: 0, alpha: 0, beta: 0 } });
  cases.push({ name: 'cast int32->float', kernel: 'unary', inputs: [{ shape: [33], dtype: 'int32', values: ints(33, -1000000, 1000000) }], outputs: [{ shape: [33], dtype: 'float32' }], attrs: { op: 0, alpha: 0, beta: 0 } });
  cases.push({ name: 'int32 neg/abs/square -> int32', kernel: 'unary', inputs: [{ shape: [19], dtype: 'int32', values: ints(19, -3000, 3000) }], outputs: [{ shape: [19], dtype: 'int32' }], attrs: { op: Unary.square, alpha: 0, beta: 0 } });
  cases.push({ name: 'bool logicalNot', kernel: 'unary', inputs: [{ shape: [9], dtype: 'bool', values: ints(9, 0, 1) }], outputs: [{ shape: [9], dtype: 'bool' }], attrs: { op: Unary.logicalNot, alpha: 0, beta: 0 } });
  return cases;
}

function binaryCases(): Case[] {
  const cases: Case[] = [];
  const bools = new Set<number>([10, 11, 12, 13, 14, 15, 16, 17]);
  const shapes: Array<[number[], number[], number[]]> = [
    [[0], [0], [0]], [[1], [1], [1]], [[3], [3], [3]], [[1027], [1027], [1027]],
    [[3, 1, 17], [1, 5, 17], [3, 5, 17]], [[17], [], [17]], [[2, 3, 1, 4, 1, 2], [3, 5, 1, 2], [2, 3, 3, 4, 5, 2]],
  ];
  for (const [name, op] of Object.entries(Binary)) {
    for (const [sa, sb, so] of shapes) {
      const na = sizeOf(sa), nb = sizeOf(sb);
      const a = floats(na, -4, 4, true), b = floats(nb, -4, 4);
      for (let i = 0; i < nb; i += 3) b[i] = a[i % Math.max(na, 1)] ?? 0; // equal pairs
      for (let i = 1; i < nb; i += 7) b[i] = [0, NaN, Infinity, -Infinity, 2, -2, 0.5][(i / 7) | 0 % 7];
      cases.push({
        name: `binary ${name} [${sa}]x[${sb}]`, kernel: 'binary',
        inputs: [{ shape: sa, dtype: 'float32', values: a }, { shape: sb, dtype: 'float32', values: b }],
        outputs: [{ shape: so, dtype: bools.has(op) ? 'bool' : 'float32' }],
        attrs: { op, outShape: so, aStrides: stridesOf(sa, so), bStrides: stridesOf(sb, so) },
        rtol: op === Binary.pow || op === Binary.atan2 ? 1e-4 : 3e-5,
        // f32 floored modulo loses ~ulp(a) against js's exact fmod of large a
        atol: op === Binary.mod ? 1e-4 : undefined,
      });
    }
  }
  for (const op of [Binary.add, Binary.sub, Binary.mul, Binary.floorDiv, Binary.mod, Binary.pow, Binary.maximum, Binary.minimum, Binary.squaredDifference]) {
    const a = ints(64, -50, 50), b = ints(64, -9, 9);
    if (op === Binary.pow) for (let i = 0; i < 64; i++) { a[i] = a[i] % 12; b[i] = Math.abs(b[i]) % 6; } // results stay below 2^24 (f32 arithmetic)
    for (let i = 0; i < 64; i++) if (b[i] === 0 && op !== Binary.pow) b[i] = 3;
    cases.push({
      name: `binary int32 op ${op}`, kernel: 'binary',
      inputs: [{ shape: [64], dtype: 'int32', values: a }, { shape: [64], dtype: 'int32', values: b }],
      outputs: [{ shape: [64], dtype: 'int32' }], attrs: { op, outShape: [64], aStrides: [1], bStrides: [1] },
    });
  }
  cases.push({
    name: 'binary int32 less -> bool (broadcast scalar)', kernel: 'binary',
    inputs: [{ shape: [20], dtype: 'int32', values: ints(20, -5, 5) }, { shape: [], dtype: 'int32', values: [1] }],
    outputs: [{ shape: [20], dtype: 'bool' }], attrs: { op: Binary.less, outShape: [20], aStrides: [1], bStrides: [0] },
  });
  // sizes the CPU-adapter blocked entry covers in whole workgroups (no tail check) and one past
  for (const n of [32768, 16400]) {
    cases.push({
      name: `binary sub n=${n}`, kernel: 'binary',
      inputs: [{ shape: [n], dtype: 'float32', values: floats(n, -4, 4, true) }, { shape: [n], dtype: 'float32', values: floats(n, -4, 4) }],
      outputs: [{ shape: [n], dtype: 'float32' }], attrs: { op: Binary.sub, outShape: [n], aStrides: [1], bStrides: [1] },
    });
  }
  // CPU adapters run the cheap op codes (add, sub, mul, div) on binary_chunked, 16-element chunks,
  // 16384 per workgroup: a whole workgroup (no tail check), a last partial chunk, int32 inputs.
  for (const [op, n] of [[Binary.add, 16384], [Binary.add, 16390], [Binary.mul, 16390], [Binary.div, 1029]]) {
    cases.push({
      name: `binary op ${op} n=${n}`, kernel: 'binary',
      inputs: [{ shape: [n], dtype: 'float32', values: floats(n, -4, 4, true) }, { shape: [n], dtype: 'float32', values: floats(n, -4, 4) }],
      outputs: [{ shape: [n], dtype: 'float32' }], attrs: { op, outShape: [n], aStrides: [1], bStrides: [1] },
    });
  }
  for (const op of [Binary.add, Binary.mul]) {
    cases.push({
      name: `binary int32 op ${op} n=16389`, kernel: 'binary',
      inputs: [{ shape: [16389], dtype: 'int32', values: ints(16389, -3000, 3000) }, { shape: [16389], dtype: 'int32', values: ints(16389, -3000, 3000) }],
      outputs: [{ shape: [16389], dtype: 'int32' }], attrs: { op, outShape: [16389], aStrides: [1], bStrides: [1] },
    });
  }
  return cases;
}

function selectCases(): Case[] {
  const mk = (sc: number[], sa: number[], sb: number[], so: number[], dtype: DType, condDtype: DType = 'bool'): Case => ({
    name: `select [${sc}] [${sa}] [${sb}] -> [${so}] ${dtype}`, kernel: 'select',
    inputs: [
      { shape: sc, dtype: condDtype, values: condDtype === 'bool' ? ints(sizeOf(sc), 0, 1) : floats(sizeOf(sc)).map((v) => (v > 0 ? 0 : v)) },
      { shape: sa, dtype }, { shape: sb, dtype },
    ],
    outputs: [{ shape: so, dtype }],
    attrs: { outShape: so, condStrides: stridesOf(sc, so), aStrides: stridesOf(sa, so), bStrides: stridesOf(sb, so) },
  });
  return [
    mk([0], [0], [0], [0], 'float32'), mk([1], [1], [1], [1], 'float32'), mk([17], [17], [17], [17], 'int32'),
    mk([3, 1], [1, 17], [3, 17], [3, 17], 'float32'), mk([1025], [], [1025], [1025], 'float32', 'float32'),
  ];
}

function reduceCases(): Case[] {
  const cases: Case[] = [];
  for (const [name, op] of Object.entries(Reduce)) {
    for (const [outer, inner] of [[1, 0], [3, 0], [1, 1], [5, 3], [4, 17], [2, 33], [3, 1000], [2, 5000], [70000, 2]]) {
      const n = outer * inner;
      const x = floats(n, -2, 2);
      if (op === Reduce.any || op === Reduce.all) for (let i = 0; i < n; i++) x[i] = rand() < (op === Reduce.all ? 0.02 : 0.98) ? 0 : x[i];
      if (op === Reduce.prod) for (let i = 0; i < n; i++) x[i] = 1 + (x[i] - 0) * 0.001;
      if (outer >= 3 && inner >= 3) { x[inner + 1] = NaN; x[2 * inner + 2] = Infinity; }
      const outDtype: DType = op === Reduce.argMax || op === Reduce.argMin ? 'int32' : op === Reduce.any || op === Reduce.all ? 'bool' : 'float32';
      cases.push({
        name: `reduce ${name} [${outer}, ${inner}]`, kernel: 'reduce',
        inputs: [{ shape: [outer, inner], dtype: 'float32', values: x }], outputs: [{ shape: [outer], dtype: outDtype }],
        attrs: { op, outer, inner }, rtol: 1e-4, atol: 1e-4 * Math.sqrt(inner + 1),
      });
    }
  }
  cases.push({ name: 'reduce sum int32 -> int32', kernel: 'reduce', inputs: [{ shape: [3, 100], dtype: 'int32', values: ints(300, -1000, 1000) }], outputs: [{ shape: [3], dtype: 'int32' }], attrs: { op: Reduce.sum, outer: 3, inner: 100 } });
  cases.push({ name: 'reduce argMax int32 ties', kernel: 'reduce', inputs: [{ shape: [4, 50], dtype: 'int32', values: ints(200, 0, 3) }], outputs: [{ shape: [4], dtype: 'int32' }], attrs: { op: Reduce.argMax, outer: 4, inner: 50 } });
  cases.push({ name: 'reduce all bool', kernel: 'reduce', inputs: [{ shape: [6, 40], dtype: 'bool', values: ints(240, 0, 1).map((v, i) => (i < 80 ? 1 : v)) }], outputs: [{ shape: [6], dtype: 'bool' }], attrs: { op: Reduce.all, outer: 6, inner: 40 } });
  return cases;
}

function softmaxCases(): Case[] {
  const cases: Case[] = [];
  for (const log of [false, true]) {
    for (const [rows, cols] of [[0, 5], [1, 1], [3, 3], [4, 17], [2, 1000], [1, 5000], [300, 10]]) {
      const x = floats(rows * cols, -5, 5);
      if (rows * cols > 2) { x[0] = 1000; x[1] = -1000; }
      cases.push({
        name: `softmax log=${log} [${rows}, ${cols}]`, kernel: 'softmax',
        inputs: [{ shape: [rows, cols], dtype: 'float32', values: x }], outputs: [{ shape: [rows, cols], dtype: 'float32' }],
        attrs: { rows, cols, log }, rtol: 1e-4, atol: 1e-6,
      });
    }
  }
  return cases;
}

function matmulCase(batch: number, M: number, N: number, K: number, o: Partial<{ tA: boolean; tB: boolean; aBS: number; bBS: number; bias: number; act: number; prelu: number; dtype: DType; residual: number }> = {}): Case {
  const tA = o.tA ?? false, tB = o.tB ?? false;
  const aBS = o.aBS ?? M * K, bBS = o.bBS ?? K * N;
  const aN = aBS === 0 ? M * K : batch * M * K, bN = bBS === 0 ? K * N : batch * K * N;
  const dtype = o.dtype ?? 'float32';
  const inputs: TensorSpec[] = [
    { shape: [aN], dtype, values: dtype === 'float32' ? floats(aN, -1, 1) : ints(aN, -4, 4) },
    { shape: [bN], dtype, values: dtype === 'float32' ? floats(bN, -1, 1) : ints(bN, -4, 4) },
  ];
  if (o.bias) inputs.push({ shape: [o.bias], dtype, values: dtype === 'float32' ? floats(o.bias) : ints(o.bias, -9, 9) });
  const act = o.act ?? 0;
  if (act === Activation.prelu) inputs.push({ shape: [o.prelu ?? N], dtype: 'float32', values: floats(o.prelu ?? N, 0, 0.5) });
  // the residual epilogue's r (the last input, one float per output element); added after the activation it
  // starts with the specials: NaN and +-Infinity must come through
  if (o.residual) inputs.push({ shape: [batch * M * N], dtype: 'float32', values: floats(batch * M * N, -3, 3, o.residual === 2) });
  return {
    name: `matMul b=${batch} M=${M} N=${N} K=${K} tA=${tA} tB=${tB} aBS=${aBS} bBS=${bBS} bias=${o.bias ?? 0} act=${act} ${dtype}${o.residual ? ` residual=${o.residual}` : ''}`,
    kernel: 'matMul', inputs, outputs: [{ shape: [batch, M, N], dtype }],
    attrs: {
      batch, M, N, K, transposeA: tA, transposeB: tB, aBatchStride: aBS, bBatchStride: bBS,
      hasBias: !!o.bias, biasSize: o.bias ?? 0, activation: act, alpha: 0.1, preluSize: o.prelu ?? N,
      ...(o.residual ? { residual: o.residual } : {}),
    },
    rtol: 1e-4, atol: 2e-6 * (K + 1),
  };
}

function matmulCases(): Case[] {
  const cases: Case[] = [];
  for (const [M, N, K] of [[1, 1, 1], [3, 3, 3], [17, 17, 17], [1, 17, 3], [31, 33, 65], [32, 32, 32], [64, 64, 64], [65, 63, 64], [4, 8, 1031], [0, 5, 3], [5, 0, 3], [5, 3, 0], [128, 130, 20],
    // whole tiles (no bounds checks) of each matmul_subgroup arrangement: 8 x 128, 16 x 64 (and 32 x 32 above)
    [8, 128, 16], [16, 64, 8], [40, 256, 36]]) {
    cases.push(matmulCase(1, M, N, K));
  }
  for (const tA of [false, true]) for (const tB of [false, true]) {
    cases.push(matmulCase(2, 17, 19, 23, { tA, tB }));
    cases.push(matmulCase(1, 64, 64, 32, { tA, tB }));
    // quad loads with clamped edges: M, N multiples of 4 but not of the block; K = 7: a masked tail step
    cases.push(matmulCase(2, 20, 24, 12, { tA, tB }));
    cases.push(matmulCase(1, 8, 12, 7, { tA, tB }));
  }
  cases.push(matmulCase(1, 197, 36, 24));
  cases.push(matmulCase(3, 9, 10, 11, { bBS: 0 }));
  cases.push(matmulCase(3, 16, 16, 16, { aBS: 0, tB: true }));
  for (const [name, act] of Object.entries(Activation)) {
    cases.push(matmulCase(2, 13, 18, 7, { bias: act % 2 === 0 ? 18 : 1, act, prelu: act === Activation.prelu ? 18 : undefined }));
    if (name === 'prelu') cases.push(matmulCase(1, 5, 6, 7, { act, prelu: 1 }));
  }
  cases.push(matmulCase(2, 5, 7, 9, { dtype: 'int32', bias: 7 }));
  return cases;
}

/**
 * The residual epilogue (KernelAttrs.matMul.residual: 1 = act(acc + bias + r), 2 = act(acc + bias) + r)
 * on ragged and tile-aligned shapes, every transpose, quad (VEC) and scalar loads, a masked K tail,
 * K = 0, batch broadcast, with and without bias (per column and scalar) and with each activation.
 */
function matmulResidualCases(): Case[] {
  const acts = Object.values(Activation);
  const cases: Case[] = [
    matmulCase(1, 17, 19, 23, { residual: 1, bias: 19 }),
    matmulCase(2, 17, 19, 23, { tA: true, residual: 2, bias: 1, act: Activation.relu }),
    matmulCase(2, 20, 24, 12, { tB: true, residual: 1, bias: 24, act: Activation.relu }),
    matmulCase(1, 64, 64, 32, { tA: true, tB: true, residual: 2, act: Activation.tanh }),
    matmulCase(1, 8, 12, 7, { residual: 1, act: Activation.leakyrelu }),
    matmulCase(3, 9, 10, 11, { bBS: 0, residual: 2, act: Activation.prelu, bias: 10 }),
    matmulCase(3, 16, 16, 16, { aBS: 0, tB: true, residual: 1, act: Activation.sigmoid }),
    matmulCase(1, 5, 6, 0, { residual: 1, bias: 6, act: Activation.elu }),
    matmulCase(1, 1, 1, 1, { residual: 2 }),
  ];
  for (const act of acts) {
    if (act !== Activation.prelu) cases.push(matmulCase(2, 13, 18, 7, { bias: 18, act, residual: 1 }));
    cases.push(matmulCase(1, 13, 18, 9, { bias: act % 2 === 0 ? 18 : 1, act, residual: 2, prelu: act === Activation.prelu ? 18 : undefined }));
  }
  return cases;
}

/**
 * matMul with colSums (KernelAttrs.matMul.colSums: dW = X^T dY plus the column sums of dY, a bias
 * gradient) in the weight-gradient form: ragged and tile-aligned shapes, quad (VEC_B) and scalar
 * loads, a masked K tail, K = 0 (zero sums), one column, wide rows over several workgroups, each
 * matmul_subgroup arrangement; M = 0 sums with the reduceColumns fallback.
 */
function matmulColSumsCases(): Case[] {
  return [[1, 1, 1], [3, 5, 17], [16, 64, 1], [0, 4, 3], [7, 1, 33], [40, 9, 130], [512, 64, 64], [33, 17, 8], [20, 12, 24],
    [16, 8, 128], [36, 40, 256], [9, 0, 6], [64, 32, 32]].map(([K, M, N]) => {
    const c = matmulCase(1, M, N, K, { tA: true });
    return { ...c, name: `${c.name} colSums`, outputs: [...c.outputs, { shape: [N], dtype: 'float32' as DType }], attrs: { ...c.attrs, colSums: true } };
  });
}

function layoutCases(): Case[] {
  const cases: Case[] = [];
  // transpose [3,17] -> [17,3]
  cases.push({ name: 'copyStrided transpose', kernel: 'copyStrided', inputs: [{ shape: [3, 17], dtype: 'float32' }], outputs: [{ shape: [17, 3], dtype: 'float32' }], attrs: { outShape: [17, 3], inStrides: [1, 17], modDims: [17, 3], offset: 0 } });
  cases.push({ name: 'copyStrided reverse', kernel: 'copyStrided', inputs: [{ shape: [1027], dtype: 'int32' }], outputs: [{ shape: [1027], dtype: 'int32' }], attrs: { outShape: [1027], inStrides: [-1], modDims: [1027], offset: 1026 } });
  cases.push({ name: 'copyStrided tile (mod)', kernel: 'copyStrided', inputs: [{ shape: [2, 3], dtype: 'float32' }], outputs: [{ shape: [4, 9], dtype: 'float32' }], attrs: { outShape: [4, 9], inStrides: [3, 1], modDims: [2, 3], offset: 0 } });
  cases.push({ name: 'copyStrided slice rank 6', kernel: 'copyStrided', inputs: [{ shape: [2, 3, 2, 3, 2, 4], dtype: 'float32' }], outputs: [{ shape: [1, 2, 2, 2, 1, 3], dtype: 'float32' }], attrs: { outShape: [1, 2, 2, 2, 1, 3], inStrides: [144, 48, 24, 8, 4, 1], modDims: [1, 2, 2, 2, 1, 3], offset: 149 } });
  // innermost extent a multiple of 4 (copy_strided_row4): transpose, tile wrapping inside a quad, reverse
  cases.push({ name: 'copyStrided transpose (row4)', kernel: 'copyStrided', inputs: [{ shape: [12, 8], dtype: 'float32' }], outputs: [{ shape: [8, 12], dtype: 'float32' }], attrs: { outShape: [8, 12], inStrides: [1, 8], modDims: [8, 12], offset: 0 } });
  cases.push({ name: 'copyStrided tile (mod, row4)', kernel: 'copyStrided', inputs: [{ shape: [3, 2], dtype: 'int32' }], outputs: [{ shape: [6, 8], dtype: 'int32' }], attrs: { outShape: [6, 8], inStrides: [2, 1], modDims: [3, 2], offset: 0 } });
  cases.push({ name: 'copyStrided reverse (row4)', kernel: 'copyStrided', inputs: [{ shape: [5, 1028], dtype: 'float32' }], outputs: [{ shape: [5, 1028], dtype: 'float32' }], attrs: { outShape: [5, 1028], inStrides: [1028, -1], modDims: [5, 1028], offset: 1027 } });
  cases.push({ name: 'copyStrided empty', kernel: 'copyStrided', inputs: [{ shape: [0], dtype: 'float32' }], outputs: [{ shape: [0], dtype: 'float32' }], attrs: { outShape: [0], inStrides: [1], modDims: [0], offset: 0 } });
  cases.push({ name: 'copyStrided scalar broadcast 70000', kernel: 'copyStrided', inputs: [{ shape: [1], dtype: 'float32' }], outputs: [{ shape: [70000], dtype: 'float32' }], attrs: { outShape: [70000], inStrides: [0], modDims: [70000], offset: 0 } });
  cases.push({ name: 'pad float', kernel: 'pad', inputs: [{ shape: [3, 5], dtype: 'float32' }], outputs: [{ shape: [6, 8], dtype: 'float32' }], attrs: { outShape: [6, 8], inShape: [3, 5], padBefore: [1, 2], value: -2.5 } });
  cases.push({ name: 'pad int value', kernel: 'pad', inputs: [{ shape: [4], dtype: 'int32' }], outputs: [{ shape: [9], dtype: 'int32' }], attrs: { outShape: [9], inShape: [4], padBefore: [3], value: 7.9 } });
  cases.push({ name: 'pad scalar rank 0', kernel: 'pad', inputs: [{ shape: [], dtype: 'float32' }], outputs: [{ shape: [], dtype: 'float32' }], attrs: { outShape: [], inShape: [], padBefore: [], value: 0 } });
  cases.push({ name: 'copyInto concat', kernel: 'copyInto', inputs: [{ shape: [4, 3], dtype: 'float32' }], outputs: [{ shape: [4, 17], dtype: 'float32' }], attrs: { outer: 4, inner: 3, outInner: 17, offset: 5 } });
  cases.push({ name: 'copyInto odd', kernel: 'copyInto', inputs: [{ shape: [1, 1], dtype: 'int32' }], outputs: [{ shape: [1, 3], dtype: 'int32' }], attrs: { outer: 1, inner: 1, outInner: 3, offset: 2 } });
  cases.push({ name: 'gather', kernel: 'gather', inputs: [{ shape: [2, 5, 3], dtype: 'float32' }, { shape: [7], dtype: 'int32', values: [0, 4, -1, 5, 2, 2, 1] }], outputs: [{ shape: [2, 7, 3], dtype: 'float32' }], attrs: { outer: 2, axisDim: 5, inner: 3, numIndices: 7 } });
  cases.push({ name: 'gather empty indices', kernel: 'gather', inputs: [{ shape: [5], dtype: 'float32' }, { shape: [0], dtype: 'int32' }], outputs: [{ shape: [0], dtype: 'float32' }], attrs: { outer: 1, axisDim: 5, inner: 1, numIndices: 0 } });
  cases.push({ name: 'oneHot float', kernel: 'oneHot', inputs: [{ shape: [6], dtype: 'int32', values: [0, 3, -1, 9, 2, 2] }], outputs: [{ shape: [6, 4], dtype: 'float32' }], attrs: { depth: 4, onValue: 1, offValue: -0.5 } });
  cases.push({ name: 'oneHot int32', kernel: 'oneHot', inputs: [{ shape: [5], dtype: 'int32', values: [1, 0, 16, 17, 4] }], outputs: [{ shape: [5, 17], dtype: 'int32' }], attrs: { depth: 17, onValue: 5, offValue: 0 } });
  // scatter-add: [outer, n, inner, numSegments, ids] with repeated and out-of-range ids
  const segmentSums: [number, number, number, number, number[]][] = [
    [1, 7, 3, 5, [2, 0, 2, -1, 5, 4, 2]],
    [3, 6, 1, 4, [3, 3, 3, 0, 9, 1]],
    [2, 9, 17, 3, [0, 1, 2, 2, 1, 0, -3, 0, 3]],
    [2, 0, 5, 3, []],
    [1, 300, 4, 7, Array.from(ints(300, -1, 7))],
  ];
  for (const [outer, n, inner, numSegments, ids] of segmentSums) {
    cases.push({
      name: `unsortedSegmentSum [${outer}, ${n}, ${inner}] -> ${numSegments}`, kernel: 'unsortedSegmentSum',
      inputs: [{ shape: [outer, n, inner], dtype: 'float32' }, { shape: [n], dtype: 'int32', values: ids }],
      outputs: [{ shape: [outer, numSegments, inner], dtype: 'float32' }], attrs: { outer, n, inner, numSegments },
      rtol: 1e-5, atol: 1e-5,
    });
  }
  return cases;
}

/** Fused Adam / AdamW steps (special values in param and grad; v >= 0 as the optimizer keeps it). */
function adamUpdateCases(): Case[] {
  const cases: Case[] = [];
  type Config = { lr: number; beta1: number; beta2: number; epsilon: number; weightDecay: number; t: number };
  const attrsOf = (c: Config, sizes: number[]) => ({
    sizes, lr: c.lr, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon, weightDecay: c.weightDecay,
    biasCorrection1: 1 - c.beta1 ** c.t, biasCorrection2: 1 - c.beta2 ** c.t,
  });
  const configs = [
    { name: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, t: 1 },
    { name: 'adamw', lr: 0.01, beta1: 0.8, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.004, t: 7 },
  ];
  for (const c of configs) {
    for (const n of [1, 3, 17, 1027, 100000]) {
      const f = (values: Float32Array): TensorSpec => ({ shape: [n], dtype: 'float32', values });
      cases.push({
        name: `adamUpdate ${c.name} n=${n}`, kernel: 'adamUpdate',
        inputs: [f(floats(n, -2, 2, true)), f(floats(n, -3, 3, true)), f(floats(n, -0.5, 0.5)), f(floats(n, 0, 2))],
        outputs: [0, 1, 2].map(() => ({ shape: [n], dtype: 'float32' as DType })),
        attrs: attrsOf(c, [n]),
        // SwiftShader matches js bit for bit; the slack is for GPUs' 2.5-ulp division and FMA.
        rtol: 2e-6, atol: 1e-7,
      });
    }
    // One call over several variables: the small ones share packed dispatches (gathered and scattered by
    // buffer copies), those over 65536 elements get their own; sizes that are not multiples of 4 included.
    const sizes = [5, 1, 65536, 17, 65537, 1027, 3, 100000, 64];
    const role = (lo: number, hi: number, specials = false) => sizes.map((n): TensorSpec => ({ shape: [n], dtype: 'float32', values: floats(n, lo, hi, specials) }));
    cases.push({
      name: `adamUpdate ${c.name} ${sizes.length} variables`, kernel: 'adamUpdate',
      inputs: [...role(-2, 2, true), ...role(-3, 3, true), ...role(-0.5, 0.5), ...role(0, 2)],
      outputs: [0, 1, 2].flatMap(() => sizes.map((n) => ({ shape: [n], dtype: 'float32' as DType }))),
      attrs: attrsOf(c, sizes),
      rtol: 2e-6, atol: 1e-7,
    });
  }
  return cases;
}

/**
 * Every row of the elementwise op table (src/ops/elementwise_table) on the edge grid: the WGSL
 * expression of the row against its js function. Left out, as known f32-vs-f64 limits found by
 * this grid: trig rows at |x| > 100 (the sin/cos argument reduction is accurate for moderate
 * arguments only); floorDiv / mod with 1e-30 or 3e38 operands (the f32 quotient underflows or
 * overflows where js's f64 one does not).
 */
function tableUnaryCases(): Case[] {
  const cases: Case[] = [];
  const boolOut = new Set(['predicate', 'bool', 'compare', 'logical']);
  const trig = new Set(['sin', 'cos', 'tan']);
  for (const row of UNARY_BY_CODE) {
    const grid = EDGE_GRID.filter((v) => (!trig.has(row.name) || !(Math.abs(v) > 100)));
    const values = new Float32Array(grid);
    cases.push({
      name: `table unary ${row.name}`, kernel: 'unary',
      inputs: [{ shape: [values.length], dtype: 'float32', values }],
      outputs: [{ shape: [values.length], dtype: boolOut.has(row.dtype) ? 'bool' : 'float32' }],
      attrs: { op: row.code, alpha: row.name === 'clip' ? -1.5 : 0.2, beta: 2 },
      rtol: 1e-4, atol: 2e-6,
    });
  }
  return cases;
}

function tableBinaryCases(): Case[] {
  const cases: Case[] = [];
  const boolOut = new Set(['compare', 'logical']);
  for (const row of BINARY_BY_CODE) {
    const grid = EDGE_GRID.filter((v) => !['floorDiv', 'mod'].includes(row.name) || !(Math.abs(v) === 1e-30 || Math.abs(v) === 3e38));
    const n = grid.length;
    const a = new Float32Array(n * n), b = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { a[i * n + j] = grid[i]; b[i * n + j] = grid[j]; }
    cases.push({
      name: `table binary ${row.name}`, kernel: 'binary',
      inputs: [{ shape: [n * n], dtype: 'float32', values: a }, { shape: [n * n], dtype: 'float32', values: b }],
      outputs: [{ shape: [n * n], dtype: boolOut.has(row.dtype) ? 'bool' : 'float32' }],
      attrs: { op: row.code, outShape: [n * n], aStrides: [1], bStrides: [1] },
      rtol: 1e-4, atol: 2e-6,
    });
  }
  return cases;
}

export const GROUPS: Record<string, () => Case[]> = {
  // The op table's edge-grid cases share the unary / binary groups' backend, so their pipelines
  // (one per op code) are compiled once.
  unary: () => [...unaryCases(), ...tableUnaryCases()], binary: () => [...binaryCases(), ...tableBinaryCases()], select: selectCases, reduce: reduceCases,
  softmax: softmaxCases, matMul: matmulCases, matMulResidual: matmulResidualCases, layout: layoutCases, layoutStrided: () => copyStridedCases(rand), adamUpdate: adamUpdateCases,
  matMulColSums: matmulColSumsCases,
  // the quick-to-compile tier (shaders/matmul_simple.wgsl; run with tiered: 'always'): every case it takes
  matMulSimple: () => [...matmulCases(), ...matmulResidualCases()].filter((c) => {
    const a = c.attrs as KernelAttrs['matMul'];
    return c.inputs.every((t) => t.dtype === 'float32') && a.activation !== Activation.prelu && a.K > 0 && a.M > 0 && a.N > 0;
  }),
  // The tiled entry compiles slowly on SwiftShader (one pipeline per override set), so it runs
  // a representative subset: odd sizes, a tile multiple, large K, all transposes, broadcast, epilogue.
  // The residual cases without the per-activation sweep (the activation code is shared by every entry,
  // matmul_common.wgsl, and the direct entries run the sweep): both residual modes, transposes, batch
  // broadcast, bias, prelu and five activations, for the slow-compiling tiled entry.
  matMulResidualSubset: () => matmulResidualCases().slice(0, 9),
  matMulSubset: () => matmulCases().filter((c) => /b=1 M=(1|17|31|4) N=(1|17|33|8) K=\d+ tA=false tB=false aBS=\d+ bBS=\d+ bias=0 act=0|M=64 N=64 K=32 tA=true tB=true|b=2 M=17 N=19|bBS=0|act=8/.test(c.name)),
};

/**
 * Run one group of cases; `direct` picks the matmul entry (barrier-free or tiled), `subgroups`
 * (direct only) whether the barrier-free one may be matmul_subgroup (then it must be available).
 */
async function runGroup(group: string, options: { direct?: boolean; subgroups?: boolean; tiered?: 'always' } = {}): Promise<CaseResult[]> {
  prng.reset();
  const be = await createWebGPUBackend(options.direct === undefined ? {} : { preferDirect: options.direct });
  if (!be) throw new Error('webgpu backend unavailable in this page (no navigator.gpu or adapter)');
  // the kernels' own pipelines unless a group asks for the simple matMul tier (the cases are recorded
  // together, before any compile ends, so tiered compilation would run them all on the simple tier)
  be.tieredCompile = false;
  be.tieredCompileAlways = options.tiered === 'always';
  const results: CaseResult[] = [];
  setMatmulConfig({ direct: true, subgroups: options.subgroups !== false });
  if (options.subgroups) {
    const size = (be as unknown as { ctx: { subgroupSize: number | null } }).ctx.subgroupSize;
    results.push({ group, name: 'device has 4-lane subgroups (matmul_subgroup runs)', bad: size === 4 ? 0 : 1, total: 1, first: `subgroupSize ${size}` });
  }
  try {
    // Record every case first and await the reads together: one flush serves many cases.
    const settled = await Promise.all(GROUPS[group]().map((c) => runCase(be, group, c).catch((e: unknown) =>
      ({ group, name: c.name, bad: 1, total: 0, first: `threw: ${(e as Error).message}` }))));
    results.push(...settled);
    if (group === 'binary' && options.direct === undefined) {
      // which contiguous entry each op code compiled (pipeline keys: family:entry:constants)
      const keys = [...(be as unknown as { pipelines: { pipelines: Map<string, unknown> } }).pipelines.pipelines.keys()];
      const chunkedOps = new Set(keys.filter((k) => k.includes(':binary_chunked:')).map((k) => JSON.parse(k.split(':binary_chunked:')[1]).OP));
      const software = (be as unknown as { ctx: { preferDirect: boolean } }).ctx.preferDirect;
      const want = software ? [Binary.add, Binary.sub, Binary.mul, Binary.div] : [];
      const got = [...chunkedOps].sort((x, y) => x - y);
      results.push({ group, name: 'binary_chunked runs exactly the cheap op codes (CPU adapters)', bad: JSON.stringify(got) === JSON.stringify(want) ? 0 : 1,
        total: 1, first: `chunked op codes ${JSON.stringify(got)}, want ${JSON.stringify(want)}` });
    }
    if (group === 'layoutStrided') {
      // CPU adapters copy unchunked calls with copy_strided_rows; GPU runs keep copy_strided / _row4
      const keys = [...(be as unknown as { pipelines: { pipelines: Map<string, unknown> } }).pipelines.pipelines.keys()];
      const rows = keys.some((k) => k.includes(':copy_strided_rows:'));
      const direct = (be as unknown as { ctx: { preferDirect: boolean } }).ctx.preferDirect;
      results.push({ group, name: 'copy_strided_rows runs exactly on CPU adapters (preferDirect)', bad: rows === direct ? 0 : 1, total: 1, first: `rows entry ${rows}, preferDirect ${direct}` });
    }
    if (options.tiered === 'always') {
      const keys = [...(be as unknown as { pipelines: { pipelines: Map<string, unknown> } }).pipelines.pipelines.keys()];
      // the two simple modules: linear / relu, and every activation
      results.push({ group, name: 'every case ran on the simple matMul pipelines', bad: keys.length === 2 && keys.every((k) => k.startsWith('matmul_simple:')) ? 0 : 1,
        total: 1, first: `pipelines ${JSON.stringify(keys)}` });
    }
    const before = be.memory().numBuffers;
    results.push({ group, name: 'no leaked buffers', bad: before === 0 ? 0 : 1, total: 1, first: `numBuffers ${before}` });
  } finally {
    setMatmulConfig({ direct: true, subgroups: true });
    be.dispose();
  }
  return results;
}

/** Misc backend behaviour: readSync throws, unknown kernels throw, many dispatches batch. */
async function runBackendChecks(): Promise<CaseResult[]> {
  const be = await createWebGPUBackend();
  if (!be) throw new Error('webgpu backend unavailable');
  const out: CaseResult[] = [];
  const expectThrow = (name: string, fn: () => unknown, re: RegExp) => {
    try { fn(); out.push({ group: 'backend', name, bad: 1, total: 1, first: 'did not throw' }); }
    catch (e) { const m = (e as Error).message; out.push({ group: 'backend', name, bad: re.test(m) ? 0 : 1, total: 1, first: m }); }
  };
  const id = be.allocate(4, 'float32');
  be.write(id, new Float32Array([1, 2, 3, 4]));
  expectThrow('readSync throws', () => be.readSync(), /use await tensor\.data\(\)/);
  const info: TensorInfo = { dataId: id, shape: [4], dtype: 'float32', size: 4 };
  expectThrow('unknown kernel throws', () => be.run('fft' as any, [info], [info], {} as any), /kernel 'fft'/);
  // a bad residual epilogue names the op: wrong size, unknown mode, mode 1 with prelu (matMul [2,2] x [2,2] -> 4 elements)
  const mm = { batch: 1, M: 2, N: 2, K: 2, transposeA: false, transposeB: false, aBatchStride: 4, bBatchStride: 4, hasBias: false, biasSize: 0, activation: 0, alpha: 0, preluSize: 1 };
  const r3: TensorInfo = { ...info, shape: [3], size: 3 };
  expectThrow('residual of the wrong size throws', () => be.run('matMul', [info, info, r3], [info], { ...mm, residual: 1 }),
    /webgpu matMul: the residual input must be float32 with the output's 4 elements/);
  expectThrow('unknown residual mode throws', () => be.run('matMul', [info, info, info], [info], { ...mm, residual: 3 }), /webgpu matMul: residual must be 0, 1 or 2, got 3/);
  expectThrow('residual before prelu throws', () => be.run('conv2d', [info, info, info, info], [info], {
    batch: 1, inH: 1, inW: 1, inC: 1, outH: 2, outW: 2, outC: 1, filterH: 1, filterW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
    padTop: 0, padLeft: 0, hasBias: false, biasSize: 0, activation: Activation.prelu, alpha: 0, preluSize: 1, residual: 1,
  }), /webgpu conv2d: a residual added before the activation does not combine with prelu/);
  // a chain of 200 adds x_{i+1} = x_i + ones, freeing x_i right after recording it
  const ones = be.allocate(4, 'float32');
  be.write(ones, new Float32Array([1, 1, 1, 1]));
  let cur = id;
  for (let i = 0; i < 200; i++) {
    const next = be.allocate(4, 'float32');
    be.run('binary', [{ ...info, dataId: cur }, { ...info, dataId: ones }], [{ ...info, dataId: next }], { op: Binary.add, outShape: [4], aStrides: [1], bStrides: [1] });
    be.free(cur);
    cur = next;
    if (i === 100) { const scratch = be.allocate(4, 'float32'); be.write(scratch, new Float32Array([9, 9, 9, 9])); be.free(scratch); }
  }
  const v = await be.read(cur, 'float32', 4);
  const want = [201, 202, 203, 204];
  const bad = want.filter((w, i) => w !== v[i]).length;
  out.push({ group: 'backend', name: 'batched chain with deferred frees', bad, total: 4, first: `${Array.from(v)}` });
  const mem = be.memory();
  out.push({ group: 'backend', name: 'dispatches batched into few submits', bad: Number(mem.submits) < Number(mem.dispatches) / 10 ? 0 : 1, total: 1, first: JSON.stringify(mem) });
  be.free(cur);
  be.free(ones);
  // free() right after starting a read must not let the buffer be reused before the copy
  const r = be.allocate(8, 'float32');
  be.write(r, new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]));
  const pending = be.read(r, 'float32', 8);
  be.free(r);
  const other = be.allocate(8, 'float32');
  be.write(other, new Float32Array(8).fill(-1));
  const got = Array.from(await pending);
  out.push({ group: 'backend', name: 'free during read', bad: got.join() === '1,2,3,4,5,6,7,8' ? 0 : 1, total: 1, first: got.join() });
  be.free(other);
  out.push({ group: 'backend', name: 'memory back to zero', bad: be.memory().numBuffers === 0 ? 0 : 1, total: 1, first: JSON.stringify(be.memory()) });
  be.dispose();
  return out;
}

(globalThis as any).tesseraWebgpuKernels = { runGroup, runBackendChecks, groups: Object.keys(GROUPS), setMatmulConfig };
