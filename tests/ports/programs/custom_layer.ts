/**
 * A TF.js program with a custom layer (after tfjs-examples' Antirectifier custom layer): a Layer
 * subclass with its own weight (addWeight), call() with invokeCallHook, computeOutputShape, getConfig,
 * static className and serialization.registerClass; trained with fit, saved, loaded and run again.
 * Written against TF.js's API; the test runs it unchanged on TF.js and on tessera.
 */
import { det, seedWeights } from './det.js';

export async function run(tf: any) {
  class Antirectifier extends tf.layers.Layer {
    scale: any;
    constructor(config?: any) {
      super(config);
      this.supportsMasking = true;
    }
    build(inputShape: any) {
      const dim = inputShape[inputShape.length - 1];
      this.scale = this.addWeight('scale', [dim * 2], 'float32', tf.initializers.ones());
      this.built = true;
    }
    computeOutputShape(inputShape: any) {
      return [inputShape[0], inputShape[1] * 2];
    }
    call(inputs: any, kwargs: any) {
      let input = inputs;
      if (Array.isArray(input)) input = input[0];
      this.invokeCallHook(inputs, kwargs);
      return tf.tidy(() => {
        const centered = tf.sub(input, tf.mean(input, 1, true));
        const pos = tf.relu(centered);
        const neg = tf.relu(tf.neg(centered));
        return tf.mul(tf.concat([pos, neg], 1), this.scale.read());
      });
    }
    getConfig() {
      return { ...super.getConfig() };
    }
    static get className() {
      return 'Antirectifier';
    }
  }
  tf.serialization.registerClass(Antirectifier);

  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 6, inputShape: [5] }));
  model.add(new Antirectifier());
  model.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  seedWeights(tf, model, 11);
  const antirect = model.layers[1];
  const scaleInfo = { name: antirect.weights[0].name, shape: antirect.weights[0].shape, trainable: antirect.weights[0].trainable };
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  const n = 24;
  const xs = tf.tensor2d(det(n * 5, 3, -1, 1), [n, 5]);
  const labels = det(n, 5, 0, 3).map((v) => Math.floor(v));
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
  const history = await model.fit(xs, ys, { epochs: 4, batchSize: 8, shuffle: false });
  const optimizerName = model.optimizer.getClassName ? model.optimizer.getClassName() : model.optimizer.constructor.name;

  const probe = tf.tensor2d(det(10, 9, -1, 1), [2, 5]);
  const before = await model.predict(probe).array();
  const scaleAfter = await antirect.weights[0].read().array();

  let saved: any;
  await model.save(tf.io.withSaveHandler(async (artifacts: any) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved.modelTopology, saved.weightSpecs, saved.weightData));
  const after = await loaded.predict(probe).array();
  const symbolicOut = antirect.apply(tf.input({ shape: [7] })).shape;
  return {
    losses: history.history.loss, acc: history.history.acc ?? history.history.accuracy, before, after, scaleAfter,
    scaleInfo, loadedClass: loaded.layers[1].getClassName(), symbolicOut, optimizerName,
  };
}
