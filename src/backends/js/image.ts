/**
 * js reference kernels for the image family: table-driven resize (bilinear / nearest) and its
 * adjoint, and cropAndResize. Plain loops in float64, the truth the wasm and webgpu kernels are
 * tested against.
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

export function resize(x: StorageArray, table: StorageArray, out: StorageArray, a: KernelAttrs['resize']): void {
  const { batch, inH, inW, channels: C, outH, outW } = a;
  const colBase = 3 * outH;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const img = b * inH * inW * C;
    for (let y = 0; y < outH; y++) {
      const top = img + table[y] * inW * C;
      const bottom = img + table[outH + y] * inW * C;
      const fy = table[2 * outH + y];
      for (let xo = 0; xo < outW; xo++) {
        const left = table[colBase + xo] * C;
        const right = table[colBase + outW + xo] * C;
        const fx = table[colBase + 2 * outW + xo];
        for (let c = 0; c < C; c++, o++) {
          if (a.nearest) {
            out[o] = x[top + left + c];
            continue;
          }
          const tl = x[top + left + c], tr = x[top + right + c];
          const bl = x[bottom + left + c], br = x[bottom + right + c];
          const t = tl + (tr - tl) * fx;
          const btm = bl + (br - bl) * fx;
          out[o] = t + (btm - t) * fy;
        }
      }
    }
  }
}

/** Scatter form of the adjoint: each dy element adds its four weighted taps. */
export function resizeBackprop(dy: StorageArray, table: StorageArray, dx: StorageArray, a: KernelAttrs['resizeBackprop']): void {
  const { batch, inH, inW, channels: C, outH, outW } = a;
  const colBase = 3 * outH;
  const acc = new Float64Array(dx.length);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const img = b * inH * inW * C;
    for (let y = 0; y < outH; y++) {
      const rows = [table[y], table[outH + y]];
      const fy = table[2 * outH + y];
      const wRows = [1 - fy, fy];
      for (let xo = 0; xo < outW; xo++) {
        const cols = [table[colBase + xo], table[colBase + outW + xo]];
        const fx = table[colBase + 2 * outW + xo];
        const wCols = [1 - fx, fx];
        for (let c = 0; c < C; c++, o++) {
          const g = dy[o];
          for (let i = 0; i < 2; i++) {
            for (let j = 0; j < 2; j++) acc[img + (rows[i] * inW + cols[j]) * C + c] += g * wRows[i] * wCols[j];
          }
        }
      }
    }
  }
  dx.set(acc);
}

export function cropAndResize(
  image: StorageArray, boxes: StorageArray, boxInd: StorageArray, out: StorageArray, a: KernelAttrs['cropAndResize'],
): void {
  const { numBoxes, batch, inH, inW, channels: C, cropH, cropW } = a;
  out.fill(0);
  // the same float64 operation order as TF.js's cpu kernel, so boundary samples agree
  const sample = (crop: number, lo: number, hi: number, inSize: number, i: number) =>
    crop > 1 ? lo * (inSize - 1) + i * (((hi - lo) * (inSize - 1)) / (crop - 1)) : 0.5 * (lo + hi) * (inSize - 1);
  for (let n = 0; n < numBoxes; n++) {
    const [y1, x1, y2, x2] = [boxes[4 * n], boxes[4 * n + 1], boxes[4 * n + 2], boxes[4 * n + 3]];
    const b = boxInd[n];
    if (b < 0 || b >= batch) continue;
    const img = b * inH * inW * C;
    for (let y = 0; y < cropH; y++) {
      const inY = sample(cropH, y1, y2, inH, y);
      for (let xo = 0; xo < cropW; xo++) {
        const inX = sample(cropW, x1, x2, inW, xo);
        const o = ((n * cropH + y) * cropW + xo) * C;
        if (!(inY >= 0 && inY <= inH - 1 && inX >= 0 && inX <= inW - 1)) {
          for (let c = 0; c < C; c++) out[o + c] = a.extrapolationValue;
          continue;
        }
        if (a.nearest) {
          const at = img + (Math.round(inY) * inW + Math.round(inX)) * C;
          for (let c = 0; c < C; c++) out[o + c] = image[at + c];
          continue;
        }
        const top = Math.floor(inY), bottom = Math.ceil(inY), fy = inY - top;
        const left = Math.floor(inX), right = Math.ceil(inX), fx = inX - left;
        for (let c = 0; c < C; c++) {
          const tl = image[img + (top * inW + left) * C + c], tr = image[img + (top * inW + right) * C + c];
          const bl = image[img + (bottom * inW + left) * C + c], br = image[img + (bottom * inW + right) * C + c];
          const t = tl + (tr - tl) * fx;
          const btm = bl + (br - bl) * fx;
          out[o + c] = t + (btm - t) * fy;
        }
      }
    }
  }
}
