/**
 * Crossentropy metrics (TF.js `metrics.binaryCrossentropy` etc.): the per-sample losses on
 * probabilities, usable as metrics.
 */
import type { Tensor } from '../tensor.js';
import * as core from '../losses/core.js';
import { op } from '../ops/operand.js';

/**
 * Binary cross-entropy per example (mean over the last axis).
 * @example
 * ```js
 * tf.metrics.binaryCrossentropy(tf.tensor([[1, 0]]), tf.tensor([[0.9, 0.1]])).print(); // [0.105]
 * ```
 */
export const binaryCrossentropy = op('binaryCrossentropy', (yTrue: Tensor, yPred: Tensor): Tensor => core.binaryCrossentropy()(yTrue, yPred));
/**
 * Categorical cross-entropy per example, one-hot labels.
 * @example
 * ```js
 * tf.metrics.categoricalCrossentropy(tf.tensor([[0, 1]]), tf.tensor([[0.2, 0.8]])).print(); // [0.223]
 * ```
 */
export const categoricalCrossentropy = op('categoricalCrossentropy', (yTrue: Tensor, yPred: Tensor): Tensor => core.categoricalCrossentropy()(yTrue, yPred));
/**
 * Categorical cross-entropy per example, integer labels.
 * @example
 * ```js
 * tf.metrics.sparseCategoricalCrossentropy(tf.tensor([1]), tf.tensor([[0.2, 0.8]])).print(); // [0.223]
 * ```
 */
export const sparseCategoricalCrossentropy = op('sparseCategoricalCrossentropy', (yTrue: Tensor, yPred: Tensor): Tensor => core.sparseCategoricalCrossentropy()(yTrue, yPred));
