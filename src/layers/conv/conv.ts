/**
 * Convolution layers with TF.js configs and weight layouts: conv1d (kernel [k, inC, filters]),
 * conv2d (kernel [kh, kw, inC, filters]) and conv2dTranspose (kernel [kh, kw, filters, inC]),
 * each with an optional bias [filters]. Conv1d/conv2d run `fused.conv2d` so the bias and the
 * activation go into the kernel's epilogue when the activation allows it. The shared base class
 * (also used by the depthwise/separable layers) handles kernelSize/strides/padding/dataFormat/
 * dilationRate, output shapes and input checks.
 */
import type { Tensor } from '../../tensor.js';
import { add } from '../../ops/binary.js';
import { pad as padOp, reshape, transpose } from '../../ops/layout.js';
import { conv2dTranspose as conv2dTransposeOp } from '../../ops/conv.js';
import * as fused from '../../ops/fused.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { canonicalActivation, fusedActivationCode, getActivation, type ActivationIdentifier } from '../activations.js';
import { serializeInitializer, serializeRegularizer } from '../serialization.js';
import type { Variable } from '../../variable.js';
import {
  checkDataFormat, checkPadding, convOutputLength, deconvLength, normalizeTuple, showShape, singleShape,
  type DataFormat, type PaddingMode,
} from './conv_utils.js';

export interface BaseConvArgs extends LayerArgs {
  kernelSize: number | number[];
  strides?: number | number[];
  padding?: PaddingMode;
  dataFormat?: DataFormat;
  dilationRate?: number | number[];
  activation?: ActivationIdentifier;
  useBias?: boolean;
  biasInitializer?: InitializerSpec;
  biasRegularizer?: RegularizerSpec;
  activityRegularizer?: RegularizerSpec;
}

export interface ConvLayerArgs extends BaseConvArgs {
  filters: number;
  kernelInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec;
}

/** Shared options and shape logic of every convolution layer (rank = number of spatial dims). */
export abstract class BaseConv extends Layer {
  readonly rank: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: PaddingMode;
  readonly dataFormat: DataFormat;
  readonly dilationRate: number[];
  readonly activation: string;
  readonly useBias: boolean;
  protected biasInitializer: Initializer;
  protected biasRegularizer?: Regularizer;
  bias?: Variable;

  constructor(rank: number, args: BaseConvArgs, allowCausal = false) {
    super(args);
    const op = toSnakeOp(new.target.className);
    if (!args) throw new Error(`${op}: a config object is required`);
    this.rank = rank;
    this.kernelSize = normalizeTuple(op, 'kernelSize', args.kernelSize, rank);
    this.strides = normalizeTuple(op, 'strides', args.strides, rank, 1);
    this.padding = checkPadding(op, args.padding, allowCausal);
    this.dataFormat = checkDataFormat(op, args.dataFormat);
    this.dilationRate = normalizeTuple(op, 'dilationRate', args.dilationRate, rank, 1);
    this.activation = canonicalActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.biasRegularizer = args.biasRegularizer ? getRegularizer(args.biasRegularizer) : undefined;
  }

  /** The input's channel count, checking the rank (batch + spatial + channels). */
  protected inputChannels(s: readonly (number | null)[]): number {
    if (s.length !== this.rank + 2) {
      const dims = ['width', 'height, width', 'depth, height, width'][this.rank - 1];
      const layout = this.dataFormat === 'channelsLast' ? `[batch, ${dims}, channels]` : `[batch, channels, ${dims}]`;
      throw new Error(`${this.name}: expected input of rank ${this.rank + 2} ${layout}, got shape ${showShape(s)}`);
    }
    const c = this.dataFormat === 'channelsLast' ? s[s.length - 1] : s[1];
    if (c === null || c === undefined) throw new Error(`${this.name}: the channel dimension of the input must be known, got shape ${showShape(s)}`);
    return c;
  }

  /** Check a concrete input against the channel count the weights were built for. */
  protected checkInput(x: Tensor, expectedChannels: number): void {
    const c = this.inputChannels(x.shape);
    if (c !== expectedChannels) {
      throw new Error(`${this.name}: the layer was built for ${expectedChannels} input channels, got input shape ${showShape(x.shape)} (${c} channels, dataFormat ${this.dataFormat})`);
    }
  }

