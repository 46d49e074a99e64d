/**
 * tf.pruning on the demo CNN (examples/workflows/cnn.ts: horizontal vs vertical bars, 16x16): held-out
 * accuracy of the trained model, of the same model pruned to 50% in one shot (no fine-tuning), and
 * pruned to 50% with polynomialDecay during 3 epochs of fine-tuning (then stripped). Wasm backend.
 */
import { beforeAll, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { barsCnn, barsTensors } from '../examples/workflows/cnn.js';
import { accuracy } from '../examples/workflows/common.js';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

it('demo CNN: accuracy before / after pruning to 50% (one shot and with fine-tuning)', async () => {
  const { train: [xTrain, yTrain], test: [xTest], testLabels } = barsTensors(tf as any, 1);
  const model = barsCnn(tf as any, 1);
  const acc = async (m: tf.LayersModel) => accuracy(tf as any, m.predict(xTest) as tf.Tensor, testLabels);
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
  await model.fit(xTrain, yTrain, { epochs: 8, batchSize: 32, shuffle: false, verbose: 0 });
  const base = await acc(model);

  // one shot: masks at 50% on the trained weights, no more training
  const oneShot = tf.pruning.pruneLowMagnitude(model, { schedule: tf.pruning.constantSparsity({ targetSparsity: 0.5, beginStep: 0 }) });
  for (const l of oneShot.layers) if (l instanceof tf.pruning.PruneLowMagnitude) await l.updateMasks(0.5);
  const oneShotAcc = await acc(oneShot);

  // gradual: 0 -> 50% over steps 0..20 (10 batches an epoch), masks every 5 steps, 3 epochs
  const pruned = tf.pruning.pruneLowMagnitude(model, {
    schedule: tf.pruning.polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 20, frequency: 5 }),
  });
  pruned.compile({ optimizer: tf.train.adam(0.002), loss: 'sparseCategoricalCrossentropy' });
  await pruned.fit(xTrain, yTrain, { epochs: 3, batchSize: 32, shuffle: false, verbose: 0, callbacks: [tf.pruning.updatePruningStep()] });
  const stripped = tf.pruning.strip(pruned);
  const prunedAcc = await acc(stripped);
  const report = (await tf.pruning.sparsityReport(pruned)).filter((r) => r.pruned);
  console.log(`demo CNN accuracy (200 held-out): trained ${base}, one-shot 50% ${oneShotAcc}, pruned 50% + fine-tuned ${prunedAcc}; ` +
    report.map((r) => `${r.layer}/${r.weight} ${r.zeros}/${r.size}`).join(', '));
  expect(report.map((r) => r.zeros)).toEqual(report.map((r) => Math.round(r.size / 2)));
  expect(base).toBeGreaterThanOrEqual(0.9);
  expect(prunedAcc).toBeGreaterThanOrEqual(0.9);
  expect(await acc(pruned)).toBe(prunedAcc);
});
