// Layer normalization over the last axis of a [rows, cols] view and its input gradient.
// Row statistics come from one pass accumulating the sum and the sum of squares in f64x2 lanes
// (f32 inputs squared in f64 are exact to 2^-53 relative, so the variance sum/n - mean^2 only
// cancels badly when |mean| / std exceeds ~1e6); normalisation then runs in f32x4.
// Backprop: dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * gamma.

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

// Row statistics are returned through these globals (mean, 1 / sqrt(var + eps)).
let rowMean: f64 = 0;
let rowRstd: f64 = 0;

function rowStats(x: usize, cols: i32, epsilon: f64): void {
  let s0 = f64x2.splat(0), s1 = s0, q0 = s0, q1 = s0;
  let c = 0;
  for (; c + 4 <= cols; c += 4) {
    const v = v128.load(at(x, c));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<u32>(v, v, 2, 3, 0, 1));
    s0 = f64x2.add(s0, lo); s1 = f64x2.add(s1, hi);
    q0 = f64x2.add(q0, f64x2.mul(lo, lo)); q1 = f64x2.add(q1, f64x2.mul(hi, hi));
  }
  const s = f64x2.add(s0, s1), q = f64x2.add(q0, q1);
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  let sq = f64x2.extract_lane(q, 0) + f64x2.extract_lane(q, 1);
  for (; c < cols; c++) {
    const v = <f64>load<f32>(at(x, c));
    sum += v; sq += v * v;
  }
  const mean = sum / <f64>cols;
  const variance = max(0, sq / <f64>cols - mean * mean);
  rowMean = mean;
  rowRstd = 1 / Math.sqrt(variance + epsilon);
}

/** out = (x - mean) * rstd * gamma + beta per row. */
export function layerNorm(x: usize, gamma: usize, beta: usize, out: usize, rows: i32, cols: i32, epsilon: f64): void {
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * cols), or = at(out, r * cols);
    rowStats(xr, cols, epsilon);
    const mean = <f32>rowMean, rstd = <f32>rowRstd;
    const vm = f32x4.splat(mean), vr = f32x4.splat(rstd);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const xh = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), vm), vr);
      v128.store(at(or, c), f32x4.add(f32x4.mul(xh, v128.load(at(gamma, c))), v128.load(at(beta, c))));
    }
    for (; c < cols; c++) {
      store<f32>(at(or, c), (load<f32>(at(xr, c)) - mean) * rstd * load<f32>(at(gamma, c)) + load<f32>(at(beta, c)));
    }
  }
}

/** dx per row from dy, x and gamma (the forward's statistics are recomputed). */
export function layerNormBackprop(dy: usize, x: usize, gamma: usize, dx: usize, rows: i32, cols: i32, epsilon: f64): void {
  for (let r = 0; r < rows; r++) {
    const xr = at(x, r * cols), gr = at(dy, r * cols), or = at(dx, r * cols);
    rowStats(xr, cols, epsilon);
    const mean = <f32>rowMean, rstd = <f32>rowRstd;
    const vm = f32x4.splat(mean), vr = f32x4.splat(rstd);
    // sums of g and g * xhat, in f64 lanes
    let a0 = f64x2.splat(0), a1 = a0, b0 = a0, b1 = a0;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const g = f32x4.mul(v128.load(at(gr, c)), v128.load(at(gamma, c)));
      const gx = f32x4.mul(g, f32x4.mul(f32x4.sub(v128.load(at(xr, c)), vm), vr));
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(g));
      a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<u32>(g, g, 2, 3, 0, 1)));
      b0 = f64x2.add(b0, f64x2.promote_low_f32x4(gx));
      b1 = f64x2.add(b1, f64x2.promote_low_f32x4(v128.shuffle<u32>(gx, gx, 2, 3, 0, 1)));
    }
    const sa = f64x2.add(a0, a1), sb = f64x2.add(b0, b1);
    let sumG = f64x2.extract_lane(sa, 0) + f64x2.extract_lane(sa, 1);
    let sumGX = f64x2.extract_lane(sb, 0) + f64x2.extract_lane(sb, 1);
    for (; c < cols; c++) {
      const g = <f64>(load<f32>(at(gr, c)) * load<f32>(at(gamma, c)));
      sumG += g;
      sumGX += g * <f64>((load<f32>(at(xr, c)) - mean) * rstd);
    }
    const meanG = f32x4.splat(<f32>(sumG / <f64>cols)), meanGX = f32x4.splat(<f32>(sumGX / <f64>cols));
    c = 0;
    for (; c + 4 <= cols; c += 4) {
      const xh = f32x4.mul(f32x4.sub(v128.load(at(xr, c)), vm), vr);
      const g = f32x4.mul(v128.load(at(gr, c)), v128.load(at(gamma, c)));
      v128.store(at(or, c), f32x4.mul(vr, f32x4.sub(f32x4.sub(g, meanG), f32x4.mul(xh, meanGX))));
    }
    const mg = <f32>(sumG / <f64>cols), mgx = <f32>(sumGX / <f64>cols);
    for (; c < cols; c++) {
      const xh = (load<f32>(at(xr, c)) - mean) * rstd;
      store<f32>(at(or, c), rstd * (load<f32>(at(gr, c)) * load<f32>(at(gamma, c)) - mg - xh * mgx));
    }
  }
}
