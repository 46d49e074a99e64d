/**
 * Page side of tests/browser/int8_webgpu.test.ts (bundled by esbuild, run in headless Chromium):
 * runs the int8 kernels of issue 12 (quantizeInt8, dequantizeInt8, int8MatMul, int8Conv2d,
 * int8DepthwiseConv2d) on the webgpu backend and on the js reference kernels
 * (src/backends/js/int8.ts) with the same inputs, and reports per case the output words that
 * differ. Every output word is compared exactly (float32 bits; packed int8 words including
 * their padding bytes), and outputs start filled with a sentinel so stray or missing writes show.
 */
import type { DType, StorageArray, TensorInfo } from '../../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../../src/backends/js/backend.js';
import { Activation, packedCols, type ConvGeometry, type Int8Epilogue, type KernelName } from '../../src/backends/kernels.js';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/backends/webgpu/index.js';
import { Lcg, sizeOf, type CaseResult } from './kernel_compare.js';
import * as tf from '../../src/index.js';
import { int8AvgPool, int8GlobalAvgPool, int8MaxPool } from '../../src/ops/quantized_pool.js';

interface TensorSpec { shape: number[]; dtype: DType; values: StorageArray }
interface Case { name: string; kernel: KernelName; inputs: TensorSpec[]; output: { shape: number[]; dtype: DType }; attrs: any }

const prng = new Lcg(1212);
const rand = () => prng.next();
const randInt = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const f32 = Math.fround;
const SENTINEL = 0x5a5a5a5a;

function floats(n: number, lo: number, hi: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

/**
 * Packed int8 rows [rows, packedCols(cols)] with values in [lo, hi]; padding bytes `pad`
 * (weights: 0 as the contract says; activations: arbitrary bytes, which no kernel may read).
 */
function packed(rows: number, cols: number, lo: number, hi: number, pad: number | null): Int32Array {
  const words = packedCols(cols);
  const out = new Int32Array(rows * words);
  const bytes = new Int8Array(out.buffer);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < words * 4; j++) bytes[r * words * 4 + j] = j < cols ? randInt(lo, hi) : pad ?? randInt(-128, 127);
  }
  return out;
}

const tensor = (shape: number[], dtype: DType, values: StorageArray): TensorSpec => ({ shape, dtype, values });

async function runCase(be: WebGPUBackend, group: string, c: Case): Promise<CaseResult> {
  const outSize = sizeOf(c.output.shape);
  const info = (shape: number[], dtype: DType, dataId: unknown): TensorInfo => ({ dataId, shape, dtype, size: sizeOf(shape) } as TensorInfo);
  const want = new Int32Array(outSize).fill(SENTINEL);
  const wantOut = c.output.dtype === 'float32' ? new Float32Array(want.buffer) : want;
  (jsKernels[c.kernel] as JsKernel<any>)(c.inputs.map((t) => t.values), [wantOut], c.attrs,
    c.inputs.map((t) => info(t.shape, t.dtype, null)), [info(c.output.shape, c.output.dtype, null)]);
  const inIds = c.inputs.map((t) => { const id = be.allocate(t.values.length, t.dtype); be.write(id, t.values); return id; });
  const outId = be.allocate(outSize, 'int32');
  be.write(outId, new Int32Array(outSize).fill(SENTINEL));
  be.run(c.kernel, c.inputs.map((t, i) => info(t.shape, t.dtype, inIds[i])), [info(c.output.shape, c.output.dtype, outId)], c.attrs);
  const got = await be.read(outId, 'int32', outSize) as Int32Array;
  for (const id of [...inIds, outId]) be.free(id);
  let bad = 0, first = '';
  const asFloat = c.output.dtype === 'float32';
  const show = (w: number) => (asFloat ? `${new Float32Array(new Int32Array([w]).buffer)[0]}` : `0x${(w >>> 0).toString(16)}`);
  for (let i = 0; i < outSize; i++) {
    if (got[i] !== want[i]) {
      bad++;
      if (!first) first = `word ${i} = ${show(got[i])}, want ${show(want[i])}`;
    }
  }
  if (want.every((w) => w === SENTINEL)) { bad++; first ||= 'the reference wrote nothing'; }
  return { group, name: c.name, bad, total: outSize, first };
}

