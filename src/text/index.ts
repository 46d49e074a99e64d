/**
 * The `tf.text` namespace: Keras-style text preprocessing (Tokenizer, padSequences,
 * textToWordSequence). The layers that work on text (textVectorization, stringLookup) live in
 * `tf.layers`. `generate` samples from a decoder model, with a KV cache when it can.
 */
export { Tokenizer, tokenizerFromJSON, textToWordSequence, DEFAULT_FILTERS, type TokenizerArgs, type MatrixMode } from './tokenizer.js';
export { padSequences, type PadSequencesArgs } from './pad_sequences.js';
export type { GenerateOptions } from './generate.js';
import type { GenerateOptions } from './generate.js';
import type { LayersModel } from '../models/layers_model.js';

/**
 * Generates new token ids after a prompt, one at a time; resolves to the new ids only (generate.ts,
 * loaded on the first call through src/async_parts.ts).
 *
 * ```js
 * const ids = await tf.text.generate(gpt, [5, 17, 3], {maxNewTokens: 20, temperature: 0.8, topK: 10, seed: 1});
 * ```
 */
export async function generate(model: LayersModel, promptIds: number[], options?: GenerateOptions): Promise<number[]> {
  return (await import('../async_parts.js')).generate(model, promptIds, options);
}
