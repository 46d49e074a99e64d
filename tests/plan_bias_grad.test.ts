/**
 * Bias gradients merged into weight gradients (KernelAttrs.matMul.colSums, src/plan/pattern_bias_grad.ts):
 * the js matMul's column sums and dW against float64 loops written here, the wasm kernel against js,
 * the errors for a bad colSums call; and the plan pass: a jitted dW / db pair becomes one step with
 * the same values, a reduce whose result is read before the matMul stays, and Dense / transformer
 * training steps with the pass on and off give the same losses and weights on js and wasm, with one
 * kernel call fewer per bias.
 */
import { afterAll, describe, expect, it, test } from 'vitest';
import type { StorageArray, TensorInfo } from '../src/backends/backend.js';
import { jsKernels, type JsKernel } from '../src/backends/js/backend.js';
import type { KernelAttrs } from '../src/backends/kernels.js';
import { createWasmBackendSync, type WasmBackend } from '../src/backends/wasm/index.js';
import * as tf from '../src/index.js';
import { trainStepPlan } from '../src/models/fit_loop.js';
import type { Plan } from '../src/plan/types.js';
import { expectClose } from './helpers/close.js';
import { rng, runBoth, sizeOf } from './helpers/wasm_compare.js';

const rand = rng(5);
const floats = (n: number) => Float32Array.from({ length: n }, () => rand() * 4 - 2);

/** dW = X^T dY for X [rows, M], dY [rows, N]: the weight-gradient form with colSums. */
const attrsFor = (rows: number, M: number, N: number): KernelAttrs['matMul'] => ({
  batch: 1, M, N, K: rows, transposeA: true, transposeB: false, aBatchStride: 0, bBatchStride: 0,
  hasBias: false, biasSize: 0, activation: 0, alpha: 0, preluSize: 0, colSums: true,
});

function runJs(ins: StorageArray[], outs: StorageArray[], a: KernelAttrs['matMul']): void {
  const info = (size: number): TensorInfo => ({ dataId: { backend: 'js' } as TensorInfo['dataId'], shape: [size], dtype: 'float32', size });
  (jsKernels.matMul as JsKernel<'matMul'>)(ins, outs, a, ins.map((x) => info(x.length)), outs.map((x) => info(x.length)));
}

// [rows (K), M, N]: one value, odd sizes, a column (the dense head's reduce form), no rows, wide rows, the transformer's shape
const SHAPES = [[1, 1, 1], [3, 5, 17], [16, 64, 1], [0, 4, 3], [7, 1, 33], [40, 9, 130], [512, 64, 64]];

