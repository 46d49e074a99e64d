/**
 * TF.js's rank-specific spellings of concat, slice, reverse and pad (`concat2d`, `slice3d`, ...): each checks
 * the rank its name promises, then calls the general op, so there is one implementation of each.
 */
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { concat, pad, reverse, slice } from './layout.js';
import { op, toTensor, type Input } from './operand.js';

function ofRank(op: string, x: Input, rank: number): Tensor {
  const t = toTensor(x, op, 'x');
  if (t.rank !== rank) throw new Error(`${op}: input must be rank ${rank}, got shape ${fmtShape(t.shape)}`);
  return t;
}

// each form runs as an op (its own scope), so tensors made from array arguments are freed
const concatOfRank = (rank: number) => op(`concat${rank}d`, (tensors: Input[], axis?: number) => {
  const name = `concat${rank}d`;
  return concat(tensors.map((t) => ofRank(name, t, rank)), rank === 1 ? 0 : axis);
});
const sliceOfRank = (rank: number) => op(`slice${rank}d`, (x: Input, begin: number | number[], size?: number | number[]) =>
  slice(ofRank(`slice${rank}d`, x, rank), begin, size));
const reverseOfRank = (rank: number) => op(`reverse${rank}d`, (x: Input, axis?: number | number[]) =>
  reverse(ofRank(`reverse${rank}d`, x, rank), axis));
const padOfRank = (rank: number) => op(`pad${rank}d`, (x: Input, paddings: Array<[number, number]> | [number, number], constantValue?: number) => {
  const t = ofRank(`pad${rank}d`, x, rank);
  const pairs = (rank === 1 && typeof paddings[0] === 'number' ? [paddings] : paddings) as Array<[number, number]>;
  if (pairs.length !== rank) throw new Error(`pad${rank}d: paddings must have ${rank} pairs, got ${JSON.stringify(paddings)}`);
  return pad(t, pairs, constantValue);
});

/**
 * `concat` for rank-1 tensors.
 * @example
 * ```js
 * tf.concat1d([tf.tensor1d([1]), tf.tensor1d([2, 3])]).print(); // [1, 2, 3]
 * ```
 */
export const concat1d = concatOfRank(1);
/**
 * `concat` for rank-2 tensors along `axis`.
 * @example
 * ```js
 * tf.concat2d([tf.ones([1, 2]), tf.zeros([1, 2])], 0).shape; // [2, 2]
 * ```
 */
export const concat2d = concatOfRank(2);
/**
 * `concat` for rank-3 tensors along `axis`.
 * @example
 * ```js
 * tf.concat3d([tf.ones([1, 1, 2]), tf.zeros([1, 1, 2])], 2).shape; // [1, 1, 4]
 * ```
 */
export const concat3d = concatOfRank(3);
/**
 * `concat` for rank-4 tensors along `axis`.
 * @example
 * ```js
 * tf.concat4d([tf.ones([1, 1, 1, 2]), tf.zeros([1, 1, 1, 2])], 3).shape; // [1, 1, 1, 4]
 * ```
 */
export const concat4d = concatOfRank(4);
/**
 * `slice` for rank-1 tensors.
 * @example
 * ```js
 * tf.slice1d(tf.tensor1d([1, 2, 3]), 1, 2).print(); // [2, 3]
 * ```
 */
export const slice1d = sliceOfRank(1);
/**
 * `slice` for rank-2 tensors.
 * @example
 * ```js
 * tf.slice2d(tf.tensor2d([[1, 2], [3, 4]]), [1, 0], [1, 2]).print(); // [[3, 4]]
 * ```
 */
export const slice2d = sliceOfRank(2);
/**
 * `slice` for rank-3 tensors.
 * @example
 * ```js
 * tf.slice3d(tf.ones([2, 2, 2]), [0, 0, 0], [1, 2, 2]).shape; // [1, 2, 2]
 * ```
 */
export const slice3d = sliceOfRank(3);
/**
 * `slice` for rank-4 tensors.
 * @example
 * ```js
 * tf.slice4d(tf.ones([2, 2, 2, 2]), [0, 0, 0, 0], [1, 2, 2, 2]).shape; // [1, 2, 2, 2]
 * ```
 */
export const slice4d = sliceOfRank(4);
const reverse1dOp = reverseOfRank(1);
/**
 * `reverse` for rank-1 tensors.
 * @example
 * ```js
 * tf.reverse1d(tf.tensor1d([1, 2, 3])).print(); // [3, 2, 1]
 * ```
 */
export const reverse1d = (x: Input) => reverse1dOp(x, 0);
/**
 * `reverse` for rank-2 tensors.
 * @example
 * ```js
 * tf.reverse2d(tf.tensor2d([[1, 2], [3, 4]]), 1).print(); // [[2, 1], [4, 3]]
 * ```
 */
export const reverse2d = reverseOfRank(2);
/**
 * `reverse` for rank-3 tensors.
 * @example
 * ```js
 * tf.reverse3d(tf.tensor3d([1, 2], [1, 1, 2]), 2).print(); // [[[2, 1]]]
 * ```
 */
export const reverse3d = reverseOfRank(3);
/**
 * `reverse` for rank-4 tensors.
 * @example
 * ```js
 * tf.reverse4d(tf.tensor4d([1, 2], [1, 1, 1, 2]), 3).print(); // [[[[2, 1]]]]
 * ```
 */
export const reverse4d = reverseOfRank(4);
/**
 * `pad` for rank-1 tensors: `paddings` is [before, after].
 * @example
 * ```js
 * tf.pad1d(tf.tensor1d([1, 2]), [1, 1]).print(); // [0, 1, 2, 0]
 * ```
 */
export const pad1d = padOfRank(1);
/**
 * `pad` for rank-2 tensors.
 * @example
 * ```js
 * tf.pad2d(tf.tensor2d([[1]]), [[1, 1], [0, 0]]).print(); // [[0], [1], [0]]
 * ```
 */
export const pad2d = padOfRank(2);
/**
 * `pad` for rank-3 tensors.
 * @example
 * ```js
 * tf.pad3d(tf.ones([1, 1, 1]), [[0, 0], [1, 1], [0, 0]]).shape; // [1, 3, 1]
 * ```
 */
export const pad3d = padOfRank(3);
/**
 * `pad` for rank-4 tensors.
 * @example
 * ```js
 * tf.pad4d(tf.ones([1, 2, 2, 1]), [[0, 0], [1, 1], [1, 1], [0, 0]]).shape; // [1, 4, 4, 1]
 * ```
 */
export const pad4d = padOfRank(4);
