/**
 * Keras's vocabulary lookup layers, `layers.stringLookup` and `layers.integerLookup`, over one
 * shared base: map tokens to indices (or back, with `invert`), or to oneHot / multiHot / count /
 * tfIdf vectors. The vocabulary is given or learned by `await layer.adapt(data)`: tokens ranked by
 * count, ties broken by the larger token first (Keras's ordering, so vocabularies match Python's),
 * after the mask token (int mode) and the OOV indices. Lookups run on the host: the inputs are
 * strings or ids that came from the host, and the vocabulary is a hash map.
 * The vocabulary and idf weights are saved in the layer config, so they travel with the model.
 */
import type { Tensor } from '../../tensor.js';
import type { DType } from '../../backends/backend.js';
import { tensor } from '../../ops/creation.js';
import { ENGINE } from '../../engine.js';
import { fingerprint64 } from '../../ops/farmhash.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import type { AdaptInput } from './adapt_data.js';

export type LookupOutputMode = 'int' | 'oneHot' | 'multiHot' | 'count' | 'tfIdf';
const OUTPUT_MODES: readonly LookupOutputMode[] = ['int', 'oneHot', 'multiHot', 'count', 'tfIdf'];

export interface IndexLookupArgs<T> extends LayerArgs {
  /** Largest vocabulary, counting the mask and OOV entries; unlimited when omitted. */
  maxTokens?: number | null;
  /** How many indices out-of-vocabulary tokens hash into (default 1; 0 makes them an error). */
  numOovIndices?: number;
  /** A token that maps to index 0 in int mode (none by default). */
  maskToken?: T | null;
  oovToken?: T;
  vocabulary?: T[] | null;
  /** Inverse document frequencies, one per vocabulary token (tfIdf mode). */
  idfWeights?: number[] | null;
  /** Map indices back to tokens (int mode only). */
  invert?: boolean;
  outputMode?: LookupOutputMode;
  /** In the vector modes, make every output maxTokens wide. */
  padToMaxTokens?: boolean;
}

/** Keras's snake_case mode names ('multi_hot', 'tf_idf') are accepted as the camelCase ones. */
export function camelMode<M extends string>(mode: M): M {
  return (typeof mode === 'string' ? mode.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : mode) as M;
}

/** UTF-8 byte order (what numpy sorts bytes by): code point order, not UTF-16 unit order. */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** Tokens by count, most frequent first; equal counts put the larger token first, as Keras. */
export function rankTokens<T extends string | number>(counts: Map<T, number>): T[] {
  const entries = [...counts];
  entries.sort((a, b) => {
    if (b[1] !== a[1]) return b[1] - a[1];
    return typeof a[0] === 'string' ? compareCodePoints(b[0] as string, a[0] as string) : (b[0] as number) - (a[0] as number);
  });
  return entries.map(([t]) => t);
}

/** Keras's inverse document frequency: ln(1 + documents / (1 + documents containing the token)). */
export const inverseDocumentFrequency = (documents: number, containing: number) => Math.log(1 + documents / (1 + containing));

const utf8 = new TextEncoder();

export abstract class IndexLookup<T extends string | number> extends Layer {
  readonly maxTokens: number | null;
  readonly numOovIndices: number;
  readonly maskToken: T | null;
  readonly oovToken: T;
  readonly invert: boolean;
  readonly outputMode: LookupOutputMode;
  readonly padToMaxTokens: boolean;
  private tokens: T[] = [];
  private index = new Map<T, number>();
  /** One idf per output column (OOV columns hold the mean, as Keras), tfIdf mode only. */
  private idf: Float64Array | null = null;
  /** The factory name, for error messages. */
  protected readonly opName: string;
  /** The dtype of tokens ('string' or 'int32'). */
  protected readonly tokenDtype: DType;

  constructor(args: IndexLookupArgs<T>, defaults: { oovToken: T; opName: string; tokenDtype: DType }) {
    super(args);
    const op = defaults.opName;
    this.opName = op;
    this.tokenDtype = defaults.tokenDtype;
    this.maxTokens = args.maxTokens ?? null;
    this.numOovIndices = args.numOovIndices ?? 1;
    this.maskToken = args.maskToken ?? null;
    this.oovToken = args.oovToken ?? defaults.oovToken;
    this.invert = args.invert ?? false;
    this.outputMode = camelMode(args.outputMode ?? 'int');
    this.padToMaxTokens = args.padToMaxTokens ?? false;
    if (this.maxTokens !== null && !(Number.isInteger(this.maxTokens) && this.maxTokens > 1))
      throw new Error(`${op}: maxTokens must be an integer greater than 1 or null, got ${this.maxTokens}`);
    if (!(Number.isInteger(this.numOovIndices) && this.numOovIndices >= 0))
      throw new Error(`${op}: numOovIndices must be a non-negative integer, got ${this.numOovIndices}`);
    if (!OUTPUT_MODES.includes(this.outputMode)) throw new Error(`${op}: outputMode must be one of ${OUTPUT_MODES.join(', ')}, got '${this.outputMode}'`);
    if (this.invert && this.outputMode !== 'int') throw new Error(`${op}: invert is only supported with outputMode 'int', got '${this.outputMode}'`);
    if (this.padToMaxTokens && this.maxTokens === null && this.outputMode !== 'int') throw new Error(`${op}: padToMaxTokens needs maxTokens`);
    if (args.idfWeights && this.outputMode !== 'tfIdf') throw new Error(`${op}: idfWeights are only used with outputMode 'tfIdf'`);
    if (args.vocabulary) this.setVocabulary(args.vocabulary, args.idfWeights ?? null);
    else if (args.idfWeights) throw new Error(`${op}: idfWeights need a vocabulary`);
  }

