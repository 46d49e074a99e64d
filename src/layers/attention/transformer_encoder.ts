/**
 * TransformerEncoder (a tessera layer; TF.js has none, the design follows KerasNLP's): one
 * encoder block on [batch, seq, dim] inputs:
 *   post-norm (default): x = LN1(x + Drop(MHA(x, x)));  y = LN2(x + Drop(FFN(x)))
 *   pre-norm (normFirst): x = x + Drop(MHA(LN1(x)));     y = x + Drop(FFN(LN2(x)))
 * with FFN = Dense(intermediateDim, activation) -> Dense(dim), MHA with keyDim = dim / numHeads
 * running on the fused attention op, and causal masking when `causal`. Sub-layer weights are
 * nested under the layer's name: `${name}/self_attention/query/kernel`,
 * `${name}/self_attention_layer_norm/gamma`, `${name}/feedforward_intermediate_dense/kernel`, ...
 * Weight order: attention (8), attention layer norm (gamma, beta), feedforward layer norm
 * (gamma, beta), intermediate dense (kernel, bias), output dense (kernel, bias).
 */
import type { Tensor } from '../../tensor.js';
import { fmtShape } from '../../util.js';
import { add, mul } from '../../ops/binary.js';
import { layerNorm } from '../../ops/norm.js';
import { broadcastTo, reshape } from '../../ops/layout.js';
import { cast } from '../../ops/unary.js';
import { ENGINE } from '../../engine.js';
import { Layer, type Kwargs, type LayerArgs, type LayerWeight, type Shape } from '../layer.js';
import { Dense } from '../core/dense.js';
import { canonicalActivation, type ActivationIdentifier } from '../activations.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { serializeInitializer } from '../serialization.js';
import { composite, dropoutMask } from '../recurrent/rnn_util.js';
import { MultiHeadAttention } from './multi_head_attention.js';
import type { Variable } from '../../variable.js';
import type { KVCache } from '../../ops/kv_cache.js';

export interface TransformerEncoderArgs extends LayerArgs {
  numHeads: number;
  intermediateDim: number;
  dropout?: number;
  causal?: boolean;
  normFirst?: boolean;
  layerNormEpsilon?: number;
  activation?: ActivationIdentifier;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

/** Build `child` with its weights named under `parent`'s name. */
export function buildScoped(parent: Layer, child: Layer, shape: Shape | Shape[]): void {
  const own = child.name;
  child.name = `${parent.name}/${own}`;
  try {
    child.maybeBuild(shape);
  } finally {
    child.name = own;
  }
}

export class TransformerEncoder extends Layer {
  static override className = 'TransformerEncoder';
  readonly numHeads: number;
  readonly intermediateDim: number;
  readonly dropout: number;
  readonly causal: boolean;
  readonly normFirst: boolean;
  readonly layerNormEpsilon: number;
  readonly activation: string;
  private kernelInitializer: Initializer;
  private biasInitializer: Initializer;
  attentionLayer?: MultiHeadAttention;
  intermediateDense?: Dense;
  outputDense?: Dense;
  protected ln: Variable[] = [];

  constructor(args: TransformerEncoderArgs) {
    super(args);
    const posInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
    const cls = (this.constructor as unknown as { className: string }).className;
    const op = cls[0].toLowerCase() + cls.slice(1); // transformerEncoder / transformerDecoder
    if (!args || !posInt(args.numHeads)) throw new Error(`${op}: numHeads must be a positive integer, got ${args?.numHeads}`);
    if (!posInt(args.intermediateDim)) throw new Error(`${op}: intermediateDim must be a positive integer, got ${args.intermediateDim}`);
    const d = args.dropout ?? 0;
    if (!(d >= 0 && d < 1)) throw new Error(`${op}: dropout must be in [0, 1), got ${d}`);
    this.numHeads = args.numHeads;
    this.intermediateDim = args.intermediateDim;
    this.dropout = d;
    this.causal = args.causal ?? false;
    this.normFirst = args.normFirst ?? false;
    this.layerNormEpsilon = args.layerNormEpsilon ?? 1e-5;
    this.activation = canonicalActivation(args.activation ?? 'relu');
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const dim = s[2];
    if (s.length !== 3 || dim === null) throw new Error(`${this.name}: expected input [batch, seq, dim] with a known dim, got ${fmtShape(s.map((x) => x ?? -1))}`);
    if (dim % this.numHeads !== 0) throw new Error(`${this.name}: the model dim ${dim} must be divisible by numHeads ${this.numHeads}`);
    const init = { kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer };
    this.attentionLayer = new MultiHeadAttention({ name: 'self_attention', numHeads: this.numHeads, keyDim: dim / this.numHeads, dropout: this.dropout, ...init });
    buildScoped(this, this.attentionLayer, s);
    this.ln = [
      this.addWeight('self_attention_layer_norm/gamma', [dim], 'float32', 'ones'),
      this.addWeight('self_attention_layer_norm/beta', [dim], 'float32', 'zeros'),
      this.addWeight('feedforward_layer_norm/gamma', [dim], 'float32', 'ones'),
      this.addWeight('feedforward_layer_norm/beta', [dim], 'float32', 'zeros'),
    ];
    this.intermediateDense = new Dense({ name: 'feedforward_intermediate_dense', units: this.intermediateDim, activation: this.activation, ...init });
    buildScoped(this, this.intermediateDense, s);
    this.outputDense = new Dense({ name: 'feedforward_output_dense', units: dim, ...init });
    buildScoped(this, this.outputDense, [s[0], s[1], this.intermediateDim]);
    this.built = true;
  }

