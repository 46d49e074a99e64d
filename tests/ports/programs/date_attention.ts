/**
 * A TF.js attention seq2seq program in the manner of tfjs-examples' date-conversion-attention (written
 * here): dates as character ids go through an Embedding + LSTM (returnSequences) encoder; a custom layer
 * takes the encoder's last step as the decoder LSTM's initial state; Luong attention is dot + softmax
 * Activation + dot, concatenated with the decoder output and read out by two timeDistributed denses.
 * Trained with fit, then decoded greedily one character at a time (predict + argMax) and the attention
 * map read through model.getLayer('attention').output. The test runs it unchanged on TF.js and tessera.
 */
import { det, seedWeights } from './det.js';

const IN_CHARS = '0123456789-/'; // id 0 is padding, so ids are 1 + index
const OUT_CHARS = '0123456789-';
const IN_LEN = 8;
const OUT_LEN = 8;

/** '3/07/21' style input, '21-07-03' style output (year-month-day, two digits each). */
function makeDates(n: number, seed: number): Array<[string, string]> {
  const r = det(n * 3, seed, 0, 1);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < n; i++) {
    const d = 1 + Math.floor(r[3 * i] * 28);
    const m = 1 + Math.floor(r[3 * i + 1] * 12);
    const y = Math.floor(r[3 * i + 2] * 100);
    const two = (v: number) => String(v).padStart(2, '0');
    out.push([`${d}/${two(m)}/${two(y)}`, `${two(y)}-${two(m)}-${two(d)}`]);
  }
  return out;
}

export async function run(tf: any) {
  class GetLastTimestep extends tf.layers.Layer {
    constructor(config?: any) {
      super(config);
    }
    computeOutputShape(inputShape: number[]) {
      return [inputShape[0], inputShape[2]];
    }
    call(input: any) {
      const x = Array.isArray(input) ? input[0] : input;
      const steps = x.shape[1];
      return x.slice([0, steps - 1, 0], [-1, 1, -1]).squeeze([1]);
    }
    static get className() {
      return 'GetLastTimestep';
    }
  }
  tf.serialization.registerClass(GetLastTimestep);

  const units = 8;
  const encoderInput = tf.input({ shape: [IN_LEN] });
  const decoderInput = tf.input({ shape: [OUT_LEN] });
  let encoder = tf.layers.embedding({ inputDim: IN_CHARS.length + 1, outputDim: 8, inputLength: IN_LEN, maskZero: true }).apply(encoderInput);
  encoder = tf.layers.lstm({ units, returnSequences: true }).apply(encoder);
  const encoderLast = new GetLastTimestep({ name: 'encoderLast' }).apply(encoder);
  let decoder = tf.layers.embedding({ inputDim: OUT_CHARS.length + 1, outputDim: 8, inputLength: OUT_LEN, maskZero: true }).apply(decoderInput);
  decoder = tf.layers.lstm({ units, returnSequences: true }).apply(decoder, { initialState: [encoderLast, encoderLast] });
  let attention = tf.layers.dot({ axes: [2, 2] }).apply([decoder, encoder]);
  attention = tf.layers.activation({ activation: 'softmax', name: 'attention' }).apply(attention);
  const context = tf.layers.dot({ axes: [2, 1], name: 'context' }).apply([attention, encoder]);
  const combined = tf.layers.concatenate().apply([context, decoder]);
  let output = tf.layers.timeDistributed({ layer: tf.layers.dense({ units, activation: 'tanh' }) }).apply(combined);
  output = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: OUT_CHARS.length + 1, activation: 'softmax' }) }).apply(output);
  const model = tf.model({ inputs: [encoderInput, decoderInput], outputs: output });
  seedWeights(tf, model, 101);
  model.compile({ loss: 'categoricalCrossentropy', optimizer: tf.train.adam(0.05) });

  const encode = (s: string, chars: string, len: number) => {
    const ids = Array.from(s).map((c) => chars.indexOf(c) + 1);
    while (ids.length < len) ids.push(0);
    return ids;
  };
  const pairs = makeDates(12, 5);
  const encIds = pairs.map(([a]) => encode(a, IN_CHARS, IN_LEN));
  const outIds = pairs.map(([, b]) => encode(b, OUT_CHARS, OUT_LEN));
  // teacher forcing: the decoder sees the target shifted right by one (id 0 = start)
  const decIds = outIds.map((ids) => [0, ...ids.slice(0, OUT_LEN - 1)]);
  const encoderTensor = tf.tensor2d(encIds, [pairs.length, IN_LEN]);
  const decoderTensor = tf.tensor2d(decIds, [pairs.length, OUT_LEN]);
  const targetTensor = tf.oneHot(tf.tensor2d(outIds, [pairs.length, OUT_LEN], 'int32'), OUT_CHARS.length + 1);
  const history = await model.fit([encoderTensor, decoderTensor], targetTensor, { epochs: 2, batchSize: 6, shuffle: false });

  // greedy decoding of the first date, one output character per predict
  const decoded: string[] = [];
  for (const ids of encIds.slice(0, 1)) {
    const enc = tf.tensor2d([ids], [1, IN_LEN]);
    const dec = new Array(OUT_LEN).fill(0);
    let text = '';
    for (let t = 1; t <= OUT_LEN; t++) {
      const next = tf.tidy(() => {
        const probs = model.predict([enc, tf.tensor2d([dec], [1, OUT_LEN])]);
        return probs.argMax(2).dataSync()[t - 1];
      });
      if (t < OUT_LEN) dec[t] = next;
      text += next === 0 ? '_' : OUT_CHARS[next - 1];
    }
    decoded.push(text);
    enc.dispose();
  }
  const attentionModel = tf.model({ inputs: model.inputs, outputs: model.getLayer('attention').output });
  const attentionMap = attentionModel.predict([encoderTensor.slice([0, 0], [1, IN_LEN]), decoderTensor.slice([0, 0], [1, OUT_LEN])]);
  const probsOut = model.predict([encoderTensor.slice([0, 0], [2, IN_LEN]), decoderTensor.slice([0, 0], [2, OUT_LEN])]);
  return {
    loss: history.history.loss,
    decoded,
    attention: await attentionMap.array(),
    attentionShape: attentionMap.shape,
    probs: await probsOut.array(),
    layerNames: model.layers.map((l: any) => l.getClassName()),
    paramCount: model.countParams(),
  };
}