// ---- quantize / dequantize ------------------------------------------------------------------
function quantizeCases(): Case[] {
  const cases: Case[] = [];
  for (const [rows, cols, scale, zp] of [[3, 7, 0.25, 0], [5, 13, f32(0.037), 37], [2, 64, f32(0.011), -128], [1, 1, 0.5, 5]] as const) {
    const x = floats(rows * cols, -3, 3);
    // exact ties of x / scale (half to even), clamped values and a NaN
    for (let i = 0; i < x.length; i += 5) x[i] = f32(scale * (randInt(-20, 20) + 0.5));
    x[Math.min(1, x.length - 1)] = 1e6;
    if (x.length > 3) { x[2] = -1e6; x[3] = NaN; }
    const a = { rows, cols, scale, zeroPoint: zp };
    cases.push({ name: `quantizeInt8 [${rows}, ${cols}] scale ${scale} zp ${zp}`, kernel: 'quantizeInt8',
      inputs: [tensor([rows, cols], 'float32', x)], output: { shape: [rows, packedCols(cols)], dtype: 'int32' }, attrs: a });
    cases.push({ name: `dequantizeInt8 [${rows}, ${cols}] scale ${scale} zp ${zp}`, kernel: 'dequantizeInt8',
      inputs: [tensor([rows, packedCols(cols)], 'int32', packed(rows, cols, -128, 127, null))],
      output: { shape: [rows, cols], dtype: 'float32' }, attrs: a });
  }
  return cases;
}

// ---- epilogues ---------------------------------------------------------------------------------
const EPILOGUES: Array<{ tag: string; e: Omit<Int8Epilogue, 'aZeroPoint' | 'hasBias'> }> = [
  { tag: 'linear float', e: { aScale: f32(0.05), activation: Activation.linear, alpha: 0, outInt8: false, outScale: 1, outZeroPoint: 0 } },
  { tag: 'relu int8', e: { aScale: f32(0.021), activation: Activation.relu, alpha: 0, outInt8: true, outScale: f32(0.013), outZeroPoint: -128 } },
  { tag: 'relu6 int8', e: { aScale: f32(0.07), activation: Activation.relu6, alpha: 0, outInt8: true, outScale: f32(6 / 255), outZeroPoint: -128 } },
  { tag: 'leakyrelu int8', e: { aScale: f32(0.03), activation: Activation.leakyrelu, alpha: f32(0.2), outInt8: true, outScale: f32(0.02), outZeroPoint: 11 } },
  { tag: 'relu float', e: { aScale: f32(0.04), activation: Activation.relu, alpha: 0, outInt8: false, outScale: 1, outZeroPoint: 0 } },
  { tag: 'relu6 float', e: { aScale: f32(0.09), activation: Activation.relu6, alpha: 0, outInt8: false, outScale: 1, outZeroPoint: 0 } },
];
const ZERO_POINTS = [-128, 0, 37];

/** Weight scales, bias (when wanted) and the epilogue attrs of the i-th combination. */
function epilogueInputs(i: number, channels: number): { extra: TensorSpec[]; e: Int8Epilogue; tag: string } {
  const { tag, e } = EPILOGUES[i % EPILOGUES.length];
  const aZeroPoint = ZERO_POINTS[i % ZERO_POINTS.length];
  const hasBias = i % 2 === 0;
  const extra = [tensor([channels], 'float32', floats(channels, 0.002, 0.02))];
  if (hasBias) extra.push(tensor([channels], 'float32', floats(channels, -2, 2)));
  return { extra, e: { ...e, aZeroPoint, hasBias }, tag: `${tag} zp ${aZeroPoint}${hasBias ? ' bias' : ''}` };
}

const outputOf = (shape: number[], e: Int8Epilogue) =>
  e.outInt8 ? { shape: [...shape.slice(0, -1), packedCols(shape[shape.length - 1])], dtype: 'int32' as DType } : { shape, dtype: 'float32' as DType };

// ---- int8MatMul ----------------------------------------------------------------------------------
const MATMUL_SHAPES: Array<[number, number, number]> = [ // M, N, K
  [1, 1, 1], [3, 5, 0], [3, 5, 7], [4, 4, 4], [17, 13, 33], [9, 30, 62], [33, 18, 129], [5, 9, 300], [64, 40, 96],
];

