// Training-step benchmark cases: one awaited model.trainOnBatch per iteration, tessera's layers
// against @tensorflow/tfjs-layers on the same backend. The model builders are written once
// against `lib` (tessera, or tfjs-core + tfjs-layers' `layers`/`sequential`): tessera mirrors the
// TF.js Layers API, so the same code builds the same architecture in both libraries (the
// transformer block through the functional API, `lib.input` / `lib.model`).

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

/** The transformer block's size: input [batch, SEQ, D], FFN 4*D, 10 classes. */
export const TRANSFORMER = { seq: 32, d: 64, classes: 10 };

/**
 * One single-head post-norm transformer encoder block and a classifier head, from layers that
 * tfjs-layers has too (it has no attention or transformer layer):
 *   q, k, v = dense(d)(x); probs = softmax(dot[2,2](q, k)); h = LN(x + dense(d)(dot[2,1](probs, v)))
 *   y = LN(h + dense(d)(dense(4d, relu)(h))); out = dense(classes, softmax)(globalAveragePooling1d(y))
 * The 1/sqrt(d) score scale is omitted (the same graph in both libraries).
 */
export function buildTransformerBlock(lib, { seq, d, classes } = TRANSFORMER) {
  const L = lib.layers;
  const x = lib.input({ shape: [seq, d] });
  const [q, k, v] = ['q', 'k', 'v'].map(() => L.dense({ units: d }).apply(x));
  const probs = L.activation({ activation: 'softmax' }).apply(L.dot({ axes: [2, 2] }).apply([q, k]));
  const attended = L.dense({ units: d }).apply(L.dot({ axes: [2, 1] }).apply([probs, v]));
  const h = L.layerNormalization().apply(L.add().apply([x, attended]));
  const ffn = L.dense({ units: d }).apply(L.dense({ units: 4 * d, activation: 'relu' }).apply(h));
  const y = L.layerNormalization().apply(L.add().apply([h, ffn]));
  const out = L.dense({ units: classes, activation: 'softmax' }).apply(L.globalAveragePooling1d().apply(y));
  return lib.model({ inputs: x, outputs: out });
}

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

/**
 * A training-step case: `build(lib)` returns the uncompiled model; compiled here with adam. The
 * loss of every step (trainOnBatch's number) is kept and logged at teardown as a `[bench] losses`
 * line (bench/run.mjs prints it), so a run shows that each library's model trains.
 */
function trainStep(name, { build, xShape, classes, loss }) {
  return {
    name,
    iterations: 3,
    setup: (lib) => {
      const model = build(lib);
      const optimizer = lib.train.adam(1e-3);
      model.compile({ optimizer, loss });
      const library = typeof lib.jit === 'function' ? 'tessera' : 'tfjs';
      return { model, optimizer, losses: [], label: `${library} ${lib.getBackend()}`, ...batch(lib, xShape, classes, 21) };
    },
    step: async (lib, state) => {
      const l = await state.model.trainOnBatch(state.x, state.y);
      state.losses.push(Array.isArray(l) ? l[0] : l);
    },
    teardown: ({ model, optimizer, x, y, losses, label }) => {
      const f = (v) => Number(v).toFixed(4);
      if (losses.length) console.log(`[bench] losses ${label} ${name}: ${losses.length} steps, ${f(losses[0])} -> ${f(losses.at(-1))} [${losses.map(f).join(' ')}]`);
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
  trainStep(`train step transformer block seq${TRANSFORMER.seq} d${TRANSFORMER.d} ffn${4 * TRANSFORMER.d} b32`, {
    xShape: [32, TRANSFORMER.seq, TRANSFORMER.d],
    classes: TRANSFORMER.classes,
    loss: 'categoricalCrossentropy',
    build: buildTransformerBlock,
  }),
  // Informational, NOT comparable with the row above: tessera's own layers.transformerEncoder
  // (multi-head attention on the fused attention op, 4 heads) of the same size; tfjs-layers has
  // no such layer, so its cell is an error that says so.
  {
    ...trainStep(`train step tessera-only transformerEncoder seq${TRANSFORMER.seq} d${TRANSFORMER.d} ffn${4 * TRANSFORMER.d} h4 b32 (not comparable)`, {
      xShape: [32, TRANSFORMER.seq, TRANSFORMER.d],
      classes: TRANSFORMER.classes,
      loss: 'categoricalCrossentropy',
      build: (lib) => {
        const { seq, d, classes } = TRANSFORMER;
        const x = lib.input({ shape: [seq, d] });
        const y = lib.layers.transformerEncoder({ numHeads: 4, intermediateDim: 4 * d }).apply(x);
        const out = lib.layers.dense({ units: classes, activation: 'softmax' }).apply(lib.layers.globalAveragePooling1d().apply(y));
        return lib.model({ inputs: x, outputs: out });
      },
    }),
    tfjs: {
      setup: () => {
        throw new Error('not comparable: tfjs-layers has no transformerEncoder (tessera only)');
      },
    },
  },
];
