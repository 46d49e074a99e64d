/**
 * A TF.js text CNN in the manner of tfjs-examples' sentiment (cnn variant; written here): word ids padded
 * to a fixed length, Embedding, conv1d (relu, valid), globalMaxPool1d, dense relu and a sigmoid output,
 * trained with binaryCrossentropy and accuracy; then scoring new texts with predict and a
 * globalAveragePooling1d variant built from the same embedding layer (shared weights).
 * The test runs it unchanged on TF.js and on tessera.
 */
import { seedWeights } from './det.js';

const VOCAB = ['<pad>', 'good', 'great', 'fun', 'love', 'bad', 'awful', 'boring', 'hate', 'the', 'movie', 'was', 'a', 'plot'];
const MAX_LEN = 7;
const REVIEWS: Array<[string, number]> = [
  ['the movie was good', 1], ['great fun', 1], ['love the plot', 1], ['a great movie', 1], ['the plot was fun', 1],
  ['good good movie', 1], ['love love love', 1], ['was fun', 1], ['the movie was bad', 0], ['awful plot', 0],
  ['boring movie', 0], ['hate the plot', 0], ['a boring awful movie', 0], ['the plot was bad', 0], ['hate hate', 0], ['was boring', 0],
];

function pad(text: string): number[] {
  const ids = text.split(' ').map((w) => VOCAB.indexOf(w));
  return [...new Array(MAX_LEN - ids.length).fill(0), ...ids]; // pre-padding as the example does
}

export async function run(tf: any) {
  const xs = tf.tensor2d(REVIEWS.map(([t]) => pad(t)), [REVIEWS.length, MAX_LEN]);
  const ys = tf.tensor2d(REVIEWS.map(([, y]) => [y]), [REVIEWS.length, 1]);
  const embedding = tf.layers.embedding({ inputDim: VOCAB.length, outputDim: 6, inputLength: MAX_LEN });
  const model = tf.sequential();
  model.add(embedding);
  model.add(tf.layers.conv1d({ filters: 8, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' }));
  model.add(tf.layers.globalMaxPool1d({}));
  model.add(tf.layers.dense({ units: 5, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  seedWeights(tf, model, 131);
  model.compile({ loss: 'binaryCrossentropy', optimizer: tf.train.adam(0.03), metrics: ['acc'] });
  const history = await model.fit(xs, ys, { epochs: 5, batchSize: 4, shuffle: false });

  const scores = model.predict(tf.tensor2d(['great great fun', 'awful boring plot', 'the movie'].map(pad))).dataSync();
  const averaged = tf.sequential({ layers: [embedding, tf.layers.globalAveragePooling1d({})] });
  const mean = await averaged.predict(xs.slice([0, 0], [2, MAX_LEN])).array();
  return {
    loss: history.history.loss, acc: history.history.acc, scores: Array.from(scores), mean,
    shapes: model.layers.map((l: any) => l.outputShape),
  };
}
