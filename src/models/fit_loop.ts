/**
 * model.fit / fitDataset / trainOnBatch. One training step = a tidy around variableGrads of the
 * total loss over model.trainableWeights, optimizer.applyGradients and the weights'
 * constraints. Each step also yields a statistics vector (loss and metric numerators /
 * denominators) that is summed on the device and read once per epoch; per-batch values are
 * read only when a user callback has onBatchBegin/onBatchEnd.
 */
import { ENGINE } from '../engine.js';
import { withoutTieredCompile } from '../backends/backend.js';
import { tidy } from '../globals.js';
import { Tensor } from '../tensor.js';
import { variableGrads } from '../autograd.js';
import { tensor1d } from '../ops/creation.js';
import { div, greater, mul, where } from '../ops/binary.js';
import { fmtShape } from '../util.js';
import { reshape, slice, unstack } from '../ops/layout.js';
import type { LayersModel } from './layers_model.js';
import { batchLoss, requireCompiled, resolveCompiled, statsToLogs, statsToValues } from './compile.js';
import {
  accumulate, classWeightTables, ensureBuilt, evaluateStats, forward, gatherAll, numSamples, sampleWeightsFor, sliceAll, statsToScalars,
  toList, type ClassWeightArg, type TensorArg,
} from './data.js';
import { FitCallbacks, defaultVerbose, type CallbackInput } from './fit_callbacks.js';
import { History } from './callbacks.js';
import type { Logs, TrainParams } from './callbacks.js';
import { isDeviceLoss, reviveWeights } from './fit_recovery.js';
import { FitSnapshot } from './fit_snapshot.js';
import { runTrainStep, trainPlanFor, type StepTensors } from './train_plan.js';
import type { Plan, Untraceable } from '../plan/types.js';
import { Yielder, type YieldEveryMode } from './yielder.js';

export interface FitArgs {
  batchSize?: number;
  epochs?: number;
  verbose?: number;
  callbacks?: CallbackInput;
  /** Fraction of the samples (the last ones, taken before shuffling) held out for validation. */
  validationSplit?: number;
  validationData?: [TensorArg, TensorArg] | [TensorArg, TensorArg, unknown];
  shuffle?: boolean;
  classWeight?: ClassWeightArg;
  initialEpoch?: number;
  /** Validation batch size (default batchSize). */
  validationBatchSize?: number;
  /** When training hands control back to the event loop (see yielder.ts); default 'auto'. */
  yieldEvery?: YieldEveryMode;
  /** Per-sample loss weights (Keras): one [n] tensor, or one per output; multiplied with classWeight's. */
  sampleWeight?: Tensor | Tensor[];
}

/** An object with `iterator()` (TF.js Dataset) or an (async) iterable of {xs, ys} batches. */
export type DatasetLike =
  | { iterator(): Promise<BatchIterator> | BatchIterator }
  | AsyncIterable<unknown>
  | Iterable<unknown>;
interface BatchIterator {
  next(): Promise<IteratorResult<unknown>> | IteratorResult<unknown>;
}

export interface FitDatasetArgs {
  epochs: number;
  batchesPerEpoch?: number;
  verbose?: number;
  callbacks?: CallbackInput;
  validationData?: DatasetLike | [TensorArg, TensorArg];
  validationBatches?: number;
  classWeight?: ClassWeightArg;
  initialEpoch?: number;
  yieldEvery?: YieldEveryMode;
}

/** One optimizer step on a batch (through the model's recorded plan, see train_plan.ts); returns the batch's statistics vector. */
function trainStep(model: LayersModel, xs: Tensor[], ys: Tensor[], tables?: (Tensor | null)[], sampleWeights?: Tensor[]): Tensor {
  // A training step waits for its kernels' own pipelines (no tiered-compilation stand-in, Backend.tieredCompile):
  // its numbers must not depend on which compiles happened to be done.
  return withoutTieredCompile(ENGINE.backend, () => runTrainStep(model, { xs, ys, tables, sampleWeights }, eagerTrainStep));
}

