/**
 * LayerNormalization with TF.js config and weights (gamma, beta over the normalized axes).
 * Normalizing over the last axis alone runs the fused `layerNorm` op; other axes use
 * moments over those axes.
 */
import type { Tensor } from '../../tensor.js';
import { add, mul, sub } from '../../ops/binary.js';
import { reshape } from '../../ops/layout.js';
import { layerNorm, moments } from '../../ops/norm.js';
import { rsqrt } from '../../ops/unary.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { serializeInitializer, serializeRegularizer } from '../serialization.js';
import type { Variable } from '../../variable.js';
import { showShape, singleShape } from '../conv/conv_utils.js';

export interface LayerNormalizationArgs extends LayerArgs {
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  betaRegularizer?: RegularizerSpec;
  gammaRegularizer?: RegularizerSpec;
}

export class LayerNormalization extends Layer {
  static override className = 'LayerNormalization';
  readonly axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private betaInitializer: Initializer;
  private gammaInitializer: Initializer;
  private betaRegularizer?: Regularizer;
  private gammaRegularizer?: Regularizer;
  gamma?: Variable;
  beta?: Variable;
  private builtAxes: number[] = [];

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    const list = Array.isArray(axis) ? axis : [axis];
    if (list.length === 0 || !list.every(Number.isInteger)) throw new Error(`layerNormalization: axis must be an integer or a non-empty list of integers, got ${JSON.stringify(args.axis)}`);
    this.axis = Array.isArray(axis) ? axis.slice() : axis;
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon >= 0)) throw new Error(`layerNormalization: epsilon must be >= 0, got ${args.epsilon}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = getInitializer(args.betaInitializer ?? 'zeros');
    this.gammaInitializer = getInitializer(args.gammaInitializer ?? 'ones');
    this.betaRegularizer = args.betaRegularizer ? getRegularizer(args.betaRegularizer) : undefined;
    this.gammaRegularizer = args.gammaRegularizer ? getRegularizer(args.gammaRegularizer) : undefined;
    this.supportsMasking = true;
  }

  private resolveAxes(s: readonly (number | null)[]): number[] {
    const list = Array.isArray(this.axis) ? this.axis : [this.axis];
    const out = list.map((a) => (a < 0 ? a + s.length : a));
    if (out.some((a) => a < 1 || a >= s.length) || new Set(out).size !== out.length) {
      throw new Error(`${this.name}: axis ${JSON.stringify(this.axis)} is invalid for input shape ${showShape(s)} (axes must be distinct and not the batch axis)`);
    }
    return out.sort((p, q) => p - q);
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = singleShape(this.name, inputShape);
    const axes = this.resolveAxes(s);
    const shape = axes.map((a) => s[a]);
    if (shape.some((d) => d === null)) throw new Error(`${this.name}: the normalized axes of input shape ${showShape(s)} must be known`);
    this.builtAxes = axes;
    if (this.scale) this.gamma = this.addWeight('gamma', shape as number[], 'float32', this.gammaInitializer, this.gammaRegularizer);
    if (this.center) this.beta = this.addWeight('beta', shape as number[], 'float32', this.betaInitializer, this.betaRegularizer);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const axes = this.resolveAxes(x.shape);
    const expected = this.builtAxes.map((a) => x.shape[a]);
    const params = this.gamma ?? this.beta;
    if (axes.join() !== this.builtAxes.join() || (params && params.shape.join() !== expected.join())) {
      throw new Error(`${this.name}: the layer was built for axes ${JSON.stringify(this.builtAxes)} of size ${params ? showShape(params.shape) : '?'}, got input shape ${showShape(x.shape)}`);
    }
    if (axes.length === 1 && axes[0] === x.rank - 1) return layerNorm(x, this.gamma ?? null, this.beta ?? null, this.epsilon);
    const { mean, variance } = moments(x, axes, true);
    let y = mul(sub(x, mean), rsqrt(add(variance, this.epsilon)));
    // gamma/beta cover `axes`; give them the input's rank with 1 elsewhere.
    const bshape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
    if (this.gamma) y = mul(y, reshape(this.gamma, bshape));
    if (this.beta) y = add(y, reshape(this.beta, bshape));
    return y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(this.betaInitializer),
      gammaInitializer: serializeInitializer(this.gammaInitializer),
      betaRegularizer: serializeRegularizer(this.betaRegularizer),
      gammaRegularizer: serializeRegularizer(this.gammaRegularizer),
    };
  }
}
/**
 * Normalizes each example over its last axis, with a learned scale and offset.
 * @example
 * ```js
 * tf.layers.layerNormalization().apply(tf.randomNormal([2, 8])).shape; // [2, 8]
 * ```
 */
export const layerNormalization = (args: LayerNormalizationArgs = {}) => new LayerNormalization(args);
