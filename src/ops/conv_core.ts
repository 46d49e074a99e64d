/**
 * Differentiable NHWC primitives over the conv kernels, shared by conv.ts and fused.ts:
 * conv2d, its input / filter backprops, and the depthwise trio, each recording a vjp built
 * from the other two, so second-order gradients work too. Because all three are bilinear,
 *   conv(x, f)         -> dx = backpropInput(dy, f),  df = backpropFilter(x, dy)
 *   backpropInput(d, f) -> dd = conv(g, f),            df = backpropFilter(g, d)
 *   backpropFilter(x, d) -> dx = backpropInput(d, g),  dd = conv(x, g)
 * where g is the incoming cotangent (registered in the gradient registry, src/ops/gradients.ts,
 * under the kernel names). Nothing here validates: callers pass checked geometry.
 */
import { Activation, type ConvGeometry } from '../backends/kernels.js';
import type { Tensor } from '../tensor.js';
import { runOp } from './operand.js';
import { geometryAttrs } from './conv_util.js';
import { recordGradient, registerGradient } from './gradients.js';

/** Fused epilogue operands for conv2d / depthwise (bias [C] or [1], prelu weights [C] or [1]). */
export interface ConvEpilogue {
  bias?: Tensor;
  prelu?: Tensor;
  activation?: number;
  alpha?: number;
}

function epilogueAttrs(epi: ConvEpilogue) {
  return {
    hasBias: !!epi.bias,
    biasSize: epi.bias ? epi.bias.size : 0,
    activation: epi.activation ?? Activation.linear,
    alpha: epi.alpha ?? 0,
    preluSize: epi.prelu ? epi.prelu.size : 0,
  };
}

function epilogueInputs(epi: ConvEpilogue): Tensor[] {
  const extra: Tensor[] = [];
  if (epi.bias) extra.push(epi.bias);
  if (epi.prelu) extra.push(epi.prelu);
  return extra;
}

const xShapeOf = (g: ConvGeometry) => [g.batch, g.inH, g.inW, g.inC];
const yShapeOf = (g: ConvGeometry) => [g.batch, g.outH, g.outW, g.outC];

// ---- kernel calls, no gradient ----------------------------------------------------------------

export function runConv2d(x: Tensor, f: Tensor, g: ConvGeometry, epi: ConvEpilogue = {}): Tensor {
  return runOp('conv2d', [x, f, ...epilogueInputs(epi)], yShapeOf(g), 'float32', { ...geometryAttrs(g), ...epilogueAttrs(epi) });
}

export function runDepthwise(x: Tensor, f: Tensor, g: ConvGeometry, epi: ConvEpilogue = {}): Tensor {
  const channelMultiplier = g.outC / g.inC;
  return runOp('depthwiseConv2d', [x, f, ...epilogueInputs(epi)], yShapeOf(g), 'float32', {
    ...geometryAttrs(g), ...epilogueAttrs(epi), channelMultiplier,
  });
}

// ---- differentiable primitives ----------------------------------------------------------------

export function conv2dPrim(x: Tensor, f: Tensor, g: ConvGeometry): Tensor {
  const y = runConv2d(x, f, g);
  recordGradient('conv2d', [x, f], y, g);
  return y;
}

export function conv2dBackpropInputPrim(dy: Tensor, f: Tensor, g: ConvGeometry): Tensor {
  const dx = runOp('conv2dBackpropInput', [dy, f], xShapeOf(g), 'float32', geometryAttrs(g));
  recordGradient('conv2dBackpropInput', [dy, f], dx, g);
  return dx;
}

export function conv2dBackpropFilterPrim(x: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  const df = runOp('conv2dBackpropFilter', [x, dy], [g.filterH, g.filterW, g.inC, g.outC], 'float32', geometryAttrs(g));
  recordGradient('conv2dBackpropFilter', [x, dy], df, g);
  return df;
}

export function depthwisePrim(x: Tensor, f: Tensor, g: ConvGeometry): Tensor {
  const y = runDepthwise(x, f, g);
  recordGradient('depthwiseConv2d', [x, f], y, g);
  return y;
}

export function depthwiseBackpropInputPrim(dy: Tensor, f: Tensor, g: ConvGeometry): Tensor {
  const dx = runOp('depthwiseConv2dBackpropInput', [dy, f], xShapeOf(g), 'float32', { ...geometryAttrs(g), channelMultiplier: g.outC / g.inC });
  recordGradient('depthwiseConv2dBackpropInput', [dy, f], dx, g);
  return dx;
}

export function depthwiseBackpropFilterPrim(x: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  const mult = g.outC / g.inC;
  const df = runOp('depthwiseConv2dBackpropFilter', [x, dy], [g.filterH, g.filterW, g.inC, mult], 'float32', { ...geometryAttrs(g), channelMultiplier: mult });
  recordGradient('depthwiseConv2dBackpropFilter', [x, dy], df, g);
  return df;
}

// ---- gradients (bilinear: each is built from the other two of its trio) ------------------------

// wanted[k] false: nothing needs that cotangent (a model's first layer has no use for dx), so it is skipped
registerGradient<ConvGeometry>('conv2d', (dy, [x, f], _y, g, wanted) =>
  [wanted?.[0] === false ? null : conv2dBackpropInputPrim(dy, f, g), wanted?.[1] === false ? null : conv2dBackpropFilterPrim(x, dy, g)]);
registerGradient<ConvGeometry>('conv2dBackpropInput', (gr, [dy, f], _y, g) => [conv2dPrim(gr, f, g), conv2dBackpropFilterPrim(gr, dy, g)]);
registerGradient<ConvGeometry>('conv2dBackpropFilter', (gr, [x, dy], _y, g) => [conv2dBackpropInputPrim(dy, gr, g), conv2dPrim(x, gr, g)]);
registerGradient<ConvGeometry>('depthwiseConv2d', (dy, [x, f], _y, g, wanted) =>
  [wanted?.[0] === false ? null : depthwiseBackpropInputPrim(dy, f, g), wanted?.[1] === false ? null : depthwiseBackpropFilterPrim(x, dy, g)]);
registerGradient<ConvGeometry>('depthwiseConv2dBackpropInput', (gr, [dy, f], _y, g) => [depthwisePrim(gr, f, g), depthwiseBackpropFilterPrim(gr, dy, g)]);
registerGradient<ConvGeometry>('depthwiseConv2dBackpropFilter', (gr, [x, dy], _y, g) => [depthwiseBackpropInputPrim(dy, gr, g), depthwisePrim(x, gr, g)]);
