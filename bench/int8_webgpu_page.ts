/**
 * Page side of bench/int8_webgpu.mjs: times the webgpu int8MatMul (both WGSL variants) against
 * the float32 matMul on the same backend, square sizes, after a warm-up round; each timing is the
 * median of `reps` interleaved runs of (kernel then read back its output), readback included.
 */
import type { DType, TensorInfo } from '../src/backends/backend.js';
import { packedCols } from '../src/backends/kernels.js';
import { createWebGPUBackend } from '../src/backends/webgpu/index.js';

const info = (shape: number[], dtype: DType, dataId: unknown) =>
  ({ dataId, shape, dtype, size: shape.reduce((a, b) => a * b, 1) } as TensorInfo);

async function bench(sizes: number[], reps: number): Promise<Array<Record<string, number | string>>> {
  const be = await createWebGPUBackend();
  if (!be) throw new Error('no webgpu');
  const rows: Array<Record<string, number | string>> = [];
  const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1];
  /** One timed run: kernel then a readback of its output. */
  const once = async (run: () => void, out: unknown, dtype: DType, n: number) => {
    const t0 = performance.now();
    run();
    await be.read(out as never, dtype, n);
    return performance.now() - t0;
  };
  for (const S of sizes) {
    const floats = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);
    const fa = be.allocate(S * S, 'float32'); be.write(fa, floats(S * S));
    const fb = be.allocate(S * S, 'float32'); be.write(fb, floats(S * S));
    const fo = be.allocate(S * S, 'float32');
    const words = () => Int32Array.from({ length: S * packedCols(S) }, (_, i) => (Math.imul(i, 2654435761) & 0x7f7f7f7f));
    const qa = be.allocate(S * packedCols(S), 'int32'); be.write(qa, words());
    const qw = be.allocate(S * packedCols(S), 'int32'); be.write(qw, words());
    const ws = be.allocate(S, 'float32'); be.write(ws, new Float32Array(S).fill(0.01));
    const qo = be.allocate(S * packedCols(S), 'int32');
    const fm = () => be.run('matMul', [info([S, S], 'float32', fa), info([S, S], 'float32', fb)], [info([1, S, S], 'float32', fo)], {
      batch: 1, M: S, N: S, K: S, transposeA: false, transposeB: false, aBatchStride: S * S, bBatchStride: S * S,
      hasBias: false, biasSize: 0, activation: 0, alpha: 0, preluSize: 0,
    } as never);
    const im = () => be.run('int8MatMul', [info([S, packedCols(S)], 'int32', qa), info([S, packedCols(S)], 'int32', qw), info([S], 'float32', ws)],
      [info([S, packedCols(S)], 'int32', qo)], {
        M: S, N: S, K: S, aScale: 0.02, aZeroPoint: 3, hasBias: false, activation: 1, alpha: 0, outInt8: true, outScale: 0.05, outZeroPoint: -128,
      });
    // Interleaved rounds (float32, int8 dot4, int8 portable), so load changes hit all three alike.
    const t: number[][] = [[], [], []];
    for (let i = 0; i <= reps; i++) {
      const ms = [await once(fm, fo, 'float32', S * S)];
      be.packedInt8DotOverride = null;
      ms.push(await once(im, qo, 'int32', S * packedCols(S)));
      be.packedInt8DotOverride = false;
      ms.push(await once(im, qo, 'int32', S * packedCols(S)));
      be.packedInt8DotOverride = null;
      if (i > 0) ms.forEach((v, j) => t[j].push(v)); // round 0 compiles
    }
    const [f32ms, dot4ms, portableMs] = t.map(median);
    const gflops = (ms: number) => +((2 * S ** 3) / ms / 1e6).toFixed(2);
    rows.push({ size: S, float32Ms: +f32ms.toFixed(2), int8Dot4Ms: +dot4ms.toFixed(2), int8PortableMs: +portableMs.toFixed(2),
      float32GFlops: gflops(f32ms), int8Dot4GOps: gflops(dot4ms), int8PortableGOps: gflops(portableMs),
      speedupDot4: +(f32ms / dot4ms).toFixed(2), speedupPortable: +(f32ms / portableMs).toFixed(2) });
    for (const id of [fa, fb, fo, qa, qw, ws, qo]) be.free(id);
  }
  const adapter = `${be.adapter.vendor} ${be.adapter.architecture} ${be.adapter.description}`.trim();
  be.dispose();
  rows.push({ size: 'adapter', note: adapter });
  return rows;
}

(globalThis as any).tesseraInt8Bench = { bench };
