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

export const concat1d = concatOfRank(1);
export const concat2d = concatOfRank(2);
export const concat3d = concatOfRank(3);
export const concat4d = concatOfRank(4);
export const slice1d = sliceOfRank(1);
export const slice2d = sliceOfRank(2);
export const slice3d = sliceOfRank(3);
export const slice4d = sliceOfRank(4);
const reverse1dOp = reverseOfRank(1);
export const reverse1d = (x: Input) => reverse1dOp(x, 0);
export const reverse2d = reverseOfRank(2);
export const reverse3d = reverseOfRank(3);
export const reverse4d = reverseOfRank(4);
export const pad1d = padOfRank(1);
export const pad2d = padOfRank(2);
export const pad3d = padOfRank(3);
export const pad4d = padOfRank(4);
