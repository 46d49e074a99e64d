/**
 * Weight data encoding for the TF.js format: tensors -> one little-endian buffer plus specs
 * (float32 and int32 as 4 bytes, bool as 1 byte), and back, including the TF.js converter's
 * quantized weights (uint8/uint16 affine, float16). Decoding checks every spec against the
 * bytes available and names the weight (and its layer) that runs past a truncated shard.
 */
import type { Tensor } from '../tensor.js';
import type { WeightData, WeightSpec } from './types.js';
import { MAX_TENSOR_SIZE, fmtShape } from '../util.js';

export type WeightValues = Float32Array | Int32Array | Uint8Array;
export interface DecodedWeight {
  spec: WeightSpec;
  dtype: 'float32' | 'int32' | 'bool';
  values: WeightValues;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** "weight 'dense_Dense1/kernel' of layer 'dense_Dense1'" for error messages. */
export function describeWeight(name: string): string {
  const cut = name.lastIndexOf('/');
  return cut > 0 ? `weight '${name.slice(cut + 1)}' of layer '${name.slice(0, cut)}'` : `weight '${name}'`;
}

/** Join shards (or return the single buffer). */
export function concatBuffers(data: WeightData): ArrayBuffer {
  if (!Array.isArray(data)) return data;
  if (data.length === 1) return data[0];
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), off);
    off += b.byteLength;
  }
  return out.buffer;
}

export function byteLengthOf(data: WeightData | undefined): number {
  if (!data) return 0;
  return Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
}

/** Encode named tensors (in order) into one buffer and their specs. */
export async function encodeWeights(named: { name: string; tensor: Tensor }[], group?: string): Promise<{ data: ArrayBuffer; specs: WeightSpec[] }> {
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const { name, tensor } of named) {
    const dtype = tensor.dtype;
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
      throw new Error(`encodeWeights: ${describeWeight(name)} has unsupported dtype ${dtype}`);
    }
    const values = await tensor.data();
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    chunks.push(bytes);
    const spec: WeightSpec = { name, shape: tensor.shape.slice(), dtype };
    if (group) spec.group = group;
    specs.push(spec);
  }
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return { data: out.buffer, specs };
}

function checkSpec(spec: WeightSpec): number {
  if (!spec || typeof spec.name !== 'string') throw new Error(`decodeWeights: a weight spec has no name: ${JSON.stringify(spec)}`);
  if (!Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`decodeWeights: ${describeWeight(spec.name)} has an invalid shape ${JSON.stringify(spec.shape)}`);
  }
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32' && spec.dtype !== 'bool') {
    throw new Error(`decodeWeights: ${describeWeight(spec.name)} has unsupported dtype '${spec.dtype}' (supported: float32, int32, bool)`);
  }
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (!(size <= MAX_TENSOR_SIZE)) {
    throw new Error(`decodeWeights: ${describeWeight(spec.name)} has shape ${fmtShape(spec.shape)} with ${size} elements, more than the ${MAX_TENSOR_SIZE} (2^31 - 1) a tensor can hold`);
  }
  return size;
}

/**
 * Decode every spec's values from the weight data, in order. With `exact` (model loading) the
 * specs must account for every byte: a shard of the wrong length is an error, not ignored.
 */
export function decodeWeights(data: WeightData, specs: WeightSpec[], exact = false): DecodedWeight[] {
  const buffer = concatBuffers(data);
  const out: DecodedWeight[] = [];
  let offset = 0;
  for (const spec of specs) {
    const size = checkSpec(spec);
    const q = spec.quantization;
    const storage = q ? q.dtype : spec.dtype;
    const width = BYTES[storage];
    if (!width) {
      throw new Error(`decodeWeights: ${describeWeight(spec.name)} has unknown quantization dtype '${storage}' (supported: uint8, uint16, float16)`);
    }
    const length = size * width;
    if (offset + length > buffer.byteLength) {
      throw new Error(
        `decodeWeights: ${describeWeight(spec.name)} (shape [${spec.shape}], ${storage}) needs bytes ${offset}..${offset + length} ` +
        `but the weight data has only ${buffer.byteLength} bytes: a weight shard is truncated or missing`,
      );
    }
    const bytes = buffer.slice(offset, offset + length);
    offset += length;
    const dtype = spec.dtype as DecodedWeight['dtype'];
    out.push({ spec, dtype, values: q ? dequantize(spec, bytes) : rawValues(dtype, bytes) });
  }
  if (exact && offset !== buffer.byteLength) {
    throw new Error(
      `decodeWeights: the weight data has ${buffer.byteLength} bytes but the weight specs account for ${offset}: ` +
      'a weight shard has the wrong length or the specs do not describe this data',
    );
  }
  return out;
}

/** Bytes the specs need in total (quantized sizes included). */
export function specsByteLength(specs: WeightSpec[]): number {
  return specs.reduce((n, s) => n + checkSpec(s) * (BYTES[s.quantization ? s.quantization.dtype : s.dtype] ?? 0), 0);
}

/** Warn (once per weight) about NaN or infinite float values: loading works, but the model will produce garbage. */
export function warnNonFinite(op: string, decoded: DecodedWeight[]): void {
  for (const d of decoded) {
    if (d.dtype !== 'float32') continue;
    let nan = 0;
    let inf = 0;
    for (const v of d.values) {
      if (v !== v) nan++;
      else if (v === Infinity || v === -Infinity) inf++;
    }
    if (nan || inf) {
      const what = [nan ? `${nan} NaN value${nan > 1 ? 's' : ''}` : '', inf ? `${inf} infinite value${inf > 1 ? 's' : ''}` : ''].filter(Boolean).join(' and ');
      console.warn(`${op}: ${describeWeight(d.spec.name)} has ${what} (of ${d.values.length}); its outputs will not be finite`);
    }
  }
}

function rawValues(dtype: DecodedWeight['dtype'], bytes: ArrayBuffer): WeightValues {
  if (dtype === 'float32') return new Float32Array(bytes);
  if (dtype === 'int32') return new Int32Array(bytes);
  return new Uint8Array(bytes);
}

function dequantize(spec: WeightSpec, bytes: ArrayBuffer): WeightValues {
  const q = spec.quantization!;
  if (q.dtype === 'float16') {
    if (spec.dtype !== 'float32') throw new Error(`decodeWeights: ${describeWeight(spec.name)} is float16-quantized but its dtype is ${spec.dtype}; only float32 can be`);
    return float16ToFloat32(new Uint16Array(bytes));
  }
  if (typeof q.scale !== 'number' || typeof q.min !== 'number') {
    throw new Error(`decodeWeights: ${describeWeight(spec.name)} is ${q.dtype}-quantized but lacks 'scale' and 'min'`);
  }
  const src = q.dtype === 'uint8' ? new Uint8Array(bytes) : new Uint16Array(bytes);
  if (spec.dtype === 'float32') return Float32Array.from(src, (v) => v * q.scale! + q.min!);
  if (spec.dtype === 'int32') return Int32Array.from(src, (v) => Math.round(v * q.scale! + q.min!));
  throw new Error(`decodeWeights: ${describeWeight(spec.name)} is quantized but has dtype ${spec.dtype}; only float32 and int32 can be`);
}

/** IEEE half -> single precision (subnormals, infinities and NaN included). */
export function float16ToFloat32(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const v = h[i];
    const sign = v & 0x8000 ? -1 : 1;
    const exp = (v >> 10) & 0x1f;
    const frac = v & 0x3ff;
    if (exp === 0) out[i] = sign * frac * 2 ** -24;
    else if (exp === 31) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}
