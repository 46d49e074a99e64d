/**
 * Pooling layers with TF.js configs: maxPooling1d/2d and averagePooling1d/2d (poolSize,
 * strides defaulting to poolSize, padding, dataFormat for 2-D) on the maxPool/avgPool ops
 * (1-D runs as a [poolSize, 1] window over [batch, steps, 1, channels]); and the global
 * poolings (mean / max over the steps or the spatial axes).
 */
import type { Tensor } from '../../tensor.js';
import { avgPool, maxPool } from '../../ops/pool.js';
import { expandDims, reshape, transpose } from '../../ops/layout.js';
import { max, mean } from '../../ops/reduce.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import {
  assertRank, checkDataFormat, checkPadding, convOutputLength, normalizeTuple, showShape, singleShape,
  type DataFormat, type PaddingMode,
} from '../conv/conv_utils.js';

export const first = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);

/** The input layouts named in rank errors. */
const STEPS_LAYOUT = '[batch, steps, channels]';
const layout2d = (f: DataFormat) => (f === 'channelsLast' ? '[batch, height, width, channels]' : '[batch, channels, height, width]');

export interface Pooling1DArgs extends LayerArgs {
  poolSize?: number | [number];
  strides?: number | [number];
  padding?: PaddingMode;
}

export interface Pooling2DArgs extends LayerArgs {
  poolSize?: number | [number, number];
  strides?: number | [number, number];
  padding?: PaddingMode;
  dataFormat?: DataFormat;
}

/** What the 1-D, 2-D and 3-D (pooling3d.ts) pooling layers share: poolSize (default 2), strides (default poolSize), padding. */
export abstract class Pooling extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: PaddingMode;
  protected abstract readonly kind: 'max' | 'avg';

  constructor(args: Pooling1DArgs | Pooling2DArgs | { poolSize?: number | number[]; strides?: number | number[]; padding?: PaddingMode } & LayerArgs, spatialDims: number) {
    super(args);
    const op = new.target.className;
    this.poolSize = normalizeTuple(op, 'poolSize', args.poolSize, spatialDims, 2);
    this.strides = normalizeTuple(op, 'strides', args.strides ?? this.poolSize, spatialDims);
    this.padding = checkPadding(op, args.padding);
  }

  /** The pooling op of this layer's kind. */
  protected get poolOp(): typeof maxPool {
    return this.kind === 'max' ? maxPool : avgPool;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), poolSize: this.poolSize, padding: this.padding, strides: this.strides };
  }
}

abstract class Pooling1D extends Pooling {
  constructor(args: Pooling1DArgs = {}) {
    super(args, 1);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    assertRank(this.name, s, 3, STEPS_LAYOUT);
    return [s[0], convOutputLength(s[1], this.poolSize[0], this.padding, this.strides[0]), s[2]];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    assertRank(this.name, x.shape, 3, STEPS_LAYOUT);
    const y = this.poolOp(expandDims(x, 2), [this.poolSize[0], 1], [this.strides[0], 1], this.padding as 'valid' | 'same');
    return reshape(y, [y.shape[0], y.shape[1], y.shape[3]]);
  }
}

abstract class Pooling2D extends Pooling {
  readonly dataFormat: DataFormat;

