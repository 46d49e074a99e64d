// The fused LSTM cell (src/ops/lstm_cell.ts; kernels lstmCell / lstmCellGrad, issue 9's dispatch
// cut; the layers use it on webgpu by default, here forced on for js and wasm). Reference: the same cell written with core ops (slices, hardSigmoid / sigmoid, tanh, mul,
// add) on the plain-JS backend, i.e. the unfused path (env LSTM_FUSED_CELL off). The fused op's
// h, c and its gradients (with both cotangents, only dh, only dc) agree on js and wasm, for both
// recurrent activations, with preactivations spanning hardSigmoid's saturated ranges; an LSTM model
// trained a few Adam steps with the fused cell (eager and through the recorded plan) ends with the
// same losses and weights as the unfused eager js run; bad operands get clear errors.
import { afterAll, describe, expect, test } from 'vitest';
import * as tf from '../src/index.js';
import { lstmCellStep } from '../src/ops/lstm_cell.js';
import type { Tensor } from '../src/tensor.js';
import { expectClose } from './helpers/close.js';

const B = 3, U = 5;
// preactivations in [-4.3, 4.3]: both saturated ends of hardSigmoid (|x| > 2.5), never on its kinks
const zv = Array.from({ length: B * 4 * U }, (_, i) => 4.3 * Math.sin(i * 1.37 + 0.2));
const cv = Array.from({ length: B * U }, (_, i) => 1.5 * Math.cos(i * 0.91));
const w1 = Array.from({ length: B * U }, (_, i) => Math.sin(i * 0.53) + 0.1);
const w2 = Array.from({ length: B * U }, (_, i) => Math.cos(i * 0.71) - 0.2);

/** The unfused cell with core ops (what LSTMCell.step computes with LSTM_FUSED_CELL off). */
function composed(z: Tensor, c: Tensor, recAct: string): [Tensor, Tensor] {
  const R = (x: Tensor) => (recAct === 'sigmoid' ? tf.sigmoid(x) : tf.hardSigmoid(x));
  const [zi, zf, zc, zo] = tf.split(z, 4, 1);
  const cn = tf.add(tf.mul(R(zf), c), tf.mul(R(zi), tf.tanh(zc)));
  return [tf.mul(R(zo), tf.tanh(cn)), cn];
}

type Uses = 'both' | 'h' | 'c';
/** h, c and d/dz, d/dcPrev of sum(h*w1) + sum(c*w2) (terms dropped per `uses`). */
async function cellValues(fused: boolean, recAct: string, uses: Uses): Promise<number[][]> {
  const z = tf.tensor2d(zv, [B, 4 * U]), c = tf.tensor2d(cv, [B, U]);
  const a = tf.tensor2d(w1, [B, U]), b = tf.tensor2d(w2, [B, U]);
  const cell = (zz: Tensor, cc: Tensor) => (fused ? lstmCellStep(zz, cc, recAct) : composed(zz, cc, recAct));
  const f = (zz: Tensor, cc: Tensor) => {
    const [h, cn] = cell(zz, cc);
    if (uses === 'h') return tf.sum(tf.mul(h, a));
    if (uses === 'c') return tf.sum(tf.mul(cn, b));
    return tf.add(tf.sum(tf.mul(h, a)), tf.sum(tf.mul(cn, b)));
  };
  const [h, cn] = cell(z, c);
  const [dz, dc] = tf.grads(f)([z, c]);
  const out = await Promise.all([h, cn, dz, dc].map(async (t) => Array.from(await t.data(), Number)));
  tf.dispose([z, c, a, b, h, cn, dz, dc]);
  return out;
}

afterAll(() => {
  tf.env().set('LSTM_FUSED_CELL', 'webgpu');
  tf.env().set('TRAIN_PLAN', true);
});

