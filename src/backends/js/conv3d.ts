/**
 * js reference kernels for 3-D convolution (NDHWC x, [fd, fh, fw, inC, outC] filters), its two
 * backprops, and 3-D max / average pooling with its backprop. Obvious loops over every output
 * and tap; taps outside the volume are skipped. Pooling follows TF.js's cpu backend: max
 * ignores NaN taps, its backprop routes dy to the last tap that is >= all earlier ones.
 */
import type { Conv3dGeometry, KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';

/** Visits every in-volume tap of output (b, od, oy, ox): visit(xBase, kd, ky, kx) with xBase the channel-0 x index. */
function forEachTap(
  g: Conv3dGeometry, b: number, od: number, oy: number, ox: number,
  visit: (xBase: number, kd: number, ky: number, kx: number) => void,
): void {
  for (let kd = 0; kd < g.filterD; kd++) {
    const id = od * g.strideD - g.padFront + kd * g.dilationD;
    if (id < 0 || id >= g.inD) continue;
    for (let ky = 0; ky < g.filterH; ky++) {
      const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
      if (iy < 0 || iy >= g.inH) continue;
      for (let kx = 0; kx < g.filterW; kx++) {
        const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
        if (ix < 0 || ix >= g.inW) continue;
        visit((((b * g.inD + id) * g.inH + iy) * g.inW + ix) * g.inC, kd, ky, kx);
      }
    }
  }
}

/** Calls fn(b, od, oy, ox, yBase) for every output position; yBase is its channel-0 index. */
function forEachOutput(g: Conv3dGeometry, fn: (b: number, od: number, oy: number, ox: number, yBase: number) => void): void {
  for (let b = 0; b < g.batch; b++) {
    for (let od = 0; od < g.outD; od++) {
      for (let oy = 0; oy < g.outH; oy++) {
        for (let ox = 0; ox < g.outW; ox++) fn(b, od, oy, ox, (((b * g.outD + od) * g.outH + oy) * g.outW + ox) * g.outC);
      }
    }
  }
}

const filterBase = (g: Conv3dGeometry, kd: number, ky: number, kx: number) => (((kd * g.filterH + ky) * g.filterW + kx) * g.inC) * g.outC;

export function conv3d(x: StorageArray, f: StorageArray, out: StorageArray, g: KernelAttrs['conv3d']): void {
  forEachOutput(g, (b, od, oy, ox, yBase) => {
    for (let co = 0; co < g.outC; co++) {
      let acc = 0;
      forEachTap(g, b, od, oy, ox, (xBase, kd, ky, kx) => {
        const fb = filterBase(g, kd, ky, kx);
        for (let ci = 0; ci < g.inC; ci++) acc += x[xBase + ci] * f[fb + ci * g.outC + co];
      });
      out[yBase + co] = acc;
    }
  });
}

export function conv3dBackpropInput(dy: StorageArray, f: StorageArray, dx: StorageArray, g: KernelAttrs['conv3dBackpropInput']): void {
  dx.fill(0);
  forEachOutput(g, (b, od, oy, ox, yBase) => {
    forEachTap(g, b, od, oy, ox, (xBase, kd, ky, kx) => {
      const fb = filterBase(g, kd, ky, kx);
      for (let ci = 0; ci < g.inC; ci++) {
        let acc = 0;
        for (let co = 0; co < g.outC; co++) acc += dy[yBase + co] * f[fb + ci * g.outC + co];
        dx[xBase + ci] += acc;
      }
    });
  });
}

export function conv3dBackpropFilter(x: StorageArray, dy: StorageArray, df: StorageArray, g: KernelAttrs['conv3dBackpropFilter']): void {
  df.fill(0);
  forEachOutput(g, (b, od, oy, ox, yBase) => {
    forEachTap(g, b, od, oy, ox, (xBase, kd, ky, kx) => {
      const fb = filterBase(g, kd, ky, kx);
      for (let ci = 0; ci < g.inC; ci++) {
        for (let co = 0; co < g.outC; co++) df[fb + ci * g.outC + co] += x[xBase + ci] * dy[yBase + co];
      }
    });
  });
}

/** For max: the x index of the TF.js-cpu maximal tap (-1 if none) and its value; for avg: sum and count. */
function window3d(x: StorageArray, g: Conv3dGeometry, b: number, od: number, oy: number, ox: number, c: number) {
  let best = -1;
  let bestVal = -Infinity;
  let sum = 0;
  let count = 0;
  forEachTap(g, b, od, oy, ox, (xBase) => {
    const v = x[xBase + c];
    if (v >= bestVal) { best = xBase + c; bestVal = v; }
    sum += v;
    count++;
  });
  return { best, bestVal, sum, count };
}

export function pool3d(x: StorageArray, out: StorageArray, g: KernelAttrs['pool3d']): void {
  forEachOutput(g, (b, od, oy, ox, yBase) => {
    for (let c = 0; c < g.outC; c++) {
      const w = window3d(x, g, b, od, oy, ox, c);
      out[yBase + c] = g.op === 0 ? w.bestVal : w.count === 0 ? 0 : w.sum / w.count;
    }
  });
}

export function pool3dBackprop(dy: StorageArray, x: StorageArray, dx: StorageArray, g: KernelAttrs['pool3dBackprop']): void {
  dx.fill(0);
  forEachOutput(g, (b, od, oy, ox, yBase) => {
    for (let c = 0; c < g.outC; c++) {
      const w = window3d(x, g, b, od, oy, ox, c);
      const d = dy[yBase + c];
      if (g.op === 0) {
        if (w.best >= 0) dx[w.best] += d;
      } else if (w.count > 0) {
        forEachTap(g, b, od, oy, ox, (xBase) => { dx[xBase + c] += d / w.count; });
      }
    }
  });
}