function matmulCases(): Case[] {
  const cases: Case[] = [];
  let i = 0;
  for (const [M, N, K] of MATMUL_SHAPES) {
    for (let rep = 0; rep < 3; rep++, i++) {
      const { extra, e, tag } = epilogueInputs(i, N);
      cases.push({
        name: `int8MatMul M${M} N${N} K${K} ${tag}`, kernel: 'int8MatMul',
        inputs: [tensor([M, packedCols(K)], 'int32', packed(M, K, -128, 127, null)),
          tensor([N, packedCols(K)], 'int32', packed(N, K, -127, 127, 0)), ...extra],
        output: outputOf([M, N], e), attrs: { M, N, K, ...e },
      });
    }
  }
  // |acc| past 2^24 (f32(acc) inexact, as the contract says): (-128 - 127) * 127 * 1031 < -2^25
  const K = 1031, e = { ...EPILOGUES[0].e, aZeroPoint: 127, hasBias: false };
  cases.push({
    name: 'int8MatMul M5 N6 K1031 |acc| > 2^24', kernel: 'int8MatMul',
    inputs: [tensor([5, packedCols(K)], 'int32', packed(5, K, -128, -120, null)),
      tensor([6, packedCols(K)], 'int32', packed(6, K, 120, 127, 0)), tensor([6], 'float32', floats(6, 0.002, 0.02))],
    output: outputOf([5, 6], e), attrs: { M: 5, N: 6, K, ...e },
  });
  return cases;
}

// ---- convolutions ----------------------------------------------------------------------------------
type Pad = 'same' | 'valid';
function geometry(batch: number, inH: number, inW: number, inC: number, outC: number, fh: number, fw: number,
  stride: number, dilation: number, pad: Pad): ConvGeometry {
  const eh = (fh - 1) * dilation + 1, ew = (fw - 1) * dilation + 1;
  const outH = pad === 'same' ? Math.ceil(inH / stride) : Math.floor((inH - eh) / stride) + 1;
  const outW = pad === 'same' ? Math.ceil(inW / stride) : Math.floor((inW - ew) / stride) + 1;
  const padTop = pad === 'same' ? Math.floor(Math.max((outH - 1) * stride + eh - inH, 0) / 2) : 0;
  const padLeft = pad === 'same' ? Math.floor(Math.max((outW - 1) * stride + ew - inW, 0) / 2) : 0;
  return { batch, inH, inW, inC, outH, outW, outC, filterH: fh, filterW: fw, strideH: stride, strideW: stride,
    dilationH: dilation, dilationW: dilation, padTop, padLeft };
}

const CONV_GEOMS: Array<[number, number, number, number, number, number, number, number, Pad]> = [
  // batch, inH, inW, inC, outC, filter, stride, dilation, pad
  [1, 5, 5, 1, 1, 1, 1, 1, 'valid'],
  [2, 7, 6, 3, 5, 3, 1, 1, 'same'],
  [1, 9, 8, 17, 13, 3, 2, 1, 'same'],
  [2, 8, 9, 8, 6, 3, 1, 2, 'valid'],
  [1, 11, 10, 5, 7, 5, 2, 2, 'same'],
  [3, 6, 6, 16, 16, 3, 2, 1, 'valid'],
];

function convCases(): Case[] {
  const cases: Case[] = [];
  let i = 0;
  for (const [batch, h, w, inC, outC, k, s, d, pad] of CONV_GEOMS) {
    for (let rep = 0; rep < 2; rep++, i++) {
      const g = geometry(batch, h, w, inC, outC, k, k, s, d, pad);
      const where = `b${batch} ${h}x${w}x${inC}->${outC} k${k} s${s} d${d} ${pad}`;
      const x = tensor([batch, h, w, packedCols(inC)], 'int32', packed(batch * h * w, inC, -128, 127, null));
      const conv = epilogueInputs(i, outC);
      cases.push({
        name: `int8Conv2d ${where} ${conv.tag}`, kernel: 'int8Conv2d',
        inputs: [x, tensor([outC, k, k, packedCols(inC)], 'int32', packed(outC * k * k, inC, -127, 127, 0)), ...conv.extra],
        output: outputOf([batch, g.outH, g.outW, outC], conv.e), attrs: { ...g, ...conv.e },
      });
      const dw = epilogueInputs(i + 1, inC);
      const gd = { ...g, outC: inC };
      cases.push({
        name: `int8DepthwiseConv2d ${where.replace(`->${outC}`, '')} ${dw.tag}`, kernel: 'int8DepthwiseConv2d',
        inputs: [x, tensor([k, k, packedCols(inC)], 'int32', packed(k * k, inC, -127, 127, 0)), ...dw.extra],
        output: outputOf([batch, g.outH, g.outW, inC], dw.e), attrs: { ...gd, ...dw.e },
      });
    }
  }
  return cases;
}

