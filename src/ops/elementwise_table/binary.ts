/**
 * The binary rows of the elementwise op table, keyed by op name (codes in src/backends/kernels.ts
 * `Binary`). The WGSL / AssemblyScript expressions of each row are in exprs.ts. Gradients follow TF.js's and are
 * taken on float32 operands (the op layer casts integer operands first).
 */
import type { BinaryOp } from '../../backends/kernels.js';
import type { BinaryGrad, BinaryRow, NoGrad } from './types.js';

const g = (fn: BinaryGrad['fn']): BinaryGrad => ({ fn });
const none = (reason: string): NoGrad => ({ zero: 'none', reason });
const b01 = (c: boolean) => (c ? 1 : 0);

const divGrad = g((o, a, b, _y, dy) => [o.div(dy, b), o.neg(o.div(o.mul(dy, a), o.square(b)))]);

export const BINARY_ROWS: Record<BinaryOp, BinaryRow> = {
  add: {
    dtype: 'arith', js: (a, b) => a + b,
    grad: g((_o, _a, _b, _y, dy) => [dy, dy]),
  },
  sub: {
    dtype: 'arith', js: (a, b) => a - b,
    grad: g((o, _a, _b, _y, dy) => [dy, o.neg(dy)]),
  },
  mul: {
    dtype: 'arith', js: (a, b) => a * b,
    grad: g((o, a, b, _y, dy) => [o.mul(dy, b), o.mul(dy, a)]),
  },
  div: {
    dtype: 'arith', js: (a, b) => a / b,
    grad: divGrad,
  },
  floorDiv: {
    dtype: 'arith', js: (a, b) => Math.floor(a / b),
    grad: divGrad, // real division's, as TF.js's FloorDiv gradient
  },
  pow: {
    dtype: 'arith', js: (a, b) => Math.pow(a, b),
    grad: g((o, a, b, y, dy) => [
      o.mul(dy, o.mul(b, o.pow(a, o.sub(b, 1)))),
      o.mul(dy, o.where(o.greater(a, 0), o.mul(y, o.log(a)), 0)),
    ]),
  },
  maximum: {
    dtype: 'arith', js: (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)),
    grad: g((o, a, b, _y, dy) => [o.mul(dy, o.cast(o.greaterEqual(a, b), 'float32')), o.mul(dy, o.cast(o.less(a, b), 'float32'))]),
  },
  minimum: {
    dtype: 'arith', js: (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)),
    grad: g((o, a, b, _y, dy) => [o.mul(dy, o.cast(o.lessEqual(a, b), 'float32')), o.mul(dy, o.cast(o.greater(a, b), 'float32'))]),
  },
  squaredDifference: {
    dtype: 'arith', js: (a, b) => (a - b) * (a - b),
    grad: g((o, a, b, _y, dy) => {
      const d = o.mul(o.sub(a, b), o.mul(dy, 2));
      return [d, o.neg(d)];
    }),
  },
  mod: {
    dtype: 'arith', js: (a, b) => { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; },
    grad: g((o, a, b, _y, dy) => [dy, o.mul(dy, o.neg(o.floor(o.div(a, b))))]),
  },
  equal: {
    dtype: 'compare', js: (a, b) => b01(a === b),
    grad: none('bool-valued'),
  },
  notEqual: {
    dtype: 'compare', js: (a, b) => b01(a !== b),
    grad: none('bool-valued'),
  },
  greater: {
    dtype: 'compare', js: (a, b) => b01(a > b),
    grad: none('bool-valued'),
  },
  greaterEqual: {
    dtype: 'compare', js: (a, b) => b01(a >= b),
    grad: none('bool-valued'),
  },
  less: {
    dtype: 'compare', js: (a, b) => b01(a < b),
    grad: none('bool-valued'),
  },
  lessEqual: {
    dtype: 'compare', js: (a, b) => b01(a <= b),
    grad: none('bool-valued'),
  },
  logicalAnd: {
    dtype: 'logical', js: (a, b) => b01(a !== 0 && b !== 0),
    grad: none('bool-valued'),
  },
  logicalOr: {
    dtype: 'logical', js: (a, b) => b01(a !== 0 || b !== 0),
    grad: none('bool-valued'),
  },
  atan2: {
    dtype: 'arith', js: (a, b) => Math.atan2(a, b),
    grad: g((o, a, b, _y, dy) => {
      const d = o.add(o.square(a), o.square(b));
      return [o.div(o.mul(dy, b), d), o.neg(o.div(o.mul(dy, a), d))];
    }),
  },
  divNoNan: {
    dtype: 'arith', js: (a, b) => (b === 0 ? 0 : a / b),
    grad: g((o, a, b, _y, dy) => {
      const nz = o.notEqual(b, 0);
      return [o.where(nz, o.div(dy, b), 0), o.where(nz, o.neg(o.div(o.mul(dy, a), o.square(b))), 0)];
    }),
  },
  prelu: {
    dtype: 'float', js: (a, b) => (a < 0 ? a * b : a),
    grad: g((o, a, b, _y, dy) => {
      const negative = o.less(a, 0);
      return [o.mul(dy, o.where(negative, b, 1)), o.mul(dy, o.where(negative, a, 0))];
    }),
  },
};