  constructor(args: Pooling2DArgs = {}) {
    super(args, 2);
    this.dataFormat = checkDataFormat(new.target.className, args.dataFormat);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    assertRank(this.name, s, 4, layout2d(this.dataFormat));
    const last = this.dataFormat === 'channelsLast';
    const [h, w] = last ? [s[1], s[2]] : [s[2], s[3]];
    const oh = convOutputLength(h, this.poolSize[0], this.padding, this.strides[0]);
    const ow = convOutputLength(w, this.poolSize[1], this.padding, this.strides[1]);
    if ((oh !== null && oh < 1) || (ow !== null && ow < 1)) {
      throw new Error(`${this.name}: input shape ${showShape(s)} is smaller than poolSize ${JSON.stringify(this.poolSize)} with padding 'valid'`);
    }
    return last ? [s[0], oh, ow, s[3]] : [s[0], s[1], oh, ow];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    this.computeOutputShape(x.shape);
    const pool = this.poolOp;
    const pad = this.padding as 'valid' | 'same';
    const ps = this.poolSize as [number, number];
    const st = this.strides as [number, number];
    if (this.dataFormat === 'channelsLast') return pool(x, ps, st, pad);
    return transpose(pool(transpose(x, [0, 2, 3, 1]), ps, st, pad), [0, 3, 1, 2]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}

export class MaxPooling1D extends Pooling1D {
  static override className = 'MaxPooling1D';
  protected readonly kind = 'max';
}
export class AveragePooling1D extends Pooling1D {
  static override className = 'AveragePooling1D';
  protected readonly kind = 'avg';
}
export class MaxPooling2D extends Pooling2D {
  static override className = 'MaxPooling2D';
  protected readonly kind = 'max';
}
export class AveragePooling2D extends Pooling2D {
  static override className = 'AveragePooling2D';
  protected readonly kind = 'avg';
}

/** Global pooling over the steps axis of [batch, steps, channels]. */
abstract class GlobalPooling1D extends Layer {
  protected abstract readonly kind: 'max' | 'avg';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    assertRank(this.name, s, 3, STEPS_LAYOUT);
    return [s[0], s[2]];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    assertRank(this.name, x.shape, 3, STEPS_LAYOUT);
    return this.kind === 'max' ? max(x, 1) : mean(x, 1);
  }
}

export interface GlobalPooling2DArgs extends LayerArgs {
  dataFormat?: DataFormat;
}

/** Global pooling over the spatial axes of a 2-D feature map. */
abstract class GlobalPooling2D extends Layer {
  readonly dataFormat: DataFormat;
  protected abstract readonly kind: 'max' | 'avg';

  constructor(args: GlobalPooling2DArgs = {}) {
    super(args);
    this.dataFormat = checkDataFormat(new.target.className, args.dataFormat);
  }

