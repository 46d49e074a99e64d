/**
 * Layout ops (TF.js names): reshape, transpose, broadcastTo, expandDims, squeeze, slice,
 * concat, stack, unstack, split, tile, pad, reverse. Most lower to one generic strided-copy
 * kernel (offset + per-dim strides + wrap-around), so backends implement a single gather loop.
 */
import { MAX_KERNEL_RANK } from '../backends/kernels.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { assertShape, fmtShape, normAxes, normAxis, shapesEqual, sizeOf, stridesOf } from '../util.js';
import { runOp, toTensor, upcastDtype, type Input, op } from './operand.js';
import { reduceTo } from './binary.js';
import { sum } from './reduce.js';
import { cast, neg } from './unary.js';
import { complex, imag, real } from './complex.js';

/**
 * One strided copy, dims collapsed where contiguous so the kernel's rank limit holds.
 * @example
 * ```js
 * const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
 * tf.stridedCopy('transpose', x, [3, 2], [1, 3], 0).print(); // [[1, 4], [2, 5], [3, 6]]
 * ```
 */
export function stridedCopy(op: string, x: Tensor, outShape: number[], inStrides: number[], offset: number, modDims = outShape): Tensor {
  const shape: number[] = [];
  const strides: number[] = [];
  const mods: number[] = [];
  for (let d = 0; d < outShape.length; d++) {
    if (outShape[d] === 1) continue;
    const last = shape.length - 1;
    const wraps = modDims[d] !== outShape[d];
    if (last >= 0 && !wraps && mods[last] === shape[last] && strides[last] === inStrides[d] * outShape[d]) {
      shape[last] *= outShape[d];
      mods[last] = shape[last];
      strides[last] = inStrides[d];
    } else {
      shape.push(outShape[d]);
      strides.push(inStrides[d]);
      mods.push(modDims[d]);
    }
  }
  if (shape.length > MAX_KERNEL_RANK) {
    throw new Error(`${op}: shape ${fmtShape(x.shape)} -> ${fmtShape(outShape)} needs ${shape.length} distinct dims; at most ${MAX_KERNEL_RANK} are supported`);
  }
  return runOp('copyStrided', [x], outShape, x.dtype, { outShape: shape, inStrides: strides, modDims: mods, offset });
}

/**
 * The same values in a new shape (one dimension may be -1).
 * @example
 * ```js
 * tf.reshape(tf.tensor([1, 2, 3, 4]), [2, -1]).print(); // [[1, 2], [3, 4]]
 * ```
 */
export const reshape = op('reshape', function reshape(x: Input, shape: number[]): Tensor {
  const t = toTensor(x, 'reshape', 'x');
  if (!Array.isArray(shape)) throw new Error(`reshape: shape must be an array, got ${typeof shape}`);
  const out = shape.slice();
  const neg = out.filter((d) => d === -1).length;
  if (neg > 1 || out.some((d) => !Number.isInteger(d) || d < -1)) throw new Error(`reshape: invalid shape ${fmtShape(shape)}`);
  if (neg === 1) {
    const known = sizeOf(out.filter((d) => d !== -1));
    const i = out.indexOf(-1);
    if (known === 0 || t.size % known !== 0) {
      throw new Error(`reshape: cannot reshape ${fmtShape(t.shape)} (size ${t.size}) to ${fmtShape(shape)}`);
    }
    out[i] = t.size / known;
  }
  if (sizeOf(out) !== t.size) {
    throw new Error(`reshape: cannot reshape ${fmtShape(t.shape)} (size ${t.size}) to ${fmtShape(shape)} (size ${sizeOf(out)})`);
  }
  const y = ENGINE.makeView(t, out);
  ENGINE.record('reshape', [t], [y], ([dy]) => [dy ? reshape(dy, t.shape) : null]);
  return y;
});

/**
 * Permutes the dimensions (reverses them by default).
 * @example
 * ```js
 * tf.transpose(tf.tensor2d([[1, 2, 3]])).shape; // [3, 1]
 * ```
 */
export const transpose = op('transpose', function transpose(x: Input, perm?: number[], conjugate = false): Tensor {
  const t = toTensor(x, 'transpose', 'x');
  const p = perm ?? t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || !t.shape.every((_, i) => p.includes(i)) || p.some((v) => !Number.isInteger(v))) {
    throw new Error(`transpose: perm [${p}] is not a permutation of the ${t.rank} axes of a tensor of shape ${fmtShape(t.shape)}`);
  }
  const strides = stridesOf(t.shape);
  const y = stridedCopy('transpose', t, p.map((a) => t.shape[a]), p.map((a) => strides[a]), 0);
  const inv = p.map((_, i) => p.indexOf(i));
  ENGINE.record('transpose', [t], [y], ([dy]) => [dy ? transpose(dy, inv) : null]);
  // conjugate transpose of complex64 (TF.js): negate the imaginary part
  if (conjugate && y.dtype === 'complex64') return complex(real(y), neg(imag(y)));
  return y;
});

