/**
 * Tensor creation: tensor / tensor1d..4d / scalar, zeros, ones, fill, *Like, range, eye, and
 * seeded random tensors (randomUniform, randomNormal, truncatedNormal). Values are produced on
 * the host and written once to the active backend.
 */
import { aleaGenerator } from './alea.js';
import type { DType } from '../backends/backend.js';
import { ENGINE } from '../engine.js';
import { Tensor } from '../tensor.js';
import { MAX_TENSOR_SIZE, assertShape, assertSize, flatten, fmtShape, inferDtype, inferShape, isTypedArray, sizeOf, type TensorLike } from '../util.js';
import { checkDtype, op, storageFor, toTensor, type Input } from './operand.js';
import { isStringLike, stringTensor } from './string_tensor.js';

/**
 * TF.js `tensor(values, shape?, dtype?)`.
 * @example
 * ```js
 * tf.tensor([[1, 2], [3, 4]]).print();
 * tf.tensor([1, 2, 3, 4], [2, 2], 'int32').print();
 * ```
 */
export function tensor(values: TensorLike, shapeArg?: number[] | null, dtype?: DType | null): Tensor {
  checkDtype('tensor', dtype);
  const shape = shapeArg ?? undefined;
  if (values instanceof Tensor) throw new Error('tensor: values is already a Tensor; use clone()');
  if (values == null) throw new Error('The input to the tensor constructor must be a non-null value.');
  if (dtype === 'string' || (dtype == null && isStringLike(values))) return stringTensor('tensor', values, shape);
  if (dtype === 'complex64') throw new Error('Cannot construct a complex64 tensor directly. Please use tf.complex(real, imag).');
  const inferred = inferShape('tensor', values);
  const flat = flatten(values);
  const dt = dtype ?? inferDtype(values);
  let finalShape = inferred;
  if (shape !== undefined) {
    assertShape('tensor', shape);
    const need = sizeOf(shape);
    if (flat.length !== need && !(flat.length === 1 && inferred.length === 0)) {
      throw new Error(`Based on the provided shape, ${fmtShape(shape)}, the tensor should have ${need} values but has ${flat.length}`);
    }
    // Nested arrays carry their own shape; it must be the one given, except that the innermost
    // level may hold several trailing dimensions flattened (as TF.js allows).
    const fits = inferred.every((d, i) => d === shape[i] || (i === inferred.length - 1 && d === sizeOf(shape.slice(i))));
    if (inferred.length > 1 && !fits) {
      throw new Error(`Error creating a new Tensor. Inferred shape (${inferred}) does not match the provided shape (${shape}).`);
    }
    if (flat.length === 1 && need !== 1) {
      // TF.js fills a scalar value across the shape.
      return fill(shape, flat[0], dt);
    }
    finalShape = shape;
  }
  if (isTypedArray(values) && shape === undefined) finalShape = [(values as ArrayLike<number>).length];
  return ENGINE.makeTensor(storageFor(flat, dt), finalShape, dt);
}

function ranked(op: string, rank: number, values: TensorLike, shape?: number[], dtype?: DType): Tensor {
  const t = tensor(values, shape, dtype);
  if (t.rank !== rank) {
    t.dispose();
    throw new Error(`${op}: expected rank ${rank} values, got shape ${fmtShape(t.shape)}`);
  }
  return t;
}
/**
 * A rank-0 tensor.
 * @example
 * ```js
 * tf.scalar(3.14).print();
 * ```
 */
export const scalar = (value: number | boolean | string | Uint8Array, dtype?: DType) => ranked('scalar', 0, value as TensorLike, undefined, dtype);
/**
 * A rank-1 tensor.
 * @example
 * ```js
 * tf.tensor1d([1, 2, 3]).print();
 * ```
 */
export const tensor1d = (values: TensorLike, dtype?: DType) => ranked('tensor1d', 1, values, undefined, dtype);
/**
 * A rank-2 tensor, from nested arrays or flat values and a shape.
 * @example
 * ```js
 * tf.tensor2d([1, 2, 3, 4], [2, 2]).print(); // [[1, 2], [3, 4]]
 * ```
 */
export const tensor2d = (values: TensorLike, shape?: [number, number], dtype?: DType) => ranked('tensor2d', 2, values, shape, dtype);
/**
 * A rank-3 tensor, from nested arrays or flat values and a shape.
 * @example
 * ```js
 * tf.tensor3d([1, 2, 3, 4], [2, 2, 1]).shape; // [2, 2, 1]
 * ```
 */
