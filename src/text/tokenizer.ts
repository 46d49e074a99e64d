/**
 * `tf.text.Tokenizer`: Keras's `keras.preprocessing.text.Tokenizer` with its option names in
 * camelCase. It learns a vocabulary from texts (words ranked by count, ties in first-seen order,
 * index 0 reserved, the OOV token first when given) and turns texts into integer sequences or
 * document-term matrices (binary, count, freq, tfidf) and sequences back into texts.
 * The JSON form holds the same fields as Keras's `to_json`, so a tokenizer saved in Python loads.
 */
import { tensor2d } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';

/** Keras's default filters: punctuation, tabs and line breaks. */
export const DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

/**
 * How `tokenizer.textsToMatrix` fills its rows: 'binary', 'count', 'tfidf' or 'freq'.
 */
export type MatrixMode = 'binary' | 'count' | 'tfidf' | 'freq';
const MODES: readonly MatrixMode[] = ['binary', 'count', 'tfidf', 'freq'];

/** A prototype-less object, so words such as 'constructor' or '__proto__' are ordinary keys. */
function dict<V>(entries: Iterable<[string | number, V]> = []): Record<string, V> {
  const d = Object.create(null) as Record<string, V>;
  for (const [k, v] of entries) d[k] = v;
  return d;
}

/**
 * Options of `new tf.text.Tokenizer(args)` (Keras's Tokenizer): numWords, filters, lower, split, charLevel, oovToken.
 */
export interface TokenizerArgs {
  /** Keep only the numWords - 1 most frequent words when converting (fitting still counts all). */
  numWords?: number | null;
  /** Characters removed from texts (replaced by the split string). */
  filters?: string;
  lower?: boolean;
  /** The word separator. */
  split?: string;
  /** Every character is a token (filters are not applied, as in Keras). */
  charLevel?: boolean;
  /** Added to the vocabulary at index 1 and used for words outside it. */
  oovToken?: string | null;
}

/**
 * Splits a text into words the way Keras's `text_to_word_sequence` does: lower-case it, turn
 * every filter character into the separator, split, and drop empty pieces.
 *
 * ```js
 * tf.text.textToWordSequence('Hello, world!'); // ['hello', 'world']
 * ```
 */
export function textToWordSequence(text: string, filters = DEFAULT_FILTERS, lower = true, split = ' '): string[] {
  if (typeof text !== 'string') throw new Error(`textToWordSequence: text must be a string, got ${typeof text}`);
  let s = lower ? text.toLowerCase() : text;
  if (filters.length > 0) {
    let out = '';
    for (const ch of s) out += filters.includes(ch) ? split : ch;
    s = out;
  }
  return s.split(split).filter((w) => w.length > 0);
}

function checkTexts(op: string, texts: unknown): asserts texts is Array<string | string[]> {
  if (!Array.isArray(texts)) throw new Error(`Tokenizer.${op}: texts must be an array of strings, got ${typeof texts}`);
  texts.forEach((t, i) => {
    if (typeof t !== 'string' && !(Array.isArray(t) && t.every((w) => typeof w === 'string')))
      throw new Error(`Tokenizer.${op}: texts[${i}] must be a string or an array of strings, got ${JSON.stringify(t)}`);
  });
}

function checkSequences(op: string, seqs: unknown): asserts seqs is number[][] {
  if (!Array.isArray(seqs)) throw new Error(`Tokenizer.${op}: sequences must be an array of integer arrays`);
  seqs.forEach((s, i) => {
    if (!Array.isArray(s) || !s.every((v) => Number.isInteger(v) && v >= 0))
      throw new Error(`Tokenizer.${op}: sequences[${i}] must be an array of non-negative integers, got ${JSON.stringify(s)}`);
  });
}

/**
 * Keras's text tokenizer.
 *
 * ```js
 * const tok = new tf.text.Tokenizer({numWords: 100, oovToken: '<unk>'});
 * tok.fitOnTexts(['the cat sat', 'the dog sat down']);
 * tok.textsToSequences(['the cat ran']); // [[2, 4, 1]]
 * ```
 */
export class Tokenizer {
  /** Only the numWords - 1 most frequent words are kept when converting (null: all). */
  numWords: number | null;
  /** Characters removed from texts. */
  readonly filters: string;
  /** Whether texts are lowercased. */
  readonly lower: boolean;
  /** The word separator. */
  readonly split: string;
  /** Whether every character is a token. */
  readonly charLevel: boolean;
  /** The token out-of-vocabulary words become (null: dropped). */
  readonly oovToken: string | null;
  /** Number of texts seen by fitOnTexts / fitOnSequences. */
  documentCount = 0;
  /** word → how often it occurred, in first-seen order. */
  wordCounts: Record<string, number> = dict();
  /** word → in how many texts it occurred. */
  wordDocs: Record<string, number> = dict();
  /** word → index (1-based; 0 is reserved for padding). */
  wordIndex: Record<string, number> = dict();
  /** index → word. */
  indexWord: Record<number, string> = dict();
  /** index → in how many texts (or sequences) it occurred. */
  indexDocs: Record<number, number> = dict();

