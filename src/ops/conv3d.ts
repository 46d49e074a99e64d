/**
 * 3-D convolution and pooling ops with TF.js names: conv3d, conv3dTranspose, maxPool3d and
 * avgPool3d over NDHWC data (rank 5, or rank 4 as a batch of 1), filters [fd, fh, fw, inC, outC].
 * Geometry follows TF.js's computeConv3DInfo ('same', 'valid' or a number pad, with
 * dimRoundingMode for pools), computed per axis pair by the 2-D helper. Gradients: conv3d to
 * both operands (the conv3dBackpropInput / Filter kernels), the pools through pool3dBackprop.
 */
import type { Conv3dGeometry } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { runOp, toTensor, type Input } from './operand.js';
import { reshape } from './layout.js';
import { cast } from './unary.js';
import { composite, convGeometry, type RoundingMode } from './conv_util.js';

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
  what: string;
}

/** TF.js computeConv3DInfo, validated; (D, H) and (H, W) go through the 2-D geometry. */
function conv3dGeometry(r: Geometry3dRequest): Conv3dGeometry {
  const [batch, inD, inH, inW, inC] = r.xShape;
  const [sD, sH, sW] = parseTriple(r.op, 'strides', r.strides, 1);
  const [dD, dH, dW] = parseTriple(r.op, 'dilations', r.dilations, 1);
  if ((sD > 1 || sH > 1 || sW > 1) && (dD > 1 || dH > 1 || dW > 1)) {
    throw new Error(`Error in ${r.op}: Either strides or dilations must be 1. Got strides ${[sD, sH, sW]} and dilations '${[dD, dH, dW]}'`);
  }
  if (typeof r.pad !== 'number' && r.pad !== 'same' && r.pad !== 'valid') {
    throw new Error(`${r.op}: pad must be 'same', 'valid' or a number, got ${JSON.stringify(r.pad)}`);
  }
  const [fd, fh, fw] = r.filter;
  const common = { op: r.op, outC: r.outC, pad: r.pad, roundingMode: r.roundingMode, what: r.what };
  const dh = convGeometry({ ...common, xShape: [batch, inD, inH, inC], filterH: fd, filterW: fh, strides: [sD, sH], dilations: [dD, dH] });
  const hw = convGeometry({ ...common, xShape: [batch, inH, inW, inC], filterH: fh, filterW: fw, strides: [sH, sW], dilations: [dH, dW] });
  const g: Conv3dGeometry = {
    batch, inD, inH, inW, inC, outD: dh.outH, outH: hw.outH, outW: hw.outW, outC: r.outC,
    filterD: fd, filterH: fh, filterW: fw, strideD: sD, strideH: sH, strideW: sW,
    dilationD: dD, dilationH: dH, dilationW: dW, padFront: dh.padTop, padTop: hw.padTop, padLeft: hw.padLeft,
  };
  if (r.pad === 'same') {
    // TF.js's 3-D 'same' does not clamp the total padding at 0 (the 2-D one does): a window
    // smaller than its stride starts (stride - window) / 2 taps into the input, as in TF.js.
    const start = (inDim: number, out: number, s: number, f: number, d: number) => Math.floor(((out - 1) * s + (f - 1) * d + 1 - inDim) / 2);
    g.padFront = start(inD, g.outD, sD, fd, dD);
    g.padTop = start(inH, g.outH, sH, fh, dH);
    g.padLeft = start(inW, g.outW, sW, fw, dW);
  }
  return g;
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
function as5d(op: string, x: Input, arg = 'x'): { x5: Tensor; finish: (y: Tensor) => Tensor; given: Tensor } {
  const t = toTensor(x, op, arg);
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

/** TF.js conv3d(x, filter, strides, pad, dataFormat = 'NDHWC', dilations = [1, 1, 1]). */
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
      what: `x ${fmtShape(x5.shape)}, filter ${fmtShape(f.shape)}`,
    });
    return finish(conv3dPrim(x5, f, g));
  });
}

/** TF.js conv3dTranspose(x, filter [fd, fh, fw, outC, inC], outputShape, strides, pad). */
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
      what: `x ${fmtShape(dy.shape)}, filter ${fmtShape(f.shape)}, outputShape ${JSON.stringify(outputShape)}`,
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
    const { x5, finish } = as5d(op, x);
    if (dataFormat !== 'NDHWC') throw new Error(`Error in ${op}: Only NDHWC is currently supported, but got dataFormat of ${dataFormat}`);
    const g = conv3dGeometry({
      op, xShape: x5.shape, filter: parseTriple(op, 'filterSize', filterSize, 1), outC: x5.shape[4],
      strides, dilations: 1, pad, roundingMode: dimRoundingMode, what: `x ${fmtShape(x5.shape)}, filterSize ${JSON.stringify(filterSize)}`,
    });
    const code = op === 'maxPool3d' ? MAX : AVG;
    const y = runOp('pool3d', [x5], yShapeOf(g), 'float32', { ...g, op: code });
    ENGINE.record(op, [x5], [y], ([dy]) => [dy ? runOp('pool3dBackprop', [dy, x5], x5.shape, 'float32', { ...g, op: code }) : null]);
    return finish(y);
  });
}

/** TF.js maxPool3d(x, filterSize = [1, 1, 1], strides, pad, dimRoundingMode, dataFormat = 'NDHWC'). */
export function maxPool3d(
  x: Input, filterSize: Triple = [1, 1, 1], strides: Triple, pad: Pad3d, dimRoundingMode?: RoundingMode, dataFormat = 'NDHWC',
): Tensor {
  return pool3d('maxPool3d', x, filterSize, strides, pad, dimRoundingMode, dataFormat);
}

/** TF.js avgPool3d(x, filterSize, strides, pad, dimRoundingMode, dataFormat = 'NDHWC'). */
export function avgPool3d(
  x: Input, filterSize: Triple, strides: Triple, pad: Pad3d, dimRoundingMode?: RoundingMode, dataFormat = 'NDHWC',
): Tensor {
  return pool3d('avgPool3d', x, filterSize, strides, pad, dimRoundingMode, dataFormat);
}
