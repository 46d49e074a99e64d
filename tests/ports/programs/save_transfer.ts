/**
 * A TF.js program that saves and reloads its model mid-way, then does transfer learning, in the manner
 * of tfjs-examples' mnist-transfer-cnn and webcam-transfer-learning (written here): a small conv base is
 * trained, saved with model.save(tf.io.withSaveHandler(...)), loaded back with
 * tf.loadLayersModel(tf.io.fromMemory(...)); the loaded model's predictions must equal the original's.
 * Then its layers are frozen (layer.trainable = false), a truncated model up to an inner layer
 * (getLayer(...).output) gets a new dense head, the whole is compiled again and trained on new classes;
 * the frozen weights must not move. The test runs it unchanged on TF.js and on tessera.
 */
import { det, seedWeights } from './det.js';

export async function run(tf: any) {
  const n = 24;
  const images = tf.tensor4d(det(n * 6 * 6, 91, 0, 1), [n, 6, 6, 1]);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32'), 3);
  const base = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 'conv' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 6, activation: 'relu', name: 'features' }),
      tf.layers.dense({ units: 3, activation: 'softmax', name: 'classes' }),
    ],
  });
  seedWeights(tf, base, 111);
  base.compile({ optimizer: tf.train.sgd(0.3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const baseHistory = await base.fit(images, labels, { epochs: 3, batchSize: 8, shuffle: false });

  let saved: any;
  const saveResult = await base.save(tf.io.withSaveHandler(async (artifacts: any) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved.modelTopology, saved.weightSpecs, saved.weightData));
  const before = base.predict(images.slice([0, 0, 0, 0], [4, 6, 6, 1]));
  const after = loaded.predict(images.slice([0, 0, 0, 0], [4, 6, 6, 1]));
  const roundTripMaxDiff = before.sub(after).abs().max().dataSync()[0];

  // transfer: freeze the loaded base, new head on the 'features' layer for 2 new classes
  for (const layer of loaded.layers) layer.trainable = false;
  const truncated = tf.model({ inputs: loaded.inputs, outputs: loaded.getLayer('features').output });
  const head = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 2, activation: 'softmax', name: 'newHead' })] });
  seedWeights(tf, head, 121);
  const transfer = tf.sequential({ layers: [truncated, head] });
  transfer.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
  const newLabels = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 4 < 2 ? 0 : 1)), 'int32'), 2);
  const frozenBefore = loaded.getLayer('conv').getWeights()[0].dataSync().slice();
  const transferHistory = await transfer.fit(images, newLabels, { epochs: 3, batchSize: 8, shuffle: false });
  const frozenAfter = loaded.getLayer('conv').getWeights()[0].dataSync();
  return {
    baseLoss: baseHistory.history.loss, baseAcc: baseHistory.history.acc,
    weightSpecs: saved.weightSpecs.map((s: any) => [s.name, s.shape, s.dtype]),
    weightBytes: saved.weightData.byteLength, modelClass: saved.modelTopology.class_name,
    saveResultType: saveResult.modelArtifactsInfo.modelTopologyType,
    roundTripMaxDiff,
    trainable: [transfer.trainableWeights.length, transfer.nonTrainableWeights.length],
    transferLoss: transferHistory.history.loss,
    frozenUnchanged: Array.from(frozenBefore).every((v, i) => v === frozenAfter[i]),
    transferPreds: await transfer.predict(images.slice([0, 0, 0, 0], [3, 6, 6, 1])).array(),
    headWeights: await head.getWeights()[0].array(),
  };
}
