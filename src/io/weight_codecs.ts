/**
 * The TF.js converter's weight encoders (their decoders are in weights.ts): IEEE half precision
 * (float32 -> float16, ties to even, with subnormals, infinities and NaN) and the affine uint8 / uint16 quantization
 * (value = q * scale + min) with the converter's choice of range: min and max of the weight,
 * nudged so that 0 is exactly representable when the range covers it, q rounded half to even.
 * Used by tf.io.encodeWeights / model.save({quantizeWeights}) to write the manifest form
 * `quantization: {dtype, min, scale, original_dtype}` that TF.js (and tessera) load.
 */
import { describeWeight } from './weights.js';

export { float16ToFloat32 } from './weights.js';

/** The storage forms a float32 weight can be saved in (the converter's --quantize_* options). */
export type QuantizeWeightsDtype = 'uint8' | 'uint16' | 'float16';
export const QUANTIZE_WEIGHTS_DTYPES: readonly QuantizeWeightsDtype[] = ['uint8', 'uint16', 'float16'];

/** A manifest entry's `quantization` field, as the converter writes it. */
export interface WeightQuantization {
  dtype: QuantizeWeightsDtype;
  min?: number;
  scale?: number;
  original_dtype: 'float32';
}

/**
 * Bits of the half nearest to the float32 with bits `u` (ties to even, as numpy's astype(float16)):
 * overflow (|v| >= 65520) gives infinity, values below half the smallest subnormal give a signed
 * zero, NaN stays a (quiet) NaN.
 */
function halfBits(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15; // the half's biased exponent
  if (e >= 31) return sign | 0x7c00;
  let half: number;
  let rest: number;
  let halfway: number;
  if (e <= 0) {
    // subnormal half: units of 2^-24; the float's 24-bit significand shifted right by 14 - e
    if (e < -10) return sign;
    const shift = 14 - e;
    const m = mant | 0x800000;
    half = m >>> shift;
    rest = m & ((1 << shift) - 1);
    halfway = 1 << (shift - 1);
  } else {
    half = (e << 10) | (mant >>> 13);
    rest = mant & 0x1fff;
    halfway = 0x1000;
  }
  // a carry out of the significand moves to the next exponent (or to infinity): the bits add up right
  if (rest > halfway || (rest === halfway && (half & 1))) half++;
  return sign | half;
}

/** float32 -> IEEE half bits, rounding to nearest even. */
export function float32ToFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = halfBits(bits[i]);
  return out;
}

/** Round half to even (numpy's np.round). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The converter's affine quantization of one weight: scale = (max - min) / (2^bits - 1); when
 * min <= 0 <= max the range is shifted so that 0 falls on a level (zero point round(-min / scale));
 * q = round((clip(v, min, max) - min) / scale). A constant weight is all zeros with scale 1 and
 * min its value. Arithmetic in double precision, as the converter's float64 min / scale.
 */
export function quantizeAffine(name: string, values: Float32Array, dtype: 'uint8' | 'uint16'): { q: Uint8Array | Uint16Array; min: number; scale: number } {
  const levels = dtype === 'uint8' ? 255 : 65535;
  const q = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new Error(`encodeWeights: cannot quantize ${describeWeight(name)} to ${dtype}: element ${i} is ${v} (only finite values have a ${dtype} level; save it as float32 or float16)`);
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) return { q, min: 0, scale: 1 };
  if (lo === hi) return { q, min: lo, scale: 1 };
  const scale = (hi - lo) / levels;
  let min = lo;
  let max = hi;
  if (lo <= 0 && hi >= 0) {
    const zeroPoint = roundHalfEven(-lo / scale);
    min = -zeroPoint * scale + 0; // + 0: no -0 in the manifest
    max = levels * scale + min;
  }
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(Math.max(values[i], min), max);
    q[i] = Math.min(Math.max(roundHalfEven((v - min) / scale), 0), levels);
  }
  return { q, min, scale };
}

/**
 * One float32 weight in a quantized storage form: its bytes and the manifest's `quantization`
 * field, key order as the converter writes it ({dtype, min, scale, original_dtype}).
 */
export function encodeQuantized(name: string, values: Float32Array, dtype: QuantizeWeightsDtype): { bytes: Uint8Array; quantization: WeightQuantization } {
  if (dtype === 'float16') {
    const half = float32ToFloat16(values);
    return { bytes: new Uint8Array(half.buffer), quantization: { dtype, original_dtype: 'float32' } };
  }
  const { q, min, scale } = quantizeAffine(name, values, dtype);
  return { bytes: new Uint8Array(q.buffer), quantization: { dtype, min, scale, original_dtype: 'float32' } };
}

/** Throws unless `dtype` is one of the storage forms (the caller's name in the message). */
export function checkQuantizeDtype(op: string, dtype: unknown): asserts dtype is QuantizeWeightsDtype | undefined {
  if (dtype == null) return;
  if (!QUANTIZE_WEIGHTS_DTYPES.includes(dtype as QuantizeWeightsDtype)) {
    throw new Error(`${op}: quantizeWeights must be 'uint8', 'uint16' or 'float16', got ${JSON.stringify(dtype)}`);
  }
}
