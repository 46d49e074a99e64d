/**
 * js reference kernels for the convolution family: conv2d (with the fused bias/activation/residual
 * epilogue), its two backprops, and the depthwise variants. Plain nested loops over NHWC data
 * with filters [fh, fw, inC, outC] (depthwise: [fh, fw, inC, mult]); float64 accumulators.
 * The backprops loop over the forward taps and scatter, which is the definition read backwards.
 */
import type { ConvGeometry, Epilogue, KernelAttrs } from '../kernels.js';
import type { StorageArray } from '../backend.js';
import { applyActivation } from './scalar_ops.js';
import { checkResidual } from './matmul.js';

/** Input row/column of output (oy, ox) tap (ky, kx), or -1 when it falls in the padding. */
function inRow(g: ConvGeometry, oy: number, ky: number): number {
  const iy = oy * g.strideH - g.padTop + ky * g.dilationH;
  return iy >= 0 && iy < g.inH ? iy : -1;
}
function inCol(g: ConvGeometry, ox: number, kx: number): number {
  const ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
  return ix >= 0 && ix < g.inW ? ix : -1;
}

/** Output element i (channel c): + bias, the residual before / after the activation (Epilogue). */
function epilogue(
  s: number, i: number, c: number, bias: StorageArray | null, prelu: StorageArray | null, a: Epilogue, residual: StorageArray | null,
): number {
  if (a.hasBias && bias) s += bias[a.biasSize === 1 ? 0 : c];
  if (a.residual === 1) s += residual![i];
  const pw = prelu ? prelu[a.preluSize === 1 ? 0 : c] : 0;
  const y = applyActivation(a.activation, s, a.alpha, pw);
  return a.residual === 2 ? y + residual![i] : y;
}

/**
 * Calls visit(xPixel, tap, outPixel) for every output pixel (b, oy, ox) and each of its filter
 * taps (ky, kx) that lands inside the image, in (b, oy, ox, ky, kx) order. The three indices are
 * flat pixel / tap numbers: times the channel count (or channel block) they give data offsets.
 */
function forEachTap(g: ConvGeometry, visit: (xPixel: number, tap: number, outPixel: number) => void): void {
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        const outPixel = (b * g.outH + oy) * g.outW + ox;
        for (let ky = 0; ky < g.filterH; ky++) {
          const iy = inRow(g, oy, ky);
          if (iy < 0) continue;
          for (let kx = 0; kx < g.filterW; kx++) {
            const ix = inCol(g, ox, kx);
            if (ix < 0) continue;
            visit((b * g.inH + iy) * g.inW + ix, ky * g.filterW + kx, outPixel);
          }
        }
      }
    }
  }
}

export function conv2d(
  x: StorageArray, f: StorageArray, bias: StorageArray | null, prelu: StorageArray | null,
  out: StorageArray, g: KernelAttrs['conv2d'], residual: StorageArray | null = null,
): void {
  checkResidual('conv2d', g, residual, out.length);
  const { inC, outC } = g;
  const acc = new Float64Array(out.length);
  forEachTap(g, (xPixel, tap, outPixel) => {
    const xBase = xPixel * inC;
    const fBase = tap * inC * outC;
    const oBase = outPixel * outC;
    for (let co = 0; co < outC; co++) {
      let s = acc[oBase + co];
      for (let ci = 0; ci < inC; ci++) s += x[xBase + ci] * f[fBase + ci * outC + co];
      acc[oBase + co] = s;
    }
  });
  for (let i = 0; i < out.length; i++) out[i] = epilogue(acc[i], i, i % outC, bias, prelu, g, residual);
}

export function conv2dBackpropInput(dy: StorageArray, f: StorageArray, dx: StorageArray, g: ConvGeometry): void {
  const { inC, outC } = g;
  const acc = new Float64Array(dx.length);
  forEachTap(g, (xPixel, tap, outPixel) => {
    const xBase = xPixel * inC;
    const fBase = tap * inC * outC;
    const dyBase = outPixel * outC;
    for (let ci = 0; ci < inC; ci++) {
      let s = 0;
      for (let co = 0; co < outC; co++) s += dy[dyBase + co] * f[fBase + ci * outC + co];
      acc[xBase + ci] += s;
    }
  });
  for (let i = 0; i < dx.length; i++) dx[i] = acc[i];
}

export function conv2dBackpropFilter(x: StorageArray, dy: StorageArray, df: StorageArray, g: ConvGeometry): void {
  const { inC, outC } = g;
  const acc = new Float64Array(df.length);
  forEachTap(g, (xPixel, tap, outPixel) => {
    const xBase = xPixel * inC;
    const fBase = tap * inC * outC;
    const dyBase = outPixel * outC;
    for (let ci = 0; ci < inC; ci++) {
      const xv = x[xBase + ci];
      for (let co = 0; co < outC; co++) acc[fBase + ci * outC + co] += xv * dy[dyBase + co];
    }
  });
  for (let i = 0; i < df.length; i++) df[i] = acc[i];
}

type DepthwiseVisit = (xIdx: number, fIdx: number, oIdx: number) => void;

/** Calls visit for every (input element, filter element, output element) product of a depthwise conv. */
function forEachDepthwiseTap(g: ConvGeometry & { channelMultiplier: number }, visit: DepthwiseVisit): void {
  const { inC, channelMultiplier: mult } = g;
  forEachTap(g, (xPixel, tap, outPixel) => {
    const xBase = xPixel * inC;
    const fBase = tap * inC * mult;
    const oBase = outPixel * inC * mult;
    for (let c = 0; c < inC; c++) {
      for (let m = 0; m < mult; m++) visit(xBase + c, fBase + c * mult + m, oBase + c * mult + m);
    }
  });
}

export function depthwiseConv2d(
  x: StorageArray, f: StorageArray, bias: StorageArray | null, prelu: StorageArray | null,
  out: StorageArray, g: KernelAttrs['depthwiseConv2d'], residual: StorageArray | null = null,
): void {
  checkResidual('depthwiseConv2d', g, residual, out.length);
  const acc = new Float64Array(out.length);
  forEachDepthwiseTap(g, (xi, fi, oi) => { acc[oi] += x[xi] * f[fi]; });
  const outC = g.inC * g.channelMultiplier;
  for (let i = 0; i < out.length; i++) out[i] = epilogue(acc[i], i, i % outC, bias, prelu, g, residual);
}

export function depthwiseConv2dBackpropInput(
  dy: StorageArray, f: StorageArray, dx: StorageArray, g: KernelAttrs['depthwiseConv2dBackpropInput'],
): void {
  const acc = new Float64Array(dx.length);
  forEachDepthwiseTap(g, (xi, fi, oi) => { acc[xi] += dy[oi] * f[fi]; });
  for (let i = 0; i < dx.length; i++) dx[i] = acc[i];
}

export function depthwiseConv2dBackpropFilter(
  x: StorageArray, dy: StorageArray, df: StorageArray, g: KernelAttrs['depthwiseConv2dBackpropFilter'],
): void {
  const acc = new Float64Array(df.length);
  forEachDepthwiseTap(g, (xi, fi, oi) => { acc[fi] += x[xi] * dy[oi]; });
  for (let i = 0; i < df.length; i++) df[i] = acc[i];
}