/** One optimizer step on a batch, eagerly (what a recorded plan traces). */
function eagerTrainStep(model: LayersModel, { xs, ys, tables, sampleWeights }: StepTensors): Tensor {
  const c = requireCompiled(model, 'fit');
  const r = resolveCompiled(model);
  const varList = model.trainableWeights;
  return tidy(() => {
    let stats: Tensor | undefined;
    const { grads } = variableGrads(() => {
      const outs = forward(model, xs, true);
      let sw = sampleWeightsFor(tables, ys, outs.map((o) => o.rank));
      if (sampleWeights) sw = sampleWeights.map((w, i) => (sw?.[i] ? mul(sw[i]!, w) : w));
      const res = batchLoss(model, r, outs, ys, sw);
      // kept past variableGrads' scope until the tidy returns it (not tf.keep: the stats are the
      // step's result, which a recorded plan returns, not a tensor it keeps)
      stats = res.stats;
      stats.kept = true;
      return res.total;
    }, varList);
    c.optimizer.applyGradients(grads);
    const cons = model.constraints();
    if (cons.length) ENGINE.noGrad(() => tidy(() => cons.forEach(({ variable, constraint }) => variable.assign(constraint(variable)))));
    stats!.kept = false;
    return stats!;
  });
}

function shuffledIndices(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}

/** fit's sampleWeight as one [n] tensor per output. */
function sampleWeightList(model: LayersModel, sw: Tensor | Tensor[] | undefined, n: number): Tensor[] | undefined {
  if (sw == null) return undefined;
  const outputs = model.outputs.length || 1;
  const list = Array.isArray(sw) ? sw : new Array<Tensor>(outputs).fill(sw);
  if (list.length !== outputs) throw new Error(`fit: sampleWeight has ${list.length} tensor(s) for ${outputs} output(s)`);
  for (const w of list) {
    if (!(w instanceof Tensor) || w.rank !== 1 || w.shape[0] !== n) {
      throw new Error(`fit: sampleWeight must be a 1-D tensor of ${n} per-sample weights (one per output), got ${w instanceof Tensor ? fmtShape(w.shape) : typeof w}`);
    }
  }
  return list;
}

function checkEpochs(op: string, epochs: number, initialEpoch: number): void {
  if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`${op}: epochs must be a non-negative integer, got ${epochs}`);
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new Error(`${op}: initialEpoch must be a non-negative integer, got ${initialEpoch}`);
}

/** fit()'s result (TF.js History), params set. */
function newHistory(params: TrainParams): History {
  const h = new History();
  h.params = params;
  return h;
}

export { History };