  constructor(args: TokenizerArgs = {}) {
    const known = new Set(['numWords', 'filters', 'lower', 'split', 'charLevel', 'oovToken']);
    for (const k of Object.keys(args ?? {})) if (!known.has(k)) throw new Error(`Tokenizer: unrecognized option '${k}'`);
    const n = args.numWords ?? null;
    if (n !== null && !(Number.isInteger(n) && n > 0)) throw new Error(`Tokenizer: numWords must be a positive integer or null, got ${n}`);
    if (args.split !== undefined && (typeof args.split !== 'string' || args.split.length === 0))
      throw new Error(`Tokenizer: split must be a non-empty string, got ${JSON.stringify(args.split)}`);
    this.numWords = n;
    this.filters = args.filters ?? DEFAULT_FILTERS;
    this.lower = args.lower ?? true;
    this.split = args.split ?? ' ';
    this.charLevel = args.charLevel ?? false;
    this.oovToken = args.oovToken ?? null;
  }

  /** The tokens of one text, as fitOnTexts and textsToSequences see them. */
  private tokens(text: string | string[]): string[] {
    if (this.charLevel || Array.isArray(text)) {
      if (Array.isArray(text)) return this.lower ? text.map((t) => t.toLowerCase()) : text.slice();
      return Array.from(this.lower ? text.toLowerCase() : text);
    }
    return textToWordSequence(text, this.filters, this.lower, this.split);
  }

  /**
   * Updates the vocabulary from texts (strings, or arrays of already split words).
   *
   * ```js
   * tok.fitOnTexts(['a b b', 'b c']); // wordIndex: {b: 1, a: 2, c: 3}
   * ```
   */
  fitOnTexts(texts: Array<string | string[]>): void {
    checkTexts('fitOnTexts', texts);
    for (const text of texts) {
      this.documentCount++;
      const seq = this.tokens(text);
      for (const w of seq) this.wordCounts[w] = (this.wordCounts[w] ?? 0) + 1;
      for (const w of new Set(seq)) this.wordDocs[w] = (this.wordDocs[w] ?? 0) + 1;
    }
    // rank by count, descending; Array.prototype.sort is stable, so ties keep first-seen order
    const ranked = Object.entries(this.wordCounts).sort((a, b) => b[1] - a[1]).map(([w]) => w);
    const vocab = this.oovToken === null ? ranked : [this.oovToken, ...ranked];
    this.wordIndex = dict();
    this.indexWord = dict();
    vocab.forEach((w, i) => {
      // a word that equals the OOV token keeps the OOV token's index, as a Python dict would
      if (!(w in this.wordIndex)) this.wordIndex[w] = i + 1;
    });
    for (const [w, i] of Object.entries(this.wordIndex)) this.indexWord[i] = w;
    this.indexDocs = dict();
    for (const [w, c] of Object.entries(this.wordDocs)) this.indexDocs[this.wordIndex[w]] = c;
  }

  /**
   * Updates document frequencies from integer sequences (needed for tfidf without fitOnTexts).
   *
   * ```js
   * tok.fitOnSequences([[1, 2, 2], [2]]);
   * ```
   */
  fitOnSequences(sequences: number[][]): void {
    checkSequences('fitOnSequences', sequences);
    this.documentCount += sequences.length;
    for (const seq of sequences) for (const i of new Set(seq)) this.indexDocs[i] = (this.indexDocs[i] ?? 0) + 1;
  }

  private oovIndex(): number | undefined {
    return this.oovToken === null ? undefined : this.wordIndex[this.oovToken];
  }

  /**
   * Turns each text into a sequence of word indices. Words outside the vocabulary (or ranked at
   * numWords or later) become the OOV index when there is an OOV token, else they are dropped.
   *
   * ```js
   * tok.textsToSequences(['the cat']); // [[1, 2]]
   * ```
   */
  textsToSequences(texts: Array<string | string[]>): number[][] {
    checkTexts('textsToSequences', texts);
    const oov = this.oovIndex();
    return texts.map((text) => {
      const out: number[] = [];
      for (const w of this.tokens(text)) {
        const i = this.wordIndex[w];
        if (i !== undefined) {
          if (this.numWords !== null && i >= this.numWords) {
            if (oov !== undefined) out.push(oov);
          } else out.push(i);
        } else if (oov !== undefined) out.push(oov);
      }
      return out;
    });
  }

  /**
   * Turns sequences of indices back into space-joined texts.
   *
   * ```js
   * tok.sequencesToTexts([[1, 2]]); // ['the cat']
   * ```
   */
  sequencesToTexts(sequences: number[][]): string[] {
    checkSequences('sequencesToTexts', sequences);
    const oov = this.oovIndex();
    return sequences.map((seq) => {
      const words: string[] = [];
      for (const i of seq) {
        const w = this.indexWord[i];
        if (w !== undefined) {
          if (this.numWords !== null && i >= this.numWords) {
            if (oov !== undefined) words.push(this.indexWord[oov]);
          } else words.push(w);
        } else if (oov !== undefined) words.push(this.indexWord[oov]);
      }
      return words.join(' ');
    });
  }

