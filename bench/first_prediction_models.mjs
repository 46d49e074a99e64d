// Models of the first-prediction bench (bench/first_prediction.mjs), written once against `lib`
// (tessera, or TF.js as tfjs-core + tfjs-layers): the bench CNN of bench/training_cases.mjs and a
// small transformer block (single-head self-attention + feed-forward, residuals, layer norms)
// made of layers both libraries have (dense, dot, softmax, add, layerNormalization).
export { buildCnn } from './training_cases.mjs';

/** Transformer block on [seq 16, model 32]: attention by dot layers, FFN 64, post-norm residuals. */
export function buildTransformerBlock(lib) {
  const x = lib.input({ shape: [16, 32] });
  const q = lib.layers.dense({ units: 32 }).apply(x);
  const k = lib.layers.dense({ units: 32 }).apply(x);
  const v = lib.layers.dense({ units: 32 }).apply(x);
  const scores = lib.layers.dot({ axes: [2, 2] }).apply([q, k]);
  const weights = lib.layers.softmax({ axis: -1 }).apply(scores);
  const attended = lib.layers.dot({ axes: [2, 1] }).apply([weights, v]);
  const projected = lib.layers.dense({ units: 32 }).apply(attended);
  const x1 = lib.layers.layerNormalization().apply(lib.layers.add().apply([x, projected]));
  const hidden = lib.layers.dense({ units: 64, activation: 'relu' }).apply(x1);
  const ff = lib.layers.dense({ units: 32 }).apply(hidden);
  const out = lib.layers.layerNormalization().apply(lib.layers.add().apply([x1, ff]));
  return lib.model({ inputs: x, outputs: out });
}

export const FIRST_PREDICTION_MODELS = {
  cnn: { build: 'buildCnn', input: [1, 28, 28, 1] },
  transformer: { build: 'buildTransformerBlock', input: [1, 16, 32] },
};
