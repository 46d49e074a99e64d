/**
 * Shared types of the backend-independent case tables. A case row is data plus one closure:
 * `op(ts, inputs)` receives the library namespace (src/index.ts in Node, dist/tessera.js in the
 * page) and the generated input tensors, so the very same rows run everywhere.
 */
import type * as Tessera from '../../src/index.js';
import type { Tensor } from '../../src/tensor.js';

export type Ts = typeof Tessera;
export type DTypeName = 'float32' | 'int32' | 'bool';

/**
 * How an input is filled (deterministically, from a seed derived from the row name):
 * normal: N(0, 1); positive: uniform [0.1, 3); int: integers in [-5, 5] (int32);
 * bool: 0/1 (bool); special: normals mixed with NaN, ±Inf, ±0 and ±1e30;
 * logits1000: normals mixed with ±1000 (softmax stability).
 */
export type InputKind = 'normal' | 'positive' | 'int' | 'bool' | 'special' | 'logits1000';

export interface InputSpec {
  shape: number[];
  dtype?: DTypeName;
  kind?: InputKind;
  /** Explicit values (row-major); overrides `kind`. */
  values?: number[];
}

/** Absolute and relative tolerance: |got - want| <= atol + rtol * |want|. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** One output as plain data: NaN/±Infinity travel as strings so JSON (puppeteer) keeps them. */
export type Encoded = number | 'NaN' | 'Infinity' | '-Infinity';
export interface OutputData {
  shape: number[];
  dtype: string;
  values: Encoded[];
}
export interface CaseResult {
  backend: string;
  outputs?: OutputData[];
  /** Message when the op threw (or the backend could not be selected). */
  error?: string;
  /** Tensors alive after the row beyond those alive before it (should be 0). */
  leaked?: number;
}

export interface CaseRow {
  name: string;
  op: (ts: Ts, inputs: Tensor[]) => Tensor | Tensor[];
  inputs: InputSpec[];
  /** Number for atol = rtol = tol, or both separately. Integer/bool outputs always compare exactly. */
  tol?: number | Tolerance;
  /** Run the op inside tidy: the closure itself makes intermediates (otherwise leaks are counted). */
  tidy?: boolean;
  /** Every value of every output must be finite (softmax on ±1000 logits, ...). */
  finite?: boolean;
  /**
   * An invariant checked on every backend's output, js included (so the reference itself is
   * checked independently of the comparison). Throws with a message on violation.
   */
  check?: (outputs: OutputData[]) => void;
}

/** A row of the errors table: `run` must throw (or reject) with a message matching `match`. */
export interface ErrorRow {
  name: string;
  run: (ts: Ts) => unknown;
  match: RegExp;
}
