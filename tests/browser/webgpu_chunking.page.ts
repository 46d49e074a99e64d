/**
 * Page side of tests/browser/webgpu_chunking.test.ts (bundled by esbuild, run in headless
 * Chromium): runs matMul, the layout kernels, broadcasting binary / select, gather, oneHot,
 * the segment sum, softmax by row blocks and the batch-split convolutions on the webgpu backend with the effective storage-binding limit lowered
 * through the backend's `limitOverrides` test hook (so small tensors take the split paths), and
 * on the js reference kernels with the same inputs. Reports per case the mismatches, the
 * largest absolute error and how many dispatches the call took. The `large` group uses tensors
 * of 20-27 MB against a 16 MiB limit.
 */
import type { DType, StorageArray, TensorInfo } from '../../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../../src/backends/js/backend.js';
import { Activation, Binary, FusedKind, Unary, type KernelName } from '../../src/backends/kernels.js';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/backends/webgpu/index.js';
import { close, Lcg, sizeOf, type CaseResult } from './kernel_compare.js';

interface TensorSpec { shape: number[]; dtype?: DType; values?: ArrayLike<number> }
interface Case {
  name: string; kernel: KernelName; inputs: TensorSpec[]; outputs: TensorSpec[]; attrs: any;
  rtol?: number; atol?: number;
}
export interface ChunkResult extends CaseResult { dispatches: number; maxAbsErr: number; elements: number }

const prng = new Lcg(4242);
const rand = () => prng.next();
/** Values on a grid of 1/4 in [lo, hi): products and sums of a few thousand stay exact in f32. */
function grid(n: number, lo = -3, hi = 3): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.round((lo + (hi - lo) * rand()) * 4) / 4;
  return a;
}
function ints(n: number, lo: number, hi: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor((hi - lo + 1) * rand());
  return a;
}
const store = (t: TensorSpec, v: ArrayLike<number>): StorageArray => ((t.dtype ?? 'float32') === 'float32' ? Float32Array.from(v) : Int32Array.from(v));
const rowMajor = (shape: number[]) => shape.map((_, d) => sizeOf(shape.slice(d + 1)));
/** Strides of `shape` right-aligned against outShape, 0 on broadcast dims (as the op layer builds them). */
function broadcastStrides(shape: number[], outShape: number[]): number[] {
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

async function runCase(be: WebGPUBackend, group: string, c: Case, limit: number): Promise<ChunkResult> {
  const ins = c.inputs.map((t) => store(t, t.values ?? ((t.dtype ?? 'float32') === 'float32' ? grid(sizeOf(t.shape)) : ints(sizeOf(t.shape), -5, 5))));
  const info = (t: TensorSpec, dataId: any): TensorInfo => ({ dataId, shape: t.shape, dtype: t.dtype ?? 'float32', size: sizeOf(t.shape) });
  // Outputs start as -7 everywhere, so a chunk that writes nothing (or writes past its range) shows.
  const stale = (t: TensorSpec) => store(t, new Float32Array(sizeOf(t.shape)).fill(-7));
  const jsOuts = c.outputs.map(stale);
  (jsKernels[c.kernel] as JsKernel<any>)(ins, jsOuts, c.attrs, c.inputs.map((t) => info(t, null)), c.outputs.map((t) => info(t, null)));
  const inIds = c.inputs.map((t, i) => { const id = be.allocate(sizeOf(t.shape), t.dtype ?? 'float32'); be.write(id, ins[i]); return id; });
  const outIds = c.outputs.map((t) => { const id = be.allocate(sizeOf(t.shape), t.dtype ?? 'float32'); be.write(id, stale(t)); return id; });
  const d0 = Number(be.memory().dispatches);
  let dispatches = 0;
  let gpuOuts: StorageArray[];
  try {
    be.limitOverrides = { maxStorageBufferBindingSize: limit };
    try {
      be.run(c.kernel, c.inputs.map((t, i) => info(t, inIds[i])), c.outputs.map((t, i) => info(t, outIds[i])), c.attrs);
    } finally {
      be.limitOverrides = {};
    }
    dispatches = Number(be.memory().dispatches) - d0;
    const reads = Promise.all(c.outputs.map((t, i) => be.read(outIds[i], t.dtype ?? 'float32', sizeOf(t.shape))));
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('read timed out after 120 s')), 120000));
    gpuOuts = await Promise.race([reads, timeout]);
  } finally {
    for (const id of [...inIds, ...outIds]) be.free(id);
  }
  let bad = 0, total = 0, first = '', maxAbsErr = 0;
  c.outputs.forEach((_t, o) => {
    const want = jsOuts[o], got = gpuOuts[o];
    for (let i = 0; i < want.length; i++) {
      total++;
      const err = Math.abs(Number(got[i]) - Number(want[i]));
      if (err > maxAbsErr || err !== err) maxAbsErr = err !== err ? Infinity : err;
      if (!close(got[i], want[i], c.rtol ?? 1e-6, c.atol ?? 1e-6)) {
        bad++;
        if (!first) first = `out${o}[${i}] = ${got[i]}, want ${want[i]}`;
      }
    }
  });
  return { group, name: c.name, bad, total, first, dispatches, maxAbsErr, elements: Math.max(...c.inputs.map((t) => sizeOf(t.shape)), ...c.outputs.map((t) => sizeOf(t.shape))) };
}

