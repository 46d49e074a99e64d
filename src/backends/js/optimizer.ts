/**
 * js reference kernel of the fused optimizer update (`adamUpdate`, see kernels.ts): one plain
 * loop per variable that applies Adam / AdamW to every element, rounding each operation to float32 with
 * Math.fround so it matches, bit for bit, the composed elementwise ops it replaces.
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

const f = Math.fround;

/**
 * The adamUpdate kernel over its n variables: inputs [params, grads, ms, vs] (n each), outputs
 * [newParams, newMs, newVs] (n each), variable i with `sizes[i]` elements.
 */
export function adamUpdate(ins: StorageArray[], outs: StorageArray[], a: KernelAttrs['adamUpdate']): void {
  const n = a.sizes.length;
  a.sizes.forEach((size, i) => adamUpdateOne(ins[i], ins[n + i], ins[2 * n + i], ins[3 * n + i], outs[i], outs[n + i], outs[2 * n + i], size, a));
}

/** One variable's update, `size` elements: the formulas of kernels.ts, each operation rounded to float32. */
function adamUpdateOne(
  param: StorageArray, grad: StorageArray, m: StorageArray, v: StorageArray,
  outParam: StorageArray, outM: StorageArray, outV: StorageArray, size: number, a: KernelAttrs['adamUpdate'],
): void {
  const beta1 = f(a.beta1), oneMinusBeta1 = f(1 - a.beta1);
  const beta2 = f(a.beta2), oneMinusBeta2 = f(1 - a.beta2);
  const bc1 = f(a.biasCorrection1), bc2 = f(a.biasCorrection2);
  const eps = f(a.epsilon), lr = f(a.lr);
  const decay = f(a.lr * a.weightDecay);
  const decays = a.weightDecay !== 0;
  for (let i = 0; i < size; i++) {
    const g = grad[i];
    const m2 = f(f(beta1 * m[i]) + f(oneMinusBeta1 * g));
    const v2 = f(f(beta2 * v[i]) + f(oneMinusBeta2 * f(g * g)));
    const denom = f(f(Math.sqrt(f(v2 / bc2))) + eps);
    const step = f(f(f(m2 / bc1) / denom) * lr);
    const w = param[i];
    const decayed = decays ? f(w - f(w * decay)) : w;
    outParam[i] = decayed - step;
    outM[i] = m2;
    outV[i] = v2;
  }
}
