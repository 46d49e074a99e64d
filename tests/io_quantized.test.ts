/**
 * Quantized weights as the TF.js converter writes them (--quantize_uint8 / --quantize_uint16 /
 * --quantize_float16): the test quantizes a float model's weights itself (affine: q = round((v - min) /
 * scale), scale = (max - min) / (2^bits - 1); float16 by round-to-nearest-even), loads the artifacts, and
 * compares with the float original (each weight within scale / 2, float16 within 2^-11 relative) and with
 * TF.js's own decoder (@tensorflow/tfjs-core io.decodeWeights) on the same bytes (exactly).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ts from '../src/index.js';
import type { ModelArtifacts, WeightSpec } from '../src/io/types.js';

beforeAll(async () => {
  await ts.setBackend('js');
  await tf.setBackend('cpu');
});

/** float32 -> IEEE half bits, round to nearest even (normal and subnormal range; our weights are small). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  const mant = u & 0x7fffff;
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    const m = (mant | 0x800000) >>> (1 - exp);
    const half = m >>> 13, rest = m & 0x1fff;
    return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
  }
  let h = (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++;
  return sign | h;
}

function quantize(values: Float32Array, dtype: 'uint8' | 'uint16' | 'float16'): { bytes: Uint8Array; q: WeightSpec['quantization'] } {
  if (dtype === 'float16') return { bytes: new Uint8Array(Uint16Array.from(values, toHalf).buffer), q: { dtype: 'float16' } };
  const levels = dtype === 'uint8' ? 255 : 65535;
  const min = Math.min(...values), max = Math.max(...values);
  const scale = (max - min) / levels || 1;
  const qv = Array.from(values, (v) => Math.round((v - min) / scale));
  const arr = dtype === 'uint8' ? Uint8Array.from(qv) : Uint16Array.from(qv);
  return { bytes: new Uint8Array(arr.buffer), q: { dtype, scale, min } };
}

async function floatModel() {
  const m = ts.sequential({ layers: [ts.layers.dense({ units: 16, inputShape: [8], activation: 'relu' }), ts.layers.dense({ units: 4 })] });
  m.setWeights(m.getWeights().map((w, i) => ts.tensor(Array.from({ length: w.size }, (_, k) => Math.sin(1.3 * k + i) * 0.7), w.shape)));
  let art!: ModelArtifacts;
  await m.save(ts.io.withSaveHandler(async (a) => { art = a; return { modelArtifactsInfo: ts.io.getModelArtifactsInfoForJSON(a) }; }));
  return { m, art };
}

describe('quantized weights (TF.js converter format)', () => {
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    it(`${dtype}: loads, stays within the quantization error, and matches TF.js's decoder`, async () => {
      const { m, art } = await floatModel();
      const floats = m.getWeights().map((w) => w.dataSync() as Float32Array);
      const parts = floats.map((v) => quantize(v, dtype));
      const specs: WeightSpec[] = art.weightSpecs!.map((s, i) => ({ ...s, quantization: parts[i].q }));
      const total = parts.reduce((n, p) => n + p.bytes.byteLength, 0);
      const data = new Uint8Array(total);
      let off = 0;
      for (const p of parts) {
        data.set(p.bytes, off);
        off += p.bytes.byteLength;
      }
      const loaded = await ts.loadLayersModel(ts.io.fromMemory({ ...art, weightSpecs: specs, weightData: data.buffer }));
      const theirs = tf.io.decodeWeights(data.buffer, specs as any);
      loaded.getWeights().forEach((w, i) => {
        const got = w.dataSync() as Float32Array;
        const tol = dtype === 'float16' ? 2 ** -11 : (parts[i].q!.scale as number) / 2 + 1e-7;
        got.forEach((v, k) => expect(Math.abs(v - floats[i][k]), `weight ${i}[${k}]`).toBeLessThanOrEqual(dtype === 'float16' ? tol * Math.abs(floats[i][k]) + 1e-7 : tol));
        expect(Array.from(got)).toEqual(Array.from(theirs[specs[i].name].dataSync()));
      });
      const x = ts.tensor(Array.from({ length: 3 * 8 }, (_, k) => Math.cos(k)), [3, 8]);
      const want = (m.predict(x) as ts.Tensor).dataSync();
      const got = (loaded.predict(x) as ts.Tensor).dataSync();
      // the outputs move by at most sum |x| * max weight error per layer; a loose, derived bound
      const bound = dtype === 'uint8' ? 0.1 : dtype === 'uint16' ? 5e-4 : 5e-3;
      got.forEach((v, k) => expect(Math.abs(v - want[k])).toBeLessThan(bound));
    });
  }
});
