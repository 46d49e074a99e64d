/**
 * Workflow 2, binary text classification: Embedding -> LSTM -> Dense(sigmoid) trained with
 * adam on binaryCrossentropy. The data are generated token sequences; a sequence is positive
 * when it contains the keyword token anywhere, so the LSTM has to remember what it saw.
 * Reports accuracy on a held-out set.
 */
import { now, randInt, rng, seededInitializers, type Ts, type TsTensor, type WorkflowOptions, type WorkflowResult, fitClassifier } from './common.js';

export const TEXT_VOCAB = 16;
export const TEXT_SEQ_LEN = 10;
/** The token whose presence makes a sequence positive. */
export const TEXT_KEYWORD = 1;

/**
 * `n` sequences of TEXT_SEQ_LEN ids in [2, TEXT_VOCAB) (0 and the keyword reserved); half of
 * them get the keyword at a random position. Labels alternate so the classes are balanced.
 */
export function textData(seed: number, n: number): { ids: number[]; labels: number[] } {
  const rand = rng(seed);
  const ids: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const seq = Array.from({ length: TEXT_SEQ_LEN }, () => randInt(rand, 2, TEXT_VOCAB));
    const positive = rand() < 0.5 ? 1 : 0;
    if (positive) seq[randInt(rand, 0, TEXT_SEQ_LEN)] = TEXT_KEYWORD;
    ids.push(...seq);
    labels.push(positive);
  }
  return { ids, labels };
}

export async function textClassification(ts: Ts, opts: WorkflowOptions = {}): Promise<WorkflowResult> {
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 6;
  const t0 = now();
  const train = textData(seed, 400);
  const test = textData(seed + 7919, 200);
  const toTensors = (d: { ids: number[]; labels: number[] }): [TsTensor, TsTensor] => [
    ts.tensor2d(d.ids, [d.labels.length, TEXT_SEQ_LEN], 'int32'),
    ts.tensor2d(d.labels, [d.labels.length, 1]),
  ];
  const [xTrain, yTrain] = toTensors(train);
  const [xTest, yTest] = toTensors(test);
  const init = seededInitializers(ts, seed);
  const model = ts.sequential({
    layers: [
      ts.layers.embedding({ inputDim: TEXT_VOCAB, outputDim: 8, inputLength: TEXT_SEQ_LEN, embeddingsInitializer: init(0) }),
      ts.layers.lstm({ units: 16, kernelInitializer: init(1), recurrentInitializer: init(2) }),
      ts.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(3) }),
    ],
  });
  const optimizer = ts.train.adam(0.02);
  return fitClassifier(ts, {
    name: 'textClassification', model, optimizer, loss: 'binaryCrossentropy', batchSize: 32, epochs,
    train: [xTrain, yTrain], test: [xTest, yTest], testLabels: test.labels, t0,
  }, opts);
}
