/**
 * Dot (TF.js `layers.dot({axes, normalize})`): the batched dot product of two inputs along one axis of
 * each (Keras batchDot), e.g. [b, n]·[b, n] -> [b, 1] or attention scores [b, m, d]·[b, k, d] ->
 * [b, m, k] with axes [2, 2]. With `normalize`, both inputs are L2-normalised along their axes first
 * (cosine similarity).
 */
import type { Tensor } from '../tensor.js';
import { div, maximum, mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { sqrt } from '../ops/unary.js';
import { expandDims, reshape, squeeze } from '../ops/layout.js';
import { matMul } from '../ops/matmul.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from './layer.js';
import { composite } from './recurrent/rnn_util.js';

export interface DotLayerArgs extends LayerArgs {
  axes: number | [number, number];
  normalize?: boolean;
}

function l2Normalize(x: Tensor, axis: number): Tensor {
  return div(x, sqrt(maximum(sum(mul(x, x), axis, true), 1e-12)));
}

export class Dot extends Layer {
  static override className = 'Dot';
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(args: DotLayerArgs) {
    super(args);
    const ok = (a: unknown) => Number.isInteger(a);
    if (!args || !(ok(args.axes) || (Array.isArray(args.axes) && args.axes.length === 2 && args.axes.every(ok)))) {
      throw new Error(`dot: axes must be an integer or a pair of integers, got ${JSON.stringify(args?.axes)}`);
    }
    this.axes = args.axes;
    this.normalize = args.normalize ?? false;
    this.supportsMasking = true;
  }

  /** The contraction axes, made non-negative, after checking ranks and dims. */
  private resolve(a: Shape, b: Shape): [number, number] {
    if (a.length < 2 || a.length > 3 || b.length < 2 || b.length > 3) {
      throw new Error(`${this.name}: dot supports inputs of rank 2 or 3, got shapes [${a.map((d) => d ?? -1)}] and [${b.map((d) => d ?? -1)}]`);
    }
    const ax = Array.isArray(this.axes) ? this.axes : [this.axes, this.axes];
    const r: [number, number] = [ax[0] < 0 ? ax[0] + a.length : ax[0], ax[1] < 0 ? ax[1] + b.length : ax[1]];
    if (r[0] < 1 || r[0] >= a.length || r[1] < 1 || r[1] >= b.length) throw new Error(`${this.name}: axes ${JSON.stringify(this.axes)} are out of range (or the batch axis) for shapes [${a}] and [${b}]`);
    const da = a[r[0]], db = b[r[1]];
    if (da !== null && db !== null && da !== db) {
      throw new Error(`Dimension incompatibility: ${da} !== ${db} (shapes [${a.map((d) => d ?? -1)}] and [${b.map((d) => d ?? -1)}], axes ${JSON.stringify(r)})`);
    }
    return r;
  }

  private pair(s: Shape | Shape[]): [Shape, Shape] {
    if (!(s.length === 2 && Array.isArray(s[0]) && Array.isArray(s[1]))) throw new Error(`${this.name}: a Dot layer should be called on a list of exactly 2 inputs`);
    return s as [Shape, Shape];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [a, b] = this.pair(inputShape);
    const [ia, ib] = this.resolve(a, b);
    const out = [a[0], ...a.filter((_, i) => i !== 0 && i !== ia), ...b.filter((_, i) => i !== 0 && i !== ib)];
    return out.length === 1 ? [a[0], 1] : out;
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error(`${this.name}: a Dot layer should be called on a list of exactly 2 inputs`);
    const [ia, ib] = this.resolve(inputs[0].shape, inputs[1].shape);
    return composite(() => {
      let a = inputs[0], b = inputs[1];
      if (this.normalize) {
        a = l2Normalize(a, ia);
        b = l2Normalize(b, ib);
      }
      const batch = a.shape[0];
      // as [batch, m, c] · [batch, c, k]; a contraction over the other axis is matMul's transpose flag (no copy)
      const a3 = a.rank === 2 ? expandDims(a, 1) : a;
      const b3 = b.rank === 2 ? expandDims(b, 2) : b;
      let y = matMul(a3, b3, a.rank === 3 && ia === 1, b.rank === 3 && ib === 2);
      if (a.rank === 2) y = squeeze(y, [1]);
      if (b.rank === 2) y = squeeze(y, [y.rank - 1]);
      return y.rank === 1 ? reshape(y, [batch, 1]) : y;
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axes: this.axes, normalize: this.normalize };
  }
}

/**
 * The dot product of two inputs along `axes`.
 * @example
 * ```js
 * tf.layers.dot({ axes: 1 }).apply([tf.ones([2, 3]), tf.ones([2, 3])]).print(); // [[3], [3]]
 * ```
 */
export const dot = (args: DotLayerArgs) => new Dot(args);
