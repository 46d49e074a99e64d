/**
 * `tf.text.generate(model, promptIds, options)`: autoregressive generation with a decoder model
 * that maps token ids [batch, len] to logits [batch, len, vocab] (e.g. tokenAndPositionEmbedding
 * -> N x transformerDecoder -> dense). With a KV cache (the default when the model is a chain of
 * layers that support it), the prompt runs once (prefill) and every new token runs only its own
 * position against the cached keys and values; otherwise the whole sequence runs again for every
 * token. Both give the same tokens. Sampling runs on the host in float64 with a seeded generator.
 */
import type { Tensor } from '../tensor.js';
import { tensor } from '../ops/creation.js';
import { slice } from '../ops/layout.js';
import { tidy } from '../globals.js';
import { seededRandom } from '../ops/creation.js';
import type { KVCache } from '../ops/kv_cache.js';
import { InputLayer, type Layer } from '../layers/layer.js';
import type { LayersModel } from '../models/layers_model.js';
import { TransformerDecoder } from '../layers/attention/transformer_decoder.js';
import { TokenAndPositionEmbedding } from '../layers/position_embedding.js';
import { Embedding } from '../layers/embedding.js';

/**
 * Options of `tf.text.generate`: how many tokens, greedy or sampled (temperature, topK, topP, seed), stop tokens, a per-token callback, the KV cache.
 */
export interface GenerateOptions {
  /** How many tokens to add (default 32). */
  maxNewTokens?: number;
  /** 0 picks the most likely token (greedy); otherwise logits are divided by it and sampled (default 1). */
  temperature?: number;
  /** Sample only among the k most likely tokens. */
  topK?: number;
  /** Sample only among the most likely tokens whose probabilities add up to at least p. */
  topP?: number;
  /** Makes sampling reproducible. */
  seed?: number | string;
  /** Generation stops after producing one of these (it is included in the result). */
  stopTokens?: number[];
  /** Called with each new token id and its index among the new tokens, as it is produced. */
  onToken?: (id: number, index: number) => void | Promise<void>;
  /** Use a KV cache (default: whenever the model's layers allow it). */
  useCache?: boolean;
}

