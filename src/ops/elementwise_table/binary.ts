/**
 * The binary rows of the elementwise op table, keyed by op name (codes in src/backends/kernels.ts
 * `Binary`). See types.ts for the expression conventions. Gradients follow TF.js's and are
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
    dtype: 'arith', js: (a, b) => a + b, wgsl: 'a + b', as: 'a + b', asSimd: 'f32x4.add(a, b)',
    grad: g((_o, _a, _b, _y, dy) => [dy, dy]),
  },
  sub: {
    dtype: 'arith', js: (a, b) => a - b, wgsl: 'a - b', as: 'a - b', asSimd: 'f32x4.sub(a, b)',
    grad: g((o, _a, _b, _y, dy) => [dy, o.neg(dy)]),
  },
  mul: {
    dtype: 'arith', js: (a, b) => a * b, wgsl: 'a * b', as: 'a * b', asSimd: 'f32x4.mul(a, b)',
    grad: g((o, a, b, _y, dy) => [o.mul(dy, b), o.mul(dy, a)]),
  },
  div: {
    dtype: 'arith', js: (a, b) => a / b, wgsl: 'a / b', as: 'a / b', asSimd: 'f32x4.div(a, b)',
    grad: divGrad,
  },
  floorDiv: {
    dtype: 'arith', js: (a, b) => Math.floor(a / b), wgsl: 'floor_div(a, b)', as: 'Math.floor(a / b)',
    grad: divGrad, // real division's, as TF.js's FloorDiv gradient
  },
  pow: {
    dtype: 'arith', js: (a, b) => Math.pow(a, b), wgsl: 'pow_js(a, b)', as: 'Math.pow(a, b)',
    grad: g((o, a, b, y, dy) => [
      o.mul(dy, o.mul(b, o.pow(a, o.sub(b, 1)))),
      o.mul(dy, o.where(o.greater(a, 0), o.mul(y, o.log(a)), 0)),
    ]),
  },
  maximum: {
    dtype: 'arith', js: (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)),
    wgsl: 'max_nan(a, b)', as: 'jsMax(a, b)', asSimd: 'f32x4.max(a, b)',
    grad: g((o, a, b, _y, dy) => [o.mul(dy, o.cast(o.greaterEqual(a, b), 'float32')), o.mul(dy, o.cast(o.less(a, b), 'float32'))]),
  },
  minimum: {
    dtype: 'arith', js: (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)),
    wgsl: 'min_nan(a, b)', as: 'jsMin(a, b)', asSimd: 'f32x4.min(a, b)',
    grad: g((o, a, b, _y, dy) => [o.mul(dy, o.cast(o.lessEqual(a, b), 'float32')), o.mul(dy, o.cast(o.greater(a, b), 'float32'))]),
  },
  squaredDifference: {
    dtype: 'arith', js: (a, b) => (a - b) * (a - b), wgsl: '(a - b) * (a - b)', as: '(a - b) * (a - b)',
    asSimd: 'f32x4.mul(f32x4.sub(a, b), f32x4.sub(a, b))',
    grad: g((o, a, b, _y, dy) => {
      const d = o.mul(o.sub(a, b), o.mul(dy, 2));
      return [d, o.neg(d)];
    }),
  },
  mod: {
    dtype: 'arith', js: (a, b) => { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; },
    wgsl: 'mod_js(a, b)', as: 'floorMod64(a, b)',
    grad: g((o, a, b, _y, dy) => [dy, o.mul(dy, o.neg(o.floor(o.div(a, b))))]),
  },
  equal: {
    dtype: 'compare', js: (a, b) => b01(a === b), wgsl: 'select(0.0f, 1.0f, a == b)', as: 'a == b ? 1 : 0',
    grad: none('bool-valued'),
  },
  notEqual: {
    dtype: 'compare', js: (a, b) => b01(a !== b), wgsl: 'select(0.0f, 1.0f, ne_f32(a, b))', as: 'a != b ? 1 : 0',
    grad: none('bool-valued'),
  },
  greater: {
    dtype: 'compare', js: (a, b) => b01(a > b), wgsl: 'select(0.0f, 1.0f, a > b)', as: 'a > b ? 1 : 0',
    grad: none('bool-valued'),
  },
  greaterEqual: {
    dtype: 'compare', js: (a, b) => b01(a >= b), wgsl: 'select(0.0f, 1.0f, a >= b)', as: 'a >= b ? 1 : 0',
    grad: none('bool-valued'),
  },
  less: {
    dtype: 'compare', js: (a, b) => b01(a < b), wgsl: 'select(0.0f, 1.0f, a < b)', as: 'a < b ? 1 : 0',
    grad: none('bool-valued'),
  },
  lessEqual: {
    dtype: 'compare', js: (a, b) => b01(a <= b), wgsl: 'select(0.0f, 1.0f, a <= b)', as: 'a <= b ? 1 : 0',
    grad: none('bool-valued'),
  },
  logicalAnd: {
    dtype: 'logical', js: (a, b) => b01(a !== 0 && b !== 0),
    wgsl: 'select(0.0f, 1.0f, ne_f32(a, 0.0f) && ne_f32(b, 0.0f))', as: 'a != 0 && b != 0 ? 1 : 0',
    grad: none('bool-valued'),
  },
  logicalOr: {
    dtype: 'logical', js: (a, b) => b01(a !== 0 || b !== 0),
    wgsl: 'select(0.0f, 1.0f, ne_f32(a, 0.0f) || ne_f32(b, 0.0f))', as: 'a != 0 || b != 0 ? 1 : 0',
    grad: none('bool-valued'),
  },
  atan2: {
    dtype: 'arith', js: (a, b) => Math.atan2(a, b), wgsl: 'atan2_js(a, b)', as: 'Math.atan2(a, b)',
    grad: g((o, a, b, _y, dy) => {
      const d = o.add(o.square(a), o.square(b));
      return [o.div(o.mul(dy, b), d), o.neg(o.div(o.mul(dy, a), d))];
    }),
  },
  divNoNan: {
    dtype: 'arith', js: (a, b) => (b === 0 ? 0 : a / b), wgsl: 'select(a / b, 0.0f, b == 0.0f)', as: 'b == 0 ? 0 : a / b',
    grad: g((o, a, b, _y, dy) => {
      const nz = o.notEqual(b, 0);
      return [o.where(nz, o.div(dy, b), 0), o.where(nz, o.neg(o.div(o.mul(dy, a), o.square(b))), 0)];
    }),
  },
  prelu: {
    dtype: 'float', js: (a, b) => (a < 0 ? a * b : a), wgsl: 'select(a, a * b, a < 0.0f)', as: 'a < 0 ? a * b : a',
    asSimd: 'v128.bitselect(f32x4.mul(a, b), a, f32x4.lt(a, f32x4.splat(0)))',
    grad: g((o, a, b, _y, dy) => {
      const negative = o.less(a, 0);
      return [o.mul(dy, o.where(negative, b, 1)), o.mul(dy, o.where(negative, a, 0))];
    }),
  },
};
