/**
 * 3-D pooling layers with TF.js configs: maxPooling3d and averagePooling3d (poolSize default 2,
 * strides defaulting to poolSize, padding, dataFormat) over [batch, depth, height, width, channels]
 * (or channels first), on the maxPool3d / avgPool3d ops.
 */
import type { Tensor } from '../../tensor.js';
import { avgPool3d as avgPool3dOp, maxPool3d as maxPool3dOp } from '../../ops/conv3d.js';
import { transpose } from '../../ops/layout.js';
import type { Kwargs, LayerArgs, Shape } from '../layer.js';
import { assertRank, checkDataFormat, convOutputLength, showShape, singleShape, type DataFormat, type PaddingMode } from '../conv/conv_utils.js';
import { first, Pooling } from './pooling.js';

type Triple = [number, number, number];

export interface Pooling3DArgs extends LayerArgs {
  poolSize?: number | Triple;
  strides?: number | Triple;
  padding?: PaddingMode;
  dataFormat?: DataFormat;
}

const layout3d = (f: DataFormat) =>
  (f === 'channelsLast' ? '[batch, depth, height, width, channels]' : '[batch, channels, depth, height, width]');

abstract class Pooling3D extends Pooling {
  readonly dataFormat: DataFormat;

  constructor(args: Pooling3DArgs = {}) {
    super(args, 3);
    this.dataFormat = checkDataFormat(new.target.className, args.dataFormat);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = singleShape(this.name, inputShape);
    assertRank(this.name, s, 5, layout3d(this.dataFormat));
    const last = this.dataFormat === 'channelsLast';
    const spatial = last ? s.slice(1, 4) : s.slice(2, 5);
    const out = spatial.map((n, i) => convOutputLength(n, this.poolSize[i], this.padding, this.strides[i]));
    if (out.some((n) => n !== null && n < 1)) {
      throw new Error(`${this.name}: input shape ${showShape(s)} is smaller than poolSize ${JSON.stringify(this.poolSize)} with padding 'valid'`);
    }
    return last ? [s[0], ...out, s[4]] : [s[0], s[1], ...out];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    this.computeOutputShape(x.shape);
    const pool = this.kind === 'max' ? maxPool3dOp : avgPool3dOp;
    const run = (t: Tensor) => pool(t, this.poolSize as Triple, this.strides as Triple, this.padding as 'valid' | 'same');
    if (this.dataFormat === 'channelsLast') return run(x);
    return transpose(run(transpose(x, [0, 2, 3, 4, 1])), [0, 4, 1, 2, 3]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }
}

export class MaxPooling3D extends Pooling3D {
  static override className = 'MaxPooling3D';
  protected readonly kind = 'max';
}
export class AveragePooling3D extends Pooling3D {
  static override className = 'AveragePooling3D';
  protected readonly kind = 'avg';
}

/**
 * Max pooling over depth, height and width of [batch, d, h, w, channels] inputs.
 * @example
 * ```js
 * tf.layers.maxPooling3d({ poolSize: 2 }).apply(tf.ones([1, 4, 4, 4, 1])).shape; // [1, 2, 2, 2, 1]
 * ```
 */
export const maxPooling3d = (args: Pooling3DArgs = {}) => new MaxPooling3D(args);
/**
 * Average pooling over depth, height and width of [batch, d, h, w, channels] inputs.
 * @example
 * ```js
 * tf.layers.averagePooling3d({ poolSize: 2 }).apply(tf.ones([1, 4, 4, 4, 1])).shape; // [1, 2, 2, 2, 1]
 * ```
 */
export const averagePooling3d = (args: Pooling3DArgs = {}) => new AveragePooling3D(args);
/**
 * TF.js's alternative factory names.
 * @example
 * ```js
 * tf.layers.avgPool3d({ poolSize: 2 }).apply(tf.ones([1, 4, 4, 4, 1])).shape; // [1, 2, 2, 2, 1]
 * ```
 */
export const avgPool3d = averagePooling3d;
/**
 * Alias of `averagePooling3d`.
 * @example
 * ```js
 * tf.layers.avgPooling3d({ poolSize: 2 }).apply(tf.ones([1, 4, 4, 4, 1])).shape; // [1, 2, 2, 2, 1]
 * ```
 */
export const avgPooling3d = averagePooling3d;
