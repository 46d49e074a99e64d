/**
 * Scalar op-code dispatch of the js backend: each unary, binary and activation code runs the
 * `js` function of its row in the elementwise op table (src/ops/elementwise_table), the
 * numerical truth the wasm and webgpu kernels are tested against.
 */
import { ACTIVATION_BY_CODE, BINARY_BY_CODE, BINARY_ROWS, UNARY_BY_CODE, UNARY_ROWS } from '../../ops/elementwise_table/index.js';

export { erf, roundHalfEven, sigmoid, softplus } from './scalar_math.js';

/** The js function of a unary code. */
export function unaryFn(op: number): (x: number, alpha: number, beta: number) => number {
  const row = UNARY_BY_CODE[op];
  if (!row) throw new Error(`unary: unknown op code ${op}`);
  return row.js;
}

/** The js function of a binary code. */
export function binaryFn(op: number): (a: number, b: number) => number {
  const row = BINARY_BY_CODE[op];
  if (!row) throw new Error(`binary: unknown op code ${op}`);
  return row.js;
}

type ActivationFn = (x: number, alpha: number, preluWeight: number) => number;

/** Activation code -> (x, alpha, preluWeight) => y, from the row the activation applies. */
const ACTIVATION_FNS: ActivationFn[] = ACTIVATION_BY_CODE.map((row): ActivationFn => {
  if ('binary' in row) {
    const prelu = BINARY_ROWS[row.binary].js;
    return (x, _alpha, preluWeight) => prelu(x, preluWeight);
  }
  const f = UNARY_ROWS[row.unary as keyof typeof UNARY_ROWS].js;
  return (x, alpha) => f(x, alpha, 0);
});

/** The js function of a fused-epilogue activation code. */
export function activationFn(act: number): ActivationFn {
  const f = ACTIVATION_FNS[act];
  if (!f) throw new Error(`activation: unknown code ${act}`);
  return f;
}

export function applyUnary(op: number, x: number, alpha: number, beta: number): number {
  return unaryFn(op)(x, alpha, beta);
}

export function applyBinary(op: number, a: number, b: number): number {
  return binaryFn(op)(a, b);
}

/** Fused-epilogue activation; `preluWeight` is the per-column prelu slope. */
export function applyActivation(act: number, x: number, alpha: number, preluWeight: number): number {
  return activationFn(act)(x, alpha, preluWeight);
}

/** Store conversion shared by all js kernels: bool outputs become 0/1. */
export function toBool(v: number): number {
  return v !== 0 && v === v ? 1 : 0;
}
