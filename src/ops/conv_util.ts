/**
 * Shared plumbing of the conv, pool and fused ops: parsing strides / dilations / padding the
 * TF.js way into the kernels' ConvGeometry (output size and top/left padding precomputed),
 * the validation that makes bad geometry fail with a clear Error, NCHW <-> NHWC moves, and
 * `composite`, which disposes the intermediates of a multi-op forward when no gradient is taped.
 */
import type { ConvGeometry } from '../backends/kernels.js';
import { scoped } from './operand.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmtShape } from '../util.js';
import { reshape, transpose } from './layout.js';

/** TF.js explicit padding: [[0,0],[top,bottom],[left,right],[0,0]] (NHWC order, or NCHW order). */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];
/**
 * Padding of a convolution or pool: 'same', 'valid', a number, or explicit [[top, bottom], [left, right]] pairs.
 */
export type PadSpec = 'same' | 'valid' | number | ExplicitPadding;
/**
 * How an output size with a fractional part is rounded when padding is a number: 'floor', 'round' or 'ceil'.
 */
export type RoundingMode = 'floor' | 'round' | 'ceil';
export type Pair = number | [number, number];
/**
 * The layout of a 2-D convolution's input: 'NHWC' (default) or 'NCHW'.
 */
export type ConvDataFormat = 'NHWC' | 'NCHW';

/**
 * Run a forward made of several ops. When a gradient is being taped its intermediates belong
 * to the tape (the autograd scope frees them); otherwise everything but the result is freed.
 */
export const composite = scoped;

/** [h, w] from a number or a pair of positive integers. */
export function parsePair(op: string, name: string, v: Pair | undefined, dflt: number): [number, number] {
  const p: number[] = v === undefined || v === null ? [dflt, dflt] : typeof v === 'number' ? [v, v] : (v as number[]);
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a pair of positive integers, got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1]];
}

export function checkDataFormat<F extends string>(op: string, dataFormat: string, allowed: readonly F[]): F {
  if (!allowed.includes(dataFormat as F)) {
    throw new Error(`${op}: dataFormat must be ${allowed.map((f) => `'${f}'`).join(' or ')}, got '${String(dataFormat)}'`);
  }
  return dataFormat as F;
}

function roundDim(v: number, mode: RoundingMode | undefined): number {
  if (!mode) return Math.trunc(v);
  return mode === 'round' ? Math.round(v) : mode === 'ceil' ? Math.ceil(v) : Math.floor(v);
}

export interface GeometryRequest {
  op: string;
  /** NHWC input shape (rank 4). */
  xShape: number[];
  filterH: number;
  filterW: number;
  outC: number;
  strides: Pair | undefined;
  dilations: Pair | undefined;
  pad: PadSpec;
  /** Explicit padding given in this layout is read at the H/W positions of that layout. */
  dataFormat?: 'NHWC' | 'NCHW';
  roundingMode?: RoundingMode;
  /** Describes the operands in error messages. */
  what: string;
}

/** TF.js conv geometry (computeConv2DInfo semantics), validated. */
export function convGeometry(r: GeometryRequest): ConvGeometry & { padBottom: number; padRight: number } {
  const { op } = r;
  const [batch, inH, inW, inC] = r.xShape;
  const [strideH, strideW] = parsePair(op, 'strides', r.strides, 1);
  const [dilationH, dilationW] = parsePair(op, 'dilations', r.dilations, 1);
  if ((strideH > 1 || strideW > 1) && (dilationH > 1 || dilationW > 1)) {
    throw new Error(`${op}: strides > 1 together with dilations > 1 are not supported (strides [${strideH},${strideW}], dilations [${dilationH},${dilationW}])`);
  }
  if (!Number.isInteger(r.filterH) || !Number.isInteger(r.filterW) || r.filterH < 1 || r.filterW < 1) {
    throw new Error(`${op}: filter size must be positive integers, got ${r.filterH}x${r.filterW} (${r.what})`);
  }
  const effH = (r.filterH - 1) * dilationH + 1;
  const effW = (r.filterW - 1) * dilationW + 1;
  const pad = r.pad;
  if (r.roundingMode !== undefined && r.roundingMode !== null) {
    if (!['floor', 'round', 'ceil'].includes(r.roundingMode)) {
      throw new Error(`${op}: dimRoundingMode must be 'floor', 'round' or 'ceil', got '${String(r.roundingMode)}'`);
    }
    if (typeof pad === 'string') {
      throw new Error(`${op}: dimRoundingMode '${r.roundingMode}' needs a numeric or explicit pad, got pad '${pad}'`);
    }
  }
  let outH: number, outW: number, top: number, bottom: number, left: number, right: number;
  if (pad === 'same') {
    outH = Math.ceil(inH / strideH);
    outW = Math.ceil(inW / strideW);
    const alongH = Math.max(0, (outH - 1) * strideH + effH - inH);
    const alongW = Math.max(0, (outW - 1) * strideW + effW - inW);
    top = Math.floor(alongH / 2);
    bottom = alongH - top;
    left = Math.floor(alongW / 2);
    right = alongW - left;
  } else if (pad === 'valid') {
    top = bottom = left = right = 0;
    outH = Math.ceil((inH - effH + 1) / strideH);
    outW = Math.ceil((inW - effW + 1) / strideW);
  } else if (typeof pad === 'number') {
    if (!Number.isInteger(pad) || pad < 0) throw new Error(`${op}: numeric pad must be a non-negative integer, got ${pad}`);
    top = bottom = left = right = pad;
    outH = roundDim((inH - effH + 2 * pad) / strideH + 1, r.roundingMode);
    outW = roundDim((inW - effW + 2 * pad) / strideW + 1, r.roundingMode);
  } else if (Array.isArray(pad)) {
    const nchw = r.dataFormat === 'NCHW';
    const ok = pad.length === 4 && pad.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0));
    const hp = ok ? pad[nchw ? 2 : 1] : null;
    const wp = ok ? pad[nchw ? 3 : 2] : null;
    // The batch and channel pairs are read past, as TF.js does (its depthwiseConv2d specs pass [0, 1] there).
    if (!ok || !hp || !wp) {
      throw new Error(`${op}: explicit pad must be [[0,0],[top,bottom],[left,right],[0,0]] of non-negative integers, got ${JSON.stringify(pad)}`);
    }
    [top, bottom] = hp;
    [left, right] = wp;
    outH = roundDim((inH - effH + top + bottom) / strideH + 1, r.roundingMode);
    outW = roundDim((inW - effW + left + right) / strideW + 1, r.roundingMode);
  } else {
    throw new Error(`${op}: pad must be 'same', 'valid', a number or explicit [[0,0],[t,b],[l,r],[0,0]], got ${JSON.stringify(pad)}`);
  }
  if (outH <= 0 || outW <= 0) {
    throw new Error(
      `${op}: the ${r.filterH}x${r.filterW} window (dilated ${effH}x${effW}) does not fit the ${inH}x${inW} input ` +
        `with pad ${JSON.stringify(pad)}: output would be ${outH}x${outW} (${r.what})`,
    );
  }
  return {
    batch, inH, inW, inC, outH, outW, outC: r.outC, filterH: r.filterH, filterW: r.filterW,
    strideH, strideW, dilationH, dilationW, padTop: top, padLeft: left, padBottom: bottom, padRight: right,
  };
}