  private get maskInOutput(): boolean {
    return this.maskToken !== null && this.outputMode === 'int';
  }
  /** Index of the first OOV index (1 when the mask takes index 0). */
  protected oovStart(): number {
    return this.maskInOutput ? 1 : 0;
  }
  /** Index of the first vocabulary token. */
  protected tokenStart(): number {
    return this.oovStart() + this.numOovIndices;
  }

  /** Number of indices in use: mask, OOV indices and tokens. */
  vocabularySize(): number {
    return this.tokenStart() + this.tokens.length;
  }

  /**
   * The vocabulary in index order: the mask token (int mode), the OOV token once per OOV index,
   * then the tokens; only the tokens when includeSpecialTokens is false.
   *
   * ```js
   * tf.layers.stringLookup({vocabulary: ['a', 'b']}).getVocabulary(); // ['[UNK]', 'a', 'b']
   * ```
   */
  getVocabulary(includeSpecialTokens = true): T[] {
    return includeSpecialTokens ? [...this.specialTokens(), ...this.tokens] : this.tokens.slice();
  }

  /**
   * Replaces the vocabulary (and the idf weights in tfIdf mode). Leading special tokens in their
   * expected places are accepted and dropped; anywhere else they are an error, as are repeats.
   *
   * ```js
   * layer.setVocabulary(['cat', 'dog']);
   * ```
   */
  setVocabulary(vocabulary: T[], idfWeights: number[] | null = null): void {
    const op = this.opName;
    if (!Array.isArray(vocabulary)) throw new Error(`${op}: vocabulary must be an array, got ${typeof vocabulary}`);
    vocabulary.forEach((t, i) => this.checkToken(t, `vocabulary[${i}]`));
    let tokens = vocabulary.slice();
    const specials = this.specialTokens();
    if (specials.length > 0 && specials.every((s, i) => tokens[i] === s)) tokens = tokens.slice(specials.length);
    const seen = new Set<T>();
    for (const t of tokens) {
      if (seen.has(t)) throw new Error(`${op}: the vocabulary has at least one repeated term: ${JSON.stringify(t)}`);
      seen.add(t);
    }
    if (this.maskToken !== null && seen.has(this.maskToken))
      throw new Error(`${op}: found the mask token ${JSON.stringify(this.maskToken)} at an unexpected place in the vocabulary`);
    if (this.numOovIndices > 0 && seen.has(this.oovToken))
      throw new Error(`${op}: found the OOV token ${JSON.stringify(this.oovToken)} at an unexpected place in the vocabulary`);
    const size = this.tokenStart() + tokens.length;
    if (this.maxTokens !== null && size > this.maxTokens)
      throw new Error(`${op}: the vocabulary size ${size} (with ${this.tokenStart()} special indices) is larger than maxTokens ${this.maxTokens}`);
    if (this.outputMode === 'tfIdf') {
      if (!idfWeights) throw new Error(`${op}: outputMode 'tfIdf' needs idfWeights with a given vocabulary`);
      if (idfWeights.length !== tokens.length && idfWeights.length !== size)
        throw new Error(`${op}: idfWeights has ${idfWeights.length} entries; the vocabulary has ${tokens.length} tokens (${size} with special indices)`);
      this.setIdf(idfWeights.length === size ? idfWeights.slice(this.tokenStart()) : idfWeights);
    }
    this.tokens = tokens;
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }

  /** The entries before the tokens: the mask token (int mode), then the OOV token once per OOV index. */
  private specialTokens(): T[] {
    const s: T[] = [];
    if (this.maskInOutput) s.push(this.maskToken as T);
    for (let i = 0; i < this.numOovIndices; i++) s.push(this.oovToken);
    return s;
  }