export async function fit(model: LayersModel, x: TensorArg, y: TensorArg, args: FitArgs = {}): Promise<History> {
  requireCompiled(model, 'fit');
  let xs = toList(model, x, 'x', 'fit');
  let ys = toList(model, y, 'y', 'fit');
  let n = numSamples('fit', [xs, ys]);
  let sws = sampleWeightList(model, args.sampleWeight, n);
  const batchSize = args.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`fit: batchSize must be a positive integer, got ${batchSize}`);
  const epochs = args.epochs ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  checkEpochs('fit', epochs, initialEpoch);
  const owned: Tensor[] = [];
  let valXs: Tensor[] | undefined;
  let valYs: Tensor[] | undefined;
  // Each epoch's running totals and batch statistics are disposed in runEpoch's `finally` blocks.
  try {
    if (args.validationData) {
      const [vx, vy] = args.validationData;
      valXs = toList(model, vx, 'x', 'fit (validationData)');
      valYs = toList(model, vy, 'y', 'fit (validationData)');
      numSamples('fit (validationData)', [valXs, valYs]);
    } else if (args.validationSplit) {
      const split = args.validationSplit;
      if (!(split > 0 && split < 1)) throw new Error(`fit: validationSplit must be in (0, 1), got ${split}`);
      const at = Math.floor(n * (1 - split));
      if (at < 1 || at >= n) throw new Error(`fit: validationSplit ${split} leaves no training or no validation samples out of ${n}`);
      valXs = sliceAll(xs, at, n - at);
      valYs = sliceAll(ys, at, n - at);
      xs = sliceAll(xs, 0, at);
      ys = sliceAll(ys, 0, at);
      owned.push(...valXs, ...valYs, ...xs, ...ys);
      if (sws) {
        sws = sliceAll(sws, 0, at);
        owned.push(...sws);
      }
      n = at;
    }
    ensureBuilt(model, xs);
    reviveWeights(model, 'fit', requireCompiled(model, 'fit').optimizer.slotEntries().flatMap(([, s]) => s));
    const r = resolveCompiled(model);
    const tables = classWeightTables(model, args.classWeight);
    owned.push(...((tables ?? []).filter(Boolean) as Tensor[]));
    const steps = Math.ceil(n / batchSize);
    const verbose = args.verbose ?? defaultVerbose();
    const doValidation = !!valXs;
    const params: TrainParams = {
      epochs, initialEpoch, samples: n, steps, batchSize, verbose, doValidation,
      metrics: [...r.statNames, ...(doValidation ? r.statNames.map((s) => `val_${s}`) : [])],
    };
    const cbs = new FitCallbacks(args.callbacks, model, params);
    const history = newHistory(params);
    model.stopTraining = false;
    const shuffle = args.shuffle ?? true;
    const yielder = new Yielder(args.yieldEvery, 'fit');
    await cbs.onTrainBegin();
    const runEpoch = async (epoch: number): Promise<Logs> => {
      await cbs.onEpochBegin(epoch);
      const perm = shuffle ? shuffledIndices(n) : null;
      let acc: Tensor | null = null;
      try {
        for (let b = 0; b < steps; b++) {
          const start = b * batchSize;
          const size = Math.min(batchSize, n - start);
          const batchLogs: Logs = { batch: b, size };
          await cbs.onBatchBegin(b, batchLogs);
          const stats = tidy(() => {
            if (!perm) return trainStep(model, sliceAll(xs, start, size), sliceAll(ys, start, size), tables, sws && sliceAll(sws, start, size));
            const idx = tensor1d(perm.subarray(start, start + size), 'int32');
            return trainStep(model, gatherAll(xs, idx), gatherAll(ys, idx), tables, sws && gatherAll(sws, idx));
          });
          acc = accumulate(acc, stats);
          try {
            if (cbs.wantsBatchLogs) Object.assign(batchLogs, statsToLogs(r, await stats.data()));
          } finally {
            stats.dispose();
          }
          await cbs.onBatchEnd(b, batchLogs);
          if (model.stopTraining) break;
          if (b < steps - 1) await yielder.afterBatch();
        }
        const logs = acc ? statsToLogs(r, await acc.data()) : {};
        if (valXs && valYs) {
          const v = evaluateStats(model, r, valXs, valYs, args.validationBatchSize ?? batchSize);
          try {
            Object.assign(logs, statsToLogs(r, await v.data(), 'val_'));
          } finally {
            v.dispose();
          }
        }
        return logs;
      } finally {
        acc?.dispose();
      }
    };
    // On a backend that can lose its device, snapshot data, weights and optimizer state.
    const data = new Set([...xs, ...ys, ...(sws ?? []), ...(valXs ?? []), ...(valYs ?? []), ...owned]);
    const guard = await FitSnapshot.begin(model, requireCompiled(model, 'fit').optimizer, [...data], initialEpoch);
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      try {
        const logs = await runEpoch(epoch);
        await cbs.onEpochEnd(epoch, logs);
        history.onEpochEnd(epoch, logs);
        await guard?.capture(epoch + 1);
        await yielder.afterEpoch();
      } catch (e) {
        if (!guard || !isDeviceLoss(e)) throw e;
        const info = await guard.restore(e);
        history.truncate(info.resumeEpoch);
        await cbs.onDeviceLost(info);
        epoch = info.resumeEpoch - 1;
      }
    }
    await cbs.onTrainEnd();
    if (guard) history.snapshotMs = guard.snapshotMs;
    return history;
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** Normalise a dataset element ({xs, ys} or [xs, ys]) to tensor lists. */
function elementToLists(model: LayersModel, value: unknown): { xs: Tensor[]; ys: Tensor[] } {
  let xv: unknown;
  let yv: unknown;
  if (Array.isArray(value) && value.length === 2) [xv, yv] = value;
  else if (value && typeof value === 'object' && 'xs' in value && 'ys' in value) ({ xs: xv, ys: yv } = value as { xs: unknown; ys: unknown });
  else throw new Error('fitDataset: dataset elements must be {xs, ys} (or [xs, ys])');
  return { xs: toList(model, xv as TensorArg, 'x', 'fitDataset'), ys: toList(model, yv as TensorArg, 'y', 'fitDataset') };
}

async function openIterator(dataset: DatasetLike, op: string): Promise<BatchIterator> {
  const d = dataset as Record<string | symbol, unknown>;
  if (d && typeof d.iterator === 'function') return await (d.iterator as () => Promise<BatchIterator>)();
  if (d && typeof d[Symbol.asyncIterator] === 'function') return (d[Symbol.asyncIterator] as () => BatchIterator)();
  if (d && typeof d[Symbol.iterator] === 'function') return (d[Symbol.iterator] as () => BatchIterator)();
  throw new Error(`${op}: expected a dataset with iterator() or an (async) iterable of {xs, ys}`);
}

/** [x, y] tensors (as opposed to a dataset, which may itself be an array of batches). */
function isTensorPair(v: unknown): v is [TensorArg, TensorArg] {
  if (!Array.isArray(v) || v.length !== 2) return false;
  const first = v[0];
  return first instanceof Tensor || (Array.isArray(first) && first[0] instanceof Tensor);
}

