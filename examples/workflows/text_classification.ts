/**
 * Workflow 2, binary text classification: Embedding -> LSTM -> Dense(sigmoid) trained with
 * adam on binaryCrossentropy. The data are generated sentences of 5 to 10 words; a sentence is
 * positive when it contains the keyword anywhere, so the LSTM has to remember what it saw. The
 * words become ids with tf.text.Tokenizer (fitted on the training sentences, an OOV token for
 * words it never saw) and are left-padded to one length with tf.text.padSequences.
 * Reports accuracy on a held-out set.
 */
import { now, randInt, rng, seededInitializers, type Ts, type TsTensor, type WorkflowOptions, type WorkflowResult, fitClassifier } from './common.js';

/** The words the sentences are made of (the keyword excluded). */
export const TEXT_WORDS = ['the', 'court', 'shall', 'vote', 'law', 'state', 'people', 'house', 'senate', 'tax', 'office', 'year', 'power', 'union'];
/** The word whose presence makes a sentence positive. */
export const TEXT_KEYWORD = 'treaty';
/** Padded length of every sentence (the longest one). */
export const TEXT_SEQ_LEN = 10;

/**
 * `n` sentences of 5 to TEXT_SEQ_LEN words; about half of them get the keyword at a random
 * position (label 1), the others never contain it (label 0).
 */
export function textData(seed: number, n: number): { texts: string[]; labels: number[] } {
  const rand = rng(seed);
  const texts: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: randInt(rand, 5, TEXT_SEQ_LEN + 1) }, () => TEXT_WORDS[randInt(rand, 0, TEXT_WORDS.length)]);
    const positive = rand() < 0.5 ? 1 : 0;
    if (positive) words[randInt(rand, 0, words.length)] = TEXT_KEYWORD;
    texts.push(words.join(' '));
    labels.push(positive);
  }
  return { texts, labels };
}

export async function textClassification(ts: Ts, opts: WorkflowOptions = {}): Promise<WorkflowResult> {
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 6;
  const t0 = now();
  const train = textData(seed, 400);
  const test = textData(seed + 7919, 200);
  const tokenizer = new ts.text.Tokenizer({ oovToken: '<oov>' });
  tokenizer.fitOnTexts(train.texts);
  const vocab = Object.keys(tokenizer.wordIndex).length + 1; // id 0 is the padding
  const toTensors = (d: { texts: string[]; labels: number[] }): [TsTensor, TsTensor] => [
    ts.text.padSequences(tokenizer.textsToSequences(d.texts), { maxlen: TEXT_SEQ_LEN }),
    ts.tensor2d(d.labels, [d.labels.length, 1]),
  ];
  const [xTrain, yTrain] = toTensors(train);
  const [xTest, yTest] = toTensors(test);
  const init = seededInitializers(ts, seed);
  const model = ts.sequential({
    layers: [
      ts.layers.embedding({ inputDim: vocab, outputDim: 8, inputLength: TEXT_SEQ_LEN, embeddingsInitializer: init(0) }),
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
