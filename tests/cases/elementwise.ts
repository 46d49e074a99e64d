/**
 * Case tables: unary ops (every op, scalar/odd/zero-size shapes, int32 where TF.js keeps the
 * dtype) and binary ops (NumPy broadcasting, numbers on either side, zero-size, int32, bool),
 * plus where().
 */
import type { CaseRow, InputKind } from './types.js';

type UnarySpec = [name: string, kind: InputKind, call: CaseRow['op'], tol?: number];
const u = (name: string): CaseRow['op'] => (ts, [x]) => (ts as any)[name](x);

const UNARY: UnarySpec[] = [
  ...['neg', 'abs', 'exp', 'square', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'sin', 'cos', 'floor', 'ceil', 'round', 'sign'].map(
    (n): UnarySpec => [n, 'normal', u(n)],
  ),
  ['gelu', 'normal', u('gelu'), 2e-4],
  ...['log', 'sqrt', 'rsqrt', 'reciprocal'].map((n): UnarySpec => [n, 'positive', u(n)]),
  ['leakyRelu', 'normal', (ts, [x]) => ts.leakyRelu(x, 0.15)],
  ['clipByValue', 'normal', (ts, [x]) => ts.clipByValue(x, -0.5, 0.75)],
];

const UNARY_SHAPES = [[], [3, 17], [2, 515]];

export const unaryCases: CaseRow[] = [
  ...UNARY.flatMap(([name, kind, op, tol]) =>
    UNARY_SHAPES.map((shape): CaseRow => ({ name: `${name} [${shape}]`, op, inputs: [{ shape, kind }], tol })),
  ),
  // scaled inputs reach the saturating / large-argument regions
  ...['exp', 'sigmoid', 'tanh', 'softplus', 'elu', 'selu', 'gelu'].map(
    (n): CaseRow => ({ name: `${n} wide range`, op: (ts, [x]) => (ts as any)[n](ts.mul(x, 12)), inputs: [{ shape: [257] }], tol: 2e-4, tidy: true }),
  ),
  ...['neg', 'exp', 'relu', 'sqrt'].map((n): CaseRow => ({ name: `${n} zero-size [0,5]`, op: u(n), inputs: [{ shape: [0, 5] }] })),
  {
    name: 'round half to even',
    op: u('round'),
    inputs: [{ shape: [10], values: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 3.5, 1e7 + 1] }],
  },
  { name: 'sign of zeros', op: u('sign'), inputs: [{ shape: [4], values: [0, -0, 3, -2] }] },
  ...['neg', 'abs', 'square', 'sign', 'relu'].map((n): CaseRow => ({ name: `${n} int32`, op: u(n), inputs: [{ shape: [3, 7], kind: 'int' }] })),
  { name: 'clipByValue int32', op: (ts, [x]) => ts.clipByValue(x, -2, 3), inputs: [{ shape: [19], kind: 'int' }] },
];

const BINARY_ARITH = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'squaredDifference', 'mod'];
const COMPARE = ['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'];
const BROADCAST_PAIRS: [number[], number[]][] = [
  [[3, 1, 17], [17]],
  [[2, 3, 4], [1, 3, 1]],
  [[17], [3, 1, 17]],
  [[1031], [1031]],
  [[5, 1], [1, 6]],
  [[2, 3], []],
  [[0, 3], [3]],
];
const b = (name: string): CaseRow['op'] => (ts, [x, y]) => (ts as any)[name](x, y);
/** Operands that keep each op in its well-defined domain. */
function kinds(name: string): [InputKind, InputKind] {
  if (name === 'pow') return ['positive', 'normal'];
  if (name === 'div' || name === 'mod') return ['normal', 'positive'];
  return ['normal', 'normal'];
}