  protected spatialDims(s: Shape): (number | null)[] {
    return this.dataFormat === 'channelsLast' ? s.slice(1, 1 + this.rank) : s.slice(2, 2 + this.rank);
  }

  protected withChannels(batch: number | null, spatial: (number | null)[], channels: number): Shape {
    return this.dataFormat === 'channelsLast' ? [batch, ...spatial, channels] : [batch, channels, ...spatial];
  }

  /** Output shape of a plain convolution with `outChannels` channels. */
  protected convOutputShape(inputShape: Shape | Shape[], outChannels: number): Shape {
    const s = singleShape(this.name, inputShape);
    this.inputChannels(s);
    const spatial = this.spatialDims(s).map((d, i) =>
      convOutputLength(d, this.kernelSize[i], this.padding === 'causal' ? 'valid' : this.padding, this.strides[i], this.dilationRate[i]));
    if (this.padding === 'causal') spatial[0] = spatial[0] === null ? null : Math.floor((this.spatialDims(s)[0]! + this.strides[0] - 1) / this.strides[0]);
    for (const d of spatial) {
      if (d !== null && d < 1) throw new Error(`${this.name}: input shape ${showShape(s)} is too small for kernelSize ${JSON.stringify(this.kernelSize)} with padding '${this.padding}'`);
    }
    return this.withChannels(s[0], spatial, outChannels);
  }

  /** Bias add and activation outside a fused kernel (channel axis per dataFormat). */
  protected biasAndActivation(y: Tensor): Tensor {
    let out = y;
    if (this.bias) {
      const b = this.dataFormat === 'channelsLast' ? this.bias : reshape(this.bias, [this.bias.size, ...new Array(this.rank).fill(1)]);
      out = add(out, b);
    }
    return getActivation(this.activation)(out);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.useBias,
      biasInitializer: serializeInitializer(this.biasInitializer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
      activityRegularizer: null,
      biasConstraint: null,
    };
  }
}

/** 'Conv2D' -> 'conv2d' for messages before the layer has a name. */
function toSnakeOp(className: string): string {
  return className.charAt(0).toLowerCase() + className.slice(1).replace(/[123]D/, (m) => m.toLowerCase());
}

/** conv1d / conv2d (and conv3d in conv3d.ts): kernel + optional bias. */
export abstract class Conv extends BaseConv {
  readonly filters: number;
  protected kernelInitializer: Initializer;
  protected kernelRegularizer?: Regularizer;
  kernel?: Variable;

  constructor(rank: number, args: ConvLayerArgs, allowCausal = false) {
    super(rank, args, allowCausal);
    if (!Number.isInteger(args.filters) || args.filters < 1) {
      throw new Error(`${toSnakeOp(new.target.className)}: filters must be a positive integer, got ${JSON.stringify(args.filters)}`);
    }
    this.filters = args.filters;
    // TF.js's default for convolution kernels (Keras Python uses glorotUniform).
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotNormal');
    this.kernelRegularizer = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer) : undefined;
  }

  override build(inputShape: Shape | Shape[]): void {
    const inC = this.inputChannels(singleShape(this.name, inputShape));
    this.kernel = this.addWeight('kernel', [...this.kernelSize, inC, this.filters], 'float32', this.kernelInitializer, this.kernelRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer, this.biasRegularizer);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.convOutputShape(inputShape, this.filters);
  }

  /** fused.conv2d with this layer's bias and (when the kernel can) activation. */
  protected fusedConv2d(x: Tensor, filter: Tensor, strides: number[], dilations: number[], pad: 'valid' | 'same', fmt: 'NHWC' | 'NCHW'): Tensor {
    const code = fusedActivationCode(this.activation);
    const y = fused.conv2d({
      x, filter, strides: strides as [number, number], pad, dataFormat: fmt, dilations: dilations as [number, number],
      bias: this.bias ?? null, activation: (code === null ? 'linear' : this.activation) as fused.FusedActivation,
    });
    return code === null ? getActivation(this.activation)(y) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
      kernelConstraint: null,
    };
  }
}

export class Conv2D extends Conv {
  static override className = 'Conv2D';
  constructor(args: ConvLayerArgs) {
    super(2, args);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.checkInput(x, this.kernel!.shape[2]);
    const fmt = this.dataFormat === 'channelsLast' ? 'NHWC' : 'NCHW';
    return this.fusedConv2d(x, this.kernel!, this.strides, this.dilationRate, this.padding as 'valid' | 'same', fmt);
  }
}

