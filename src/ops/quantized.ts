/**
 * int8 quantized inference ops (issue 12): Int8Tensor (packed int8 activations with an affine
 * scale / zero point), quantize / dequantize, and int8 matMul, conv2d and depthwise conv2d over
 * per-channel int8 weights (quantized_weights.ts) with the requantize epilogue (bias, activation,
 * float32 or int8 output) of the kernel contract (src/backends/kernels.ts, KernelAttrs.int8MatMul).
 * Each op validates its operands (clear Errors naming the op and shapes) and runs one kernel; the
 * results are ordinary engine tensors, so tidy / dispose / memory() see them.
 */
import { Activation, packedCols, type ActivationName, type Int8Epilogue, type KernelAttrs } from '../backends/kernels.js';
import { Tensor } from '../tensor.js';
import { fmtShape, sizeOf } from '../util.js';
import { convGeometry, type Pair } from './conv_util.js';
import { op, runOp } from './operand.js';
import { checkPackedWeights, type PackedWeights } from './quantized_weights.js';

/**
 * A tensor of int8 values stored packed (four per int32 element, the last dimension padded to a
 * multiple of 4) with its affine quantization: real = scale * (q - zeroPoint).
 */
export class Int8Tensor {
  /** int32 [...outer, packedCols(last)]: the packed int8 values. */
  readonly packed: Tensor;
  /** The logical shape (of the int8 values). */
  readonly shape: number[];
  /** Real value of one quantization step (float32). */
  readonly scale: number;
  /** The int8 value that represents real 0, in [-128, 127]. */
  readonly zeroPoint: number;

  /** Wraps packed int8 storage; quantizeInt8 and the int8 ops make these. */
  constructor(packed: Tensor, shape: number[], scale: number, zeroPoint: number) {
    const op = 'Int8Tensor';
    checkQuantParams(op, scale, zeroPoint);
    if (!Array.isArray(shape) || shape.length < 1 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${op}: shape must be a non-empty list of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const want = [...shape.slice(0, -1), packedCols(shape[shape.length - 1])];
    if (!(packed instanceof Tensor) || packed.dtype !== 'int32' || fmtShape(packed.shape) !== fmtShape(want)) {
      throw new Error(`${op}: packed storage for shape ${fmtShape(shape)} must be int32 ${fmtShape(want)}, got ${packed instanceof Tensor ? `${packed.dtype} ${fmtShape(packed.shape)}` : typeof packed}`);
    }
    this.packed = packed;
    this.shape = shape.slice();
    this.scale = Math.fround(scale);
    this.zeroPoint = zeroPoint;
  }

  /** The number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True once the packed storage is disposed. */
  get isDisposed(): boolean {
    return this.packed.isDisposed;
  }

  /** Frees the packed storage. */
  dispose(): void {
    this.packed.dispose();
  }
}

/** Scale and zero point of an affine int8 quantization. */
export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

function checkQuantParams(op: string, scale: number, zeroPoint: number, what = ''): void {
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(Math.fround(scale))) {
    throw new Error(`${op}: ${what}scale must be a positive finite number, got ${scale}`);
  }
  if (!Number.isInteger(zeroPoint) || zeroPoint < -128 || zeroPoint > 127) {
    throw new Error(`${op}: ${what}zeroPoint must be an integer in [-128, 127], got ${zeroPoint}`);
  }
}

/**
 * Affine int8 parameters for real values in [min, max]: the range is widened to include 0 (so 0
 * is exact), scale = (max - min) / 255 and the zero point is the integer in [-128, 127] that maps
 * to 0. An all-zero range gives scale 1, zero point 0.
 * @example
 * ```js
 * tf.quantization.chooseQuantParams(0, 2.55).zeroPoint; // -128
 * tf.quantization.chooseQuantParams(-2.55, 0).zeroPoint; // 127
 * ```
 */
export function chooseQuantParams(min: number, max: number): QuantParams {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new Error(`chooseQuantParams: min and max must be finite with min <= max, got min ${min}, max ${max}`);
  }
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (hi === lo) return { scale: 1, zeroPoint: 0 };
  const scale = Math.fround((hi - lo) / 255);
  const zeroPoint = Math.min(127, Math.max(-128, Math.round(-128 - lo / scale))) + 0; // + 0: no -0
  return { scale, zeroPoint };
}

