/**
 * The errors table: calls that must throw an Error whose message names the op and the offending
 * shapes / values. Backend-independent (validation lives in the op layer).
 */
import type { ErrorRow } from './types.js';

/** Regex source for a shape as printed by util.fmtShape, tolerating spaces: [2,3] or [2, 3]. */
const shp = (...d: number[]) => `\\[${d.join(',\\s?')}\\]`;
const re = (...parts: string[]) => new RegExp(parts.join('[\\s\\S]*'));

export const errorCases: ErrorRow[] = [
  { name: 'matMul inner dimensions differ', run: (ts) => ts.matMul(ts.zeros([2, 3]), ts.zeros([4, 5])), match: re('matMul', shp(2, 3), shp(4, 5)) },
  { name: 'matMul transposeB inner mismatch', run: (ts) => ts.matMul(ts.zeros([2, 3]), ts.zeros([3, 5]), false, true), match: re('matMul', shp(2, 3), shp(3, 5)) },
  { name: 'matMul batch not broadcastable', run: (ts) => ts.matMul(ts.zeros([2, 3, 4]), ts.zeros([3, 4, 5])), match: re('matMul', shp(2, 3, 4), shp(3, 4, 5)) },
  { name: 'matMul rank 1', run: (ts) => ts.matMul(ts.zeros([3]), ts.zeros([3, 2])), match: /matMul/ },
  { name: 'add shapes not broadcastable', run: (ts) => ts.add(ts.zeros([2, 3]), ts.zeros([4])), match: re('add', shp(2, 3), shp(4)) },
  { name: 'mul shapes not broadcastable', run: (ts) => ts.mul(ts.zeros([2, 3, 4]), ts.zeros([3, 3])), match: re('mul', shp(2, 3, 4), shp(3, 3)) },
  { name: 'where shapes not broadcastable', run: (ts) => ts.where(ts.zeros([2], 'bool'), ts.zeros([3]), ts.zeros([3])), match: /where/ },
  // TF.js's wording: "Based on the provided shape, [2,2], the tensor should have 4 values but has 3".
  { name: 'tensor values do not fit shape', run: (ts) => ts.tensor([1, 2, 3], [2, 2]), match: re(shp(2, 2), 'tensor', '4 values but has 3') },
  { name: 'tensor ragged nested array', run: (ts) => ts.tensor([[1, 2], [3]]), match: /tensor/ },
  { name: 'tensor unknown dtype', run: (ts) => ts.tensor([1], [1], 'float64' as never), match: /float64/ },
  { name: 'tensor2d with rank-1 values', run: (ts) => ts.tensor2d([1, 2, 3]), match: /tensor2d/ },
  { name: 'sum axis out of range', run: (ts) => ts.sum(ts.zeros([2, 3]), 2), match: re('sum', 'axis') },
  { name: 'mean repeated axis', run: (ts) => ts.mean(ts.zeros([2, 3]), [1, 1]), match: /mean/ },
  { name: 'argMax axis out of range', run: (ts) => ts.argMax(ts.zeros([2, 3]), -3), match: /argMax/ },
  { name: 'softmax of int32', run: (ts) => ts.softmax(ts.zeros([2, 3], 'int32')), match: /softmax/ },
  { name: 'transpose perm repeats an axis', run: (ts) => ts.transpose(ts.zeros([2, 3]), [0, 0]), match: re('transpose', 'perm') },
  { name: 'transpose perm wrong length', run: (ts) => ts.transpose(ts.zeros([2, 3]), [1, 0, 2]), match: re('transpose', 'perm') },
  { name: 'reshape size mismatch', run: (ts) => ts.reshape(ts.zeros([2, 3]), [4]), match: re('reshape', shp(2, 3), shp(4)) },
  { name: 'reshape two -1', run: (ts) => ts.reshape(ts.zeros([2, 3]), [-1, -1]), match: /reshape/ },
  { name: 'concat shapes differ off-axis', run: (ts) => ts.concat([ts.zeros([2, 3]), ts.zeros([2, 4])], 0), match: re('concat', shp(2, 3), shp(2, 4)) },
  { name: 'concat empty list', run: (ts) => ts.concat([], 0), match: /concat/ },
  { name: 'stack shapes differ', run: (ts) => ts.stack([ts.zeros([2]), ts.zeros([3])]), match: /stack/ },
  { name: 'split not divisible', run: (ts) => ts.split(ts.zeros([5, 2]), 2, 0), match: /split/ },
  { name: 'split sizes do not add up', run: (ts) => ts.split(ts.zeros([5, 2]), [2, 2], 0), match: /split/ },
  { name: 'slice out of bounds', run: (ts) => ts.slice(ts.zeros([4, 4]), [2, 0], [3, 4]), match: /slice/ },
  { name: 'gather axis out of range', run: (ts) => ts.gather(ts.zeros([4, 4]), ts.tensor([0], [1], 'int32'), 2), match: /gather/ },
  { name: 'gather float indices', run: (ts) => ts.gather(ts.zeros([4, 4]), ts.tensor([0.5]), 0), match: /gather/ },
  { name: 'oneHot float indices', run: (ts) => ts.oneHot(ts.tensor([0.5, 1]), 3), match: /oneHot/ },
  { name: 'expandDims axis out of range', run: (ts) => ts.expandDims(ts.zeros([2, 3]), 4), match: /expandDims/ },
  { name: 'squeeze a non-1 axis', run: (ts) => ts.squeeze(ts.zeros([1, 3]), [1]), match: /squeeze/ },
  { name: 'tile reps length mismatch', run: (ts) => ts.tile(ts.zeros([2, 3]), [2]), match: /tile/ },
  { name: 'pad paddings length mismatch', run: (ts) => ts.pad(ts.zeros([2, 3]), [[1, 1]]), match: /pad/ },
  { name: 'cast to unknown dtype', run: (ts) => ts.cast(ts.zeros([2]), 'float64' as never), match: /cast/ },
  { name: 'logicalAnd of float32', run: (ts) => ts.logicalAnd(ts.zeros([2]), ts.zeros([2])), match: /logicalAnd/ },
  { name: 'clipByValue min > max', run: (ts) => ts.clipByValue(ts.zeros([2]), 3, 1), match: /clipByValue/ },
  {
    name: 'use after dispose',
    run: (ts) => {
      const t = ts.zeros([2, 3]);
      t.dispose();
      return ts.add(t, 1);
    },
    match: /disposed/,
  },
  {
    name: 'dataSync after dispose',
    run: (ts) => {
      const t = ts.ones([2]);
      t.dispose();
      return t.dataSync();
    },
    match: /disposed/,
  },
  { name: 'setBackend unknown name', run: (ts) => ts.setBackend('cuda-please'), match: re('setBackend', 'cuda-please') },
  { name: 'tidy with an async function', run: (ts) => ts.tidy((async () => ts.zeros([1])) as never), match: /tidy/ },
];
