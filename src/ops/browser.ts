/**
 * The `tf.browser` namespace (TF.js names and messages): fromPixels / fromPixelsAsync turn
 * ImageData, canvases, images, videos, ImageBitmaps or plain {data, width, height} PixelData into
 * an int32 [height, width, numChannels] tensor; toPixels turns a rank-2/3 tensor into RGBA bytes
 * (and draws them on a canvas when given one); draw puts a tensor on a canvas with an alpha option. In Node only PixelData and canvas-like objects
 * (with getContext('2d').getImageData) work; anything else throws an Error naming the op.
 */
import { ENGINE } from '../engine.js';
import { Tensor } from '../tensor.js';
import { type Input } from './operand.js';
import { imageArg } from './image_util.js';
import { clone } from './creation.js';

/** TF.js's PixelData: RGBA bytes of a width x height image. */
export interface PixelData {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d', options?: unknown): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}
type DrawableSource = { width: number; height: number } | { videoWidth: number; videoHeight: number; readyState: number };

const has = (name: string) => typeof (globalThis as Record<string, unknown>)[name] === 'function';
const isInstance = (x: unknown, ctor: string) => has(ctor) && x instanceof ((globalThis as Record<string, unknown>)[ctor] as new () => unknown);

function isPixelData(x: unknown): x is PixelData {
  const p = x as PixelData;
  return p != null && typeof p === 'object' && (p.data instanceof Uint8Array || p.data instanceof Uint8ClampedArray) &&
    typeof p.width === 'number' && typeof p.height === 'number' && !isInstance(x, 'ImageData');
}

function describeInput(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  return typeof x === 'object' ? (x as object).constructor?.name ?? 'Object' : typeof x;
}

let scratch: { ctx: { drawImage(...a: unknown[]): void; getImageData(...a: number[]): { data: Uint8ClampedArray } }; canvas: { width: number; height: number } } | null = null;

/** Draws an image, video or bitmap on a reused 2-D canvas and reads its RGBA bytes back. */
function drawAndRead(source: unknown, width: number, height: number): ArrayLike<number> {
  if (!scratch) {
    const g = globalThis as Record<string, unknown>;
    const canvas = has('OffscreenCanvas')
      ? new (g.OffscreenCanvas as new (w: number, h: number) => CanvasLike)(width, height)
      : typeof document !== 'undefined' ? (document.createElement('canvas') as unknown as CanvasLike) : null;
    const ctx = canvas?.getContext('2d', { willReadFrequently: true });
    if (!canvas || !ctx) throw new Error('fromPixels: cannot create a 2-D canvas context to read the pixels in this environment');
    scratch = { ctx: ctx as never, canvas };
  }
  scratch.canvas.width = width;
  scratch.canvas.height = height;
  scratch.ctx.drawImage(source, 0, 0, width, height);
  return scratch.ctx.getImageData(0, 0, width, height).data;
}

/** The RGBA bytes and size of any accepted pixel source. */
function readPixels(pixels: unknown): { rgba: ArrayLike<number>; width: number; height: number } {
  if (pixels == null) throw new Error('pixels passed to tf.browser.fromPixels() can not be null');
  if (isPixelData(pixels) || isInstance(pixels, 'ImageData')) {
    const p = pixels as PixelData;
    return { rgba: p.data, width: p.width, height: p.height };
  }
  if (isInstance(pixels, 'HTMLVideoElement')) {
    const v = pixels as DrawableSource & { videoWidth: number; videoHeight: number; readyState: number };
    if (v.readyState < 2) {
      throw new Error('The video element has not loaded data yet. Please wait for `loadeddata` event on the <video> element.');
    }
    return { rgba: drawAndRead(v, v.videoWidth, v.videoHeight), width: v.videoWidth, height: v.videoHeight };
  }
  if (isInstance(pixels, 'HTMLImageElement') || isInstance(pixels, 'ImageBitmap')) {
    const img = pixels as { width: number; height: number };
    return { rgba: drawAndRead(img, img.width, img.height), width: img.width, height: img.height };
  }
  const canvas = pixels as CanvasLike;
  if (typeof canvas === 'object' && typeof canvas.getContext === 'function') {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('fromPixels: the canvas has no 2-D context (is it already used by WebGL or WebGPU?)');
    return { rgba: ctx.getImageData(0, 0, canvas.width, canvas.height).data, width: canvas.width, height: canvas.height };
  }
  throw new Error(
    'pixels passed to tf.browser.fromPixels() must be either an HTMLVideoElement, HTMLImageElement, HTMLCanvasElement, ' +
    'ImageData in browser, or OffscreenCanvas, ImageData in webworker or {data: Uint32Array, width: number, height: number}, ' +
    `but was ${describeInput(pixels)}`,
  );
}

/**
 * TF.js browser.fromPixels(pixels, numChannels = 3) -> int32 [height, width, numChannels].
 * @example
 * ```js
 * const image = tf.browser.fromPixels(document.querySelector('img')); // [h, w, 3] int32
 * ```
 */
export function fromPixels(pixels: PixelData | ImageData | object, numChannels = 3): Tensor {
  if (!Number.isInteger(numChannels) || numChannels < 1) {
    throw new Error(`fromPixels: numChannels must be a positive integer, but got ${numChannels}`);
  }
  if (numChannels > 4) throw new Error('Cannot construct Tensor with more than 4 channels from pixels.');
  const { rgba, width, height } = readPixels(pixels);
  const n = width * height;
  if (rgba.length < n * 4) {
    throw new Error(`fromPixels: pixel data has ${rgba.length} bytes, but a ${width}x${height} RGBA image needs ${n * 4}`);
  }
  const values = new Int32Array(n * numChannels);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < numChannels; c++) values[i * numChannels + c] = rgba[i * 4 + c];
  }
  return ENGINE.makeTensor(values, [height, width, numChannels], 'int32');
}

