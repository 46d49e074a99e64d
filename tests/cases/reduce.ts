/**
 * Case tables: reductions (every op; axis undefined / 0 / -1 / [0,2]; keepDims; zero-size where
 * defined; long rows), argMax/argMin, and softmax/logSoftmax (including ±1000 logits, checked for
 * finiteness and for rows that sum to one, on every backend, js included).
 */
import type { CaseRow, InputKind, OutputData } from './types.js';
import { decode } from './runner.js';

type Axis = number | number[] | undefined;
const FLOAT_REDUCE = ['sum', 'mean', 'max', 'min', 'prod', 'logSumExp'];
const BOOL_REDUCE = ['any', 'all'];
const AXES: Axis[] = [undefined, 0, -1, [0, 2]];
const fmt = (a: Axis) => (a === undefined ? 'all' : JSON.stringify(a));
const r = (name: string, axis: Axis, keepDims?: boolean): CaseRow['op'] => (ts, [x]) => (ts as any)[name](x, axis, keepDims);

export const reduceCases: CaseRow[] = [
  ...[...FLOAT_REDUCE, ...BOOL_REDUCE].flatMap((name) => {
    const kind: InputKind = BOOL_REDUCE.includes(name) ? 'bool' : 'normal';
    return [
      ...AXES.map((axis): CaseRow => ({ name: `${name} [3,5,7] axis ${fmt(axis)}`, op: r(name, axis), inputs: [{ shape: [3, 5, 7], kind }] })),
      { name: `${name} [3,5,7] axis 1 keepDims`, op: r(name, 1, true), inputs: [{ shape: [3, 5, 7], kind }] },
      { name: `${name} [3,5,7] all keepDims`, op: r(name, undefined, true), inputs: [{ shape: [3, 5, 7], kind }] },
      { name: `${name} [2,1031] axis -1`, op: r(name, -1), inputs: [{ shape: [2, 1031], kind }], tol: 1e-4 },
      { name: `${name} [1031,3] axis 0`, op: r(name, 0), inputs: [{ shape: [1031, 3], kind }], tol: 1e-4 },
      { name: `${name} scalar`, op: r(name, undefined), inputs: [{ shape: [], kind }] },
      { name: `${name} zero-size [0,3] axis 0`, op: r(name, 0), inputs: [{ shape: [0, 3], kind }] },
      { name: `${name} zero-size [4,0] axis -1`, op: r(name, -1), inputs: [{ shape: [4, 0], kind }] },
    ];
  }),
  ...['sum', 'max', 'min', 'prod'].map((name): CaseRow => ({ name: `${name} int32 [4,6] axis 1`, op: r(name, 1), inputs: [{ shape: [4, 6], kind: 'int' }] })),
  // products of many values near 1 (plain normals would under/overflow to 0 or Inf)
  { name: 'prod [2,1031] of values near 1', op: (ts, [x]) => ts.prod(ts.add(ts.mul(x, 0.02), 1), -1), inputs: [{ shape: [2, 1031] }], tidy: true, tol: { atol: 0, rtol: 2e-3 } },
  { name: 'prod [1031,3] axis 0 of values near 1', op: (ts, [x]) => ts.prod(ts.add(ts.mul(x, 0.02), 1), 0), inputs: [{ shape: [1031, 3] }], tidy: true, tol: { atol: 0, rtol: 2e-3 } },
  { name: 'sum long row [2,70001]', op: r('sum', -1), inputs: [{ shape: [2, 70001] }], tol: { atol: 5e-3, rtol: 1e-4 } },
  { name: 'mean long row [3,65537]', op: r('mean', 1), inputs: [{ shape: [3, 65537] }], tol: { atol: 1e-5, rtol: 1e-3 } },
  { name: 'max long column [4099,5]', op: r('max', 0), inputs: [{ shape: [4099, 5] }] },
  { name: 'sum bool counts as int', op: r('sum', -1), inputs: [{ shape: [3, 9], kind: 'bool' }] },
  ...['argMax', 'argMin'].flatMap((name): CaseRow[] => [
    { name: `${name} [3,5,7] axis default`, op: (ts, [x]) => (ts as any)[name](x), inputs: [{ shape: [3, 5, 7] }] },
    ...[0, 1, -1].map((axis): CaseRow => ({ name: `${name} [3,5,7] axis ${axis}`, op: (ts, [x]) => (ts as any)[name](x, axis), inputs: [{ shape: [3, 5, 7] }] })),
    { name: `${name} [2,1031] axis 1`, op: (ts, [x]) => (ts as any)[name](x, 1), inputs: [{ shape: [2, 1031] }] },
    { name: `${name} ties take the first`, op: (ts, [x]) => (ts as any)[name](x, 1), inputs: [{ shape: [2, 4], values: [1, 3, 3, 0, 2, 2, -1, -1] }] },
    { name: `${name} int32`, op: (ts, [x]) => (ts as any)[name](x, 0), inputs: [{ shape: [9, 4], kind: 'int' }] },
  ]),
];

