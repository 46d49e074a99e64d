/**
 * The `tf.text` namespace: Keras-style text preprocessing (Tokenizer, padSequences,
 * textToWordSequence). The layers that work on text (textVectorization, stringLookup) live in
 * `tf.layers`. `generate` samples from a decoder model, with a KV cache when it can.
 */
export { Tokenizer, tokenizerFromJSON, textToWordSequence, DEFAULT_FILTERS, type TokenizerArgs, type MatrixMode } from './tokenizer.js';
export { padSequences, type PadSequencesArgs } from './pad_sequences.js';
export { generate, type GenerateOptions } from './generate.js';
