/**
 * Specs and kernels of shaders/conv2d.wgsl (forward with the fused epilogue),
 * shaders/conv2d_backprop.wgsl (input and filter gradients) and shaders/depthwise_conv2d.wgsl.
 * All are implicit GEMMs or direct loops that read taps in place (no im2col buffer); the host
 * only picks vec4 fast paths from the channel counts and folds the grid to the device limits.
 * The forward convolutions and input gradients split an input or output past one storage
 * binding into blocks of whole images (`byBatch`), when a block's offsets can be aligned to
 * minStorageBufferOffsetAlignment; otherwise (or for the filter gradients, which sum over the
 * batch) they throw the limit error naming the kernel.
 * The forward convolutions read a float16-stored filter (a weight loaded from float16;
 * KernelContext.readFloat16) packed: F_HALF, unpack2x16float in the shader (the filter is always
 * bound whole).
 */
import conv2dSource from '../../../../shaders/conv2d.wgsl';
import conv2dBackpropSource from '../../../../shaders/conv2d_backprop.wgsl';
import depthwiseSource from '../../../../shaders/depthwise_conv2d.wgsl';
import { Activation, type ConvGeometry, type Epilogue } from '../../kernels.js';
import type { TensorInfo } from '../../backend.js';
import { alignElements } from '../chunking.js';
import {
  grid1d, residualInput, STORAGE_RO, STORAGE_RW, UNIFORM,
  type KernelContext, type ParamKind, type ShaderSpec, type WebGPUKernelTable,
} from '../spec.js';

/** The Params struct shared by every conv-family shader. */
export const CONV_PARAMS: Array<[string, ParamKind]> = [
  ['batch', 'u32'], ['in_h', 'u32'], ['in_w', 'u32'], ['in_c', 'u32'], ['out_h', 'u32'], ['out_w', 'u32'],
  ['out_c', 'u32'], ['filter_h', 'u32'], ['filter_w', 'u32'], ['stride_h', 'u32'], ['stride_w', 'u32'],
  ['dilation_h', 'u32'], ['dilation_w', 'u32'], ['pad_top', 'i32'], ['pad_left', 'i32'],
  ['bias_size', 'u32'], ['prelu_size', 'u32'], ['alpha', 'f32'], ['mult', 'u32'],
];

const RO = STORAGE_RO;
const RW = STORAGE_RW;

export const conv2dSpec: ShaderSpec = {
  family: 'conv2d',
  source: conv2dSource,
  params: CONV_PARAMS,
  entries: {
    conv2d: { bindings: [UNIFORM, RO, RO, RO, RO, RW, RO], overrides: ['WG', 'VEC_X', 'VEC_F', 'F_HALF', 'HAS_BIAS', 'ACT', 'RESIDUAL'] },
    conv2d_row8: { bindings: [UNIFORM, RO, RO, RO, RO, RW, RO], overrides: ['WG', 'F_HALF', 'HAS_BIAS', 'ACT', 'RESIDUAL'] },
  },
};

export const conv2dBackpropSpec: ShaderSpec = {
  family: 'conv2d_backprop',
  source: conv2dBackpropSource,
  params: CONV_PARAMS,
  entries: {
    conv2d_backprop_input: { bindings: [UNIFORM, RO, RO, RW], overrides: ['WG', 'VEC_DY'] },
    conv2d_backprop_filter: { bindings: [UNIFORM, RO, RO, RW], overrides: ['WG', 'VEC_X', 'VEC_DY'] },
  },
};