function matmulCase(name: string, batch: number, M: number, K: number, N: number, o: {
  transposeA?: boolean; transposeB?: boolean; aBatch?: boolean; bBatch?: boolean; bias?: number; activation?: number;
  alpha?: number; prelu?: number; dtype?: DType; residual?: number;
} = {}): Case {
  const { transposeA = false, transposeB = false, aBatch = true, bBatch = true, bias = 0, activation = 0, alpha = 0.2, prelu = 0, residual = 0 } = o;
  const dtype = o.dtype ?? 'float32';
  const inputs: TensorSpec[] = [
    { shape: [aBatch ? batch : 1, ...(transposeA ? [K, M] : [M, K])], dtype },
    { shape: [bBatch ? batch : 1, ...(transposeB ? [N, K] : [K, N])], dtype },
  ];
  if (bias) inputs.push({ shape: [bias], dtype });
  if (prelu) inputs.push({ shape: [prelu], dtype });
  if (residual) inputs.push({ shape: [batch, M, N], dtype });
  return {
    name: `matMul ${name}: [${inputs[0].shape}] x [${inputs[1].shape}]${transposeA ? ' tA' : ''}${transposeB ? ' tB' : ''}` +
      `${bias ? ` bias ${bias}` : ''}${activation ? ` act ${activation}` : ''}${residual ? ` residual ${residual}` : ''}${dtype !== 'float32' ? ` ${dtype}` : ''}`,
    kernel: 'matMul', inputs, outputs: [{ shape: [batch, M, N], dtype }],
    attrs: {
      batch, M, N, K, transposeA, transposeB, aBatchStride: aBatch ? M * K : 0, bBatchStride: bBatch ? K * N : 0,
      hasBias: bias > 0, biasSize: bias || N, activation, alpha, preluSize: prelu || N, ...(residual ? { residual } : {}),
    },
    // grid inputs make every sum exact in f32; activations (sigmoid, tanh, elu, gelu) round
    rtol: 2e-6, atol: 2e-6,
  };
}

function matmulCases(): Case[] {
  return [
    matmulCase('odd sizes, output split mid-row', 1, 37, 53, 29),
    matmulCase('transposeA (A split along K)', 1, 37, 53, 29, { transposeA: true }),
    matmulCase('transposeB', 1, 37, 53, 29, { transposeB: true }),
    matmulCase('both transposed', 2, 19, 41, 23, { transposeA: true, transposeB: true }),
    matmulCase('batch, B broadcast', 3, 21, 17, 13, { bBatch: false }),
    matmulCase('batch, A broadcast, transposeB', 3, 9, 33, 31, { aBatch: false, transposeB: true }),
    matmulCase('B too big for any column block: split K', 2, 3, 700, 5),
    matmulCase('tall K, transposeA', 1, 3, 700, 5, { transposeA: true }),
    matmulCase('wide N: bias split too', 1, 2, 8, 600, { bias: 600, activation: Activation.relu }),
    matmulCase('K split + bias + relu6 once', 1, 6, 500, 7, { bias: 7, activation: Activation.relu6 }),
    matmulCase('K split + scalar bias + leakyrelu', 2, 5, 300, 9, { bias: 1, activation: Activation.leakyrelu, alpha: 0.3 }),
    matmulCase('K split + prelu', 1, 4, 400, 11, { prelu: 11, activation: Activation.prelu }),
    matmulCase('bias + sigmoid', 1, 40, 20, 30, { bias: 30, activation: Activation.sigmoid }),
    matmulCase('bias + tanh, transposeA/B', 2, 17, 70, 19, { transposeA: true, transposeB: true, bias: 19, activation: Activation.tanh }),
    matmulCase('gelu epilogue, K split', 1, 8, 333, 6, { bias: 6, activation: Activation.gelu }),
    matmulCase('int32 with K split', 1, 5, 600, 4, { dtype: 'int32' }),
    matmulCase('K = 0 with bias', 1, 300, 0, 5, { bias: 5, activation: Activation.elu }),
    matmulCase('tile-aligned sizes', 2, 32, 64, 32),
    // the residual epilogue reads r over the output's block (its own bound range)
    matmulCase('output split mid-row + residual after tanh', 1, 37, 53, 29, { bias: 29, activation: Activation.tanh, residual: 2 }),
    matmulCase('split K + residual before relu once', 2, 5, 300, 9, { bias: 9, activation: Activation.relu, residual: 1 }),
    matmulCase('both transposed + residual', 2, 19, 41, 23, { transposeA: true, transposeB: true, residual: 1 }),
    // a weight gradient with its bias gradient (colSums) whose X is split: the sums of dY come from reduceColumns after it
    withColSums(matmulCase('colSums, X split', 1, 37, 50, 5, { transposeA: true })),
  ];
}

