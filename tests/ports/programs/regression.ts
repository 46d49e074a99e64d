/**
 * A TF.js regression program (after tfjs-examples' polynomial-regression and boston-housing): data
 * standardised with moments, shuffled with tf.util.createShuffledIndices, a two-layer model trained with
 * fit (validationSplit, a callback that reads model.optimizer), evaluate and predict. Written against
 * TF.js's API; the test runs it unchanged on TF.js and on tessera.
 */
import { det, seedWeights } from './det.js';

export async function run(tf: any) {
  const n = 40;
  const xsRaw = det(n * 3, 7, -2, 2);
  const ysRaw: number[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b, c] = xsRaw.slice(i * 3, i * 3 + 3);
    ysRaw.push(0.5 * a * a - 1.2 * b + 0.3 * c + 0.7);
  }
  // tf.util: the permutation is random, so only its properties are compared
  const perm = Array.from(tf.util.createShuffledIndices(n)) as number[];
  tf.util.assert(perm.length === n, () => 'permutation length');
  const permOk = tf.util.arraysEqual(perm.slice().sort((p: number, q: number) => p - q), Array.from({ length: n }, (_, i) => i));

  const xs = tf.tensor2d(xsRaw, [n, 3]);
  const { mean, variance } = tf.moments(xs, 0);
  const xsNorm = xs.sub(mean).div(variance.sqrt());
  const ys = tf.tensor2d(ysRaw, [n, 1]);

  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [3] }), tf.layers.dense({ units: 1 })],
  });
  seedWeights(tf, model, 31);
  model.compile({ optimizer: tf.train.rmsprop(0.02), loss: 'meanSquaredError', metrics: ['mae'] });
  const lrSeen: number[] = [];
  const history = await model.fit(xsNorm, ys, {
    epochs: 5, batchSize: 10, shuffle: false, validationSplit: 0.25,
    callbacks: { onEpochEnd: async () => { lrSeen.push(model.optimizer.learningRate); await tf.nextFrame(); } },
  });
  const evalOut = model.evaluate(xsNorm, ys, { batchSize: 40 });
  const evalLoss = await evalOut[0].data();
  const preds = await model.predict(xsNorm.slice([0, 0], [4, 3])).as1D().array();
  return {
    loss: history.history.loss, valLoss: history.history.val_loss, evalLoss: Array.from(evalLoss), preds, lrSeen, permOk,
    sizeFromShape: tf.util.sizeFromShape([2, 3, 4]), flat: tf.util.flatten([[1, [2]], [3]]),
  };
}
