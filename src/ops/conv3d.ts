/**
 * 3-D convolution and pooling ops with TF.js names: conv3d, conv3dTranspose, maxPool3d and
 * avgPool3d over NDHWC data (rank 5, or rank 4 as a batch of 1), filters [fd, fh, fw, inC, outC].
 * Geometry follows TF.js's computeConv3DInfo ('same', 'valid' or a number pad, with
 * dimRoundingMode for pools). Gradients: conv3d to
 * both operands (the conv3dBackpropInput / Filter kernels), the pools through pool3dBackprop.
 */
import type { Conv3dGeometry } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { runOp, toTensor, type Input } from './operand.js';
import { reshape } from './layout.js';
import { cast } from './unary.js';
import { composite, type RoundingMode } from './conv_util.js';

/**
 * A number or a triple [depth, height, width], for 3-D strides, filter sizes and dilations.
 */
export type Triple = number | [number, number, number];
type Pad3d = 'same' | 'valid' | number;

function parseTriple(op: string, name: string, v: Triple | undefined, dflt: number): [number, number, number] {
  const p = v === undefined || v === null ? [dflt, dflt, dflt] : typeof v === 'number' ? [v, v, v] : v;
  if (!Array.isArray(p) || p.length !== 3 || !p.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or three positive integers, got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1], p[2]];
}

interface Geometry3dRequest {
  op: string;
  xShape: number[];
  filter: [number, number, number];
  outC: number;
  strides: Triple | undefined;
  dilations: Triple | undefined;
  pad: Pad3d;
  roundingMode?: RoundingMode;
}

/**
 * TF.js computeConv3DInfo, validated. Unlike the 2-D geometry, TF.js's 3-D 'same' does not clamp
 * the total padding at 0 (a window smaller than its stride starts (stride - window) / 2 taps into
 * the input), and 'valid' / a number pad give a zero-size axis when the window does not fit.
 */
function conv3dGeometry(r: Geometry3dRequest): Conv3dGeometry {
  const [batch, inD, inH, inW, inC] = r.xShape;
  const strides = parseTriple(r.op, 'strides', r.strides, 1);
  const dilations = parseTriple(r.op, 'dilations', r.dilations, 1);
  if (strides.some((v) => v > 1) && dilations.some((v) => v > 1)) {
    throw new Error(`Error in ${r.op}: Either strides or dilations must be 1. Got strides ${strides} and dilations '${dilations}'`);
  }
  const pad = r.pad;
  if (r.roundingMode != null) {
    if (!['floor', 'round', 'ceil'].includes(r.roundingMode)) {
      throw new Error(`${r.op}: dimRoundingMode must be 'floor', 'round' or 'ceil', got '${String(r.roundingMode)}'`);
    }
    if (typeof pad !== 'number' || !Number.isInteger(pad)) {
      throw new Error(`Error in ${r.op}: pad must be an integer when using dimRoundingMode ${r.roundingMode} but got pad ${pad}.`);
    }
  }
  const p = pad === 'valid' ? 0 : pad;
  if (p !== 'same' && !(typeof p === 'number' && Number.isInteger(p) && p >= 0)) {
    throw new Error(`${r.op}: pad must be 'same', 'valid' or a non-negative integer, got ${JSON.stringify(pad)}`);
  }
  const round = (v: number) => (r.roundingMode === 'round' ? Math.round(v) : r.roundingMode === 'ceil' ? Math.ceil(v) : r.roundingMode === 'floor' ? Math.floor(v) : Math.trunc(v));
  const axis = (inDim: number, f: number, s: number, d: number): [number, number] => {
    const eff = (f - 1) * d + 1;
    if (p === 'same') {
      const out = Math.ceil(inDim / s);
      return [out, Math.floor(((out - 1) * s + eff - inDim) / 2)];
    }
    return [inDim + 2 * p >= eff ? round((inDim - eff + 2 * p) / s + 1) : 0, p];
  };
  const [fd, fh, fw] = r.filter;
  const [outD, padFront] = axis(inD, fd, strides[0], dilations[0]);
  const [outH, padTop] = axis(inH, fh, strides[1], dilations[1]);
  const [outW, padLeft] = axis(inW, fw, strides[2], dilations[2]);
  return {
    batch, inD, inH, inW, inC, outD, outH, outW, outC: r.outC, filterD: fd, filterH: fh, filterW: fw,
    strideD: strides[0], strideH: strides[1], strideW: strides[2], dilationD: dilations[0], dilationH: dilations[1], dilationW: dilations[2],
    padFront, padTop, padLeft,
  };
}

