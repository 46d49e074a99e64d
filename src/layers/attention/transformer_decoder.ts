/**
 * TransformerDecoder (KerasNLP's layer, camelCase options): the TransformerEncoder block with
 * causal self-attention always on, plus, when called with a second (encoder) input, a
 * cross-attention block between self-attention and the feed-forward block:
 *   post-norm: h = LN_c(h + Drop(MHA_c(h, enc)));   pre-norm: h = h + Drop(MHA_c(LN_c(h), enc))
 * On one input it is a GPT block and works in a `sequential` model. For generation,
 * `callCached` runs the next positions against a KV cache (see src/ops/kv_cache.ts).
 * Cross-attention weights sit under `${name}/cross_attention/...` and
 * `${name}/cross_attention_layer_norm/{gamma,beta}`, after the self-attention ones.
 */
import type { Tensor } from '../../tensor.js';
import { fmtShape } from '../../util.js';
import { add } from '../../ops/binary.js';
import { layerNorm } from '../../ops/norm.js';
import type { KVCache } from '../../ops/kv_cache.js';
import type { Variable } from '../../variable.js';
import type { Kwargs, LayerWeight, Shape } from '../layer.js';
import { composite } from '../recurrent/rnn_util.js';
import { MultiHeadAttention } from './multi_head_attention.js';
import { TransformerEncoder, buildScoped, type TransformerEncoderArgs } from './transformer_encoder.js';

export type TransformerDecoderArgs = Omit<TransformerEncoderArgs, 'causal'>;

/**
 * A decoder block: causal self-attention, optional cross-attention, feed-forward.
 *
 * ```js
 * const block = tf.layers.transformerDecoder({numHeads: 4, intermediateDim: 512});
 * const y = block.apply(tf.randomNormal([2, 16, 128])); // [2, 16, 128]
 * ```
 */
export class TransformerDecoder extends TransformerEncoder {
  static override className = 'TransformerDecoder';
  crossAttentionLayer?: MultiHeadAttention;
  private crossLn: Variable[] = [];

  constructor(args: TransformerDecoderArgs) {
    super({ ...args, causal: true });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as Shape[];
    super.build(shapes[0]);
    if (shapes.length > 1) {
      const [s, enc] = shapes;
      const dim = s[2] as number;
      if (enc.length !== 3 || enc[2] === null) throw new Error(`${this.name}: the encoder input must be [batch, seq, dim] with a known dim, got ${fmtShape(enc.map((x) => x ?? -1))}`);
      this.crossAttentionLayer = new MultiHeadAttention({ name: 'cross_attention', numHeads: this.numHeads, keyDim: dim / this.numHeads, dropout: this.dropout });
      buildScoped(this, this.crossAttentionLayer, [s, enc]);
      this.crossLn = [
        this.addWeight('cross_attention_layer_norm/gamma', [dim], 'float32', 'ones'),
        this.addWeight('cross_attention_layer_norm/beta', [dim], 'float32', 'zeros'),
      ];
    }
    this.built = true;
  }

  override weightEntries(): LayerWeight[] {
    const own = super.weightEntries();
    if (!this.crossAttentionLayer) return own;
    const selfCount = this.attentionLayer!.weightEntries().length;
    return [...own.slice(0, selfCount), ...this.crossAttentionLayer.weightEntries(), ...own.slice(selfCount)];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return ((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape).slice();
  }

  private crossAttentionBlock(h: Tensor, encoder: Tensor, training: boolean): Tensor {
    const [g, b] = this.crossLn;
    const eps = this.layerNormEpsilon;
    let c = this.normFirst ? layerNorm(h, g, b, eps) : h;
    c = this.crossAttentionLayer!.call([c, encoder], { training }) as Tensor;
    const y = add(h, this.drop(c, training));
    return this.normFirst ? y : layerNorm(y, g, b, eps);
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 1) return super.call(list[0], kwargs);
    const [x, encoder] = list;
    if (!this.crossAttentionLayer) throw new Error(`${this.name}: this decoder was built on one input; it has no cross-attention for an encoder input`);
    const training = !!kwargs.training;
    return composite(() => this.feedForwardBlock(this.crossAttentionBlock(this.selfAttentionBlock(x, training, null), encoder, training), training));
  }

  /**
   * The block on the next positions x [batch, n, dim] only, attending to `cache` (which this
   * extends with x's keys and values). Decoder-only (no cross-attention); inference only.
   */
  callCached(x: Tensor, cache: KVCache): Tensor {
    if (this.crossAttentionLayer) throw new Error(`${this.name}: cached decoding supports decoder-only blocks (no encoder input)`);
    return composite(() => this.feedForwardBlock(this.selfAttentionBlock(x, false, null, cache), false));
  }

  /** A KV cache for this block's self-attention. */
  createCache(batch: number, capacity: number): KVCache {
    return this.attentionLayer!.createCache(batch, capacity);
  }

  override getConfig(): Record<string, unknown> {
    const { causal: _causal, ...rest } = super.getConfig();
    return rest;
  }
}

/**
 * Factory for TransformerDecoder (see the class).
 * @example
 * ```js
 * tf.layers.transformerDecoder({ numHeads: 2, intermediateDim: 16 }).apply(tf.ones([1, 4, 8])).shape; // [1, 4, 8]
 * ```
 */
export const transformerDecoder = (args: TransformerDecoderArgs) => new TransformerDecoder(args);
