/**
 * TF.js's top-level signal helpers (tfjs-core's signal_ops_util): cosineWindow, the generalized
 * cosine window behind tf.signal.hannWindow / hammingWindow, and enclosingPowerOfTwo, stft's
 * default FFT length.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';

/**
 * TF.js `enclosingPowerOfTwo(value)`: the smallest power of two >= value (1 for value <= 1).
 * @example
 * ```js
 * tf.enclosingPowerOfTwo(100); // 128
 * ```
 */
export function enclosingPowerOfTwo(value: number): number {
  return Math.floor(2 ** Math.ceil(Math.log(value) / Math.log(2)));
}

/**
 * TF.js `cosineWindow(windowLength, a, b)`: a - b cos(2 pi i / (N - 1)), with N + 1 in place of N for
 * even lengths (the periodic form TF.js uses for even N). Length 1 gives [1], as TensorFlow (TF.js
 * computes 0 / 0 = NaN there).
 * @example
 * ```js
 * tf.cosineWindow(4, 0.5, 0.5).print(); // the periodic Hann window [0, 0.5, 1, 0.5]
 * ```
 */
export function cosineWindow(windowLength: number, a: number, b: number): Tensor {
  if (!Number.isInteger(windowLength) || windowLength < 1) throw new Error(`window length must be a positive integer, got ${windowLength}`);
  const even = 1 - (windowLength % 2);
  const v = new Float32Array(windowLength);
  if (windowLength === 1) v[0] = 1;
  else for (let i = 0; i < windowLength; i++) v[i] = a - b * Math.cos((2 * Math.PI * i) / (windowLength + even - 1));
  return ENGINE.makeTensor(v, [windowLength], 'float32');
}