const xShapeOf = (g: Conv3dGeometry) => [g.batch, g.inD, g.inH, g.inW, g.inC];
const yShapeOf = (g: Conv3dGeometry) => [g.batch, g.outD, g.outH, g.outW, g.outC];

function conv3dPrim(x: Tensor, f: Tensor, g: Conv3dGeometry): Tensor {
  const y = runOp('conv3d', [x, f], yShapeOf(g), 'float32', g);
  ENGINE.record('conv3d', [x, f], [y], ([dy]) => [
    dy ? backpropInputPrim(dy, f, g) : null,
    dy ? runOp('conv3dBackpropFilter', [x, dy], f.shape, 'float32', g) : null,
  ]);
  return y;
}

function backpropInputPrim(dy: Tensor, f: Tensor, g: Conv3dGeometry): Tensor {
  const dx = runOp('conv3dBackpropInput', [dy, f], xShapeOf(g), 'float32', g);
  // <H, T(dy, f)> = <conv3d(H, f), dy>: so d/d(dy) = conv3d(H, f) and d/df = backpropFilter(H, dy)
  ENGINE.record('conv3dBackpropInput', [dy, f], [dx], ([ddx]) => [
    ddx ? conv3dPrim(ddx, f, g) : null,
    ddx ? runOp('conv3dBackpropFilter', [ddx, dy], f.shape, 'float32', g) : null,
  ]);
  return dx;
}

/** x of rank 4 or 5 as float32 rank 5 (rank 4 is a batch of 1), and how to undo the batch on the result. */
function as5d(op: string, x: Input, arg = 'x', floatOnly = false): { x5: Tensor; finish: (y: Tensor) => Tensor; given: Tensor } {
  const t = toTensor(x, op, arg, Array.isArray(x) || typeof x === 'number' ? 'float32' : undefined);
  if (floatOnly && t.dtype !== 'float32') {
    throw new Error(`Argument '${arg}' passed to '${op}' must be float32 tensor, but got ${t.dtype} tensor`);
  }
  if (t.rank !== 4 && t.rank !== 5) {
    throw new Error(`Error in ${op}: ${arg} must be rank 5, but got rank ${t.rank} (shape ${fmtShape(t.shape)}).`);
  }
  const f = t.dtype === 'float32' ? t : cast(t, 'float32');
  if (t.rank === 5) return { x5: f, finish: (y) => y, given: t };
  return { x5: reshape(f, [1, ...t.shape]), finish: (y) => reshape(y, y.shape.slice(1)), given: t };
}

function floatFilter(op: string, filter: Input): Tensor {
  const f = toTensor(filter, op, 'filter');
  if (f.rank !== 5) throw new Error(`Error in ${op}: filter must be rank 5, but got rank ${f.rank}.`);
  return f.dtype === 'float32' ? f : cast(f, 'float32');
}

/**
 * TF.js conv3d(x, filter, strides, pad, dataFormat = 'NDHWC', dilations = [1, 1, 1]).
 * @example
 * ```js
 * tf.conv3d(tf.ones([1, 4, 4, 4, 1]), tf.ones([2, 2, 2, 1, 3]), 1, 'valid').shape; // [1, 3, 3, 3, 3]
 * ```
 */
export function conv3d(
  x: Input, filter: Input, strides: Triple, pad: Pad3d, dataFormat: 'NDHWC' | 'NCDHW' = 'NDHWC', dilations: Triple = [1, 1, 1],
): Tensor {
  return composite(() => {
    const { x5, finish } = as5d('conv3d', x);
    const f = floatFilter('conv3d', filter);
    if (x5.shape[4] !== f.shape[3]) {
      throw new Error(`Error in conv3d: depth of input (${x5.shape[4]}) must match input depth for filter ${f.shape[3]}.`);
    }
    if (dataFormat !== 'NDHWC') throw new Error(`Error in conv3d: got dataFormat of ${dataFormat} but only NDHWC is currently supported.`);
    const g = conv3dGeometry({
      op: 'conv3d', xShape: x5.shape, filter: [f.shape[0], f.shape[1], f.shape[2]], outC: f.shape[4], strides, dilations, pad,
    });
    return finish(conv3dPrim(x5, f, g));
  });
}

/**
 * TF.js conv3dTranspose(x, filter [fd, fh, fw, outC, inC], outputShape, strides, pad).
 * @example
 * ```js
 * tf.conv3dTranspose(tf.ones([1, 2, 2, 2, 3]), tf.ones([2, 2, 2, 1, 3]), [1, 4, 4, 4, 1], 2, 'valid').shape; // [1, 4, 4, 4, 1]
 * ```
 */
