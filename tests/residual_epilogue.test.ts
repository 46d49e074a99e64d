/**
 * The residual epilogue of matMul / conv2d / depthwiseConv2d (KernelAttrs.matMul.residual, added by
 * the plan's epilogue fusion): the js kernels against plain loops written here (relu, tanh and
 * leakyRelu spelled out by hand), the wasm kernels against the js ones (mode 1: act(acc + b + r),
 * mode 2: act(acc + b) + r; NaN in r must come through), and the errors for a bad residual.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { StorageArray, TensorInfo } from '../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../src/backends/js/backend.js';
import type { KernelAttrs, KernelName } from '../src/backends/kernels.js';
import { createWasmBackendSync, type WasmBackend } from '../src/backends/wasm/index.js';
import { expectClose, rng, runBoth, sizeOf } from './helpers/wasm_compare.js';

const rand = rng(11);
const floats = (n: number) => Float32Array.from({ length: n }, () => rand() * 4 - 2);
/** The three activations the tests use, written out (codes from the Activation table). */
const ACTS: Record<number, (v: number) => number> = { 0: (v) => v, 1: (v) => Math.max(v, 0), 4: (v) => (v < 0 ? 0.2 * v : v), 7: Math.tanh };

function runJs<K extends KernelName>(kernel: K, ins: StorageArray[], shapes: number[][], outShape: number[], attrs: KernelAttrs[K]): Float32Array {
  const out = new Float32Array(sizeOf(outShape));
  const info = (shape: number[]): TensorInfo => ({ dataId: { backend: 'js' } as TensorInfo['dataId'], shape, dtype: 'float32', size: sizeOf(shape) });
  (jsKernels[kernel] as JsKernel<K>)(ins, [out], attrs, shapes.map(info), [info(outShape)]);
  return out;
}

/** The epilogue by the contract: + bias, then the residual before (1) or after (2) the activation. */
function epilogue(s: number, bias: number, r: number, act: number, residual: number): number {
  const v = s + bias + (residual === 1 ? r : 0);
  return ACTS[act](v) + (residual === 2 ? r : 0);
}

const MM_CASES = [
  { batch: 1, M: 3, N: 5, K: 4, tA: false, tB: false, bias: true },
  { batch: 2, M: 37, N: 19, K: 23, tA: true, tB: false, bias: false },
  { batch: 1, M: 64, N: 96, K: 80, tA: false, tB: true, bias: true }, // big enough for the wasm worker path
];

function mmAttrs(c: (typeof MM_CASES)[number], act: number, residual: number): KernelAttrs['matMul'] {
  return {
    batch: c.batch, M: c.M, N: c.N, K: c.K, transposeA: c.tA, transposeB: c.tB, aBatchStride: c.M * c.K, bBatchStride: c.K * c.N,
    hasBias: c.bias, biasSize: c.N, activation: act, alpha: 0.2, preluSize: 1, residual,
  };
}

