/**
 * fit({yieldEvery}) in Node: how often training hands control back to the event loop, counted with a
 * setImmediate ticker (the same macrotask queue the yields use): 'batch' lets it run after every batch,
 * 'epoch' once per epoch, 'never' not at all, a number by elapsed time;
 * invalid values are refused with TF.js's option names. tf.nextFrame resolves.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await ts.setBackend('js');
  // The first fit() loads the training loop (src/async_parts.ts, a dynamic import) while the event loop runs
  // freely; load it here so the ticks below count only what happens during training.
  await import('../src/async_parts.js');
});

async function ticksDuringFit(yieldEvery: unknown, epochs = 2): Promise<{ ticks: number; batches: number }> {
  const model = ts.sequential({ layers: [ts.layers.dense({ units: 2, inputShape: [3] })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const xs = ts.ones([20, 3]);
  const ys = ts.zeros([20, 2]);
  let ticks = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    ticks++;
    setImmediate(tick);
  };
  setImmediate(tick);
  let batches = 0;
  await new Promise((r) => setImmediate(r)); // let the ticker start
  const start = ticks;
  await model.fit(xs, ys, { epochs, batchSize: 4, verbose: 0, shuffle: false, yieldEvery: yieldEvery as any, callbacks: { onBatchEnd: () => { batches++; } } });
  running = false;
  ts.dispose([xs, ys]);
  model.dispose();
  return { ticks: ticks - start, batches };
}

describe('fit yieldEvery', () => {
  it("'batch' yields after each batch, 'epoch' after each epoch, 'never' not at all", async () => {
    const batch = await ticksDuringFit('batch');
    expect(batch.batches).toBe(10);
    // after every batch: 5 per epoch, 2 epochs
    expect(batch.ticks).toBe(10);
    expect((await ticksDuringFit('epoch')).ticks).toBe(2);
    expect((await ticksDuringFit('never')).ticks).toBe(0);
    // a 0 ms interval yields at every opportunity: after every batch and every epoch
    expect((await ticksDuringFit(0)).ticks).toBe(10);
  });
  it('refuses unknown values', async () => {
    const model = ts.sequential({ layers: [ts.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(model.fit(ts.ones([2, 1]), ts.ones([2, 1]), { yieldEvery: 'sometimes' as any, verbose: 0 })).rejects.toThrow(/yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a number/);
    model.dispose();
  });
  it('tf.nextFrame resolves', async () => {
    await expect(ts.nextFrame()).resolves.toBeUndefined();
  });
});