/** Strip the extra fields so kernels receive exactly ConvGeometry. */
export function geometryAttrs(g: ConvGeometry): ConvGeometry {
  return {
    batch: g.batch, inH: g.inH, inW: g.inW, inC: g.inC, outH: g.outH, outW: g.outW, outC: g.outC,
    filterH: g.filterH, filterW: g.filterW, strideH: g.strideH, strideW: g.strideW,
    dilationH: g.dilationH, dilationW: g.dilationW, padTop: g.padTop, padLeft: g.padLeft,
  };
}

export const nchwToNhwc = (x: Tensor): Tensor => transpose(x, [0, 2, 3, 1]);
export const nhwcToNchw = (x: Tensor): Tensor => transpose(x, [0, 3, 1, 2]);

export function assertFloat32(op: string, t: Tensor, arg: string): void {
  if (t.dtype !== 'float32') {
    throw new Error(`Argument '${arg}' passed to '${op}' must be float32 tensor, but got ${t.dtype} tensor (shape ${fmtShape(t.shape)})`);
  }
}

/** The NHWC shape of a rank-3/4 input in either layout; throws on other ranks. */
export function nhwcShape(op: string, x: Tensor, fmt: ConvDataFormat, arg = 'x'): number[] {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new Error(`${op}: ${arg} must be rank 4 (or rank 3 for a batch of 1), got shape ${fmtShape(x.shape)}`);
  }
  const s = x.rank === 3 ? [1, ...x.shape] : x.shape;
  return fmt === 'NCHW' ? [s[0], s[2], s[3], s[1]] : s.slice();
}

/** Lift to rank 4 and NHWC; `finish` undoes both on the result. */
export function toNhwc(x: Tensor, fmt: ConvDataFormat): { xh: Tensor; finish: (y: Tensor) => Tensor } {
  const lifted = x.rank === 3;
  const x4 = lifted ? reshape(x, [1, ...x.shape]) : x;
  const xh = fmt === 'NCHW' ? nchwToNhwc(x4) : x4;
  return {
    xh,
    finish: (y) => {
      const yf = fmt === 'NCHW' ? nhwcToNchw(y) : y;
      return lifted ? reshape(yf, yf.shape.slice(1)) : yf;
    },
  };
}

export function checkFilter(op: string, f: Tensor, inC: number, what: string, arg = 'filter'): void {
  assertFloat32(op, f, arg);
  if (f.rank !== 4) throw new Error(`${op}: ${arg} must be rank 4 [filterHeight, filterWidth, inChannels, outChannels], got shape ${fmtShape(f.shape)}`);
  if (f.shape[2] !== inC) {
    throw new Error(`${op}: input has ${inC} channels but ${arg} shape ${fmtShape(f.shape)} expects ${f.shape[2]} (${what})`);
  }
}

/** Validated geometry of conv2d(x, filter) for an NHWC input shape. */
export function conv2dGeometry(
  op: string, xShape: number[], f: Tensor, strides: Pair, pad: PadSpec, dilations: Pair | undefined,
  fmt: ConvDataFormat, roundingMode: RoundingMode | undefined, what: string, depthwise = false,
): ConvGeometry {
  checkFilter(op, f, xShape[3], what);
  const outC = depthwise ? xShape[3] * f.shape[3] : f.shape[3];
  return convGeometry({
    op, xShape, filterH: f.shape[0], filterW: f.shape[1], outC, strides, dilations, pad,
    dataFormat: fmt, roundingMode, what,
  });
}

