/**
 * js reference kernels for 2-D pooling (max and average) and its backprop over NHWC data.
 * Only in-image taps take part: padding never wins a max, and an average divides by the number
 * of in-image taps (TF.js 'same' semantics). A window with no in-image tap (possible only with
 * explicit padding at least as large as the window) gives -Infinity for max and 0 for avg.
 * The max backprop routes dy to the first maximal tap in (ky, kx) scan order. NaN never wins a
 * max (TF.js ignores it); an all-NaN window gives -Infinity and routes no gradient.
 */
import type { KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

const MAX = 0;

/** Visits the in-image taps of output (b, oy, ox, c): visit(xIndex). */
function forEachTap(
  g: KernelAttrs['pool'], b: number, oy: number, ox: number, c: number, visit: (xi: number) => void,
): void {
  for (let ky = 0; ky < g.filterH; ky++) {
    const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
    if (iy < 0 || iy >= g.inH) continue;
    for (let kx = 0; kx < g.filterW; kx++) {
      const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
      if (ix < 0 || ix >= g.inW) continue;
      visit(((b * g.inH + iy) * g.inW + ix) * g.inC + c);
    }
  }
}

/** For max: the x index of the first maximal tap (-1 if none); for avg: the tap count. */
function windowOf(x: StorageArray, g: KernelAttrs['pool'], b: number, oy: number, ox: number, c: number) {
  let best = -1;
  let bestVal = -Infinity;
  let sum = 0;
  let count = 0;
  forEachTap(g, b, oy, ox, c, (xi) => {
    const v = x[xi];
    // NaN compares false both ways, so it never becomes the maximum.
    if (v > bestVal || (best < 0 && v === bestVal)) { best = xi; bestVal = v; }
    sum += v;
    count++;
  });
  return { best, bestVal, sum, count };
}

export function pool(x: StorageArray, out: StorageArray, g: KernelAttrs['pool']): void {
  const C = g.inC;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let c = 0; c < C; c++) {
          const w = windowOf(x, g, b, oy, ox, c);
          const o = ((b * g.outH + oy) * g.outW + ox) * C + c;
          out[o] = g.op === MAX ? (w.best < 0 ? -Infinity : w.bestVal) : w.count === 0 ? 0 : w.sum / w.count;
        }
      }
    }
  }
}

export function poolBackprop(dy: StorageArray, x: StorageArray, dx: StorageArray, g: KernelAttrs['poolBackprop']): void {
  const C = g.inC;
  const acc = new Float64Array(dx.length);
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let c = 0; c < C; c++) {
          const d = dy[((b * g.outH + oy) * g.outW + ox) * C + c];
          const w = windowOf(x, g, b, oy, ox, c);
          if (g.op === MAX) {
            if (w.best >= 0) acc[w.best] += d;
          } else if (w.count > 0) {
            const share = d / w.count;
            forEachTap(g, b, oy, ox, c, (xi) => { acc[xi] += share; });
          }
        }
      }
    }
  }
  for (let i = 0; i < dx.length; i++) dx[i] = acc[i];
}