/** The activations the int8 epilogue applies (the Activation table's names but prelu). */
export type Int8Activation = Exclude<ActivationName, 'prelu'>;

/** Options of the int8 ops: bias [channels] (float32), activation, and an int8 output's parameters. */
export interface Int8OpOptions {
  /** float32 [channels], added before the activation. */
  bias?: Tensor;
  /** Applied after the bias (default 'linear'). */
  activation?: Int8Activation;
  /** leakyrelu's slope (default 0.2, as tf.fused). */
  alpha?: number;
  /** When given, the result is requantized to an Int8Tensor with these parameters; else float32. */
  output?: QuantParams;
}

export function checkInt8Tensor(op: string, x: Int8Tensor, arg: string): void {
  if (!(x instanceof Int8Tensor)) throw new Error(`${op}: ${arg} must be an Int8Tensor (from quantization.quantizeInt8), got ${x === null ? 'null' : typeof x}`);
  x.packed.assertAlive(`${op} (argument '${arg}')`);
}

/** Validates the options and returns the epilogue attributes and the bias input (if any). */
function epilogueOf(op: string, x: Int8Tensor, channels: number, opts: Int8OpOptions = {}): { epi: Int8Epilogue; extra: Tensor[] } {
  const activation = opts.activation ?? 'linear';
  if (!(activation in Activation) || activation === ('prelu' as string)) {
    throw new Error(`${op}: unknown activation '${String(activation)}'; expected one of ${Object.keys(Activation).filter((a) => a !== 'prelu').join(', ')}`);
  }
  const extra: Tensor[] = [];
  if (opts.bias !== undefined && opts.bias !== null) {
    const b = opts.bias;
    if (!(b instanceof Tensor)) throw new Error(`${op}: bias must be a Tensor, got ${typeof b}`);
    b.assertAlive(`${op} (bias)`);
    if (b.dtype !== 'float32' || b.rank !== 1 || b.size !== channels) {
      throw new Error(`${op}: bias must be float32 [${channels}] (one value per output channel), got ${b.dtype} ${fmtShape(b.shape)}`);
    }
    extra.push(b);
  }
  const out = opts.output;
  if (out) checkQuantParams(op, out.scale, out.zeroPoint, 'output ');
  return {
    epi: {
      aScale: x.scale, aZeroPoint: x.zeroPoint, hasBias: extra.length > 0,
      activation: Activation[activation], alpha: opts.alpha ?? 0.2,
      outInt8: !!out, outScale: out ? Math.fround(out.scale) : 1, outZeroPoint: out ? out.zeroPoint : 0,
    },
    extra,
  };
}

/** Runs an int8 kernel whose output has logical shape `shape` (last dim = channels): float32 or packed int8. */
function runInt8<K extends 'int8MatMul' | 'int8Conv2d' | 'int8DepthwiseConv2d'>(
  kernel: K, inputs: Tensor[], shape: number[], epi: Int8Epilogue, attrs: Omit<KernelAttrs[K], keyof Int8Epilogue>,
): Tensor | Int8Tensor {
  const all = { ...attrs, ...epi } as KernelAttrs[K];
  if (!epi.outInt8) return runOp(kernel, inputs, shape, 'float32', all);
  const packed = runOp(kernel, inputs, [...shape.slice(0, -1), packedCols(shape[shape.length - 1])], 'int32', all);
  return new Int8Tensor(packed, shape, epi.outScale, epi.outZeroPoint);
}