/**
 * Broadcasts `x` to `shape` (NumPy rules).
 * @example
 * ```js
 * tf.broadcastTo(tf.tensor([1, 2]), [2, 2]).print(); // [[1, 2], [1, 2]]
 * ```
 */
export const broadcastTo = op('broadcastTo', function broadcastTo(x: Input, shape: number[]): Tensor {
  const t = toTensor(x, 'broadcastTo', 'x');
  assertShape('broadcastTo', shape);
  if (shape.length < t.rank) throw new Error(`broadcastTo: cannot broadcast ${fmtShape(t.shape)} to lower rank ${fmtShape(shape)}`);
  const lead = shape.length - t.rank;
  const strides = stridesOf(t.shape);
  const inStrides = shape.map((d, i) => {
    if (i < lead) return 0;
    const sd = t.shape[i - lead];
    if (sd !== d && sd !== 1) throw new Error(`broadcastTo: cannot broadcast ${fmtShape(t.shape)} to ${fmtShape(shape)}`);
    return sd === 1 ? 0 : strides[i - lead];
  });
  if (shapesEqual(t.shape, shape)) {
    const same = ENGINE.makeView(t, shape);
    ENGINE.record('broadcastTo', [t], [same], ([dy]) => [dy]);
    return same;
  }
  const y = stridedCopy('broadcastTo', t, shape, inStrides, 0);
  ENGINE.record('broadcastTo', [t], [y], ([dy]) => [dy ? reduceTo(dy, t.shape) : null]);
  return y;
});

/**
 * Inserts a dimension of size 1 at `axis` (0 by default).
 * @example
 * ```js
 * tf.expandDims(tf.tensor([1, 2]), 1).shape; // [2, 1]
 * ```
 */
export const expandDims = op('expandDims', function expandDims(x: Input, axis = 0): Tensor {
  const t = toTensor(x, 'expandDims', 'x');
  const a = normAxis('expandDims', axis, t.rank + 1);
  const shape = t.shape.slice();
  shape.splice(a, 0, 1);
  return reshape(t, shape);
});

/**
 * Removes dimensions of size 1 (all, or those in `axis`).
 * @example
 * ```js
 * tf.squeeze(tf.ones([1, 3, 1])).shape; // [3]
 * ```
 */
export const squeeze = op('squeeze', function squeeze(x: Input, axis?: number[] | number): Tensor {
  const t = toTensor(x, 'squeeze', 'x');
  // No axis, or an empty list (TF.js), squeezes every size-1 dimension.
  const all = axis == null || (Array.isArray(axis) && axis.length === 0);
  const axes = all ? t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normAxes('squeeze', axis, t.rank);
  for (const a of axes) {
    if (t.shape[a] !== 1) throw new Error(`squeeze: cannot squeeze axis ${a} of shape ${fmtShape(t.shape)} (size ${t.shape[a]} != 1)`);
  }
  return reshape(t, t.shape.filter((_, i) => !axes.includes(i)));
});

/**
 * The slice starting at `begin` of `size` (-1: to the end).
 * @example
 * ```js
 * tf.slice(tf.tensor([1, 2, 3, 4]), [1], [2]).print(); // [2, 3]
 * ```
 */
export const slice = op('slice', function slice(x: Input, begin: number | number[], size?: number | number[]): Tensor {
  const t = toTensor(x, 'slice', 'x');
  const b = typeof begin === 'number' ? [begin, ...new Array(Math.max(t.rank - 1, 0)).fill(0)] : begin.slice();
  while (b.length < t.rank) b.push(0);
  const s = size === undefined ? t.shape.map(() => -1) : typeof size === 'number' ? [size, ...new Array(Math.max(t.rank - 1, 0)).fill(-1)] : size.slice();
  while (s.length < t.rank) s.push(-1);
  if (b.length !== t.rank || s.length !== t.rank) {
    throw new Error(`slice: begin [${b}] / size [${s}] do not match rank ${t.rank} of shape ${fmtShape(t.shape)}`);
  }
  if (b.some((v) => v < 0)) throw new Error(`slice() does not support negative begin indexing. (slice: begin [${b}] for shape ${fmtShape(t.shape)})`);
  const outShape = s.map((v, i) => (v === -1 ? t.shape[i] - b[i] : v));
  for (let i = 0; i < t.rank; i++) {
    if (!Number.isInteger(b[i]) || b[i] < 0 || outShape[i] < 0 || b[i] + outShape[i] > t.shape[i]) {
      throw new Error(`slice: begin [${b}] and size [${s}] are out of bounds for shape ${fmtShape(t.shape)} (axis ${i})`);
    }
  }
  const strides = stridesOf(t.shape);
  const offset = b.reduce((acc, v, i) => acc + v * strides[i], 0);
  const y = stridedCopy('slice', t, outShape, strides, offset);
  ENGINE.record('slice', [t], [y], ([dy]) => [dy ? pad(dy, b.map((v, i) => [v, t.shape[i] - v - outShape[i]] as [number, number])) : null]);
  return y;
});

