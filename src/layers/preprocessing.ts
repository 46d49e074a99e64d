/**
 * Preprocessing layers (TF.js `layers.rescaling`, `centerCrop`, `categoryEncoding`): rescale values
 * (x * scale + offset, as float32), crop the centre of [.., height, width, channels] images, and encode
 * integer categories as oneHot / multiHot / count vectors of length numTokens.
 */
import type { Tensor } from '../tensor.js';
import { add, mul } from '../ops/binary.js';
import { cast } from '../ops/unary.js';
import { max as maxOp, sum } from '../ops/reduce.js';
import { ENGINE } from '../engine.js';
import { expandDims, reshape, slice } from '../ops/layout.js';
import { oneHot } from '../ops/indexing.js';
import { checkedOneHot } from '../ops/one_hot_checked.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from './layer.js';
import { composite } from './recurrent/rnn_util.js';

const first = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);
const one = (s: Shape | Shape[]) => (Array.isArray(s[0]) ? s[0] : s) as Shape;

export interface RescalingArgs extends LayerArgs {
  scale: number;
  offset?: number;
}
export class Rescaling extends Layer {
  static override className = 'Rescaling';
  readonly scale: number;
  readonly offset: number;
  constructor(args: RescalingArgs) {
    super(args);
    if (!args || typeof args.scale !== 'number') throw new Error(`rescaling: scale must be a number, got ${JSON.stringify(args?.scale)}`);
    this.scale = args.scale;
    this.offset = args.offset ?? 0;
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    return composite(() => add(mul(x.dtype === 'float32' ? x : cast(x, 'float32'), this.scale), this.offset));
  }
  override getConfig() {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}

export interface CenterCropArgs extends LayerArgs {
  height: number;
  width: number;
}
export class CenterCrop extends Layer {
  static override className = 'CenterCrop';
  readonly height: number;
  readonly width: number;
  constructor(args: CenterCropArgs) {
    super(args);
    const ok = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
    if (!args || !ok(args.height) || !ok(args.width)) throw new Error(`centerCrop: height and width must be positive integers, got ${JSON.stringify([args?.height, args?.width])}`);
    this.height = args.height;
    this.width = args.width;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = one(inputShape).slice();
    const h = s.length - 3;
    s[h] = this.height;
    s[h + 1] = this.width;
    return s;
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    if (x.rank !== 3 && x.rank !== 4) throw new Error(`${this.name}: centerCrop expects a rank-3 or rank-4 image input, got shape [${x.shape}]`);
    const h = x.rank - 3;
    const [H, W] = [x.shape[h], x.shape[h + 1]];
    if (H < this.height || W < this.width) {
      throw new Error(`${this.name}: the input (${H}x${W}) is smaller than the crop (${this.height}x${this.width}); tessera's centerCrop does not upsample`);
    }
    const begin = x.shape.map(() => 0);
    begin[h] = Math.floor((H - this.height) / 2);
    begin[h + 1] = Math.floor((W - this.width) / 2);
    const size = x.shape.slice();
    size[h] = this.height;
    size[h + 1] = this.width;
    return composite(() => cast(slice(x, begin, size), 'float32'));
  }
  override getConfig() {
    return { ...super.getConfig(), height: this.height, width: this.width };
  }
}

export interface CategoryEncodingArgs extends LayerArgs {
  numTokens: number;
  outputMode?: 'oneHot' | 'multiHot' | 'count';
}
export class CategoryEncoding extends Layer {
  static override className = 'CategoryEncoding';
  readonly numTokens: number;
  readonly outputMode: 'oneHot' | 'multiHot' | 'count';
  constructor(args: CategoryEncodingArgs) {
    super(args);
    if (!args || !Number.isInteger(args.numTokens) || args.numTokens < 1) throw new Error(`categoryEncoding: numTokens must be a positive integer, got ${JSON.stringify(args?.numTokens)}`);
    this.numTokens = args.numTokens;
    this.outputMode = args.outputMode ?? 'multiHot';
    if (!['oneHot', 'multiHot', 'count'].includes(this.outputMode)) throw new Error(`categoryEncoding: outputMode must be 'oneHot', 'multiHot' or 'count', got '${this.outputMode}'`);
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = one(inputShape).slice();
    if (this.outputMode === 'oneHot' && s[s.length - 1] !== 1) return [...s, this.numTokens];
    s[s.length - 1] = this.numTokens;
    return s;
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    if (x.rank > 2) throw new Error(`${this.name}: categoryEncoding takes inputs of rank 1 or 2, got shape [${x.shape}]`);
    // The ids are checked on the host (a cast to int32 truncates, so truncate here). webgpu has no
    // synchronous read: there the host check runs on tensors written from the host (it keeps their
    // values), and a computed input is checked on the device (checkedOneHot: reading the result
    // rejects with this message and the value).
    const message = `Input values must be between 0 < values <= numTokens with numTokens=${this.numTokens}`;
    const values = ENGINE.readHostSync(x);
    if (values) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of values) {
        const id = Math.trunc(Number(v));
        if (id < lo) lo = id;
        if (id > hi) hi = id;
      }
      if (lo < 0 || hi >= this.numTokens) throw new Error(message);
    }
    return composite(() => {
      const idx = x.dtype === 'int32' ? x : cast(x, 'int32');
      const x2 = idx.rank === 1 ? expandDims(idx, 1) : idx;
      const rows = values ? oneHot(x2, this.numTokens) : checkedOneHot(x2, this.numTokens, message);
      const hot = cast(rows, 'float32'); // [batch, k, numTokens]
      if (this.outputMode === 'oneHot') {
        if (x2.shape[1] !== 1) throw new Error(`${this.name}: oneHot encoding needs one category per sample (last dim 1), got shape [${x.shape}]`);
        return reshape(hot, [x2.shape[0], this.numTokens]);
      }
      return this.outputMode === 'count' ? sum(hot, 1) : maxOp(hot, 1);
    });
  }
  override getConfig() {
    return { ...super.getConfig(), numTokens: this.numTokens, outputMode: this.outputMode };
  }
}

/**
 * Multiplies inputs by `scale` and adds `offset` (e.g. pixels to [0, 1]).
 * @example
 * ```js
 * tf.layers.rescaling({ scale: 1 / 255 }).apply(tf.tensor([0, 255])).print(); // [0, 1]
 * ```
 */
export const rescaling = (args: RescalingArgs) => new Rescaling(args);
/**
 * Crops the central `height` x `width` region of images.
 * @example
 * ```js
 * tf.layers.centerCrop({ height: 2, width: 2 }).apply(tf.ones([1, 4, 4, 3])).shape; // [1, 2, 2, 3]
 * ```
 */
export const centerCrop = (args: CenterCropArgs) => new CenterCrop(args);
/**
 * Encodes integer categories as one-hot, multi-hot or count vectors of size `numTokens`.
 * @example
 * ```js
 * tf.layers.categoryEncoding({ numTokens: 4, outputMode: 'oneHot' }).apply(tf.tensor1d([1, 3], 'int32')).print();
 * ```
 */
export const categoryEncoding = (args: CategoryEncodingArgs) => new CategoryEncoding(args);
