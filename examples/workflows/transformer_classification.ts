/**
 * Workflow 3, transformer classifier: token Embedding + a learned position embedding (a small
 * custom layer built on the public Layer API) -> transformerEncoder (pre-norm) ->
 * globalAveragePooling1d -> Dense(softmax). The generated task needs attention: "does the first
 * token occur again later in the sequence?" — every position compares its token with the first.
 * Reports accuracy on a held-out set.
 */
import { now, randInt, rng, seededInitializers, type Ts, type TsTensor, type WorkflowOptions, type WorkflowResult, fitClassifier } from './common.js';

export const REPEAT_VOCAB = 6;
export const REPEAT_SEQ_LEN = 6;

/**
 * `n` sequences of ids in [1, REPEAT_VOCAB); label 1 when the first id occurs again later (put
 * at one or two random later positions), 0 when no later id equals it. Balanced classes.
 */
export function repeatData(seed: number, n: number): { ids: number[]; labels: number[] } {
  const rand = rng(seed);
  const ids: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const first = randInt(rand, 1, REPEAT_VOCAB);
    const positive = rand() < 0.5 ? 1 : 0;
    const seq = [first];
    for (let j = 1; j < REPEAT_SEQ_LEN; j++) {
      let t = randInt(rand, 1, REPEAT_VOCAB - 1);
      if (t >= first) t++; // any id but `first`
      seq.push(t);
    }
    if (positive) {
      const copies = rand() < 0.5 ? 1 : 2;
      for (let c = 0; c < copies; c++) seq[randInt(rand, 1, REPEAT_SEQ_LEN)] = first;
    }
    ids.push(...seq);
    labels.push(positive);
  }
  return { ids, labels };
}

/** A layer adding a learned [seqLen, dim] position embedding to [batch, seqLen, dim] inputs. */
export function positionEmbeddingLayer(ts: Ts, args: { seqLen: number; seed: number; name?: string }) {
  class PositionEmbedding extends ts.Layer {
    static override className = 'PositionEmbedding';
    positions?: TsTensor;
    override build(inputShape: (number | null)[] | (number | null)[][]): void {
      const dim = (inputShape as (number | null)[])[2];
      if (dim == null) throw new Error(`${this.name}: needs a known feature dimension`);
      this.positions = this.addWeight('embeddings', [args.seqLen, dim], 'float32', ts.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: args.seed }));
    }
    call(inputs: TsTensor | TsTensor[]): TsTensor {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return ts.add(x, this.positions!);
    }
    override getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), seqLen: args.seqLen };
    }
  }
  return new PositionEmbedding({ name: args.name });
}

export async function transformerClassification(ts: Ts, opts: WorkflowOptions = {}): Promise<WorkflowResult> {
  const seed = opts.seed ?? 1;
  const epochs = opts.epochs ?? 20;
  const t0 = now();
  const train = repeatData(seed, 600);
  const test = repeatData(seed + 7919, 200);
  const toTensors = (d: { ids: number[]; labels: number[] }): [TsTensor, TsTensor] => [
    ts.tensor2d(d.ids, [d.labels.length, REPEAT_SEQ_LEN], 'int32'),
    ts.tensor1d(d.labels, 'int32'),
  ];
  const [xTrain, yTrain] = toTensors(train);
  const [xTest, yTest] = toTensors(test);
  const init = seededInitializers(ts, seed);
  const dim = 16;
  const model = ts.sequential({
    layers: [
      ts.layers.embedding({ inputDim: REPEAT_VOCAB, outputDim: dim, inputLength: REPEAT_SEQ_LEN, embeddingsInitializer: init(0) }),
      positionEmbeddingLayer(ts, { seqLen: REPEAT_SEQ_LEN, seed: seed * 1009 + 1 }),
      ts.layers.transformerEncoder({ numHeads: 4, intermediateDim: 32, normFirst: true, kernelInitializer: init(2) }),
      ts.layers.globalAveragePooling1d({}),
      ts.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
  const optimizer = ts.train.adam(0.02);
  return fitClassifier(ts, {
    name: 'transformerClassification', model, optimizer, loss: 'sparseCategoricalCrossentropy', batchSize: 100, epochs,
    train: [xTrain, yTrain], test: [xTest, yTest], testLabels: test.labels, t0,
  }, opts);
}
