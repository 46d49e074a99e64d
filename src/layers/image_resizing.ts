/**
 * Image resizing preprocessing layers (TF.js `layers.resizing`, `layers.randomWidth`) on
 * [.., height, width, channels] images (rank 3 or 4), both through tf.image.resizeBilinear /
 * resizeNearestNeighbor, with TF.js's observable behaviour so models saved by TF.js give the same
 * outputs:
 *   - resizing: TF.js passes `!cropToAspectRatio` as resize's alignCorners argument, so the default
 *     (cropToAspectRatio false) resizes with alignCorners = true, and cropToAspectRatio = true resizes
 *     with alignCorners = false and does not crop. tessera does the same.
 *   - randomWidth: each call (training or not, as in TF.js) draws a width factor uniformly from
 *     [1 + lower, 1 + upper] and resizes the width to round(factor * width); a numeric seed advances by
 *     one per call, as TF.js's, and getConfig reports the current seed. The draw happens on the host, so
 *     no device readback is needed (the values differ from TF.js's generator for the same seed).
 * Output shapes keep the batch dim (TF.js's computeOutputShape drops it, which breaks the next
 * layer's shape; tessera reports the shape its call produces, with an unknown width for randomWidth).
 */
import type { Tensor } from '../tensor.js';
import { resizeBilinear, resizeNearestNeighbor } from '../ops/image.js';
import { seededRandom } from '../ops/creation.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from './layer.js';
import { composite } from './recurrent/rnn_util.js';

export type ResizeInterpolation = 'bilinear' | 'nearest';
const INTERPOLATIONS: readonly string[] = ['bilinear', 'nearest'];

const first = (inputs: Tensor | Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);
const one = (s: Shape | Shape[]) => (Array.isArray(s[0]) ? s[0] : s) as Shape;

/** TF.js's message for an unknown interpolation name (ValueError in image_resizing / random_width). */
function checkInterpolation(v: unknown): ResizeInterpolation {
  const i = v ?? 'bilinear';
  if (!INTERPOLATIONS.includes(i as string)) throw new Error(`Invalid interpolation parameter: ${String(i)} is not implemented`);
  return i as ResizeInterpolation;
}

function imageRank(layer: string, shape: readonly (number | null)[]): void {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new Error(`${layer}: expected a rank-3 [height, width, channels] or rank-4 [batch, height, width, channels] image input, got shape [${shape.map((d) => d ?? 'null').join(', ')}]`);
  }
}

function resize(x: Tensor, size: [number, number], interpolation: ResizeInterpolation, alignCorners: boolean): Tensor {
  return interpolation === 'bilinear' ? resizeBilinear(x, size, alignCorners) : resizeNearestNeighbor(x, size, alignCorners);
}

export interface ResizingArgs extends LayerArgs {
  height: number;
  width: number;
  interpolation?: ResizeInterpolation;
  cropToAspectRatio?: boolean;
}

export class Resizing extends Layer {
  static override className = 'Resizing';
  readonly height: number;
  readonly width: number;
  readonly interpolation: ResizeInterpolation;
  readonly cropToAspectRatio: boolean;
  constructor(args: ResizingArgs) {
    super(args);
    const ok = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
    if (!args || !ok(args.height) || !ok(args.width)) {
      throw new Error(`resizing: height and width must be positive integers, got ${JSON.stringify([args?.height, args?.width])}`);
    }
    this.height = args.height;
    this.width = args.width;
    this.interpolation = checkInterpolation(args.interpolation);
    this.cropToAspectRatio = Boolean(args.cropToAspectRatio);
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = one(inputShape).slice();
    imageRank(this.name, s);
    s[s.length - 3] = this.height;
    s[s.length - 2] = this.width;
    return s;
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    imageRank(this.name, x.shape);
    return composite(() => resize(x, [this.height, this.width], this.interpolation, !this.cropToAspectRatio));
  }
  override getConfig() {
    return {
      ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation, cropToAspectRatio: this.cropToAspectRatio,
    };
  }
}

export interface RandomWidthArgs extends LayerArgs {
  /** A positive number f (range [-f, f]) or [lower, upper], both > -1. */
  factor: number | [number, number];
  interpolation?: ResizeInterpolation;
  seed?: number;
}

export class RandomWidth extends Layer {
  static override className = 'RandomWidth';
  readonly factor: number | [number, number];
  readonly widthLower: number;
  readonly widthUpper: number;
  readonly interpolation: ResizeInterpolation;
  /** Advances by one per call when set (TF.js RandomSeed). */
  seed?: number;
  constructor(args: RandomWidthArgs) {
    super(args);
    const factor = args?.factor;
    this.factor = factor;
    // TF.js's checks and wording
    if (Array.isArray(factor) && factor.length === 2) [this.widthLower, this.widthUpper] = factor;
    else if (typeof factor === 'number' && factor > 0) [this.widthLower, this.widthUpper] = [-factor, factor];
    else throw new Error(`Invalid factor: ${String(factor)}. Must be positive number or tuple of 2 numbers`);
    if (!Number.isFinite(this.widthLower) || !Number.isFinite(this.widthUpper)) {
      throw new Error(`Invalid factor: ${String(factor)}. Must be positive number or tuple of 2 numbers`);
    }
    if (this.widthLower < -1 || this.widthUpper < -1) throw new Error(`factor must have values larger than -1. Got: ${String(factor)}`);
    if (this.widthUpper < this.widthLower) {
      throw new Error(`factor cannot have upper bound less than lower bound. Got upper bound: ${this.widthUpper}. Got lower bound: ${this.widthLower}`);
    }
    this.interpolation = checkInterpolation(args.interpolation);
    this.seed = args.seed ?? undefined;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = one(inputShape).slice();
    imageRank(this.name, s);
    s[s.length - 2] = null;
    return s;
  }
  /** The width of this call's output for an input width (draws the factor). */
  private drawWidth(width: number): number {
    const seed = this.seed;
    if (seed !== undefined) this.seed = seed + 1;
    const u = seededRandom(seed)();
    const factor = 1 + this.widthLower + (this.widthUpper - this.widthLower) * u;
    return Math.round(factor * width);
  }
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = first(inputs);
    imageRank(this.name, x.shape);
    const height = x.shape[x.rank - 3];
    const width = this.drawWidth(x.shape[x.rank - 2]);
    return composite(() => resize(x, [height, width], this.interpolation, false));
  }
  override getConfig() {
    return { ...super.getConfig(), factor: this.factor, interpolation: this.interpolation, seed: this.seed ?? null };
  }
}

/**
 * Resizes images to `height` x `width` (bilinear or nearest).
 * @example
 * ```js
 * tf.layers.resizing({ height: 8, width: 8 }).apply(tf.ones([1, 4, 4, 3])).shape; // [1, 8, 8, 3]
 * ```
 */
export const resizing = (args: ResizingArgs) => new Resizing(args);
/**
 * Randomly stretches the width of images by a `factor` while training.
 * @example
 * ```js
 * const y = tf.layers.randomWidth({ factor: 0.2 }).apply(tf.ones([1, 4, 4, 3]));
 * ```
 */
export const randomWidth = (args: RandomWidthArgs) => new RandomWidth(args);