const disposeLists = (e: { xs: Tensor[]; ys: Tensor[] }) => [...e.xs, ...e.ys].forEach((t) => t.dispose());

/** Summed statistics over a validation dataset (disposes its batches, as TF.js does). */
async function datasetStats(model: LayersModel, dataset: DatasetLike, maxBatches?: number): Promise<Tensor | null> {
  const it = await openIterator(dataset, 'evaluate (dataset)');
  let acc: Tensor | null = null;
  for (let b = 0; maxBatches === undefined || b < maxBatches; b++) {
    const res = await it.next();
    if (res.done) break;
    const e = elementToLists(model, res.value);
    ensureBuilt(model, e.xs);
    const r = resolveCompiled(model);
    const stats = ENGINE.noGrad(() => tidy(() => batchLoss(model, r, forward(model, e.xs, false), e.ys).stats));
    disposeLists(e);
    acc = accumulate(acc, stats);
    stats.dispose();
  }
  return acc;
}

export async function fitDataset(model: LayersModel, dataset: DatasetLike, args: FitDatasetArgs): Promise<History> {
  requireCompiled(model, 'fitDataset');
  if (!args || args.epochs === undefined) throw new Error('fitDataset: needs {epochs}');
  const initialEpoch = args.initialEpoch ?? 0;
  checkEpochs('fitDataset', args.epochs, initialEpoch);
  const bpe = args.batchesPerEpoch;
  if (bpe !== undefined && (!Number.isInteger(bpe) || bpe < 1)) throw new Error(`fitDataset: batchesPerEpoch must be a positive integer, got ${bpe}`);
  const verbose = args.verbose ?? defaultVerbose();
  const doValidation = !!args.validationData;
  const owned: Tensor[] = [];
  let history: History | undefined;
  let acc: Tensor | null = null; // disposed in `finally` when a callback or step throws
  let pending: Tensor | null = null;
  try {
    const yielder = new Yielder(args.yieldEvery, 'fitDataset');
    let it = await openIterator(dataset, 'fitDataset');
    let cbs: FitCallbacks | undefined;
    let r: ReturnType<typeof resolveCompiled> | undefined;
    let tables: (Tensor | null)[] | undefined;
    model.stopTraining = false;
    // On a backend that can lose its device: epoch-end snapshots of weights and optimizer state,
    // taken from the first batch on (the model may be built only then).
    let guard: FitSnapshot | null = null;
    let reopen = false;
    for (let epoch = initialEpoch; epoch < args.epochs && !model.stopTraining; epoch++) {
      if ((epoch > initialEpoch || reopen) && bpe === undefined) it = await openIterator(dataset, 'fitDataset');
      reopen = false;
      acc = null;
      let b = 0;
      let began = false;
      try {
        while (bpe === undefined || b < bpe) {
          const res = await it.next();
          if (res.done) {
            if (bpe !== undefined) {
              console.warn(`fitDataset: the dataset ran out of data after ${b} batches of epoch ${epoch + 1} (batchesPerEpoch ${bpe}); stopping training`);
              model.stopTraining = true;
            }
            break;
          }
          const e = elementToLists(model, res.value);
          if (!cbs) {
            // First batch: build the model, resolve metrics, start the callbacks.
            try {
              ensureBuilt(model, e.xs);
              reviveWeights(model, 'fitDataset', requireCompiled(model, 'fitDataset').optimizer.slotEntries().flatMap(([, s]) => s));
              const vd = args.validationData;
              const valData = isTensorPair(vd) ? [...toList(model, vd[0], 'x', 'fitDataset (validationData)'), ...toList(model, vd[1], 'y', 'fitDataset (validationData)')] : [];
              guard = await FitSnapshot.begin(model, requireCompiled(model, 'fitDataset').optimizer, valData, epoch);
            } catch (err) {
              disposeLists(e);
              throw err;
            }
            r = resolveCompiled(model);
            tables = classWeightTables(model, args.classWeight);
            owned.push(...((tables ?? []).filter(Boolean) as Tensor[]));
            const params: TrainParams = {
              epochs: args.epochs, initialEpoch, steps: bpe ?? null, verbose, doValidation,
              metrics: [...r.statNames, ...(doValidation ? r.statNames.map((s) => `val_${s}`) : [])],
            };
            cbs = new FitCallbacks(args.callbacks, model, params);
            history = newHistory(params);
            await cbs.onTrainBegin();
          }
          if (!began) {
            await cbs.onEpochBegin(epoch);
            began = true;
          }
          const batchLogs: Logs = { batch: b, size: numSamples('fitDataset', [e.xs, e.ys]) };
          await cbs.onBatchBegin(b, batchLogs);
          let stats: Tensor;
          try {
            stats = trainStep(model, e.xs, e.ys, tables);
          } finally {
            disposeLists(e);
          }
          pending = stats;
          acc = accumulate(acc, stats);
          if (cbs.wantsBatchLogs) Object.assign(batchLogs, statsToLogs(r!, await stats.data()));
          stats.dispose();
          await cbs.onBatchEnd(b, batchLogs);
          b++;
          if (model.stopTraining) break;
          await yielder.afterBatch();
        }
        if (!cbs || !began) break;
        const logs = acc ? statsToLogs(r!, await acc.data()) : {};
        acc?.dispose();
        acc = null;
        if (args.validationData) {
          const vd = args.validationData;
          let v: Tensor | null;
          if (isTensorPair(vd)) {
            const vx = toList(model, vd[0] as TensorArg, 'x', 'fitDataset (validationData)');
            const vy = toList(model, vd[1] as TensorArg, 'y', 'fitDataset (validationData)');
            v = evaluateStats(model, r!, vx, vy, 32);
          } else {
            v = await datasetStats(model, vd as DatasetLike, args.validationBatches);
          }
          if (v) {
            pending = v;
            Object.assign(logs, statsToLogs(r!, await v.data(), 'val_'));
            v.dispose();
          }
        }
        await cbs.onEpochEnd(epoch, logs);
        history!.onEpochEnd(epoch, logs);
        await guard?.capture(epoch + 1);
        await yielder.afterEpoch();
      } catch (e) {
        if (!guard || !cbs || !isDeviceLoss(e)) throw e;
        // Resume from the last epoch-end snapshot; a dataset re-iterated per epoch starts that
        // epoch over, one read on across epochs (batchesPerEpoch) goes on with its next batches.
        acc?.dispose();
        acc = null;
        pending?.dispose();
        pending = null;
        const info = await guard.restore(e);
        history!.truncate(info.resumeEpoch);
        await cbs.onDeviceLost(info);
        epoch = info.resumeEpoch - 1;
        reopen = true;
      }
    }
    if (!cbs) throw new Error('fitDataset: the dataset yielded no batches');
    await cbs.onTrainEnd();
    if (guard) history!.snapshotMs = guard.snapshotMs;
    return history!;
  } finally {
    for (const t of owned) t.dispose();
    acc?.dispose();
    pending?.dispose();
  }
}

