/**
 * Page side of tests/browser/float16_webgpu.test.ts (bundled by esbuild, run in headless Chromium):
 * float16-stored weights on the webgpu backend (two halves per word, widened in the shaders with
 * unpack2x16float). Weights are random IEEE half bit patterns (zeros, subnormals, both signs)
 * decoded by the half -> float formula written below, independent of tessera's decoders. Each
 * op runs on the js backend over those float32 values (the reference), on webgpu with the weight
 * float16-stored, and on webgpu with it float32-stored; the test asserts closeness to js and
 * bit equality of the two webgpu runs (the widened weights are the same float32 values).
 */
import * as tf from '../../src/index.js';
import { float16Tensor } from '../../src/io/float16_tensor.js';
import { setMatmulConfig } from '../../src/backends/webgpu/specs/matmul.js';
import type { WebGPUBackend } from '../../src/backends/webgpu/backend.js';
import { close, Lcg, sizeOf } from './kernel_compare.js';

const prng = new Lcg(1616);
const rand = () => prng.next();

/** IEEE half bits -> value: the textbook formula (subnormals 2^-24 * m). */
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * 2 ** (e - 15) * (1 + m / 1024);
}

/** `n` random finite halves in about [-4, 4]: mostly normal, some subnormals, zeros and -0. */
function randomHalves(n: number): Uint16Array {
  const h = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const r = rand();
    const sign = rand() < 0.5 ? 0x8000 : 0;
    if (r < 0.04) h[i] = sign; // +-0
    else if (r < 0.1) h[i] = sign | Math.floor(rand() * 1023 + 1); // subnormal
    else h[i] = sign | (Math.floor(rand() * 17 + 1) << 10) | Math.floor(rand() * 1024); // 2^-14 .. < 8
  }
  return h;
}
const widen = (h: Uint16Array) => Float32Array.from(h, halfValue);
function floats(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rand() * 2 - 1;
  return a;
}

const gpu = () => tf.backend() as unknown as WebGPUBackend;
const isHalf = (t: tf.Tensor) => gpu().isFloat16(t.record.dataId);

