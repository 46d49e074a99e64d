/**
 * The `tf.browser` namespace (TF.js names and messages): fromPixels / fromPixelsAsync turn
 * ImageData, canvases, images, videos, ImageBitmaps or plain {data, width, height} PixelData into
 * an int32 [height, width, numChannels] tensor; toPixels turns a rank-2/3 tensor into RGBA bytes
 * (and draws them on a canvas when given one). In Node only PixelData and canvas-like objects
 * (with getContext('2d').getImageData) work; anything else throws an Error naming the op.
 */
import { ENGINE } from '../engine.js';
import { Tensor } from '../tensor.js';
import { type Input } from './operand.js';
import { imageArg } from './image_util.js';

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

/** TF.js browser.fromPixels(pixels, numChannels = 3) -> int32 [height, width, numChannels]. */
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

/** TF.js browser.fromPixelsAsync: the same pixels as fromPixels, as a promise. */
export async function fromPixelsAsync(pixels: PixelData | ImageData | object, numChannels = 3): Promise<Tensor> {
  return fromPixels(pixels, numChannels);
}

/**
 * TF.js browser.toPixels(img, canvas?) -> RGBA Uint8ClampedArray of a rank-2 or rank-3 (depth 1,
 * 3 or 4) tensor: float32 values in [0, 1] scale to 0..255, int32 values must be in [0, 255].
 * Depth 1 is gray; alpha is 255 unless depth is 4. With a canvas, also draws the bytes on it.
 */
export async function toPixels(img: Input, canvas?: { width: number; height: number; getContext(kind: '2d'): unknown }): Promise<Uint8ClampedArray> {
  // a tensor-like is read as int32 pixel values (TF.js does the same)
  const x = img instanceof Tensor ? imageArg(img, 'img', 'toPixels') : imageArg(img, 'img', 'toPixels', 'int32');
  try {
    if (x.dtype !== 'float32' && x.dtype !== 'int32') {
      throw new Error(`Unsupported type for toPixels: ${x.dtype}. Please use float32 or int32 tensors.`);
    }
    if (x.rank !== 2 && x.rank !== 3) throw new Error(`toPixels only supports rank 2 or 3 tensors, got rank ${x.rank}.`);
    const [height, width] = x.shape;
    const depth = x.rank === 2 ? 1 : x.shape[2];
    if (depth !== 1 && depth !== 3 && depth !== 4) throw new Error(`toPixels only supports depth of size 1, 3 or 4 but got ${depth}`);
    const data = await x.data();
    const scale = x.dtype === 'float32' ? 255 : 1;
    const [lo, hi] = x.dtype === 'float32' ? [0, 1] : [0, 255];
    const bytes = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < height * width; i++) {
      const rgba = [0, 0, 0, 255];
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
    if (canvas != null) {
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d') as { putImageData(d: unknown, x: number, y: number): void } | null;
      if (!ctx) throw new Error('toPixels: the canvas has no 2-D context');
      const g = globalThis as Record<string, unknown>;
      if (!has('ImageData')) throw new Error('toPixels: drawing on a canvas needs ImageData (a browser or worker)');
      ctx.putImageData(new (g.ImageData as new (d: Uint8ClampedArray, w: number, h: number) => unknown)(bytes, width, height), 0, 0);
    }
    return bytes;
  } finally {
    if (x !== img) x.dispose();
  }
}