export const tensor3d = (values: TensorLike, shape?: [number, number, number], dtype?: DType) => ranked('tensor3d', 3, values, shape, dtype);
/**
 * A rank-4 tensor, from nested arrays or flat values and a shape.
 * @example
 * ```js
 * tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]).shape; // [1, 2, 2, 1]
 * ```
 */
export const tensor4d = (values: TensorLike, shape?: [number, number, number, number], dtype?: DType) => ranked('tensor4d', 4, values, shape, dtype);
/**
 * A rank-5 tensor, from nested arrays or flat values and a shape.
 * @example
 * ```js
 * tf.tensor5d([1, 2, 3, 4], [1, 1, 2, 2, 1]).shape; // [1, 1, 2, 2, 1]
 * ```
 */
export const tensor5d = (values: TensorLike, shape?: [number, number, number, number, number], dtype?: DType) => ranked('tensor5d', 5, values, shape, dtype);
/**
 * A rank-6 tensor, from nested arrays or flat values and a shape.
 * @example
 * ```js
 * tf.tensor6d([1, 2, 3, 4], [1, 1, 1, 2, 2, 1]).shape; // [1, 1, 1, 2, 2, 1]
 * ```
 */
export const tensor6d = (values: TensorLike, shape?: [number, number, number, number, number, number], dtype?: DType) => ranked('tensor6d', 6, values, shape, dtype);

/**
 * A tensor of `shape` with every element `value`.
 * @example
 * ```js
 * tf.fill([2, 2], 7).print(); // [[7, 7], [7, 7]]
 * ```
 */
export function fill(shape: number[], value: number | string, dtype?: DType | null): Tensor {
  return filled('fill', shape, value, dtype);
}
/** fill under the name of the call the user made (zeros, ones, fill) for its errors; a null dtype is the default. */
function filled(op: string, shape: number[], value: number | string, dtypeArg?: DType | null): Tensor {
  assertShape(op, shape);
  checkDtype(op, dtypeArg ?? undefined);
  if (typeof value === 'string' || dtypeArg === 'string') return stringTensor(op, String(value), shape);
  const dtype = dtypeArg ?? 'float32';
  const n = sizeOf(shape);
  const num = value as number;
  const data = dtype === 'float32' ? new Float32Array(n).fill(num) : new Int32Array(n).fill(dtype === 'bool' ? (num ? 1 : 0) : num);
  return ENGINE.makeTensor(data, shape, dtype);
}
/**
 * A tensor of `shape` filled with 0.
 * @example
 * ```js
 * tf.zeros([2, 3]).print();
 * ```
 */
export const zeros = (shape: number[], dtype?: DType | null) => filled('zeros', shape, 0, dtype);
/**
 * A tensor of `shape` filled with 1.
 * @example
 * ```js
 * tf.ones([2, 3]).print();
 * ```
 */
export const ones = (shape: number[], dtype?: DType | null) => filled('ones', shape, 1, dtype);
/**
 * Zeros with the shape and dtype of `x`.
 * @example
 * ```js
 * tf.zerosLike(tf.tensor([1, 2])).print(); // [0, 0]
 * ```
 */
export const zerosLike = op('zerosLike', function zerosLike(x: Input): Tensor {
  const t = toTensor(x, 'zerosLike', 'x');
  const y = fill(t.shape, 0, t.dtype);
  ENGINE.recordZeroGrad('zerosLike', [t], [y]);
  return y;
});
/**
 * Ones with the shape and dtype of `x`.
 * @example
 * ```js
 * tf.onesLike(tf.tensor([1, 2])).print(); // [1, 1]
 * ```
 */
export const onesLike = op('onesLike', function onesLike(x: Input): Tensor {
  const t = toTensor(x, 'onesLike', 'x');
  const y = fill(t.shape, 1, t.dtype);
  ENGINE.recordZeroGrad('onesLike', [t], [y]);
  return y;
});

/**
 * TF.js `range(start, stop, step = 1, dtype)`: a decreasing range with the default step counts
 * down by 1; a step that points away from stop (or a step > 1 counting down) gives [].
 * @example
 * ```js
 * tf.range(0, 10, 3).print(); // [0, 3, 6, 9]
 * ```
 */
