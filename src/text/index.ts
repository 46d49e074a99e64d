/**
 * The `tf.text` namespace: Keras-style text preprocessing (Tokenizer, padSequences,
 * textToWordSequence). The layers that work on text (textVectorization, stringLookup) live in
 * `tf.layers`.
 */
export { Tokenizer, tokenizerFromJSON, textToWordSequence, DEFAULT_FILTERS, type TokenizerArgs, type MatrixMode } from './tokenizer.js';
export { padSequences, type PadSequencesArgs } from './pad_sequences.js';