/** The case with KernelAttrs.matMul.colSums: a second output, the column sums of B. */
function withColSums(c: Case): Case {
  return { ...c, name: `${c.name} colSums`, outputs: [...c.outputs, { shape: [c.attrs.N] }], attrs: { ...c.attrs, colSums: true } };
}

function layoutCases(): Case[] {
  const cases: Case[] = [];
  const strided = (name: string, inShape: number[], outShape: number[], inStrides: number[], offset: number, modDims = outShape, dtype: DType = 'float32'): Case => ({
    name: `copyStrided ${name} [${inShape}] -> [${outShape}]`, kernel: 'copyStrided', inputs: [{ shape: inShape, dtype }],
    outputs: [{ shape: outShape, dtype }], attrs: { outShape, inStrides, modDims, offset }, rtol: 0, atol: 0,
  });
  cases.push(strided('transpose', [37, 53], [53, 37], [1, 53], 0));
  cases.push(strided('transpose int32', [61, 45], [45, 61], [1, 45], 0, undefined, 'int32'));
  cases.push(strided('slice', [40, 50], [35, 40], [50, 1], 3 * 50 + 5));
  cases.push(strided('reverse both axes', [30, 41], [30, 41], [-41, -1], 30 * 41 - 1));
  cases.push(strided('tile 3x3 (small source)', [7, 9], [21, 27], [9, 1], 0, [7, 9]));
  cases.push(strided('tile 2x2 (big source)', [20, 30], [40, 60], [30, 1], 0, [20, 30]));
  cases.push(strided('broadcast rows', [50], [60, 50], [0, 1], 0));
  {
    const s = [5, 6, 7, 8], perm = [2, 0, 3, 1], st = rowMajor(s);
    cases.push(strided('rank-4 permutation', s, perm.map((p) => s[p]), perm.map((p) => st[p]), 0));
  }
  const pad = (inShape: number[], before: number[], after: number[], value: number, dtype: DType = 'float32'): Case => {
    const outShape = inShape.map((n, d) => n + before[d] + after[d]);
    return {
      name: `pad [${inShape}] before [${before}] after [${after}] ${dtype}`, kernel: 'pad', inputs: [{ shape: inShape, dtype }],
      outputs: [{ shape: outShape, dtype }], attrs: { outShape, inShape, padBefore: before, value }, rtol: 0, atol: 0,
    };
  };
  cases.push(pad([23, 31], [2, 3], [3, 6], 1.5));
  cases.push(pad([4, 9, 11], [1, 0, 5], [2, 3, 0], -2));
  cases.push(pad([3, 4], [20, 30], [25, 31], 0.25)); // small source, big output: most chunks are all padding
  cases.push(pad([600], [7], [9], 4, 'int32'));
  const into = (outer: number, inner: number, outInner: number, offset: number): Case => ({
    name: `copyInto [${outer}, ${inner}] -> [${outer}, ${outInner}] at ${offset}`, kernel: 'copyInto',
    inputs: [{ shape: [outer, inner] }], outputs: [{ shape: [outer, outInner] }], attrs: { outer, inner, outInner, offset }, rtol: 0, atol: 0,
  });
  cases.push(into(40, 30, 75, 20), into(3, 400, 900, 450), into(1, 1000, 1000, 0));
  const gather = (outer: number, axisDim: number, inner: number, numIndices: number, dtype: DType = 'float32'): Case => {
    const idx = ints(numIndices, -1, axisDim); // -1 and axisDim are out of range: zeros
    return {
      name: `gather [${outer}, ${axisDim}, ${inner}] by ${numIndices} ${dtype}`, kernel: 'gather',
      inputs: [{ shape: [outer, axisDim, inner], dtype }, { shape: [numIndices], dtype: 'int32', values: idx }],
      outputs: [{ shape: [outer, numIndices, inner], dtype }], attrs: { outer, axisDim, inner, numIndices }, rtol: 0, atol: 0,
    };
  };
  cases.push(gather(3, 500, 4, 50), gather(1, 1000, 8, 300), gather(2, 9, 150, 7, 'int32'), gather(1, 0, 3, 100));
  const oneHot = (n: number, depth: number): Case => ({
    name: `oneHot ${n} x depth ${depth}`, kernel: 'oneHot', inputs: [{ shape: [n], dtype: 'int32', values: ints(n, -1, depth) }],
    outputs: [{ shape: [n, depth] }], attrs: { depth, onValue: 2.5, offValue: -0.5 }, rtol: 0, atol: 0,
  });
  cases.push(oneHot(100, 37), oneHot(700, 3));
  const segSum = (outer: number, n: number, inner: number, numSegments: number): Case => ({
    name: `unsortedSegmentSum [${outer}, ${n}, ${inner}] into ${numSegments}`, kernel: 'unsortedSegmentSum',
    inputs: [{ shape: [outer * n * inner] }, { shape: [n], dtype: 'int32', values: ints(n, -1, numSegments) }],
    outputs: [{ shape: [outer * numSegments * inner] }], attrs: { outer, n, inner, numSegments }, rtol: 1e-6, atol: 1e-6,
  });
  cases.push(segSum(2, 600, 3, 10), segSum(1, 50, 40, 9));
  return cases;
}

