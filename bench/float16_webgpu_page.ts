/**
 * Page side of bench/float16_webgpu.mjs: float16-stored weights on the webgpu backend. Per dense
 * shape [M, K] x [K, N]: the GPU bytes of the weight stored float32 and float16, and the median ms
 * (kernel + readback) of matMul with each, interleaved after a warm-up round. Then the webgpu bytes
 * of a float16-saved MLP's weights loaded with float16Weights on and off.
 */
import * as tf from '../src/index.js';
import { float16Tensor } from '../src/io/float16_tensor.js';
import type { WebGPUBackend } from '../src/backends/webgpu/backend.js';

const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1];
const halves = (n: number) => Uint16Array.from({ length: n }, (_, i) => 0x3000 + (Math.imul(i, 2654435761) >>> 22)); // 0.125 .. ~0.5
/** Normal halves only (as `halves` makes): 2^(e-15) (1 + m/1024). */
const widen = (h: Uint16Array) => Float32Array.from(h, (b) => 2 ** (((b >> 10) & 31) - 15) * (1 + (b & 1023) / 1024));

async function bench(shapes: number[][], reps: number): Promise<Array<Record<string, number | string>>> {
  await tf.setBackend('webgpu');
  const be = tf.backend() as unknown as WebGPUBackend;
  const bytes = () => be.memory().numBytes as number;
  const rows: Array<Record<string, number | string>> = [];
  for (const [M, K, N] of shapes) {
    const x = tf.tensor(Float32Array.from({ length: M * K }, (_, i) => Math.sin(i)), [M, K]);
    const bits = halves(K * N);
    const values = widen(bits);
    const before = bytes();
    const wFull = tf.tensor(values, [K, N]);
    const fullBytes = bytes() - before;
    const mid = bytes();
    const wHalf = float16Tensor(bits, values, [K, N]);
    const halfBytes = bytes() - mid;
    const once = async (w: tf.Tensor) => {
      const t0 = performance.now();
      const y = tf.matMul(x, w);
      await y.data();
      y.dispose();
      return performance.now() - t0;
    };
    const t: number[][] = [[], []];
    for (let i = 0; i <= reps; i++) {
      const a = await once(wFull), b = await once(wHalf);
      if (i > 0) { t[0].push(a); t[1].push(b); } // round 0 compiles
    }
    const [f32ms, f16ms] = t.map(median);
    rows.push({ shape: `[${M},${K}]x[${K},${N}]`, weightBytesFloat32: fullBytes, weightBytesFloat16: halfBytes,
      bytesRatio: +(halfBytes / fullBytes).toFixed(3), float32Ms: +f32ms.toFixed(2), float16Ms: +f16ms.toFixed(2), timeRatio: +(f16ms / f32ms).toFixed(2) });
    tf.dispose([x, wFull, wHalf]);
  }
  // a float16-saved MLP 784-1024-1024-10, loaded on webgpu with float16 storage and without
  await tf.setBackend('js');
  const m = tf.sequential({ layers: [
    tf.layers.dense({ inputShape: [784], units: 1024, activation: 'relu' }),
    tf.layers.dense({ units: 1024, activation: 'relu' }), tf.layers.dense({ units: 10 }),
  ] });
  let art: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => { art = a; return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }; }), { quantizeWeights: 'float16' });
  m.dispose();
  await tf.setBackend('webgpu');
  const loaded = async (float16Weights: boolean) => {
    const b0 = bytes();
    const t0 = tf.memory().numBytes;
    const mm = await tf.loadLayersModel(tf.io.fromMemory(art!), { float16Weights });
    const r = { gpu: bytes() - b0, tf: tf.memory().numBytes - t0 };
    mm.dispose();
    return r;
  };
  const h = await loaded(true), f = await loaded(false);
  rows.push({ shape: 'MLP 784-1024-1024-10 (1.86M params), loadLayersModel', weightBytesFloat32: f.gpu, weightBytesFloat16: h.gpu,
    bytesRatio: +(h.gpu / f.gpu).toFixed(3), tfMemoryFloat32: f.tf, tfMemoryFloat16: h.tf });
  rows.push({ shape: 'adapter', note: `${be.adapter.vendor} ${be.adapter.architecture} ${be.adapter.description}`.trim() });
  return rows;
}

(globalThis as any).tesseraFloat16Bench = { bench };
