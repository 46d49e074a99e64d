/**
 * Random ops beyond creation.ts's uniform/normal ones (TF.js names and signatures): rand,
 * randomStandardNormal, randomUniformInt, randomGamma, multinomial and dropout. Samples are
 * drawn on the host from creation.ts's seedable generator and written once to the backend, so
 * a seed gives the same values on every backend.
 */
import type { DType } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { assertShape, fmtShape, sizeOf } from '../util.js';
import { mul } from './binary.js';
import { clone, normalSampler, randomNormal, seededRandom } from './creation.js';
import { hostValues, storageFor, toTensor, type Input, op } from './operand.js';
import { softmax } from './softmax.js';

/**
 * TF.js `rand(shape, randFunction, dtype?)`: every element from one call of randFunction.
 * @example
 * ```js
 * tf.rand([2, 2], () => Math.random()).print();
 * ```
 */
export function rand(shape: number[], randFunction: () => number, dtype: DType = 'float32'): Tensor {
  assertShape('rand', shape);
  ENGINE.tracer?.untraceable('it calls rand (a replay would repeat the same values)');
  const values = Array.from({ length: sizeOf(shape) }, () => randFunction());
  return ENGINE.makeTensor(storageFor(values, dtype), shape, dtype);
}

/**
 * Standard normal samples (mean 0, stdDev 1).
 * @example
 * ```js
 * tf.randomStandardNormal([2, 2], 'float32', 42).print();
 * ```
 */
export function randomStandardNormal(shape: number[], dtype: 'float32' | 'int32' = 'float32', seed?: number): Tensor {
  return randomNormal(shape, 0, 1, dtype, seed);
}

/**
 * Integers uniform in [minval, maxval).
 * @example
 * ```js
 * tf.randomUniformInt([4], 0, 10, 42).print(); // int32 values in [0, 10)
 * ```
 */
export function randomUniformInt(shape: number[], minval: number, maxval: number, seed?: number | string): Tensor {
  assertShape('randomUniformInt', shape);
  if (!Number.isInteger(minval) || !Number.isInteger(maxval) || maxval <= minval) {
    throw new Error(`randomUniformInt: minval (${minval}) and maxval (${maxval}) must be integers with minval < maxval`);
  }
  const uniform = seededRandom(seed);
  const values = Array.from({ length: sizeOf(shape) }, () => minval + Math.floor(uniform() * (maxval - minval)));
  return ENGINE.makeTensor(Int32Array.from(values), shape, 'int32');
}

/**
 * Gamma(alpha, beta) samples (beta is the rate: mean alpha / beta), by Marsaglia and Tsang's
 * squeeze method; alpha < 1 boosts a sample of alpha + 1 by u^(1/alpha).
 * @example
 * ```js
 * tf.randomGamma([3], 2, 1, 'float32', 42).print();
 * ```
 */
export function randomGamma(shape: number[], alpha: number, beta = 1, dtype: 'float32' | 'int32' = 'float32', seed?: number): Tensor {
  assertShape('randomGamma', shape);
  if (!(alpha > 0) || !(beta > 0)) throw new Error(`randomGamma: alpha (${alpha}) and beta (${beta}) must be positive`);
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`randomGamma: unsupported dtype ${dtype}`);
  const uniform = seededRandom(seed);
  const normal = normalSampler(uniform);
  const a = alpha < 1 ? alpha + 1 : alpha;
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const sample = (): number => {
    for (;;) {
      let x: number, v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        const g = d * v;
        return (alpha < 1 ? g * Math.pow(uniform() || Number.MIN_VALUE, 1 / alpha) : g) / beta;
      }
    }
  };
  const values = Array.from({ length: sizeOf(shape) }, sample);
  return ENGINE.makeTensor(storageFor(values, dtype), shape, dtype);
}

/** Row-wise softmax of `values` viewed [rows, width], in float64 (max-shifted, so stable). */
function hostSoftmaxRows(values: Float64Array, width: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let r = 0; r < values.length; r += width) {
    let max = -Infinity;
    for (let k = r; k < r + width; k++) max = Math.max(max, values[k]);
    let total = 0;
    for (let k = r; k < r + width; k++) total += (out[k] = Math.exp(values[k] - max));
    for (let k = r; k < r + width; k++) out[k] /= total;
  }
  return out;
}

/**
 * `numSamples` class indices per row of logits [batch, numOutcomes] (or [numOutcomes]), drawn
 * from softmax(logits), or from the given probabilities when `normalized`. int32 output.
 * @example
 * ```js
 * tf.multinomial(tf.tensor([0, 10]), 3, 42).print(); // almost surely [1, 1, 1]
 * ```
 */
export const multinomial = op('multinomial', function multinomial(logits: Input, numSamples: number, seed?: number, normalized = false): Tensor {
  const t = toTensor(logits, 'multinomial', 'logits');
  if (t.rank !== 1 && t.rank !== 2) throw new Error(`multinomial: logits must be rank 1 or 2, got shape ${fmtShape(t.shape)}`);
  const numOutcomes = t.shape[t.rank - 1];
  if (numOutcomes < 2) throw new Error(`multinomial: number of outcomes must be greater than 1, got ${numOutcomes}`);
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new Error(`multinomial: numSamples must be a positive integer, got ${numSamples}`);
  const batch = t.rank === 1 ? 1 : t.shape[0];
  // sampling runs on the host: read the logits (a host copy on webgpu) and normalise them here
  const values = Float64Array.from(hostValues('multinomial', t));
  const probs = normalized ? values : hostSoftmaxRows(values, numOutcomes);
  const uniform = seededRandom(seed);
  const out = new Int32Array(batch * numSamples);
  for (let b = 0; b < batch; b++) {
    const row = probs.subarray(b * numOutcomes, (b + 1) * numOutcomes);
    let total = 0;
    for (const p of row) total += p;
    for (let s = 0; s < numSamples; s++) {
      let r = uniform() * total;
      let k = 0;
      while (k < numOutcomes - 1 && r >= row[k]) r -= row[k++];
      out[b * numSamples + s] = k;
    }
  }
  return ENGINE.makeTensor(out, t.rank === 1 ? [numSamples] : [batch, numSamples], 'int32');
});

/**
 * TF.js `dropout(x, rate, noiseShape?, seed?)`: zero elements with probability `rate` and
 * scale the kept ones by 1 / (1 - rate). `noiseShape` (broadcast to x) shares one draw
 * across the dimensions where it is 1.
 * @example
 * ```js
 * tf.dropout(tf.ones([4]), 0.5, null, 42).print(); // each 0 or 2
 * ```
 */
export const dropout = op('dropout', function dropout(x: Input, rate: number, noiseShape?: number[], seed?: number | string): Tensor {
  const t = toTensor(x, 'dropout', 'x');
  if (t.dtype !== 'float32') throw new Error(`x has to be a floating point tensor since it's going to be scaled, but got a ${t.dtype} tensor instead.`);
  if (!(rate >= 0 && rate < 1)) throw new Error(`rate must be a float in the range [0, 1), but got ${rate}.`);
  if (rate === 0) return clone(t);
  const shape = noiseShape ?? t.shape;
  assertShape('dropout', shape);
  const uniform = seededRandom(seed);
  const keep = 1 - rate;
  const mask = Float32Array.from({ length: sizeOf(shape) }, () => (uniform() < keep ? 1 / keep : 0));
  const m = ENGINE.makeTensor(mask, shape, 'float32');
  return mul(t, m);
});
