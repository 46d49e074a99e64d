/**
 * Reference int8 kernels (issue 12): quantize / dequantize and the int8 matMul, conv2d and
 * depthwise conv2d with their requantize epilogue, max / average pooling on the codes, as plain
 * loops over Int8Array views of the packed int32 storage. Every other backend's int8 kernels are tested against these.
 * Semantics: KernelAttrs.quantizeInt8 .. int8DepthwiseConv2d in ../kernels.ts.
 */
import type { StorageArray } from '../backend.js';
import { packedCols, type ConvGeometry, type Int8Epilogue, type KernelAttrs } from '../kernels.js';
import { applyActivation, roundHalfEven } from './scalar_ops.js';

/** The packed int32 storage viewed as its int8 values (little-endian, as the contract says). */
export function int8View(packed: StorageArray): Int8Array {
  return new Int8Array(packed.buffer, packed.byteOffset, packed.length * 4);
}

function clampInt8(v: number): number {
  return v < -128 ? -128 : v > 127 ? 127 : v;
}

/** q = clamp(roundHalfToEven(x / scale) + zeroPoint, -128, 127); NaN -> zeroPoint. */
export function quantizeValue(x: number, scale: number, zeroPoint: number): number {
  const r = roundHalfEven(Math.fround(x / scale));
  return r === r ? clampInt8(r + zeroPoint) : zeroPoint;
}

export function quantizeInt8(x: StorageArray, out: StorageArray, a: KernelAttrs['quantizeInt8']): void {
  const q = int8View(out);
  const rowBytes = packedCols(a.cols) * 4;
  for (let r = 0; r < a.rows; r++) {
    for (let c = 0; c < rowBytes; c++) {
      q[r * rowBytes + c] = c < a.cols ? quantizeValue(x[r * a.cols + c], a.scale, a.zeroPoint) : a.zeroPoint;
    }
  }
}

export function dequantizeInt8(packed: StorageArray, out: StorageArray, a: KernelAttrs['dequantizeInt8']): void {
  const q = int8View(packed);
  const rowBytes = packedCols(a.cols) * 4;
  const scale = Math.fround(a.scale);
  for (let r = 0; r < a.rows; r++) {
    for (let c = 0; c < a.cols; c++) out[r * a.cols + c] = scale * (q[r * rowBytes + c] - a.zeroPoint);
  }
}

/**
 * The shared epilogue: y = f32(aScale * wScale[n]) * acc + bias[n], activation, then either the
 * float32 value or its requantized int8 (written by the caller into the packed output).
 */
function epilogue(acc: number, n: number, wScale: StorageArray, bias: StorageArray | null, e: Int8Epilogue): number {
  const s = Math.fround(Math.fround(e.aScale) * wScale[n]);
  let y = Math.fround(s * Math.fround(acc)); // f32(acc), as the contract says (inexact past 2^24)
  if (bias) y = Math.fround(y + bias[n]);
  y = Math.fround(applyActivation(e.activation, y, e.alpha, 0));
  return e.outInt8 ? quantizeValue(y, e.outScale, e.outZeroPoint) : y;
}

/** Writes row `r` of an [rows, n] output: float32 as is, or int8 into the packed row. */
function storeRow(out: StorageArray, r: number, n: number, values: number[], e: Int8Epilogue): void {
  if (!e.outInt8) {
    for (let j = 0; j < n; j++) out[r * n + j] = values[j];
    return;
  }
  const q = int8View(out);
  const rowBytes = packedCols(n) * 4;
  for (let j = 0; j < rowBytes; j++) q[r * rowBytes + j] = j < n ? values[j] : e.outZeroPoint;
}

export function int8MatMul(
  a: StorageArray, w: StorageArray, wScale: StorageArray, bias: StorageArray | null, out: StorageArray,
  attrs: KernelAttrs['int8MatMul'],
): void {
  const qa = int8View(a);
  const qw = int8View(w);
  const kBytes = packedCols(attrs.K) * 4;
  const row = new Array<number>(attrs.N);
  for (let m = 0; m < attrs.M; m++) {
    for (let n = 0; n < attrs.N; n++) {
      let acc = 0;
      for (let k = 0; k < attrs.K; k++) acc += (qa[m * kBytes + k] - attrs.aZeroPoint) * qw[n * kBytes + k];
      row[n] = epilogue(acc, n, wScale, bias, attrs);
    }
    storeRow(out, m, attrs.N, row, attrs);
  }
}

/** Calls visit(inputPixelIndex, tapIndex) for each in-image tap of output pixel (b, oy, ox). */
function forEachTap(g: ConvGeometry, b: number, oy: number, ox: number, visit: (pixel: number, tap: number) => void): void {
  for (let ky = 0; ky < g.filterH; ky++) {
    const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
    if (iy < 0 || iy >= g.inH) continue;
    for (let kx = 0; kx < g.filterW; kx++) {
      const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
      if (ix < 0 || ix >= g.inW) continue;
      visit((b * g.inH + iy) * g.inW + ix, ky * g.filterW + kx);
    }
  }
}

