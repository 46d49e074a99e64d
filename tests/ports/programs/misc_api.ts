/**
 * A TF.js program touching the smaller APIs tfjs-examples lean on (written here): a bidirectional LSTM
 * sentiment variant (embedding + bidirectional + dense), fit with classWeight and a metrics list of
 * functions, model.metricsNames / inputNames / outputNames, evaluate with batchSize, tf.losses.huberLoss
 * and tf.metrics.meanAbsoluteError, tensor.toString() / print() output, getWeights after a partial
 * layer.setWeights. The test runs it unchanged on TF.js and on tessera.
 */
import { det, seedWeights } from './det.js';

export async function run(tf: any) {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: 9, outputDim: 4, inputLength: 5, name: 'emb' }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3 }), mergeMode: 'concat', name: 'bidi' }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'score' }),
    ],
  });
  seedWeights(tf, model, 261);
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy', tf.metrics.binaryAccuracy] });
  const ids = det(10 * 5, 262, 0, 9).map(Math.floor);
  const xs = tf.tensor2d(ids, [10, 5]);
  const ys = tf.tensor2d(Array.from({ length: 10 }, (_, i) => [i % 3 === 0 ? 1 : 0]));
  const history = await model.fit(xs, ys, { epochs: 2, batchSize: 5, shuffle: false, classWeight: { 0: 1, 1: 2 } });
  const evalOut = model.evaluate(xs, ys, { batchSize: 4 }).map((t: any) => t.dataSync()[0]);

  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => printed.push(args.join(' '));
  try {
    tf.tensor2d([[1.5, -2], [3, 4.25]]).print();
    tf.tensor1d([1, 2, 3], 'int32').print(true);
  } finally {
    console.log = log;
  }
  const dense = model.getLayer('score');
  dense.setWeights([tf.ones([6, 1]), tf.tensor1d([0.5])]);
  const yTrue = tf.tensor1d([0, 1, 2, 3]);
  const yPred = tf.tensor1d([0.2, 1.5, 1, 6]);
  return {
    history: history.history, evalOut,
    names: { metrics: model.metricsNames, inputs: model.inputNames, outputs: model.outputNames },
    huber: tf.losses.huberLoss(yTrue, yPred, undefined, 1.0).dataSync()[0],
    mae: Array.from(tf.metrics.meanAbsoluteError(yTrue.reshape([2, 2]), yPred.reshape([2, 2])).dataSync()),
    printed, str: tf.tensor([[0.1, 2], [3, -4]]).toString(),
    after: Array.from(await model.predict(xs.slice([0, 0], [3, 5])).data()),
  };
}
