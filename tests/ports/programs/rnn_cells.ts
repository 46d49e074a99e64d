/**
 * TF.js recurrent features beyond the built-in layers, as programs use them: a custom RNNCell subclass
 * (Keras's MinimalRNNCell) driven by tf.layers.rnn, a list of cells (stacked), and a stateful LSTM
 * whose state carries from predict to predict until resetStates(). Written against TF.js's API.
 */
import { det, seedWeights } from './det.js';

export async function run(tf: any) {
  class MinimalRNNCell extends tf.layers.RNNCell {
    units: number;
    stateSize: number;
    kernel: any;
    recurrentKernel: any;
    constructor(config: any) {
      super(config);
      this.units = config.units;
      this.stateSize = config.units;
    }
    build(inputShape: any) {
      const dim = inputShape[inputShape.length - 1];
      this.kernel = this.addWeight('kernel', [dim, this.units], null, tf.initializers.glorotUniform({ seed: 1 }));
      this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, this.units], null, tf.initializers.glorotUniform({ seed: 2 }));
      this.built = true;
    }
    call(inputs: any) {
      return tf.tidy(() => {
        const [x, prev] = inputs;
        const h = tf.matMul(x, this.kernel.read());
        const out = tf.tanh(tf.add(h, tf.matMul(prev, this.recurrentKernel.read())));
        return [out, out];
      });
    }
    getConfig() {
      return { ...super.getConfig(), units: this.units };
    }
    static get className() {
      return 'MinimalRNNCell';
    }
  }
  tf.serialization.registerClass(MinimalRNNCell);

  const x = tf.tensor3d(det(2 * 5 * 3, 41, -1, 1), [2, 5, 3]);

  // custom cell, trained a little
  const custom = tf.sequential({ layers: [tf.layers.rnn({ cell: new MinimalRNNCell({ units: 4 }), inputShape: [5, 3], returnSequences: true })] });
  seedWeights(tf, custom, 50);
  custom.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const customLoss = (await custom.fit(x, tf.tensor3d(det(2 * 5 * 4, 42), [2, 5, 4]), { epochs: 2, batchSize: 2, shuffle: false })).history.loss;
  const customOut = await custom.predict(x).array();

  // stacked cells: a custom cell over an LSTM cell, with returnState
  const inp = tf.input({ shape: [5, 3] });
  const stackedLayer = tf.layers.rnn({ cell: [tf.layers.lstmCell({ units: 4 }), new MinimalRNNCell({ units: 2 })], returnState: true });
  const outs = stackedLayer.apply(inp);
  const stacked = tf.model({ inputs: inp, outputs: outs });
  seedWeights(tf, stacked, 60);
  const stackedOut = await Promise.all(stacked.predict(x).map((t: any) => t.array()));
  const stackedShapes = outs.map((o: any) => o.shape);
  const stackedWeightShapes = stacked.weights.map((w: any) => w.shape);

  // stateful LSTM: the second predict continues from the first one's state
  const stateful = tf.sequential({ layers: [tf.layers.lstm({ units: 3, stateful: true, batchInputShape: [2, 5, 3] })] });
  seedWeights(tf, stateful, 70);
  const first = await stateful.predict(x).array();
  const second = await stateful.predict(x).array();
  stateful.resetStates();
  const afterReset = await stateful.predict(x).array();
  return { customLoss, customOut, stackedOut, stackedShapes, stackedWeightShapes, first, second, afterReset };
}