/**
 * TF.js browser.fromPixelsAsync: the same pixels as fromPixels, as a promise.
 * @example
 * ```js
 * const image = await tf.browser.fromPixelsAsync(await createImageBitmap(blob));
 * ```
 */
export async function fromPixelsAsync(pixels: PixelData | ImageData | object, numChannels = 3): Promise<Tensor> {
  return fromPixels(pixels, numChannels);
}

type DrawCanvas = { width: number; height: number; getContext(kind: string, attributes?: unknown): unknown };

/** The image checks toPixels and draw share (TF.js's wording). */
function checkImage(x: Tensor): void {
  if (x.rank !== 2 && x.rank !== 3) throw new Error(`toPixels only supports rank 2 or 3 tensors, got rank ${x.rank}.`);
  const depth = x.rank === 2 ? 1 : x.shape[2];
  if (depth !== 1 && depth !== 3 && depth !== 4) throw new Error(`toPixels only supports depth of size 1, 3 or 4 but got ${depth}`);
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`Unsupported type for toPixels: ${x.dtype}. Please use float32 or int32 tensors.`);
  }
}

/**
 * RGBA bytes of a checked image's values: float32 in [0, 1] scales to 0..255, int32 must be in
 * [0, 255]; depth 1 is gray; alpha is 255 * alpha unless depth is 4.
 */
function rgbaBytes(x: Tensor, data: ArrayLike<number>, alpha = 1): Uint8ClampedArray {
  const [height, width] = x.shape;
  const depth = x.rank === 2 ? 1 : x.shape[2];
  const scale = x.dtype === 'float32' ? 255 : 1;
  const [lo, hi] = x.dtype === 'float32' ? [0, 1] : [0, 255];
  const bytes = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < height * width; i++) {
    const rgba = [0, 0, 0, 255 * alpha];
    for (let d = 0; d < depth; d++) {
      const v = data[i * depth + d];
      if (!(v >= lo && v <= hi)) {
        throw new Error(`Tensor values for a ${x.dtype} Tensor must be in the range [${lo} - ${hi}] but encountered ${v}.`);
      }
      if (depth === 1) rgba[0] = rgba[1] = rgba[2] = v * scale;
      else rgba[d] = v * scale;
    }
    for (let k = 0; k < 4; k++) bytes[i * 4 + k] = Math.round(rgba[k]);
  }
  return bytes;
}