export function range(start: number, stop?: number | null, step = 1, dtypeArg?: DType | null): Tensor {
  const dtype = checkDtype('range', dtypeArg ?? 'float32')!;
  if (stop == null) [start, stop] = [0, start];
  if (step === 0) throw new Error('Cannot have a step of zero');
  if (![start, stop, step].every(Number.isFinite)) throw new Error(`range: start, stop and step must be finite numbers, got ${start}, ${stop}, ${step}`);
  const empty = start === stop || (start < stop && step < 0) || (stop < start && step > 1);
  const n = empty ? 0 : Math.abs(Math.ceil((stop - start) / step));
  if (n > MAX_TENSOR_SIZE) {
    throw new Error(`range: start ${start}, stop ${stop}, step ${step} gives ${n} elements, more than the ${MAX_TENSOR_SIZE} (2^31 - 1) a tensor can hold`);
  }
  if (stop < start && step === 1) step = -1;
  const values = Array.from({ length: n }, (_, i) => start + i * step);
  return ENGINE.makeTensor(storageFor(values, dtype), [n], dtype);
}

/**
 * `num` evenly spaced values from `start` to `stop`, both included.
 * @example
 * ```js
 * tf.linspace(0, 1, 5).print(); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isInteger(num) || num < 1) throw new Error(`linspace: num must be a positive integer, got ${num}`);
  assertSize('linspace', [num]);
  const step = num === 1 ? 0 : (stop - start) / (num - 1);
  return ENGINE.makeTensor(Float32Array.from({ length: num }, (_, i) => start + i * step), [num], 'float32');
}

/**
 * TF.js `eye(numRows, numColumns = numRows, batchShape?, dtype = 'float32')`: identity matrices,
 * repeated over `batchShape` ([...batchShape, numRows, numColumns]). A dtype given third is
 * accepted too (tessera's older signature).
 * @example
 * ```js
 * tf.eye(2).print(); // [[1, 0], [0, 1]]
 * ```
 */
export function eye(numRows: number, numColumns?: number | null, batchShape?: number[] | DType | null, dtype?: DType | null): Tensor {
  if (typeof batchShape === 'string') [batchShape, dtype] = [undefined, batchShape];
  const dt = checkDtype('eye', dtype ?? 'float32')!;
  const cols = numColumns ?? numRows;
  const batch = batchShape ?? [];
  assertShape('eye', [...batch, numRows, cols]);
  const one = new Array(numRows * cols).fill(0);
  for (let i = 0; i < Math.min(numRows, cols); i++) one[i * cols + i] = 1;
  const v: number[] = [];
  for (let b = 0; b < sizeOf(batch); b++) v.push(...one);
  return ENGINE.makeTensor(storageFor(v, dt), [...batch, numRows, cols], dt);
}

/**
 * Copy of a tensor's data under a new handle.
 * @example
 * ```js
 * const copy = tf.clone(tf.tensor([1, 2]));
 * ```
 */
export const clone = op('clone', function clone(x: Input): Tensor {
  const t = toTensor(x, 'clone', 'x');
  const out = ENGINE.makeView(t, t.shape);
  ENGINE.record('clone', [t], [out], ([dy]) => [dy]);
  return out;
});

// ---- seeded random ------------------------------------------------------------------------

/**
 * Seedable uniform generator in [0, 1): Baagøe's Alea (three lagged multiply-with-carry
 * terms seeded through his "Mash" string hash). TF.js seeds the same algorithm with
 * `String(seed)`, so a seeded tessera op draws exactly the numbers TF.js draws. Without a seed
 * (`undefined`/`null`) the seed is random, as in TF.js.
 * @example
 * ```js
 * const rand = tf.seededRandom(42);
 * rand(); // the same number on every run
 * ```
 */
export function seededRandom(seed?: number | string | null): () => number {
  ENGINE.tracer?.untraceable('it draws random numbers (a replay would repeat the same draw)');
  return aleaGenerator(seed);
}


/**
 * Normal samples N(mean, stdDev²) by Marsaglia's polar method, pairs drawn in TF.js's order so
 * seeded results match TF.js. `truncated` re-draws a pair whose first value lies beyond two
 * standard deviations and drops a second value that does (TF.js truncatedNormal).
 * @example
 * ```js
 * const sample = tf.gaussianSampler(Math.random, 0, 1);
 * ```
 */
