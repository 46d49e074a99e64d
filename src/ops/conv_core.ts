/**
 * Differentiable NHWC primitives over the conv kernels, shared by conv.ts and fused.ts:
 * conv2d, its input / filter backprops, and the depthwise trio, each recording a vjp built
 * from the other two, so second-order gradients work too. Because all three are bilinear,
 *   conv(x, f)         -> dx = backpropInput(dy, f),  df = backpropFilter(x, dy)
 *   backpropInput(d, f) -> dd = conv(g, f),            df = backpropFilter(g, d)
 *   backpropFilter(x, d) -> dx = backpropInput(d, g),  dd = conv(x, g)
 * where g is the incoming cotangent. Nothing here validates: callers pass checked geometry.
 */
import { Activation, type ConvGeometry } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { runOp } from './operand.js';
import { geometryAttrs } from './conv_util.js';

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
  ENGINE.record('conv2d', [x, f], [y], ([dy], wanted = [true, true]) =>
    (dy ? [wanted[0] ? conv2dBackpropInputPrim(dy, f, g) : null, wanted[1] ? conv2dBackpropFilterPrim(x, dy, g) : null] : [null, null]));
  return y;
}

export function conv2dBackpropInputPrim(dy: Tensor, f: Tensor, g: ConvGeometry): Tensor {
  const dx = runOp('conv2dBackpropInput', [dy, f], xShapeOf(g), 'float32', geometryAttrs(g));
  ENGINE.record('conv2dBackpropInput', [dy, f], [dx], ([gr]) => (gr ? [conv2dPrim(gr, f, g), conv2dBackpropFilterPrim(gr, dy, g)] : [null, null]));
  return dx;
}

export function conv2dBackpropFilterPrim(x: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  const df = runOp('conv2dBackpropFilter', [x, dy], [g.filterH, g.filterW, g.inC, g.outC], 'float32', geometryAttrs(g));
  ENGINE.record('conv2dBackpropFilter', [x, dy], [df], ([gr]) => (gr ? [conv2dBackpropInputPrim(dy, gr, g), conv2dPrim(x, gr, g)] : [null, null]));
  return df;
}

export function depthwisePrim(x: Tensor, f: Tensor, g: ConvGeometry): Tensor {
  const y = runDepthwise(x, f, g);
  ENGINE.record('depthwiseConv2d', [x, f], [y], ([dy]) => (dy ? [depthwiseBackpropInputPrim(dy, f, g), depthwiseBackpropFilterPrim(x, dy, g)] : [null, null]));
  return y;
}

export function depthwiseBackpropInputPrim(dy: Tensor, f: Tensor, g: ConvGeometry): Tensor {
  const dx = runOp('depthwiseConv2dBackpropInput', [dy, f], xShapeOf(g), 'float32', { ...geometryAttrs(g), channelMultiplier: g.outC / g.inC });
  ENGINE.record('depthwiseConv2dBackpropInput', [dy, f], [dx], ([gr]) =>
    gr ? [depthwisePrim(gr, f, g), depthwiseBackpropFilterPrim(gr, dy, g)] : [null, null]);
  return dx;
}

export function depthwiseBackpropFilterPrim(x: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  const mult = g.outC / g.inC;
  const df = runOp('depthwiseConv2dBackpropFilter', [x, dy], [g.filterH, g.filterW, g.inC, mult], 'float32', { ...geometryAttrs(g), channelMultiplier: mult });
  ENGINE.record('depthwiseConv2dBackpropFilter', [x, dy], [df], ([gr]) =>
    gr ? [depthwiseBackpropInputPrim(dy, gr, g), depthwisePrim(x, gr, g)] : [null, null]);
  return df;
}
