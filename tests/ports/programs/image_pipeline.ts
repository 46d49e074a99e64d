/**
 * A TF.js image program in the manner of tfjs-examples' webcam-transfer-learning / mobilenet demos
 * (written here): raw images are preprocessed with tf.image (resizeBilinear, cropAndResize,
 * flipLeftRight) and normalised to [-1, 1] inside tf.tidy; a MobileNet-like block (depthwiseConv2d,
 * batchNormalization, relu6 via activation, separableConv2d, globalAveragePooling2d, dense) is trained
 * with fit, and the example's usual inspection is done: model.summary through a print function,
 * per-layer outputs through a multi-output model, predict + topK. The test runs it unchanged on TF.js
 * and on tessera.
 */
import { det, seedWeights } from './det.js';

export async function run(tf: any) {
  const n = 12;
  const raw = tf.tensor4d(det(n * 10 * 12 * 3, 231, 0, 255), [n, 10, 12, 3]);
  const images = tf.tidy(() => {
    const resized = tf.image.resizeBilinear(raw, [8, 8], true);
    const boxes = tf.tensor2d(Array.from({ length: n }, (_, i) => [0.1, 0.05 * (i % 3), 0.9, 0.8 + 0.05 * (i % 3)]));
    const crops = tf.image.cropAndResize(raw, boxes, tf.range(0, n, 1, 'int32'), [8, 8], 'bilinear');
    const flipped = tf.image.flipLeftRight(crops);
    return tf.concat([resized, flipped], -1).div(127.5).sub(1); // 6 channels in [-1, 1]
  });
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 2), 'int32'), 2);

  const input = tf.input({ shape: [8, 8, 6], name: 'image' });
  const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 1, padding: 'same', useBias: false, name: 'dw' }).apply(input);
  const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(dw);
  const act = tf.layers.reLU({ maxValue: 6, name: 'relu6' }).apply(bn);
  const sep = tf.layers.separableConv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'sep' }).apply(act);
  const pooled = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(sep);
  const out = tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }).apply(pooled);
  const model = tf.model({ inputs: input, outputs: out });
  seedWeights(tf, model, 241);
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(images, labels, { epochs: 3, batchSize: 4, shuffle: false });

  const summary: string[] = [];
  model.summary(60, [0.45, 0.8, 1], (line: string) => summary.push(line));
  const probe = tf.model({ inputs: model.inputs, outputs: ['bn', 'sep', 'gap'].map((nm) => model.getLayer(nm).output) });
  const [bnOut, sepOut, gapOut] = probe.predict(images.slice([0, 0, 0, 0], [2, 8, 8, 6]));
  const { values, indices } = tf.topk(model.predict(images), 1);
  return {
    imagesHead: Array.from(images.slice([0, 0, 0, 0], [1, 2, 2, 6]).dataSync()),
    loss: history.history.loss, acc: history.history.acc,
    summary: summary.filter((line) => !/^[_=]+$/.test(line)).map((line) => line.replace(/\s+/g, ' ').trim()),
    bnMean: Array.from(bnOut.mean().dataSync()), sepShape: sepOut.shape, gap: await gapOut.array(),
    top: Array.from(indices.dataSync()), topValues: Array.from(values.dataSync()),
  };
}
