/**
 * Shared helpers of the wasm kernel tests (wasm_kernels, wasm_conv_kernels): a deterministic
 * PRNG, a runner that executes one kernel on the js reference kernels and on a wasm backend with
 * the same inputs, the element-wise closeness check (NaN and +-Infinity must match exactly), and the
 * float32 ulp distance of the wasm math tests (wasm_pow, wasm_exp_range).
 */
import { expect } from 'vitest';
import type { DType, StorageArray, TensorInfo } from '../../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../../src/backends/js/backend.js';
import type { KernelAttrs, KernelName } from '../../src/backends/kernels.js';
import type { WasmBackend } from '../../src/backends/wasm/index.js';

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many float32 values lie between a and b (both rounded to float32; same-signed finite values). */
export const ulpDistance = (a: number, b: number): number => {
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  return Math.abs(i[0] - i[1]);
};

export const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export interface KernelInput { data: StorageArray; shape: number[]; dtype: DType }
export interface KernelOutput { shape: number[]; dtype: DType }

const storage = (dtype: DType, n: number) => (dtype === 'float32' ? new Float32Array(n) : new Int32Array(n));

/**
 * Run a kernel on js (reference) and on `wasm`; returns both outputs. With `staleFill` the wasm
 * outputs are first filled with that value (garbage the kernel must overwrite).
 */
export function runBoth<K extends KernelName>(
  wasm: WasmBackend, kernel: K, ins: KernelInput[], outs: KernelOutput[], attrs: KernelAttrs[K], staleFill?: number,
): { want: StorageArray[]; got: StorageArray[] } {
  const infos = (xs: { shape: number[]; dtype: DType }[], ids: unknown[]): TensorInfo[] =>
    xs.map((x, i) => ({ dataId: ids[i] as TensorInfo['dataId'], shape: x.shape, dtype: x.dtype, size: sizeOf(x.shape) }));
  const jsIns = ins.map((x) => x.data);
  const jsOuts = outs.map((o) => storage(o.dtype, sizeOf(o.shape)));
  const inInfos = infos(ins, ins.map(() => ({ backend: 'js' })));
  const outInfos = infos(outs, outs.map(() => ({ backend: 'js' })));
  (jsKernels[kernel] as JsKernel<K>)(jsIns, jsOuts, attrs, inInfos, outInfos);

  const inIds = ins.map((x) => {
    const id = wasm.allocate(x.data.length, x.dtype);
    wasm.write(id, x.data);
    return id;
  });
  const outIds = outs.map((o) => {
    const id = wasm.allocate(sizeOf(o.shape), o.dtype);
    if (staleFill !== undefined) wasm.write(id, storage(o.dtype, sizeOf(o.shape)).fill(staleFill));
    return id;
  });
  wasm.run(kernel, infos(ins, inIds), infos(outs, outIds), attrs);
  const got = outs.map((o, i) => wasm.readSync(outIds[i], o.dtype, sizeOf(o.shape)));
  for (const id of [...inIds, ...outIds]) wasm.free(id);
  return { want: jsOuts, got };
}

/** Same length, and every element within atol + rtol * |want| (NaN and +-Infinity exactly). */
export function expectClose(got: StorageArray, want: StorageArray, rtol: number, atol: number, label: string): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w)) { if (!Number.isNaN(g)) throw new Error(`${label}[${i}]: got ${g}, want NaN`); continue; }
    if (!Number.isFinite(w)) { if (g !== w) throw new Error(`${label}[${i}]: got ${g}, want ${w}`); continue; }
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) throw new Error(`${label}[${i}]: got ${g}, want ${w}`);
  }
}
