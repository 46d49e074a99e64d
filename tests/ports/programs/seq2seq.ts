/**
 * A TF.js seq2seq program (after tfjs-examples' translation / lstm-text examples): an encoder LSTM with
 * returnState, a decoder LSTM whose initialState is the encoder's [h, c] (symbolic tensors with an
 * unknown batch size), trained with fit, then the usual inference split: an encoder model, a decoder
 * model fed its own states, and a greedy decoding loop. Written against TF.js's API; the test runs it
 * unchanged on TF.js and on tessera.
 */
import { det, seedWeights } from './det.js';

export async function run(tf: any) {
  const numTokens = 5;
  const latentDim = 6;
  const encTime = 4;
  const decTime = 3;

  const encoderInputs = tf.input({ shape: [null, numTokens], name: 'encoderInputs' });
  const encoder = tf.layers.lstm({ units: latentDim, returnState: true, name: 'encoderLstm' });
  const [, stateH, stateC] = encoder.apply(encoderInputs);
  const encoderStates = [stateH, stateC];

  const decoderInputs = tf.input({ shape: [null, numTokens], name: 'decoderInputs' });
  const decoderLstm = tf.layers.lstm({ units: latentDim, returnSequences: true, returnState: true, name: 'decoderLstm' });
  const [decoderOutputs] = decoderLstm.apply(decoderInputs, { initialState: encoderStates });
  const decoderDense = tf.layers.dense({ units: numTokens, activation: 'softmax', name: 'decoderDense' });
  const decoderProbs = decoderDense.apply(decoderOutputs);
  const model = tf.model({ inputs: [encoderInputs, decoderInputs], outputs: decoderProbs });
  seedWeights(tf, model, 21);
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });

  const n = 12;
  const tokens = (len: number, seed: number) => det(n * len, seed, 0, numTokens).map((v) => Math.floor(v));
  const encIn = tf.oneHot(tf.tensor2d(tokens(encTime, 1), [n, encTime], 'int32'), numTokens);
  const decIn = tf.oneHot(tf.tensor2d(tokens(decTime, 2), [n, decTime], 'int32'), numTokens);
  const decTarget = tf.oneHot(tf.tensor2d(tokens(decTime, 3), [n, decTime], 'int32'), numTokens);
  const history = await model.fit([encIn, decIn], decTarget, { epochs: 3, batchSize: 4, shuffle: false });
  const trained = await model.predict([encIn, decIn]).array();

  // Inference models that share the trained layers.
  const encoderModel = tf.model({ inputs: encoderInputs, outputs: encoderStates });
  const decoderStateInputH = tf.input({ shape: [latentDim], name: 'decoderStateInputH' });
  const decoderStateInputC = tf.input({ shape: [latentDim], name: 'decoderStateInputC' });
  const [stepOutputs, stepH, stepC] = decoderLstm.apply(decoderInputs, { initialState: [decoderStateInputH, decoderStateInputC] });
  const decoderModel = tf.model({
    inputs: [decoderInputs, decoderStateInputH, decoderStateInputC],
    outputs: [decoderDense.apply(stepOutputs), stepH, stepC],
  });

  const sample = encIn.slice([0, 0, 0], [2, encTime, numTokens]);
  let states = encoderModel.predict(sample);
  let target = tf.oneHot(tf.tensor2d([[0], [0]], [2, 1], 'int32'), numTokens);
  const decoded: number[][] = [[], []];
  for (let t = 0; t < 4; t++) {
    const [probs, h, c] = decoderModel.predict([target, ...states]);
    const ids = await probs.reshape([2, numTokens]).argMax(-1).array();
    ids.forEach((id: number, b: number) => decoded[b].push(id));
    target = tf.oneHot(tf.tensor2d(ids.map((i: number) => [i]), [2, 1], 'int32'), numTokens);
    states = [h, c];
  }
  return {
    losses: history.history.loss, trained, decoded, finalStates: await Promise.all(states.map((s: any) => s.array())),
    outputShape: model.outputs[0].shape, encoderStateShapes: encoderStates.map((s: any) => s.shape),
  };
}