  private setIdf(tokenIdf: ArrayLike<number>): void {
    const start = this.tokenStart();
    let mean = 0;
    for (let i = 0; i < tokenIdf.length; i++) mean += tokenIdf[i];
    mean = tokenIdf.length ? mean / tokenIdf.length : 0;
    const idf = new Float64Array(start + tokenIdf.length);
    for (let i = this.oovStart(); i < start; i++) idf[i] = mean; // OOV columns get the mean idf, as Keras
    idf.set(tokenIdf, start);
    this.idf = idf;
  }

  /** Throws unless t is a token of this layer's kind. */
  protected abstract checkToken(t: unknown, where: string): asserts t is T;

  /** Values of a host-readable tensor (string tensors always are; numeric ones on js / wasm, or written from the host). */
  protected hostValues(x: Tensor): ArrayLike<number> | string[] {
    if (x.dtype === 'string') return x.dataSync() as unknown as string[];
    const v = ENGINE.readHostSync(x);
    if (!v) throw new Error(`${this.name}: ${this.opName} reads its input on the host; this ${x.dtype} tensor lives only on the device (read it with await x.data() and pass tf.tensor(values))`);
    return v;
  }

  /**
   * Learns the vocabulary (and document frequencies in tfIdf mode) from data: a tensor, an array
   * or a tf.data Dataset of either. Replaces any earlier vocabulary.
   *
   * ```js
   * const lookup = tf.layers.stringLookup();
   * await lookup.adapt(tf.tensor([['a', 'c', 'd'], ['d', 'z', 'b']]));
   * lookup.getVocabulary(); // ['[UNK]', 'd', 'z', 'c', 'b', 'a']
   * ```
   */
  async adapt(data: AdaptInput): Promise<void> {
    const special = (t: T) => (this.maskToken !== null && t === this.maskToken) || t === this.oovToken;
    // the counting loads with the async parts (src/async_parts.ts: adapt_stats.ts)
    const { counts, docCounts, documents } = await (await import('../../async_parts.js')).countAdaptTokens<T>(
      this.opName, data, (t) => this.checkToken(t, 'adapt data'), special, this.outputMode === 'tfIdf',
    );
    let ranked = rankTokens(counts);
    if (this.maxTokens !== null) ranked = ranked.slice(0, Math.max(0, this.maxTokens - this.tokenStart()));
    this.tokens = ranked;
    this.index = new Map(ranked.map((t, i) => [t, i]));
    if (this.outputMode === 'tfIdf') this.setIdf(ranked.map((t) => inverseDocumentFrequency(documents, docCounts.get(t) ?? 0)));
  }

  /** Index of one token (the mask → 0 in int mode, unknown tokens → an OOV index). */
  protected lookup(t: T): number {
    if (this.maskToken !== null && t === this.maskToken) return this.maskInOutput ? 0 : -1;
    const i = this.index.get(t);
    if (i !== undefined) return this.tokenStart() + i;
    if (this.numOovIndices === 0) throw new Error(`${this.name}: ${this.opName} found the out-of-vocabulary token ${JSON.stringify(t)} and numOovIndices is 0`);
    if (this.numOovIndices === 1) return this.oovStart();
    const bucket = typeof t === 'string'
      ? Number(fingerprint64(utf8.encode(t)) % BigInt(this.numOovIndices))
      : (((t as number) % this.numOovIndices) + this.numOovIndices) % this.numOovIndices;
    return this.oovStart() + bucket;
  }

  /** Width of the vector modes. */
  private depth(): number {
    return this.padToMaxTokens && this.maxTokens !== null ? Math.max(this.maxTokens, this.vocabularySize()) : this.vocabularySize();
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (this.outputMode === 'int') return s.slice();
    if (s.length === 1 || (this.outputMode === 'oneHot' && s[s.length - 1] === 1)) return [s[0], this.depth()];
    if (this.outputMode === 'oneHot') return [...s, this.depth()];
    return [...s.slice(0, -1), this.depth()];
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return this.invert ? this.callInverse(x) : this.encode(this.hostValues(x), x.shape, x.dtype);
  }