interface OpCase {
  name: string;
  /** Inputs: data (float32) and the weight (half bits). */
  x: { shape: number[]; values: Float32Array };
  w: { shape: number[]; bits: Uint16Array };
  op: (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;
}

function cases(): OpCase[] {
  prng.reset();
  const out: OpCase[] = [];
  const mm = (M: number, K: number, N: number, transposeB = false, batch = 0) => {
    const xShape = batch ? [batch, M, K] : [M, K];
    out.push({
      name: `matMul ${xShape} x ${transposeB ? `[${N},${K}]^T` : `[${K},${N}]`}`,
      x: { shape: xShape, values: floats(sizeOf(xShape)) },
      w: { shape: transposeB ? [N, K] : [K, N], bits: randomHalves(K * N) },
      op: (x, w) => tf.matMul(x, w, false, transposeB),
    });
  };
  mm(1, 1, 1); mm(3, 17, 5); mm(17, 33, 9); mm(16, 32, 16); mm(5, 16, 12); mm(9, 40, 64); mm(33, 7, 3);
  mm(7, 31, 4, true); mm(4, 16, 8, true); mm(13, 19, 11, true); mm(5, 8, 6, false, 2); mm(3, 12, 7, true, 3);
  const conv = (x: number[], f: number[], strides: number | [number, number], pad: 'same' | 'valid', dilations = 1) => out.push({
    name: `conv2d x ${x} f ${f} s ${strides} ${pad} d ${dilations}`,
    x: { shape: x, values: floats(sizeOf(x)) }, w: { shape: f, bits: randomHalves(sizeOf(f)) },
    op: (xt, wt) => tf.conv2d(xt as never, wt as never, strides, pad, 'NHWC', dilations),
  });
  conv([1, 7, 9, 3], [3, 3, 3, 4], 1, 'same'); // row8 entry (3-wide, stride 1, outC in quads)
  conv([2, 6, 6, 5], [2, 3, 5, 6], 2, 'same'); // general entry, outC not in quads
  conv([1, 8, 8, 4], [3, 3, 4, 8], 1, 'valid', 2); // vec4 x and filter loads, dilated
  conv([1, 5, 11, 2], [1, 3, 2, 12], [1, 1], 'valid'); // row8, in_c 2
  conv([1, 4, 4, 3], [1, 1, 3, 5], 1, 'valid'); // 1x1, odd filter size
  const dw = (x: number[], f: number[], strides: number | [number, number], pad: 'same' | 'valid') => out.push({
    name: `depthwiseConv2d x ${x} f ${f} s ${strides} ${pad}`,
    x: { shape: x, values: floats(sizeOf(x)) }, w: { shape: f, bits: randomHalves(sizeOf(f)) },
    op: (xt, wt) => tf.depthwiseConv2d(xt as never, wt as never, strides, pad),
  });
  dw([1, 7, 10, 4], [3, 3, 4, 1], 1, 'same'); // row8 entry
  dw([2, 6, 7, 8], [2, 2, 8, 1], 2, 'valid'); // general entry, vec4
  dw([1, 5, 6, 5], [3, 3, 5, 2], 1, 'same'); // channel multiplier 2
  dw([1, 5, 5, 3], [3, 1, 3, 1], [2, 1], 'same'); // odd filter size
  return out;
}

export interface OpResult { name: string; bad: number; total: number; first: string; stored: boolean; sameBits: boolean; extraDispatches: number }

/**
 * Every case under one matMul configuration: 'subgroup' (direct + 4-lane subgroups, SwiftShader's
 * default), 'direct' (subgroups hidden), 'tiled' (the workgroup-memory GPU entry).
 */
async function runOps(config: 'subgroup' | 'direct' | 'tiled'): Promise<OpResult[]> {
  const cs = cases();
  await tf.setBackend('js');
  const want: Float32Array[] = [];
  for (const c of cs) {
    const r = tf.tidy(() => c.op(tf.tensor(c.x.values, c.x.shape), tf.tensor(widen(c.w.bits), c.w.shape)));
    want.push((await r.data()) as Float32Array);
    r.dispose();
  }
  await tf.setBackend('webgpu');
  const be = gpu();
  be.preferDirectOverride = config !== 'tiled';
  be.subgroupsOverride = config === 'subgroup' ? null : false;
  // both storages run the entry under test (no quick-to-compile matMul stands in for the float32 one)
  be.tieredCompile = false;
  const results: OpResult[] = [];
  try {
    for (const [i, c] of cs.entries()) {
      const x = tf.tensor(c.x.values, c.x.shape);
      const wHalf = float16Tensor(c.w.bits, widen(c.w.bits), c.w.shape);
      const wFull = tf.tensor(widen(c.w.bits), c.w.shape);
      const d0 = be.memory().dispatches as number;
      const rFull = c.op(x, wFull);
      const d1 = be.memory().dispatches as number;
      const rHalf = c.op(x, wHalf);
      const d2 = be.memory().dispatches as number;
      const got = (await rHalf.data()) as Float32Array;
      const full = (await rFull.data()) as Float32Array;
      let bad = 0, first = '';
      for (let k = 0; k < got.length; k++) {
        if (!close(got[k], want[i][k], 1e-5, 1e-5)) {
          bad++;
          if (!first) first = `[${k}] = ${got[k]}, js ${want[i][k]}`;
        }
      }
      if (got.length !== want[i].length) { bad++; first ||= `length ${got.length}, js ${want[i].length}`; }
      const sameBits = new Int32Array(got.buffer, got.byteOffset, got.length).every((v, k) => v === new Int32Array(full.buffer, full.byteOffset, full.length)[k]);
      results.push({ name: c.name, bad, total: got.length, first, stored: isHalf(wHalf), sameBits, extraDispatches: (d2 - d1) - (d1 - d0) });
      tf.dispose([x, wHalf, wFull, rHalf, rFull]);
    }
  } finally {
    be.preferDirectOverride = null;
    be.subgroupsOverride = null;
    be.tieredCompile = true;
  }
  return results;
}

/** A tiny tiled configuration too (wgX/wgY 2, tileK 4) so the ragged edges of the tiles are hit. */
async function runOpsSmallTiles(): Promise<OpResult[]> {
  setMatmulConfig({ direct: false, wgX: 2, wgY: 2, tileK: 4 });
  try {
    return await runOps('tiled');
  } finally {
    setMatmulConfig({ direct: false, wgX: 8, wgY: 8, tileK: 16 });
  }
}

/**
 * Reading a float16-stored weight back (data(), and a webgpu kernel that reads it as float32) gives
 * the exact half values; moving it to js does too; bytes are half those of float32 storage.
 */
async function readBack(): Promise<Record<string, unknown>> {
  prng.reset();
  await tf.setBackend('webgpu');
  const be = gpu();
  const n = 4099; // odd: the last word holds one half
  const bits = randomHalves(n);
  bits[0] = 0x0001; bits[1] = 0x8001; bits[2] = 0x03ff; bits[3] = 0x7bff; bits[4] = 0xfbff; bits[5] = 0x8000; bits[6] = 0x3c00;
  const want = widen(bits);
  const before = be.memory().numBytes as number;
  const tfBefore = tf.memory().numBytes;
  const w = float16Tensor(bits, want, [n]);
  const halfBytes = (be.memory().numBytes as number) - before;
  const tfHalfBytes = tf.memory().numBytes - tfBefore;
  const f = tf.tensor(want, [n]);
  const fullBytes = (be.memory().numBytes as number) - before - halfBytes;
  const exact = (v: Float32Array) => v.length === n && v.every((x, i) => Object.is(x, want[i]));
  const data = (await w.data()) as Float32Array;
  const plusOne = (await tf.tidy(() => tf.add(w, tf.scalar(1))).data()) as Float32Array;
  const wantPlusOne = Float32Array.from(want, (v) => v + 1);
  const sum = (await tf.tidy(() => tf.sum(w)).data())[0];
  const sumFull = (await tf.tidy(() => tf.sum(f)).data())[0];
  const stored = isHalf(w);
  await tf.setBackend('js');
  const moved = exact((await w.data()) as Float32Array);
  await tf.setBackend('webgpu');
  tf.dispose([w, f]);
  return {
    stored, data: exact(data), plusOne: plusOne.every((v, i) => v === wantPlusOne[i]), sumSame: Object.is(sum, sumFull),
    moved, halfBytes, fullBytes, tfHalfBytes, dataFirst: Array.from(data.slice(0, 7)), wantFirst: Array.from(want.slice(0, 7)),
  };
}

/**
 * A matMul split over storage bindings (A and the output past a 4 KiB test limit): the float16 B is
 * widened for the call (not read packed, since the split binds ranges) and the result matches js.
 */
async function splitMatMul(): Promise<Record<string, unknown>> {
  prng.reset();
  const bits = randomHalves(16 * 24);
  const a = floats(96 * 16);
  await tf.setBackend('js');
  const want = (await tf.tidy(() => tf.matMul(tf.tensor(a, [96, 16]), tf.tensor(widen(bits), [16, 24]))).data()) as Float32Array;
  await tf.setBackend('webgpu');
  const be = gpu();
  const w = float16Tensor(bits, widen(bits), [16, 24]);
  be.limitOverrides = { maxStorageBufferBindingSize: 4096 };
  try {
    const d0 = be.memory().dispatches as number;
    const y = tf.matMul(tf.tensor(a, [96, 16]), w);
    const dispatches = (be.memory().dispatches as number) - d0;
    const got = (await y.data()) as Float32Array;
    const bad = got.length === want.length ? got.filter((v, i) => !close(v, want[i], 1e-5, 1e-5)).length : -1;
    return { stored: isHalf(w), dispatches, bad };
  } finally {
    be.limitOverrides = {};
  }
}

/** A small conv + depthwise + dense model saved with quantizeWeights 'float16', in memory. */
async function float16Artifacts(): Promise<tf.io.ModelArtifacts> {
  await tf.setBackend('js');
  prng.reset();
  const m = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu6' }),
    tf.layers.conv2d({ filters: 5, kernelSize: 2, strides: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 17, activation: 'tanh' }),
    tf.layers.dense({ units: 3 }),
  ] });
  // weights with a spread of magnitudes, so float16 rounding matters
  m.setWeights(m.weights.map((w) => tf.tensor(floats(w.size).map((v) => v * 0.7), w.shape)));
  let art: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => { art = a; return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }; }), { quantizeWeights: 'float16' });
  m.dispose();
  return art!;
}

