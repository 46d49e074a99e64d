import { test, expect } from 'vitest';
import * as tf from '../src/index.js';
test('smoke', async () => {
  await tf.setBackend('js');
  const n = 100;
  const xs = Array.from({ length: n }, (_, i) => (i / n) * 4 - 2);
  const x = tf.tensor2d(xs, [n, 1]);
  const y = tf.tensor2d(xs.map((v) => 2 + 3 * v + (Math.random() - 0.5) * 0.2), [n, 1]);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'mse', metrics: ['mae'] });
  const before = tf.memory().numTensors;
  const t0 = Date.now();
  const h = await model.fit(x, y, { epochs: 100, batchSize: 32, verbose: 0 });
  console.log(Date.now() - t0, 'ms', tf.memory().numTensors - before, h.history.loss.slice(-1), h.history.mae.slice(-1));
  const p = model.predict(tf.tensor2d([5], [1, 1])) as tf.Tensor;
  console.log(p.dataSync());
});
