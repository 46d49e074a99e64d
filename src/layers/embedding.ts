/**
 * Embedding: maps integer ids to rows of an 'embeddings' weight [inputDim, outputDim] with
 * `gather`; output shape is the input shape plus [outputDim]. Float inputs are cast to int32
 * (as TF.js). With maskZero, computeMask gives `ids != 0` for downstream recurrent layers.
 */
import type { Tensor } from '../tensor.js';
import { ENGINE } from '../engine.js';
import { gather } from './../ops/indexing.js';
import { reshape } from '../ops/layout.js';
import { cast } from '../ops/unary.js';
import { notEqual } from '../ops/binary.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from './layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from './initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from './regularizers.js';
import { serializeInitializer, serializeRegularizer } from './serialization.js';
import { showShape, singleShape } from './conv/conv_utils.js';
import type { Variable } from '../variable.js';

export interface EmbeddingArgs extends LayerArgs {
  inputDim: number;
  outputDim: number;
  embeddingsInitializer?: InitializerSpec;
  embeddingsRegularizer?: RegularizerSpec;
  activityRegularizer?: RegularizerSpec;
  maskZero?: boolean;
  inputLength?: number | number[] | null;
}

export class Embedding extends Layer {
  static override className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | number[] | null;
  private embeddingsInitializer: Initializer;
  private embeddingsRegularizer?: Regularizer;
  embeddings?: Variable;

  constructor(args: EmbeddingArgs) {
    if (args && args.batchInputShape == null && args.inputShape == null) {
      const len = args.inputLength == null ? [null] : Array.isArray(args.inputLength) ? args.inputLength : [args.inputLength];
      args = { ...args, batchInputShape: [args.batchSize ?? null, ...len] };
    }
    super(args);
    for (const key of ['inputDim', 'outputDim'] as const) {
      if (!Number.isInteger(args?.[key]) || args[key] < 1) throw new Error(`embedding: ${key} must be a positive integer, got ${JSON.stringify(args?.[key])}`);
    }
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.maskZero = args.maskZero ?? false;
    this.inputLength = args.inputLength ?? null;
    this.embeddingsInitializer = getInitializer(args.embeddingsInitializer ?? 'randomUniform');
    this.embeddingsRegularizer = args.embeddingsRegularizer ? getRegularizer(args.embeddingsRegularizer) : undefined;
    this.supportsMasking = true;
  }

  override build(_inputShape: Shape | Shape[]): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], 'float32', this.embeddingsInitializer, this.embeddingsRegularizer);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...singleShape(this.name, inputShape), this.outputDim];
  }

  /** `ids != 0` (bool) when maskZero, else null. */
  override computeMask(inputs: Tensor | Tensor[]): Tensor | null {
    if (!this.maskZero) return null;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return ENGINE.noGrad(() => notEqual(x, 0));
  }

  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank < 1) throw new Error(`${this.name}: embedding needs ids of rank >= 1 ([batch, ...]), got shape ${showShape(x.shape)}`);
    const ids = x.dtype === 'int32' ? x : cast(x, 'int32');
    const flat = reshape(ids, [ids.size]);
    const rows = gather(this.embeddings!, flat, 0);
    const y = reshape(rows, [...x.shape, this.outputDim]);
    if (!ENGINE.recording) {
      rows.dispose();
      flat.dispose();
      if (ids !== x) ids.dispose();
    }
    return y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: serializeInitializer(this.embeddingsInitializer),
      embeddingsRegularizer: serializeRegularizer(this.embeddingsRegularizer),
      activityRegularizer: null,
      embeddingsConstraint: null,
      maskZero: this.maskZero,
      inputLength: this.inputLength,
    };
  }
}
/**
 * Turns integer indices into dense vectors of size `outputDim` (a trainable lookup table).
 * @example
 * ```js
 * tf.layers.embedding({ inputDim: 10, outputDim: 4 }).apply(tf.tensor2d([[1, 2, 3]], [1, 3], 'int32')).shape; // [1, 3, 4]
 * ```
 */
export const embedding = (args: EmbeddingArgs) => new Embedding(args);
