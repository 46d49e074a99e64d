/**
 * Workflow 6, model compression (issue 12): trains the demo CNN of cnn.ts, prunes it to 50% sparsity
 * with tf.pruning (polynomialDecay while fine-tuning, then strip), saves the pruned model with its
 * weights as float16 and as uint8 (model.save({quantizeWeights})), and converts it to int8
 * (tf.quantization.quantize, calibrated on training images). Each form is loaded back from its saved
 * bytes and scored: held-out accuracy, weight file bytes (and gzipped: pruning's zeros compress),
 * model.json bytes and predict time per batch of 200 images. Targets: the pruned int8 model loses at
 * most 1 point of accuracy and its weight file is at most 30% of the float32 one.
 */
import type * as Tessera from '../../src/index.js';
import { accuracy, now, type Ts, type TsTensor, type WorkflowOptions, type WorkflowResult } from './common.js';
import { barsCnn, barsTensors, CNN_EPOCHS } from './cnn.js';

/** One compared model: how it was made, its held-out accuracy, its saved sizes and its speed. */
export interface CompressionRow {
  /**
   * 'float32' (trained), 'pruned' (50% sparse, stripped), 'pruned+f16' / 'pruned+uint8' (saved with
   * quantizeWeights, computing in float32 once loaded), 'pruned+int8' (tf.quantization.quantize: int8 kernels).
   */
  model: string;
  accuracy: number;
  /** Bytes of the weight file (the .bin beside model.json). */
  weightBytes: number;
  /** The weight file gzipped (what a server sending Content-Encoding: gzip transfers); null without CompressionStream. */
  gzipBytes: number | null;
  /** Bytes of model.json (topology and weights manifest). */
  jsonBytes: number;
  /** Median predict time for the 200 held-out images (one batch), ms. */
  ms: number;
}

export interface CompressionResult extends WorkflowResult {
  compression: CompressionRow[];
  /** The backend the rows were scored and timed on: the workflow's, or js where that one has no int8 kernels. */
  timingBackend: string;
  /** The targets: accuracy drop <= 1 point and weight file <= 30% of float32, for the `target` row (pruned+int8). */
  targets: { target: string; accuracyDrop: number; sizeRatio: number; ok: boolean };
}

/** Accuracy may drop at most this much (1 point) and the weight file may keep at most 30% of its bytes. */
export const MAX_ACCURACY_DROP = 0.01;
export const MAX_SIZE_RATIO = 0.3;
const FINE_TUNE_EPOCHS = 3;

/** Bytes of `data` gzipped, or null where CompressionStream is missing. */
async function gzipSize(data: ArrayBuffer): Promise<number | null> {
  if (typeof CompressionStream === 'undefined') return null;
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Save `model` in memory (optionally quantized), load it back from those bytes, and measure it. */
async function saveLoadMeasure(ts: Ts, name: string, model: Tessera.LayersModel, xTest: TsTensor, labels: number[], runs: number, quantizeWeights?: 'uint8' | 'float16'): Promise<CompressionRow> {
  let artifacts!: Tessera.io.ModelArtifacts;
  await model.save(ts.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: ts.io.getModelArtifactsInfoForJSON(a) };
  }), { quantizeWeights });
  const info = ts.io.getModelArtifactsInfoForJSON(artifacts);
  const weights = artifacts.weightData as ArrayBuffer;
  const loaded = await ts.loadLayersModel(ts.io.fromMemory(artifacts));
  try {
    return {
      model: name,
      accuracy: await scored(ts, loaded, xTest, labels),
      weightBytes: weights.byteLength,
      gzipBytes: await gzipSize(weights),
      jsonBytes: info.modelTopologyBytes! + info.weightSpecsBytes!,
      ms: await predictMs(loaded, xTest, runs),
    };
  } finally {
    loaded.dispose();
  }
}

async function scored(ts: Ts, model: Tessera.LayersModel, x: TsTensor, labels: number[]): Promise<number> {
  const probs = model.predict(x) as TsTensor;
  const acc = await accuracy(ts, probs, labels);
  probs.dispose();
  return acc;
}

