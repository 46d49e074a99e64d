/**
 * Backprop skips the cotangents nothing needs: with only the weights trainable, the data
 * input's gradient of matMul, fused dense and conv2d is never computed (one kernel fewer per
 * layer), while the weight gradients keep their hand-worked values. js backend.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';

let counts: Record<string, number> = {};
let restore: (() => void) | null = null;

beforeAll(async () => {
  await ts.setBackend('js');
});

afterEach(() => {
  restore?.();
  restore = null;
});

/** Count the kernels the active backend runs from now on. */
function countKernels(): void {
  counts = {};
  const be = ts.backend() as unknown as { run: (k: string, ...rest: unknown[]) => unknown };
  const orig = be.run;
  be.run = function (k: string, ...rest: unknown[]) {
    counts[k] = (counts[k] ?? 0) + 1;
    return orig.call(this, k, ...rest);
  };
  restore = () => { be.run = orig; };
}

describe('backprop skips unneeded input cotangents', () => {
  it('matMul: d/dw of sum(x @ w) runs the forward and the dw product only', async () => {
    const x = ts.tensor2d([[1, 2], [3, 4]]);
    const w = ts.variable(ts.tensor2d([[1, 0], [0, 1]]));
    countKernels();
    const { grads } = ts.variableGrads(() => ts.sum(ts.matMul(x, w)));
    // d sum(x w) / dw[k][n] = sum_m x[m][k]: column sums of x = [4, 6], the same for both n
    expect(Array.from(await grads[w.name].data())).toEqual([4, 4, 6, 6]);
    expect(counts.matMul).toBe(2);
  });

  it('matMul: a gradient asked for x still computes it', async () => {
    const x = ts.tensor2d([[1, 2], [3, 4]]);
    const w = ts.tensor2d([[1, 2], [3, 4]]);
    countKernels();
    const [dx] = ts.grads((a: ts.Tensor) => ts.sum(ts.matMul(a, w)))([x]);
    // d sum(x w) / dx[m][k] = sum_n w[k][n]: row sums of w = [3, 7]
    expect(Array.from(await dx.data())).toEqual([3, 7, 3, 7]);
    expect(counts.matMul).toBe(2);
  });

  it('dense and conv2d layers: trainOnBatch computes no input gradient', async () => {
    const model = ts.sequential({ layers: [
      ts.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3 }),
      ts.layers.flatten(),
      ts.layers.dense({ units: 1 }),
    ] });
    model.compile({ optimizer: ts.train.sgd(0.1), loss: 'meanSquaredError' });
    const xs = ts.ones([2, 4, 4, 1]);
    const ys = ts.zeros([2, 1]);
    countKernels();
    await model.trainOnBatch(xs, ys);
    expect(counts.conv2dBackpropFilter).toBe(1);
    expect(counts.conv2dBackpropInput ?? 0).toBe(0);
    // dense: forward + dW + d(flatten output), which the conv's filter gradient needs
    expect(counts.matMul).toBe(3);
  });
});
