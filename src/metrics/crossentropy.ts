/**
 * Crossentropy metrics (TF.js `metrics.binaryCrossentropy` etc.): the per-sample losses on
 * probabilities, usable as metrics.
 */
import type { Tensor } from '../tensor.js';
import * as core from '../losses/core.js';
import { op } from '../ops/operand.js';

export const binaryCrossentropy = op('binaryCrossentropy', (yTrue: Tensor, yPred: Tensor): Tensor => core.binaryCrossentropy()(yTrue, yPred));
export const categoricalCrossentropy = op('categoricalCrossentropy', (yTrue: Tensor, yPred: Tensor): Tensor => core.categoricalCrossentropy()(yTrue, yPred));
export const sparseCategoricalCrossentropy = op('sparseCategoricalCrossentropy', (yTrue: Tensor, yPred: Tensor): Tensor => core.sparseCategoricalCrossentropy()(yTrue, yPred));
