/**
 * The signal namespace (TF.js `tf.signal`): frame, hannWindow, hammingWindow, stft. frame is one
 * gather over precomputed indices; stft is frame x window, then rfft (src/ops/spectral.ts).
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { mul } from './binary.js';
import { gather } from './indexing.js';
import { concat, reshape } from './layout.js';
import { op, toTensor, type Input } from './operand.js';
import { rfft } from './spectral.js';
import { fill } from './creation.js';
import { cosineWindow, enclosingPowerOfTwo } from './signal_util.js';

/**
 * A periodic Hann window of `windowLength` samples.
 * @example
 * ```js
 * tf.signal.hannWindow(4).print(); // [0, 0.5, 1, 0.5]
 * ```
 */
export function hannWindow(windowLength: number): Tensor {
  return cosineWindow(windowLength, 0.5, 0.5);
}
/**
 * A periodic Hamming window of `windowLength` samples.
 * @example
 * ```js
 * tf.signal.hammingWindow(4).print(); // [0.08, 0.54, 1, 0.54]
 * ```
 */
export function hammingWindow(windowLength: number): Tensor {
  return cosineWindow(windowLength, 0.54, 0.46);
}

/**
 * Frames of a 1-D signal: [numFrames, frameLength], frame f starting at f * frameStep. Without
 * padEnd only whole frames; with padEnd, frames run while they start inside the signal and
 * their tail is padValue.
 * @example
 * ```js
 * tf.signal.frame(tf.tensor([1, 2, 3, 4, 5]), 2, 2).print(); // [[1, 2], [3, 4]]
 * ```
 */
export const frame = op('frame', function frame(signal: Input, frameLength: number, frameStep: number, padEnd = false, padValue = 0): Tensor {
  const x = toTensor(signal, 'frame', 'signal');
  if (x.rank !== 1) throw new Error(`frame: signal must be 1-D, got shape ${fmtShape(x.shape)}`);
  const n = x.size;
  // a zero step is only meaningful when no frame fits (TF.js then gives [0, frameLength])
  const noFrame = frameLength > n && !padEnd;
  if (!Number.isInteger(frameLength) || frameLength < 1 || !Number.isInteger(frameStep) || frameStep < (noFrame ? 0 : 1)) {
    throw new Error(`frame: frameLength (${frameLength}) and frameStep (${frameStep}) must be positive integers`);
  }
  const starts: number[] = [];
  for (let s = 0; s + frameLength <= n; s += frameStep) starts.push(s);
  if (padEnd) for (let s = starts.length * frameStep; s < n; s += frameStep) starts.push(s);
  if (starts.length === 0) return ENGINE.makeTensor(new Float32Array(0), [0, frameLength], x.dtype);
  // an index at n or beyond (s + k < n + frameLength) reads the pad values appended after the signal
  const padded = padEnd ? concat([x, fill([frameLength], padValue, x.dtype)]) : x;
  const idx = new Int32Array(starts.length * frameLength);
  starts.forEach((s, f) => {
    for (let k = 0; k < frameLength; k++) idx[f * frameLength + k] = s + k;
  });
  const indices = ENGINE.makeTensor(idx, [idx.length], 'int32');
  return reshape(gather(padded, indices), [starts.length, frameLength]);
});

/**
 * Short-time Fourier transform: rfft of windowed frames -> [numFrames, fftLength / 2 + 1] complex64.
 * @example
 * ```js
 * tf.signal.stft(tf.randomNormal([256]), 64, 32).shape; // [7, 33]
 * ```
 */
export const stft = op('stft', function stft(
  signal: Input, frameLength: number, frameStep: number, fftLength?: number, windowFn: (length: number) => Tensor = hannWindow,
): Tensor {
  const framed = frame(signal, frameLength, frameStep);
  const windowed = mul(framed, windowFn(frameLength));
  // default FFT size: the smallest power of two >= frameLength (TF.js)
  return rfft(windowed, fftLength ?? enclosingPowerOfTwo(frameLength));
});
