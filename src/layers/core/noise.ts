/**
 * Regularization layers that act only in training (TF.js `layers.gaussianNoise`, `gaussianDropout`,
 * `alphaDropout`, `spatialDropout1d`), and `masking` (marks time steps whose features all equal
 * `maskValue`, zeroes them, and hands the mask to the next layers). The random draws are constants for
 * the gradient, as in TF.js; outside training each layer returns its input.
 */
import type { Tensor } from '../../tensor.js';
import { ENGINE } from '../../engine.js';
import { randomNormal, randomUniform } from '../../ops/creation.js';
import { add, greaterEqual, mul, notEqual } from '../../ops/binary.js';
import { cast } from '../../ops/unary.js';
import { any } from '../../ops/reduce.js';
import { reshape } from '../../ops/layout.js';
import { Layer, type Kwargs, type LayerArgs } from '../layer.js';
import { Dropout, type DropoutArgs } from './dropout.js';
import { composite } from '../recurrent/rnn_util.js';

const first = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);
const view = (x: Tensor) => reshape(x, x.shape);
function rateOf(layer: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`${layer}: rate must be a number in [0, 1), got ${JSON.stringify(v)}`);
  return v;
}

export interface GaussianNoiseArgs extends LayerArgs {
  stddev: number;
}
/** Adds N(0, stddev^2) noise in training. */
export class GaussianNoise extends Layer {
  static override className = 'GaussianNoise';
  readonly stddev: number;
  constructor(args: GaussianNoiseArgs) {
    super(args);
    if (!args || typeof args.stddev !== 'number' || !(args.stddev >= 0)) throw new Error(`gaussianNoise: stddev must be a non-negative number, got ${JSON.stringify(args?.stddev)}`);
    this.stddev = args.stddev;
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = first(inputs);
    if (!kwargs.training) return view(x);
    return composite(() => add(x, ENGINE.noGrad(() => randomNormal(x.shape, 0, this.stddev))));
  }
  override getConfig() {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}

export interface GaussianDropoutArgs extends LayerArgs {
  rate: number;
}
/** Multiplies by N(1, rate / (1 - rate)) noise in training. */
export class GaussianDropout extends Layer {
  static override className = 'GaussianDropout';
  readonly rate: number;
  constructor(args: GaussianDropoutArgs) {
    super(args);
    this.rate = rateOf('gaussianDropout', args?.rate);
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = first(inputs);
    if (!kwargs.training || this.rate === 0) return view(x);
    return composite(() => mul(x, ENGINE.noGrad(() => randomNormal(x.shape, 1, Math.sqrt(this.rate / (1 - this.rate))))));
  }
  override getConfig() {
    return { ...super.getConfig(), rate: this.rate };
  }
}

export interface AlphaDropoutArgs extends LayerArgs {
  rate: number;
  noiseShape?: number[];
}
/** SELU-preserving dropout: dropped units take SELU's negative saturation, then an affine fix keeps mean and variance. */
export class AlphaDropout extends Layer {
  static override className = 'AlphaDropout';
  readonly rate: number;
  readonly noiseShape?: number[];
  constructor(args: AlphaDropoutArgs) {
    super(args);
    this.rate = rateOf('alphaDropout', args?.rate);
    this.noiseShape = args.noiseShape;
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = first(inputs);
    if (!kwargs.training || this.rate === 0) return view(x);
    const rate = this.rate;
    // SELU's constants: alphaP is SELU's limit for x -> -inf
    const alphaP = -1.6732632423543772 * 1.0507009873554805;
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    return composite(() => {
      const kept = ENGINE.noGrad(() => cast(greaterEqual(randomUniform(this.noiseShape ?? x.shape), rate), 'float32'));
      return add(mul(add(mul(x, kept), mul(add(kept, -1), -alphaP)), a), b);
    });
  }
  override getConfig() {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape ?? null };
  }
}

/** Dropout of whole channels of a [batch, time, channels] input (one draw per batch entry and channel). */
export class SpatialDropout1D extends Dropout {
  static override className = 'SpatialDropout1D';
  constructor(args: DropoutArgs) {
    super({ ...args, noiseShape: null });
  }
  protected override resolvedNoiseShape(x: Tensor): number[] {
    if (x.rank !== 3) throw new Error(`${this.name}: spatialDropout1d expects a rank-3 input [batch, time, channels], got shape [${x.shape}]`);
    return [x.shape[0], 1, x.shape[2]];
  }
}

export interface MaskingArgs extends LayerArgs {
  maskValue?: number;
}
/** Masks time steps whose features all equal maskValue (zeroing them), for the recurrent layers downstream. */
export class Masking extends Layer {
  static override className = 'Masking';
  readonly maskValue: number;
  constructor(args: MaskingArgs = {}) {
    super(args);
    this.maskValue = args.maskValue ?? 0;
    this.supportsMasking = true;
  }
  override computeMask(inputs: Tensor | Tensor[]): Tensor {
    return composite(() => any(notEqual(first(inputs), this.maskValue), -1));
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    return composite(() => mul(x, cast(any(notEqual(x, this.maskValue), -1, true), x.dtype)));
  }
  override getConfig() {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}

/**
 * Adds zero-mean Gaussian noise with standard deviation `stddev` while training.
 * @example
 * ```js
 * const noisy = tf.layers.gaussianNoise({ stddev: 0.1 }).apply(tf.ones([2, 3]));
 * ```
 */
export const gaussianNoise = (args: GaussianNoiseArgs) => new GaussianNoise(args);
/**
 * Multiplies inputs by Gaussian noise of mean 1 while training.
 * @example
 * ```js
 * const y = tf.layers.gaussianDropout({ rate: 0.2 }).apply(tf.ones([2, 3]));
 * ```
 */
export const gaussianDropout = (args: GaussianDropoutArgs) => new GaussianDropout(args);
/**
 * Dropout that keeps the mean and variance of SELU activations while training.
 * @example
 * ```js
 * const y = tf.layers.alphaDropout({ rate: 0.2 }).apply(tf.ones([2, 3]));
 * ```
 */
export const alphaDropout = (args: AlphaDropoutArgs) => new AlphaDropout(args);
/**
 * Drops whole channels of [batch, steps, channels] inputs while training.
 * @example
 * ```js
 * const y = tf.layers.spatialDropout1d({ rate: 0.2 }).apply(tf.ones([1, 5, 3]));
 * ```
 */
export const spatialDropout1d = (args: DropoutArgs) => new SpatialDropout1D(args);
/**
 * Masks the time steps whose features all equal `maskValue`, so later RNN layers skip them.
 * @example
 * ```js
 * tf.layers.masking({ maskValue: 0 }).apply(tf.ones([1, 5, 3])).shape; // [1, 5, 3]
 * ```
 */
export const masking = (args?: MaskingArgs) => new Masking(args);