/** Median of `runs` predict calls (after one warm-up), each reading its output back. */
async function predictMs(model: { predict(x: TsTensor): unknown }, x: TsTensor, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = now();
    const y = model.predict(x) as TsTensor;
    await y.data();
    y.dispose();
    if (i > 0) times.push(now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * tf.quantization.quantize(model, {calibrationData}) checked to predict on the active backend; null
 * where that backend lacks an int8 kernel (its "kernel '...' is not implemented" error).
 */
async function int8Model(ts: Ts, model: Tessera.LayersModel, calibrationData: TsTensor, x: TsTensor): Promise<Tessera.LayersModel | null> {
  let int8: Tessera.LayersModel | null = null;
  try {
    int8 = await ts.quantization.quantize(model, { calibrationData });
    const probe = ts.tidy(() => int8!.predict(ts.slice(x, [0, 0, 0, 0], [1, -1, -1, -1])) as TsTensor);
    await probe.data();
    probe.dispose();
    return int8;
  } catch (e) {
    int8?.dispose();
    if (/kernel '\w+' is not implemented/.test((e as Error).message)) return null;
    throw e;
  }
}

/** Zeros over entries of the pruned weights. */
function sparsity(report: Tessera.pruning.WeightSparsity[]): number {
  const pruned = report.filter((r) => r.pruned);
  return pruned.reduce((n, r) => n + r.zeros, 0) / pruned.reduce((n, r) => n + r.size, 0);
}

/** The compression workflow's options: timingRuns, the predict calls timed per model form (default 7). */
export interface CompressionOptions extends WorkflowOptions {
  timingRuns?: number;
}

export async function compression(ts: Ts, opts: CompressionOptions = {}): Promise<CompressionResult> {
  const seed = opts.seed ?? 1;
  const runs = opts.timingRuns ?? 7;
  const epochs = opts.epochs ?? CNN_EPOCHS;
  const t0 = now();
  const { train: [xTrain, yTrain], test: [xTest, yTest], testLabels } = barsTensors(ts, seed);
  const model = barsCnn(ts, seed);
  const made: { dispose(): void }[] = [model, xTrain, yTrain, xTest, yTest];
  try {
    const optimizer = ts.train.adam(0.01);
    made.push(optimizer);
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const fitArgs = { batchSize: 32, shuffle: false, validationData: [xTest, yTest] as [TsTensor, TsTensor], validationBatchSize: 200, verbose: opts.verbose ?? 0 };
    const h = await model.fit(xTrain, yTrain, { ...fitArgs, epochs, callbacks: opts.callbacks });

    // prune to 50%: sparsity 0 -> 0.5 over the first 20 steps (10 batches an epoch), masks every 5 steps
    const wrapped = ts.pruning.pruneLowMagnitude(model, {
      schedule: ts.pruning.polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 20, frequency: 5 }),
    });
    made.push(wrapped);
    const tuner = ts.train.adam(0.002);
    made.push(tuner);
    wrapped.compile({ optimizer: tuner, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const tuned = await wrapped.fit(xTrain, yTrain, { ...fitArgs, epochs: FINE_TUNE_EPOCHS, callbacks: [ts.pruning.updatePruningStep()] });
    const pruned = ts.pruning.strip(wrapped);
    made.push(pruned);
    const trainMs = now() - t0;

    // int8: per-channel int8 kernels, input ranges calibrated on the first 64 training images. Where
    // this backend has no int8 kernels yet, every form is measured on js instead (same backend for all rows).
    const calibrationData = ts.slice(xTrain, [0, 0, 0, 0], [64, -1, -1, -1]);
    made.push(calibrationData);
    const home = ts.getBackend();
    let int8 = await int8Model(ts, pruned, calibrationData, xTest);
    if (!int8) {
      await ts.setBackend('js');
      int8 = (await int8Model(ts, pruned, calibrationData, xTest))!;
    }
    made.push(int8);
    const timingBackend = ts.getBackend();
    const quantizeMs = now() - t0 - trainMs;

    const rows = [
      await saveLoadMeasure(ts, 'float32', model, xTest, testLabels, runs),
      await saveLoadMeasure(ts, 'pruned', pruned, xTest, testLabels, runs),
      await saveLoadMeasure(ts, 'pruned+f16', pruned, xTest, testLabels, runs, 'float16'),
      await saveLoadMeasure(ts, 'pruned+uint8', pruned, xTest, testLabels, runs, 'uint8'),
      await saveLoadMeasure(ts, 'pruned+int8', int8, xTest, testLabels, runs),
    ];
    if (timingBackend !== home) await ts.setBackend(home);
    const base = rows[0];
    const target = rows[rows.length - 1];
    const accuracyDrop = base.accuracy - target.accuracy;
    const sizeRatio = target.weightBytes / base.weightBytes;
    const history: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(h.history)) history[k] = [...v, ...(tuned.history[k] ?? [])];
    return {
      name: 'compression', history, epochs: h.epoch.length + tuned.epoch.length, params: model.countParams(), trainMs, totalMs: now() - t0,
      metrics: {
        accuracy: base.accuracy, prunedAccuracy: rows[1].accuracy, uint8Accuracy: rows[3].accuracy, int8Accuracy: target.accuracy, sizeRatio, quantizeMs,
        sparsity: sparsity(await ts.pruning.sparsityReport(wrapped)),
      },
      compression: rows,
      timingBackend,
      targets: { target: target.model, accuracyDrop, sizeRatio, ok: accuracyDrop <= MAX_ACCURACY_DROP + 1e-9 && sizeRatio <= MAX_SIZE_RATIO },
    };
  } finally {
    for (const m of made) m.dispose();
  }
}