/** Layers that act on each position alone, so running them on new positions only is exact. */
const POSITIONWISE = new Set(['Dense', 'LayerNormalization', 'Dropout', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'ThresholdedReLU', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

type Step = (x: Tensor, start: number) => Tensor;

interface CachedPlan {
  steps: Step[];
  caches: KVCache[];
  capacity: number;
}

/** The model's layers in order when it is a single chain (sequential or a functional chain). */
function chainLayers(model: LayersModel): Layer[] | string {
  const layers = model.layers.filter((l) => !(l instanceof InputLayer));
  if (model.getClassName() === 'Sequential') return layers; // a stack is a chain by construction
  for (let i = 0; i < layers.length; i++) {
    const nodes = layers[i].inboundNodes;
    if (nodes.length !== 1 || nodes[0].inboundTensors.length !== 1) return `layer '${layers[i].name}' has ${nodes.length} calls / several inputs`;
    const from = nodes[0].inboundTensors[0].sourceLayer;
    if (i > 0 && from !== layers[i - 1]) return `layer '${layers[i].name}' does not follow '${layers[i - 1].name}'`;
  }
  return layers;
}

/** Incremental steps for each layer, or why the model cannot use a KV cache. */
function planCached(model: LayersModel, batch: number, needed: number): CachedPlan | string {
  const layers = chainLayers(model);
  if (typeof layers === 'string') return `the model is not a chain of layers (${layers})`;
  const embed = layers[0];
  let capacity = needed;
  if (embed instanceof TokenAndPositionEmbedding) capacity = Math.min(capacity, embed.sequenceLength);
  const steps: Step[] = [];
  const caches: KVCache[] = [];
  for (const [i, layer] of layers.entries()) {
    const cls = layer.getClassName();
    if (i === 0 && layer instanceof TokenAndPositionEmbedding) steps.push((ids, start) => layer.callAt(ids, start));
    else if (i === 0 && layer instanceof Embedding) steps.push((ids) => layer.apply(ids) as Tensor);
    else if (layer instanceof TransformerDecoder) {
      const cache = layer.createCache(batch, capacity);
      caches.push(cache);
      steps.push((x) => layer.callCached(x, cache));
    } else if (POSITIONWISE.has(cls)) steps.push((x) => layer.apply(x, { training: false }) as Tensor);
    else {
      caches.forEach((c) => c.dispose());
      return `layer '${layer.name}' (${cls}) mixes positions in a way the KV cache does not support`;
    }
  }
  return { steps, caches, capacity };
}

/** The index of the next token from one row of logits. */
function pickToken(logits: ArrayLike<number>, opts: Required<Pick<GenerateOptions, 'temperature'>> & GenerateOptions, random: () => number): number {
  const V = logits.length;
  if (opts.temperature === 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  // candidates in descending logit order (ties by index), cut by topK, then by topP
  let order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  if (opts.topK !== undefined) order = order.slice(0, opts.topK);
  const top = logits[order[0]] / opts.temperature;
  let probs = order.map((i) => Math.exp(logits[i] / opts.temperature - top));
  let total = probs.reduce((a, b) => a + b, 0);
  if (opts.topP !== undefined) {
    let acc = 0;
    let keep = 0;
    while (keep < probs.length && acc < opts.topP * total) acc += probs[keep++];
    order = order.slice(0, Math.max(1, keep));
    probs = probs.slice(0, order.length);
    total = probs.reduce((a, b) => a + b, 0);
  }
  let u = random() * total;
  for (let k = 0; k < order.length; k++) {
    u -= probs[k];
    if (u < 0) return order[k];
  }
  return order[order.length - 1];
}

function checkOptions(opts: GenerateOptions): void {
  const op = 'generate';
  const known = new Set(['maxNewTokens', 'temperature', 'topK', 'topP', 'seed', 'stopTokens', 'onToken', 'useCache']);
  for (const k of Object.keys(opts)) if (!known.has(k)) throw new Error(`${op}: unrecognized option '${k}'`);
  if (opts.maxNewTokens !== undefined && !(Number.isInteger(opts.maxNewTokens) && opts.maxNewTokens >= 0))
    throw new Error(`${op}: maxNewTokens must be a non-negative integer, got ${opts.maxNewTokens}`);
  if (opts.temperature !== undefined && !(opts.temperature >= 0 && Number.isFinite(opts.temperature)))
    throw new Error(`${op}: temperature must be a finite number >= 0, got ${opts.temperature}`);
  if (opts.topK !== undefined && !(Number.isInteger(opts.topK) && opts.topK >= 1)) throw new Error(`${op}: topK must be a positive integer, got ${opts.topK}`);
  if (opts.topP !== undefined && !(opts.topP > 0 && opts.topP <= 1)) throw new Error(`${op}: topP must be in (0, 1], got ${opts.topP}`);
}

/**
 * Generates new token ids after a prompt, one at a time; resolves to the new ids only.
 *
 * ```js
 * const ids = await tf.text.generate(gpt, [5, 17, 3], {maxNewTokens: 20, temperature: 0.8, topK: 10, seed: 1});
 * ```
 */
export async function generate(model: LayersModel, promptIds: number[], options: GenerateOptions = {}): Promise<number[]> {
  const op = 'generate';
  checkOptions(options);
  if (!model || typeof (model as LayersModel).predict !== 'function') throw new Error(`${op}: model must be a LayersModel`);
  if (!Array.isArray(promptIds) || promptIds.length === 0 || !promptIds.every((t) => Number.isInteger(t) && t >= 0))
    throw new Error(`${op}: promptIds must be a non-empty array of non-negative integer token ids, got ${JSON.stringify(promptIds)}`);
  const maxNew = options.maxNewTokens ?? 32;
  const opts = { ...options, temperature: options.temperature ?? 1 };
  const stop = new Set(options.stopTokens ?? []);
  const random = seededRandom(options.seed ?? null);
  const needed = promptIds.length + maxNew;

  let plan: CachedPlan | null = null;
  if (options.useCache !== false) {
    const p = planCached(model, 1, needed);
    if (typeof p === 'string') {
      if (options.useCache === true) throw new Error(`${op}: useCache is true but ${p}`);
    } else plan = p;
  }
  if (plan && plan.capacity < needed)
    throw new Error(`${op}: the prompt (${promptIds.length}) plus maxNewTokens (${maxNew}) is ${needed} positions; the model embeds at most ${plan.capacity}`);

  const ids = promptIds.slice();
  const out: number[] = [];
  try {
    let pending = promptIds; // positions not yet run through the cached plan
    for (let n = 0; n < maxNew; n++) {
      const last = tidy(() => {
        let y: Tensor;
        if (plan) {
          const start = ids.length - pending.length;
          y = plan.steps.reduce((x, step) => step(x, start), tensor([pending], [1, pending.length], 'int32'));
        } else {
          y = model.predict(tensor([ids], [1, ids.length], 'int32')) as Tensor;
        }
        if (y.rank !== 3) throw new Error(`${op}: the model must output logits [batch, len, vocab], got shape [${y.shape}]`);
        return slice(y, [0, y.shape[1] - 1, 0], [1, 1, y.shape[2]]);
      });
      const logits = (await last.data()) as Float32Array;
      last.dispose();
      const id = pickToken(logits, opts, random);
      ids.push(id);
      out.push(id);
      pending = [id];
      await options.onToken?.(id, n);
      if (stop.has(id)) break;
    }
  } finally {
    plan?.caches.forEach((c) => c.dispose());
  }
  return out;
}
