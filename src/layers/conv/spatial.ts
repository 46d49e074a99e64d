/**
 * 2-D spatial reshaping layers (TF.js `layers.zeroPadding2d`, `cropping2D`, `upSampling2d`): pad with
 * zeros, crop, or repeat rows and columns of an image batch, channelsLast ([b, h, w, c]) or
 * channelsFirst ([b, c, h, w]). Nearest-neighbour upsampling is a broadcast, so its gradient sums the
 * repeated cells back; bilinear upsampling is tf.image.resizeBilinear, as in TF.js.
 */
import type { Tensor } from '../../tensor.js';
import { broadcastTo, pad, reshape, slice, transpose } from '../../ops/layout.js';
import { resizeBilinear } from '../../ops/image.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { composite } from '../recurrent/rnn_util.js';

type DataFormat = 'channelsFirst' | 'channelsLast';
type PairSpec = number | [number, number] | [[number, number], [number, number]];
const first = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);

function dataFormatOf(layer: string, f: unknown): DataFormat {
  const v = f ?? 'channelsLast';
  if (v !== 'channelsLast' && v !== 'channelsFirst') throw new Error(`${layer}: dataFormat must be 'channelsLast' or 'channelsFirst', got ${JSON.stringify(f)}`);
  return v;
}
/** [[top, bottom], [left, right]] from TF.js's three spellings. */
function pairs(layer: string, what: string, spec: PairSpec | undefined, dflt: number): [[number, number], [number, number]] {
  const v = spec ?? dflt;
  let out: [[number, number], [number, number]];
  if (typeof v === 'number') out = [[v, v], [v, v]];
  else if (v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') out = [[v[0], v[0]], [v[1] as number, v[1] as number]];
  else if (v.length === 2 && Array.isArray(v[0]) && Array.isArray(v[1])) out = [[v[0][0], v[0][1]], [v[1][0], v[1][1]]];
  else throw new Error(`${layer}: ${what} must be a number, [height, width] or [[top, bottom], [left, right]], got ${JSON.stringify(spec)}`);
  if (out.flat().some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${layer}: ${what} must be non-negative integers, got ${JSON.stringify(spec)}`);
  return out;
}
function rank4(layer: string, s: Shape | Shape[]): Shape {
  const shape = (Array.isArray(s[0]) ? s[0] : s) as Shape;
  if (shape.length !== 4) throw new Error(`${layer}: expected a rank-4 input, got shape [${shape.map((d) => d ?? -1)}]`);
  return shape;
}
/** Indices of the height and width axes. */
const hw = (f: DataFormat): [number, number] => (f === 'channelsLast' ? [1, 2] : [2, 3]);

export interface ZeroPadding2DArgs extends LayerArgs {
  padding?: PairSpec;
  dataFormat?: DataFormat;
}
export class ZeroPadding2D extends Layer {
  static override className = 'ZeroPadding2D';
  readonly padding: [[number, number], [number, number]];
  readonly dataFormat: DataFormat;
  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    this.dataFormat = dataFormatOf('zeroPadding2d', args.dataFormat);
    this.padding = pairs('zeroPadding2d', 'padding', args.padding, 1);
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = rank4(this.name, inputShape).slice();
    hw(this.dataFormat).forEach((ax, i) => (s[ax] = s[ax] == null ? null : s[ax]! + this.padding[i][0] + this.padding[i][1]));
    return s;
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    rank4(this.name, x.shape);
    const p: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
    hw(this.dataFormat).forEach((ax, i) => (p[ax] = this.padding[i]));
    return pad(x, p);
  }
  override getConfig() {
    return { ...super.getConfig(), padding: this.padding, dataFormat: this.dataFormat };
  }
}

export interface Cropping2DArgs extends LayerArgs {
  cropping: PairSpec;
  dataFormat?: DataFormat;
}
export class Cropping2D extends Layer {
  static override className = 'Cropping2D';
  readonly cropping: [[number, number], [number, number]];
  readonly dataFormat: DataFormat;
  constructor(args: Cropping2DArgs) {
    super(args);
    this.dataFormat = dataFormatOf('cropping2D', args?.dataFormat);
    this.cropping = pairs('cropping2D', 'cropping', args?.cropping, 0);
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = rank4(this.name, inputShape).slice();
    hw(this.dataFormat).forEach((ax, i) => (s[ax] = s[ax] == null ? null : s[ax]! - this.cropping[i][0] - this.cropping[i][1]));
    return s;
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    rank4(this.name, x.shape);
    const begin = [0, 0, 0, 0];
    const size = x.shape.slice();
    hw(this.dataFormat).forEach((ax, i) => {
      const [lo, hi] = this.cropping[i];
      if (lo + hi >= x.shape[ax]) throw new Error(`${this.name}: cropping ${JSON.stringify(this.cropping)} removes all of axis ${ax} (size ${x.shape[ax]}) of input shape [${x.shape}]`);
      begin[ax] = lo;
      size[ax] = x.shape[ax] - lo - hi;
    });
    return slice(x, begin, size);
  }
  override getConfig() {
    return { ...super.getConfig(), cropping: this.cropping, dataFormat: this.dataFormat };
  }
}

export interface UpSampling2DArgs extends LayerArgs {
  size?: number[];
  dataFormat?: DataFormat;
  interpolation?: 'nearest' | 'bilinear';
}
export class UpSampling2D extends Layer {
  static override className = 'UpSampling2D';
  readonly size: [number, number];
  readonly dataFormat: DataFormat;
  readonly interpolation: 'nearest' | 'bilinear';
  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    const size = args.size ?? [2, 2];
    if (!Array.isArray(size) || size.length !== 2 || size.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`upSampling2d: size must be two positive integers, got ${JSON.stringify(args.size)}`);
    }
    this.size = [size[0], size[1]];
    this.dataFormat = dataFormatOf('upSampling2d', args.dataFormat);
    const interpolation = args.interpolation ?? 'nearest';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
      // TF.js's wording (checkInterpolationFormat)
      throw new Error(`${String(interpolation)} is not a valid InterpolationFormat.  Valid values are nearest,bilinear or null/undefined.`);
    }
    this.interpolation = interpolation;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = rank4(this.name, inputShape).slice();
    hw(this.dataFormat).forEach((ax, i) => (s[ax] = s[ax] == null ? null : s[ax]! * this.size[i]));
    return s;
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    rank4(this.name, x.shape);
    const [hAx, wAx] = hw(this.dataFormat);
    const [sh, sw] = this.size;
    if (this.interpolation === 'bilinear') return composite(() => this.bilinear(x));
    // [.., h, .., w, ..] -> insert a repeat axis after h and after w, broadcast, merge
    const expanded = x.shape.flatMap((d, ax) => (ax === hAx || ax === wAx ? [d, 1] : [d]));
    const target = x.shape.flatMap((d, ax) => (ax === hAx ? [d, sh] : ax === wAx ? [d, sw] : [d]));
    const out = x.shape.map((d, ax) => (ax === hAx ? d * sh : ax === wAx ? d * sw : d));
    return composite(() => reshape(broadcastTo(reshape(x, expanded), target), out));
  }
  /** tf.image.resizeBilinear (alignCorners and halfPixelCenters false, as TF.js) on NHWC. */
  private bilinear(x: Tensor): Tensor {
    const nhwc = this.dataFormat === 'channelsFirst' ? transpose(x, [0, 2, 3, 1]) : x;
    const [, h, w] = nhwc.shape;
    const y = resizeBilinear(nhwc, [h * this.size[0], w * this.size[1]]);
    return this.dataFormat === 'channelsFirst' ? transpose(y, [0, 3, 1, 2]) : y;
  }
  override getConfig() {
    return { ...super.getConfig(), size: this.size, dataFormat: this.dataFormat, interpolation: this.interpolation };
  }
}

/**
 * Pads the height and width of NHWC inputs with zeros.
 * @example
 * ```js
 * tf.layers.zeroPadding2d({ padding: 1 }).apply(tf.ones([1, 4, 4, 1])).shape; // [1, 6, 6, 1]
 * ```
 */
export const zeroPadding2d = (args?: ZeroPadding2DArgs) => new ZeroPadding2D(args);
/**
 * Crops rows and columns off the height and width of NHWC inputs.
 * @example
 * ```js
 * tf.layers.cropping2D({ cropping: [[1, 1], [1, 1]] }).apply(tf.ones([1, 6, 6, 1])).shape; // [1, 4, 4, 1]
 * ```
 */
export const cropping2D = (args: Cropping2DArgs) => new Cropping2D(args);
/**
 * Repeats rows and columns of NHWC inputs `size` times (nearest or bilinear).
 * @example
 * ```js
 * tf.layers.upSampling2d({ size: [2, 2] }).apply(tf.ones([1, 4, 4, 1])).shape; // [1, 8, 8, 1]
 * ```
 */
export const upSampling2d = (args?: UpSampling2DArgs) => new UpSampling2D(args);
