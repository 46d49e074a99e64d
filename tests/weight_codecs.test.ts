/**
 * The TF.js converter's weight codecs (issue 12): float16 decoding against a hand-made table of half
 * bit patterns and against TF.js's own decoder on all 65536 patterns; float16 encoding (ties to even,
 * subnormals, overflow) against hand-worked bit patterns and a nearest-half check; the uint8/uint16
 * affine quantization against the converter's documented example; quantized int32 weights; and
 * model.save({quantizeWeights}) whose artifacts @tensorflow/tfjs-layers loads to the same weights,
 * bit for bit, as tessera does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ts from '../src/index.js';
import { float16ToFloat32, float32ToFloat16, quantizeAffine } from '../src/io/weight_codecs.js';
import type { ModelArtifacts, WeightSpec } from '../src/io/types.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

beforeAll(async () => {
  await ts.setBackend('js');
  await tf.setBackend('cpu');
});

const f32 = (v: number) => Math.fround(v);
/** The float32 whose bits are `u`. */
const fromBits = (u: number) => new Float32Array(new Uint32Array([u]).buffer)[0];

// IEEE 754 binary16: sign | 5-bit exponent (bias 15) | 10-bit fraction; worked by hand from the format.
const HALF_TABLE: [number, number][] = [
  [0x0000, 0], [0x8000, -0], [0x3c00, 1], [0xbc00, -1], [0xc000, -2], [0x3800, 0.5],
  [0x3c01, 1 + 2 ** -10], [0x3bff, 1 - 2 ** -11], [0x3555, 0.333251953125], [0x4248, 3.140625],
  [0x7bff, 65504], [0xfbff, -65504], [0x0400, 2 ** -14], [0x0001, 2 ** -24], [0x8001, -(2 ** -24)],
  [0x03ff, 1023 * 2 ** -24], [0x0200, 2 ** -15], [0x7c00, Infinity], [0xfc00, -Infinity],
];

