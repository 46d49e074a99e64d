/**
 * MultiHeadAttention with the Keras config and weight layout:
 *   query/kernel [qDim, numHeads, keyDim], query/bias [numHeads, keyDim], key/kernel, key/bias,
 *   value/kernel [vDim, numHeads, valueDim], value/bias,
 *   attention_output/kernel [numHeads, valueDim, outDim], attention_output/bias [outDim],
 * named `${layer.name}/query/kernel` etc. Use as `layer.apply(query, {value, key?,
 * attentionMask?, useCausalMask?})` or `layer.apply([query, value, key?])`; a single tensor is
 * self-attention. attentionMask is [seqQ, seqK] or [batch, seqQ, seqK], true / 1 = attend.
 * The common case runs on the fused `attention` op; attention-probability dropout (training),
 * per-batch masks, valueDim != keyDim, top-left causal with seqQ != seqK, and
 * returnAttentionScores use the composed matMul + softmax path.
 */
import { KVCache } from '../../ops/kv_cache.js';
import type { Tensor } from '../../tensor.js';
import { ENGINE } from '../../engine.js';
import { fmtShape } from '../../util.js';
import { add, logicalAnd, mul, where } from '../../ops/binary.js';
import { reshape, transpose } from '../../ops/layout.js';
import { matMul } from '../../ops/matmul.js';
import { softmax } from '../../ops/softmax.js';
import { cast } from '../../ops/unary.js';
import { attention, attentionPackedHeads } from '../../ops/attention.js';
import { Layer, SymbolicTensor, type Kwargs, type LayerArgs, type Shape } from '../layer.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { getRegularizer, type Regularizer, type RegularizerSpec } from '../regularizers.js';
import { serializeInitializer, serializeRegularizer } from '../serialization.js';
import { composite, dropoutMask } from '../recurrent/rnn_util.js';
import type { Variable } from '../../variable.js';

export interface MultiHeadAttentionArgs extends LayerArgs {
  numHeads: number;
  keyDim: number;
  valueDim?: number | null;
  dropout?: number;
  useBias?: boolean;
  outputShape?: number | number[] | null;
  attentionAxes?: number | number[] | null;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec | null;
  biasRegularizer?: RegularizerSpec | null;
  activityRegularizer?: RegularizerSpec | null;
  kernelConstraint?: unknown;
  biasConstraint?: unknown;
}

export interface AttentionCallArgs extends Kwargs {
  value?: Tensor | SymbolicTensor;
  key?: Tensor | SymbolicTensor;
  attentionMask?: Tensor | null;
  useCausalMask?: boolean;
  returnAttentionScores?: boolean;
}

/** Lower-triangular (top-left aligned) [seqQ, seqK] bool mask: query i sees keys j <= i. */
function causalBoolMask(seqQ: number, seqK: number): Tensor {
  const m = new Int32Array(seqQ * seqK);
  for (let i = 0; i < seqQ; i++) for (let j = 0; j <= Math.min(i, seqK - 1); j++) m[i * seqK + j] = 1;
  return ENGINE.makeTensor(m, [seqQ, seqK], 'bool');
}