function binaryCases(): Case[] {
  const cases: Case[] = [];
  const bin = (name: string, op: number, sa: number[], sb: number[], so: number[], dtype: DType = 'float32', outDtype: DType = dtype): Case => ({
    name: `binary ${name} [${sa}] & [${sb}] -> [${so}]`, kernel: 'binary',
    inputs: [{ shape: sa, dtype }, { shape: sb, dtype }], outputs: [{ shape: so, dtype: outDtype }],
    attrs: { op, outShape: so, aStrides: broadcastStrides(sa, so), bStrides: broadcastStrides(sb, so) },
  });
  cases.push(bin('add row', Binary.add, [60, 50], [1, 50], [60, 50]));
  cases.push(bin('sub column', Binary.sub, [60, 50], [60, 1], [60, 50]));
  cases.push(bin('mul outer product', Binary.mul, [7, 1, 90], [1, 45, 1], [7, 45, 90]));
  cases.push(bin('add wide row (b past one binding)', Binary.add, [3, 700], [700], [3, 700]));
  cases.push(bin('div by scalar', Binary.div, [3001], [], [3001]));
  cases.push(bin('int32 add column', Binary.add, [33, 1], [33, 41], [33, 41], 'int32'));
  cases.push(bin('less -> bool', Binary.less, [40, 31], [31], [40, 31], 'float32', 'bool'));
  const sel = (sc: number[], sa: number[], sb: number[], so: number[]): Case => ({
    name: `select [${sc}] ? [${sa}] : [${sb}] -> [${so}]`, kernel: 'select',
    inputs: [{ shape: sc, dtype: 'bool', values: ints(sizeOf(sc), 0, 1) }, { shape: sa }, { shape: sb }], outputs: [{ shape: so }],
    attrs: { outShape: so, condStrides: broadcastStrides(sc, so), aStrides: broadcastStrides(sa, so), bStrides: broadcastStrides(sb, so) },
    rtol: 0, atol: 0,
  });
  cases.push(sel([60, 1], [60, 50], [1, 50], [60, 50]), sel([500], [3, 500], [3, 1], [3, 500]));
  // the plan's fused chain (specs/fused_elementwise.ts): whole x by range, a row of 50 and a
  // scalar bound whole and read at (first + i) % period; out0 = leakyRelu((x + row) * s, 0.2), out1 = tanh(out0)
  const { load, unary, binary, store: st } = FusedKind;
  cases.push({
    name: 'fusedElementwise [3000] with a [50] row and a scalar, two outputs', kernel: 'fusedElementwise',
    inputs: [{ shape: [3000] }, { shape: [50] }, { shape: [1] }], outputs: [{ shape: [3000] }, { shape: [3000] }],
    attrs: {
      n: 3000, regs: 7, consts: [0.2, 0, 0, 0], periods: [3000, 50, 1],
      program: [load, 0, 0, 0, 0, 0, load, 1, 1, 0, 0, 0, binary, Binary.add, 2, 0, 1, 0, load, 2, 3, 0, 0, 0,
        binary, Binary.mul, 4, 2, 3, 0, unary, Unary.leakyRelu, 5, 4, 0, 0, st, 0, 0, 5, 0, 0, unary, Unary.tanh, 6, 5, 0, 2, st, 1, 0, 6, 0, 0],
    },
    rtol: 2e-6, atol: 1e-6, // tanh in f32 on the GPU vs the js reference's float64 tanh rounded to f32
  });
  return cases;
}

