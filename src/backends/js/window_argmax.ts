/**
 * js reference kernels for window maxima that report their winning tap, over NHWC data:
 * grayscale dilation (TF.js dilation2d, [fh, fw, C] filters) and its two backprops (dy routed to
 * the winning tap, the first strictly greater in (ky, kx) order), and maxPoolWithArgmax.
 */
import type { ConvGeometry, KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

/** TF.js's starting value: Number.MIN_SAFE_INTEGER (f32 rounds it to -2^53). */
export const DILATION_START = -9007199254740991;

/** The winning tap of output (b, oy, ox, c): its value, x row/column and filter tap (TF.js defaults with no winner). */
function winner(x: StorageArray, f: StorageArray, g: ConvGeometry, b: number, oy: number, ox: number, c: number) {
  const y0 = oy * g.strideH - g.padTop;
  const x0 = ox * g.strideW - g.padLeft;
  let value = Math.fround(DILATION_START);
  let iyBest = Math.max(y0, 0), ixBest = Math.max(x0, 0), kyBest = 0, kxBest = 0;
  for (let ky = 0; ky < g.filterH; ky++) {
    const iy = y0 + ky * g.dilationH;
    if (iy < 0 || iy >= g.inH) continue;
    for (let kx = 0; kx < g.filterW; kx++) {
      const ix = x0 + kx * g.dilationW;
      if (ix < 0 || ix >= g.inW) continue;
      const v = Math.fround(x[((b * g.inH + iy) * g.inW + ix) * g.inC + c] + f[(ky * g.filterW + kx) * g.inC + c]);
      if (v > value) {
        value = v;
        iyBest = iy; ixBest = ix; kyBest = ky; kxBest = kx;
      }
    }
  }
  return { value, iy: iyBest, ix: ixBest, ky: kyBest, kx: kxBest };
}

function forEachOutput(g: ConvGeometry, fn: (b: number, oy: number, ox: number, c: number, o: number) => void): void {
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let c = 0; c < g.inC; c++) fn(b, oy, ox, c, o++);
      }
    }
  }
}

export function dilation2d(x: StorageArray, f: StorageArray, out: StorageArray, g: ConvGeometry): void {
  forEachOutput(g, (b, oy, ox, c, o) => { out[o] = winner(x, f, g, b, oy, ox, c).value; });
}

export function dilation2dBackpropInput(x: StorageArray, f: StorageArray, dy: StorageArray, dx: StorageArray, g: ConvGeometry): void {
  dx.fill(0);
  forEachOutput(g, (b, oy, ox, c, o) => {
    const w = winner(x, f, g, b, oy, ox, c);
    dx[((b * g.inH + w.iy) * g.inW + w.ix) * g.inC + c] += dy[o];
  });
}

export function dilation2dBackpropFilter(x: StorageArray, f: StorageArray, dy: StorageArray, df: StorageArray, g: ConvGeometry): void {
  df.fill(0);
  forEachOutput(g, (b, oy, ox, c, o) => {
    const w = winner(x, f, g, b, oy, ox, c);
    df[(w.ky * g.filterW + w.kx) * g.inC + c] += dy[o];
  });
}

export function maxPoolWithArgmax(x: StorageArray, values: StorageArray, indexes: StorageArray, g: KernelAttrs['maxPoolWithArgmax']): void {
  const imageSize = g.inH * g.inW * g.inC;
  forEachOutput(g, (b, oy, ox, c, o) => {
    const y0 = oy * g.strideH - g.padTop;
    const x0 = ox * g.strideW - g.padLeft;
    let best = -Infinity;
    let at = -1;
    for (let ky = 0; ky < g.filterH; ky++) {
      const iy = y0 + ky * g.dilationH;
      if (iy < 0 || iy >= g.inH) continue;
      for (let kx = 0; kx < g.filterW; kx++) {
        const ix = x0 + kx * g.dilationW;
        if (ix < 0 || ix >= g.inW) continue;
        const xi = ((b * g.inH + iy) * g.inW + ix) * g.inC + c;
        if (x[xi] > best) { best = x[xi]; at = xi; }
      }
    }
    values[o] = best;
    indexes[o] = at < 0 || g.includeBatchInIndex ? at : at - b * imageSize;
  });
}
