/**
 * Keras's `TextVectorization` as `layers.textVectorization`: standardize each string (lower-case
 * and strip punctuation by default), split it (on whitespace by default), add n-grams, and look the
 * tokens up in a vocabulary learned by `await layer.adapt(texts)`. It outputs padded int32
 * sequences ('int', with index 0 for padding and 1 for unknown tokens) or one float32 vector per
 * text ('multiHot', 'count', 'tfIdf'). The work runs on the host; the vocabulary is saved in the
 * layer config.
 */
import type { Tensor } from '../../tensor.js';
import { tensor } from '../../ops/creation.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import type { AdaptInput } from './adapt_data.js';
import { StringLookup, camelMode } from './index_lookup.js';

/** Keras's DEFAULT_STRIP_REGEX: ASCII punctuation, including the apostrophe. */
const STRIP_PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;

export type Standardize = 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation' | null | ((text: string) => string);
export type Split = 'whitespace' | 'character' | null | ((text: string) => string[]);
export type TextOutputMode = 'int' | 'multiHot' | 'count' | 'tfIdf';

export interface TextVectorizationArgs extends LayerArgs {
  /** Largest vocabulary, counting the padding (int mode) and OOV entries. */
  maxTokens?: number | null;
  standardize?: Standardize;
  split?: Split;
  /** n-grams up to n (a number), or of exactly the listed sizes. */
  ngrams?: number | number[] | null;
  outputMode?: TextOutputMode;
  /** int mode: pad or cut every sequence to this length (else to the longest in the batch). */
  outputSequenceLength?: number | null;
  padToMaxTokens?: boolean;
  vocabulary?: string[] | null;
  idfWeights?: number[] | null;
}

const STANDARDIZE_NAMES = ['lower_and_strip_punctuation', 'lower', 'strip_punctuation'];
const SPLIT_NAMES = ['whitespace', 'character'];

/**
 * Turns strings into token-index sequences or bag-of-token vectors.
 *
 * ```js
 * const vec = tf.layers.textVectorization({outputSequenceLength: 4});
 * await vec.adapt(['foo', 'bar', 'baz']);
 * vec.apply(tf.tensor(['foo qux bar', 'qux baz'])).print(); // [[2, 1, 4, 0], [1, 3, 0, 0]]
 * ```
 */
export class TextVectorization extends Layer {
  static override className = 'TextVectorization';
  readonly maxTokens: number | null;
  readonly standardize: Standardize;
  readonly split: Split;
  readonly ngrams: number[] | null;
  readonly outputMode: TextOutputMode;
  readonly outputSequenceLength: number | null;
  readonly padToMaxTokens: boolean;
  private readonly lookup: StringLookup;

