// Training-step benchmark cases: one awaited model.trainOnBatch per iteration, tessera's layers
// against @tensorflow/tfjs-layers on the same backend. The model builders are written once
// against `lib` (tessera, or tfjs-core + tfjs-layers' `layers`/`sequential`): tessera mirrors the
// TF.js Layers API, so the same code builds the same architecture in both libraries.

/** The bench MLP (784-256-10) and CNN (28x28 conv16-pool-conv32-dense10), also timed by bench/snapshot_cost.mjs. */
export const buildMlp = (lib) => lib.sequential({
  layers: [
    lib.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
    lib.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
export const buildCnn = (lib) => lib.sequential({
  layers: [
    lib.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
    lib.layers.maxPooling2d({ poolSize: 2 }),
    lib.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
    lib.layers.flatten(),
    lib.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});

/** Random float inputs of `shape` and one-hot (or regression) targets; labels cycle 0..classes-1. */
export function batch(lib, xShape, classes, seed) {
  const x = lib.randomNormal(xShape, 0, 1, 'float32', seed);
  const n = xShape[0];
  const y = lib.tidy(() => {
    if (classes === 1) return lib.randomNormal([n, 1], 0, 1, 'float32', seed + 1);
    const labels = lib.tensor1d(Array.from({ length: n }, (_, i) => i % classes), 'int32');
    return lib.cast(lib.oneHot(labels, classes), 'float32');
  });
  return { x, y };
}

/** A training-step case: `build(lib)` returns the uncompiled model; compiled here with adam. */
function trainStep(name, { build, xShape, classes, loss }) {
  return {
    name,
    iterations: 3,
    setup: (lib) => {
      const model = build(lib);
      const optimizer = lib.train.adam(1e-3);
      model.compile({ optimizer, loss });
      return { model, optimizer, ...batch(lib, xShape, classes, 21) };
    },
    step: async (lib, { model, x, y }) => {
      await model.trainOnBatch(x, y);
    },
    teardown: ({ model, optimizer, x, y }) => {
      x.dispose();
      y.dispose();
      model.dispose?.();
      optimizer.dispose?.();
    },
  };
}

export const trainingCases = [
  trainStep('train step MLP 784-256-10 adam b64', {
    xShape: [64, 784],
    classes: 10,
    loss: 'categoricalCrossentropy',
    build: buildMlp,
  }),
  trainStep('train step CNN 28x28 conv16-pool-conv32-dense10 b32', {
    xShape: [32, 28, 28, 1],
    classes: 10,
    loss: 'categoricalCrossentropy',
    build: buildCnn,
  }),
  trainStep('train step LSTM seq32 feat32 units128 b32', {
    xShape: [32, 32, 32],
    classes: 1,
    loss: 'meanSquaredError',
    build: (lib) => lib.sequential({
      layers: [
        lib.layers.lstm({ units: 128, inputShape: [32, 32] }),
        lib.layers.dense({ units: 1 }),
      ],
    }),
  }),
];