/** TF.js `evaluateDataset`: loss (and metrics) over a dataset's batches (all, or `batches`). */
export async function evaluateDataset(model: LayersModel, dataset: DatasetLike, args: { batches?: number; verbose?: number } = {}): Promise<Tensor | Tensor[]> {
  requireCompiled(model, 'evaluateDataset');
  const acc = await datasetStats(model, dataset, args.batches);
  if (!acc) throw new Error('evaluateDataset: the dataset yielded no batches');
  const out = statsToScalars(acc, resolveCompiled(model).statNames.length);
  acc.dispose();
  return out.length === 1 ? out[0] : out;
}

/**
 * The recorded training step trainOnBatch(x, y) replays for tensors like these, or why it runs
 * eagerly. Tracing runs one training step when the signature has no plan yet.
 */
export function trainStepPlan(model: LayersModel, x: TensorArg, y: TensorArg): Plan | Untraceable {
  const xs = toList(model, x, 'x', 'trainOnBatch');
  const ys = toList(model, y, 'y', 'trainOnBatch');
  ensureBuilt(model, xs);
  return trainPlanFor(model, { xs, ys }, eagerTrainStep);
}

/** One step on one batch; returns the loss, or [loss, ...metrics] when metrics are compiled. */
export async function trainOnBatch(model: LayersModel, x: TensorArg, y: TensorArg): Promise<number | number[]> {
  requireCompiled(model, 'trainOnBatch');
  const xs = toList(model, x, 'x', 'trainOnBatch');
  const ys = toList(model, y, 'y', 'trainOnBatch');
  numSamples('trainOnBatch', [xs, ys]);
  ensureBuilt(model, xs);
  reviveWeights(model, 'trainOnBatch', requireCompiled(model, 'trainOnBatch').optimizer.slotEntries().flatMap(([, s]) => s));
  const r = resolveCompiled(model);
  const stats = trainStep(model, xs, ys);
  // by position, not through a name -> value record: two outputs of one layer share a name (TF.js returns both)
  const values = statsToValues(r, await stats.data());
  stats.dispose();
  return values.length === 1 ? values[0] : values;
}