const GROUPS: Record<string, () => Case[]> = { quantize: quantizeCases, matmul: matmulCases, conv: convCases };

/**
 * Run one group with the dot4I8Packed variant (when the feature exists) or the portable one;
 * `maxWorkgroupsPerDimension` pretends the device allows fewer (to fold grids into 2-D);
 * `gpuTiles` picks the GPU configuration (int8_matmul_tiled), `maxWorkgroupStorage` shrinks its tile.
 */
async function runGroup(group: string, portable: boolean, maxWorkgroupsPerDimension?: number, gpuTiles = false,
  maxWorkgroupStorage?: number): Promise<CaseResult[]> {
  prng.reset();
  const be = await createWebGPUBackend({ preferDirect: !gpuTiles });
  if (!be) throw new Error('webgpu backend unavailable');
  if (maxWorkgroupStorage) (be as any).ctx.limits.maxWorkgroupStorage = maxWorkgroupStorage;
  if (portable) be.packedInt8DotOverride = false;
  if (maxWorkgroupsPerDimension) (be as any).ctx.limits.maxWorkgroupsPerDimension = maxWorkgroupsPerDimension;
  try {
    const results: CaseResult[] = [];
    for (const c of GROUPS[group]()) results.push(await runCase(be, group, c));
    return results;
  } finally {
    be.dispose();
  }
}

/** Whether this browser's WGSL has packed_4x8_integer_dot_product. */
function packedFeature(): boolean {
  return (navigator.gpu as any).wgslLanguageFeatures?.has('packed_4x8_integer_dot_product') ?? false;
}

/**
 * The error an int8MatMul [4, 16] x [300, 16] throws (or '') when its weights pass a lowered
 * binding limit ('binding') or its grid passes a lowered workgroup-count limit ('workgroups').
 */
