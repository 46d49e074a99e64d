/**
 * Weight initializers with TF.js names, configs and seeds: zeros, ones, constant,
 * randomNormal/Uniform, truncatedNormal, varianceScaling and its presets (glorot*, he*,
 * leCun*), orthogonal and identity. Serializable as {className, config}.
 */
import type { DType } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { sizeOf } from '../util.js';
import * as creation from '../ops/creation.js';
import { fill, normalSampler, seededRandom } from '../ops/creation.js';
import { storageFor } from '../ops/operand.js';

/**
 * Makes the initial value of a weight: `apply(shape, dtype)` returns a tensor.
 */
export interface Initializer {
  readonly className: string;
  apply(shape: number[], dtype?: DType): Tensor;
  getConfig(): Record<string, unknown>;
}
/**
 * An initializer, or its name ('glorotUniform', ...), or its serialized {className, config} form.
 */
export type InitializerSpec = string | Initializer | { className: string; config?: Record<string, unknown> };

/**
 * Fan-in and fan-out the way Keras computes them (conv kernels: receptive field * channels).
 * @example
 * ```js
 * tf.initializers.computeFans([3, 3, 16, 32]); // [144, 288]
 * ```
 */
export function computeFans(shape: number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = sizeOf(shape.slice(0, -2));
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

function simple(className: string, config: Record<string, unknown>, fn: (shape: number[], dtype: DType) => Tensor): Initializer {
  return { className, apply: (shape, dtype = 'float32') => fn(shape, dtype), getConfig: () => ({ ...config }) };
}

/**
 * Initializes weights to 0.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, biasInitializer: tf.initializers.zeros() });
 * ```
 */
export const zeros = () => simple('Zeros', {}, (s, d) => fill(s, 0, d));
/**
 * Initializes weights to 1.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.ones() });
 * ```
 */
export const ones = () => simple('Ones', {}, (s, d) => fill(s, 1, d));
/**
 * Initializes weights to `value`.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, biasInitializer: tf.initializers.constant({ value: 0.1 }) });
 * ```
 */
export const constant = (c: { value: number }) => simple('Constant', { value: c.value }, (s, d) => fill(s, c.value, d));
/**
 * Draws weights from a normal distribution (`mean`, `stddev`).
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.randomNormal({ stddev: 0.02, seed: 1 }) });
 * ```
 */
export const randomNormal = (c: { mean?: number; stddev?: number; seed?: number } = {}) =>
  simple('RandomNormal', { mean: c.mean ?? 0, stddev: c.stddev ?? 0.05, seed: c.seed ?? null }, (s) =>
    creation.randomNormal(s, c.mean ?? 0, c.stddev ?? 0.05, 'float32', c.seed));
/**
 * Draws weights uniformly from [`minval`, `maxval`).
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1 }) });
 * ```
 */
export const randomUniform = (c: { minval?: number; maxval?: number; seed?: number } = {}) =>
  simple('RandomUniform', { minval: c.minval ?? -0.05, maxval: c.maxval ?? 0.05, seed: c.seed ?? null }, (s) =>
    creation.randomUniform(s, c.minval ?? -0.05, c.maxval ?? 0.05, 'float32', c.seed));
/**
 * Draws weights from a normal distribution, redrawing values more than two standard deviations out.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.truncatedNormal({ stddev: 0.05 }) });
 * ```
 */
export const truncatedNormal = (c: { mean?: number; stddev?: number; seed?: number } = {}) =>
  simple('TruncatedNormal', { mean: c.mean ?? 0, stddev: c.stddev ?? 0.05, seed: c.seed ?? null }, (s) =>
    creation.truncatedNormal(s, c.mean ?? 0, c.stddev ?? 0.05, 'float32', c.seed));

/**
 * Options of `tf.initializers.varianceScaling`: scale, mode ('fanIn' | 'fanOut' | 'fanAvg'), distribution and seed.
 */
export interface VarianceScalingConfig {
  scale?: number;
  mode?: 'fanIn' | 'fanOut' | 'fanAvg' | 'fan_in' | 'fan_out' | 'fan_avg';
  distribution?: 'normal' | 'uniform' | 'truncatedNormal' | 'truncated_normal' | 'untruncated_normal';
  seed?: number;
}
/**
 * Draws weights with variance `scale / n`, n the fan-in, fan-out or their mean (`mode`).
 * @example
 * ```js
 * const init = tf.initializers.varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'normal' });
 * tf.layers.dense({ units: 4, kernelInitializer: init });
 * ```
 */
export function varianceScaling(c: VarianceScalingConfig = {}, className = 'VarianceScaling'): Initializer {
  const scale = c.scale ?? 1;
  const mode = (c.mode ?? 'fanIn').replace('_in', 'In').replace('_out', 'Out').replace('_avg', 'Avg');
  const distribution = (c.distribution ?? 'normal').replace('truncated_normal', 'truncatedNormal');
  if (!(scale > 0)) throw new Error(`varianceScaling: scale must be positive, got ${scale}`);
  return {
    className,
    // camelCase as TF.js's getConfig (the saved JSON has fan_avg etc. through the topology's snake_case)
    getConfig: () => ({ scale, mode, distribution, seed: c.seed ?? null }),
    apply(shape, dtype = 'float32') {
      const [fanIn, fanOut] = computeFans(shape);
      const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
      const s = scale / Math.max(1, n);
      if (distribution === 'uniform') {
        const limit = Math.sqrt(3 * s);
        return creation.randomUniform(shape, -limit, limit, dtype, c.seed);
      }
      if (distribution === 'untruncated_normal') return creation.randomNormal(shape, 0, Math.sqrt(s), 'float32', c.seed);
      // TF.js draws 'normal' from a normal truncated at two standard deviations of sqrt(s), without
      // Keras's variance correction; the same draw keeps seeded weights identical to TF.js's.
      return creation.truncatedNormal(shape, 0, Math.sqrt(s), dtype === 'int32' ? 'int32' : 'float32', c.seed);
    },
  };
}
/**
 * Glorot (Xavier) uniform: limits `sqrt(6 / (fanIn + fanOut))`.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) });
 * ```
 */
export const glorotUniform = (c: { seed?: number } = {}) => varianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: c.seed }, 'GlorotUniform');
/**
 * Glorot (Xavier) normal: stddev `sqrt(2 / (fanIn + fanOut))`, truncated.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({}) });
 * ```
 */