/**
 * Tensors of 20-27 MB against a 16 MiB binding limit (SwiftShader's own maxStorageBufferBindingSize
 * equals its maxBufferSize, 1 GiB, so no tensor there can pass one binding for real).
 */
function largeCases(): Case[] {
  const side = 2400;
  const idx = ints(2000, -1, 50000);
  return [
    matmulCase('large, output past one binding', 1, 2600, 8, 2100, { bias: 2100, activation: Activation.relu }),
    matmulCase('large, B past one binding (K split)', 1, 4, 6000, 1000),
    {
      name: `copyStrided large: transpose [${side}, ${side}]`, kernel: 'copyStrided', inputs: [{ shape: [side, side] }],
      outputs: [{ shape: [side, side] }], attrs: { outShape: [side, side], inStrides: [1, side], modDims: [side, side], offset: 0 }, rtol: 0, atol: 0,
    },
    {
      name: `binary large: add [${side}, ${side}] + [${side}, 1]`, kernel: 'binary', inputs: [{ shape: [side, side] }, { shape: [side, 1] }],
      outputs: [{ shape: [side, side] }], attrs: { op: Binary.add, outShape: [side, side], aStrides: [side, 1], bStrides: [1, 0] },
    },
    {
      name: 'gather large: 2000 rows of a [50000, 100] embedding', kernel: 'gather',
      inputs: [{ shape: [50000, 100] }, { shape: [2000], dtype: 'int32', values: idx }],
      outputs: [{ shape: [2000, 100] }], attrs: { outer: 1, axisDim: 50000, inner: 100, numIndices: 2000 }, rtol: 0, atol: 0,
    },
  ];
}