export class Conv1D extends Conv {
  static override className = 'Conv1D';
  constructor(args: ConvLayerArgs) {
    super(1, args, true);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const inC = this.kernel!.shape[1];
    this.checkInput(x, inC);
    const [k] = this.kernelSize;
    const [d] = this.dilationRate;
    let xl = this.dataFormat === 'channelsFirst' ? transpose(x, [0, 2, 1]) : x;
    if (this.padding === 'causal') xl = padOp(xl, [[0, 0], [(k - 1) * d, 0], [0, 0]]);
    const [b, w] = xl.shape;
    const y4 = this.fusedConv2d(
      reshape(xl, [b, 1, w, inC]), reshape(this.kernel!, [1, k, inC, this.filters]),
      [1, this.strides[0]], [1, d], this.padding === 'same' ? 'same' : 'valid', 'NHWC',
    );
    const y = reshape(y4, [b, y4.shape[2], this.filters]);
    return this.dataFormat === 'channelsFirst' ? transpose(y, [0, 2, 1]) : y;
  }
}

/**
 * What conv2dTranspose and conv3dTranspose share: no dilation, a kernel laid out
 * [...kernelSize, filters, inChannels], and output lengths from deconvLength.
 */
export abstract class ConvTranspose extends Conv {
  constructor(rank: number, args: ConvLayerArgs) {
    super(rank, args);
    if (this.dilationRate.some((r) => r !== 1)) {
      throw new Error(`conv${rank}dTranspose: dilationRate other than 1 is not supported, got ${JSON.stringify(args.dilationRate)}`);
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const inC = this.inputChannels(singleShape(this.name, inputShape));
    this.kernel = this.addWeight('kernel', [...this.kernelSize, this.filters, inC], 'float32', this.kernelInitializer, this.kernelRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer, this.biasRegularizer);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    this.inputChannels(s);
    const spatial = this.spatialDims(s).map((d, i) => deconvLength(d, this.strides[i], this.kernelSize[i], this.padding));
    return this.withChannels(s[0], spatial, this.filters);
  }
}

export class Conv2DTranspose extends ConvTranspose {
  static override className = 'Conv2DTranspose';
  constructor(args: ConvLayerArgs) {
    super(2, args);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.checkInput(x, this.kernel!.shape[3]);
    const xh = this.dataFormat === 'channelsFirst' ? transpose(x, [0, 2, 3, 1]) : x;
    const [b, h, w] = xh.shape;
    const outShape = [b, deconvLength(h, this.strides[0], this.kernelSize[0], this.padding)!, deconvLength(w, this.strides[1], this.kernelSize[1], this.padding)!, this.filters];
    let y = conv2dTransposeOp(xh, this.kernel!, outShape, this.strides as [number, number], this.padding as 'valid' | 'same');
    if (this.bias) y = add(y, this.bias);
    y = getActivation(this.activation)(y);
    return this.dataFormat === 'channelsFirst' ? transpose(y, [0, 3, 1, 2]) : y;
  }
}

/**
 * 1-D convolution over [batch, steps, channels] inputs.
 * @example
 * ```js
 * tf.layers.conv1d({ filters: 8, kernelSize: 3 }).apply(tf.ones([1, 10, 2])).shape; // [1, 8, 8]
 * ```
 */
export const conv1d = (args: ConvLayerArgs) => new Conv1D(args);
/**
 * 2-D convolution over NHWC images (channelsLast by default).
 * @example
 * ```js
 * tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }).apply(tf.ones([1, 28, 28, 1])).shape; // [1, 28, 28, 8]
 * ```
 */
export const conv2d = (args: ConvLayerArgs) => new Conv2D(args);
/**
 * Transposed 2-D convolution (a learned upsampling).
 * @example
 * ```js
 * tf.layers.conv2dTranspose({ filters: 4, kernelSize: 2, strides: 2 }).apply(tf.ones([1, 8, 8, 3])).shape; // [1, 16, 16, 4]
 * ```
 */
export const conv2dTranspose = (args: ConvLayerArgs) => new Conv2DTranspose(args);
