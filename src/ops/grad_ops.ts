/**
 * The ops handed to the elementwise op table's gradient functions (src/ops/elementwise_table),
 * so the table itself imports no op code. Built on first use: the modules involved import each
 * other, and a gradient only runs after all of them are loaded.
 */
import type { GradOps } from './elementwise_table/index.js';
import * as b from './binary.js';
import * as u from './unary.js';
import { zerosLike } from './creation.js';

let ops: GradOps | null = null;

export function gradOps(): GradOps {
  ops ??= {
    add: b.add, sub: b.sub, mul: b.mul, div: b.div, pow: b.pow, where: b.where, greater: b.greater,
    greaterEqual: b.greaterEqual, less: b.less, lessEqual: b.lessEqual, notEqual: b.notEqual, logicalAnd: b.logicalAnd,
    neg: u.neg, abs: u.abs, square: u.square, sqrt: u.sqrt, exp: u.exp, log: u.log, floor: u.floor, erf: u.erf,
    sigmoid: u.sigmoid, tanh: u.tanh, softplus: u.softplus, sin: u.sin, cos: u.cos, sinh: u.sinh, cosh: u.cosh,
    sign: u.sign, step: u.step, cast: u.cast, zerosLike,
  };
  return ops;
}
