/**
 * A TF.js conditional GAN in the manner of tfjs-examples' mnist-acgan (written here): a generator from a
 * latent vector times an embedded class label (embedding + flatten + multiply), dense, reshape,
 * conv2dTranspose with batchNormalization; a discriminator of conv2d + leakyReLU +
 * flatten with two outputs (sigmoid real/fake, softmax class) compiled with two losses
 * (binaryCrossentropy, sparseCategoricalCrossentropy); a combined model in which the discriminator is
 * frozen (trainable = false before compile, true around its own step). Training alternates trainOnBatch on both. Latent vectors
 * are fixed numbers (the example draws them at random). The test runs it unchanged on TF.js and tessera.
 */
import { det, seedWeights } from './det.js';

const LATENT = 6;
const CLASSES = 3;

function buildGenerator(tf: any) {
  const cnn = tf.sequential();
  cnn.add(tf.layers.dense({ units: 2 * 2 * 8, inputShape: [LATENT], activation: 'relu' }));
  cnn.add(tf.layers.reshape({ targetShape: [2, 2, 8] }));
  // no bias before batchNormalization: its gradient is zero up to rounding, which Adam would turn into
  // full-size steps of either sign
  cnn.add(tf.layers.conv2dTranspose({ filters: 6, kernelSize: 3, strides: 1, padding: 'same', useBias: false }));
  cnn.add(tf.layers.batchNormalization());
  cnn.add(tf.layers.activation({ activation: 'relu' }));
  // (upSampling2d, as the example uses, is left out: tfjs-backend-cpu's resizeNearestNeighbor gradient
  // mixes up batch items when the batch is larger than 1, so TF.js itself is no reference for it)
  cnn.add(tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  cnn.add(tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }));
  const latent = tf.input({ shape: [LATENT] });
  const imageClass = tf.input({ shape: [1] });
  const classEmbedding = tf.layers.embedding({ inputDim: CLASSES, outputDim: LATENT }).apply(imageClass);
  const h = tf.layers.multiply().apply([latent, tf.layers.flatten().apply(classEmbedding)]);
  return tf.model({ inputs: [latent, imageClass], outputs: cnn.apply(h) });
}

function buildDiscriminator(tf: any) {
  const image = tf.input({ shape: [8, 8, 1] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', strides: 2 }).apply(image);
  x = tf.layers.leakyReLU({ alpha: 0.2 }).apply(x);
  x = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'valid', strides: 1 }).apply(x);
  x = tf.layers.leakyReLU({ alpha: 0.2 }).apply(x);
  const features = tf.layers.flatten().apply(x);
  const realness = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(features);
  const aux = tf.layers.dense({ units: CLASSES, activation: 'softmax' }).apply(features);
  return tf.model({ inputs: image, outputs: [realness, aux] });
}

export async function run(tf: any) {
  const discriminator = buildDiscriminator(tf);
  seedWeights(tf, discriminator, 151);
  discriminator.compile({ optimizer: tf.train.adam(0.01, 0.5), loss: ['binaryCrossentropy', 'sparseCategoricalCrossentropy'] });
  const generator = buildGenerator(tf);
  seedWeights(tf, generator, 161);

  const latent = tf.input({ shape: [LATENT] });
  const imageClass = tf.input({ shape: [1] });
  const fake = generator.apply([latent, imageClass]);
  discriminator.trainable = false;
  const [fakeness, aux] = discriminator.apply(fake);
  const combined = tf.model({ inputs: [latent, imageClass], outputs: [fakeness, aux] });
  combined.compile({ optimizer: tf.train.adam(0.01, 0.5), loss: ['binaryCrossentropy', 'sparseCategoricalCrossentropy'] });

  const batch = 6;
  const realImages = tf.tensor4d(det(batch * 64, 171, -1, 1), [batch, 8, 8, 1]);
  const realLabels = tf.tensor2d(Array.from({ length: batch }, (_, i) => [i % CLASSES]));
  const dLosses: number[][] = [];
  const gLosses: number[][] = [];
  for (let step = 0; step < 3; step++) {
    const z = tf.tensor2d(det(batch * LATENT, 181 + step, -1, 1), [batch, LATENT]);
    const sampledLabels = tf.tensor2d(Array.from({ length: batch }, (_, i) => [(i + step) % CLASSES]));
    const generated = generator.predict([z, sampledLabels], { batchSize: batch });
    const x = tf.concat([realImages, generated], 0);
    const y = tf.tensor2d([...new Array(batch).fill([0.95]), ...new Array(batch).fill([0])]); // soft real labels
    const auxY = tf.concat([realLabels, sampledLabels], 0);
    discriminator.trainable = true; // its variables train in its own step, and stay frozen in the combined one
    dLosses.push(await discriminator.trainOnBatch(x, [y, auxY]));
    discriminator.trainable = false;
    const trick = tf.ones([batch, 1]).mul(0.95);
    gLosses.push(await combined.trainOnBatch([z, sampledLabels], [trick, sampledLabels]));
  }
  const z = tf.tensor2d(det(2 * LATENT, 191, -1, 1), [2, LATENT]);
  const sample = generator.predict([z, tf.tensor2d([[0], [2]])]);
  const bn = generator.layers.find((l: any) => l.getClassName() === 'Sequential').layers[3];
  return {
    dLosses, gLosses, sample: await sample.array(),
    bnMovingMean: Array.from(await bn.getWeights()[2].data()),
    trainableCounts: [discriminator.trainableWeights.length, combined.trainableWeights.length, generator.trainableWeights.length],
  };
}
