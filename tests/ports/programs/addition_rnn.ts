/**
 * A TF.js addition RNN in the manner of tfjs-examples' addition-rnn (written here): questions like
 * '12+7 ' are one-hot character sequences, a Sequential encoder LSTM, repeatVector to the answer length,
 * a decoder LSTM (returnSequences) and timeDistributed(dense softmax). Trained with fit, validationSplit
 * and an onEpochEnd callback collecting the logs; answers are decoded with argMax.
 * The test runs it unchanged on TF.js and on tessera.
 */
import { det, seedWeights } from './det.js';

const CHARS = '0123456789+ ';
const DIGITS = 2;
const Q_LEN = DIGITS * 2 + 1;
const A_LEN = DIGITS + 1;

function encode(tf: any, strings: string[], len: number) {
  const buffer = tf.buffer([strings.length, len, CHARS.length]);
  strings.forEach((s, i) => {
    for (let t = 0; t < len; t++) buffer.set(1, i, t, CHARS.indexOf(s[t] ?? ' '));
  });
  return buffer.toTensor();
}

export async function run(tf: any) {
  const r = det(60, 17, 0, 100);
  const questions: string[] = [];
  const answers: string[] = [];
  for (let i = 0; i < 20; i++) {
    const a = Math.floor(r[2 * i]);
    const b = Math.floor(r[2 * i + 1]);
    questions.push(`${a}+${b}`.padEnd(Q_LEN));
    answers.push(String(a + b).padEnd(A_LEN));
  }
  const xs = encode(tf, questions, Q_LEN);
  const ys = encode(tf, answers, A_LEN);

  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 12, inputShape: [Q_LEN, CHARS.length] }));
  model.add(tf.layers.repeatVector({ n: A_LEN }));
  model.add(tf.layers.lstm({ units: 12, returnSequences: true }));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: CHARS.length }) }));
  model.add(tf.layers.activation({ activation: 'softmax' }));
  seedWeights(tf, model, 41);
  model.compile({ loss: 'categoricalCrossentropy', optimizer: tf.train.adam(0.03), metrics: ['accuracy'] });

  const epochLogs: Array<Record<string, number>> = [];
  const batchEnds: number[] = [];
  await model.fit(xs, ys, {
    epochs: 3, batchSize: 8, validationSplit: 0.2, shuffle: false,
    callbacks: {
      onBatchEnd: async (batch: number) => { batchEnds.push(batch); },
      onEpochEnd: async (epoch: number, logs: Record<string, number>) => {
        epochLogs.push({ epoch, loss: logs.loss, acc: logs.acc, valLoss: logs.val_loss, valAcc: logs.val_acc });
      },
    },
  });

  const probs = model.predict(xs.slice([0, 0, 0], [6, Q_LEN, CHARS.length]));
  const ids = await probs.argMax(-1).array();
  const decoded = ids.map((row: number[]) => row.map((id) => CHARS[id]).join(''));
  return {
    epochLogs, batchEnds, decoded, probs: await probs.array(),
    outputShape: model.outputShape, summary: model.layers.map((l: any) => [l.getClassName(), l.countParams()]),
  };
}
