/**
 * js reference kernels of the fused LSTM cell (`lstmCell`, `lstmCellGrad`, see kernels.ts): plain
 * loops over [batch, units] that apply the gate activations, the cell update and its gradient
 * in float64, stored as float32. The wasm backend runs these same loops over its arena (the cell
 * is a few flops per element of small tensors; there is no room in the Wasm size budget).
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';
import { sigmoid } from './scalar_math.js';

const hardSigmoid = (x: number) => Math.min(Math.max(0.2 * x + 0.5, 0), 1);
/** The recurrent activation R of code `recAct` (0 hardSigmoid, 1 sigmoid). */
const recActFn = (recAct: number) => (recAct === 0 ? hardSigmoid : sigmoid);
/** R'(x) given x and r = R(x). */
const recActGrad = (recAct: number) =>
  recAct === 0 ? (x: number) => (x > -2.5 && x < 2.5 ? 0.2 : 0) : (_x: number, r: number) => r * (1 - r);

export function lstmCell(z: StorageArray, cPrev: StorageArray, h: StorageArray, c: StorageArray, a: KernelAttrs['lstmCell']): void {
  const u = a.units;
  const R = recActFn(a.recAct);
  for (let b = 0; b < a.batch; b++) {
    const zb = b * 4 * u;
    for (let j = 0; j < u; j++) {
      const k = b * u + j;
      const i = R(z[zb + j]), f = R(z[zb + u + j]), g = Math.tanh(z[zb + 2 * u + j]), o = R(z[zb + 3 * u + j]);
      const cn = Math.fround(f * cPrev[k] + i * g);
      c[k] = cn;
      h[k] = o * Math.tanh(cn);
    }
  }
}

export function lstmCellGrad(
  z: StorageArray, cPrev: StorageArray, dh: StorageArray | null, dc: StorageArray | null,
  dz: StorageArray, dcPrev: StorageArray, a: KernelAttrs['lstmCellGrad'],
): void {
  const u = a.units;
  const R = recActFn(a.recAct);
  const dR = recActGrad(a.recAct);
  for (let b = 0; b < a.batch; b++) {
    const zb = b * 4 * u;
    for (let j = 0; j < u; j++) {
      const k = b * u + j;
      const zi = z[zb + j], zf = z[zb + u + j], zc = z[zb + 2 * u + j], zo = z[zb + 3 * u + j];
      const i = R(zi), f = R(zf), g = Math.tanh(zc), o = R(zo);
      const t = Math.tanh(Math.fround(f * cPrev[k] + i * g));
      const dhk = dh ? dh[k] : 0;
      const dct = (dc ? dc[k] : 0) + dhk * o * (1 - t * t);
      dz[zb + j] = dct * g * dR(zi, i);
      dz[zb + u + j] = dct * cPrev[k] * dR(zf, f);
      dz[zb + 2 * u + j] = dct * i * (1 - g * g);
      dz[zb + 3 * u + j] = dhk * t * dR(zo, o);
      dcPrev[k] = dct * f;
    }
  }
}