  override weightEntries(): LayerWeight[] {
    if (!this.attentionLayer) return this.weightList;
    return [...this.attentionLayer.weightEntries(), ...this.weightList, ...this.intermediateDense!.weightEntries(), ...this.outputDense!.weightEntries()];
  }

  protected drop(x: Tensor, training: boolean): Tensor {
    return training && this.dropout > 0 ? mul(x, dropoutMask(x.shape, this.dropout)) : x;
  }

  /** The padding mask passes through unchanged (as in KerasNLP). */
  override computeMask(_inputs: Tensor | Tensor[], mask?: Tensor | Tensor[] | null): Tensor | null {
    return (Array.isArray(mask) ? mask[0] : mask) ?? null;
  }

  /**
   * The attention half: post-norm LN1(x + Drop(MHA(x))), pre-norm x + Drop(MHA(LN1(x))). With a
   * KV cache, x holds only the next positions and attends to the cached ones (inference).
   */
  protected selfAttentionBlock(x: Tensor, training: boolean, attentionMask: Tensor | null, cache?: KVCache): Tensor {
    const [g1, b1] = this.ln;
    const eps = this.layerNormEpsilon;
    let h = this.normFirst ? layerNorm(x, g1, b1, eps) : x;
    h = cache
      ? this.attentionLayer!.callCached(h, cache)
      : (this.attentionLayer!.call([h, h], { training, attentionMask, useCausalMask: this.causal }) as Tensor);
    h = add(x, this.drop(h, training));
    return this.normFirst ? h : layerNorm(h, g1, b1, eps);
  }

  /** The feed-forward half: post-norm LN2(h + Drop(FFN(h))), pre-norm h + Drop(FFN(LN2(h))). */
  protected feedForwardBlock(h: Tensor, training: boolean): Tensor {
    const [, , g2, b2] = this.ln;
    const eps = this.layerNormEpsilon;
    let f = this.normFirst ? layerNorm(h, g2, b2, eps) : h;
    f = this.outputDense!.call(this.intermediateDense!.call(f, { training }), { training });
    const y = add(h, this.drop(f, training));
    return this.normFirst ? y : layerNorm(y, g2, b2, eps);
  }

  call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank !== 3 || x.shape[2] !== this.outputDense!.units) {
      throw new Error(`${this.name}: expected input [batch, seq, ${this.outputDense!.units}], got ${fmtShape(x.shape)}`);
    }
    const training = !!kwargs.training;
    let attentionMask = (kwargs.attentionMask as Tensor | undefined) ?? null;
    // A padding mask [batch, seq] (1 = real token; also taken from an upstream Keras mask)
    // becomes the attention mask [batch, seq, seq] that hides padded keys.
    const maskIn = kwargs.paddingMask ?? (Array.isArray(kwargs.mask) ? kwargs.mask[0] : kwargs.mask);
    const padding = (maskIn as Tensor | null | undefined) ?? null;
    if (padding && !attentionMask) {
      const [b, s] = x.shape;
      if (padding.rank !== 2 || padding.shape[0] !== b || padding.shape[1] !== s) {
        throw new Error(`${this.name}: paddingMask must be [batch, seq] = [${b},${s}], got ${fmtShape(padding.shape)}`);
      }
      attentionMask = ENGINE.noGrad(() => composite(() => broadcastTo(reshape(cast(padding, 'bool'), [b, 1, s]), [b, s, s])));
    }
    const result = composite(() => this.feedForwardBlock(this.selfAttentionBlock(x, training, attentionMask), training));
    if (attentionMask && attentionMask !== kwargs.attentionMask) attentionMask.dispose();
    return result;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      intermediateDim: this.intermediateDim,
      dropout: this.dropout,
      causal: this.causal,
      normFirst: this.normFirst,
      layerNormEpsilon: this.layerNormEpsilon,
      activation: this.activation,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
    };
  }
}

/**
 * One transformer encoder block: self-attention and a feed-forward network, each with a residual and layer norm.
 * @example
 * ```js
 * tf.layers.transformerEncoder({ numHeads: 2, intermediateDim: 16 }).apply(tf.ones([1, 4, 8])).shape; // [1, 4, 8]
 * ```
 */
export const transformerEncoder = (args: TransformerEncoderArgs) => new TransformerEncoder(args);
