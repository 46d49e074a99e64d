/**
 * Weight data encoding for the TF.js format: tensors -> one little-endian buffer plus specs
 * (float32 and int32 as 4 bytes, bool as 1 byte), and back, including the TF.js converter's
 * quantized weights (uint8/uint16 affine, float16), string weights (each element a uint32 byte
 * length then its UTF-8 bytes) and complex64 (interleaved re, im). Model loading checks every spec
 * against the bytes available and names the weight (and its layer) that runs past a truncated shard.
 */
import type { WeightData, WeightSpec } from './types.js';
import { MAX_TENSOR_SIZE, fmtShape } from '../util.js';

export type WeightValues = Float32Array | Int32Array | Uint8Array;
/** A model weight (the dtypes a layer variable can have) decoded from the weight data. */
export interface DecodedWeight {
  spec: WeightSpec;
  dtype: 'float32' | 'int32' | 'bool';
  values: WeightValues;
  /** float16-quantized: the IEEE half bits (`values` are them widened). */
  float16?: Uint16Array;
}
/** Any weight TF.js's io.decodeWeights reads: strings as their UTF-8 bytes, complex64 interleaved. */
export interface DecodedAnyWeight {
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  values: WeightValues | Uint8Array[];
  /** A float16-quantized weight's IEEE half bits (`values` are them widened): a backend may keep them. */
  float16?: Uint16Array;
}

/** Bytes per stored element (TF.js's DTYPE_VALUE_SIZE_MAP); strings have no fixed width. */
const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };
/** A string element is stored as its byte length (uint32, little-endian) then its UTF-8 bytes. */
export const STRING_LENGTH_BYTES = 4;

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
    if (offset + length > buffer.byteLength) throw truncatedWeight(spec, offset, length, buffer.byteLength);
    const bytes = buffer.slice(offset, offset + length);
    offset += length;
    out.push({ spec, ...(decodeWeightBytes(spec, bytes) as Omit<DecodedWeight, 'spec'>) });
  }
  if (exact && offset !== buffer.byteLength) {
    throw new Error(
      `decodeWeights: the weight data has ${buffer.byteLength} bytes but the weight specs account for ${offset}: ` +
      'a weight shard has the wrong length or the specs do not describe this data',
    );
  }
  return out;
}

/** The error for a weight whose bytes [offset, offset + length) run past the `available` bytes. */
export function truncatedWeight(spec: WeightSpec, offset: number, length: number, available: number): Error {
  const storage = spec.quantization ? spec.quantization.dtype : spec.dtype;
  const needs = length < 0 ? `needs more than bytes ${offset}..${offset - length}` : `needs bytes ${offset}..${offset + length}`;
  return new Error(
    `decodeWeights: ${describeWeight(spec.name)} (shape [${spec.shape}], ${storage}) ${needs} ` +
    `but the weight data has only ${available} bytes: a weight shard is truncated or missing`,
  );
}

/**
 * TF.js `io.decodeWeights`' walk over any weights (strings and complex64 included), in spec order;
 * a spec past the end of the data is named instead of silently decoding short.
 */
export function decodeAnyWeights(data: WeightData, specs: WeightSpec[]): { spec: WeightSpec; decoded: DecodedAnyWeight }[] {
  const buffer = new Uint8Array(concatBuffers(data));
  const out: { spec: WeightSpec; decoded: DecodedAnyWeight }[] = [];
  let offset = 0;
  for (const spec of specs) {
    const length = weightByteLength(spec, buffer.subarray(offset));
    if (length < 0 || offset + length > buffer.byteLength) throw truncatedWeight(spec, offset, length, buffer.byteLength);
    out.push({ spec, decoded: decodeWeightBytes(spec, buffer.slice(offset, offset + length).buffer) });
    offset += length;
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

/**
 * Bytes the weight `spec` takes at the start of `bytes`. Numeric (and quantized) weights have a
 * fixed width; a string weight is walked through its length prefixes, and a negative -n means
 * `bytes` ends before all of them are readable: at least n bytes are needed to go on.
 */
export function weightByteLength(spec: WeightSpec, bytes: Uint8Array): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization == null && spec.dtype === 'string') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (let i = 0; i < size; i++) {
      if (offset + STRING_LENGTH_BYTES > bytes.byteLength) return -(offset + STRING_LENGTH_BYTES);
      offset += STRING_LENGTH_BYTES + view.getUint32(offset, true);
    }
    return offset;
  }
  const width = BYTES[spec.quantization != null ? spec.quantization.dtype : spec.dtype];
  if (width === undefined) {
    if (spec.quantization != null) throw unknownQuantization(spec);
    throw new Error(`Unsupported dtype in weight '${spec.name}': ${spec.dtype}`); // TF.js's wording
  }
  return size * width;
}

function unknownQuantization(spec: WeightSpec): Error {
  // TF.js's wording
  return new Error(`Weight ${spec.name} has unknown quantization dtype ${spec.quantization!.dtype}. Supported quantization dtypes are: 'uint8', 'uint16', and 'float16'.`);
}

/**
 * One weight's values from exactly its bytes, as TF.js decodes them (and with its error wording):
 * quantized uint8/uint16 as q * scale + min (rounded for int32), float16 widened, strings split
 * at their length prefixes, complex64 left interleaved.
 */
export function decodeWeightBytes(spec: WeightSpec, bytes: ArrayBuffer): DecodedAnyWeight {
  const { name, dtype } = spec;
  const q = spec.quantization;
  if (q != null) {
    if (q.dtype === 'uint8' || q.dtype === 'uint16') {
      if (!('min' in q && 'scale' in q)) throw new Error(`Weight ${name} with quantization ${q.dtype} doesn't have corresponding metadata min and scale.`);
    } else if (q.dtype === 'float16') {
      if (dtype !== 'float32') throw new Error(`Weight ${name} is quantized with ${q.dtype} which only supports weights of type float32 not ${dtype}.`);
      const bits = new Uint16Array(bytes);
      return { dtype, values: float16ToFloat32(bits), float16: bits };
    } else {
      throw unknownQuantization(spec);
    }
    const src = q.dtype === 'uint8' ? new Uint8Array(bytes) : new Uint16Array(bytes);
    const scale = q.scale as number;
    const min = q.min as number;
    if (dtype === 'float32') return { dtype, values: Float32Array.from(src, (v) => v * scale + min) };
    if (dtype === 'int32') return { dtype, values: Int32Array.from(src, (v) => Math.round(v * scale + min)) };
    throw new Error(`Unsupported dtype in weight '${name}': ${dtype}`);
  }
  if (dtype === 'float32' || dtype === 'complex64') return { dtype, values: new Float32Array(bytes) };
  if (dtype === 'int32') return { dtype, values: new Int32Array(bytes) };
  if (dtype === 'bool') return { dtype, values: new Uint8Array(bytes) };
  if (dtype === 'string') {
    const view = new DataView(bytes);
    const strings: Uint8Array[] = [];
    const size = spec.shape.reduce((a, b) => a * b, 1);
    for (let i = 0, offset = 0; i < size; i++) {
      const length = view.getUint32(offset, true);
      offset += STRING_LENGTH_BYTES;
      strings.push(new Uint8Array(bytes.slice(offset, offset + length)));
      offset += length;
    }
    return { dtype, values: strings };
  }
  throw new Error(`Unsupported dtype in weight '${name}': ${dtype}`);
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
