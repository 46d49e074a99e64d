/**
 * Shape-only layers: flatten (to [batch, -1]; channelsFirst inputs are moved to channels-last
 * first, as TF.js does), reshape (targetShape without the batch dim, at most one -1),
 * permute (1-based dims of the non-batch axes, as Keras) and repeatVector ([b, d] -> [b, n, d]).
 */
import type { Tensor } from '../../tensor.js';
import { reshape as reshapeOp, transpose, expandDims, tile } from '../../ops/layout.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { checkDataFormat, showShape, singleShape, type DataFormat } from '../conv/conv_utils.js';

const first = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);

export interface FlattenArgs extends LayerArgs {
  dataFormat?: DataFormat;
}

export class Flatten extends Layer {
  static override className = 'Flatten';
  readonly dataFormat?: DataFormat;

  constructor(args: FlattenArgs = {}) {
    super(args);
    if (args.dataFormat != null) this.dataFormat = checkDataFormat('flatten', args.dataFormat);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    if (s.length < 2) throw new Error(`${this.name}: flatten needs an input of rank >= 2 (batch first), got shape ${showShape(s)}`);
    const rest = s.slice(1);
    if (rest.some((d) => d === null)) {
      throw new Error(`${this.name}: cannot flatten an input whose non-batch dims are not all known: ${showShape(s)}; give the model a full input shape`);
    }
    return [s[0], (rest as number[]).reduce((a, b) => a * b, 1)];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    let x = first(inputs);
    if (x.rank < 2) throw new Error(`${this.name}: flatten needs an input of rank >= 2 (batch first), got shape ${showShape(x.shape)}`);
    if (this.dataFormat === 'channelsFirst' && x.rank > 2) {
      const perm = [0, ...x.shape.slice(2).map((_, i) => i + 2), 1];
      x = transpose(x, perm);
    }
    return reshapeOp(x, [x.shape[0], -1]);
  }

  override getConfig(): Record<string, unknown> {
    const cfg = super.getConfig();
    if (this.dataFormat) cfg.dataFormat = this.dataFormat;
    return cfg;
  }
}

export interface ReshapeArgs extends LayerArgs {
  targetShape: (number | null)[];
}

export class Reshape extends Layer {
  static override className = 'Reshape';
  readonly targetShape: number[];

  constructor(args: ReshapeArgs) {
    super(args);
    const ts = args?.targetShape;
    if (!Array.isArray(ts)) throw new Error(`reshape: targetShape must be a list of dims (without the batch dim), got ${JSON.stringify(ts)}`);
    const dims = ts.map((d) => (d === null ? -1 : d));
    if (dims.filter((d) => d === -1).length > 1 || !dims.every((d) => d === -1 || (Number.isInteger(d) && d >= 1))) {
      throw new Error(`reshape: targetShape ${JSON.stringify(ts)} must be positive integers with at most one -1`);
    }
    this.targetShape = dims;
  }

  /** The target shape with the -1 resolved for an input with `size` elements per example. */
  private resolve(size: number | null, inputShape: Shape): (number | null)[] {
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const unknown = this.targetShape.indexOf(-1);
    if (size === null) return this.targetShape.map((d) => (d === -1 ? null : d));
    if (unknown < 0 ? known !== size : size % known !== 0) {
      throw new Error(`${this.name}: cannot reshape input of shape ${showShape(inputShape)} (${size} elements per example) to targetShape ${JSON.stringify(this.targetShape)}`);
    }
    return this.targetShape.map((d) => (d === -1 ? size / known : d));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    const rest = s.slice(1);
    const size = rest.some((d) => d === null) ? null : (rest as number[]).reduce((a, b) => a * b, 1);
    return [s[0], ...this.resolve(size, s)];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    const size = x.shape.slice(1).reduce((a, b) => a * b, 1);
    return reshapeOp(x, [x.shape[0], ...(this.resolve(size, x.shape) as number[])]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}

export interface PermuteArgs extends LayerArgs {
  dims: number[];
}

export class Permute extends Layer {
  static override className = 'Permute';
  readonly dims: number[];

  constructor(args: PermuteArgs) {
    super(args);
    const d = args?.dims;
    const n = Array.isArray(d) ? d.length : 0;
    if (!Array.isArray(d) || n === 0 || [...d].sort((a, b) => a - b).some((v, i) => v !== i + 1)) {
      throw new Error(`permute: dims must be a permutation of 1..${n || 'rank-1'} (1-based, batch axis excluded), got ${JSON.stringify(d)}`);
    }
    this.dims = d.slice();
  }

  private check(s: readonly (number | null)[]): void {
    if (s.length !== this.dims.length + 1) {
      throw new Error(`${this.name}: dims ${JSON.stringify(this.dims)} need an input of rank ${this.dims.length + 1}, got shape ${showShape(s)}`);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    this.check(s);
    return [s[0], ...this.dims.map((d) => s[d])];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    this.check(x.shape);
    return transpose(x, [0, ...this.dims]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: this.dims };
  }
}

export interface RepeatVectorArgs extends LayerArgs {
  n: number;
}

export class RepeatVector extends Layer {
  static override className = 'RepeatVector';
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    if (!args || !Number.isInteger(args.n) || args.n < 1) throw new Error(`repeatVector: n must be a positive integer, got ${JSON.stringify(args?.n)}`);
    this.n = args.n;
  }

  private check(s: readonly (number | null)[]): void {
    if (s.length !== 2) throw new Error(`${this.name}: repeatVector needs a rank-2 input [batch, features], got shape ${showShape(s)}`);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    this.check(s);
    return [s[0], this.n, s[1]];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    this.check(x.shape);
    return tile(expandDims(x, 1), [1, this.n, 1]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}

/**
 * Flattens each example to one dimension: [batch, a, b, ...] to [batch, a * b * ...].
 * @example
 * ```js
 * tf.layers.flatten().apply(tf.ones([2, 3, 4])).shape; // [2, 12]
 * ```
 */
export const flatten = (args: FlattenArgs = {}) => new Flatten(args);
/**
 * Reshapes each example to `targetShape` (the batch dimension is kept).
 * @example
 * ```js
 * tf.layers.reshape({ targetShape: [3, 2] }).apply(tf.ones([1, 6])).shape; // [1, 3, 2]
 * ```
 */
export const reshape = (args: ReshapeArgs) => new Reshape(args);
/**
 * Permutes the non-batch dimensions of its input by `dims` (1-based).
 * @example
 * ```js
 * tf.layers.permute({ dims: [2, 1] }).apply(tf.ones([1, 3, 4])).shape; // [1, 4, 3]
 * ```
 */
export const permute = (args: PermuteArgs) => new Permute(args);
/**
 * Repeats a [batch, features] input `n` times: [batch, n, features].
 * @example
 * ```js
 * tf.layers.repeatVector({ n: 3 }).apply(tf.ones([2, 4])).shape; // [2, 3, 4]
 * ```
 */
export const repeatVector = (args: RepeatVectorArgs) => new RepeatVector(args);
