/**
 * The example workflows (issue-4 acceptance and the `npm start` demo). Each takes the tessera
 * namespace and options ({seed, epochs, verbose, callbacks}), generates its data, builds,
 * trains and evaluates its model on the active backend, disposes everything it made and
 * resolves to {name, history, epochs, metrics, params, trainMs, totalMs}.
 */
import { linearRegression } from './linear_regression.js';
import { textClassification } from './text_classification.js';
import { transformerClassification } from './transformer_classification.js';
import { cnn } from './cnn.js';
import { charLanguageModel } from './char_language_model.js';
import { compression } from './compression.js';
import type { Ts, WorkflowOptions, WorkflowResult } from './common.js';

export { linearRegression, textClassification, transformerClassification, cnn, charLanguageModel, compression };
export type { CompressionResult, CompressionRow } from './compression.js';
export { unigramEntropy, type LanguageModelResult } from './char_language_model.js';
export { backendsAgree, AGREE_STEPS, type AgreeResult } from './backends_agree.js';
export { rng, type Ts, type WorkflowOptions, type WorkflowResult } from './common.js';

/** The training workflows by name, in demo order. */
export const workflows: Record<string, (ts: Ts, opts?: WorkflowOptions) => Promise<WorkflowResult>> = {
  linearRegression, textClassification, transformerClassification, cnn, charLanguageModel, compression,
};
