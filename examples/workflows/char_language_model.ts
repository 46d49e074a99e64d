/**
 * Workflow 5, a character-level language model: a small GPT (tokenAndPositionEmbedding ->
 * transformerDecoder x2 -> dense logits) learns to predict the next character of Articles I-IV
 * of the US Constitution (examples/workflows/corpus_constitution.ts). The text is cut into blocks
 * of VAL_BLOCK characters; every tenth block is held out for validation, the rest trains; the character vocabulary comes from tf.text.Tokenizer
 * ({charLevel: true}). The bar: validation loss (nats per character) at least 40% below the
 * unigram baseline, the entropy of the validation part's character distribution, i.e. the best
 * loss a model that ignores context can reach. Afterwards it samples text with tf.text.generate.
 */
import { now, seededInitializers, type Ts, type TsTensor, type WorkflowOptions, type WorkflowResult } from './common.js';
import { CONSTITUTION_ARTICLES_I_IV } from './corpus_constitution.js';

export const LM_CONTEXT = 64;
/** The prompt the samples start from. */
export const LM_PROMPT = 'The Congress shall';

/** Entropy in nats of the character distribution of `ids` (the unigram baseline). */
export function unigramEntropy(ids: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) counts.set(ids[i], (counts.get(ids[i]) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) h -= (c / ids.length) * Math.log(c / ids.length);
  return h;
}

/** Length of the blocks the text is cut into; every tenth block is validation data. */
export const VAL_BLOCK = 640;

/**
 * Windows of LM_CONTEXT + 1 ids every `stride` ids inside each block (none crosses a block
 * boundary): inputs are the first LM_CONTEXT ids, targets the last LM_CONTEXT.
 */
function windows(ts: Ts, blocks: number[][], stride: number): [TsTensor, TsTensor] {
  const xs: number[] = [];
  const ys: number[] = [];
  let n = 0;
  for (const ids of blocks)
    for (let s = 0; s + LM_CONTEXT + 1 <= ids.length; s += stride, n++) {
      xs.push(...ids.slice(s, s + LM_CONTEXT));
      ys.push(...ids.slice(s + 1, s + LM_CONTEXT + 1));
    }
  return [ts.tensor2d(xs, [n, LM_CONTEXT], 'int32'), ts.tensor2d(ys, [n, LM_CONTEXT], 'int32')];
}

export interface LanguageModelResult extends WorkflowResult {
  samples: { prompt: string; temperature: number; text: string }[];
}

export async function charLanguageModel(ts: Ts, opts: WorkflowOptions = {}): Promise<LanguageModelResult> {
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 12;
  const t0 = now();
  const text = CONSTITUTION_ARTICLES_I_IV;
  const tokenizer = new ts.text.Tokenizer({ charLevel: true, lower: false });
  tokenizer.fitOnTexts([text]);
  const ids = tokenizer.textsToSequences([text])[0];
  const vocab = Object.keys(tokenizer.wordIndex).length + 1; // id 0 is reserved (padding)
  const trainBlocks: number[][] = [];
  const valBlocks: number[][] = [];
  for (let b = 0; b * VAL_BLOCK < ids.length; b++) (b % 10 === 9 ? valBlocks : trainBlocks).push(ids.slice(b * VAL_BLOCK, (b + 1) * VAL_BLOCK));
  // the characters the validation loss scores: each validation window's targets
  const val = windows(ts, valBlocks, LM_CONTEXT);
  const baseline = unigramEntropy(await val[1].data());
  const train = windows(ts, trainBlocks, LM_CONTEXT / 2);
  const init = seededInitializers(ts, seed);
  const dim = 64;
  const model = ts.sequential();
  model.add(ts.layers.tokenAndPositionEmbedding({ vocabularySize: vocab, sequenceLength: LM_CONTEXT, embeddingDim: dim, inputShape: [null], embeddingsInitializer: ts.initializers.randomNormal({ stddev: 0.1, seed: seed * 1009 }) }));
  for (let i = 0; i < 2; i++) model.add(ts.layers.transformerDecoder({ numHeads: 4, intermediateDim: 4 * dim, normFirst: true, dropout: 0.1, kernelInitializer: init(1 + i) }));
  model.add(ts.layers.layerNormalization({}));
  model.add(ts.layers.dense({ units: vocab, kernelInitializer: init(9) }));
  const optimizer = ts.train.adam(0.003);
  try {
    model.compile({ optimizer, loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true } as never });
    const t1 = now();
    const h = await model.fit(train[0], train[1], {
      epochs, batchSize: 8, shuffle: true, validationData: [val[0], val[1]], verbose: opts.verbose ?? 0, callbacks: opts.callbacks,
    });
    const trainMs = now() - t1;
    const valLoss = h.history.val_loss[h.history.val_loss.length - 1];
    const prompt = tokenizer.textsToSequences([LM_PROMPT])[0];
    const samples = [];
    for (const temperature of [0, 0.7]) {
      const out = await ts.text.generate(model, prompt, { maxNewTokens: LM_CONTEXT - prompt.length, temperature, seed });
      samples.push({ prompt: LM_PROMPT, temperature, text: out.map((id) => tokenizer.indexWord[id] ?? '').join('') });
    }
    return {
      name: 'charLanguageModel', history: h.history, epochs: h.epoch.length, params: model.countParams(), trainMs, totalMs: now() - t0,
      metrics: { valLoss, unigramBaseline: baseline, valLossVsBaseline: valLoss / baseline },
      samples,
    };
  } finally {
    model.dispose();
    optimizer.dispose();
    for (const t of [...train, ...val]) t.dispose();
  }
}
