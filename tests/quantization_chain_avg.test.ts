/**
 * int8 chains through average pooling and Reshape (issue 12, src/quantization/int8_chain.ts,
 * src/ops/quantized_pool.ts). Checked: int8AvgPool / int8GlobalAvgPool on js and wasm against a
 * float64 reference of their definition (the mean of the in-image taps' codes rounded half to even,
 * ties included; padding bytes keep the zero point), within half a step of the float average of the
 * dequantized values, js and wasm word for word; clear errors; which layers link (average pools,
 * Reshape / Flatten views of the codes, not a relu after an average pool, not a reshape that
 * repacks); quantize() calibrating a consumer behind an average pool on the pool's input range; a
 * MobileNet-style model (conv -> avg pool -> conv -> global avg pool -> dense) with one quantize,
 * the same bits on js and wasm; the pooled codes at most one code from the unchained path's (float64
 * reference), so a conv -> global avg pool -> dense model's logits stay within one input step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { int8AvgPool, int8GlobalAvgPool } from '../src/ops/quantized_pool.js';
import { chainSummary, int8Kernels, randomTensor, unchain, values } from './helpers/int8_chain.js';

const q = tf.quantization;

beforeAll(async () => {
  tf.wasm.setThreadsCount(1);
  expect(await tf.setBackend('js')).toBe(true);
});
afterAll(async () => {
  await tf.setBackend('js');
});

/** Round half to even of a float64 (ties are exact here: integer sums over integer counts). */
function roundHalfEven(v: number): number {
  const r = Math.round(v); // half up
  return (r - v === 0.5 && r % 2 !== 0 ? r - 1 : r) || 0; // (no -0)
}

/** The int8 codes of packed words [.., packedCols(c)] as [.., c] (padding bytes dropped) and the padding bytes. */
function unpack(words: number[], c: number): { codes: number[]; padding: number[] } {
  const bytes = new Int8Array(Int32Array.from(words).buffer);
  const row = Math.ceil(c / 4) * 4;
  const codes: number[] = [];
  const padding: number[] = [];
  bytes.forEach((b, i) => (i % row < c ? codes : padding).push(b));
  return { codes, padding };
}

/** float64 reference of int8AvgPool on codes [b, h, w, c] (in-image taps only), and the float mean of the dequantized values. */
function avgPoolReference(codes: number[], [b, h, w, c]: number[], [fh, fw]: number[], [sh, sw]: number[], pad: 'valid' | 'same', scale: number, zp: number) {
  const outH = pad === 'same' ? Math.ceil(h / sh) : Math.ceil((h - fh + 1) / sh);
  const outW = pad === 'same' ? Math.ceil(w / sw) : Math.ceil((w - fw + 1) / sw);
  const padTop = pad === 'same' ? Math.floor(Math.max((outH - 1) * sh + fh - h, 0) / 2) : 0;
  const padLeft = pad === 'same' ? Math.floor(Math.max((outW - 1) * sw + fw - w, 0) / 2) : 0;
  const want: number[] = [];
  const floatMean: number[] = [];
  let ties = 0;
  for (let n = 0; n < b; n++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) for (let ch = 0; ch < c; ch++) {
    let sum = 0, count = 0;
    for (let ky = 0; ky < fh; ky++) for (let kx = 0; kx < fw; kx++) {
      const iy = oy * sh - padTop + ky, ix = ox * sw - padLeft + kx;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      sum += codes[((n * h + iy) * w + ix) * c + ch];
      count++;
    }
    if (Math.abs(sum / count - Math.trunc(sum / count)) === 0.5) ties++;
    want.push(roundHalfEven(sum / count));
    floatMean.push((sum / count - zp) * scale);
  }
  return { want, floatMean, shape: [b, outH, outW, c], ties };
}

/** Random int8 codes [-128, 127] as an Int8Tensor (scale 0.25: the values and codes are exact). */
function randomCodes(shape: number[], seed: number, scale: number, zp: number): { xq: InstanceType<typeof q.Int8Tensor>; codes: number[] } {
  let s = seed >>> 0;
  const codes = Array.from({ length: shape.reduce((a, v) => a * v, 1) }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24) - 128);
  return { xq: q.quantizeInt8(tf.tensor(codes.map((c) => (c - zp) * scale), shape), scale, zp), codes };
}