/** Convolutions split into blocks of whole images: 8x8x4 images are 256 elements (aligned offsets). */
function convCases(): Case[] {
  const geom = (batch: number, inC: number, outC: number) => ({
    batch, inH: 8, inW: 8, inC, outH: 8, outW: 8, outC, filterH: 3, filterW: 3, strideH: 1, strideW: 1,
    dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1,
  });
  const g = geom(7, 4, 4);
  const img = [7, 8, 8, 4];
  const epi = { hasBias: true, biasSize: 4, activation: Activation.relu, alpha: 0, preluSize: 4 };
  const dw = { ...geom(7, 4, 4), channelMultiplier: 1 };
  return [
    { name: 'conv2d [7,8,8,4] 3x3x4x4 same + bias + relu', kernel: 'conv2d', inputs: [{ shape: img }, { shape: [3, 3, 4, 4] }, { shape: [4] }],
      outputs: [{ shape: img }], attrs: { ...g, ...epi }, rtol: 1e-6, atol: 1e-5 },
    { name: 'conv2d [5,8,8,4] -> 8 channels', kernel: 'conv2d', inputs: [{ shape: [5, 8, 8, 4] }, { shape: [3, 3, 4, 8] }],
      outputs: [{ shape: [5, 8, 8, 8] }], attrs: { ...geom(5, 4, 8), hasBias: false, biasSize: 0, activation: 0, alpha: 0, preluSize: 0 }, rtol: 1e-6, atol: 1e-5 },
    { name: 'conv2dBackpropInput [7,8,8,4]', kernel: 'conv2dBackpropInput', inputs: [{ shape: img }, { shape: [3, 3, 4, 4] }],
      outputs: [{ shape: img }], attrs: g, rtol: 1e-6, atol: 1e-5 },
    { name: 'depthwiseConv2d [7,8,8,4] + bias + relu', kernel: 'depthwiseConv2d', inputs: [{ shape: img }, { shape: [3, 3, 4, 1] }, { shape: [4] }],
      outputs: [{ shape: img }], attrs: { ...dw, ...epi }, rtol: 1e-6, atol: 1e-5 },
    { name: 'conv2d [7,8,8,4] + bias + residual before relu', kernel: 'conv2d', inputs: [{ shape: img }, { shape: [3, 3, 4, 4] }, { shape: [4] }, { shape: img }],
      outputs: [{ shape: img }], attrs: { ...g, ...epi, residual: 1 }, rtol: 1e-6, atol: 1e-5 },
    { name: 'depthwiseConv2d [7,8,8,4] + bias + relu + residual', kernel: 'depthwiseConv2d', inputs: [{ shape: img }, { shape: [3, 3, 4, 1] }, { shape: [4] }, { shape: img }],
      outputs: [{ shape: img }], attrs: { ...dw, ...epi, residual: 2 }, rtol: 1e-6, atol: 1e-5 },
    { name: 'depthwiseConv2dBackpropInput [7,8,8,4]', kernel: 'depthwiseConv2dBackpropInput', inputs: [{ shape: img }, { shape: [3, 3, 4, 1] }],
      outputs: [{ shape: img }], attrs: dw, rtol: 1e-6, atol: 1e-5 },
  ];
}

/**
 * softmax / logSoftmax by blocks of whole rows (64 rows of 3 or 4 floats per 1 KiB binding;
 * width 4 takes the vec4 entry).
 */
function softmaxCases(): Case[] {
  return [3, 4].flatMap((cols) => [false, true].map((log) => ({
    name: `${log ? 'logSoftmax' : 'softmax'} [200, ${cols}] by row blocks`, kernel: 'softmax' as KernelName,
    inputs: [{ shape: [200, cols] }], outputs: [{ shape: [200, cols] }], attrs: { rows: 200, cols, log },
    rtol: 2e-6, atol: 1e-6, // exp in f32 on the GPU vs f64 in the js reference
  })));
}

const GROUPS: Record<string, () => Case[]> = {
  matmul: matmulCases, layout: layoutCases, binary: binaryCases, large: largeCases, conv: convCases, softmax: softmaxCases,
};

/** The device's real limits (for the test to size and report the real-limit run). */
async function limits(): Promise<{ maxStorageBufferBindingSize: number; maxBufferSize: number; minStorageBufferOffsetAlignment: number }> {
  const be = await createWebGPUBackend({});
  if (!be) throw new Error('webgpu backend unavailable in this page (no navigator.gpu or adapter)');
  const l = be.device.limits;
  const r = { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxBufferSize: l.maxBufferSize, minStorageBufferOffsetAlignment: l.minStorageBufferOffsetAlignment };
  be.dispose();
  return r;
}

/** Run a group (the cases whose names match `only`, if given) with the binding limit lowered to `limit` bytes. */
async function runGroup(group: string, limit: number, preferDirect?: boolean, only?: string): Promise<ChunkResult[]> {
  prng.reset();
  const be = await createWebGPUBackend({ preferDirect });
  if (!be) throw new Error('webgpu backend unavailable in this page (no navigator.gpu or adapter)');
  const results: ChunkResult[] = [];
  try {
    const cases = GROUPS[group]().filter((c) => !only || new RegExp(only).test(c.name));
    for (const c of cases) {
      try {
        results.push(await runCase(be, group, c, limit));
      } catch (e) {
        results.push({ group, name: c.name, bad: 1, total: 0, first: `threw: ${(e as Error).message}`, dispatches: 0, maxAbsErr: Infinity, elements: 0 });
      }
    }
    const left = be.memory().numBuffers;
    results.push({ group, name: 'no leaked buffers', bad: left === 0 ? 0 : 1, total: 1, first: `numBuffers ${left}`, dispatches: 0, maxAbsErr: 0, elements: 0 });
  } finally {
    be.dispose();
  }
  return results;
}

(globalThis as any).tesseraWebgpuChunking = { runGroup, limits };
