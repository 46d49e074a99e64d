/**
 * A TF.js MNIST-style convnet on the core API only, in the manner of tfjs-examples' mnist-core (written
 * here): weights are tf.variable tensors, the model is conv2d + relu + maxPool twice by hand, a flatten
 * by reshape and matMul + bias; the loss is tf.losses.softmaxCrossEntropy and training is
 * optimizer.minimize(lossFn, returnCost = true). Images are 8x8 synthetic digits (a bar in one of four
 * positions). Accuracy by argMax + equal + mean. The test runs it unchanged on TF.js and on tessera.
 */
import { det } from './det.js';

const SIZE = 8;
const CLASSES = 4;

function makeImages(n: number, seed: number): { pixels: number[]; labels: number[] } {
  const noise = det(n * SIZE * SIZE, seed, 0, 0.3);
  const pixels: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % CLASSES;
    labels.push(label);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const onBar = label < 2 ? x === 2 + 3 * label : y === 2 + 3 * (label - 2); // vertical or horizontal bar
        pixels.push((onBar ? 1 : 0) + noise[(i * SIZE + y) * SIZE + x]);
      }
    }
  }
  return { pixels, labels };
}

export async function run(tf: any) {
  const conv1Weights = tf.variable(tf.tensor4d(det(3 * 3 * 1 * 4, 71, -0.4, 0.4), [3, 3, 1, 4]));
  const conv2Weights = tf.variable(tf.tensor4d(det(3 * 3 * 4 * 6, 72, -0.3, 0.3), [3, 3, 4, 6]));
  const fullyConnectedWeights = tf.variable(tf.tensor2d(det(2 * 2 * 6 * CLASSES, 73, -0.3, 0.3), [2 * 2 * 6, CLASSES]));
  const fullyConnectedBias = tf.variable(tf.zeros([CLASSES]));

  const model = (inputXs: any) => {
    const xs = inputXs.as4D(-1, SIZE, SIZE, 1);
    const strides = 2;
    const pad = 0;
    const layer1 = tf.tidy(() => xs.conv2d(conv1Weights, 1, 'same').relu().maxPool([2, 2], strides, pad));
    const layer2 = tf.tidy(() => layer1.conv2d(conv2Weights, 1, 'same').relu().maxPool([2, 2], strides, pad));
    return layer2.as2D(-1, fullyConnectedWeights.shape[0]).matMul(fullyConnectedWeights).add(fullyConnectedBias);
  };
  const loss = (labels: any, xs: any) => tf.losses.softmaxCrossEntropy(labels, model(xs)).mean();

  const { pixels, labels } = makeImages(32, 9);
  const images = tf.tensor2d(pixels, [32, SIZE * SIZE]);
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES).toFloat();
  const optimizer = tf.train.adam(0.05);
  const costs: number[] = [];
  const batchSize = 8;
  for (let step = 0; step < 12; step++) {
    const start = (step * batchSize) % 32;
    const cost = optimizer.minimize(() => {
      const batchXs = images.slice([start, 0], [batchSize, SIZE * SIZE]);
      const batchYs = oneHot.slice([start, 0], [batchSize, CLASSES]);
      return loss(batchYs, batchXs);
    }, true);
    costs.push(cost.dataSync()[0]);
    cost.dispose();
  }
  const { predictions, accuracy, logits } = tf.tidy(() => {
    const out = model(images);
    const predicted = out.argMax(1);
    const acc = predicted.equal(oneHot.argMax(1)).mean();
    return { predictions: Array.from(predicted.dataSync()), accuracy: acc.dataSync()[0], logits: out.slice([0, 0], [4, CLASSES]).arraySync() };
  });
  return {
    costs, predictions, accuracy, logits,
    conv1: Array.from(await conv1Weights.data()), fcBias: Array.from(await fullyConnectedBias.data()),
  };
}