  constructor(args: TextVectorizationArgs = {}) {
    super({ ...args, dtype: args.dtype ?? 'string' });
    const op = 'textVectorization';
    this.maxTokens = args.maxTokens ?? null;
    // saved configs pass through the camelCase conversion of string values: accept either spelling
    const std = args.standardize === undefined ? 'lower_and_strip_punctuation' : args.standardize;
    this.standardize = typeof std === 'string' ? (std.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) as Standardize) : std;
    this.split = args.split === undefined ? 'whitespace' : args.split;
    this.outputMode = camelMode(args.outputMode ?? 'int');
    this.outputSequenceLength = args.outputSequenceLength ?? null;
    this.padToMaxTokens = args.padToMaxTokens ?? false;
    if (typeof this.standardize === 'string' && !STANDARDIZE_NAMES.includes(this.standardize))
      throw new Error(`${op}: standardize must be one of ${STANDARDIZE_NAMES.join(', ')}, null or a function, got '${this.standardize}'`);
    if (typeof this.split === 'string' && !SPLIT_NAMES.includes(this.split))
      throw new Error(`${op}: split must be 'whitespace', 'character', null or a function, got '${this.split}'`);
    const n = args.ngrams ?? null;
    if (n === null) this.ngrams = null;
    else if (Number.isInteger(n) && (n as number) >= 1) this.ngrams = Array.from({ length: n as number }, (_, i) => i + 1);
    else if (Array.isArray(n) && n.length > 0 && n.every((k) => Number.isInteger(k) && k >= 1)) this.ngrams = n.slice();
    else throw new Error(`${op}: ngrams must be a positive integer, a list of positive integers or null, got ${JSON.stringify(n)}`);
    if (this.ngrams && this.split === null) throw new Error(`${op}: ngrams need a split (split is null)`);
    if (this.outputSequenceLength !== null && this.outputMode !== 'int')
      throw new Error(`${op}: outputSequenceLength is only used with outputMode 'int', got '${this.outputMode}'`);
    if (this.outputSequenceLength !== null && !(Number.isInteger(this.outputSequenceLength) && this.outputSequenceLength > 0))
      throw new Error(`${op}: outputSequenceLength must be a positive integer, got ${this.outputSequenceLength}`);
    if (!['int', 'multiHot', 'count', 'tfIdf'].includes(this.outputMode))
      throw new Error(`${op}: outputMode must be 'int', 'multiHot', 'count' or 'tfIdf', got '${this.outputMode}'`);
    this.lookup = new StringLookup({
      name: `${this.name}_lookup`, maxTokens: this.maxTokens, maskToken: '', outputMode: this.outputMode,
      padToMaxTokens: this.padToMaxTokens, vocabulary: args.vocabulary ?? null, idfWeights: args.idfWeights ?? null,
    });
  }

  /** The standardized, split and n-grammed tokens of one text. */
  tokenize(text: string): string[] {
    let s = text;
    const std = this.standardize;
    if (typeof std === 'function') s = std(s);
    else if (std !== null) {
      if (std !== 'strip_punctuation') s = s.toLowerCase();
      if (std !== 'lower') s = s.replace(STRIP_PUNCTUATION, '');
    }
    if (typeof s !== 'string') throw new Error(`textVectorization: the standardize function must return a string, got ${typeof s}`);
    const sp = this.split;
    let words: string[];
    if (typeof sp === 'function') words = sp(s);
    else if (sp === 'whitespace') words = s.split(/\s+/).filter((w) => w.length > 0);
    else if (sp === 'character') words = Array.from(s);
    else words = [s];
    if (!this.ngrams) return words;
    const out: string[] = [];
    for (const n of this.ngrams) for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(' '));
    return out;
  }

  private texts(op: string, values: ArrayLike<number> | string[], shape: number[]): string[] {
    if (shape.length > 2 || (shape.length === 2 && shape[1] !== 1))
      throw new Error(`textVectorization: ${op} takes one string per example (shape [batch] or [batch, 1]), got shape [${shape}]`);
    const texts = Array.from(values as ArrayLike<unknown>);
    texts.forEach((t) => {
      if (typeof t !== 'string') throw new Error(`textVectorization: ${op} needs strings, got ${JSON.stringify(t)}`);
    });
    return texts as string[];
  }

  /**
   * Learns the vocabulary from texts: a string tensor, an array of strings, or a Dataset of either.
   *
   * ```js
   * await vec.adapt(['the cat sat', 'the dog']);
   * ```
   */
  async adapt(data: AdaptInput): Promise<void> {
    // the batches are read by code that loads with the async parts (src/async_parts.ts: adapt_stats.ts)
    const docs = await (await import('../../async_parts.js')).adaptDocuments('textVectorization', data, (values, shape) =>
      this.texts('adapt', values, shape).map((t) => this.tokenize(t)));
    // the lookup counts tokens; each row of this ragged batch is one document (for tfIdf)
    const width = docs.reduce((m, d) => Math.max(m, d.length), 0);
    const PAD = ''; // the mask token, never counted
    const flat: string[] = [];
    for (const d of docs) for (let i = 0; i < width; i++) flat.push(i < d.length ? d[i] : PAD);
    await this.lookup.adapt(docs.length === 0 ? tensor([] as string[] as never, [0, 0], 'string') : tensor(flat as never, [docs.length, width], 'string'));
  }

  /**
   * The vocabulary in index order ('' and '[UNK]' first in int mode).
   *
   * ```js
   * vec.getVocabulary(); // ['', '[UNK]', 'the', ...]
   * ```
   */
  getVocabulary(includeSpecialTokens = true): string[] {
    return this.lookup.getVocabulary(includeSpecialTokens);
  }
  /** Number of indices in use, special ones included. */
  vocabularySize(): number {
    return this.lookup.vocabularySize();
  }
  /** Replaces the vocabulary (and idf weights in tfIdf mode). */
  setVocabulary(vocabulary: string[], idfWeights: number[] | null = null): void {
    this.lookup.setVocabulary(vocabulary, idfWeights);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (this.outputMode === 'int') return [s[0], this.outputSequenceLength];
    return [s[0], this.lookup.computeOutputShape([s[0], null])[1]];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.dtype !== 'string') throw new Error(`${this.name}: textVectorization expects a string tensor, got ${x.dtype} of shape [${x.shape}]`);
    const docs = this.texts('call', x.dataSync() as unknown as string[], x.shape).map((t) => this.tokenize(t));
    const rows = docs.length;
    const width = this.outputSequenceLength ?? docs.reduce((m, d) => Math.max(m, d.length), 0);
    const flat: string[] = new Array(rows * width).fill('');
    docs.forEach((d, r) => {
      for (let i = 0; i < Math.min(width, d.length); i++) flat[r * width + i] = d[i]; // pad and cut at the end, as Keras
    });
    // int mode maps the padding ('' = the mask token) to 0; the vector modes drop it
    return this.lookup.apply(tensor(flat as never, [rows, width], 'string')) as Tensor;
  }

  override getConfig(): Record<string, unknown> {
    if (typeof this.standardize === 'function' || typeof this.split === 'function')
      throw new Error(`${this.name}: a textVectorization with a custom standardize or split function cannot be serialized`);
    const lookup = this.lookup.getConfig();
    return {
      ...super.getConfig(),
      maxTokens: this.maxTokens,
      standardize: this.standardize,
      split: this.split,
      ngrams: this.ngrams,
      outputMode: this.outputMode,
      outputSequenceLength: this.outputSequenceLength,
      padToMaxTokens: this.padToMaxTokens,
      vocabulary: lookup.vocabulary,
      idfWeights: lookup.idfWeights,
    };
  }
}

/**
 * Factory for TextVectorization (see the class).
 * @example
 * ```js
 * const vectorize = tf.layers.textVectorization({ outputSequenceLength: 4 });
 * await vectorize.adapt(['the cat sat', 'the dog']);
 * vectorize.apply(tf.tensor(['the cat'])).print(); // [[2, 5, 0, 0]]: 0 pads, 1 is out-of-vocabulary, 'the' (most frequent) is 2
 * ```
 */
export const textVectorization = (args?: TextVectorizationArgs) => new TextVectorization(args);
