/**
 * The numeric op codes of the kernel catalogue (src/backends/kernels.ts): unary, binary, reduction,
 * activation and scan codes, and the fusedElementwise instruction format, shared by the js loops, the
 * WGSL `override` constants and the AssemblyScript `switch`es. Codes are part of the contract: never
 * renumber, only append.
 */

/** Unary elementwise op codes. `alpha`/`beta` are op parameters where noted. */
export const Unary = {
  identity: 0, // used by cast: only the dtype conversion happens
  neg: 1,
  abs: 2,
  exp: 3,
  log: 4,
  sqrt: 5,
  rsqrt: 6,
  square: 7,
  reciprocal: 8,
  relu: 9,
  relu6: 10,
  leakyRelu: 11, // x < 0 ? alpha * x : x
  elu: 12, // x < 0 ? exp(x) - 1 : x
  selu: 13, // scale * (x < 0 ? a * (exp(x) - 1) : x), a = 1.6732632423543772, scale = 1.0507009873554805
  gelu: 14, // exact: 0.5 * x * (1 + erf(x / sqrt 2))
  sigmoid: 15,
  tanh: 16,
  softplus: 17, // log(1 + exp(x)), stable
  sin: 18,
  cos: 19,
  floor: 20,
  ceil: 21,
  round: 22, // round half to even, as TF.js
  sign: 23, // -1, 0 or 1; NaN -> 0 (TF.js)
  clip: 24, // min(max(x, alpha), beta)
  logicalNot: 25, // x == 0 ? 1 : 0
  softsign: 26, // x / (1 + |x|)
  hardSigmoid: 27, // clamp(0.2 * x + 0.5, 0, 1)
  swish: 28, // x * sigmoid(x)
  mish: 29, // x * tanh(softplus(x))
  expm1: 30,
  log1p: 31,
  erf: 32,
  isNaN: 33, // -> bool
  isInf: 34, // -> bool
  isFinite: 35, // -> bool
  tan: 36,
  asin: 37,
  acos: 38,
  atan: 39,
  sinh: 40,
  cosh: 41,
  asinh: 42,
  acosh: 43,
  atanh: 44,
  step: 45, // x > 0 ? 1 : alpha (alpha default 0)
  geluTanh: 46, // approximate gelu: 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3)))
} as const;
export type UnaryOp = keyof typeof Unary;

/** Binary elementwise op codes (a op b). */
export const Binary = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3, // float division. (int32 / int32 is lowered by the op layer to floorDiv.)
  floorDiv: 4, // floor(a / b)
  pow: 5,
  maximum: 6, // NaN propagates
  minimum: 7, // NaN propagates
  squaredDifference: 8,
  mod: 9, // floored modulo, result has the sign of b (TF.js floorMod): a - floor(a / b) * b
  equal: 10, // -> bool
  notEqual: 11,
  greater: 12,
  greaterEqual: 13,
  less: 14,
  lessEqual: 15,
  logicalAnd: 16, // (a != 0) && (b != 0)
  logicalOr: 17,
  atan2: 18,
  divNoNan: 19, // b == 0 ? 0 : a / b
  prelu: 20, // a < 0 ? a * b : a
} as const;
export type BinaryOp = keyof typeof Binary;

/** Reduction op codes over the inner axis of an [outer, inner] view. */
export const Reduce = {
  sum: 0,
  mean: 1,
  max: 2, // NaN propagates; empty -> -Infinity
  min: 3, // NaN propagates; empty -> +Infinity
  prod: 4,
  argMax: 5, // first index of the maximum (NaN is ignored, as TF.js; all NaN -> 0); output int32; empty -> 0
  argMin: 6,
  any: 7, // output bool
  all: 8, // output bool
  logSumExp: 9, // stable: m + log(sum(exp(x - m))); empty -> -Infinity
} as const;
export type ReduceOp = keyof typeof Reduce;

/** Fused epilogue activations for matMul / conv (TF.js fused names). */
export const Activation = {
  linear: 0,
  relu: 1,
  relu6: 2,
  elu: 3,
  leakyrelu: 4, // uses alpha
  prelu: 5, // uses the preluActivationWeights input, broadcast along N (or scalar)
  sigmoid: 6,
  tanh: 7,
  gelu: 8,
} as const;
export type ActivationName = keyof typeof Activation;

/** Scan op codes of the cumulative kernel. */
export const Scan = { sum: 0, prod: 1 } as const;

/** Words per instruction of a fusedElementwise program, and its instruction kinds. */
export const FUSED_WORDS = 6;
export const FusedKind = { load: 0, unary: 1, binary: 2, store: 3, reduce: 4 } as const;
