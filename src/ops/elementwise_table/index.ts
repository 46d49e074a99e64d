/**
 * The elementwise op table: one row per unary / binary op code, the select row and the
 * fused-epilogue activations, with lookups by numeric code. Everything that defines an
 * elementwise op lives in these rows and their kernel expressions (exprs.ts, by op name): the js
 * backend runs `js`, scripts/gen_elementwise.mjs generates the WGSL and AssemblyScript dispatch
 * from `wgsl` / `as` / `asSimd`, and the op layer (src/ops/unary.ts, binary.ts, fused.ts) records
 * `grad`. Data only (no engine imports).
 */
import { Activation, Binary, Unary, type ActivationName, type BinaryOp, type UnaryOp } from '../../backends/kernels.js';
import { BINARY_ROWS } from './binary.js';
import { UNARY_ROWS } from './unary.js';
import type { ActivationRow, BinaryRow, UnaryRow } from './types.js';

export { BINARY_ROWS } from './binary.js';
export { UNARY_ROWS } from './unary.js';
export * from './types.js';

/** Fused matMul / conv epilogue activations (codes in kernels.ts `Activation`). */
export const ACTIVATION_ROWS: Record<ActivationName, ActivationRow> = {
  linear: { unary: 'identity' },
  relu: { unary: 'relu' },
  relu6: { unary: 'relu6' },
  elu: { unary: 'elu' },
  leakyrelu: { unary: 'leakyRelu' },
  prelu: { binary: 'prelu' },
  sigmoid: { unary: 'sigmoid' },
  tanh: { unary: 'tanh' },
  gelu: { unary: 'gelu' },
};

/**
 * select (tf.where): out = c != 0 ? a : b, operands copied as raw words. Not op-coded; here so a
 * fuser can read its expressions. Its gradient (dy to the chosen side, none to the condition)
 * is in src/ops/binary.ts `where`.
 */
export const SELECT_ROW = {
  js: (c: number, a: number, b: number): number => (c !== 0 ? a : b),
  wgsl: 'select(b, a, ne_f32(c, 0.0f))',
  as: 'c != 0 ? a : b',
} as const;

export type UnaryTableRow = UnaryRow & { name: UnaryOp; code: number };
export type BinaryTableRow = BinaryRow & { name: BinaryOp; code: number };
export type ActivationTableRow = ActivationRow & { name: ActivationName; code: number };

function byCode<K extends string, R>(codes: Record<K, number>, rows: Record<K, R>): (R & { name: K; code: number })[] {
  const out: (R & { name: K; code: number })[] = [];
  for (const name of Object.keys(codes) as K[]) {
    const code = codes[name];
    if (out[code]) throw new Error(`elementwise table: code ${code} used by ${out[code].name} and ${name}`);
    out[code] = { ...rows[name], name, code };
  }
  return out;
}

/** Rows indexed by op code. */
export const UNARY_BY_CODE: readonly UnaryTableRow[] = byCode(Unary, UNARY_ROWS);
export const BINARY_BY_CODE: readonly BinaryTableRow[] = byCode(Binary, BINARY_ROWS);
export const ACTIVATION_BY_CODE: readonly ActivationTableRow[] = byCode(Activation, ACTIVATION_ROWS);