describe('int8AvgPool / int8GlobalAvgPool: the mean of int8 codes, rounded half to even', () => {
  const cases: [number[], number | [number, number], number | [number, number], 'valid' | 'same'][] = [
    [[2, 7, 6, 6], 2, 2, 'same'], [[1, 5, 5, 3], 3, 1, 'valid'], [[1, 4, 3, 5], [1, 1], 2, 'same'], [[1, 3, 3, 8], [2, 3], [1, 2], 'same'],
    [[2, 5, 4, 21], 2, 1, 'same'], [[1, 6, 6, 32], 3, 2, 'valid'], [[1, 9, 9, 7], 4, 3, 'same'],
  ];
  const pair = (v: number | [number, number]) => (typeof v === 'number' ? [v, v] : v);
  it('js: equals the float64 reference (ties half to even), within half a step of the float average, padding bytes the zero point', async () => {
    let ties = 0;
    for (const [shape, filter, strides, pad] of cases) {
      const { xq, codes } = randomCodes(shape, shape[3] * 13 + shape[1], 0.25, -3);
      const ref = avgPoolReference(codes, shape, pair(filter), pair(strides), pad, 0.25, -3);
      const got = int8AvgPool(xq, filter, strides, pad);
      expect([got.shape, got.scale, got.zeroPoint]).toEqual([ref.shape, 0.25, -3]);
      const { codes: out, padding } = unpack(await values(got.packed), shape[3]);
      expect(out).toEqual(ref.want);
      expect(padding.every((p) => p === -3)).toBe(true);
      const real = await values(q.dequantizeInt8(got));
      real.forEach((v, i) => expect(Math.abs(v - ref.floatMean[i])).toBeLessThanOrEqual(0.125));
      ties += ref.ties;
    }
    expect(ties).toBeGreaterThan(100); // the rounding of ties is exercised
  });

  it('wasm: the words of js (padding bytes included), the global pool too', async () => {
    for (const [shape, filter, strides, pad] of cases) {
      expect(await tf.setBackend('js')).toBe(true);
      const { xq, codes } = randomCodes(shape, shape[3] * 7 + 1, 0.5, 11);
      const want = [await values(int8AvgPool(xq, filter, strides, pad).packed), await values(int8GlobalAvgPool(xq).packed)];
      expect(await tf.setBackend('wasm')).toBe(true);
      const { xq: xw } = randomCodes(shape, shape[3] * 7 + 1, 0.5, 11);
      expect(await values(xw.packed)).toEqual(await values(xq.packed));
      const gap = int8GlobalAvgPool(xw);
      expect(gap.shape).toEqual([shape[0], shape[3]]);
      expect([await values(int8AvgPool(xw, filter, strides, pad).packed), await values(gap.packed)]).toEqual(want);
      // the global pool is the whole-image window of the reference
      const ref = avgPoolReference(codes, shape, [shape[1], shape[2]], [1, 1], 'valid', 0.5, 11);
      expect(unpack(want[1], shape[3]).codes).toEqual(ref.want);
    }
    await tf.setBackend('js');
  });

  it('bad input is a clear error', () => {
    const xq = q.quantizeInt8(tf.zeros([1, 3, 3, 2]), 0.1, 0);
    expect(() => int8AvgPool(q.quantizeInt8(tf.zeros([3, 3, 2]), 0.1, 0), 2, 2, 'valid')).toThrow(/int8AvgPool: x must be rank 4 \[batch, height, width, channels\], got shape \[3,3,2\]/);
    expect(() => int8AvgPool(tf.zeros([1, 3, 3, 2]) as never, 2, 2, 'valid')).toThrow(/int8AvgPool: x must be an Int8Tensor/);
    expect(() => int8AvgPool(xq, 1, 1, 1 as never)).toThrow(/int8AvgPool: pad must be 'valid' or 'same', got 1/);
    expect(() => int8AvgPool(xq, [256, 256], 1, 'same')).toThrow(/int8AvgPool: filterSize \[256,256\] has 65536 taps; at most 65535 \(x shape \[1,3,3,2\]\)/);
    expect(() => int8GlobalAvgPool(q.quantizeInt8(tf.zeros([2, 4]), 0.1, 0))).toThrow(/int8GlobalAvgPool: x must be rank 4 .* got shape \[2,4\]/);
  });
});

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

