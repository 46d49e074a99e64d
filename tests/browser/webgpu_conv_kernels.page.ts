/**
 * Page side of tests/browser/webgpu_conv_kernels.test.ts (bundled by esbuild, run in headless
 * Chromium): runs the issue-3 kernels (conv2d and its gradients, depthwise conv, pooling,
 * layerNorm, softmax, fused attention) on the webgpu backend and on the js reference kernels with the
 * same inputs, and reports mismatches per case.
 */
import type { DType, StorageArray, TensorInfo } from '../../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../../src/backends/js/backend.js';
import { Activation, type ConvGeometry, type KernelName } from '../../src/backends/kernels.js';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/backends/webgpu/index.js';
import { attentionTiles } from '../../src/backends/webgpu/specs/attention.js';
import { close, Lcg, sizeOf, type CaseResult as BaseCaseResult } from './kernel_compare.js';

interface TensorSpec { shape: number[]; values?: StorageArray }
interface Case { name: string; kernel: KernelName; inputs: TensorSpec[]; outputs: TensorSpec[]; attrs: any; rtol?: number; atol?: number }
export interface CaseResult extends BaseCaseResult { ms?: number }

const prng = new Lcg(4321);
const rand = () => prng.next();
function floats(n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

async function runCase(be: WebGPUBackend, group: string, c: Case): Promise<CaseResult> {
  const ins = c.inputs.map((t) => t.values ?? floats(sizeOf(t.shape)));
  const info = (t: TensorSpec, dataId: any): TensorInfo => ({ dataId, shape: t.shape, dtype: 'float32' as DType, size: sizeOf(t.shape) });
  const jsOuts = c.outputs.map((t) => new Float32Array(sizeOf(t.shape)).fill(-7));
  (jsKernels[c.kernel] as JsKernel<any>)(ins, jsOuts, c.attrs, c.inputs.map((t) => info(t, null)), c.outputs.map((t) => info(t, null)));
  const inIds = c.inputs.map((t, i) => { const id = be.allocate(sizeOf(t.shape), 'float32'); be.write(id, ins[i]); return id; });
  const outIds = c.outputs.map((t) => {
    const id = be.allocate(sizeOf(t.shape), 'float32');
    be.write(id, new Float32Array(sizeOf(t.shape)).fill(-7));
    return id;
  });
  be.run(c.kernel, c.inputs.map((t, i) => info(t, inIds[i])), c.outputs.map((t, i) => info(t, outIds[i])), c.attrs);
  const gpuOuts = await Promise.all(c.outputs.map((t, i) => be.read(outIds[i], 'float32', sizeOf(t.shape))));
  for (const id of [...inIds, ...outIds]) be.free(id);
  let bad = 0, total = 0, first = '';
  c.outputs.forEach((_t, o) => {
    const want = jsOuts[o], got = gpuOuts[o];
    for (let i = 0; i < want.length; i++) {
      total++;
      if (!close(got[i], want[i], c.rtol ?? 1e-4, c.atol ?? 1e-5)) {
        bad++;
        if (!first) first = `out${o}[${i}] = ${got[i]}, want ${want[i]}`;
      }
    }
  });
  return { group, name: c.name, bad, total, first };
}

// ---- geometry -----------------------------------------------------------------------------
type Pad = 'same' | 'valid' | [number, number, number, number]; // explicit: top, bottom, left, right

function geometry(batch: number, inH: number, inW: number, inC: number, outC: number, fh: number, fw: number,
  stride: number, dilation: number, pad: Pad): ConvGeometry {
  const eh = (fh - 1) * dilation + 1, ew = (fw - 1) * dilation + 1;
  let outH: number, outW: number, padTop: number, padLeft: number;
  if (pad === 'same') {
    outH = Math.ceil(inH / stride); outW = Math.ceil(inW / stride);
    padTop = Math.floor(Math.max((outH - 1) * stride + eh - inH, 0) / 2);
    padLeft = Math.floor(Math.max((outW - 1) * stride + ew - inW, 0) / 2);
  } else if (pad === 'valid') {
    outH = Math.floor((inH - eh) / stride) + 1; outW = Math.floor((inW - ew) / stride) + 1;
    padTop = 0; padLeft = 0;
  } else {
    outH = Math.floor((inH + pad[0] + pad[1] - eh) / stride) + 1; outW = Math.floor((inW + pad[2] + pad[3] - ew) / stride) + 1;
    padTop = pad[0]; padLeft = pad[2];
  }
  return { batch, inH, inW, inC, outH, outW, outC, filterH: fh, filterW: fw, strideH: stride, strideW: stride,
    dilationH: dilation, dilationW: dilation, padTop, padLeft };
}
const padName = (p: Pad) => (typeof p === 'string' ? p : `[${p}]`);

// ---- conv2d -------------------------------------------------------------------------------
const CONV_GEOMS: Array<[number, number, number, number, number, number, number, number, Pad]> = [
  // batch, inH/inW, inC, outC, filter, stride, dilation, (inW offset), pad
  [2, 7, 3, 5, 1, 1, 1, 2, 'valid'],
  [2, 9, 17, 19, 3, 1, 1, 2, 'same'],
  [1, 13, 64, 64, 3, 2, 1, 2, 'same'],
  [1, 17, 3, 8, 5, 1, 2, -2, 'valid'],
  [2, 15, 1, 4, 7, 2, 1, -2, 'same'],
  [1, 11, 4, 6, 3, 2, 1, 0, [1, 2, 0, 3]],
  [1, 8, 16, 12, 3, 1, 2, 1, 'same'],
  [1, 6, 8, 3, 5, 2, 2, 3, [3, 3, 4, 2]],
  // 3-wide, column-stride 1, out_c in quads (the 8-pixel row kernel): in_c 1, odd in_c, row ends
  // cutting strips, asymmetric padding
  [2, 26, 1, 16, 3, 1, 1, 2, 'valid'],
  [1, 10, 5, 8, 3, 1, 1, 3, 'same'],
  [1, 9, 4, 4, 3, 1, 1, 0, [2, 0, 1, 2]],
];

function convCases(): Case[] {
  const cases: Case[] = [];
  for (const [batch, h, inC, outC, k, s, d, dw, pad] of CONV_GEOMS) {
    const g = geometry(batch, h, h + dw, inC, outC, k, k, s, d, pad);
    const xShape = [batch, g.inH, g.inW, inC], fShape = [k, k, inC, outC], yShape = [batch, g.outH, g.outW, outC];
    const tag = `b${batch} ${g.inH}x${g.inW}x${inC}->${outC} k${k} s${s} d${d} ${padName(pad)}`;
    const K = k * k * inC;
    const epi = { hasBias: false, biasSize: 0, activation: 0, alpha: 0, preluSize: 0 };
    cases.push({ name: `conv2d ${tag}`, kernel: 'conv2d', inputs: [{ shape: xShape }, { shape: fShape }], outputs: [{ shape: yShape }], attrs: { ...g, ...epi }, atol: 2e-6 * K });
    cases.push({ name: `conv2dBackpropInput ${tag}`, kernel: 'conv2dBackpropInput', inputs: [{ shape: yShape }, { shape: fShape }], outputs: [{ shape: xShape }], attrs: g, atol: 2e-6 * K });
    cases.push({ name: `conv2dBackpropFilter ${tag}`, kernel: 'conv2dBackpropFilter', inputs: [{ shape: xShape }, { shape: yShape }], outputs: [{ shape: fShape }], attrs: g, atol: 2e-6 * batch * g.outH * g.outW });
  }
  // fused epilogue: every activation, bias of size C or 1, prelu weights of size C or 1
  for (const [name, act] of Object.entries(Activation)) {
    for (const [inC, outC] of [[8, 12], [3, 5]]) {
      const g = geometry(2, 6, 7, inC, outC, 3, 3, 1, 1, 'same');
      const biasSize = act % 2 === 0 ? outC : 1;
      const preluSize = act === Activation.prelu && inC === 3 ? 1 : outC;
      const inputs: TensorSpec[] = [{ shape: [2, 6, 7, inC] }, { shape: [3, 3, inC, outC] }, { shape: [biasSize] }];
      if (act === Activation.prelu) inputs.push({ shape: [preluSize], values: floats(preluSize, 0, 0.5) });
      cases.push({
        name: `conv2d epilogue ${name} inC=${inC} outC=${outC} bias=${biasSize}`, kernel: 'conv2d', inputs,
        outputs: [{ shape: [2, 6, 7, outC] }],
        attrs: { ...g, hasBias: true, biasSize, activation: act, alpha: 0.2, preluSize }, atol: 1e-5 * 9 * inC,
      });
    }
  }
  return cases;
}

// ---- depthwise ----------------------------------------------------------------------------
function depthwiseCases(): Case[] {
  const cases: Case[] = [];
  const geoms: Array<[number, number, number, number, number, number, number, Pad]> = [
    // batch, h, inC, mult, filter, stride, dilation, pad
    [2, 9, 8, 1, 3, 1, 1, 'same'],
    [1, 11, 3, 1, 3, 2, 1, 'same'],
    [2, 8, 5, 2, 3, 1, 2, 'valid'],
    [1, 13, 4, 2, 5, 2, 1, [2, 1, 0, 3]],
    [1, 7, 17, 1, 7, 1, 1, 'same'],
    // 3-wide, column-stride 1, channels in quads (the 8-pixel row kernel): strips cut by the row end,
    // asymmetric and 'valid' padding
    [2, 12, 12, 1, 3, 1, 1, 'same'],
    [1, 10, 4, 1, 3, 1, 1, 'valid'],
    [1, 9, 8, 1, 3, 1, 1, [2, 0, 1, 2]],
  ];
  for (const [batch, h, inC, mult, k, s, d, pad] of geoms) {
    const g = { ...geometry(batch, h, h + 1, inC, inC * mult, k, k, s, d, pad), channelMultiplier: mult };
    const xShape = [batch, g.inH, g.inW, inC], fShape = [k, k, inC, mult], yShape = [batch, g.outH, g.outW, inC * mult];
    const tag = `b${batch} ${g.inH}x${g.inW}x${inC} mult${mult} k${k} s${s} d${d} ${padName(pad)}`;
    cases.push({
      name: `depthwiseConv2d ${tag}`, kernel: 'depthwiseConv2d', inputs: [{ shape: xShape }, { shape: fShape }],
      outputs: [{ shape: yShape }], attrs: { ...g, hasBias: false, biasSize: 0, activation: 0, alpha: 0, preluSize: 0 },
    });
    cases.push({ name: `depthwiseConv2dBackpropInput ${tag}`, kernel: 'depthwiseConv2dBackpropInput', inputs: [{ shape: yShape }, { shape: fShape }], outputs: [{ shape: xShape }], attrs: g });
    cases.push({ name: `depthwiseConv2dBackpropFilter ${tag}`, kernel: 'depthwiseConv2dBackpropFilter', inputs: [{ shape: xShape }, { shape: yShape }], outputs: [{ shape: fShape }], attrs: g, atol: 2e-6 * batch * g.outH * g.outW });
  }
  // inC 6: the general kernel; inC 8, mult 1: the 8-pixel row kernel
  for (const [act, mult, inC] of [[Activation.relu6, 1, 6], [Activation.prelu, 2, 6], [Activation.leakyrelu, 1, 6], [Activation.prelu, 1, 8], [Activation.relu6, 1, 8]]) {
    const g = { ...geometry(1, 6, 5, inC, inC * mult, 3, 3, 1, 1, 'same'), channelMultiplier: mult };
    const inputs: TensorSpec[] = [{ shape: [1, 6, 5, inC] }, { shape: [3, 3, inC, mult] }, { shape: [inC * mult] }];
    if (act === Activation.prelu) inputs.push({ shape: [inC * mult], values: floats(inC * mult, 0, 0.5) });
    cases.push({
      name: `depthwiseConv2d epilogue act=${act} mult=${mult} inC=${inC}`, kernel: 'depthwiseConv2d', inputs,
      outputs: [{ shape: [1, 6, 5, inC * mult] }],
      attrs: { ...g, hasBias: true, biasSize: inC * mult, activation: act, alpha: 0.2, preluSize: inC * mult },
    });
  }
  return cases;
}

// ---- residual epilogue --------------------------------------------------------------------
/**
 * The residual epilogue (Epilogue.residual: 1 = act(acc + bias + r), 2 = act(acc + bias) + r, r of
 * the output's shape) of conv2d and depthwiseConv2d in the general and the 8-pixel row kernels:
 * ragged channel counts, strides, dilation, asymmetric padding, row strips cut by the row end,
 * channel multipliers, with bias (per channel or scalar) and activations, prelu after.
 */
function residualCases(): Case[] {
  const cases: Case[] = [];
  // [residual, activation, bias: 'c' per channel | 's' scalar | '' none]
  const EPIS: Array<[number, number, string]> = [[1, Activation.relu, 'c'], [2, Activation.tanh, 's'], [1, Activation.linear, ''], [2, Activation.prelu, 'c'], [1, Activation.leakyrelu, 's']];
  const epilogue = (C: number, yShape: number[], [residual, act, bias]: [number, number, string]) => {
    const biasSize = bias === 'c' ? C : bias === 's' ? 1 : 0;
    const inputs: TensorSpec[] = bias ? [{ shape: [biasSize] }] : [];
    if (act === Activation.prelu) inputs.push({ shape: [C], values: floats(C, 0, 0.5) });
    inputs.push({ shape: yShape });
    return { inputs, attrs: { hasBias: !!bias, biasSize, activation: act, alpha: 0.2, preluSize: C, residual }, tag: `residual=${residual} act=${act} bias=${biasSize}` };
  };
  const convGeoms: Array<[number, number, number, number, number, number, number, number, Pad]> = [
    [2, 9, 17, 19, 3, 1, 1, 2, 'same'], // general: ragged channels
    [1, 11, 4, 6, 3, 2, 1, 0, [1, 2, 0, 3]], // general: stride 2, asymmetric padding
    [1, 8, 16, 12, 3, 1, 2, 1, 'same'], // general: dilation, vec4 loads
    [2, 26, 1, 16, 3, 1, 1, 2, 'valid'], // row kernel: in_c 1
    [1, 10, 5, 8, 3, 1, 1, 3, 'same'], // row kernel: strips cut by the row end
  ];
  convGeoms.forEach(([batch, h, inC, outC, k, st, d, dw, pad], i) => {
    const g = geometry(batch, h, h + dw, inC, outC, k, k, st, d, pad);
    const yShape = [batch, g.outH, g.outW, outC];
    for (const epi of [EPIS[i % EPIS.length], EPIS[(i + 2) % EPIS.length]]) {
      const e = epilogue(outC, yShape, epi);
      cases.push({
        name: `conv2d b${batch} ${g.inH}x${g.inW}x${inC}->${outC} k${k} s${st} d${d} ${padName(pad)} ${e.tag}`, kernel: 'conv2d',
        inputs: [{ shape: [batch, g.inH, g.inW, inC] }, { shape: [k, k, inC, outC] }, ...e.inputs], outputs: [{ shape: yShape }],
        attrs: { ...g, ...e.attrs }, atol: 1e-5 * k * k * inC,
      });
    }
  });
  const dwGeoms: Array<[number, number, number, number, number, number, number, Pad]> = [
    [2, 9, 6, 2, 3, 1, 1, 'same'], // general: channel multiplier
    [1, 7, 17, 1, 5, 2, 1, [2, 1, 0, 3]], // general: ragged channels, stride 2
    [2, 12, 12, 1, 3, 1, 1, 'same'], // row kernel
    [1, 9, 8, 1, 3, 1, 1, [2, 0, 1, 2]], // row kernel: asymmetric padding
  ];
  dwGeoms.forEach(([batch, h, inC, mult, k, st, d, pad], i) => {
    const g = { ...geometry(batch, h, h + 1, inC, inC * mult, k, k, st, d, pad), channelMultiplier: mult };
    const yShape = [batch, g.outH, g.outW, inC * mult];
    for (const epi of [EPIS[(i + 1) % EPIS.length], EPIS[(i + 3) % EPIS.length]]) {
      const e = epilogue(inC * mult, yShape, epi);
      cases.push({
        name: `depthwiseConv2d b${batch} ${g.inH}x${g.inW}x${inC} mult${mult} k${k} s${st} d${d} ${padName(pad)} ${e.tag}`, kernel: 'depthwiseConv2d',
        inputs: [{ shape: [batch, g.inH, g.inW, inC] }, { shape: [k, k, inC, mult] }, ...e.inputs], outputs: [{ shape: yShape }],
        attrs: { ...g, ...e.attrs },
      });
    }
  });
  return cases;
}

// ---- pooling ------------------------------------------------------------------------------
function poolCases(): Case[] {
  const cases: Case[] = [];
  const geoms: Array<[number, number, number, number, number, number, Pad]> = [
    // batch, h, C, filter, stride, dilation, pad
    [2, 9, 3, 3, 2, 1, 'same'],
    [1, 8, 17, 2, 2, 1, 'valid'],
    [1, 7, 4, 3, 1, 2, 'same'],
    [2, 5, 2, 2, 1, 1, [3, 1, 3, 2]], // windows entirely in the padding
    [1, 11, 5, 3, 3, 1, [1, 1, 1, 1]],
  ];
  for (const [batch, h, C, k, s, d, pad] of geoms) {
    for (const op of [0, 1]) {
      const g = { ...geometry(batch, h, h + 1, C, C, k, k, s, d, pad), op };
      const xShape = [batch, g.inH, g.inW, C], yShape = [batch, g.outH, g.outW, C];
      const x = floats(sizeOf(xShape), -2, 2);
      // ties (so the first-max rule matters), -Infinity, and a NaN for max
      for (let i = 0; i < x.length; i += 7) x[i] = 1.5;
      x[3] = -Infinity;
      if (op === 0) x[5] = NaN;
      const tag = `${op === 0 ? 'max' : 'avg'} b${batch} ${g.inH}x${g.inW}x${C} k${k} s${s} d${d} ${padName(pad)}`;
      cases.push({ name: `pool ${tag}`, kernel: 'pool', inputs: [{ shape: xShape, values: x }], outputs: [{ shape: yShape }], attrs: g });
      const xb = op === 0 ? x.map((v) => (v !== v ? 0.25 : v)) : x.map((v) => (Number.isFinite(v) ? v : 0.5));
      cases.push({ name: `poolBackprop ${tag}`, kernel: 'poolBackprop', inputs: [{ shape: yShape }, { shape: xShape, values: xb }], outputs: [{ shape: xShape }], attrs: g });
    }
  }
  return cases;
}

// ---- layerNorm ----------------------------------------------------------------------------
function layerNormCases(): Case[] {
  const cases: Case[] = [];
  for (const [rows, cols, shape] of [[1, 5, [5]], [3, 768, [3, 768]], [17, 33, [17, 33]], [768, 64, [2, 384, 64]], [8192, 16, [8, 1024, 16]], [2, 1, [2, 1]], [4, 2000, [4, 2000]]] as Array<[number, number, number[]]>) {
    const x = floats(rows * cols, -3, 3);
    for (let i = 0; i < x.length; i += 5) x[i] += 10; // a non-zero mean
    const attrs = { rows, cols, epsilon: 1e-5 };
    const tol = { rtol: 2e-4, atol: 2e-5 };
    cases.push({ name: `layerNorm [${shape}] rows=${rows} cols=${cols}`, kernel: 'layerNorm', inputs: [{ shape, values: x }, { shape: [cols] }, { shape: [cols] }], outputs: [{ shape }], attrs, ...tol });
    cases.push({ name: `layerNormBackprop rows=${rows} cols=${cols}`, kernel: 'layerNormBackprop', inputs: [{ shape }, { shape, values: x }, { shape: [cols] }], outputs: [{ shape }], attrs, ...tol });
  }
  return cases;
}

// ---- softmax -------------------------------------------------------------------------------
/**
 * softmax / logSoftmax rows: widths below, at and far above the workgroup size (strided
 * columns per invocation), logits of +-1000 (max-shifted, so finite), and rows holding NaN,
 * +Infinity or only -Infinity (NaN rows in the js reference).
 */
function softmaxCases(): Case[] {
  const cases: Case[] = [];
  for (const [rows, cols] of [[1, 1], [3, 5], [7, 4], [5, 256], [6, 257], [4, 4096], [65, 33]] as Array<[number, number]>) {
    const x = floats(rows * cols, -6, 6);
    if (cols >= 4) {
      x[0] = 1000; x[1] = -1000; // row 0: huge logits
      if (rows > 1) x[cols + 2] = NaN; // row 1: NaN
      if (rows > 2) x[2 * cols + 3] = Infinity; // row 2: +Infinity
      if (rows > 3) x.fill(-Infinity, 3 * cols, 4 * cols); // row 3: all -Infinity
    }
    for (const log of [false, true]) {
      cases.push({
        name: `${log ? 'logSoftmax' : 'softmax'} rows=${rows} cols=${cols}`, kernel: 'softmax',
        inputs: [{ shape: [rows, cols], values: x }], outputs: [{ shape: [rows, cols] }],
        attrs: { rows, cols, log }, rtol: 2e-5, atol: 1e-6,
      });
    }
  }
  return cases;
}

// ---- attention ----------------------------------------------------------------------------
function attentionCase(batch: number, heads: number, seqQ: number, seqK: number, D: number, causal: boolean,
  mask: 'none' | 'random' | 'holes', kvStride = seqK): Case {
  const bh = batch * heads;
  // k / v hold kvStride rows per bh (a KV cache's capacity); the kernel reads the first seqK
  const inputs: TensorSpec[] = [
    { shape: [batch, heads, seqQ, D], values: floats(bh * seqQ * D, -2, 2) },
    { shape: [batch, heads, kvStride, D], values: floats(bh * kvStride * D, -2, 2) },
    { shape: [batch, heads, kvStride, D] },
  ];
  if (mask !== 'none') {
    const m = floats(seqQ * seqK, -3, 1);
    if (mask === 'holes') {
      for (let i = 0; i < m.length; i += 3) m[i] = -Infinity;
      for (let j = 0; j < seqK; j++) m[(seqQ >> 1) * seqK + j] = -Infinity; // a fully masked row
    }
    inputs.push({ shape: [seqQ, seqK], values: m });
  }
  return {
    name: `attention b${batch} h${heads} q${seqQ} k${seqK} d${D} causal=${causal} mask=${mask}${kvStride !== seqK ? ` kvStride=${kvStride}` : ''}`,
    kernel: 'attention', inputs, outputs: [{ shape: [batch, heads, seqQ, D] }, { shape: [batch, heads, seqQ] }],
    attrs: { bh, seqQ, seqK, headDim: D, scale: 1 / Math.sqrt(D), causal, hasMask: mask !== 'none', kvStride },
    rtol: 2e-4, atol: 2e-5,
  };
}

/** Cases share pipelines (headDim, causal, mask) where they can: SwiftShader compiles are slow. */
function attentionCases(): Case[] {
  return [
    attentionCase(1, 1, 1, 1, 8, true, 'none'),
    attentionCase(1, 2, 1, 17, 8, true, 'none'), // cross, causal offset seqK - seqQ
    attentionCase(1, 2, 1, 9, 8, true, 'none', 16), // one decoding step over a KV cache of capacity 16
    attentionCase(2, 2, 4, 12, 32, true, 'none', 20), // a 4-token block over a strided cache
    attentionCase(2, 2, 17, 17, 32, true, 'none'),
    attentionCase(1, 2, 130, 17, 32, true, 'none'), // seqQ > seqK: leading rows see no key
    attentionCase(1, 2, 130, 130, 64, true, 'holes'), // -Infinity entries and a fully masked row
    attentionCase(1, 1, 513, 513, 64, true, 'holes'),
    attentionCase(1, 1, 130, 130, 128, false, 'none'),
    attentionCase(1, 1, 17, 130, 128, false, 'none'), // cross, not causal
    attentionCase(1, 1, 513, 130, 32, false, 'holes'),
    attentionCase(1, 1, 20, 20, 200, true, 'none'), // headDim > 128 (more invocations per row)
  ];
}

/** The large-headDim cases again, for a device with only 16 KiB of workgroup memory. */
function attentionSmallStorageCases(): Case[] {
  return [
    attentionCase(1, 2, 130, 130, 128, true, 'holes'),
    attentionCase(1, 1, 17, 130, 64, false, 'random'),
    attentionCase(1, 1, 20, 20, 200, true, 'none'),
    attentionCase(1, 1, 9, 9, 6, false, 'holes'),
  ];
}

export const GROUPS: Record<string, () => Case[]> = {
  conv: convCases, depthwise: depthwiseCases, convResidual: residualCases, pool: poolCases, layerNorm: layerNormCases, softmax: softmaxCases, attention: attentionCases,
  attentionSmallStorage: attentionSmallStorageCases,
};

/**
 * Run one group. `maxWorkgroupStorage` pretends the device has less workgroup memory;
 * `preferDirect: false` picks the GPU configurations (e.g. 256-wide layerNorm rows) on CPU adapters;
 * `subgroups: false` the subgroup-free forms of the CPU-adapter kernels.
 */
async function runGroup(group: string, options: { maxWorkgroupStorage?: number; preferDirect?: boolean; subgroups?: false; tiered?: 'always' } = {}): Promise<CaseResult[]> {
  prng.reset();
  const be = await createWebGPUBackend(options.preferDirect === undefined ? {} : { preferDirect: options.preferDirect });
  if (!be) throw new Error('webgpu backend unavailable in this page (no navigator.gpu or adapter)');
  // each call records its own pipeline (not the quick-to-compile tier a cold cache would pick), unless
  // `tiered: 'always'`: then every call that has a fallback records it (attention: shaders/attention_simple.wgsl)
  be.tieredCompile = false;
  be.tieredCompileAlways = options.tiered === 'always';
  if (options.subgroups === false) (be as any).subgroupsOverride = false;
  if (options.maxWorkgroupStorage) (be as any).ctx.limits.maxWorkgroupStorage = options.maxWorkgroupStorage;
  const results: CaseResult[] = [];
  try {
    for (const c of GROUPS[group]()) {
      try {
        const t0 = performance.now();
        results.push({ ...(await runCase(be, group, c)), ms: Math.round(performance.now() - t0) });
      } catch (e) {
        results.push({ group, name: c.name, bad: 1, total: 0, first: `threw: ${(e as Error).message}` });
      }
    }
    if (options.tiered === 'always') {
      const keys = [...(be as any).pipelines.pipelines.keys()] as string[];
      results.push({ group, name: 'the cases within its limit ran on the simple tier', bad: keys.some((k) => k.startsWith(`${group}_simple:`)) ? 0 : 1, total: 1, first: keys.join(' ') });
    }
    const left = be.memory().numBuffers;
    results.push({ group, name: 'no leaked buffers', bad: left === 0 ? 0 : 1, total: 1, first: `numBuffers ${left}` });
  } finally {
    be.dispose();
  }
  return results;
}

/** Tile shapes chosen for headDim 128 fit 16 KiB and 32 KiB of workgroup memory. */
function tileChecks(): CaseResult[] {
  const out: CaseResult[] = [];
  for (const storage of [16384, 32768]) {
    for (const d of [8, 64, 128, 256]) {
      const t = attentionTiles(d, { maxInvocations: 256, maxWorkgroupStorage: storage });
      const ok = t.bytes <= storage && Math.ceil(t.d4 / t.tpr) <= 8 && t.bq >= 1;
      out.push({ group: 'tiles', name: `attention tiles d${d} in ${storage} B`, bad: ok ? 0 : 1, total: 1, first: JSON.stringify(t) });
    }
  }
  return out;
}

(globalThis as any).tesseraWebgpuConvKernels = { runGroup, tileChecks };
