/**
 * Learned position embeddings (KerasNLP's `PositionEmbedding` and `TokenAndPositionEmbedding`,
 * camelCase options). PositionEmbedding returns the embeddings of positions
 * [startIndex, startIndex + seq) broadcast to its [batch, seq, dim] input, for the caller to add;
 * TokenAndPositionEmbedding maps token ids [batch, seq] to token + position embeddings
 * [batch, seq, embeddingDim]. The sequence may be shorter than sequenceLength (inputShape
 * [null]); `callAt(ids, start)` embeds positions from `start`, as incremental decoding needs.
 */
import type { Tensor } from '../tensor.js';
import { add } from '../ops/binary.js';
import { gather } from '../ops/indexing.js';
import { broadcastTo, slice } from '../ops/layout.js';
import { cast } from '../ops/unary.js';
import { fmtShape } from '../util.js';
import type { Variable } from '../variable.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from './layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from './initializers.js';
import { serializeInitializer } from './serialization.js';
import { composite } from './recurrent/rnn_util.js';

const positiveInt = (op: string, name: string, v: unknown) => {
  if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
};

/** The rows [start, start + n) of a [sequenceLength, dim] position table, with a clear error past its end. */
function positionRows(layer: Layer, table: Variable, start: number, n: number): Tensor {
  const max = table.shape[0];
  if (!Number.isInteger(start) || start < 0 || start + n > max)
    throw new Error(`${layer.name}: positions [${start}, ${start + n}) are outside the sequenceLength ${max} this layer embeds`);
  return slice(table, [start, 0], [n, table.shape[1]]);
}

export interface PositionEmbeddingArgs extends LayerArgs {
  sequenceLength: number;
  initializer?: InitializerSpec;
}

/**
 * Learned position embeddings to add to a sequence.
 *
 * ```js
 * const pos = tf.layers.positionEmbedding({sequenceLength: 64});
 * const x = tf.randomNormal([2, 10, 32]);
 * const y = tf.add(x, pos.apply(x)); // [2, 10, 32]
 * ```
 */
export class PositionEmbedding extends Layer {
  static override className = 'PositionEmbedding';
  readonly sequenceLength: number;
  private initializer: Initializer;
  embeddings?: Variable;

  constructor(args: PositionEmbeddingArgs) {
    super(args);
    positiveInt('positionEmbedding', 'sequenceLength', args?.sequenceLength);
    this.sequenceLength = args.sequenceLength;
    this.initializer = getInitializer(args.initializer ?? 'glorotUniform');
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const dim = s[s.length - 1];
    if (s.length < 2 || dim === null) throw new Error(`${this.name}: positionEmbedding needs input [..., seq, dim] with a known dim, got ${fmtShape(s.map((d) => d ?? -1))}`);
    this.embeddings = this.addWeight('embeddings', [this.sequenceLength, dim], 'float32', this.initializer);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const start = (kwargs.startIndex as number | undefined) ?? 0;
    return composite(() => broadcastTo(positionRows(this, this.embeddings!, start, x.shape[x.rank - 2]), x.shape));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), sequenceLength: this.sequenceLength, initializer: serializeInitializer(this.initializer) };
  }
}

export interface TokenAndPositionEmbeddingArgs extends LayerArgs {
  vocabularySize: number;
  sequenceLength: number;
  embeddingDim: number;
  embeddingsInitializer?: InitializerSpec;
}

/**
 * Token embeddings plus learned position embeddings.
 *
 * ```js
 * const emb = tf.layers.tokenAndPositionEmbedding({vocabularySize: 100, sequenceLength: 32, embeddingDim: 16, inputShape: [null]});
 * emb.apply(tf.tensor2d([[1, 2, 3]], undefined, 'int32')).shape; // [1, 3, 16]
 * ```
 */
export class TokenAndPositionEmbedding extends Layer {
  static override className = 'TokenAndPositionEmbedding';
  readonly vocabularySize: number;
  readonly sequenceLength: number;
  readonly embeddingDim: number;
  private embeddingsInitializer: Initializer;
  tokenEmbeddings?: Variable;
  positionEmbeddings?: Variable;

  constructor(args: TokenAndPositionEmbeddingArgs) {
    super(args);
    for (const k of ['vocabularySize', 'sequenceLength', 'embeddingDim'] as const) positiveInt('tokenAndPositionEmbedding', k, args?.[k]);
    this.vocabularySize = args.vocabularySize;
    this.sequenceLength = args.sequenceLength;
    this.embeddingDim = args.embeddingDim;
    this.embeddingsInitializer = getInitializer(args.embeddingsInitializer ?? 'glorotUniform');
  }

  override build(_inputShape: Shape | Shape[]): void {
    this.tokenEmbeddings = this.addWeight('token_embedding/embeddings', [this.vocabularySize, this.embeddingDim], 'float32', this.embeddingsInitializer);
    this.positionEmbeddings = this.addWeight('position_embedding/embeddings', [this.sequenceLength, this.embeddingDim], 'float32', this.embeddingsInitializer);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...s, this.embeddingDim];
  }

  /** Embeds ids [batch, n] at positions [start, start + n). */
  callAt(ids: Tensor, start: number): Tensor {
    if (ids.rank !== 2) throw new Error(`${this.name}: tokenAndPositionEmbedding expects token ids [batch, seq], got ${fmtShape(ids.shape)}`);
    return composite(() => {
      const idx = ids.dtype === 'int32' ? ids : cast(ids, 'int32');
      return add(gather(this.tokenEmbeddings!, idx), positionRows(this, this.positionEmbeddings!, start, ids.shape[1]));
    });
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    return this.callAt(Array.isArray(inputs) ? inputs[0] : inputs, 0);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      vocabularySize: this.vocabularySize,
      sequenceLength: this.sequenceLength,
      embeddingDim: this.embeddingDim,
      embeddingsInitializer: serializeInitializer(this.embeddingsInitializer),
    };
  }
}

/**
 * Factory for PositionEmbedding (see the class).
 * @example
 * ```js
 * tf.layers.positionEmbedding({ sequenceLength: 16 }).apply(tf.ones([2, 4, 8])).shape; // [2, 4, 8]
 * ```
 */
export const positionEmbedding = (args: PositionEmbeddingArgs) => new PositionEmbedding(args);
/**
 * Factory for TokenAndPositionEmbedding (see the class).
 * @example
 * ```js
 * tf.layers.tokenAndPositionEmbedding({ vocabularySize: 100, sequenceLength: 16, embeddingDim: 8 }).apply(tf.tensor2d([[1, 2, 3]], [1, 3], 'int32')).shape; // [1, 3, 8]
 * ```
 */
export const tokenAndPositionEmbedding = (args: TokenAndPositionEmbeddingArgs) => new TokenAndPositionEmbedding(args);
