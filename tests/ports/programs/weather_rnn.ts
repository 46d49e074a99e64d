/**
 * A TF.js time-series program in the manner of tfjs-examples' jena-weather (written here): windows of a
 * synthetic multi-feature series are served by a dataset object whose iterator() yields {xs, ys}
 * batches (as the example's generator-backed tf.data does); models are a GRU, and a stacked
 * simpleRNN with returnSequences, compared on a custom loss function passed
 * to compile (mean absolute error written with tf ops), with fitDataset and validationData from a
 * second dataset, evaluateDataset, and a learning rate lowered from an onEpochEnd callback.
 * The test runs it unchanged on TF.js and on tessera.
 */
import { det, seedWeights } from './det.js';

const LOOKBACK = 6;
const FEATURES = 3;

function series(n: number): number[][] {
  const noise = det(n * FEATURES, 201, -0.1, 0.1);
  return Array.from({ length: n }, (_, t) => [Math.sin(t / 3), Math.cos(t / 5), (t % 7) / 7].map((v, f) => v + noise[t * FEATURES + f]));
}

function windows(tf: any, data: number[][], from: number, count: number, batchSize: number) {
  return {
    iterator: async () => {
      let i = 0;
      return {
        next: async () => {
          if (i >= count) return { done: true, value: undefined };
          const size = Math.min(batchSize, count - i);
          const xs: number[][][] = [];
          const ys: number[][] = [];
          for (let b = 0; b < size; b++, i++) {
            const start = from + i;
            xs.push(data.slice(start, start + LOOKBACK));
            ys.push([data[start + LOOKBACK][0]]); // next value of feature 0
          }
          return { done: false, value: { xs: tf.tensor3d(xs), ys: tf.tensor2d(ys) } };
        },
      };
    },
  };
}

export async function run(tf: any) {
  const data = series(60);
  const train = windows(tf, data, 0, 32, 8);
  const val = windows(tf, data, 36, 16, 8);
  const maeLoss = (yTrue: any, yPred: any) => tf.mean(tf.abs(tf.sub(yTrue, yPred)), -1);

  const gru = tf.sequential({ layers: [tf.layers.gru({ units: 8, inputShape: [LOOKBACK, FEATURES] }), tf.layers.dense({ units: 1 })] });
  const rnn = tf.sequential({
    layers: [
      tf.layers.simpleRNN({ units: 6, inputShape: [LOOKBACK, FEATURES], returnSequences: true }),
      tf.layers.simpleRNN({ units: 6 }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  const results: Record<string, unknown> = {};
  for (const [name, model, seed] of [['gru', gru, 211], ['simpleRNN', rnn, 221]] as const) {
    seedWeights(tf, model, seed);
    model.compile({ optimizer: tf.train.rmsprop(0.01), loss: maeLoss });
    const lrs: number[] = [];
    const history = await model.fitDataset(train, {
      epochs: 3, validationData: val,
      callbacks: {
        onEpochEnd: async () => {
          model.optimizer.learningRate *= 0.5;
          lrs.push(model.optimizer.learningRate);
        },
      },
    });
    const evalResult = await model.evaluateDataset(val, {});
    results[name] = {
      loss: history.history.loss, valLoss: history.history.val_loss, lrs,
      eval: (await (Array.isArray(evalResult) ? evalResult[0] : evalResult).data())[0],
      next: Array.from(await model.predict(tf.tensor3d([data.slice(50, 50 + LOOKBACK)])).data()),
    };
  }
  return results;
}