  /** Token values of shape `shape` → int32 indices or float32 vectors. */
  protected encode(values: ArrayLike<number> | string[], shape: number[], dtype: DType): Tensor {
    if (dtype !== this.tokenDtype && !(this.tokenDtype === 'int32' && dtype === 'float32'))
      throw new Error(`${this.name}: ${this.opName} expects a ${this.tokenDtype} input, got a ${dtype} tensor of shape [${shape}]`);
    const n = values.length;
    if (this.outputMode === 'int') {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = this.lookup(this.asToken(values[i]));
      return tensor(out, shape, 'int32');
    }
    const depth = this.depth();
    const oneHotShape = this.outputMode === 'oneHot' && shape.length > 1 && shape[shape.length - 1] !== 1;
    const outShape = this.computeOutputShape(shape) as number[];
    const rows = oneHotShape ? n : shape.length <= 1 ? n : shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const per = rows === 0 ? 0 : n / rows;
    const out = new Float32Array(rows * depth);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < per; k++) {
        const j = this.lookup(this.asToken(values[r * per + k]));
        if (j < 0) continue; // a mask token outside int mode is dropped
        const at = r * depth + j;
        if (this.outputMode === 'count' || this.outputMode === 'tfIdf') out[at] += 1;
        else out[at] = 1;
      }
      if (this.outputMode === 'tfIdf') for (let j = 0; j < depth; j++) out[r * depth + j] *= this.idf?.[j] ?? 0;
    }
    return tensor(out, outShape, 'float32');
  }

  protected abstract asToken(v: number | string): T;

  private callInverse(x: Tensor): Tensor {
    if (x.dtype !== 'int32') throw new Error(`${this.name}: ${this.opName} with invert expects int32 indices, got a ${x.dtype} tensor of shape [${x.shape}]`);
    const idx = this.hostValues(x) as ArrayLike<number>;
    const start = this.tokenStart();
    const out: T[] = new Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i];
      if (this.maskInOutput && j === 0) out[i] = this.maskToken as T;
      else if (j >= start && j < start + this.tokens.length) out[i] = this.tokens[j - start];
      else out[i] = this.oovToken;
    }
    return this.tokenDtype === 'string' ? tensor(out as unknown as string[] as never, x.shape, 'string') : tensor(out as unknown as number[], x.shape, 'int32');
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      maxTokens: this.maxTokens,
      numOovIndices: this.numOovIndices,
      maskToken: this.maskToken,
      oovToken: this.oovToken,
      invert: this.invert,
      outputMode: this.outputMode,
      padToMaxTokens: this.padToMaxTokens,
      vocabulary: this.tokens.slice(),
      idfWeights: this.idf ? Array.from(this.idf.subarray(this.tokenStart())) : null,
    };
  }
}

/**
 * Maps strings to indices (Keras's StringLookup); the OOV token is '[UNK]'.
 *
 * ```js
 * const lookup = tf.layers.stringLookup({vocabulary: ['a', 'b', 'c', 'd']});
 * lookup.apply(tf.tensor([['a', 'c', 'd'], ['d', 'z', 'b']])).print(); // [[1, 3, 4], [4, 0, 2]]
 * ```
 */
export class StringLookup extends IndexLookup<string> {
  static override className = 'StringLookup';
  constructor(args: IndexLookupArgs<string> = {}) {
    super({ ...args, dtype: args.dtype ?? (args.invert ? 'int32' : 'string') }, { oovToken: '[UNK]', opName: 'stringLookup', tokenDtype: 'string' });
  }
  protected checkToken(t: unknown, where: string): asserts t is string {
    if (typeof t !== 'string') throw new Error(`stringLookup: ${where} must hold strings, got ${JSON.stringify(t)}`);
  }
  protected asToken(v: number | string): string {
    return v as string;
  }
}

/**
 * Maps integer ids to indices (Keras's IntegerLookup); the OOV token is -1.
 *
 * ```js
 * const lookup = tf.layers.integerLookup({vocabulary: [12, 36, 1138, 42]});
 * lookup.apply(tf.tensor([[12, 1138, 42], [42, 1000, 36]], undefined, 'int32')).print(); // [[1, 3, 4], [4, 0, 2]]
 * ```
 */
export class IntegerLookup extends IndexLookup<number> {
  static override className = 'IntegerLookup';
  constructor(args: IndexLookupArgs<number> = {}) {
    super({ ...args, dtype: args.dtype ?? 'int32' }, { oovToken: -1, opName: 'integerLookup', tokenDtype: 'int32' });
  }
  protected checkToken(t: unknown, where: string): asserts t is number {
    if (typeof t !== 'number' || !Number.isInteger(t)) throw new Error(`integerLookup: ${where} must hold integers, got ${JSON.stringify(t)}`);
  }
  protected asToken(v: number | string): number {
    this.checkToken(v, 'the input');
    return v as number;
  }
}

/**
 * Factory for StringLookup (see the class).
 * @example
 * ```js
 * const lookup = tf.layers.stringLookup({ vocabulary: ['a', 'b', 'c'] });
 * lookup.apply(tf.tensor([['a', 'c', 'z']])).print(); // [[1, 3, 0]] (0: out of vocabulary)
 * ```
 */
export const stringLookup = (args?: IndexLookupArgs<string>) => new StringLookup(args);
/**
 * Factory for IntegerLookup (see the class).
 * @example
 * ```js
 * const lookup = tf.layers.integerLookup({ vocabulary: [12, 36, 1138] });
 * lookup.apply(tf.tensor2d([[12, 1138, 7]], [1, 3], 'int32')).print(); // [[1, 3, 0]]
 * ```
 */
export const integerLookup = (args?: IndexLookupArgs<number>) => new IntegerLookup(args);
