/**
 * Shared argument handling for the convolution and pooling layers: tuple normalization
 * (kernelSize: 3 -> [3, 3]), Keras data formats and padding names, and the output-length
 * arithmetic Keras uses for convolutions, transposed convolutions and pooling.
 */
import { fmtShape } from '../../util.js';
import type { Shape } from '../layer.js';

export type DataFormat = 'channelsLast' | 'channelsFirst';
export type PaddingMode = 'valid' | 'same' | 'causal';

/** A number or a list of n positive integers -> a list of n positive integers. */
export function normalizeTuple(layer: string, name: string, value: number | number[] | undefined, n: number, dflt?: number): number[] {
  const v = value ?? dflt;
  if (v === undefined) throw new Error(`${layer}: ${name} is required`);
  const list = typeof v === 'number' ? new Array(n).fill(v) : Array.isArray(v) ? v.slice() : null;
  if (!list || list.length !== n || !list.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`${layer}: ${name} must be a positive integer or a list of ${n} positive integers, got ${JSON.stringify(value)}`);
  }
  return list;
}

export function checkDataFormat(layer: string, v: unknown): DataFormat {
  const f = v ?? 'channelsLast';
  if (f === 'channels_last') return 'channelsLast';
  if (f === 'channels_first') return 'channelsFirst';
  if (f !== 'channelsLast' && f !== 'channelsFirst') {
    throw new Error(`${layer}: dataFormat must be 'channelsLast' or 'channelsFirst', got ${JSON.stringify(v)}`);
  }
  return f;
}

export function checkPadding(layer: string, v: unknown, allowCausal = false): PaddingMode {
  const p = v ?? 'valid';
  if (p === 'valid' || p === 'same' || (allowCausal && p === 'causal')) return p;
  throw new Error(`${layer}: padding must be ${allowCausal ? "'valid', 'same' or 'causal'" : "'valid' or 'same'"}, got ${JSON.stringify(v)}`);
}

/** Keras conv_output_length (null stays null). */
export function convOutputLength(len: number | null, filter: number, padding: PaddingMode, stride: number, dilation = 1): number | null {
  if (len === null) return null;
  const k = filter + (filter - 1) * (dilation - 1);
  const out = padding === 'valid' ? len - k + 1 : len;
  return Math.floor((out + stride - 1) / stride);
}

/** Keras deconv_length for a transposed convolution without outputPadding. */
export function deconvLength(len: number | null, stride: number, kernel: number, padding: PaddingMode): number | null {
  if (len === null) return null;
  return padding === 'valid' ? len * stride + Math.max(kernel - stride, 0) : len * stride;
}

/** One shape from a layer's build/computeOutputShape argument (rejects a list of shapes). */
export function singleShape(layer: string, s: Shape | Shape[]): Shape {
  if (s.length > 0 && Array.isArray(s[0])) {
    if (s.length === 1) return (s as Shape[])[0];
    throw new Error(`${layer}: expects a single input, got ${s.length} inputs`);
  }
  return s as Shape;
}

/** A shape for messages, unknown dims as null. */
export function showShape(s: readonly (number | null)[]): string {
  return s.every((d) => d !== null) ? fmtShape(s as number[]) : `[${s.map((d) => d ?? 'null').join(', ')}]`;
}

/** Throw unless the input has the given rank. */
export function assertRank(layer: string, s: Shape, rank: number, what: string): void {
  if (s.length !== rank) throw new Error(`${layer}: expected input of rank ${rank} (${what}), got shape ${showShape(s)}`);
}