/** Rows of the last axis of a softmax output. */
function rows(o: OutputData): number[][] {
  const cols = o.shape[o.shape.length - 1] ?? 1;
  const out: number[][] = [];
  for (let i = 0; i < o.values.length; i += cols) out.push(o.values.slice(i, i + cols).map(decode));
  return out;
}
function checkSoftmax([o]: OutputData[]): void {
  for (const row of rows(o)) {
    const s = row.reduce((a, b) => a + b, 0);
    if (!(Math.abs(s - 1) < 1e-4)) throw new Error(`a row sums to ${s}, not 1`);
    if (row.some((v) => !(v >= 0 && v <= 1))) throw new Error('a probability outside [0, 1]');
  }
}
function checkLogSoftmax([o]: OutputData[]): void {
  for (const row of rows(o)) {
    const s = row.reduce((a, b) => a + Math.exp(b), 0);
    if (!(Math.abs(s - 1) < 1e-4)) throw new Error(`exp of a row sums to ${s}, not 1`);
    if (row.some((v) => !(v <= 1e-6))) throw new Error('a log-probability above 0');
  }
}

const SOFTMAX_SHAPES: [number[], InputKind][] = [
  [[17], 'normal'],
  [[3, 17], 'normal'],
  [[2, 3, 33], 'normal'],
  [[2, 1031], 'normal'],
  [[4, 4097], 'normal'],
  [[5, 64], 'logits1000'],
  [[3, 1031], 'logits1000'],
  [[4, 1], 'normal'],
];

export const softmaxCases: CaseRow[] = [
  ...SOFTMAX_SHAPES.flatMap(([shape, kind]): CaseRow[] => [
    { name: `softmax [${shape}] ${kind}`, op: (ts, [x]) => ts.softmax(x), inputs: [{ shape, kind }], finite: true, check: checkSoftmax, tol: { atol: 1e-6, rtol: 1e-4 } },
    { name: `logSoftmax [${shape}] ${kind}`, op: (ts, [x]) => ts.logSoftmax(x), inputs: [{ shape, kind }], finite: true, check: checkLogSoftmax, tol: { atol: 1e-4, rtol: 1e-4 } },
  ]),
  {
    name: 'softmax all ±1000 rows',
    op: (ts, [x]) => ts.softmax(x),
    inputs: [{ shape: [3, 4], values: [1000, 1000, -1000, 0, -1000, -1000, -1000, -1000, 1000, 999, 998, -1000] }],
    finite: true,
    check: checkSoftmax,
  },
  {
    name: 'logSoftmax all ±1000 rows',
    op: (ts, [x]) => ts.logSoftmax(x),
    inputs: [{ shape: [3, 4], values: [1000, 1000, -1000, 0, -1000, -1000, -1000, -1000, 1000, 999, 998, -1000] }],
    finite: true,
    check: checkLogSoftmax,
  },
  { name: 'softmax zero-size [0,5]', op: (ts, [x]) => ts.softmax(x), inputs: [{ shape: [0, 5] }] },
];