export const depthwiseSpec: ShaderSpec = {
  family: 'depthwise_conv2d',
  source: depthwiseSource,
  params: CONV_PARAMS,
  entries: {
    depthwise_conv2d: { bindings: [UNIFORM, RO, RO, RW, RO, RO, RO], overrides: ['WG', 'VEC', 'F_HALF', 'HAS_BIAS', 'ACT', 'RESIDUAL'] },
    depthwise_conv2d_row8: { bindings: [UNIFORM, RO, RO, RW, RO, RO, RO], overrides: ['WG', 'F_HALF', 'HAS_BIAS', 'ACT', 'RESIDUAL'] },
    depthwise_backprop_input: { bindings: [UNIFORM, RO, RO, RW], overrides: ['WG'] },
    depthwise_backprop_filter: { bindings: [UNIFORM, RO, RO, RW], overrides: ['WG'] },
  },
};

const WG = 64;

function geometryParams(g: ConvGeometry, e?: Epilogue, mult = 1): Record<string, number> {
  return {
    batch: g.batch, in_h: g.inH, in_w: g.inW, in_c: g.inC, out_h: g.outH, out_w: g.outW, out_c: g.outC,
    filter_h: g.filterH, filter_w: g.filterW, stride_h: g.strideH, stride_w: g.strideW,
    dilation_h: g.dilationH, dilation_w: g.dilationW, pad_top: g.padTop, pad_left: g.padLeft,
    bias_size: e?.biasSize ?? 0, prelu_size: e?.preluSize ?? 0, alpha: e?.alpha ?? 0, mult,
  };
}

/** Bias and prelu buffers of an epilogue (inputs after x and filter), dummies when absent. */
function epilogueBuffers(ctx: KernelContext, inputs: TensorInfo[], e: Epilogue): [GPUBuffer, GPUBuffer] {
  const bias = e.hasBias ? ctx.buffer(inputs[2]) : ctx.dummy;
  const prelu = e.activation === Activation.prelu ? ctx.buffer(inputs[e.hasBias ? 3 : 2]) : ctx.dummy;
  return [bias, prelu];
}

type Bind = (t: TensorInfo) => GPUBuffer | GPUBufferBinding;

/**
 * The tensors a forward convolution splits by images (x, the output, and the residual of a
 * residual epilogue, which has the output's layout) and the residual binding of a block (the
 * dummy without one). Throws naming the op for a bad residual (residualInput).
 */
function residualBinding(ctx: KernelContext, op: string, inputs: TensorInfo[], out: TensorInfo, e: Epilogue):
  { batched: TensorInfo[]; bindResidual: (bind: Bind) => GPUBuffer | GPUBufferBinding } {
  const r = residualInput(op, inputs, out, e);
  return { batched: r ? [inputs[0], out, r] : [inputs[0], out], bindResidual: (bind) => (r ? bind(r) : ctx.dummy) };
}

/** Workgroups for `invocations` one-dimensional invocations of WG each. */
const groupsFor = (ctx: KernelContext, invocations: number) =>
  grid1d(Math.ceil(invocations / WG), ctx.limits.maxWorkgroupsPerDimension);

const blocks = (n: number) => Math.ceil(n / 4);

/** Invocations per workgroup of the 8-pixel row kernels: 32 suit CPU adapters. */
const rowWG = (ctx: KernelContext) => (ctx.preferDirect ? 32 : 64);

/**
 * Workgroups along x of conv2d_row8 / depthwise_conv2d_row8 (grid: row strips x channel quads,
 * output rows, images), or 0 when the geometry does not fit them: a 3-wide filter sliding along
 * unstrided, undilated rows, `outC` in whole quads, and the grid within the device limits.
 */
