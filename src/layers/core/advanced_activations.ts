/**
 * Activation layers with parameters (TF.js `layers.reLU`, `leakyReLU`, `prelu`, `elu`, `thresholdedReLU`,
 * `softmax`): TF.js configs, defaults and semantics. PReLU learns its `alpha` weight (shared along
 * `sharedAxes`); the others are fixed functions of the input.
 */
import type { Tensor } from '../../tensor.js';
import { greater, mul, prelu as preluOp, where } from '../../ops/binary.js';
import { cast, clipByValue, elu as eluOp, leakyRelu, relu } from '../../ops/unary.js';
import { softmax as softmaxOp } from '../../ops/softmax.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { serializeInitializer, serializeRegularizer } from '../serialization.js';
import type { LayerVariable } from '../layer_variable.js';
import { composite } from '../recurrent/rnn_util.js';

const first = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);
function finiteNumber(layer: string, what: string, v: unknown, dflt: number): number {
  const n = v == null ? dflt : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`${layer}: ${what} must be a finite number, got ${JSON.stringify(v)}`);
  return n;
}

export interface ReLULayerArgs extends LayerArgs {
  maxValue?: number | null;
}
export class ReLU extends Layer {
  static override className = 'ReLU';
  readonly maxValue: number | null;
  constructor(args: ReLULayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.maxValue = args.maxValue == null ? null : finiteNumber('reLU', 'maxValue', args.maxValue, 0);
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    return this.maxValue === null ? relu(x) : composite(() => clipByValue(relu(x), 0, this.maxValue!));
  }
  override getConfig() {
    return { ...super.getConfig(), maxValue: this.maxValue };
  }
}