export const binaryCases: CaseRow[] = [
  ...BINARY_ARITH.flatMap((name) =>
    BROADCAST_PAIRS.map(([sa, sb]): CaseRow => {
      const [ka, kb] = kinds(name);
      return { name: `${name} [${sa}] x [${sb}]`, op: b(name), inputs: [{ shape: sa, kind: ka }, { shape: sb, kind: kb }], tol: name === 'pow' ? 2e-4 : undefined };
    }),
  ),
  ...BINARY_ARITH.flatMap((name): CaseRow[] => {
    const [ka, kb] = kinds(name);
    return [
      { name: `${name} tensor op number`, op: (ts, [x]) => (ts as any)[name](x, name === 'pow' ? 1.5 : 2.5), inputs: [{ shape: [4, 9], kind: ka }], tol: 2e-4 },
      { name: `${name} number op tensor`, op: (ts, [x]) => (ts as any)[name](1.75, x), inputs: [{ shape: [4, 9], kind: kb }], tol: 2e-4 },
    ];
  }),
  ...COMPARE.flatMap((name): CaseRow[] => [
    { name: `${name} int32 [3,1,17] x [17]`, op: b(name), inputs: [{ shape: [3, 1, 17], kind: 'int' }, { shape: [17], kind: 'int' }] },
    { name: `${name} float [2,3,4] x [1,3,1]`, op: b(name), inputs: [{ shape: [2, 3, 4] }, { shape: [1, 3, 1] }] },
    { name: `${name} tensor op number`, op: (ts, [x]) => (ts as any)[name](x, 1), inputs: [{ shape: [31], kind: 'int' }] },
    { name: `${name} zero-size`, op: b(name), inputs: [{ shape: [0, 4] }, { shape: [4] }] },
  ]),
  ...['logicalAnd', 'logicalOr'].flatMap((name): CaseRow[] => [
    { name: `${name} [3,1,17] x [17]`, op: b(name), inputs: [{ shape: [3, 1, 17], kind: 'bool' }, { shape: [17], kind: 'bool' }] },
    { name: `${name} [33] x [33]`, op: b(name), inputs: [{ shape: [33], kind: 'bool' }, { shape: [33], kind: 'bool' }] },
  ]),
  ...['add', 'sub', 'mul', 'maximum', 'minimum', 'squaredDifference'].map(
    (name): CaseRow => ({ name: `${name} int32 [3,1,17] x [17]`, op: b(name), inputs: [{ shape: [3, 1, 17], kind: 'int' }, { shape: [17], kind: 'int' }] }),
  ),
  {
    name: 'div int32 (floor division)',
    op: b('div'),
    inputs: [{ shape: [8], values: [7, -7, 7, -7, 0, 9, -9, 5], dtype: 'int32' }, { shape: [8], values: [2, 2, -2, -2, 3, 4, 4, -1], dtype: 'int32' }],
  },
  {
    name: 'mod int32 (floored, sign of divisor)',
    op: b('mod'),
    inputs: [{ shape: [8], values: [7, -7, 7, -7, 0, 9, -9, 5], dtype: 'int32' }, { shape: [8], values: [3, 3, -3, -3, 3, 4, 4, -2], dtype: 'int32' }],
  },
  { name: 'mod float negative operands', op: b('mod'), inputs: [{ shape: [3, 5] }, { shape: [5], values: [0.7, -0.7, 1.5, -2.5, 3], dtype: 'float32' }] },
  { name: 'pow integer exponents of negative base', op: b('pow'), inputs: [{ shape: [6] }, { shape: [6], values: [2, 3, 0, 1, -1, 4] }], tol: 2e-4 },
  { name: 'add int32 + float32 upcasts', op: b('add'), inputs: [{ shape: [2, 5], kind: 'int' }, { shape: [5] }] },
  { name: 'add scalar tensors', op: b('add'), inputs: [{ shape: [] }, { shape: [] }] },
  { name: 'add rank 6 broadcast', op: b('add'), inputs: [{ shape: [2, 1, 3, 1, 2, 3] }, { shape: [1, 2, 1, 2, 1, 3] }] },
  { name: 'where [2,3,4] x [2,3,4] x [1,3,1]', op: (ts, [c, x, y]) => ts.where(c, x, y), inputs: [{ shape: [2, 3, 4], kind: 'bool' }, { shape: [2, 3, 4] }, { shape: [1, 3, 1] }] },
  { name: 'where [17] x [3,1,17] x []', op: (ts, [c, x, y]) => ts.where(c, x, y), inputs: [{ shape: [17], kind: 'bool' }, { shape: [3, 1, 17] }, { shape: [] }] },
  { name: 'where int32 values', op: (ts, [c, x, y]) => ts.where(c, x, y), inputs: [{ shape: [5, 7], kind: 'bool' }, { shape: [5, 7], kind: 'int' }, { shape: [7], kind: 'int' }] },
];