function row8Groups(ctx: KernelContext, g: ConvGeometry, outC: number): number {
  const maxDim = ctx.limits.maxWorkgroupsPerDimension;
  if (outC % 4 !== 0 || g.filterW !== 3 || g.strideW !== 1 || g.dilationW !== 1) return 0;
  const groups = Math.ceil((Math.ceil(g.outW / 8) * outC) / 4 / rowWG(ctx));
  return groups <= maxDim && g.outH <= maxDim && g.batch <= maxDim ? groups : 0;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Run `dispatch(count, bind)` once, or once per block of whole images when a batched tensor
 * (`batched`, NHWC with batch `batch`) is past one binding. `bind(t)` is t's buffer, or for a
 * batched tensor the range of this block's images; the shader then sees a batch of `count`.
 * Blocks are a multiple of the images whose offsets are all aligned; when not even one such
 * multiple fits, the whole buffers are bound and the binding limit error names the kernel.
 */
function byBatch(ctx: KernelContext, batch: number, batched: TensorInfo[],
  dispatch: (count: number, bind: Bind) => void): void {
  const maxBytes = ctx.limits.maxBindingBytes;
  const per = batched.map((t) => (batch > 0 ? t.size / batch : 0));
  if (batched.every((t) => t.size * 4 <= maxBytes) || batch <= 1) {
    dispatch(batch, (t) => ctx.buffer(t));
    return;
  }
  const align = alignElements(ctx.limits.bindingAlignment);
  const step = per.reduce((q, n) => { const need = align / gcd(n, align); return (q * need) / gcd(q, need); }, 1);
  const maxElems = Math.floor(maxBytes / 16) * 4;
  const block = Math.floor(maxElems / Math.max(1, ...per) / step) * step;
  if (block === 0) {
    dispatch(batch, (t) => ctx.buffer(t)); // throws the limit error naming the kernel
    return;
  }
  for (let b0 = 0; b0 < batch; b0 += block) {
    const n = Math.min(block, batch - b0);
    dispatch(n, (t) => {
      const i = batched.indexOf(t);
      return i < 0 ? ctx.buffer(t) : ctx.range(t, b0 * per[i], n * per[i]);
    });
  }
}

export const convKernels: WebGPUKernelTable = {
  conv2d(ctx, inputs, [out], g) {
    const { batched, bindResidual } = residualBinding(ctx, 'conv2d', inputs, out, g);
    if (out.size === 0) return;
    const [bias, prelu] = epilogueBuffers(ctx, inputs, g);
    const fHalf = ctx.readFloat16(inputs[1]);
    const rowGroups = row8Groups(ctx, g, g.outC);
    if (rowGroups > 0) {
      byBatch(ctx, g.batch, batched, (batch, bind) => ctx.dispatch({
        spec: conv2dSpec, entry: 'conv2d_row8',
        constants: { WG: rowWG(ctx), F_HALF: fHalf, HAS_BIAS: g.hasBias, ACT: g.activation, RESIDUAL: g.residual ?? 0 },
        params: { ...geometryParams(g, g), batch },
        buffers: [bind(inputs[0]), bind(inputs[1]), bias, prelu, bind(out), bindResidual(bind)],
        workgroups: [rowGroups, g.outH, batch],
      }));
      return;
    }
    byBatch(ctx, g.batch, batched, (batch, bind) => ctx.dispatch({
      spec: conv2dSpec, entry: 'conv2d',
      constants: { WG, VEC_X: g.inC % 4 === 0, VEC_F: g.outC % 4 === 0, F_HALF: fHalf, HAS_BIAS: g.hasBias, ACT: g.activation, RESIDUAL: g.residual ?? 0 },
      params: { ...geometryParams(g, g), batch },
      buffers: [bind(inputs[0]), bind(inputs[1]), bias, prelu, bind(out), bindResidual(bind)],
      workgroups: groupsFor(ctx, blocks(batch * g.outH * g.outW) * blocks(g.outC)),
    }));
  },
  conv2dBackpropInput(ctx, [dy, filter], [dx], g) {
    if (dx.size === 0) return;
    byBatch(ctx, g.batch, [dy, dx], (batch, bind) => ctx.dispatch({
      spec: conv2dBackpropSpec, entry: 'conv2d_backprop_input',
      constants: { WG, VEC_DY: g.outC % 4 === 0 },
      params: { ...geometryParams(g), batch },
      buffers: [bind(dy), bind(filter), bind(dx)],
      workgroups: groupsFor(ctx, blocks(batch * g.inH * g.inW) * blocks(g.inC)),
    }));
  },
  conv2dBackpropFilter(ctx, [x, dy], [df], g) {
    if (df.size === 0) return;
    ctx.dispatch({
      spec: conv2dBackpropSpec, entry: 'conv2d_backprop_filter',
      constants: { WG, VEC_X: g.inC % 4 === 0, VEC_DY: g.outC % 4 === 0 },
      params: geometryParams(g),
      buffers: [ctx.buffer(x), ctx.buffer(dy), ctx.buffer(df)],
      workgroups: groupsFor(ctx, g.filterH * g.filterW * blocks(g.inC) * blocks(g.outC)),
    });
  },
  depthwiseConv2d(ctx, inputs, [out], g) {
    const { batched, bindResidual } = residualBinding(ctx, 'depthwiseConv2d', inputs, out, g);
    if (out.size === 0) return;
    const [bias, prelu] = epilogueBuffers(ctx, inputs, g);
    const outC = g.inC * g.channelMultiplier;
    const fHalf = ctx.readFloat16(inputs[1]);
    // 3-wide filters sliding along unstrided rows (most depthwise layers): 8 pixels x 1 channel
    // quad per invocation
    const rowGroups = g.channelMultiplier === 1 ? row8Groups(ctx, g, g.inC) : 0;
    if (rowGroups > 0) {
      byBatch(ctx, g.batch, batched, (batch, bind) => ctx.dispatch({
        spec: depthwiseSpec, entry: 'depthwise_conv2d_row8',
        constants: { WG: rowWG(ctx), F_HALF: fHalf, HAS_BIAS: g.hasBias, ACT: g.activation, RESIDUAL: g.residual ?? 0 },
        params: { ...geometryParams(g, g, 1), out_c: outC, batch },
        buffers: [bind(inputs[0]), bind(inputs[1]), bind(out), bias, prelu, bindResidual(bind)],
        workgroups: [rowGroups, g.outH, batch],
      }));
      return;
    }
    byBatch(ctx, g.batch, batched, (batch, bind) => ctx.dispatch({
      spec: depthwiseSpec, entry: 'depthwise_conv2d',
      constants: { WG, VEC: g.channelMultiplier === 1 && g.inC % 4 === 0, F_HALF: fHalf, HAS_BIAS: g.hasBias, ACT: g.activation, RESIDUAL: g.residual ?? 0 },
      params: { ...geometryParams(g, g, g.channelMultiplier), out_c: outC, batch },
      buffers: [bind(inputs[0]), bind(inputs[1]), bind(out), bias, prelu, bindResidual(bind)],
      workgroups: groupsFor(ctx, blocks(batch * g.outH * g.outW) * blocks(outC)),
    }));
  },
  depthwiseConv2dBackpropInput(ctx, [dy, filter], [dx], g) {
    if (dx.size === 0) return;
    byBatch(ctx, g.batch, [dy, dx], (batch, bind) => ctx.dispatch({
      spec: depthwiseSpec, entry: 'depthwise_backprop_input',
      constants: { WG },
      params: { ...geometryParams(g, undefined, g.channelMultiplier), out_c: g.inC * g.channelMultiplier, batch },
      buffers: [bind(dy), bind(filter), bind(dx)],
      workgroups: groupsFor(ctx, batch * g.inH * g.inW * g.inC),
    }));
  },
  depthwiseConv2dBackpropFilter(ctx, [x, dy], [df], g) {
    if (df.size === 0) return;
    const outC = g.inC * g.channelMultiplier;
    ctx.dispatch({
      spec: depthwiseSpec, entry: 'depthwise_backprop_filter',
      constants: { WG },
      params: { ...geometryParams(g, undefined, g.channelMultiplier), out_c: outC },
      buffers: [ctx.buffer(x), ctx.buffer(dy), ctx.buffer(df)],
      workgroups: grid1d(g.filterH * g.filterW * outC, ctx.limits.maxWorkgroupsPerDimension),
    });
  },
};