export const glorotNormal = (c: { seed?: number } = {}) => varianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'normal', seed: c.seed }, 'GlorotNormal');
/**
 * He uniform: limits `sqrt(6 / fanIn)`, for ReLU layers.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.heUniform({}) });
 * ```
 */
export const heUniform = (c: { seed?: number } = {}) => varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'uniform', seed: c.seed }, 'HeUniform');
/**
 * He normal: stddev `sqrt(2 / fanIn)`, truncated, for ReLU layers.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.heNormal({}) });
 * ```
 */
export const heNormal = (c: { seed?: number } = {}) => varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'normal', seed: c.seed }, 'HeNormal');
/**
 * LeCun normal: stddev `sqrt(1 / fanIn)`, truncated, for SELU layers.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.leCunNormal({}) });
 * ```
 */
export const leCunNormal = (c: { seed?: number } = {}) => varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'normal', seed: c.seed }, 'LeCunNormal');
/**
 * LeCun uniform: limits `sqrt(3 / fanIn)`.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.leCunUniform({}) });
 * ```
 */
export const leCunUniform = (c: { seed?: number } = {}) => varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'uniform', seed: c.seed }, 'LeCunUniform');

/**
 * Orthogonal matrix (Gram-Schmidt on a seeded normal matrix), reshaped to `shape`.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.orthogonal({ gain: 1 }) });
 * ```
 */
export function orthogonal(c: { gain?: number; seed?: number } = {}): Initializer {
  const gain = c.gain ?? 1;
  return {
    className: 'Orthogonal',
    getConfig: () => ({ gain, seed: c.seed ?? null }),
    apply(shape, dtype = 'float32') {
      if (shape.length < 2) throw new Error(`orthogonal: shape must have rank >= 2, got [${shape}]`);
      const cols = shape[shape.length - 1];
      const rows = sizeOf(shape) / cols;
      const n = Math.max(rows, cols), m = Math.min(rows, cols);
      const normal = normalSampler(seededRandom(c.seed));
      // m orthonormal vectors of length n.
      const q: number[][] = [];
      while (q.length < m) {
        const v = Array.from({ length: n }, () => normal());
        for (const u of q) {
          const d = v.reduce((acc, x, i) => acc + x * u[i], 0);
          for (let i = 0; i < n; i++) v[i] -= d * u[i];
        }
        const norm = Math.hypot(...v);
        if (norm > 1e-6) q.push(v.map((x) => x / norm));
      }
      const out = new Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < cols; k++) out[r * cols + k] = gain * (rows >= cols ? q[k][r] : q[r][k]);
      }
      return ENGINE.makeTensor(storageFor(out, dtype), shape, dtype);
    },
  };
}

/**
 * Initializes a square 2-D weight to `gain` times the identity matrix.
 * @example
 * ```js
 * tf.layers.dense({ units: 4, inputShape: [4], kernelInitializer: tf.initializers.identity({ gain: 1 }) });
 * ```
 */
export function identity(c: { gain?: number } = {}): Initializer {
  const gain = c.gain ?? 1;
  return simple('Identity', { gain }, (shape, dtype) => {
    if (shape.length !== 2) throw new Error(`identity initializer: shape must be 2-D, got [${shape}]`);
    const v = new Array(shape[0] * shape[1]).fill(0);
    for (let i = 0; i < Math.min(shape[0], shape[1]); i++) v[i * shape[1] + i] = gain;
    return ENGINE.makeTensor(storageFor(v, dtype), shape, dtype);
  });
}

const BY_NAME: Record<string, (c: any) => Initializer> = {
  zeros, ones, constant, randomnormal: randomNormal, randomuniform: randomUniform, truncatednormal: truncatedNormal,
  variancescaling: (c) => varianceScaling(c), glorotuniform: glorotUniform, glorotnormal: glorotNormal,
  heuniform: heUniform, henormal: heNormal, lecunnormal: leCunNormal, lecununiform: leCunUniform,
  orthogonal, identity,
};

/**
 * Resolve 'glorotUniform' | 'glorot_uniform' | {className, config} | Initializer.
 * @example
 * ```js
 * const init = tf.initializers.getInitializer('glorotUniform');
 * ```
 */
export function getInitializer(spec: InitializerSpec): Initializer {
  if (typeof spec === 'object' && 'apply' in spec) return spec;
  const name = typeof spec === 'string' ? spec : spec.className;
  const config = typeof spec === 'string' ? {} : spec.config ?? {};
  const f = BY_NAME[name.replace(/_/g, '').toLowerCase()];
  if (!f) throw new Error(`initializer: unknown initializer '${name}'`);
  const c = { ...config } as Record<string, unknown>;
  if (c.seed === null) delete c.seed;
  return f(c);
}
