/**
 * Shared pieces of the example workflows: the library namespace type (workflows receive the
 * namespace as an argument, so the same code runs on src/index.ts in Node and on the bundle in
 * a page), a seeded random generator for the generated data sets, option and result types,
 * held-out accuracy, and the seeded initializers the models use so runs are reproducible.
 */
import type * as Tessera from '../../src/index.js';

/** The tessera namespace (`import * as ts from 'tessera'`). */
export type Ts = typeof Tessera;
export type TsTensor = Tessera.Tensor;

/** What fit() accepts as `callbacks`. */
export type FitCallbacks = NonNullable<Parameters<Tessera.LayersModel['fit']>[2]>['callbacks'];

export interface WorkflowOptions {
  /** Seeds the generated data and the weight initializers (default 1). */
  seed?: number;
  /** Overrides the workflow's tuned number of epochs. */
  epochs?: number;
  /** fit() verbosity (default 0: silent). */
  verbose?: number;
  /** Extra fit() callbacks (e.g. a demo drawing curves live). */
  callbacks?: FitCallbacks;
}

export interface WorkflowResult {
  name: string;
  /** History.history of fit(): per-epoch loss / metric values, val_ ones on the held-out set. */
  history: Record<string, number[]>;
  epochs: number;
  /** Final numbers the acceptance tests check (accuracy on held-out data, predict5, ...). */
  metrics: Record<string, number>;
  /** Parameter count of the model. */
  params: number;
  trainMs: number;
  totalMs: number;
}

/** mulberry32: a small deterministic generator of floats in [0, 1). */
export function rng(seed: number): () => number {
  let s = (seed * 0x9e3779b1) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [lo, hi) from `rand`. */
export const randInt = (rand: () => number, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo));

/** Standard normal sample (Box-Muller) from `rand`. */
export function randNormal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * Seeded Glorot-uniform initializers: `init(k)` gives the k-th one, so every weight of a model
 * gets its own reproducible values.
 */
export function seededInitializers(ts: Ts, seed: number): (k: number) => Tessera.initializers.Initializer {
  return (k) => ts.initializers.glorotUniform({ seed: seed * 1009 + k });
}

/**
 * Fraction of rows whose predicted class equals `labels`: argMax over the last axis for
 * softmax outputs, `p > 0.5` for a single sigmoid unit.
 */
export async function accuracy(ts: Ts, probs: TsTensor, labels: ArrayLike<number>): Promise<number> {
  const units = probs.shape[probs.shape.length - 1];
  const predicted = ts.tidy(() => (units === 1 ? ts.cast(ts.greater(ts.reshape(probs, [-1]), 0.5), 'int32') : ts.argMax(probs, -1)));
  const values = await predicted.data();
  predicted.dispose();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (values[i] === labels[i]) right++;
  return right / labels.length;
}

/** Milliseconds since an arbitrary origin (Node and browsers). */
export const now = (): number => globalThis.performance.now();

export interface ClassifierRun {
  name: string;
  model: Tessera.LayersModel;
  optimizer: Tessera.Optimizer;
  loss: string;
  batchSize: number;
  epochs: number;
  train: [TsTensor, TsTensor];
  test: [TsTensor, TsTensor];
  testLabels: ArrayLike<number>;
  /** When the workflow started (data generation counts in totalMs). */
  t0: number;
}

/**
 * Compile, fit with the held-out set as validation, and score held-out accuracy; disposes the
 * model, the optimizer and the data tensors afterwards. Shared by the classifier workflows.
 */
export async function fitClassifier(ts: Ts, run: ClassifierRun, opts: WorkflowOptions): Promise<WorkflowResult> {
  const { model, optimizer } = run;
  const [xTrain, yTrain] = run.train;
  const [xTest, yTest] = run.test;
  try {
    model.compile({ optimizer, loss: run.loss, metrics: ['accuracy'] });
    const t1 = now();
    const h = await model.fit(xTrain, yTrain, {
      epochs: run.epochs, batchSize: run.batchSize, shuffle: false, validationData: [xTest, yTest], validationBatchSize: 200,
      verbose: opts.verbose ?? 0, callbacks: opts.callbacks,
    });
    const trainMs = now() - t1;
    const probs = model.predict(xTest) as TsTensor;
    const acc = await accuracy(ts, probs, run.testLabels);
    probs.dispose();
    const loss = h.history.loss;
    return {
      name: run.name, history: h.history, epochs: h.epoch.length, params: model.countParams(), trainMs, totalMs: now() - run.t0,
      metrics: { accuracy: acc, finalLoss: loss[loss.length - 1] },
    };
  } finally {
    model.dispose();
    optimizer.dispose();
    for (const t of [xTrain, yTrain, xTest, yTest]) t.dispose();
  }
}
