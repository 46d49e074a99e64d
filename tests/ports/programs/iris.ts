/**
 * A TF.js classifier in the manner of tfjs-examples' iris (written here): three synthetic classes of
 * 4-feature flowers as tensors, train/test split by tf.gather, a dense softmax model trained with fit and
 * validationData plus tf.callbacks.earlyStopping on val_loss, model.evaluate, tf.metrics
 * (categoricalAccuracy, precision, recall) and tf.math.confusionMatrix; then the same model trained
 * further with model.fitDataset / evaluateDataset from a dataset object with iterator().
 * The test runs it unchanged on TF.js and on tessera.
 */
import { det, seedWeights } from './det.js';

const CENTRES = [[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]];

export async function run(tf: any) {
  const perClass = 16;
  const noise = det(3 * perClass * 4, 13, -0.6, 0.6);
  const features: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 3 * perClass; i++) {
    const k = i % 3;
    features.push(CENTRES[k].map((c, j) => c + noise[i * 4 + j]));
    labels.push(k);
  }
  const xs = tf.tensor2d(features);
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
  const testIdx = tf.tensor1d(Array.from({ length: 12 }, (_, i) => 36 + i), 'int32');
  const trainIdx = tf.tensor1d(Array.from({ length: 36 }, (_, i) => i), 'int32');
  const [xTrain, yTrain, xTest, yTest] = [tf.gather(xs, trainIdx), tf.gather(ys, trainIdx), tf.gather(xs, testIdx), tf.gather(ys, testIdx)];

  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 10, activation: 'sigmoid', inputShape: [4] }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  seedWeights(tf, model, 81);
  model.compile({ optimizer: tf.train.adam(0.08), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(xTrain, yTrain, {
    epochs: 40, batchSize: 12, shuffle: false, validationData: [xTest, yTest],
    callbacks: tf.callbacks.earlyStopping({ monitor: 'val_loss', minDelta: 0.02, patience: 2 }),
  });
  const [evalLoss, evalAcc] = model.evaluate(xTest, yTest).map((t: any) => t.dataSync()[0]);
  const probs = model.predict(xTest);
  const predicted = probs.argMax(-1);
  const metrics = {
    categoricalAccuracy: Array.from(tf.metrics.categoricalAccuracy(yTest, probs).dataSync()),
    precision: tf.metrics.precision(yTest.argMax(-1).equal(1), predicted.equal(1)).dataSync()[0],
    recall: tf.metrics.recall(yTest.argMax(-1).equal(1), predicted.equal(1)).dataSync()[0],
    confusion: await tf.math.confusionMatrix(yTest.argMax(-1), predicted, 3).array(),
  };

  // more training from a dataset: any object with iterator() (a tf.data.Dataset's shape) giving {xs, ys}
  // batches, the way tfjs-examples feed fitDataset from a generator
  const dataset = {
    iterator: async () => {
      let b = 0;
      return {
        next: async () => (b >= 4 ? { done: true, value: undefined }
          : { done: false, value: { xs: xTrain.slice([9 * b, 0], [9, 4]), ys: yTrain.slice([9 * b++, 0], [9, 3]) } }),
      };
    },
  };
  const dsHistory = await model.fitDataset(dataset, { epochs: 2, batchesPerEpoch: 4 });
  const dsEval = await model.evaluateDataset(dataset);
  return {
    loss: history.history.loss, valLoss: history.history.val_loss, valAcc: history.history.val_acc,
    epochsRun: history.epoch.length, evalLoss, evalAcc, metrics, probs: await probs.array(),
    dsLoss: dsHistory.history.loss, dsEval: (Array.isArray(dsEval) ? dsEval : [dsEval]).map((t: any) => t.dataSync()[0]),
  };
}
