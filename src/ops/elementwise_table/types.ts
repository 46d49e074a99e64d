/**
 * Row types of the elementwise op table (unary, binary, select and the fused-epilogue
 * activations). A row holds what the op layer and the js backend need about one op code: its
 * dtype rule, js reference function and gradient; its WGSL and AssemblyScript expressions (from
 * which scripts/gen_elementwise.mjs generates the `switch (op)` dispatch of both kernel languages)
 * are in exprs.ts under the same op name (`KernelExprs`), out of the JS apps load up front.
 *
 * Data only: this file and the row files import no engine code (Tensor is a type import), so
 * the table can be read from anywhere (build scripts, the plan/jit fuser, tests).
 *
 * Expression conventions (the generated code declares these names):
 * - unary `wgsl`: f32 expression over `x`, `alpha`, `beta`; helpers from shaders/math.wgsl and
 *   shaders/elementwise_math.wgsl.
 * - unary `as`: f64 expression over `x`, `alpha`, `beta`; helpers from assembly/scalar_ops.ts.
 * - unary `asSimd` (optional: the all-float32 f32x4 fast path): v128 expression over `v`,
 *   `alpha`, `beta` and the constants `zero`, `one`; helpers from assembly/simd_math.ts.
 * - binary: the same with operands `a`, `b` (`asSimd` over v128 `a`, `b`).
 */
import type { Tensor } from '../../tensor.js';

type T = Tensor;
type N = T | number;

/** The ops a gradient may use; passed in at backward time so the table needs no op imports. */
export interface GradOps {
  add(a: N, b: N): T;
  sub(a: N, b: N): T;
  mul(a: N, b: N): T;
  div(a: N, b: N): T;
  pow(a: N, b: N): T;
  neg(x: T): T;
  abs(x: T): T;
  square(x: T): T;
  sqrt(x: T): T;
  exp(x: T): T;
  log(x: T): T;
  floor(x: T): T;
  erf(x: T): T;
  sigmoid(x: T): T;
  tanh(x: T): T;
  softplus(x: T): T;
  sin(x: T): T;
  cos(x: T): T;
  sinh(x: T): T;
  cosh(x: T): T;
  sign(x: T): T;
  step(x: T, alpha?: number): T;
  where(cond: T, a: N, b: N): T;
  greater(a: N, b: N): T;
  greaterEqual(a: N, b: N): T;
  less(a: N, b: N): T;
  lessEqual(a: N, b: N): T;
  notEqual(a: N, b: N): T;
  logicalAnd(a: T, b: T): T;
  cast(x: T, dtype: 'float32' | 'int32' | 'bool'): T;
  zerosLike(x: T): T;
}

/**
 * dL/dx of y = f(x) given dy. `uses` says which of x and y the function reads, so a fused
 * epilogue can skip recomputing its pre-activation when only y is needed (x is then not passed).
 */
export interface UnaryGrad {
  uses: 'x' | 'y' | 'xy';
  fn: (o: GradOps, x: T, y: T, dy: T, alpha: number, beta: number) => T;
}

/** [dL/da, dL/db] of y = f(a, b), before summing over broadcast dims (the op layer does that). */
export interface BinaryGrad {
  fn: (o: GradOps, a: T, b: T, y: T, dy: T) => [T | null, T | null];
}

/**
 * Not differentiable, with the reason. `zeros`: the op records a zero cotangent (zerosLike x,
 * as TF.js's step-like ops); `none`: the op records no cotangent at all (null, as TF.js's
 * comparisons, logical ops and predicates).
 */
export interface NoGrad {
  zero: 'zeros' | 'none';
  reason: string;
}

export const isNoGrad = (g: UnaryGrad | BinaryGrad | NoGrad): g is NoGrad => 'zero' in g;

/**
 * Output dtype rule of a unary row (TF.js semantics):
 * - float: float32 out; int32/bool inputs are accepted and promoted.
 * - floatOnly: float32 in and out (TF.js rejects int32/bool).
 * - keepInt: int32 stays int32, everything else float32.
 * - predicate: any numeric input, bool out.
 * - bool: bool in, bool out.
 * - cast: the output dtype is whatever the caller asks (identity is cast's kernel).
 */
export type UnaryDtypeRule = 'float' | 'floatOnly' | 'keepInt' | 'predicate' | 'bool' | 'cast';

/**
 * Output dtype rule of a binary row: arith (upcast of the operands, bool -> int32), compare
 * (bool out), logical (bool in and out), float (float32 out; int32 operands are cast first).
 */
export type BinaryDtypeRule = 'arith' | 'compare' | 'logical' | 'float';

/** A row's expressions in the kernel languages (exprs.ts; conventions above). */
export interface KernelExprs {
  wgsl: string;
  as: string;
  /** The f32x4 fast path, where the op has one. */
  asSimd?: string;
  /**
   * Binary: `wgsl` is cheap and means the same on vec4<f32> operands, so the WebGPU CPU-adapter
   * chunked entry (shaders/elementwise.wgsl binary_chunked) runs it one vec4 at a time.
   */
  wgslVec4?: true;
}

export interface UnaryRow {
  dtype: UnaryDtypeRule;
  /** Reference scalar function (the js backend's kernel, and the truth the others are tested against). */
  js: (x: number, alpha: number, beta: number) => number;
  grad: UnaryGrad | NoGrad;
}

export interface BinaryRow {
  dtype: BinaryDtypeRule;
  js: (a: number, b: number) => number;
  grad: BinaryGrad | NoGrad;
}

/**
 * A fused-epilogue activation (matMul / conv): the unary row it applies (with the kernel's
 * alpha, beta = 0), or the binary prelu row with b = the column's prelu weight.
 */
export type ActivationRow = { unary: string } | { binary: 'prelu' };
