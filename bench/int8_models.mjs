// Model-level rows of the int8 benchmark (bench/int8.mjs, bench/int8_page.mjs): a float32 model and
// its tf.quantization.quantize'd int8 form, predict on the same batch. Models: the compression
// demo's CNN (examples/workflows/cnn.ts barsCnn shape, 200 images), a dense 784-512-512-10 MLP
// (batch 64) and a CNN with 3x3 32 -> 64 convs on 28x28 (batch 8). Weights are seeded random.

/** Builds [name, model, x] triples for `tf` (the page's or Node's tessera). */
export function int8Models(tf) {
  const init = (seed) => tf.initializers.glorotUniform({ seed });
  const L = tf.layers;
  const seq = (layers) => tf.sequential({ layers });
  return [
    {
      name: 'demo CNN [200,28,28,1] (conv 4, pool, conv 8, dense 2)',
      x: [200, 28, 28, 1],
      model: () => seq([
        L.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
        L.maxPooling2d({ poolSize: 2 }),
        L.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: init(2) }),
        L.flatten({}),
        L.dense({ units: 2, activation: 'softmax', kernelInitializer: init(3) }),
      ]),
    },
    {
      name: 'MLP 784-512-512-10 [64,784]',
      x: [64, 784],
      model: () => seq([
        L.dense({ inputShape: [784], units: 512, activation: 'relu', kernelInitializer: init(4) }),
        L.dense({ units: 512, activation: 'relu', kernelInitializer: init(5) }),
        L.dense({ units: 10, kernelInitializer: init(6) }),
      ]),
    },
    {
      name: 'CNN [8,28,28,32] conv3x3 32->64, 64->64 same',
      x: [8, 28, 28, 32],
      model: () => seq([
        L.conv2d({ inputShape: [28, 28, 32], filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(7) }),
        L.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(8) }),
        L.globalAveragePooling2d({}),
        L.dense({ units: 10, kernelInitializer: init(9) }),
      ]),
    },
  ];
}

/** The float32 model, its int8 form (calibrated on x itself) and the input. */
export async function buildModelPair(tf, spec) {
  const x = tf.randomUniform(spec.x, 0, 1, 'float32', 11);
  const float32 = spec.model();
  const int8 = await tf.quantization.quantize(float32, { calibrationData: x });
  return { x, float32, int8, dispose: () => { x.dispose(); float32.dispose(); int8.dispose(); } };
}
