/**
 * Keras's `Normalization` preprocessing layer as `layers.normalization`: (x - mean) / sqrt(var)
 * per feature of the kept `axis` (the last by default; null for one scalar). The mean and
 * variance are given, or learned by `await layer.adapt(data)` (float64 sums over every other
 * axis, all batches of a Dataset together) into non-trainable weights that save with the model.
 * `invert: true` maps normalized values back.
 */
import type { Tensor } from '../../tensor.js';
import { add, div, maximum, mul, sub } from '../../ops/binary.js';
import { reshape } from '../../ops/layout.js';
import { cast, sqrt } from '../../ops/unary.js';
import { tensor } from '../../ops/creation.js';
import type { Variable } from '../../variable.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { composite } from '../recurrent/rnn_util.js';
import type { AdaptInput } from '../preprocessing_text/adapt_data.js';

/** Keras's backend epsilon, the floor of the standard deviation. */
const EPSILON = 1e-7;

export interface NormalizationArgs extends LayerArgs {
  /** The axis (or axes) that keep separate statistics; null for one mean and variance overall. */
  axis?: number | number[] | null;
  mean?: number | number[] | null;
  variance?: number | number[] | null;
  invert?: boolean;
}

/**
 * Feature-wise normalization with statistics from adapt or the config.
 *
 * ```js
 * const norm = tf.layers.normalization({axis: null});
 * await norm.adapt(tf.tensor([1, 2, 3, 4, 5]));
 * norm.apply(tf.tensor([1, 2, 3])).print(); // [-1.4142135, -0.7071068, 0]
 * ```
 */
export class Normalization extends Layer {
  static override className = 'Normalization';
  readonly axis: number[];
  readonly invert: boolean;
  private readonly givenMean: number[] | null;
  private readonly givenVariance: number[] | null;
  private keptAxes: number[] = [];
  private statShape: number[] = [];
  private broadcastShape: number[] = [];
  meanVariable?: Variable;
  varianceVariable?: Variable;
  countVariable?: Variable;

  constructor(args: NormalizationArgs = {}) {
    super(args);
    const op = 'normalization';
    const axis = args.axis === undefined ? -1 : args.axis;
    this.axis = axis === null ? [] : Array.isArray(axis) ? axis.slice() : [axis];
    if (!this.axis.every(Number.isInteger)) throw new Error(`${op}: axis must be an integer, a list of integers or null, got ${JSON.stringify(args.axis)}`);
    this.invert = args.invert ?? false;
    const m = args.mean ?? null;
    const v = args.variance ?? null;
    if ((m === null) !== (v === null)) throw new Error(`${op}: give both mean and variance, or neither (got ${m === null ? 'variance' : 'mean'} only)`);
    this.givenMean = m === null ? null : Array.isArray(m) ? m.slice() : [m];
    this.givenVariance = v === null ? null : Array.isArray(v) ? v.slice() : [v];
    for (const x of [...(this.givenMean ?? []), ...(this.givenVariance ?? [])])
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${op}: mean and variance must be finite numbers, got ${x}`);
    if (this.givenVariance?.some((x) => x < 0)) throw new Error(`${op}: variance must be >= 0, got [${this.givenVariance}]`);
  }

  private resolve(shape: Shape): void {
    const rank = shape.length;
    const kept = this.axis.map((a) => (a < 0 ? a + rank : a));
    kept.forEach((a, i) => {
      if (a < 0 || a >= rank) throw new Error(`${this.name}: normalization axis ${this.axis[i]} is out of range for input of rank ${rank} (shape [${shape}])`);
      if (shape[a] === null) throw new Error(`${this.name}: normalization needs a known size on axis ${this.axis[i]}, got shape [${shape}]`);
    });
    this.keptAxes = [...new Set(kept)].sort((a, b) => a - b);
    this.statShape = this.keptAxes.map((a) => shape[a] as number);
    this.broadcastShape = shape.map((d, i) => (this.keptAxes.includes(i) ? (d as number) : 1));
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    this.resolve(s);
    if (!this.givenMean) {
      this.meanVariable = this.addWeight('mean', this.statShape, 'float32', 'zeros', null, false);
      this.varianceVariable = this.addWeight('variance', this.statShape, 'float32', 'ones', null, false);
      this.countVariable = this.addWeight('count', [], 'float32', 'zeros', null, false);
    } else {
      const size = this.statShape.reduce((a, b) => a * b, 1);
      for (const [name, list] of [['mean', this.givenMean], ['variance', this.givenVariance!]] as const)
        if (list.length !== 1 && list.length !== size)
          throw new Error(`${this.name}: normalization ${name} has ${list.length} values; the kept axes [${this.axis}] of shape [${s}] need 1 or ${size}`);
    }
    this.built = true;
  }

  /**
   * Computes the mean and variance of data over every axis but the kept ones.
   *
   * ```js
   * await norm.adapt(tf.tensor([[0, 7, 4], [2, 9, 6], [0, 7, 4], [2, 9, 6]]));
   * ```
   */
  async adapt(data: AdaptInput): Promise<void> {
    if (this.givenMean) throw new Error(`${this.name}: cannot adapt a normalization layer that was given a mean and variance`);
    // the moments load with the async parts (src/async_parts.ts: adapt_stats.ts)
    const { mean, variance, count } = await (await import('../../async_parts.js')).adaptMoments(this.name, data, (shape) => {
      if (!this.built) this.build(shape);
      else this.resolve(shape);
      return { keptAxes: this.keptAxes, statShape: this.statShape };
    });
    this.meanVariable!.assign(tensor(mean, this.statShape, 'float32'));
    this.varianceVariable!.assign(tensor(variance, this.statShape, 'float32'));
    this.countVariable!.assign(tensor(count, [], 'float32'));
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank !== this.broadcastShape.length || this.keptAxes.some((a) => x.shape[a] !== this.broadcastShape[a]))
      this.resolve(x.shape);
    return composite(() => {
      const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
      const stat = (given: number[] | null, v: Variable | undefined) =>
        given ? (given.length === 1 ? tensor(given[0]) : tensor(given, this.broadcastShape, 'float32')) : reshape(v!, this.broadcastShape);
      const mean = stat(this.givenMean, this.meanVariable);
      const std = maximum(sqrt(stat(this.givenVariance, this.varianceVariable)), EPSILON);
      return this.invert ? add(mean, mul(xf, std)) : div(sub(xf, mean), std);
    });
  }

  override getConfig(): Record<string, unknown> {
    const axis = this.axis.length === 0 ? null : this.axis.length === 1 ? this.axis[0] : this.axis.slice();
    return { ...super.getConfig(), axis, mean: this.givenMean, variance: this.givenVariance, invert: this.invert };
  }
}

/**
 * Factory for Normalization (see the class).
 * @example
 * ```js
 * const norm = tf.layers.normalization({ mean: 2, variance: 4 });
 * norm.apply(tf.tensor2d([[0], [4]])).print(); // [[-1], [1]]
 * ```
 */
export const normalization = (args?: NormalizationArgs) => new Normalization(args);
