/**
 * Case tables: NaN / ±Infinity / ±0 propagation through elementwise ops, reductions, matMul and
 * softmax. The comparison demands NaN where js gives NaN and the same infinity where js gives one.
 */
import type { CaseRow } from './types.js';

const S = { kind: 'special' as const };
const un = (n: string): CaseRow => ({ name: `${n} NaN/Inf`, op: (ts, [x]) => (ts as any)[n](x), inputs: [{ shape: [67], ...S }] });
const bin = (n: string): CaseRow => ({ name: `${n} NaN/Inf`, op: (ts, [x, y]) => (ts as any)[n](x, y), inputs: [{ shape: [3, 67], ...S }, { shape: [67], ...S }] });
const red = (n: string, axis?: number): CaseRow => ({ name: `${n} NaN/Inf axis ${axis ?? 'all'}`, op: (ts, [x]) => (ts as any)[n](x, axis), inputs: [{ shape: [9, 13], ...S }] });

export const specialCases: CaseRow[] = [
  ...['neg', 'abs', 'relu', 'exp', 'sigmoid', 'tanh', 'square', 'floor', 'ceil'].map(un),
  ...['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'greaterEqual'].map(bin),
  red('sum', 1),
  red('max', 1),
  red('min', 0),
  red('argMax', 1),
  red('argMin', 0),
  {
    name: 'max with every NaN position',
    op: (ts, [x]) => ts.max(x, 1),
    inputs: [{ shape: [3, 3], values: [NaN, 1, 2, 1, NaN, 2, 1, 2, NaN] }],
  },
  {
    name: 'div by ±0 gives ±Inf and NaN',
    op: (ts, [x, y]) => ts.div(x, y),
    inputs: [{ shape: [4], values: [1, -1, 0, 2] }, { shape: [4], values: [0, 0, 0, -0] }],
  },
  {
    name: 'matMul propagates NaN and Inf',
    op: (ts, [a, b]) => ts.matMul(a, b),
    inputs: [
      { shape: [3, 2], values: [NaN, 1, 1, 1, Infinity, 1] },
      { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] },
    ],
  },
  {
    name: 'softmax row with NaN stays NaN, others finite',
    op: (ts, [x]) => ts.softmax(x),
    inputs: [{ shape: [2, 3], values: [NaN, 1, 2, 0.5, 1, 2] }],
  },
];