  private check(s: readonly (number | null)[]): void {
    assertRank(this.name, s as Shape, 4, layout2d(this.dataFormat));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    this.check(s);
    return [s[0], this.dataFormat === 'channelsLast' ? s[3] : s[1]];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    this.check(x.shape);
    const axes = this.dataFormat === 'channelsLast' ? [1, 2] : [2, 3];
    return this.kind === 'max' ? max(x, axes) : mean(x, axes);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}

export class GlobalAveragePooling1D extends GlobalPooling1D {
  static override className = 'GlobalAveragePooling1D';
  protected readonly kind = 'avg';
}
export class GlobalMaxPooling1D extends GlobalPooling1D {
  static override className = 'GlobalMaxPooling1D';
  protected readonly kind = 'max';
}
export class GlobalAveragePooling2D extends GlobalPooling2D {
  static override className = 'GlobalAveragePooling2D';
  protected readonly kind = 'avg';
}
export class GlobalMaxPooling2D extends GlobalPooling2D {
  static override className = 'GlobalMaxPooling2D';
  protected readonly kind = 'max';
}

/**
 * Max pooling over the steps of [batch, steps, channels] inputs.
 * @example
 * ```js
 * tf.layers.maxPooling1d({ poolSize: 2 }).apply(tf.ones([1, 8, 3])).shape; // [1, 4, 3]
 * ```
 */
export const maxPooling1d = (args: Pooling1DArgs = {}) => new MaxPooling1D(args);
/**
 * Average pooling over the steps of [batch, steps, channels] inputs.
 * @example
 * ```js
 * tf.layers.averagePooling1d({ poolSize: 2 }).apply(tf.ones([1, 8, 3])).shape; // [1, 4, 3]
 * ```
 */
export const averagePooling1d = (args: Pooling1DArgs = {}) => new AveragePooling1D(args);
/**
 * Max pooling over the height and width of NHWC inputs.
 * @example
 * ```js
 * tf.layers.maxPooling2d({ poolSize: 2 }).apply(tf.ones([1, 8, 8, 3])).shape; // [1, 4, 4, 3]
 * ```
 */
export const maxPooling2d = (args: Pooling2DArgs = {}) => new MaxPooling2D(args);
/**
 * Average pooling over the height and width of NHWC inputs.
 * @example
 * ```js
 * tf.layers.averagePooling2d({ poolSize: 2 }).apply(tf.ones([1, 8, 8, 3])).shape; // [1, 4, 4, 3]
 * ```
 */
export const averagePooling2d = (args: Pooling2DArgs = {}) => new AveragePooling2D(args);
/**
 * The mean over all steps: [batch, steps, channels] to [batch, channels].
 * @example
 * ```js
 * tf.layers.globalAveragePooling1d().apply(tf.ones([2, 5, 3])).shape; // [2, 3]
 * ```
 */
export const globalAveragePooling1d = (args: LayerArgs = {}) => new GlobalAveragePooling1D(args);
/**
 * The maximum over all steps: [batch, steps, channels] to [batch, channels].
 * @example
 * ```js
 * tf.layers.globalMaxPooling1d().apply(tf.ones([2, 5, 3])).shape; // [2, 3]
 * ```
 */
export const globalMaxPooling1d = (args: LayerArgs = {}) => new GlobalMaxPooling1D(args);
/**
 * The mean over height and width: [batch, h, w, channels] to [batch, channels].
 * @example
 * ```js
 * tf.layers.globalAveragePooling2d({}).apply(tf.ones([2, 4, 4, 3])).shape; // [2, 3]
 * ```
 */
export const globalAveragePooling2d = (args: GlobalPooling2DArgs = {}) => new GlobalAveragePooling2D(args);
/**
 * The maximum over height and width: [batch, h, w, channels] to [batch, channels].
 * @example
 * ```js
 * tf.layers.globalMaxPooling2d({}).apply(tf.ones([2, 4, 4, 3])).shape; // [2, 3]
 * ```
 */
export const globalMaxPooling2d = (args: GlobalPooling2DArgs = {}) => new GlobalMaxPooling2D(args);
/**
 * TF.js's alternative factory names.
 * @example
 * ```js
 * tf.layers.maxPool1d({ poolSize: 2 }).apply(tf.ones([1, 8, 3])).shape; // [1, 4, 3]
 * ```
 */
export const maxPool1d = maxPooling1d;
/**
 * Alias of `maxPooling2d`.
 * @example
 * ```js
 * tf.layers.maxPool2d({ poolSize: 2 }).apply(tf.ones([1, 8, 8, 3])).shape; // [1, 4, 4, 3]
 * ```
 */
export const maxPool2d = maxPooling2d;
/**
 * Alias of `averagePooling1d`.
 * @example
 * ```js
 * tf.layers.avgPool1d({ poolSize: 2 }).apply(tf.ones([1, 8, 3])).shape; // [1, 4, 3]
 * ```
 */
export const avgPool1d = averagePooling1d;
/**
 * Alias of `averagePooling1d`.
 * @example
 * ```js
 * tf.layers.avgPooling1d({ poolSize: 2 }).apply(tf.ones([1, 8, 3])).shape; // [1, 4, 3]
 * ```
 */
export const avgPooling1d = averagePooling1d;
/**
 * Alias of `averagePooling2d`.
 * @example
 * ```js
 * tf.layers.avgPool2d({ poolSize: 2 }).apply(tf.ones([1, 8, 8, 3])).shape; // [1, 4, 4, 3]
 * ```
 */
export const avgPool2d = averagePooling2d;
/**
 * Alias of `averagePooling2d`.
 * @example
 * ```js
 * tf.layers.avgPooling2d({ poolSize: 2 }).apply(tf.ones([1, 8, 8, 3])).shape; // [1, 4, 4, 3]
 * ```
 */
export const avgPooling2d = averagePooling2d;
/**
 * Alias of `globalMaxPooling1d`.
 * @example
 * ```js
 * tf.layers.globalMaxPool1d().apply(tf.ones([2, 5, 3])).shape; // [2, 3]
 * ```
 */
export const globalMaxPool1d = globalMaxPooling1d;
/**
 * Alias of `globalMaxPooling2d`.
 * @example
 * ```js
 * tf.layers.globalMaxPool2d({}).apply(tf.ones([2, 4, 4, 3])).shape; // [2, 3]
 * ```
 */
export const globalMaxPool2d = globalMaxPooling2d;