/** conv 8 relu -> avg pool 2 'same' (9 -> 5) -> conv 12 relu6 -> global avg pool -> dense 5 softmax. */
function mobileNetStyle(): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: tf.initializers.constant({ value: 0.05 }) }),
    tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }),
    tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', activation: 'relu6', kernelInitializer: init(2) }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(3) }),
  ] });
}

describe('int8 chain through average pools and reshapes', () => {
  it('conv -> avg pool -> conv -> global avg pool -> dense: one chain, one quantize; the consumers calibrated on the pools\' inputs', async () => {
    const model = mobileNetStyle();
    const calib = randomTensor([8, 9, 9, 3], 11);
    const int8 = await q.quantize(model, { calibrationData: calib });
    expect(chainSummary(int8)).toEqual(['out', '', 'in+out', '', 'in']);
    const x = randomTensor([3, 9, 9, 3], 5);
    expect(int8Kernels(int8, x)).toEqual(['quantizeInt8', 'int8Conv2d', 'int8AvgPool', 'int8Conv2d', 'int8AvgPool', 'int8MatMul']);
    const plain = await q.quantize(model, { calibrationData: calib });
    unchain(plain);
    expect(int8Kernels(plain, x).filter((k) => k === 'quantizeInt8')).toHaveLength(3);
    // the second conv's / the dense's input range is that of the first / second conv's output (before the pool)
    for (const [consumer, producer] of [[2, 0], [4, 2]]) {
      const before = await values(tf.model({ inputs: model.inputs, outputs: model.layers[producer].output as tf.SymbolicTensor }).predict(calib) as tf.Tensor);
      const cfg = int8.layers[consumer].getConfig() as { inputMin: number; inputMax: number };
      expect([cfg.inputMin, cfg.inputMax]).toEqual([Math.min(...before), Math.max(...before)]);
    }
  });

  it('Reshape / Flatten link when the packing holds (same last dim, or both multiples of 4); not a repacking one, not a relu after an avg pool', async () => {
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [4, 4, 2], filters: 6, kernelSize: 1, kernelInitializer: init(1) }),
      tf.layers.reshape({ targetShape: [2, 8, 6] }), // same last dim 6: a view
      tf.layers.conv2d({ filters: 8, kernelSize: 1, kernelInitializer: init(2) }),
      tf.layers.reshape({ targetShape: [4, 8, 4] }), // 8 -> 4, both multiples of 4: a view
      tf.layers.conv2d({ filters: 6, kernelSize: 1, kernelInitializer: init(3) }),
      tf.layers.reshape({ targetShape: [192] }), // 6 -> 192: rows of 6 carry padding, no link
      tf.layers.dense({ units: 4, kernelInitializer: init(4) }),
    ] });
    const int8 = await q.quantize(model, { calibrationData: randomTensor([4, 4, 4, 2], 3) });
    expect(chainSummary(int8)).toEqual(['out', '', 'in+out', '', 'in', '', '-']);
    const plain = await q.quantize(model, { calibrationData: randomTensor([4, 4, 4, 2], 3) });
    unchain(plain);
    const x = randomTensor([3, 4, 4, 2], 8, 1.2);
    expect(await values(int8.predict(x))).toEqual(await values(plain.predict(x))); // views: bit-identical

    const relu = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [4, 4, 2], filters: 4, kernelSize: 1, kernelInitializer: init(1) }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.activation({ activation: 'relu' }), // relu(avg) != avg(relu): no link
      tf.layers.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(2) }),
    ] });
    const r8 = await q.quantize(relu, { calibrationData: randomTensor([4, 4, 4, 2], 3) });
    expect(chainSummary(r8)).toEqual(['-', '', '', '-']);
    // not linked, so calibrated on its own input (the relu's output: no negatives)
    expect((r8.layers[3].getConfig() as { inputMin: number }).inputMin).toBe(0);
  });

  it('MobileNet-style model: wasm predicts the bits of js (chained), the replayed plan too', async () => {
    expect(await tf.setBackend('js')).toBe(true);
    const calib = randomTensor([8, 9, 9, 3], 11);
    const x = randomTensor([5, 9, 9, 3], 7, 1.2);
    const js = await values((await q.quantize(mobileNetStyle(), { calibrationData: calib })).predict(x));
    expect(await tf.setBackend('wasm')).toBe(true);
    const int8 = await q.quantize(mobileNetStyle(), { calibrationData: tf.tensor(await calib.data(), calib.shape) });
    const xb = tf.tensor(await x.data(), x.shape);
    expect(int8Kernels(int8, xb).filter((k) => k === 'quantizeInt8')).toHaveLength(1);
    const got = await values(int8.predict(xb));
    // the int8 codes are the same bits (int8 ops: tests above and tests/int8_ops.test.ts); the float32
    // softmax at the end differs in the last bits on wasm (its exp)
    got.forEach((v, i) => expect(Math.abs(v - js[i])).toBeLessThanOrEqual(1e-6));
    expect(await values(int8.predict(xb))).toEqual(got);
    await tf.setBackend('js');
  });

  it('conv -> global avg pool -> dense: pooled codes at most one code from the unchained path (float64 reference); logits within one input step', async () => {
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 10, kernelSize: 3, activation: 'relu', kernelInitializer: init(4), biasInitializer: tf.initializers.constant({ value: 0.1 }) }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 6, kernelInitializer: init(5) }),
    ] });
    const calib = randomTensor([8, 9, 9, 3], 21);
    const chained = await q.quantize(model, { calibrationData: calib });
    const plain = await q.quantize(model, { calibrationData: calib });
    unchain(plain);
    expect(chainSummary(chained)).toEqual(['out', '', 'in']);
    const x = randomTensor([6, 9, 9, 3], 9); // within the calibrated range
    const { inputScale: s, inputZeroPoint: zp } = chained.layers[2].getConfig() as { inputScale: number; inputZeroPoint: number };
    // the conv's float output (unchained) and its int8 output (chained): the codes of that output
    const y = await values(plain.layers[0].apply(x) as tf.Tensor);
    const yq = unpack(await values(chained.layers[0].apply(x) as tf.Tensor), 10).codes;
    const pooled = unpack(await values(chained.layers[1].apply(chained.layers[0].apply(x)) as tf.Tensor), 10).codes;
    for (let n = 0; n < 6; n++) for (let c = 0; c < 10; c++) {
      let sumCodes = 0, sumFloat = 0;
      for (let p = 0; p < 49; p++) {
        sumCodes += yq[(n * 49 + p) * 10 + c];
        sumFloat += y[(n * 49 + p) * 10 + c];
      }
      const chainedCode = roundHalfEven(sumCodes / 49);
      const unchainedCode = Math.max(-128, Math.min(127, roundHalfEven(Math.fround(Math.fround(sumFloat / 49) / s)) + zp));
      expect(pooled[n * 10 + c]).toBe(chainedCode);
      expect(Math.abs(chainedCode - unchainedCode)).toBeLessThanOrEqual(1);
    }
    // logits: the dense sees inputs at most one step s apart, so |chained - unchained| <= s * sum_c |w[c, u]|
    const w = await values(model.layers[2].getWeights()[0]);
    const got = await values(chained.predict(x));
    const want = await values(plain.predict(x));
    for (let i = 0; i < got.length; i++) {
      const u = i % 6;
      let bound = 0;
      for (let c = 0; c < 10; c++) bound += Math.abs(w[c * 6 + u]);
      expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(s * bound * 1.01 + 1e-6); // 1%: the int8 weights' own rounding
    }
  });
});
