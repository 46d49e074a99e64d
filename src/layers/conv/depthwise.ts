/**
 * Depthwise and separable 2-D convolution layers with TF.js configs and weights:
 * depthwiseConv2d ('depthwise_kernel' [kh, kw, inC, depthMultiplier], bias [inC * mult]) on
 * `fused.depthwiseConv2d`, and separableConv2d ('depthwise_kernel' [kh, kw, inC, mult],
 * 'pointwise_kernel' [1, 1, inC * mult, filters], bias [filters]) on the separableConv2d op.
 */
import type { Tensor } from '../../tensor.js';
import { separableConv2d as separableOp } from '../../ops/conv.js';
import * as fused from '../../ops/fused.js';
import type { Kwargs, Shape } from '../layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { fusedActivationCode, getActivation } from '../activations.js';
import { serializeInitializer, serializeRegularizer } from '../serialization.js';
import type { Variable } from '../../variable.js';
import { BaseConv, type BaseConvArgs } from './conv.js';
import { singleShape } from './conv_utils.js';

function checkMultiplier(op: string, m: unknown): number {
  const v = m ?? 1;
  if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${op}: depthMultiplier must be a positive integer, got ${JSON.stringify(m)}`);
  return v as number;
}

export interface DepthwiseConv2DArgs extends BaseConvArgs {
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerSpec;
  depthwiseRegularizer?: RegularizerSpec;
}

export class DepthwiseConv2D extends BaseConv {
  static override className = 'DepthwiseConv2D';
  readonly depthMultiplier: number;
  private depthwiseInitializer: Initializer;
  private depthwiseRegularizer?: Regularizer;
  depthwiseKernel?: Variable;

  constructor(args: DepthwiseConv2DArgs) {
    super(2, args);
    this.depthMultiplier = checkMultiplier('depthwiseConv2d', args.depthMultiplier);
    this.depthwiseInitializer = getInitializer(args.depthwiseInitializer ?? 'glorotNormal'); // TF.js default
    this.depthwiseRegularizer = args.depthwiseRegularizer ? getRegularizer(args.depthwiseRegularizer) : undefined;
  }

  override build(inputShape: Shape | Shape[]): void {
    const inC = this.inputChannels(singleShape(this.name, inputShape));
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, inC, this.depthMultiplier], 'float32', this.depthwiseInitializer, this.depthwiseRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [inC * this.depthMultiplier], 'float32', this.biasInitializer, this.biasRegularizer);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    return this.convOutputShape(s, this.inputChannels(s) * this.depthMultiplier);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.checkInput(x, this.depthwiseKernel!.shape[2]);
    const code = fusedActivationCode(this.activation);
    const y = fused.depthwiseConv2d({
      x, filter: this.depthwiseKernel!, strides: this.strides as [number, number], pad: this.padding as 'valid' | 'same',
      dataFormat: this.dataFormat === 'channelsLast' ? 'NHWC' : 'NCHW', dilations: this.dilationRate as [number, number],
      bias: this.bias ?? null, activation: (code === null ? 'linear' : this.activation) as fused.FusedActivation,
    });
    return code === null ? getActivation(this.activation)(y) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: serializeInitializer(this.depthwiseInitializer),
      depthwiseRegularizer: serializeRegularizer(this.depthwiseRegularizer),
      depthwiseConstraint: null,
    };
  }
}

export interface SeparableConv2DArgs extends BaseConvArgs {
  filters: number;
  depthMultiplier?: number;
  depthwiseInitializer?: InitializerSpec;
  pointwiseInitializer?: InitializerSpec;
  depthwiseRegularizer?: RegularizerSpec;
  pointwiseRegularizer?: RegularizerSpec;
}

export class SeparableConv2D extends BaseConv {
  static override className = 'SeparableConv2D';
  readonly filters: number;
  readonly depthMultiplier: number;
  private depthwiseInitializer: Initializer;
  private pointwiseInitializer: Initializer;
  private depthwiseRegularizer?: Regularizer;
  private pointwiseRegularizer?: Regularizer;
  depthwiseKernel?: Variable;
  pointwiseKernel?: Variable;

  constructor(args: SeparableConv2DArgs) {
    super(2, args);
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new Error(`separableConv2d: filters must be a positive integer, got ${JSON.stringify(args.filters)}`);
    this.filters = args.filters;
    this.depthMultiplier = checkMultiplier('separableConv2d', args.depthMultiplier);
    this.depthwiseInitializer = getInitializer(args.depthwiseInitializer ?? 'glorotUniform');
    this.pointwiseInitializer = getInitializer(args.pointwiseInitializer ?? 'glorotUniform');
    this.depthwiseRegularizer = args.depthwiseRegularizer ? getRegularizer(args.depthwiseRegularizer) : undefined;
    this.pointwiseRegularizer = args.pointwiseRegularizer ? getRegularizer(args.pointwiseRegularizer) : undefined;
  }

  override build(inputShape: Shape | Shape[]): void {
    const inC = this.inputChannels(singleShape(this.name, inputShape));
    const m = this.depthMultiplier;
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [...this.kernelSize, inC, m], 'float32', this.depthwiseInitializer, this.depthwiseRegularizer);
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, 1, inC * m, this.filters], 'float32', this.pointwiseInitializer, this.pointwiseRegularizer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer, this.biasRegularizer);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return this.convOutputShape(inputShape, this.filters);
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.checkInput(x, this.depthwiseKernel!.shape[2]);
    const y = separableOp(
      x, this.depthwiseKernel!, this.pointwiseKernel!, this.strides as [number, number], this.padding as 'valid' | 'same',
      this.dilationRate as [number, number], this.dataFormat === 'channelsLast' ? 'NHWC' : 'NCHW',
    );
    return this.biasAndActivation(y);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: serializeInitializer(this.depthwiseInitializer),
      pointwiseInitializer: serializeInitializer(this.pointwiseInitializer),
      depthwiseRegularizer: serializeRegularizer(this.depthwiseRegularizer),
      pointwiseRegularizer: serializeRegularizer(this.pointwiseRegularizer),
      depthwiseConstraint: null,
      pointwiseConstraint: null,
    };
  }
}

/**
 * Depthwise 2-D convolution: each input channel convolved with its own `depthMultiplier` filters.
 * @example
 * ```js
 * tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }).apply(tf.ones([1, 8, 8, 4])).shape; // [1, 8, 8, 4]
 * ```
 */
export const depthwiseConv2d = (args: DepthwiseConv2DArgs) => new DepthwiseConv2D(args);
/**
 * Depthwise convolution followed by a pointwise (1x1) convolution.
 * @example
 * ```js
 * tf.layers.separableConv2d({ filters: 6, kernelSize: 3, padding: 'same' }).apply(tf.ones([1, 8, 8, 4])).shape; // [1, 8, 8, 6]
 * ```
 */
export const separableConv2d = (args: SeparableConv2DArgs) => new SeparableConv2D(args);