export function gaussianSampler(uniform: () => number, mean = 0, stdDev = 1, truncated = false): () => number {
  let spare = NaN;
  const upper = mean + stdDev * 2, lower = mean - stdDev * 2;
  const inRange = (v: number) => !truncated || (v <= upper && v >= lower);
  return () => {
    if (!Number.isNaN(spare)) { const v = spare; spare = NaN; return v; }
    for (;;) {
      let v1: number, v2: number, s: number;
      do {
        v1 = 2 * uniform() - 1;
        v2 = 2 * uniform() - 1;
        s = v1 * v1 + v2 * v2;
      } while (s >= 1 || s === 0);
      const scale = Math.sqrt((-2 * Math.log(s)) / s);
      const x = mean + stdDev * v1 * scale;
      const y = mean + stdDev * v2 * scale;
      if (!inRange(x)) continue;
      if (inRange(y)) spare = y;
      return x;
    }
  };
}

/**
 * Standard normal samples from a uniform source (see gaussianSampler).
 * @example
 * ```js
 * const sample = tf.normalSampler(tf.seededRandom(1));
 * ```
 */
export const normalSampler = (uniform: () => number): (() => number) => gaussianSampler(uniform);

/**
 * Samples uniformly from [minval, maxval) (0 and 1 by default); `seed` makes it repeatable.
 * @example
 * ```js
 * tf.randomUniform([2, 2], -1, 1, 'float32', 42).print();
 * ```
 */
export function randomUniform(shape: number[], minval = 0, maxval = 1, dtypeArg?: DType | null, seed?: number | string): Tensor {
  assertShape('randomUniform', shape);
  const dtype = checkDtype('randomUniform', dtypeArg ?? 'float32')!;
  if (!(maxval >= minval)) throw new Error(`randomUniform: maxval ${maxval} must be >= minval ${minval}`);
  const rand = seededRandom(seed);
  const n = sizeOf(shape);
  const v = Array.from({ length: n }, () => minval + (maxval - minval) * rand());
  return ENGINE.makeTensor(storageFor(dtype === 'int32' ? v.map(Math.trunc) : v, dtype), shape, dtype);
}

/** int32 samples round to the nearest integer (TF.js), so their mean stays unbiased. */
const roundFor = (dtype: DType, v: number[]) => (dtype === 'int32' ? v.map(Math.round) : v);

/**
 * Samples from a normal distribution (`mean`, `stdDev`); `seed` makes it repeatable.
 * @example
 * ```js
 * tf.randomNormal([2, 2], 0, 1, 'float32', 42).print();
 * ```
 */
export function randomNormal(shape: number[], mean = 0, stdDev = 1, dtypeArg?: 'float32' | 'int32' | null, seed?: number | string): Tensor {
  assertShape('randomNormal', shape);
  const dtype = dtypeArg ?? 'float32';
  if (!(stdDev >= 0)) throw new Error(`randomNormal: stdDev must be >= 0, got ${stdDev}`);
  const normal = gaussianSampler(seededRandom(seed), mean, stdDev);
  const v = Array.from({ length: sizeOf(shape) }, normal);
  return ENGINE.makeTensor(storageFor(roundFor(dtype, v), dtype), shape, dtype);
}

/**
 * Normal samples re-drawn until within two standard deviations (TF.js truncatedNormal).
 * @example
 * ```js
 * tf.truncatedNormal([2, 2], 0, 1, 'float32', 42).print(); // all within 2 standard deviations
 * ```
 */
export function truncatedNormal(shape: number[], mean = 0, stdDev = 1, dtypeArg?: 'float32' | 'int32' | null, seed?: number | string): Tensor {
  assertShape('truncatedNormal', shape);
  const dtype = dtypeArg ?? 'float32';
  // a NaN or non-numeric bound would never accept a sample: refuse it rather than loop forever
  if (typeof mean !== 'number' || !Number.isFinite(mean)) throw new Error(`truncatedNormal: mean must be a finite number, got ${String(mean)}`);
  if (typeof stdDev !== 'number' || !(stdDev >= 0) || !Number.isFinite(stdDev)) {
    throw new Error(`truncatedNormal: stdDev must be a finite number >= 0, got ${String(stdDev)}`);
  }
  const normal = gaussianSampler(seededRandom(seed), mean, stdDev, true);
  const v = Array.from({ length: sizeOf(shape) }, normal);
  return ENGINE.makeTensor(storageFor(roundFor(dtype, v), dtype), shape, dtype);
}
