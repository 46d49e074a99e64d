/**
 * BatchNormalization with TF.js config and weights (gamma, beta trainable; moving_mean,
 * moving_variance non-trainable; that order). Training (kwargs.training): normalize with the
 * batch's mean and (biased) variance over every axis but `axis`, and move the moving
 * statistics toward them: moving -= (moving - batch) * (1 - momentum), outside the tape.
 * Inference: normalize with the moving statistics.
 */
import type { Tensor } from '../../tensor.js';
import { ENGINE } from '../../engine.js';
import { mul, sub } from '../../ops/binary.js';
import { reshape } from '../../ops/layout.js';
import { batchNorm, moments } from '../../ops/norm.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { serializeInitializer, serializeRegularizer } from '../serialization.js';
import type { Variable } from '../../variable.js';
import { showShape, singleShape } from '../conv/conv_utils.js';

export interface BatchNormalizationArgs extends LayerArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  movingMeanInitializer?: InitializerSpec;
  movingVarianceInitializer?: InitializerSpec;
  betaRegularizer?: RegularizerSpec;
  gammaRegularizer?: RegularizerSpec;
}

export class BatchNormalization extends Layer {
  static override className = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private betaInitializer: Initializer;
  private gammaInitializer: Initializer;
  private movingMeanInitializer: Initializer;
  private movingVarianceInitializer: Initializer;
  private betaRegularizer?: Regularizer;
  private gammaRegularizer?: Regularizer;
  gamma?: Variable;
  beta?: Variable;
  movingMean?: Variable;
  movingVariance?: Variable;
  /** The normalized axis for the rank the layer was built with. */
  private builtAxis = -1;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    const axis = Array.isArray(args.axis) && args.axis.length === 1 ? args.axis[0] : args.axis ?? -1;
    if (!Number.isInteger(axis)) throw new Error(`batchNormalization: axis must be an integer, got ${JSON.stringify(args.axis)}`);
    this.axis = axis;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`batchNormalization: momentum must be in [0, 1], got ${args.momentum}`);
    if (!(this.epsilon >= 0)) throw new Error(`batchNormalization: epsilon must be >= 0, got ${args.epsilon}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = getInitializer(args.betaInitializer ?? 'zeros');
    this.gammaInitializer = getInitializer(args.gammaInitializer ?? 'ones');
    this.movingMeanInitializer = getInitializer(args.movingMeanInitializer ?? 'zeros');
    this.movingVarianceInitializer = getInitializer(args.movingVarianceInitializer ?? 'ones');
    this.betaRegularizer = args.betaRegularizer ? getRegularizer(args.betaRegularizer) : undefined;
    this.gammaRegularizer = args.gammaRegularizer ? getRegularizer(args.gammaRegularizer) : undefined;
    this.supportsMasking = true;
  }

  private resolveAxis(s: readonly (number | null)[]): number {
    const a = this.axis < 0 ? this.axis + s.length : this.axis;
    if (a < 0 || a >= s.length) throw new Error(`${this.name}: axis ${this.axis} is out of range for input shape ${showShape(s)}`);
    return a;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = singleShape(this.name, inputShape);
    const a = this.resolveAxis(s);
    const dim = s[a];
    if (dim === null) throw new Error(`${this.name}: axis ${this.axis} of the input shape ${showShape(s)} must be known`);
    this.builtAxis = a;
    if (this.scale) this.gamma = this.addWeight('gamma', [dim], 'float32', this.gammaInitializer, this.gammaRegularizer);
    if (this.center) this.beta = this.addWeight('beta', [dim], 'float32', this.betaInitializer, this.betaRegularizer);
    this.movingMean = this.addWeight('moving_mean', [dim], 'float32', this.movingMeanInitializer, null, false);
    this.movingVariance = this.addWeight('moving_variance', [dim], 'float32', this.movingVarianceInitializer, null, false);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const a = this.resolveAxis(x.shape);
    const dim = this.movingMean!.size;
    if (a !== this.builtAxis || x.shape[a] !== dim) {
      throw new Error(`${this.name}: the layer was built for ${dim} features on axis ${this.builtAxis}, got input shape ${showShape(x.shape)}`);
    }
    // Per-feature params broadcast along `a`: [dim] when it is the last axis, else [dim, 1, ...].
    const last = a === x.rank - 1;
    const bshape = [dim, ...new Array(x.rank - 1 - a).fill(1)];
    const b = (t: Tensor | undefined) => (t === undefined ? undefined : last ? t : reshape(t, bshape));
    if (!kwargs.training) {
      return batchNorm(x, b(this.movingMean)!, b(this.movingVariance)!, b(this.beta), b(this.gamma), this.epsilon);
    }
    const axes = x.shape.map((_, i) => i).filter((i) => i !== a);
    const { mean, variance } = moments(x, axes);
    const y = batchNorm(x, b(mean)!, b(variance)!, b(this.beta), b(this.gamma), this.epsilon);
    ENGINE.noGrad(() => {
      this.moveToward(this.movingMean!, mean);
      this.moveToward(this.movingVariance!, variance);
    });
    return y;
  }

  /** moving -= (moving - value) * (1 - momentum), as TF.js; intermediates freed. */
  private moveToward(moving: Variable, value: Tensor): void {
    const diff = sub(moving, value);
    const delta = mul(diff, 1 - this.momentum);
    const next = sub(moving, delta);
    moving.assign(next);
    diff.dispose();
    delta.dispose();
    next.dispose();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(this.betaInitializer),
      gammaInitializer: serializeInitializer(this.gammaInitializer),
      movingMeanInitializer: serializeInitializer(this.movingMeanInitializer),
      movingVarianceInitializer: serializeInitializer(this.movingVarianceInitializer),
      betaRegularizer: serializeRegularizer(this.betaRegularizer),
      gammaRegularizer: serializeRegularizer(this.gammaRegularizer),
      betaConstraint: null,
      gammaConstraint: null,
    };
  }
}
/**
 * Normalizes activations with batch statistics while training and moving averages at inference.
 * @example
 * ```js
 * tf.layers.batchNormalization().apply(tf.randomNormal([4, 3])).shape; // [4, 3]
 * ```
 */
export const batchNormalization = (args: BatchNormalizationArgs = {}) => new BatchNormalization(args);