/** Size the canvas to the image and put the bytes on its 2-D context. */
function putOnCanvas(op: string, canvas: DrawCanvas, bytes: Uint8ClampedArray, width: number, height: number, attributes?: unknown): void {
  const ctx = canvas.getContext('2d', attributes) as { putImageData(d: unknown, x: number, y: number): void } | null;
  if (!ctx) throw new Error(`${op}: the canvas has no 2-D context`);
  canvas.width = width;
  canvas.height = height;
  const g = globalThis as Record<string, unknown>;
  if (!has('ImageData')) throw new Error(`${op}: drawing on a canvas needs ImageData (a browser or worker)`);
  ctx.putImageData(new (g.ImageData as new (d: Uint8ClampedArray, w: number, h: number) => unknown)(bytes, width, height), 0, 0);
}

/**
 * TF.js browser.toPixels(img, canvas?) -> RGBA Uint8ClampedArray of a rank-2 or rank-3 (depth 1,
 * 3 or 4) tensor: float32 values in [0, 1] scale to 0..255, int32 values must be in [0, 255].
 * Depth 1 is gray; alpha is 255 unless depth is 4. With a canvas, also draws the bytes on it.
 * @example
 * ```js
 * await tf.browser.toPixels(tf.zeros([32, 32, 3], 'int32'), document.querySelector('canvas'));
 * ```
 */
export async function toPixels(img: Input, canvas?: DrawCanvas): Promise<Uint8ClampedArray> {
  // a tensor-like is read as int32 pixel values (TF.js does the same)
  const x = img instanceof Tensor ? imageArg(img, 'img', 'toPixels') : imageArg(img, 'img', 'toPixels', 'int32');
  try {
    checkImage(x);
    const bytes = rgbaBytes(x, await x.data() as ArrayLike<number>);
    if (canvas != null) putOnCanvas('toPixels', canvas, bytes, x.shape[1], x.shape[0]);
    return bytes;
  } finally {
    if (x !== img) x.dispose();
  }
}

/**
 * Options of `tf.browser.draw`: how to map values to pixels.
 */
export interface DrawOptions {
  imageOptions?: { alpha?: number };
  contextOptions?: { contextType?: string; contextAttributes?: unknown };
}

/**
 * TF.js browser.draw(image, canvas, options?): draws a rank-2/3 image tensor on a canvas's 2-D context
 * (values as toPixels; `imageOptions.alpha` in [0, 1] sets the alpha of depth-1 and depth-3 images).
 * The checks run at once; on js and wasm the drawing does too, on webgpu (whose values cannot be read
 * synchronously) it follows once the values arrive, and a bad value is then reported on the console.
 * @example
 * ```js
 * tf.browser.draw(tf.ones([32, 32, 3]), document.querySelector('canvas'));
 * ```
 */
export function draw(image: Input, canvas: DrawCanvas, options?: DrawOptions): void {
  const x = image instanceof Tensor ? imageArg(image, 'img', 'draw') : imageArg(image, 'img', 'draw', 'int32');
  const owned = x !== image;
  let handedOff = false; // the webgpu path disposes x itself once drawn
  try {
    checkImage(x);
    const alpha = options?.imageOptions?.alpha || 1; // TF.js reads a missing or zero alpha as 1
    if (alpha > 1 || alpha < 0) throw new Error(`Alpha value ${alpha} is suppoed to be in range [0 - 1].`); // TF.js's wording, typo included
    const contextType = options?.contextOptions?.contextType || '2d';
    if (contextType !== '2d') throw new Error(`draw: context type '${contextType}' is not supported (tessera draws on a '2d' context)`);
    const paint = (data: ArrayLike<number>) => putOnCanvas('draw', canvas, rgbaBytes(x, data, alpha), x.shape[1], x.shape[0], options?.contextOptions?.contextAttributes ?? {});
    if (ENGINE.getBackend() !== 'webgpu') {
      paint(x.dataSync() as ArrayLike<number>);
      return;
    }
    const pending = owned ? x : clone(x);
    handedOff = owned;
    void pending.data().then((d) => paint(d as ArrayLike<number>)).catch((e) => console.error(e)).finally(() => pending.dispose());
    return;
  } finally {
    if (owned && !handedOff) x.dispose();
  }
}