describe('float16', () => {
  it('decodes a hand-made table of half bit patterns (normal, subnormal, signed zero, infinity, NaN)', () => {
    const got = float16ToFloat32(Uint16Array.from(HALF_TABLE, ([h]) => h));
    HALF_TABLE.forEach(([h, want], i) => expect(Object.is(got[i], want), `0x${h.toString(16)} -> ${got[i]}, want ${want}`).toBe(true));
    for (const nan of [0x7e00, 0x7c01, 0xfe00, 0x7fff]) expect(float16ToFloat32(new Uint16Array([nan]))[0]).toBeNaN();
  });

  it("decodes all 65536 patterns as TF.js's decoder does (through tf.io.decodeWeights)", () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const spec = { name: 'w', shape: [65536], dtype: 'float32', quantization: { dtype: 'float16' } } as WeightSpec;
    const ours = ts.io.decodeWeights(all.buffer, [spec]).w.dataSync();
    const theirs = tf.io.decodeWeights(all.buffer, [spec as any]).w.dataSync();
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(theirs[i])) expect(ours[i], `0x${i.toString(16)}`).toBeNaN();
      else if (!Object.is(ours[i], theirs[i])) expect.fail(`0x${i.toString(16)}: ours ${ours[i]}, TF.js ${theirs[i]}`);
    }
  });

  it('encodes to the nearest half, ties to even, with subnormals, overflow to infinity and NaN kept', () => {
    // [float32 value, half bits]; ties sit exactly halfway between two halves (worked from the table above)
    const cases: [number, number][] = [
      [1, 0x3c00], [-2, 0xc000], [-0, 0x8000], [65504, 0x7bff], [2 ** -24, 0x0001], [1023 * 2 ** -24, 0x03ff],
      [1 + 2 ** -11, 0x3c00], // tie between 0x3c00 and 0x3c01: even
      [1 + 3 * 2 ** -11, 0x3c02], // tie between 0x3c01 and 0x3c02: even
      [f32(1 + 2 ** -11 + 2 ** -20), 0x3c01], // just above the tie
      [65519, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00], [-1e6, 0xfc00], [Infinity, 0x7c00], [-Infinity, 0xfc00],
      [2 ** -25, 0x0000], // tie between 0 and the smallest subnormal: even (0)
      [fromBits(0x33000001), 0x0001], // the float just above 2^-25 rounds up
      [3 * 2 ** -25, 0x0002], // tie between subnormals 1 and 2: even
      [1023.5 * 2 ** -24, 0x0400], // tie between the largest subnormal and the smallest normal: even
      [1e-9, 0x0000], [-1e-9, 0x8000], [f32(0.1), 0x2e66], [f32(1 / 3), 0x3555],
    ];
    const bits = float32ToFloat16(Float32Array.from(cases, ([v]) => v));
    cases.forEach(([v, h], i) => expect(bits[i], `${v} -> 0x${bits[i].toString(16)}, want 0x${h.toString(16)}`).toBe(h));
    const nan = float32ToFloat16(new Float32Array([NaN]))[0];
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
  });

  it('encodes random floats to the nearest half (checked with TF.js decoding the neighbours)', () => {
    let s = 12345;
    const values = Float32Array.from({ length: 4000 }, () => {
      s = (s * 1103515245 + 12345) >>> 0;
      return ((s / 2 ** 32) - 0.5) * 2 ** ((s % 40) - 24);
    });
    const bits = float32ToFloat16(values);
    const neighbours = new Uint16Array(values.length * 3);
    bits.forEach((h, i) => neighbours.set([h, h - 1 < 0 ? h : h - 1, h + 1 > 0xffff ? h : h + 1], 3 * i));
    const spec = { name: 'w', shape: [neighbours.length], dtype: 'float32', quantization: { dtype: 'float16' } };
    const dec = tf.io.decodeWeights(neighbours.buffer, [spec as any]).w.dataSync();
    values.forEach((v, i) => {
      const err = Math.abs(dec[3 * i] - v);
      // a half's neighbours in bit order (same sign) are the next values down and up in magnitude
      for (const k of [1, 2]) if (Number.isFinite(dec[3 * i + k]) && Math.sign(dec[3 * i + k]) * Math.sign(v) >= 0) expect(err, `${v}`).toBeLessThanOrEqual(Math.abs(dec[3 * i + k] - v));
    });
  });
});

