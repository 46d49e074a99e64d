/**
 * js reference kernels for layer normalization over the last axis of a [rows, cols] view:
 * the forward (biased variance, epsilon inside the square root) and the input gradient.
 * With xhat = (x - mean) * rstd and g = dy * gamma, the input gradient is
 *   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)).
 * The parameter gradients (layerNormBackprop's paramGrads): dgamma = sum over rows of dy * xhat,
 * dbeta = sum over rows of dy.
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

/** Mean and reciprocal standard deviation of one row, in float64. */
function rowStats(x: StorageArray, base: number, cols: number, epsilon: number): { mean: number; rstd: number } {
  let s = 0;
  for (let c = 0; c < cols; c++) s += x[base + c];
  const mean = s / cols;
  let v = 0;
  for (let c = 0; c < cols; c++) {
    const d = x[base + c] - mean;
    v += d * d;
  }
  return { mean, rstd: 1 / Math.sqrt(v / cols + epsilon) };
}

export function layerNorm(
  x: StorageArray, gamma: StorageArray, beta: StorageArray, out: StorageArray, a: KernelAttrs['layerNorm'],
): void {
  const { rows, cols } = a;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const { mean, rstd } = rowStats(x, base, cols, a.epsilon);
    for (let c = 0; c < cols; c++) out[base + c] = (x[base + c] - mean) * rstd * gamma[c] + beta[c];
  }
}

export function layerNormBackprop(
  dy: StorageArray, x: StorageArray, gamma: StorageArray, dx: StorageArray, a: KernelAttrs['layerNormBackprop'],
): void {
  const { rows, cols } = a;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const { mean, rstd } = rowStats(x, base, cols, a.epsilon);
    let meanG = 0;
    let meanGX = 0;
    for (let c = 0; c < cols; c++) {
      const g = dy[base + c] * gamma[c];
      meanG += g;
      meanGX += g * (x[base + c] - mean) * rstd;
    }
    meanG /= cols;
    meanGX /= cols;
    for (let c = 0; c < cols; c++) {
      const xhat = (x[base + c] - mean) * rstd;
      dx[base + c] = rstd * (dy[base + c] * gamma[c] - meanG - xhat * meanGX);
    }
  }
}

/** layerNormBackprop's parameter gradients (attr paramGrads): float64 sums over the rows. */
export function layerNormParamGrad(
  dy: StorageArray, x: StorageArray, dgamma: StorageArray, dbeta: StorageArray, a: KernelAttrs['layerNormBackprop'],
): void {
  const { rows, cols } = a;
  const dg = new Float64Array(cols), db = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const { mean, rstd } = rowStats(x, base, cols, a.epsilon);
    for (let c = 0; c < cols; c++) {
      dg[c] += dy[base + c] * ((x[base + c] - mean) * rstd);
      db[c] += dy[base + c];
    }
  }
  for (let c = 0; c < cols; c++) {
    dgamma[c] = dg[c];
    dbeta[c] = db[c];
  }
}
