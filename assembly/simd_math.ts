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
 * overflow +Inf, NaN stays NaN.
 */
@inline export function expF32x4(x: v128): v128 {
  const hi = f32x4.splat(88.37);
  const lo = f32x4.splat(-87.3365447505531);
  const xc = f32x4.min(f32x4.max(x, lo), hi);
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.add(r, f32x4.mul(n, f32x4.splat(2.12194440e-4)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1.0));
  // 2^n: n in [-126, 127] after clamping; build the float with exponent n + 127.
  const e = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  let y = f32x4.mul(p, e);
  y = v128.bitselect(f32x4.splat(0), y, f32x4.lt(x, lo));
  y = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, hi));
  return y;
}
