/**
 * Scalar definitions of every unary, binary and activation op code, written as plainly as
 * possible. They are the numerical truth the js backend loops over and that the wasm and webgpu
 * kernels are tested against.
 */
import { Activation, Binary, Unary } from '../kernels.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** erf with max error ~1.2e-7 (Numerical Recipes erfc, Chebyshev fit). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

export function softplus(x: number): number {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Round half to even, as TF.js `round`. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

export function applyUnary(op: number, x: number, alpha: number, beta: number): number {
  switch (op) {
    case Unary.identity: return x;
    case Unary.neg: return -x;
    case Unary.abs: return Math.abs(x);
    case Unary.exp: return Math.exp(x);
    case Unary.log: return Math.log(x);
    case Unary.sqrt: return Math.sqrt(x);
    case Unary.rsqrt: return 1 / Math.sqrt(x);
    case Unary.square: return x * x;
    case Unary.reciprocal: return 1 / x;
    case Unary.relu: return x > 0 ? x : x === x ? 0 : x;
    case Unary.relu6: return x !== x ? x : Math.min(Math.max(x, 0), 6);
    case Unary.leakyRelu: return x < 0 ? alpha * x : x;
    case Unary.elu: return x < 0 ? Math.expm1(x) : x;
    case Unary.selu: return x < 0 ? SELU_SCALE * SELU_ALPHA * Math.expm1(x) : SELU_SCALE * x;
    case Unary.gelu: return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case Unary.sigmoid: return sigmoid(x);
    case Unary.tanh: return Math.tanh(x);
    case Unary.softplus: return softplus(x);
    case Unary.sin: return Math.sin(x);
    case Unary.cos: return Math.cos(x);
    case Unary.floor: return Math.floor(x);
    case Unary.ceil: return Math.ceil(x);
    case Unary.round: return roundHalfEven(x);
    case Unary.sign: return x > 0 ? 1 : x < 0 ? -1 : 0; // NaN -> 0, as TF.js
    case Unary.clip: return x !== x ? x : Math.min(Math.max(x, alpha), beta);
    case Unary.logicalNot: return x === 0 ? 1 : 0;
    case Unary.softsign: return x / (1 + Math.abs(x));
    case Unary.hardSigmoid: return Math.min(Math.max(0.2 * x + 0.5, 0), 1);
    case Unary.swish: return x * sigmoid(x);
    case Unary.mish: return x * Math.tanh(softplus(x));
    case Unary.expm1: return Math.expm1(x);
    case Unary.log1p: return Math.log1p(x);
    case Unary.erf: return erf(x);
    case Unary.isNaN: return x !== x ? 1 : 0;
    case Unary.isInf: return x === Infinity || x === -Infinity ? 1 : 0;
    case Unary.isFinite: return Number.isFinite(x) ? 1 : 0;
    case Unary.tan: return Math.tan(x);
    case Unary.asin: return Math.asin(x);
    case Unary.acos: return Math.acos(x);
    case Unary.atan: return Math.atan(x);
    case Unary.sinh: return Math.sinh(x);
    case Unary.cosh: return Math.cosh(x);
    case Unary.asinh: return Math.asinh(x);
    case Unary.acosh: return Math.acosh(x);
    case Unary.atanh: return Math.atanh(x);
    case Unary.step: return x > 0 ? 1 : x !== x ? x : alpha;
    case Unary.geluTanh: return 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    default: throw new Error(`unary: unknown op code ${op}`);
  }
}

export function applyBinary(op: number, a: number, b: number): number {
  switch (op) {
    case Binary.add: return a + b;
    case Binary.sub: return a - b;
    case Binary.mul: return a * b;
    case Binary.div: return a / b;
    case Binary.floorDiv: return Math.floor(a / b);
    case Binary.pow: return Math.pow(a, b);
    case Binary.maximum: return a !== a || b !== b ? NaN : Math.max(a, b);
    case Binary.minimum: return a !== a || b !== b ? NaN : Math.min(a, b);
    case Binary.squaredDifference: return (a - b) * (a - b);
    case Binary.mod: { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; }
    case Binary.equal: return a === b ? 1 : 0;
    case Binary.notEqual: return a !== b ? 1 : 0;
    case Binary.greater: return a > b ? 1 : 0;
    case Binary.greaterEqual: return a >= b ? 1 : 0;
    case Binary.less: return a < b ? 1 : 0;
    case Binary.lessEqual: return a <= b ? 1 : 0;
    case Binary.logicalAnd: return a !== 0 && b !== 0 ? 1 : 0;
    case Binary.logicalOr: return a !== 0 || b !== 0 ? 1 : 0;
    case Binary.atan2: return Math.atan2(a, b);
    case Binary.divNoNan: return b === 0 ? 0 : a / b;
    case Binary.prelu: return a < 0 ? a * b : a;
    default: throw new Error(`binary: unknown op code ${op}`);
  }
}

/** Fused-epilogue activation; `preluWeight` is the per-column prelu slope. */
export function applyActivation(act: number, x: number, alpha: number, preluWeight: number): number {
  switch (act) {
    case Activation.linear: return x;
    case Activation.relu: return x > 0 ? x : x === x ? 0 : x;
    case Activation.relu6: return x !== x ? x : Math.min(Math.max(x, 0), 6);
    case Activation.elu: return x < 0 ? Math.expm1(x) : x;
    case Activation.leakyrelu: return x < 0 ? alpha * x : x;
    case Activation.prelu: return x < 0 ? preluWeight * x : x;
    case Activation.sigmoid: return sigmoid(x);
    case Activation.tanh: return Math.tanh(x);
    case Activation.gelu: return 0.5 * x * (1 + erf(x / Math.SQRT2));
    default: throw new Error(`activation: unknown code ${act}`);
  }
}

/** Store conversion shared by all js kernels: bool outputs become 0/1. */
export function toBool(v: number): number {
  return v !== 0 && v === v ? 1 : 0;
}