export class MultiHeadAttention extends Layer {
  static override className = 'MultiHeadAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  /** The `outputShape` config (the last output dim; null = the query's). */
  readonly outputDimConfig: number | null;
  private kernelInitializer: Initializer;
  private biasInitializer: Initializer;
  private kernelRegularizer?: Regularizer;
  private biasRegularizer?: Regularizer;
  private w: Record<string, Variable | undefined> = {};
  private outDim = 0;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    const posInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
    if (!args || !posInt(args.numHeads)) throw new Error(`multiHeadAttention: numHeads must be a positive integer, got ${args?.numHeads}`);
    if (!posInt(args.keyDim)) throw new Error(`multiHeadAttention: keyDim must be a positive integer, got ${args.keyDim}`);
    if (args.valueDim != null && !posInt(args.valueDim)) throw new Error(`multiHeadAttention: valueDim must be a positive integer, got ${args.valueDim}`);
    if (args.attentionAxes != null) throw new Error('multiHeadAttention: only the default attentionAxes (null: attend over the sequence axis) is supported');
    const d = args.dropout ?? 0;
    if (!(d >= 0 && d < 1)) throw new Error(`multiHeadAttention: dropout must be in [0, 1), got ${d}`);
    let out: number | null = null;
    if (args.outputShape != null) {
      const o = Array.isArray(args.outputShape) ? args.outputShape : [args.outputShape];
      if (o.length !== 1 || !posInt(o[0])) throw new Error(`multiHeadAttention: outputShape must be one positive integer, got ${JSON.stringify(args.outputShape)}`);
      out = o[0];
    }
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim;
    this.valueDim = args.valueDim ?? args.keyDim;
    this.dropout = d;
    this.useBias = args.useBias ?? true;
    this.outputDimConfig = out;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = args.kernelRegularizer ? getRegularizer(args.kernelRegularizer) : undefined;
    this.biasRegularizer = args.biasRegularizer ? getRegularizer(args.biasRegularizer) : undefined;
  }

  /** Accepts `apply(query, {value, key})` by turning it into `apply([query, value, key])`. */
  override apply(inputs: any, kwargs: AttentionCallArgs = {}): any {
    const { value, key, ...rest } = kwargs;
    if (value === undefined) return super.apply(inputs, rest);
    if (Array.isArray(inputs)) throw new Error(`${this.name}: give the inputs either as a list or as query + {value}, not both`);
    return super.apply(key === undefined ? [inputs, value] : [inputs, value, key], rest);
  }

  private static split(inputShape: Shape | Shape[]): [Shape, Shape, Shape] {
    if (!Array.isArray(inputShape[0])) {
      const s = inputShape as Shape;
      return [s, s, s];
    }
    const l = inputShape as Shape[];
    return [l[0], l[1] ?? l[0], l[2] ?? l[1] ?? l[0]];
  }

  override build(inputShape: Shape | Shape[]): void {
    const [q, v, k] = MultiHeadAttention.split(inputShape);
    const last = (s: Shape, what: string) => {
      const d = s[s.length - 1];
      if (s.length !== 3 || d === null) throw new Error(`${this.name}: ${what} must be [batch, seq, dim] with a known dim, got ${fmtShape(s.map((x) => x ?? -1))}`);
      return d;
    };
    const qDim = last(q, 'query'), vDim = last(v, 'value'), kDim = last(k, 'key');
    this.outDim = this.outputDimConfig ?? qDim;
    const H = this.numHeads;
    const add2 = (name: string, kShape: number[], bShape: number[]) => {
      this.w[`${name}/kernel`] = this.addWeight(`${name}/kernel`, kShape, 'float32', this.kernelInitializer, this.kernelRegularizer);
      if (this.useBias) this.w[`${name}/bias`] = this.addWeight(`${name}/bias`, bShape, 'float32', this.biasInitializer, this.biasRegularizer);
    };
    add2('query', [qDim, H, this.keyDim], [H, this.keyDim]);
    add2('key', [kDim, H, this.keyDim], [H, this.keyDim]);
    add2('value', [vDim, H, this.valueDim], [H, this.valueDim]);
    add2('attention_output', [H, this.valueDim, this.outDim], [this.outDim]);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [q] = MultiHeadAttention.split(inputShape);
    return [q[0], q[1], this.outputDimConfig ?? q[2]];
  }

  /** x [B, S, dim] -> [B, H, S, depth] through the `name` projection ([B, S, H * depth] when `packed`). */
  private project(x: Tensor, name: string, depth: number, packed = false): Tensor {
    const [B, S, dim] = x.shape;
    const H = this.numHeads;
    const kernel = this.w[`${name}/kernel`]!;
    if (dim !== kernel.shape[0]) throw new Error(`${this.name}: ${name} input has ${dim} features, the layer was built for ${kernel.shape[0]} (input ${fmtShape(x.shape)})`);
    let y = matMul(reshape(x, [B * S, dim]), reshape(kernel, [dim, H * depth]));
    const bias = this.w[`${name}/bias`];
    if (bias) y = add(y, reshape(bias, [H * depth]));
    return packed ? reshape(y, [B, S, H * depth]) : transpose(reshape(y, [B, S, H, depth]), [0, 2, 1, 3]);
  }

  call(inputs: Tensor | Tensor[], kwargs: AttentionCallArgs): Tensor | Tensor[] {
    let list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length === 1 && kwargs.value) {
      list = [list[0], kwargs.value as Tensor, ...(kwargs.key ? [kwargs.key as Tensor] : [])];
    }
    const query = list[0];
    const value = list[1] ?? query;
    const key = list[2] ?? value;
    for (const [n, t] of [['query', query], ['value', value], ['key', key]] as const) {
      if (t.rank !== 3) throw new Error(`${this.name}: ${n} must be [batch, seq, dim], got ${fmtShape(t.shape)}`);
    }
    const [B, T] = query.shape;
    const S = value.shape[1];
    if (key.shape[1] !== S || key.shape[0] !== B || value.shape[0] !== B) {
      throw new Error(`${this.name}: query ${fmtShape(query.shape)}, value ${fmtShape(value.shape)} and key ${fmtShape(key.shape)} must share the batch size, and key and value the sequence length`);
    }
    const mask = kwargs.attentionMask ?? null;
    if (mask) {
      const ok = (mask.rank === 2 && mask.shape[0] === T && mask.shape[1] === S) ||
        (mask.rank === 3 && (mask.shape[0] === B || mask.shape[0] === 1) && mask.shape[1] === T && mask.shape[2] === S);
      if (!ok) throw new Error(`${this.name}: attentionMask must be [${T},${S}] or [${B},${T},${S}], got ${fmtShape(mask.shape)}`);
    }
    const causal = !!kwargs.useCausalMask;
    const dropping = !!kwargs.training && this.dropout > 0;
    const wantScores = !!kwargs.returnAttentionScores;
    const scale = 1 / Math.sqrt(this.keyDim);

    return composite(() => {
      const perBatchMask = mask !== null && mask.rank === 3 && mask.shape[0] !== 1;
      const fused = !dropping && !wantScores && !perBatchMask && this.valueDim === this.keyDim && (!causal || T === S);
      if (fused && !mask) {
        // heads stay packed in the last axis: attentionPackedHeads splits and merges them itself
        const [qp, kp, vp] = [[query, 'query'], [key, 'key'], [value, 'value']].map(([t, n]) => this.project(t as Tensor, n as string, this.keyDim, true));
        return this.outputProjection(attentionPackedHeads(qp, kp, vp, this.numHeads, { causal, scale }));
      }
      const q = this.project(query, 'query', this.keyDim);
      const k = this.project(key, 'key', this.keyDim);
      const v = this.project(value, 'value', this.valueDim);
      let ctx: Tensor;
      let scores: Tensor | null = null;
      if (fused) {
        const m = mask ? ENGINE.noGrad(() => composite(() => cast(reshape(mask, [T, S]), 'bool'))) : null;
        ctx = attention(q, k, v, { causal, mask: m, scale });
      } else {
        let s = mul(matMul(q, k, false, true), scale); // [B, H, T, S]
        let keep: Tensor | null = mask ? ENGINE.noGrad(() => composite(() => cast(mask.rank === 3 ? reshape(mask, [mask.shape[0], 1, T, S]) : mask, 'bool'))) : null;
        if (causal) {
          const c = causalBoolMask(T, S);
          keep = keep ? ENGINE.noGrad(() => logicalAnd(keep!, c)) : c;
        }
        if (keep) s = add(s, ENGINE.noGrad(() => where(keep!, 0, -1e9)));
        scores = softmax(s);
        const p = dropping ? mul(scores, dropoutMask(scores.shape, this.dropout)) : scores;
        ctx = matMul(p, v); // [B, H, T, V]
      }
      const y = this.outputProjection(ctx);
      return wantScores ? [y, scores!] : y;
    });
  }

  /** ctx [B, H, T, V] (or [B, T, H*V], heads packed) -> [B*T, H*V] · [H*V, out] -> [B, T, out]. */
  private outputProjection(ctx: Tensor): Tensor {
    const packed = ctx.rank === 3;
    const [B, T] = packed ? ctx.shape : [ctx.shape[0], ctx.shape[2]];
    const HV = this.numHeads * this.valueDim;
    const flat = reshape(packed ? ctx : transpose(ctx, [0, 2, 1, 3]), [B * T, HV]);
    let out = matMul(flat, reshape(this.w['attention_output/kernel']!, [HV, this.outDim]));
    const ob = this.w['attention_output/bias'];
    if (ob) out = add(out, ob);
    return reshape(out, [B, T, this.outDim]);
  }

  /** A KV cache sized for this layer's heads (incremental decoding; keyDim must equal valueDim). */
  createCache(batch: number, capacity: number): KVCache {
    if (this.keyDim !== this.valueDim) throw new Error(`${this.name}: a KV cache needs keyDim (${this.keyDim}) equal to valueDim (${this.valueDim})`);
    return new KVCache(batch, this.numHeads, capacity, this.keyDim);
  }

  /**
   * Causal self-attention of the next positions x [B, n, dim] against `cache`, whose keys and
   * values are extended with x's first (inference only; the layer must be built).
   */
  callCached(x: Tensor, cache: KVCache): Tensor {
    if (x.rank !== 3) throw new Error(`${this.name}: query must be [batch, seq, dim], got ${fmtShape(x.shape)}`);
    return composite(() => {
      const q = this.project(x, 'query', this.keyDim);
      cache.append(this.project(x, 'key', this.keyDim), this.project(x, 'value', this.valueDim));
      return this.outputProjection(cache.attend(q, 1 / Math.sqrt(this.keyDim)));
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      outputShape: this.outputDimConfig,
      attentionAxes: null,
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
      activityRegularizer: null,
      kernelConstraint: null,
      biasConstraint: null,
    };
  }
}

/**
 * Multi-head attention (Keras MultiHeadAttention): call it on [query, value] or [query, value, key].
 * @example
 * ```js
 * const q = tf.ones([1, 4, 8]);
 * tf.layers.multiHeadAttention({ numHeads: 2, keyDim: 4 }).apply([q, q]).shape; // [1, 4, 8]
 * ```
 */
export const multiHeadAttention = (args: MultiHeadAttentionArgs) => new MultiHeadAttention(args);