export function int8Conv2d(
  x: StorageArray, w: StorageArray, wScale: StorageArray, bias: StorageArray | null, out: StorageArray,
  g: KernelAttrs['int8Conv2d'],
): void {
  const qx = int8View(x);
  const qw = int8View(w);
  const cBytes = packedCols(g.inC) * 4;
  const taps = g.filterH * g.filterW;
  const acc = new Array<number>(g.outC);
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        acc.fill(0);
        forEachTap(g, b, oy, ox, (pixel, tap) => {
          for (let co = 0; co < g.outC; co++) {
            const wBase = (co * taps + tap) * cBytes;
            let s = 0;
            for (let ci = 0; ci < g.inC; ci++) s += (qx[pixel * cBytes + ci] - g.aZeroPoint) * qw[wBase + ci];
            acc[co] += s;
          }
        });
        for (let co = 0; co < g.outC; co++) acc[co] = epilogue(acc[co], co, wScale, bias, g);
        storeRow(out, (b * g.outH + oy) * g.outW + ox, g.outC, acc, g);
      }
    }
  }
}

export function int8DepthwiseConv2d(
  x: StorageArray, w: StorageArray, wScale: StorageArray, bias: StorageArray | null, out: StorageArray,
  g: KernelAttrs['int8DepthwiseConv2d'],
): void {
  const qx = int8View(x);
  const qw = int8View(w);
  const cBytes = packedCols(g.inC) * 4;
  const acc = new Array<number>(g.inC);
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        acc.fill(0);
        forEachTap(g, b, oy, ox, (pixel, tap) => {
          for (let c = 0; c < g.inC; c++) acc[c] += (qx[pixel * cBytes + c] - g.aZeroPoint) * qw[tap * cBytes + c];
        });
        for (let c = 0; c < g.inC; c++) acc[c] = epilogue(acc[c], c, wScale, bias, g);
        storeRow(out, (b * g.outH + oy) * g.outW + ox, g.inC, acc, g);
      }
    }
  }
}

/**
 * int8MaxPool over the packed words (four int8 codes each, little-endian): per output word, the
 * max of each byte over the window's in-image taps.
 */
export function int8MaxPool(x: StorageArray, out: StorageArray, g: KernelAttrs['int8MaxPool']): void {
  const { inH, inW, filterH, filterW } = g;
  const words = packedCols(g.inC);
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const y0 = oy * g.strideH - g.padTop;
        const x0 = ox * g.strideW - g.padLeft;
        for (let w = 0; w < words; w++, o++) {
          let m0 = -128, m1 = -128, m2 = -128, m3 = -128;
          for (let ky = 0; ky < filterH; ky++) {
            const iy = y0 + ky * g.dilationH;
            if (iy < 0 || iy >= inH) continue;
            for (let kx = 0; kx < filterW; kx++) {
              const ix = x0 + kx * g.dilationW;
              if (ix < 0 || ix >= inW) continue;
              const v = x[((b * inH + iy) * inW + ix) * words + w];
              m0 = Math.max(m0, (v << 24) >> 24);
              m1 = Math.max(m1, (v << 16) >> 24);
              m2 = Math.max(m2, (v << 8) >> 24);
              m3 = Math.max(m3, v >> 24);
            }
          }
          out[o] = (m0 & 255) | ((m1 & 255) << 8) | ((m2 & 255) << 16) | (m3 << 24);
        }
      }
    }
  }
}

/**
 * int8AvgPool over the packed words: per output code, the exact integer sum s of the window's
 * in-image taps' codes and their count n give round(s / n), half to even, in integers (the
 * remainder r = s - n * floor(s / n) against n / 2).
 */
export function int8AvgPool(x: StorageArray, out: StorageArray, g: KernelAttrs['int8AvgPool']): void {
  const qx = int8View(x);
  const qo = int8View(out);
  const { inH, inW, filterH, filterW } = g;
  const bytes = packedCols(g.inC) * 4;
  const sum = new Array<number>(bytes);
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        sum.fill(0);
        let n = 0;
        for (let ky = 0; ky < filterH; ky++) {
          const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < filterW; kx++) {
            const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
            if (ix < 0 || ix >= inW) continue;
            const p = ((b * inH + iy) * inW + ix) * bytes;
            for (let c = 0; c < bytes; c++) sum[c] += qx[p + c];
            n++;
          }
        }
        for (let c = 0; c < bytes; c++, o++) {
          const f = Math.floor(sum[c] / n);
          const r2 = 2 * (sum[c] - f * n);
          qo[o] = r2 > n || (r2 === n && (f & 1) !== 0) ? f + 1 : f;
        }
      }
    }
  }
}