async function limitError(which: 'binding' | 'workgroups'): Promise<string> {
  const be = await createWebGPUBackend();
  if (!be) throw new Error('webgpu backend unavailable');
  try {
    if (which === 'binding') be.limitOverrides = { maxStorageBufferBindingSize: 1024 };
    else (be as any).ctx.limits.maxWorkgroupsPerDimension = 1;
    const M = 4, N = 300, K = 16;
    const a = be.allocate(M * 4, 'int32'), w = be.allocate(N * 4, 'int32'), s = be.allocate(N, 'float32'), out = be.allocate(M * N, 'float32');
    const t = (shape: number[], dtype: DType, id: unknown) => ({ dataId: id, shape, dtype, size: sizeOf(shape) } as TensorInfo);
    try {
      be.run('int8MatMul', [t([M, 4], 'int32', a), t([N, 4], 'int32', w), t([N], 'float32', s)], [t([M, N], 'float32', out)],
        { M, N, K, aScale: 1, aZeroPoint: 0, hasBias: false, activation: 0, alpha: 0, outInt8: false, outScale: 1, outZeroPoint: 0 });
      await be.read(out, 'float32', M * N);
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  } finally {
    be.dispose();
  }
}

// ---- op layer (tf.quantization) on webgpu vs js -------------------------------------------------------
/** Bit patterns of a result: the packed words of an Int8Tensor, or the float32 bits. */
async function bits(r: tf.Tensor | tf.quantization.Int8Tensor): Promise<number[]> {
  const t = r instanceof tf.quantization.Int8Tensor ? r.packed : r;
  const v = await t.data();
  return Array.from(v instanceof Float32Array ? new Int32Array(v.buffer, v.byteOffset, v.length) : v, Number);
}

/**
 * The tf.quantization ops (quantize, int8 matMul / conv2d / depthwise conv2d with bias,
 * activations, float and int8 outputs, dequantize) on one backend: name -> output bits.
 */
async function opsOn(backend: string): Promise<Record<string, number[]>> {
  await tf.setBackend(backend);
  prng.reset();
  const q = tf.quantization;
  const out: Record<string, number[]> = {};
  const x = tf.tensor(floats(2 * 7 * 6 * 5, -1, 3), [2, 7, 6, 5]);
  const xq = q.quantizeInt8(x, f32(4 / 255), -128);
  out.quantize = await bits(xq);
  out.dequantize = await bits(q.dequantizeInt8(xq));
  const a = q.quantizeInt8(tf.tensor(floats(9 * 37, -2, 2), [9, 37]), f32(4 / 255), 0);
  const dense = q.packWeightsPerChannel(tf.tensor(floats(37 * 11, -1, 1), [37, 11]), 'dense');
  const bias11 = tf.tensor(floats(11, -1, 1));
  out.matMulFloat = await bits(q.int8MatMul(a, dense, { bias: bias11, activation: 'relu6' }));
  out.matMulInt8 = await bits(q.int8MatMul(a, dense, { activation: 'leakyrelu', output: { scale: f32(0.05), zeroPoint: 3 } }));
  const conv = q.packWeightsPerChannel(tf.tensor(floats(3 * 3 * 5 * 6, -1, 1), [3, 3, 5, 6]), 'conv2d');
  out.conv2dInt8 = await bits(q.int8Conv2d(xq, conv, 2, 'same', 1, { bias: tf.tensor(floats(6, -1, 1)), activation: 'relu', output: { scale: f32(0.1), zeroPoint: -128 } }));
  out.conv2dFloat = await bits(q.int8Conv2d(xq, conv, 1, 'valid', 2));
  const dw = q.packWeightsPerChannel(tf.tensor(floats(3 * 3 * 5, -1, 1), [3, 3, 5, 1]), 'depthwise');
  out.depthwiseInt8 = await bits(q.int8DepthwiseConv2d(xq, dw, 1, 'same', 1, { activation: 'relu6', output: { scale: f32(6 / 255), zeroPoint: -128 } }));
  out.depthwiseFloat = await bits(q.int8DepthwiseConv2d(xq, dw, [2, 1], 'valid', 1, { bias: tf.tensor(floats(5, -1, 1)) }));
  out.maxPoolSame = await bits(int8MaxPool(xq, 2, 2, 'same'));
  out.maxPoolValid = await bits(int8MaxPool(xq, [3, 2], 1, 'valid'));
  // the mean of codes rounded half to even (2- and 4-tap windows: many ties), padding bytes too
  out.avgPoolSame = await bits(int8AvgPool(xq, 2, 2, 'same'));
  out.avgPoolValid = await bits(int8AvgPool(xq, [3, 2], 1, 'valid'));
  out.avgPoolTies = await bits(int8AvgPool(q.quantizeInt8(x, f32(0.5), 7), [1, 2], 1, 'same'));
  out.globalAvgPool = await bits(int8GlobalAvgPool(xq));
  return out;
}

/** The op names whose webgpu bits differ from js (with the first difference), and how many ops ran. */
async function opsCompare(): Promise<{ diffs: string[]; ops: number; backend: string }> {
  const js = await opsOn('js');
  const gpu = await opsOn('webgpu');
  const backend = tf.getBackend();
  const diffs = Object.keys(js).flatMap((k) => {
    const i = js[k].findIndex((v, j) => gpu[k]?.[j] !== v);
    return i < 0 && js[k].length === gpu[k]?.length ? [] : [`${k}: word ${i} = ${gpu[k]?.[i]}, js ${js[k][i]}`];
  });
  return { diffs, ops: Object.keys(js).length, backend };
}

/**
 * An int8 model on one backend (conv 8 -> depthwise -> conv 4 -> flatten -> dense 6 -> dense 5, all
 * int8, one chain: src/quantization/int8_chain.ts): predict bits chained and with the chain links
 * cleared (float32 between layers, quantized in each consumer), and the quantizeInt8 steps of each plan.
 */
async function chainOn(backend: string, pools: boolean | 'avg'): Promise<{ chained: number[]; unchained: number[]; quantizes: number[] }> {
  await tf.setBackend(backend);
  prng.reset();
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({ layers: pools === 'avg' ? [
    // MobileNet-style: through average pools (int8AvgPool on the codes: one rounding more than unchained)
    tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
    tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }),
    tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu6', kernelInitializer: init(2) }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 5, kernelInitializer: init(3) }),
  ] : pools ? [
    // through max pools (int8MaxPool on the codes) and relu / relu6 layers (folded into the conv epilogues)
    tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 6, kernelSize: 3, padding: 'same', kernelInitializer: init(1) }),
    tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
    tf.layers.activation({ activation: 'relu' }),
    tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: init(2) }),
    tf.layers.reLU({ maxValue: 6 }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 5, kernelInitializer: init(3) }),
  ] : [
    tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: 'ones' }),
    tf.layers.depthwiseConv2d({ kernelSize: 2, strides: 2, activation: 'relu6', depthwiseInitializer: init(2) }),
    tf.layers.conv2d({ filters: 4, kernelSize: 3, kernelInitializer: init(3) }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 6, activation: 'relu', kernelInitializer: init(4) }),
    tf.layers.dense({ units: 5, kernelInitializer: init(5) }),
  ] });
  const calib = tf.tensor(floats(4 * 9 * 9 * 3, -1, 1), [4, 9, 9, 3]);
  const chained = await tf.quantization.quantize(model, { calibrationData: calib });
  const unchained = await tf.quantization.quantize(model, { calibrationData: calib });
  for (const l of unchained.layers) {
    const links = (l as unknown as { int8Links?: { int8Input: boolean; int8Output: unknown } }).int8Links;
    if (links) Object.assign(links, { int8Input: false, int8Output: null });
  }
  const x = tf.tensor(floats(3 * 9 * 9 * 3, -1.5, 1.5), [3, 9, 9, 3]);
  const quantizes = (m: tf.LayersModel) => tf.debug.plan(m as never, x).plan!.steps.filter((st) => st.kernel === 'quantizeInt8').length;
  return { chained: await bits(chained.predict(x) as tf.Tensor), unchained: await bits(unchained.predict(x) as tf.Tensor), quantizes: [quantizes(unchained), quantizes(chained)] };
}