export interface LeakyReLULayerArgs extends LayerArgs {
  alpha?: number;
}
export class LeakyReLU extends Layer {
  static override className = 'LeakyReLU';
  readonly alpha: number;
  constructor(args: LeakyReLULayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.alpha = finiteNumber('leakyReLU', 'alpha', args.alpha, 0.3);
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return leakyRelu(first(inputs), this.alpha);
  }
  override getConfig() {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

export interface ELULayerArgs extends LayerArgs {
  alpha?: number;
}
export class ELU extends Layer {
  static override className = 'ELU';
  readonly alpha: number;
  constructor(args: ELULayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.alpha = finiteNumber('elu', 'alpha', args.alpha, 1);
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    if (this.alpha === 1) return eluOp(x);
    return composite(() => where(greater(x, 0), x, mul(eluOp(x), this.alpha)));
  }
  override getConfig() {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

export interface ThresholdedReLULayerArgs extends LayerArgs {
  theta?: number;
}
export class ThresholdedReLU extends Layer {
  static override className = 'ThresholdedReLU';
  readonly theta: number;
  constructor(args: ThresholdedReLULayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.theta = finiteNumber('thresholdedReLU', 'theta', args.theta, 1);
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    return composite(() => mul(x, cast(greater(x, this.theta), 'float32')));
  }
  override getConfig() {
    return { ...super.getConfig(), theta: this.theta };
  }
}

export interface SoftmaxLayerArgs extends LayerArgs {
  axis?: number;
}
export class Softmax extends Layer {
  static override className = 'Softmax';
  readonly axis: number;
  constructor(args: SoftmaxLayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    // TF.js's default is axis 1 (the last axis of the usual [batch, classes] input)
    this.axis = args.axis ?? 1;
    if (!Number.isInteger(this.axis)) throw new Error(`softmax: axis must be an integer, got ${JSON.stringify(args.axis)}`);
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return softmaxOp(first(inputs), this.axis);
  }
  override getConfig() {
    return { ...super.getConfig(), axis: this.axis };
  }
}

export interface PReLULayerArgs extends LayerArgs {
  alphaInitializer?: InitializerSpec;
  alphaRegularizer?: RegularizerSpec | null;
  alphaConstraint?: unknown;
  sharedAxes?: number | number[] | null;
}
export class PReLU extends Layer {
  static override className = 'PReLU';
  readonly sharedAxes: number[] | null;
  private alphaInitializer: Initializer;
  private alphaRegularizer?: Regularizer;
  alpha?: LayerVariable;
  constructor(args: PReLULayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.alphaInitializer = getInitializer(args.alphaInitializer ?? 'zeros');
    this.alphaRegularizer = args.alphaRegularizer ? getRegularizer(args.alphaRegularizer) : undefined;
    if (args.alphaConstraint != null) throw new Error('prelu: alphaConstraint is not supported by tessera');
    this.sharedAxes = args.sharedAxes == null ? null : Array.isArray(args.sharedAxes) ? args.sharedAxes : [args.sharedAxes];
  }
  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const paramShape = s.slice(1);
    for (const a of this.sharedAxes ?? []) {
      if (!Number.isInteger(a) || a < 1 || a >= s.length) throw new Error(`prelu: sharedAxes entry ${a} is not a non-batch axis of an input of rank ${s.length}`);
      paramShape[a - 1] = 1;
    }
    if (paramShape.some((d) => d === null)) throw new Error(`prelu: the input's non-batch dims must be known (or shared), got [${s.map((d) => d ?? -1)}]`);
    this.alpha = this.addWeight('alpha', paramShape as number[], 'float32', this.alphaInitializer, this.alphaRegularizer);
    this.built = true;
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return preluOp(first(inputs), this.alpha!);
  }
  override getConfig() {
    return {
      ...super.getConfig(), alphaInitializer: serializeInitializer(this.alphaInitializer),
      alphaRegularizer: serializeRegularizer(this.alphaRegularizer), alphaConstraint: null, sharedAxes: this.sharedAxes,
    };
  }
}

/**
 * ReLU activation layer (optionally capped at `maxValue`).
 * @example
 * ```js
 * tf.layers.reLU().apply(tf.tensor([-1, 2])).print(); // [0, 2]
 * ```
 */
export const reLU = (args?: ReLULayerArgs) => new ReLU(args);
/**
 * Leaky ReLU layer: `x` for x > 0, `alpha * x` otherwise (alpha 0.3 by default).
 * @example
 * ```js
 * tf.layers.leakyReLU({ alpha: 0.1 }).apply(tf.tensor([-1, 2])).print(); // [-0.1, 2]
 * ```
 */
export const leakyReLU = (args?: LeakyReLULayerArgs) => new LeakyReLU(args);
/**
 * Exponential linear unit layer: `x` for x > 0, `alpha * (exp(x) - 1)` otherwise.
 * @example
 * ```js
 * tf.layers.elu().apply(tf.tensor([-1, 2])).print(); // [-0.632, 2]
 * ```
 */
export const elu = (args?: ELULayerArgs) => new ELU(args);
/**
 * Thresholded ReLU layer: `x` where x > theta (1 by default), else 0.
 * @example
 * ```js
 * tf.layers.thresholdedReLU().apply(tf.tensor([0.5, 2])).print(); // [0, 2]
 * ```
 */
export const thresholdedReLU = (args?: ThresholdedReLULayerArgs) => new ThresholdedReLU(args);
/**
 * Softmax activation layer over `axis` (the last by default).
 * @example
 * ```js
 * tf.layers.softmax().apply(tf.tensor2d([[1, 1]])).print(); // [[0.5, 0.5]]
 * ```
 */
export const softmax = (args?: SoftmaxLayerArgs) => new Softmax(args);
/**
 * Parametric ReLU: leaky ReLU with a learned `alpha` per unit.
 * @example
 * ```js
 * tf.layers.prelu().apply(tf.tensor2d([[-1, 2]])).print(); // [[0, 2]] (alpha starts at 0)
 * ```
 */
export const prelu = (args?: PReLULayerArgs) => new PReLU(args);