describe('matMul residual epilogue', () => {
  const wasm: WasmBackend = createWasmBackendSync()!;
  afterAll(() => wasm.dispose());
  for (const c of MM_CASES) {
    for (const [act, residual] of [[0, 1], [1, 1], [7, 2], [4, 2], [1, 2]]) {
      it(`${c.batch}x${c.M}x${c.N}x${c.K} act ${act} residual ${residual}: js = plain loops, wasm = js`, () => {
        const x = floats(c.batch * c.M * c.K), w = floats(c.batch * c.K * c.N), b = floats(c.N), r = floats(c.batch * c.M * c.N);
        r[1] = NaN;
        const ins = c.bias ? [x, w, b, r] : [x, w, r];
        const shapes = [[c.batch, c.M, c.K], [c.batch, c.K, c.N], ...(c.bias ? [[c.N]] : []), [c.batch, c.M, c.N]];
        const attrs = mmAttrs(c, act, residual);
        const got = runJs('matMul', ins, shapes, [c.batch, c.M, c.N], attrs);
        const want = new Float32Array(got.length);
        for (let bt = 0; bt < c.batch; bt++) for (let m = 0; m < c.M; m++) for (let n = 0; n < c.N; n++) {
          let s = 0;
          for (let k = 0; k < c.K; k++) {
            const av = x[bt * c.M * c.K + (c.tA ? k * c.M + m : m * c.K + k)];
            const bv = w[bt * c.K * c.N + (c.tB ? n * c.K + k : k * c.N + n)];
            s += av * bv;
          }
          const o = (bt * c.M + m) * c.N + n;
          want[o] = epilogue(s, c.bias ? b[n] : 0, r[o], act, residual);
        }
        expect(Number.isNaN(got[1])).toBe(true);
        expectClose(got, want, 1e-5, 1e-5, 'js');
        const both = runBoth(wasm, 'matMul', ins.map((data, i) => ({ data, shape: shapes[i], dtype: 'float32' as const })), [{ shape: [c.batch, c.M, c.N], dtype: 'float32' }], attrs, 7);
        expectClose(both.got[0], both.want[0], 2e-5, 2e-5, 'wasm');
      });
    }
  }

  it('a residual of the wrong size, an unknown mode, or mode 1 with prelu is an Error on js and wasm', () => {
    const c = MM_CASES[0];
    const x = floats(12), w = floats(20), b = floats(5);
    const shapes = [[3, 4], [4, 5], [5]];
    const io = (ins: StorageArray[], sh: number[][]) => ins.map((data, i) => ({ data, shape: sh[i], dtype: 'float32' as const }));
    expect(() => runJs('matMul', [x, w, b, floats(14)], [...shapes, [14]], [3, 5], mmAttrs(c, 1, 1))).toThrow(/matMul: the residual input must have 15 elements/);
    const wasmOnly = (ins: { data: StorageArray; shape: number[] }[], attrs: KernelAttrs['matMul']) => {
      const ids = ins.map((t) => { const id = wasm.allocate(t.data.length, 'float32'); wasm.write(id, t.data); return id; });
      const out = wasm.allocate(15, 'float32');
      const info = (id: unknown, shape: number[]): TensorInfo => ({ dataId: id as TensorInfo['dataId'], shape, dtype: 'float32', size: sizeOf(shape) });
      try {
        wasm.run('matMul', ins.map((t, i) => info(ids[i], t.shape)), [info(out, [3, 5])], attrs);
      } finally {
        for (const id of [...ids, out]) wasm.free(id);
      }
    };
    expect(() => wasmOnly(io([x, w, b, floats(14)], [...shapes, [14]]), mmAttrs(c, 1, 1))).toThrow(/wasm matMul: the residual input must be float32 with the output's 15 elements/);
    expect(() => wasmOnly(io([x, w, b, floats(1), floats(15)], [...shapes, [1], [15]]), { ...mmAttrs(c, 5, 1), preluSize: 1 })).toThrow(/wasm matMul: a residual added before the activation does not combine with prelu/);
    expect(() => runJs('matMul', [x, w, b, floats(15)], [...shapes, [15]], [3, 5], mmAttrs(c, 1, 3))).toThrow(/residual must be 0, 1 or 2, got 3/);
    const prelu = { ...mmAttrs(c, 5, 1), preluSize: 1 };
    expect(() => runJs('matMul', [x, w, b, floats(1), floats(15)], [...shapes, [1], [15]], [3, 5], prelu)).toThrow(/does not combine with prelu/);
  });
});

const CONV = { batch: 2, inH: 5, inW: 6, inC: 3, outH: 5, outW: 3, outC: 4, filterH: 3, filterW: 2, strideH: 1, strideW: 2, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 0 };

describe('conv residual epilogue', () => {
  const wasm: WasmBackend = createWasmBackendSync()!;
  afterAll(() => wasm.dispose());
  for (const [act, residual] of [[1, 1], [7, 2]]) {
    it(`conv2d act ${act} residual ${residual}: js = plain loops, wasm = js`, () => {
      const g = { ...CONV, hasBias: true, biasSize: CONV.outC, activation: act, alpha: 0.2, preluSize: 1, residual };
      const x = floats(2 * 5 * 6 * 3), f = floats(3 * 2 * 3 * 4), b = floats(4), outShape = [2, 5, 3, 4], r = floats(sizeOf(outShape));
      const shapes = [[2, 5, 6, 3], [3, 2, 3, 4], [4], outShape];
      const got = runJs('conv2d', [x, f, b, r], shapes, outShape, g);
      const want = new Float32Array(got.length);
      for (let n = 0; n < 2; n++) for (let oy = 0; oy < 5; oy++) for (let ox = 0; ox < 3; ox++) for (let co = 0; co < 4; co++) {
        let s = 0;
        for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 2; kx++) {
          const iy = oy - 1 + ky, ix = ox * 2 + kx;
          if (iy < 0 || iy >= 5 || ix >= 6) continue;
          for (let ci = 0; ci < 3; ci++) s += x[((n * 5 + iy) * 6 + ix) * 3 + ci] * f[((ky * 2 + kx) * 3 + ci) * 4 + co];
        }
        const o = ((n * 5 + oy) * 3 + ox) * 4 + co;
        want[o] = epilogue(s, b[co], r[o], act, residual);
      }
      expectClose(got, want, 1e-5, 1e-5, 'js');
      const both = runBoth(wasm, 'conv2d', [x, f, b, r].map((data, i) => ({ data, shape: shapes[i], dtype: 'float32' as const })), [{ shape: outShape, dtype: 'float32' }], g, 7);
      expectClose(both.got[0], both.want[0], 2e-5, 2e-5, 'wasm');
    });
  }

  it('depthwiseConv2d with a residual before relu: wasm = js, and js = js without it plus r then relu', () => {
    const geo = { ...CONV, outC: 6, channelMultiplier: 2 };
    const base = { ...geo, hasBias: false, biasSize: 1, activation: 0, alpha: 0, preluSize: 1 };
    const x = floats(2 * 5 * 6 * 3), f = floats(3 * 2 * 3 * 2), outShape = [2, 5, 3, 6], r = floats(sizeOf(outShape));
    const shapes = [[2, 5, 6, 3], [3, 2, 3, 2], outShape];
    const plain = runJs('depthwiseConv2d', [x, f], shapes.slice(0, 2), outShape, base);
    const got = runJs('depthwiseConv2d', [x, f, r], shapes, outShape, { ...base, activation: 1, residual: 1 });
    expectClose(got, plain.map((v, i) => Math.max(v + r[i], 0)), 1e-6, 1e-6, 'js');
    const both = runBoth(wasm, 'depthwiseConv2d', [x, f, r].map((data, i) => ({ data, shape: shapes[i], dtype: 'float32' as const })), [{ shape: outShape, dtype: 'float32' }], { ...base, activation: 1, residual: 1 }, 7);
    expectClose(both.got[0], both.want[0], 2e-5, 2e-5, 'wasm');
  });
});