/**
 * A float16-saved model: predictions on webgpu (float16 storage; float32 storage with the flag off)
 * vs js; GPU bytes of its weights both ways; weights read back; one training step on webgpu vs js
 * (the trained variables become float32-stored).
 */
async function modelCompare(): Promise<Record<string, unknown>> {
  const art = await float16Artifacts();
  prng.reset();
  const xs = floats(4 * 8 * 8 * 3), ys = floats(4 * 3);
  const run = async (backend: string, float16Weights: boolean) => {
    await tf.setBackend(backend);
    const before = tf.memory().backends[backend]?.numBytes as number ?? 0;
    const m = await tf.loadLayersModel(tf.io.fromMemory(art), { float16Weights });
    const weightBytes = (tf.memory().backends[backend].numBytes as number) - before;
    const stored = backend === 'webgpu' ? m.weights.filter((w) => isHalf(w)).length : 0;
    const x = tf.tensor(xs, [4, 8, 8, 3]);
    const y = tf.tensor(ys, [4, 3]);
    const p = m.predict(x) as tf.Tensor;
    const pred = (await p.data()) as Float32Array;
    const weights = await Promise.all(m.weights.map(async (w) => (await w.data()) as Float32Array));
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const loss = await m.trainOnBatch(x, y) as number;
    const trained = await Promise.all(m.weights.map(async (w) => (await w.data()) as Float32Array));
    const storedAfter = backend === 'webgpu' ? m.weights.filter((w) => isHalf(w)).length : 0;
    const pred2 = (await tf.tidy(() => m.predict(x) as tf.Tensor).data()) as Float32Array;
    tf.dispose([x, y, p]);
    m.dispose();
    return { pred, weights, loss, trained, pred2, weightBytes, stored, storedAfter, count: m.weights.length };
  };
  const js = await run('js', true);
  const half = await run('webgpu', true);
  const full = await run('webgpu', false);
  // the env flag is the default of the load option
  tf.env().set('WEBGPU_FLOAT16_WEIGHTS', false);
  const flagOff = await tf.loadLayersModel(tf.io.fromMemory(art));
  const storedFlagOff = flagOff.weights.filter((w) => isHalf(w)).length;
  flagOff.dispose();
  tf.env().set('WEBGPU_FLOAT16_WEIGHTS', true);
  const flagOn = await tf.loadLayersModel(tf.io.fromMemory(art));
  const storedFlagOn = flagOn.weights.filter((w) => isHalf(w)).length;
  flagOn.dispose();
  const closeAll = (a: Float32Array, b: Float32Array, rtol: number, atol: number) => a.length === b.length && a.every((v, i) => close(v, b[i], rtol, atol));
  const bitsEqual = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  await tf.setBackend('webgpu');
  return {
    weightCount: js.count, storedFlagOff, storedFlagOn, storedHalf: half.stored, storedFull: full.stored, storedAfterTraining: half.storedAfter,
    weightBytesHalf: half.weightBytes, weightBytesFull: full.weightBytes,
    weightsExact: half.weights.every((w, i) => bitsEqual(w, js.weights[i])),
    predVsJs: closeAll(half.pred, js.pred, 1e-4, 1e-5), predHalfEqualsFull: bitsEqual(half.pred, full.pred),
    lossVsJs: close(half.loss, js.loss, 1e-4, 1e-6), trainedVsJs: half.trained.every((w, i) => closeAll(w, js.trained[i], 1e-4, 1e-5)),
    trainedHalfEqualsFull: half.trained.every((w, i) => bitsEqual(w, full.trained[i])),
    pred2VsJs: closeAll(half.pred2, js.pred2, 1e-4, 1e-5), predFirst: [half.pred[0], js.pred[0]],
  };
}

(globalThis as any).tesseraFloat16Webgpu = { runOps, runOpsSmallTiles, readBack, splitMatMul, modelCompare };
