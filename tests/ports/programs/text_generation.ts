/**
 * A TF.js character LSTM in the manner of tfjs-examples' lstm-text-generation (written here): text cut
 * into overlapping windows, one-hot with tf.buffer, a Sequential LSTM + softmax dense trained with fit
 * (rmsprop), then generation one character at a time inside tf.tidy: predict, log-probabilities divided
 * by a temperature, tf.multinomial (unnormalized), dataSync. Sampling is random, so generation uses a
 * temperature low enough that each draw is the most likely character (the other probabilities underflow
 * to 0 in float32), and tf.multinomial at temperature 1 is checked by its frequencies over many draws
 * against the softmax it samples from (a property computed the same way for both libraries).
 * The test runs it unchanged on TF.js and on tessera.
 */
import { seedWeights } from './det.js';

const TEXT = 'the cat sat on the mat. the rat ate the hat. a cat and a rat sat on a mat. ';
const SAMPLE_LEN = 6;

export async function run(tf: any) {
  const chars = Array.from(new Set(TEXT)).sort();
  const indexOf = (c: string) => chars.indexOf(c);
  const starts: number[] = [];
  for (let i = 0; i + SAMPLE_LEN < TEXT.length; i += 2) starts.push(i);
  const xsBuf = tf.buffer([starts.length, SAMPLE_LEN, chars.length]);
  const ysBuf = tf.buffer([starts.length, chars.length]);
  starts.forEach((s, i) => {
    for (let t = 0; t < SAMPLE_LEN; t++) xsBuf.set(1, i, t, indexOf(TEXT[s + t]));
    ysBuf.set(1, i, indexOf(TEXT[s + SAMPLE_LEN]));
  });
  const xs = xsBuf.toTensor();
  const ys = ysBuf.toTensor();

  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 24, inputShape: [SAMPLE_LEN, chars.length] }));
  model.add(tf.layers.dense({ units: chars.length, activation: 'softmax' }));
  seedWeights(tf, model, 61);
  model.compile({ optimizer: tf.train.rmsprop(0.02), loss: 'categoricalCrossentropy' });
  const history = await model.fit(xs, ys, { epochs: 3, batchSize: 12, shuffle: false });

  // generation: the seed window slides over the generated text
  const sample = (probs: any, temperature: number) => tf.tidy(() => {
    const logits = tf.div(tf.log(probs), temperature);
    const isNormalized = false;
    return tf.multinomial(logits, 1, undefined, isNormalized).dataSync()[0];
  });
  let window = TEXT.slice(0, SAMPLE_LEN);
  let generated = '';
  const stepProbs: number[][] = [];
  for (let i = 0; i < 8; i++) {
    const next = tf.tidy(() => {
      const input = tf.buffer([1, SAMPLE_LEN, chars.length]);
      for (let t = 0; t < SAMPLE_LEN; t++) input.set(1, 0, t, indexOf(window[t]));
      const probs = model.predict(input.toTensor()).squeeze();
      if (i < 3) stepProbs.push(Array.from(probs.dataSync()));
      return sample(probs, 1e-4);
    });
    generated += chars[next];
    window = window.slice(1) + chars[next];
  }

  // tf.multinomial's distribution: 4000 draws from fixed logits, frequencies vs softmax(logits)
  const logits = tf.tensor2d([[0.5, -1, 1.5, 0, -0.25]]);
  const draws = Array.from(tf.multinomial(logits, 4000, 7).dataSync()) as number[];
  const p = Array.from(tf.softmax(logits).dataSync()) as number[];
  const freqOk = p.map((pk, k) => {
    const f = draws.filter((d) => d === k).length / draws.length;
    return Math.abs(f - pk) < 4 * Math.sqrt((pk * (1 - pk)) / draws.length); // within 4 standard errors
  });
  return { loss: history.history.loss, generated, stepProbs, freqOk, drawsInRange: draws.every((d) => d >= 0 && d < 5) };
}
