/**
 * Dropout: during training, zeroes each element with probability `rate` and scales the rest by
 * 1 / (1 - rate) (inverted dropout), so inference is the identity. `noiseShape` shares one
 * draw along its size-1 dims (null dims take the input's size); `seed` makes the sequence of
 * masks reproducible (the n-th call draws from seed + n).
 */
import type { Tensor } from '../../tensor.js';
import { ENGINE } from '../../engine.js';
import { randomUniform, tensor } from '../../ops/creation.js';
import { uniformDraws } from '../../ops/alea.js';
import { mul, sub } from '../../ops/binary.js';
import { step } from '../../ops/unary.js';
import { reshape } from '../../ops/layout.js';
import { Layer, type Kwargs, type LayerArgs } from '../layer.js';
import { showShape } from '../conv/conv_utils.js';

export interface DropoutArgs extends LayerArgs {
  rate: number;
  noiseShape?: (number | null)[] | null;
  seed?: number | null;
}

export class Dropout extends Layer {
  static override className = 'Dropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  private calls = 0;

  constructor(args: DropoutArgs) {
    super(args);
    if (!args || typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`dropout: rate must be a number in [0, 1), got ${JSON.stringify(args?.rate)}`);
    }
    this.rate = args.rate;
    this.noiseShape = args.noiseShape ?? null;
    this.seed = args.seed ?? null;
    this.supportsMasking = true;
  }

  protected resolvedNoiseShape(x: Tensor): number[] {
    if (!this.noiseShape) return x.shape;
    const ns = this.noiseShape;
    const ok = ns.length === x.rank && ns.every((d, i) => d === null || d === 1 || d === x.shape[i]);
    if (!ok) throw new Error(`${this.name}: noiseShape ${showShape(ns)} does not broadcast to the input shape ${showShape(x.shape)}`);
    return ns.map((d, i) => d ?? x.shape[i]);
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    // Identity: a view, so disposing the output never disposes the caller's input.
    if (!kwargs.training || this.rate === 0) return reshape(x, x.shape);
    const shape = this.resolvedNoiseShape(x);
    const seed = this.seed === null ? undefined : this.seed + this.calls;
    this.calls++;
    // keep = 1 where u >= rate; the mask is a constant for the gradient.
    const mask = ENGINE.noGrad(() => {
      const u = this.uniform(shape, seed);
      const keep = step(sub(u, this.rate));
      u.dispose();
      const scaled = mul(keep, 1 / (1 - this.rate));
      keep.dispose();
      return scaled;
    });
    const y = mul(x, mask);
    if (!ENGINE.recording) mask.dispose();
    return y;
  }

  /**
   * The uniform draws of this call. In a recorded training step they are fed afresh at each replay
   * (with the call count advanced as an eager call would, so a seeded layer draws the same sequence).
   */
  private uniform(shape: number[], seed: number | undefined): Tensor {
    const tracer = ENGINE.tracer;
    if (!tracer) return randomUniform(shape, 0, 1, 'float32', seed);
    const n = shape.reduce((a, b) => a * b, 1);
    const u = tensor(uniformDraws(n, seed), shape, 'float32');
    let replaySeed: number | undefined;
    tracer.hostEffect(() => {
      replaySeed = this.seed === null ? undefined : this.seed + this.calls;
      this.calls++;
    });
    tracer.liveValues(u.record, () => uniformDraws(n, replaySeed));
    return u;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
  }
}
/**
 * Randomly zeroes a `rate` fraction of inputs while training (scaling the rest); the identity at inference.
 * @example
 * ```js
 * const y = tf.layers.dropout({ rate: 0.5 }).apply(tf.ones([2, 4]));
 * ```
 */
export const dropout = (args: DropoutArgs) => new Dropout(args);