export function conv3dTranspose(x: Input, filter: Input, outputShape: number[], strides: Triple, pad: 'same' | 'valid'): Tensor {
  return composite(() => {
    const { x5: dy, finish } = as5d('conv3dTranspose', x);
    const f = floatFilter('conv3dTranspose', filter);
    const shape5 = outputShape.length === 4 ? [1, ...outputShape] : outputShape;
    if (!Array.isArray(outputShape) || shape5.length !== 5 || (outputShape.length === 4) !== (toTensor(x, 'conv3dTranspose', 'x').rank === 4)) {
      throw new Error(`Error in conv3dTranspose: outputShape ${JSON.stringify(outputShape)} must have the rank of x (4 or 5)`);
    }
    if (shape5[4] !== f.shape[3]) throw new Error(`Error in conv3dDerInput: depth of input (${shape5[4]}) must match input depth for filter ${f.shape[3]}.`);
    if (dy.shape[4] !== f.shape[4]) throw new Error(`Error in conv3dDerInput: depth of output (${dy.shape[4]}) must match output depth for filter ${f.shape[4]}.`);
    const g = conv3dGeometry({
      op: 'conv3dTranspose', xShape: shape5, filter: [f.shape[0], f.shape[1], f.shape[2]], outC: f.shape[4], strides, dilations: 1, pad,
    });
    const want = yShapeOf(g);
    if (want.some((d, i) => d !== dy.shape[i])) {
      throw new Error(`Error in conv3dTranspose: x ${fmtShape(dy.shape)} does not match the ${fmtShape(want)} that outputShape ${JSON.stringify(outputShape)} convolves to`);
    }
    return finish(backpropInputPrim(dy, f, g));
  });
}

const MAX = 0;
const AVG = 1;

function pool3d(
  op: 'maxPool3d' | 'avgPool3d', x: Input, filterSize: Triple, strides: Triple | undefined, pad: Pad3d,
  dimRoundingMode: RoundingMode | undefined, dataFormat: string,
): Tensor {
  return composite(() => {
    // TF.js reads avgPool3d's x as float32 (an int32 tensor is refused) and maxPool3d's as given
    const { x5, finish } = as5d(op, x, 'x', op === 'avgPool3d');
    if (dataFormat !== 'NDHWC') throw new Error(`Error in ${op}: Only NDHWC is currently supported, but got dataFormat of ${dataFormat}`);
    const g = conv3dGeometry({
      op, xShape: x5.shape, filter: parseTriple(op, 'filterSize', filterSize, 1), outC: x5.shape[4],
      strides, dilations: 1, pad, roundingMode: dimRoundingMode,
    });
    const code = op === 'maxPool3d' ? MAX : AVG;
    const y = runOp('pool3d', [x5], yShapeOf(g), 'float32', { ...g, op: code });
    ENGINE.record(op, [x5], [y], ([dy]) => [dy ? runOp('pool3dBackprop', [dy, x5], x5.shape, 'float32', { ...g, op: code }) : null]);
    return finish(y);
  });
}

/**
 * TF.js maxPool3d(x, filterSize = [1, 1, 1], strides, pad, dimRoundingMode, dataFormat = 'NDHWC').
 * @example
 * ```js
 * tf.maxPool3d(tf.ones([1, 4, 4, 4, 1]), 2, 2, 'valid').shape; // [1, 2, 2, 2, 1]
 * ```
 */
export function maxPool3d(
  x: Input, filterSize: Triple = [1, 1, 1], strides: Triple, pad: Pad3d, dimRoundingMode?: RoundingMode, dataFormat = 'NDHWC',
): Tensor {
  return pool3d('maxPool3d', x, filterSize, strides, pad, dimRoundingMode, dataFormat);
}

/**
 * TF.js avgPool3d(x, filterSize, strides, pad, dimRoundingMode, dataFormat = 'NDHWC').
 * @example
 * ```js
 * tf.avgPool3d(tf.ones([1, 4, 4, 4, 1]), 2, 2, 'valid').shape; // [1, 2, 2, 2, 1]
 * ```
 */
export function avgPool3d(
  x: Input, filterSize: Triple, strides: Triple, pad: Pad3d, dimRoundingMode?: RoundingMode, dataFormat = 'NDHWC',
): Tensor {
  return pool3d('avgPool3d', x, filterSize, strides, pad, dimRoundingMode, dataFormat);
}
