// Shared f32x4 helpers: fused multiply-add (relaxed_madd in the relaxed-SIMD build, mul+add in
// the plain SIMD build, chosen at compile time) and a polynomial exp accurate to ~2 ulp.

/** a * b + c. The relaxed build may fuse (one rounding); the plain build rounds twice. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/**
 * exp(x) on four lanes: x = n ln2 + r, |r| <= ln2/2, exp(r) by a degree-6 polynomial
 * (Cephes expf coefficients), scaled by 2^n through the exponent bits. Underflow gives 0,
 * overflow (x > ln(FLT_MAX)) +Inf, NaN stays NaN.
 */
@inline export function expF32x4(x: v128): v128 {
  const hi = f32x4.splat(88.72283); // ln(FLT_MAX): exp is finite up to here
  const lo = f32x4.splat(-87.3365447505531);
  // pmax/pmin are single instructions on x64 (max/min are NaN-fixing sequences); a NaN x
  // passes through both unchanged (pmax(a, b) = a < b ? b : a, pmin(a, b) = b < a ? b : a).
  const xc = f32x4.pmin(f32x4.pmax(x, lo), hi);
  // n = round-to-nearest-even(xc * log2 e) by adding 1.5 * 2^23: the sum's low mantissa bits
  // hold n as an integer (|n| <= 127), which saves the float->int conversion sequence.
  const magic = f32x4.splat(12582912.0);
  const t = f32x4.add(f32x4.mul(xc, f32x4.splat(1.44269504088896341)), magic);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.add(r, f32x4.mul(n, f32x4.splat(2.12194440e-4)));
  const r2 = f32x4.mul(r, r);
  // Horner steps through madd: fused (one rounding each) in the relaxed build.
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = f32x4.add(madd(p, r2, r), f32x4.splat(1.0));
  // 2^n: n in [-126, 128] after clamping; t's bits are 0x4B400000 + n, whose low 9 bits shifted
  // up by 23 are n's, so adding 127 << 23 gives the float with exponent n + 127. n = 128 has no
  // exponent of its own, so positive n scale by 2^(n-1) and then by 2 (the mask is -1 there).
  const positive = f32x4.gt(n, f32x4.splat(0));
  const e = i32x4.add(i32x4.shl(i32x4.add(t, positive), 23), i32x4.splat(0x3F800000));
  let y = f32x4.mul(f32x4.mul(p, e), v128.bitselect(f32x4.splat(2), f32x4.splat(1), positive));
  y = v128.andnot(y, f32x4.lt(x, lo)); // 0 below the clamp
  y = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, hi));
  return y;
}

/**
 * expF32x4 as a call to one non-inlined copy (expLanes), for tanhLanes, erfLanes, the epilogue's sigmoid
 * and softmax's ragged tail (once per row); the hot loops (softmax, attention, the unary exp / sigmoid / swish
 * ops) keep their inlined copies. Module size (issue 10): each inlined copy costs ~0.5 KB raw.
 */
@inline export function expF32x4Called(x: v128): v128 {
  return expLanes(x);
}

function expLanes(x: v128): v128 {
  return expF32x4(x);
}

/**
 * tanh on four lanes (Cephes tanhf): odd polynomial below 0.625, else 1 - 2 / (exp(2|x|) + 1).
 * A call (tanhLanes is not inlined): one copy of its math serves the unary op, geluTanh and the
 * matMul / conv epilogue (module size, issue 10; unary tanh measured as fast as with the math inlined).
 */
@inline export function tanhF32x4(x: v128): v128 {
  return tanhLanes(x);
}

function tanhLanes(x: v128): v128 {
  const ax = f32x4.abs(x);
  const s = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, s), x), x);
  const one = f32x4.splat(1);
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(expF32x4Called(f32x4.add(ax, ax)), one)));
  const signedBig = v128.or(big, v128.and(x, f32x4.splat(-0.0))); // copy the sign of x
  return v128.bitselect(small, signedBig, f32x4.lt(ax, f32x4.splat(0.625)));
}

/**
 * erf on four lanes: a Maclaurin series below 0.5, else the Numerical Recipes fit the js reference uses.
 * A call (erfLanes is not inlined), like tanhF32x4: one copy serves erf, gelu and the epilogue.
 */
@inline export function erfF32x4(x: v128): v128 {
  return erfLanes(x);
}

function erfLanes(x: v128): v128 {
  const z = f32x4.abs(x);
  const one = f32x4.splat(1);
  const t = f32x4.div(one, f32x4.add(one, f32x4.mul(f32x4.splat(0.5), z)));
  let p = f32x4.splat(0.17087277);
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.82215223));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.48851587));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.13520398));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.27886807));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.18628806));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.09678418));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.37409196));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.00002368));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.26551223));
  const r = f32x4.mul(t, expF32x4Called(f32x4.sub(p, f32x4.mul(z, z))));
  // x >= 0 ? 1 - r : r - 1 (NaN: comparison false -> r - 1 = NaN)
  const far = v128.bitselect(f32x4.sub(one, r), f32x4.sub(r, one), f32x4.ge(x, f32x4.splat(0)));
  // |x| < 0.5: 1 - r cancels, so use the Maclaurin series 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))
  const s = f32x4.mul(x, x);
  let q = f32x4.splat(1.2055332981789664e-4);
  q = f32x4.add(f32x4.mul(q, s), f32x4.splat(-8.548327023450853e-4));
  q = f32x4.add(f32x4.mul(q, s), f32x4.splat(5.223977625442188e-3));
  q = f32x4.add(f32x4.mul(q, s), f32x4.splat(-2.6866170645131252e-2));
  q = f32x4.add(f32x4.mul(q, s), f32x4.splat(0.11283791670955126));
  q = f32x4.add(f32x4.mul(q, s), f32x4.splat(-0.37612638903183754));
  q = f32x4.add(f32x4.mul(q, s), f32x4.splat(1.1283791670955126));
  return v128.bitselect(f32x4.mul(q, x), far, f32x4.lt(z, f32x4.splat(0.5)));
}

/** Exact gelu: 0.5 x (1 + erf(x / sqrt 2)). */
@inline export function geluF32x4(x: v128): v128 {
  const e = erfF32x4(f32x4.mul(x, f32x4.splat(0.7071067811865476)));
  return f32x4.mul(f32x4.mul(f32x4.splat(0.5), x), f32x4.add(f32x4.splat(1), e));
}

/** sigmoid = 1 / (1 + exp(-x)); exp saturates cleanly at both ends. */
@inline export function sigmoidF32x4(x: v128): v128 {
  return sigmoidOfExp(expF32x4(f32x4.neg(x)));
}

/** sigmoidF32x4 with its exp a call (expF32x4Called), for the matMul / conv epilogue. */
@inline export function sigmoidF32x4Called(x: v128): v128 {
  return sigmoidOfExp(expF32x4Called(f32x4.neg(x)));
}

/** 1 / (1 + e), e = exp(-x). */
@inline function sigmoidOfExp(e: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, e));
}

/** Approximate gelu: 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))). */
@inline export function geluTanhF32x4(v: v128): v128 {
  const inner = f32x4.mul(f32x4.splat(0.7978845608028654), f32x4.add(v, f32x4.mul(f32x4.splat(0.044715), f32x4.mul(v, f32x4.mul(v, v)))));
  return f32x4.mul(f32x4.mul(f32x4.splat(0.5), v), f32x4.add(f32x4.splat(1), tanhF32x4(inner)));
}