describe('matMul colSums kernel', () => {
  const wasm: WasmBackend = createWasmBackendSync()!;
  afterAll(() => wasm.dispose());
  for (const [K, M, N] of SHAPES) {
    it(`X [${K}, ${M}], dY [${K}, ${N}]: js = float64 loops, wasm = js`, () => {
      const x = floats(K * M), dy = floats(K * N);
      if (dy.length > 2) dy[2] = 1e6; // a large value must not swamp the others' sums in the reference's precision
      const dw = new Float32Array(M * N), sums = new Float32Array(N).fill(-7);
      const a = attrsFor(K, M, N);
      runJs([x, dy], [dw, sums], a);
      const wantW = new Float64Array(M * N), wantS = new Float64Array(N);
      for (let k = 0; k < K; k++) {
        for (let n = 0; n < N; n++) {
          wantS[n] += dy[k * N + n];
          for (let m = 0; m < M; m++) wantW[m * N + n] += x[k * M + m] * dy[k * N + n];
        }
      }
      expectClose(dw, wantW, 1e-5, 'js dW');
      expectClose(sums, wantS, 1e-6, 'js colSums');
      const both = runBoth(wasm, 'matMul', [{ data: x, shape: [K, M], dtype: 'float32' }, { data: dy, shape: [K, N], dtype: 'float32' }],
        [{ shape: [M, N], dtype: 'float32' }, { shape: [N], dtype: 'float32' }], a, -7);
      expectClose(both.got[0], both.want[0], 1e-4, 'wasm dW'); // float32 SIMD sums of up to 512 products vs js float64
      expectClose(both.got[1], both.want[1], 1e-6, 'wasm colSums');
    });
  }

  it('colSums outside the weight-gradient form, or without a float32 output of N, is an Error naming the op', () => {
    const x = floats(12), dy = floats(15);
    const a = attrsFor(3, 4, 5);
    const out = () => [new Float32Array(20), new Float32Array(5)];
    for (const [bad, what] of [[{ batch: 2 }, 'batch 2'], [{ transposeA: false }, 'transposeA false'], [{ transposeB: true }, 'transposeB true'],
      [{ hasBias: true, biasSize: 5 }, 'hasBias true'], [{ activation: 1 }, 'activation 1'], [{ residual: 1 }, 'residual 1']] as const) {
      expect(() => runJs([x, dy, new Float32Array(20)], out(), { ...a, ...bad }), what).toThrow(/^matMul: colSums needs batch 1, transposeA, no epilogue, float32 B \[3, 5\] and 5 float32 sums; got \{/);
    }
    expect(() => runJs([x, dy], [new Float32Array(20), new Float32Array(4)], a)).toThrow(/^matMul: colSums needs .* sums float32\[4\]$/);
    expect(() => runJs([x, dy], [new Float32Array(20)], a)).toThrow(/sums none$/);
    const ids = [x, dy].map((d) => { const id = wasm.allocate(d.length, 'float32'); wasm.write(id, d); return id; });
    const outs = [wasm.allocate(20, 'float32'), wasm.allocate(5, 'int32'), wasm.allocate(4, 'float32')];
    const info = (id: unknown, shape: number[], dtype: 'float32' | 'int32' = 'float32'): TensorInfo => ({ dataId: id as TensorInfo['dataId'], shape, dtype, size: sizeOf(shape) });
    const ins = [info(ids[0], [3, 4]), info(ids[1], [3, 5])];
    expect(() => wasm.run('matMul', ins, [info(outs[0], [4, 5]), info(outs[1], [5], 'int32')], a)).toThrow(/^wasm matMul: colSums needs .* sums int32\[5\]$/);
    expect(() => wasm.run('matMul', ins, [info(outs[0], [4, 5]), info(outs[2], [4])], a)).toThrow(/^wasm matMul: colSums needs .* sums float32\[4\]$/);
    expect(() => wasm.run('matMul', ins, [info(outs[0], [4, 5]), info(outs[2], [4])], { ...a, transposeB: true })).toThrow(/^wasm matMul: colSums needs .*"transposeB":true/);
    for (const id of [...ids, ...outs]) wasm.free(id);
  });
});

const stepsOf = (p: Plan | { reason: string }): Plan => {
  if (!('steps' in p)) throw new Error(`no plan: ${p.reason}`);
  return p;
};
const withPass = async <T>(on: boolean, fn: () => Promise<T> | T): Promise<T> => {
  tf.env().set('PLAN_BIAS_GRAD', on);
  try {
    return await fn();
  } finally {
    tf.env().set('PLAN_BIAS_GRAD', true);
  }
};

describe.each(['js', 'wasm'])('bias-gradient plan pass on %s', (backend) => {
  test('a jitted dW = matMul(x, dy, transposeA) and db = sum(dy, 0) become one step with both values', async () => {
    await tf.setBackend(backend);
    for (const [rows, inDim, outDim] of [[9, 5, 7], [16, 64, 1]]) {
      const x = tf.tensor2d(floats(rows * inDim), [rows, inDim]), dy = tf.tensor2d(floats(rows * outDim), [rows, outDim]);
      const run = (on: boolean) => withPass(on, () => {
        const f = tf.jit((a: tf.Tensor, b: tf.Tensor) => [tf.matMul(a, b, true, false), tf.sum(b, 0)]);
        const plan = stepsOf(f.planFor(x, dy));
        const [dw, db] = f(x, dy) as tf.Tensor[];
        const out = { steps: plan.steps.map((s) => s.fused ?? s.kernel), dw: dw.dataSync(), db: db.dataSync() };
        tf.dispose([dw, db]);
        f.dispose();
        return out;
      });
      const on = await run(true), off = await run(false);
      expect(on.steps, `[${rows}, ${outDim}]`).toEqual(['matMul+colSums']);
      expect(off.steps).toEqual(['matMul', outDim === 1 ? 'reduce' : 'reduceColumns']);
      const xs = x.dataSync(), ds = dy.dataSync();
      const wantDb = new Float64Array(outDim), wantDw = new Float64Array(inDim * outDim);
      for (let r = 0; r < rows; r++) for (let n = 0; n < outDim; n++) {
        wantDb[n] += ds[r * outDim + n];
        for (let m = 0; m < inDim; m++) wantDw[m * outDim + n] += xs[r * inDim + m] * ds[r * outDim + n];
      }
      expectClose(on.db, wantDb, 1e-5, 'db');
      expectClose(on.dw, wantDw, 1e-5, 'dW');
      tf.dispose([x, dy]);
    }
  });

  test('a sum read before the matMul stays a reduce step (the merged step would come too late)', async () => {
    await tf.setBackend(backend);
    const x = tf.tensor2d(floats(6 * 3), [6, 3]), dy = tf.tensor2d(floats(6 * 4), [6, 4]);
    const f = tf.jit((a: tf.Tensor, b: tf.Tensor) => {
      const db = tf.sum(b, 0);
      return [tf.matMul(tf.mul(a, tf.sum(db)), b, true, false), db];
    });
    const plan = stepsOf(f.planFor(x, dy));
    expect(plan.steps.some((s) => s.attrs.colSums)).toBe(false);
    const [dw, db] = f(x, dy) as tf.Tensor[];
    const want = tf.sum(dy, 0);
    expectClose(db.dataSync(), want.dataSync(), 1e-6, 'db');
    tf.dispose([x, dy, dw, db, want]);
    f.dispose();
  });

  const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
  const wave = (n: number, f: number) => Array.from({ length: n }, (_, i) => Math.sin(i * f + 0.3));
  const MODELS: [string, () => tf.Sequential, number[], number[]][] = [
    ['Dense MLP (3 biases, one a single unit)', () => tf.sequential({ layers: [
      tf.layers.dense({ units: 12, activation: 'relu', inputShape: [8], kernelInitializer: seeded(1) }),
      tf.layers.dense({ units: 6, activation: 'tanh', kernelInitializer: seeded(2) }),
      tf.layers.dense({ units: 1, kernelInitializer: seeded(3) }),
    ] }), [10, 8], [10, 1]],
    ['transformer block', () => tf.sequential({ layers: [
      tf.layers.transformerEncoder({ numHeads: 2, intermediateDim: 16, inputShape: [6, 8], kernelInitializer: seeded(8) }),
      tf.layers.globalAveragePooling1d(),
      tf.layers.dense({ units: 3, kernelInitializer: seeded(9) }),
    ] }), [3, 6, 8], [3, 3]],
  ];
  test.each(MODELS)('%s: planned training steps with the pass on and off agree; the pass saves one kernel call per bias', async (_, build, xShape, yShape) => {
    await tf.setBackend(backend);
    tf.env().set('TRAIN_PLAN', true);
    const train = (on: boolean) => withPass(on, async () => {
      const model = build();
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
      const x = tf.tensor(wave(sizeOf(xShape), 0.7), xShape), y = tf.tensor(wave(sizeOf(yShape), 1.1), yShape);
      const losses: number[] = [];
      for (let i = 0; i < 4; i++) losses.push(await model.trainOnBatch(x, y) as number);
      const weights = model.getWeights().map((w) => Array.from(w.dataSync() as Float32Array));
      const plan = stepsOf(trainStepPlan(model, x, y));
      const biases = model.trainableWeights.filter((w) => w.name.endsWith('/bias')).length;
      tf.dispose([x, y]);
      model.dispose();
      return { losses, weights, steps: plan.steps.length, merged: plan.steps.filter((s) => s.attrs.colSums).length, biases };
    });
    const on = await train(true), off = await train(false);
    expectClose(on.losses, off.losses, 1e-5, 'losses');
    on.weights.forEach((w, i) => expectClose(w, off.weights[i], 1e-5, `weight ${i}`));
    expect(on.losses[3]).toBeLessThan(on.losses[0]);
    expect(off.merged).toBe(0);
    expect(on.merged).toBe(on.biases);
    expect(on.steps).toBe(off.steps - on.merged);
  });
});