describe.each(['js', 'wasm'])('lstmCell on %s', (backend) => {
  test.each([['hardSigmoid', 'both'], ['sigmoid', 'both'], ['hardSigmoid', 'h'], ['sigmoid', 'c']] as const)(
    '%s, cotangents of %s: h, c, dz, dcPrev agree with the composed ops on js', async (recAct, uses) => {
      await tf.setBackend('js');
      const want = await cellValues(false, recAct, uses);
      await tf.setBackend(backend);
      const got = await cellValues(true, recAct, uses);
      ['h', 'c', 'dz', 'dcPrev'].forEach((name, i) => expectClose(got[i], want[i], 2e-6, `${name}`));
      if (uses === 'both') expect(want[2].some((v) => v === 0)).toBe(recAct === 'hardSigmoid'); // saturated gates reached
    });

  test('bad operands are clear errors', async () => {
    await tf.setBackend(backend);
    const z = tf.zeros([2, 8]), c = tf.zeros([2, 3]), zi = tf.zeros([2, 8], 'int32');
    expect(() => lstmCellStep(z, c, 'hardSigmoid')).toThrow(/lstmCell: expected z \[...batch, 4\*units\] and cPrev \[...batch, units\], got z \[2,8\] float32, cPrev \[2,3\] float32/);
    expect(() => lstmCellStep(tf.zeros([2, 1, 12]), c, 'sigmoid')).toThrow(/lstmCell: expected z .* got z \[2,1,12\] float32, cPrev \[2,3\] float32/);
    expect(() => lstmCellStep(zi, tf.zeros([2, 2]), 'sigmoid')).toThrow(/lstmCell: z and cPrev must be float32/);
    expect(() => lstmCellStep(z, tf.zeros([2, 2]), 'relu')).toThrow(/lstmCell: recurrentActivation must be one of hardSigmoid, sigmoid, got 'relu'/);
    tf.dispose([z, c, zi]);
  });
});

/** STEPS Adam trainOnBatch calls of a seeded LSTM model: per-step losses and the final weights. */
async function train(recurrentActivation: string): Promise<{ losses: number[]; weights: number[][] }> {
  const model = tf.sequential({ layers: [
    tf.layers.lstm({ units: 6, inputShape: [5, 3], recurrentActivation, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      recurrentInitializer: tf.initializers.glorotUniform({ seed: 4 }), biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 9 }) }),
    tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
  ] });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
  const x = tf.tensor3d(Array.from({ length: 4 * 5 * 3 }, (_, i) => 2 * Math.sin(i * 0.77)), [4, 5, 3]);
  const y = tf.tensor2d(Array.from({ length: 8 }, (_, i) => Math.cos(i)), [4, 2]);
  const losses: number[] = [];
  for (let i = 0; i < 4; i++) losses.push(Number(await model.trainOnBatch(x, y)));
  const weights = model.getWeights().map((w) => Array.from(w.dataSync() as Float32Array, Number));
  tf.dispose([x, y]);
  model.dispose();
  return { losses, weights };
}

describe.each(['js', 'wasm'])('LSTM training with the fused cell on %s', (backend) => {
  test.each(['hardSigmoid', 'sigmoid'])('%s: eager and planned steps agree with the unfused eager js steps', async (recAct) => {
    await tf.setBackend('js');
    tf.env().set('LSTM_FUSED_CELL', false);
    tf.env().set('TRAIN_PLAN', false);
    const want = await train(recAct);
    expect(want.losses[3]).toBeLessThan(want.losses[0]); // it trains
    await tf.setBackend(backend);
    tf.env().set('LSTM_FUSED_CELL', true);
    for (const planned of [false, true]) {
      tf.env().set('TRAIN_PLAN', planned);
      const got = await train(recAct);
      expectClose(got.losses, want.losses, 1e-4, `losses (planned ${planned})`);
      got.weights.forEach((w, i) => expectClose(w, want.weights[i], 1e-4, `weight ${i} (planned ${planned})`));
    }
  });
});