describe('uint8 / uint16 affine quantization', () => {
  it("matches the converter's documented example ([0, -0.1, 1.2] -> [20, 0, 255], min -0.10196078817, scale 0.00509803940852)", () => {
    const { q, min, scale } = quantizeAffine('w', new Float32Array([0, -0.1, 1.2]), 'uint8');
    expect(Array.from(q)).toEqual([20, 0, 255]);
    expect(Math.abs(min - -0.10196078817)).toBeLessThan(1e-11);
    expect(Math.abs(scale - 0.00509803940852)).toBeLessThan(1e-14);
    expect(20 * scale + min).toBe(0); // zero is a level exactly (pruned weights stay zero)
  });

  it('rounds half to even, does not nudge a range without 0, and stores a constant as zeros', () => {
    // [1, 2, 3]: scale 2/255, (2 - 1) / scale = 127.5 -> 128 (even); min stays 1
    const pos = quantizeAffine('w', new Float32Array([1, 2, 3]), 'uint8');
    expect(Array.from(pos.q)).toEqual([0, 128, 255]);
    expect(pos.min).toBe(1);
    expect(pos.scale).toBe(2 / 255);
    // uint16: [-1, 1]: scale 2/65535, zero point round(32767.5) = 32768 (even), so 1 clips to the top level
    const wide = quantizeAffine('w', new Float32Array([-1, 0, 1]), 'uint16');
    expect(Array.from(wide.q)).toEqual([0, 32768, 65535]);
    expect(wide.min).toBe(-32768 * (2 / 65535));
    // scale 2^-4 makes exact ties: (8.90625 - 1) / 0.0625 = 126.5 -> 126 (even), not 127
    const ties = quantizeAffine('w', new Float32Array([1, 8.90625, 8.96875, 16.9375]), 'uint8');
    expect([Array.from(ties.q), ties.min, ties.scale]).toEqual([[0, 126, 128, 255], 1, 0.0625]);
    // zero point 7.90625 / 0.0625 = 126.5 -> 126, so min = -7.875 and the top 8.03125 lands on 254.5 -> 254
    const zp = quantizeAffine('w', new Float32Array([-7.90625, 0, 8.03125]), 'uint8');
    expect([Array.from(zp.q), zp.min, zp.scale]).toEqual([[0, 126, 254], -7.875, 0.0625]);
    const flat = quantizeAffine('w', new Float32Array([0.5, 0.5]), 'uint8');
    expect([Array.from(flat.q), flat.min, flat.scale]).toEqual([[0, 0], 0.5, 1]);
  });

  it('refuses NaN or infinite values, naming the weight', () => {
    expect(() => quantizeAffine('dense/kernel', new Float32Array([1, NaN]), 'uint8')).toThrow(/weight 'kernel' of layer 'dense'.*element 1 is NaN/);
  });

  it('loads quantized int32 weights as TF.js does (Math.round(q * scale + min))', () => {
    // q [0, 1, 2, 255], scale 0.5, min -3: -3, -2.5 -> -2, -2, 124.5 -> 125 (Math.round rounds halves up)
    const spec = { name: 'i', shape: [4], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.5, min: -3 } } as WeightSpec;
    const data = new Uint8Array([0, 1, 2, 255]).buffer;
    const ours = ts.io.decodeWeights(data, [spec]).i;
    expect(ours.dtype).toBe('int32');
    expect(Array.from(ours.dataSync())).toEqual([-3, -2, -2, 125]);
    expect(Array.from(tf.io.decodeWeights(data, [spec as any]).i.dataSync())).toEqual([-3, -2, -2, 125]);
  });
});

/** A small conv + dense model with seeded weights (a pruned-looking zero in the kernel). */
function model() {
  const m = ts.sequential({ layers: [
    ts.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, activation: 'relu' }),
    ts.layers.flatten({}),
    ts.layers.dense({ units: 4, activation: 'softmax' }),
  ] });
  m.setWeights(m.getWeights().map((w, i) => ts.tensor(Array.from({ length: w.size }, (_, k) => (k % 5 === 0 ? 0 : Math.sin(0.7 * k + i) * 0.4)), w.shape)));
  return m;
}

async function saved(m: ts.LayersModel, quantizeWeights?: 'uint8' | 'uint16' | 'float16', includeOptimizer = false): Promise<ModelArtifacts> {
  let art!: ModelArtifacts;
  await m.save(ts.io.withSaveHandler(async (a) => { art = a; return { modelArtifactsInfo: ts.io.getModelArtifactsInfoForJSON(a) }; }), { quantizeWeights, includeOptimizer });
  return art;
}