  /**
   * A [texts, numWords] float32 matrix: 'binary' (default), 'count', 'freq' or 'tfidf'.
   *
   * ```js
   * tok.textsToMatrix(['the cat the'], 'count').print();
   * ```
   */
  textsToMatrix(texts: Array<string | string[]>, mode: MatrixMode = 'binary'): Tensor {
    return this.sequencesToMatrix(this.textsToSequences(texts), mode);
  }

  /**
   * A [sequences, numWords] float32 matrix from index sequences; see textsToMatrix.
   *
   * ```js
   * tok.sequencesToMatrix([[1, 1, 2]], 'freq').print();
   * ```
   */
  sequencesToMatrix(sequences: number[][], mode: MatrixMode = 'binary'): Tensor {
    checkSequences('sequencesToMatrix', sequences);
    if (!MODES.includes(mode)) throw new Error(`Tokenizer.sequencesToMatrix: unknown vectorization mode '${mode}'; expected one of ${MODES.join(', ')}`);
    let numWords = this.numWords;
    if (numWords === null) {
      const n = Object.keys(this.wordIndex).length;
      if (n === 0) throw new Error('Tokenizer.sequencesToMatrix: specify numWords, or call fitOnTexts before using a matrix mode');
      numWords = n + 1;
    }
    if (mode === 'tfidf' && this.documentCount === 0) throw new Error("Tokenizer.sequencesToMatrix: fit the tokenizer before using mode 'tfidf'");
    const x = new Float32Array(sequences.length * numWords);
    sequences.forEach((seq, r) => {
      if (seq.length === 0) return;
      const counts = new Map<number, number>();
      for (const j of seq) if (j < numWords!) counts.set(j, (counts.get(j) ?? 0) + 1);
      for (const [j, c] of counts) {
        let v: number;
        if (mode === 'count') v = c;
        else if (mode === 'freq') v = c / seq.length;
        else if (mode === 'binary') v = 1;
        else v = (1 + Math.log(c)) * Math.log(1 + this.documentCount / (1 + (this.indexDocs[j] ?? 0)));
        x[r * numWords! + j] = v;
      }
    });
    return tensor2d(x, [sequences.length, numWords], 'float32');
  }

  /** Keras's `get_config`: the options and fitted tables, the tables as JSON strings. */
  getConfig(): Record<string, unknown> {
    return {
      num_words: this.numWords,
      filters: this.filters,
      lower: this.lower,
      split: this.split,
      char_level: this.charLevel,
      oov_token: this.oovToken,
      document_count: this.documentCount,
      word_counts: JSON.stringify(this.wordCounts),
      word_docs: JSON.stringify(this.wordDocs),
      index_docs: JSON.stringify(this.indexDocs),
      index_word: JSON.stringify(this.indexWord),
      word_index: JSON.stringify(this.wordIndex),
    };
  }

  /**
   * The tokenizer as a JSON string in Keras's `to_json` layout; `tf.text.tokenizerFromJSON` reads it.
   *
   * ```js
   * const copy = tf.text.tokenizerFromJSON(tok.toJSON());
   * ```
   */
  toJSON(): string {
    return JSON.stringify({ class_name: 'Tokenizer', config: this.getConfig() });
  }
}

/**
 * Rebuilds a Tokenizer from `toJSON()` output, or from Keras's `tokenizer.to_json()`.
 *
 * ```js
 * const tok = tf.text.tokenizerFromJSON(jsonString);
 * ```
 */
export function tokenizerFromJSON(json: string): Tokenizer {
  let parsed: { class_name?: string; config?: Record<string, unknown> };
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new Error(`tokenizerFromJSON: not valid JSON (${(e as Error).message})`);
  }
  const c = parsed?.config;
  if (!c || parsed.class_name !== 'Tokenizer') throw new Error(`tokenizerFromJSON: expected {class_name: 'Tokenizer', config}, got class_name ${JSON.stringify(parsed?.class_name)}`);
  const table = (k: string): Record<string, unknown> => dict(Object.entries(typeof c[k] === 'string' ? JSON.parse(c[k] as string) : (c[k] ?? {})));
  const tok = new Tokenizer({
    numWords: (c.num_words as number | null) ?? null,
    filters: c.filters as string | undefined,
    lower: c.lower as boolean | undefined,
    split: c.split as string | undefined,
    charLevel: c.char_level as boolean | undefined,
    oovToken: (c.oov_token as string | null) ?? null,
  });
  tok.documentCount = (c.document_count as number) ?? 0;
  tok.wordCounts = table('word_counts') as Record<string, number>;
  tok.wordDocs = table('word_docs') as Record<string, number>;
  tok.wordIndex = table('word_index') as Record<string, number>;
  // JSON object keys are strings; Keras's own to_json writes index_docs / index_word keys as strings too
  tok.indexWord = table('index_word') as Record<number, string>;
  tok.indexDocs = table('index_docs') as Record<number, number>;
  return tok;
}