/**
 * Joins tensors along `axis` (0 by default).
 * @example
 * ```js
 * tf.concat([tf.tensor([1, 2]), tf.tensor([3])]).print(); // [1, 2, 3]
 * ```
 */
export const concat = op('concat', function concat(tensors: Input[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('concat: expected a non-empty list of tensors');
  const ts = tensors.map((x, i) => toTensor(x, 'concat', `tensors[${i}]`));
  const rank = ts[0].rank;
  if (rank === 0) throw new Error('concat: cannot concatenate scalars; use stack');
  const a = normAxis('concat', axis, rank);
  for (const t of ts) {
    if (t.rank !== rank || t.shape.some((d, i) => i !== a && d !== ts[0].shape[i])) {
      throw new Error(`concat: shapes ${ts.map((q) => fmtShape(q.shape)).join(', ')} must match except along axis ${a}`);
    }
  }
  const dtype = ts.map((t) => t.dtype).reduce(upcastDtype);
  // The copy kernel moves raw 4-byte words, so inputs of another dtype are converted first.
  for (let k = 0; k < ts.length; k++) if (ts[k].dtype !== dtype) ts[k] = cast(ts[k], dtype);
  const outShape = ts[0].shape.slice();
  outShape[a] = ts.reduce((acc, t) => acc + t.shape[a], 0);
  const outer = sizeOf(outShape.slice(0, a));
  const outInner = sizeOf(outShape.slice(a));
  const y = ENGINE.makeOutput(outShape, dtype);
  let offset = 0;
  for (const t of ts) {
    const inner = sizeOf(t.shape.slice(a));
    if (t.size > 0) ENGINE.runKernel('copyInto', [t], [y], { outer, inner, outInner, offset });
    offset += inner;
  }
  ENGINE.record('concat', ts, [y], ([dy]) => (dy ? split(dy, ts.map((t) => t.shape[a]), a) : ts.map(() => null)));
  return y;
});

/**
 * Stacks same-shaped tensors along a new `axis` (0 by default).
 * @example
 * ```js
 * tf.stack([tf.tensor([1, 2]), tf.tensor([3, 4])]).print(); // [[1, 2], [3, 4]]
 * ```
 */
export const stack = op('stack', function stack(tensors: Input[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error('stack: expected a non-empty list of tensors');
  const ts = tensors.map((x, i) => toTensor(x, 'stack', `tensors[${i}]`));
  for (const t of ts) {
    if (!shapesEqual(t.shape, ts[0].shape)) throw new Error(`stack: all shapes must match, got ${ts.map((q) => fmtShape(q.shape)).join(', ')}`);
    if (t.dtype !== ts[0].dtype) throw new Error('All tensors passed to stack must have matching dtypes');
  }
  const a = normAxis('stack', axis, ts[0].rank + 1);
  return concat(ts.map((t) => expandDims(t, a)), a);
});

/**
 * Splits `x` along `axis` into tensors of one lower rank.
 * @example
 * ```js
 * tf.unstack(tf.tensor2d([[1, 2], [3, 4]])).forEach((t) => t.print()); // [1, 2] then [3, 4]
 * ```
 */
export const unstack = op('unstack', function unstack(x: Input, axis = 0): Tensor[] {
  const t = toTensor(x, 'unstack', 'x');
  if (!(axis >= -t.rank && axis < t.rank)) throw new Error(`Axis = ${axis} is not in [-${t.rank}, ${t.rank})`);
  const a = normAxis('unstack', axis, t.rank);
  return split(t, t.shape[a], a).map((p) => squeeze(p, [a]));
});

/**
 * Splits `x` along `axis` into `numOrSizeSplits` equal parts, or parts of the given sizes.
 * @example
 * ```js
 * const [a, b] = tf.split(tf.tensor([1, 2, 3, 4]), [1, 3]); // [1] and [2, 3, 4]
 * ```
 */
export const split = op('split', function split(x: Input, numOrSizeSplits: number | number[], axis = 0): Tensor[] {
  const t = toTensor(x, 'split', 'x');
  const a = normAxis('split', axis, t.rank);
  const dim = t.shape[a];
  let sizes: number[];
  if (typeof numOrSizeSplits === 'number') {
    if (!Number.isInteger(numOrSizeSplits) || numOrSizeSplits <= 0 || dim % numOrSizeSplits !== 0) {
      throw new Error(`split: axis ${a} of size ${dim} cannot be split into ${numOrSizeSplits} equal parts`);
    }
    sizes = new Array(numOrSizeSplits).fill(dim / numOrSizeSplits);
  } else {
    sizes = numOrSizeSplits.slice();
    const neg = sizes.indexOf(-1);
    if (neg >= 0) sizes[neg] = dim - sizes.reduce((acc, v, i) => (i === neg ? acc : acc + v), 0);
    if (sizes.reduce((p, v) => p + v, 0) !== dim || sizes.some((v) => v < 0)) {
      throw new Error(`split: sizes [${numOrSizeSplits}] do not add up to ${dim} (axis ${a} of ${fmtShape(t.shape)})`);
    }
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    const begin = t.shape.map((_, i) => (i === a ? start : 0));
    const size = t.shape.map((d, i) => (i === a ? s : d));
    out.push(slice(t, begin, size));
    start += s;
  }
  return out;
});

/**
 * Repeats `x` `reps[i]` times along each dimension i.
 * @example
 * ```js
 * tf.tile(tf.tensor([1, 2]), [2]).print(); // [1, 2, 1, 2]
 * ```
 */
export const tile = op('tile', function tile(x: Input, reps: number[]): Tensor {
  const t = toTensor(x, 'tile', 'x');
  if (!Array.isArray(reps) || reps.length !== t.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new Error(`tile: reps [${reps}] must be ${t.rank} non-negative integers for shape ${fmtShape(t.shape)}`);
  }
  const outShape = t.shape.map((d, i) => d * reps[i]);
  const y = stridedCopy('tile', t, outShape, stridesOf(t.shape), 0, t.shape);
  ENGINE.record('tile', [t], [y], ([dy]) => {
    if (!dy) return [null];
    // Sum over the repetition axes of a [r0, d0, r1, d1, ...] view.
    const inter = reshape(dy, t.shape.flatMap((d, i) => [reps[i], d]));
    return [reshape(sum(inter, t.shape.map((_, i) => 2 * i)), t.shape)];
  });
  return y;
});

/**
 * Pads each dimension with `paddings[i] = [before, after]` copies of `constantValue` (0).
 * @example
 * ```js
 * tf.pad(tf.tensor([1, 2]), [[1, 2]]).print(); // [0, 1, 2, 0, 0]
 * ```
 */
export const pad = op('pad', function pad(x: Input, paddings: Array<[number, number]>, constantValue = 0): Tensor {
  const t = toTensor(x, 'pad', 'x');
  if (!Array.isArray(paddings) || paddings.length !== t.rank || paddings.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new Error(`pad: paddings ${JSON.stringify(paddings)} must be ${t.rank} pairs of non-negative integers for shape ${fmtShape(t.shape)}`);
  }
  const outShape = t.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  if (t.size === 0) {
    const out = ENGINE.makeTensor(t.dtype === 'float32' ? new Float32Array(sizeOf(outShape)).fill(constantValue) : new Int32Array(sizeOf(outShape)).fill(constantValue), outShape, t.dtype);
    return out;
  }
  const y = runOp('pad', [t], outShape, t.dtype, { outShape, inShape: t.shape, padBefore: paddings.map((p) => p[0]), value: constantValue });
  ENGINE.record('pad', [t], [y], ([dy]) => [dy ? slice(dy, paddings.map((p) => p[0]), t.shape) : null]);
  return y;
});

/**
 * Reverses `x` along `axis` (all dimensions by default).
 * @example
 * ```js
 * tf.reverse(tf.tensor([1, 2, 3])).print(); // [3, 2, 1]
 * ```
 */
export const reverse = op('reverse', function reverse(x: Input, axis?: number | number[]): Tensor {
  const t = toTensor(x, 'reverse', 'x');
  const axes = normAxes('reverse', axis, t.rank);
  const strides = stridesOf(t.shape);
  let offset = 0;
  const inStrides = strides.map((s, i) => {
    if (!axes.includes(i)) return s;
    offset += (t.shape[i] - 1) * s;
    return -s;
  });
  const y = stridedCopy('reverse', t, t.shape, inStrides, offset);
  ENGINE.record('reverse', [t], [y], ([dy]) => [dy ? reverse(dy, axes) : null]);
  return y;
});