const quantizeOp = op('quantizeInt8', (x: Tensor, scale: number, zeroPoint: number): Int8Tensor => {
  const name = 'quantizeInt8';
  if (!(x instanceof Tensor)) throw new Error(`${name}: x must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  x.assertAlive(name);
  if (x.dtype !== 'float32') throw new Error(`${name}: x must be float32, got ${x.dtype} ${fmtShape(x.shape)}`);
  if (x.rank < 1) throw new Error(`${name}: x must have rank >= 1 (the last dimension is packed), got a scalar`);
  checkQuantParams(name, scale, zeroPoint);
  const cols = x.shape[x.rank - 1];
  const shape = [...x.shape.slice(0, -1), packedCols(cols)];
  const packed = runOp('quantizeInt8', [x], shape, 'int32', { rows: cols ? x.size / cols : sizeOf(shape), cols, scale: Math.fround(scale), zeroPoint });
  return new Int8Tensor(packed, x.shape, scale, zeroPoint);
});

/**
 * Quantizes float32 `x` to int8: q = clamp(round(x / scale) + zeroPoint, -128, 127), rounding
 * half to even, NaN to the zero point. The last dimension is packed four values per int32.
 * @example
 * ```js
 * const q = tf.quantization.quantizeInt8(tf.tensor1d([0, 0.5, -1, 100]), 0.5, 0);
 * tf.quantization.dequantizeInt8(q).print(); // [0, 0.5, -1, 63.5]
 * ```
 */
export function quantizeInt8(x: Tensor, scale: number, zeroPoint: number): Int8Tensor {
  return quantizeOp(x, scale, zeroPoint);
}

const dequantizeOp = op('dequantizeInt8', (q: Int8Tensor): Tensor => {
  checkInt8Tensor('dequantizeInt8', q, 'q');
  const cols = q.shape[q.rank - 1];
  const rows = cols ? sizeOf(q.shape) / cols : 0;
  return runOp('dequantizeInt8', [q.packed], q.shape, 'float32', { rows, cols, scale: q.scale, zeroPoint: q.zeroPoint });
});

/**
 * The float32 values of an Int8Tensor: scale * (q - zeroPoint).
 * @example
 * ```js
 * const q = tf.quantization.quantizeInt8(tf.tensor2d([[1, 2], [3, 4]]), 0.25, -10);
 * tf.quantization.dequantizeInt8(q).print(); // [[1, 2], [3, 4]]
 * ```
 */
export function dequantizeInt8(q: Int8Tensor): Tensor {
  return dequantizeOp(q);
}

const matMulOp = op('int8MatMul', (a: Int8Tensor, w: PackedWeights, opts?: Int8OpOptions): Tensor | Int8Tensor => {
  const name = 'int8MatMul';
  checkInt8Tensor(name, a, 'a');
  const N = checkPackedWeights(name, w, 'dense');
  const K = a.shape[a.rank - 1];
  if (K !== w.shape[0]) throw new Error(`${name}: inner dimensions of a ${fmtShape(a.shape)} and weights ${fmtShape(w.shape)} must match`);
  const { epi, extra } = epilogueOf(name, a, N, opts);
  const M = sizeOf(a.shape.slice(0, -1));
  return runInt8('int8MatMul', [a.packed, w.packed, w.scales, ...extra], [...a.shape.slice(0, -1), N], epi, { M, N, K });
});

/**
 * int8 a [..., K] times dense int8 weights (kernel [K, N], packed per output channel): the int32
 * dot products, scaled to real values, plus bias, then the activation; float32 [..., N], or an
 * Int8Tensor when `opts.output` gives its scale and zero point.
 * @example
 * ```js
 * const a = tf.quantization.quantizeInt8(tf.tensor2d([[1, 2, 3]]), 0.05, 0);
 * const w = tf.quantization.packWeightsPerChannel(tf.tensor2d([[1, 0], [0, 1], [1, 1]]), 'dense');
 * tf.quantization.int8MatMul(a, w).print(); // [[4, 5]]
 * ```
 */
export function int8MatMul(a: Int8Tensor, w: PackedWeights, opts: Int8OpOptions & { output: QuantParams }): Int8Tensor;
export function int8MatMul(a: Int8Tensor, w: PackedWeights, opts?: Int8OpOptions): Tensor;
export function int8MatMul(a: Int8Tensor, w: PackedWeights, opts?: Int8OpOptions): Tensor | Int8Tensor {
  return matMulOp(a, w, opts);
}

type Pad = 'valid' | 'same' | number;

/** Validated geometry of an int8 conv over x (rank 4 NHWC) and weights of shape [fh, fw, inC, outC]. */
function int8ConvGeometry(name: string, x: Int8Tensor, w: PackedWeights, outC: number, strides: Pair, pad: Pad, dilations: Pair | undefined) {
  if (x.rank !== 4) throw new Error(`${name}: x must be rank 4 [batch, height, width, channels], got shape ${fmtShape(x.shape)}`);
  const what = `x ${fmtShape(x.shape)}, weights ${fmtShape(w.shape)}`;
  if (x.shape[3] !== w.shape[2]) throw new Error(`${name}: input has ${x.shape[3]} channels but weights shape ${fmtShape(w.shape)} expects ${w.shape[2]} (${what})`);
  return convGeometry({ op: name, xShape: x.shape, filterH: w.shape[0], filterW: w.shape[1], outC, strides, dilations, pad, what });
}

/**
 * The int8 convolution op of one kernel: validation, geometry and the epilogue are the same for both.
 * Marked side-effect free like op(), so an app's bundler drops these ops when it never calls them.
 */
/* @__NO_SIDE_EFFECTS__ */ function int8ConvOp(name: 'int8Conv2d' | 'int8DepthwiseConv2d', kind: 'conv2d' | 'depthwise') {
  return op(name, (x: Int8Tensor, w: PackedWeights, strides: Pair, pad: Pad, dilations?: Pair, opts?: Int8OpOptions) => {
    checkInt8Tensor(name, x, 'x');
    const outC = checkPackedWeights(name, w, kind);
    const g = int8ConvGeometry(name, x, w, outC, strides, pad, dilations);
    const { epi, extra } = epilogueOf(name, x, outC, opts);
    const { padBottom: _b, padRight: _r, ...geometry } = g;
    return runInt8(name, [x.packed, w.packed, w.scales, ...extra], [g.batch, g.outH, g.outW, outC], epi, geometry);
  });
}

const conv2dOp = int8ConvOp('int8Conv2d', 'conv2d');

/**
 * 2-D convolution of int8 x [batch, h, w, inC] (NHWC) with int8 conv2d weights (filter
 * [fh, fw, inC, outC], packed per output channel); strides, pad and dilations as tf.conv2d.
 * float32 [batch, outH, outW, outC], or an Int8Tensor when `opts.output` is given.
 * @example
 * ```js
 * const x = tf.quantization.quantizeInt8(tf.ones([1, 3, 3, 2]), 0.1, 0);
 * const w = tf.quantization.packWeightsPerChannel(tf.ones([2, 2, 2, 1]), 'conv2d');
 * tf.quantization.int8Conv2d(x, w, 1, 'valid').shape; // [1, 2, 2, 1]
 * ```
 */
export function int8Conv2d(
  x: Int8Tensor, w: PackedWeights, strides: Pair, pad: Pad, dilations: Pair | undefined, opts: Int8OpOptions & { output: QuantParams },
): Int8Tensor;
export function int8Conv2d(x: Int8Tensor, w: PackedWeights, strides: Pair, pad: Pad, dilations?: Pair, opts?: Int8OpOptions): Tensor;
export function int8Conv2d(x: Int8Tensor, w: PackedWeights, strides: Pair, pad: Pad, dilations?: Pair, opts?: Int8OpOptions): Tensor | Int8Tensor {
  return conv2dOp(x, w, strides, pad, dilations, opts);
}

const depthwiseOp = int8ConvOp('int8DepthwiseConv2d', 'depthwise');

/**
 * Depthwise 2-D convolution (channel multiplier 1) of int8 x [batch, h, w, C] with int8 depthwise
 * weights (filter [fh, fw, C, 1], packed per channel); strides, pad and dilations as
 * tf.depthwiseConv2d. float32 [batch, outH, outW, C], or an Int8Tensor when `opts.output` is given.
 * @example
 * ```js
 * const x = tf.quantization.quantizeInt8(tf.ones([1, 4, 4, 3]), 0.1, 0);
 * const w = tf.quantization.packWeightsPerChannel(tf.ones([3, 3, 3, 1]), 'depthwise');
 * tf.quantization.int8DepthwiseConv2d(x, w, 1, 'same').shape; // [1, 4, 4, 3]
 * ```
 */
export function int8DepthwiseConv2d(
  x: Int8Tensor, w: PackedWeights, strides: Pair, pad: Pad, dilations: Pair | undefined, opts: Int8OpOptions & { output: QuantParams },
): Int8Tensor;
export function int8DepthwiseConv2d(x: Int8Tensor, w: PackedWeights, strides: Pair, pad: Pad, dilations?: Pair, opts?: Int8OpOptions): Tensor;
export function int8DepthwiseConv2d(x: Int8Tensor, w: PackedWeights, strides: Pair, pad: Pad, dilations?: Pair, opts?: Int8OpOptions): Tensor | Int8Tensor {
  return depthwiseOp(x, w, strides, pad, dilations, opts);
}