/** The int8 chain on webgpu (and js) against itself unchained (bits), and webgpu against js. */
async function chainCompare(pools: boolean | 'avg' = false): Promise<{ backend: string; quantizes: number[]; diffs: string[]; maxDiffVsJs: number; size: number }> {
  const js = await chainOn('js', pools);
  const gpu = await chainOn('webgpu', pools);
  const diff = (tag: string, a: number[], b: number[]) => {
    const i = a.findIndex((v, j) => v !== b[j]);
    return i < 0 && a.length === b.length ? [] : [`${tag}: word ${i} = ${a[i]} vs ${b[i]} (${new Float32Array(Int32Array.of(a[i]).buffer)[0]} vs ${new Float32Array(Int32Array.of(b[i]).buffer)[0]})`];
  };
  // (average pools round once more when chained: there webgpu's unchained bits are js's unchained ones)
  const diffs = pools === 'avg' ? diff('webgpu vs js unchained', gpu.unchained, js.unchained)
    : [...diff('webgpu chained vs unchained', gpu.chained, gpu.unchained), ...diff('js chained vs unchained', js.chained, js.unchained)];
  const real = (w: number[]) => new Float32Array(Int32Array.from(w).buffer);
  const [g, j] = [real(gpu.chained), real(js.chained)];
  // |webgpu - js| relative to the output's largest magnitude (NaN makes it NaN)
  const peak = j.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const maxDiffVsJs = g.length === j.length ? g.reduce((m, v, i) => Math.max(m, Math.abs(v - j[i]) / peak), 0) : NaN;
  return { backend: tf.getBackend(), quantizes: gpu.quantizes, diffs, maxDiffVsJs, size: gpu.chained.length };
}

(globalThis as any).tesseraInt8Webgpu = { runGroup, packedFeature, limitError, opsCompare, chainCompare };
