/**
 * The public `tf.util` namespace (TF.js names and behaviour): assertions, shape arithmetic, shuffling,
 * nested-array flattening and rebuilding, dtype helpers, string encoding and `fetch`. Programs written for
 * TF.js call these directly (`tf.util.shuffle(indices)`, `tf.util.assert(...)`), so each one keeps TF.js's
 * argument order, defaults and results. Internal shape helpers stay in util.ts.
 */
export * from './util_public/checks.js';
export * from './util_public/numbers.js';
export * from './util_public/shapes.js';
export * from './util_public/dtypes.js';