describe('model.save({quantizeWeights})', () => {
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    it(`${dtype}: the converter's manifest form, its byte size, and TF.js loads the same weights bit for bit`, async () => {
      const m = model();
      const plain = await saved(m);
      const art = await saved(m, dtype);
      const width = { uint8: 1, uint16: 2, float16: 4 / 2 }[dtype];
      const floatBytes = (plain.weightData as ArrayBuffer).byteLength;
      expect((art.weightData as ArrayBuffer).byteLength).toBe((floatBytes / 4) * width);
      for (const s of art.weightSpecs!) {
        expect(s.dtype).toBe('float32');
        expect(Object.keys(s.quantization!)).toEqual(dtype === 'float16' ? ['dtype', 'original_dtype'] : ['dtype', 'min', 'scale', 'original_dtype']);
        expect(s.quantization!.dtype).toBe(dtype);
        expect(s.quantization!.original_dtype).toBe('float32');
      }
      const ours = await ts.loadLayersModel(ts.io.fromMemory(art));
      const theirs = await tfl.loadLayersModel(tf.io.fromMemory(art as any));
      const want = m.getWeights().map((w) => w.dataSync());
      ours.getWeights().forEach((w, i) => {
        const got = w.dataSync() as Float32Array;
        expect(Array.from(got), `weight ${i}`).toEqual(Array.from(theirs.getWeights()[i].dataSync()));
        const s = art.weightSpecs![i].quantization!;
        // dequantization error: half a level (affine), or 2^-11 relative (float16, 11-bit significand)
        got.forEach((v, k) => {
          const bound = dtype === 'float16' ? 2 ** -11 * Math.abs(want[i][k]) + 2 ** -25 : (s.scale as number) / 2 * (1 + 1e-6);
          expect(Math.abs(v - want[i][k]), `weight ${i}[${k}]`).toBeLessThanOrEqual(bound);
          if (want[i][k] === 0) expect(v).toBe(0);
        });
      });
      const x = Array.from({ length: 2 * 36 }, (_, k) => Math.cos(0.3 * k));
      const a = (ours.predict(ts.tensor(x, [2, 6, 6, 1])) as ts.Tensor).dataSync();
      const b = (theirs.predict(tf.tensor(x, [2, 6, 6, 1])) as tf.Tensor).dataSync();
      a.forEach((v, k) => expect(Math.abs(v - b[k])).toBeLessThan(1e-6));
    });
  }

  it('a float16 save to disk writes the quantization into model.json and a half-size weights.bin, and loads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-codecs-'));
    try {
      const m = model();
      await m.save(join(dir, 'half'), { quantizeWeights: 'float16' });
      const json = JSON.parse(await readFile(join(dir, 'half', 'model.json'), 'utf8'));
      const specs = json.weightsManifest[0].weights;
      expect(specs.map((w: WeightSpec) => w.quantization)).toEqual(specs.map(() => ({ dtype: 'float16', original_dtype: 'float32' })));
      const params = m.countParams();
      expect((await readFile(join(dir, 'half', 'weights.bin'))).byteLength).toBe(2 * params);
      const back = await ts.loadLayersModel(join(dir, 'half'));
      // every weight of model() is exactly what its float16 rounding gives (checked against the encoder's decode)
      back.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(float16ToFloat32(float32ToFloat16(m.getWeights()[i].dataSync() as Float32Array)))));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves int32 / bool weights and the optimizer state unquantized; rejects an unknown dtype', async () => {
    const enc = await ts.io.encodeWeights({ f: ts.tensor([0.25, -1]), i: ts.tensor([7, -9], [2], 'int32'), b: ts.tensor([1, 0], [2], 'bool') }, undefined, 'float16');
    expect(enc.specs.map((s) => s.quantization?.dtype ?? s.dtype)).toEqual(['float16', 'int32', 'bool']);
    expect(enc.data.byteLength).toBe(2 * 2 + 2 * 4 + 2);
    const back = ts.io.decodeWeights(enc.data, enc.specs);
    expect([Array.from(back.f.dataSync()), Array.from(back.i.dataSync()), Array.from(back.b.dataSync())]).toEqual([[0.25, -1], [7, -9], [1, 0]]);

    const m = model();
    m.compile({ optimizer: ts.train.adam(0.01), loss: 'categoricalCrossentropy' });
    await m.fit(ts.ones([2, 6, 6, 1]), ts.oneHot(ts.tensor1d([0, 1], 'int32'), 4), { epochs: 1, verbose: 0 });
    const art = await saved(m, 'uint8', true);
    const opt = art.weightSpecs!.filter((s) => s.group === 'optimizer');
    expect(opt.length).toBeGreaterThan(0);
    expect(opt.every((s) => s.quantization == null)).toBe(true);
    expect(art.weightSpecs!.filter((s) => s.group !== 'optimizer').every((s) => s.quantization?.dtype === 'uint8')).toBe(true);
    await ts.loadLayersModel(ts.io.fromMemory(art)); // loads back, optimizer state included

    await expect(m.save(ts.io.withSaveHandler(async () => ({} as any)), { quantizeWeights: 'int8' as any })).rejects.toThrow(
      `model.save: quantizeWeights must be 'uint8', 'uint16' or 'float16', got "int8"`,
    );
  });
});
