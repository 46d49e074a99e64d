/**
 * Training callbacks (the public `callbacks` namespace): the Callback base class and
 * callbacks.earlyStopping (TF.js / Keras semantics, plus Keras's restoreBestWeights). fit()
 * also accepts plain objects with any of onTrainBegin, onEpochBegin, onEpochEnd, onBatchBegin,
 * onBatchEnd, onTrainEnd; each hook may be async and is awaited.
 */
import { ENGINE } from '../engine.js';
import { tidy } from '../globals.js';
import type { Tensor } from '../tensor.js';
import type { LayersModel } from './layers_model.js';
import type { DeviceLostInfo } from './fit_recovery.js';

/**
 * The metrics `fit()` passes to callbacks: {loss, acc, val_loss, ...} by name.
 */
export type Logs = Record<string, number>;

/** The hooks fit() calls, all optional. */
export interface CustomCallbackArgs {
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
  /** fit() lost its WebGPU device and resumes from a snapshot (tessera extension). */
  onDeviceLost?(info: DeviceLostInfo): void | Promise<void>;
}

/** Parameters fit() hands callbacks (TF.js `params`). */
export interface TrainParams {
  epochs: number;
  initialEpoch: number;
  samples?: number;
  steps?: number | null;
  batchSize?: number;
  verbose: number;
  doValidation: boolean;
  metrics: string[];
}

/** Base class for callbacks that need the model (TF.js `Callback`). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-unsafe-declaration-merging
export interface Callback extends CustomCallbackArgs {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Callback {
  model?: LayersModel;
  params?: TrainParams;
  setModel(model: LayersModel): void {
    this.model = model;
  }
  setParams(params: TrainParams): void {
    this.params = params;
  }
}

/** TF.js `CustomCallback`: a Callback whose hooks are the functions given. */
export class CustomCallback extends Callback {
  constructor(args: CustomCallbackArgs = {}) {
    super();
    const hooks = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onDeviceLost'] as const;
    for (const h of hooks) {
      const f = args[h];
      if (f != null && typeof f !== 'function') throw new Error(`CustomCallback: ${h} must be a function, got ${typeof f}`);
      if (f) (this as Record<string, unknown>)[h] = f;
    }
  }
}

/** TF.js `History`: what fit() returns; the logs of each epoch by name. */
export class History extends Callback {
  /** The epoch numbers seen, in order. */
  epoch: number[] = [];
  /** Each loss and metric by name, one value per epoch. */
  history: Record<string, number[]> = {};
  /** On WebGPU: milliseconds spent on epoch-end snapshots that let fit survive a device loss. */
  snapshotMs?: number;
  /** Clears the record at the start of `fit`. */
  override onTrainBegin(): void {
    this.epoch = [];
    this.history = {};
  }
  /** Records the epoch's losses and metrics. */
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
  /** Forget epochs >= `from` (they run again after a device loss). */
  truncate(from: number): void {
    const keep = this.epoch.findIndex((e) => e >= from);
    if (keep < 0) return;
    this.epoch.length = keep;
    for (const v of Object.values(this.history)) v.length = keep;
  }
  /** TF.js awaits tensor-valued logs here; tessera's logs are numbers already. */
  async syncData(): Promise<void> {}
}

/**
 * Options of `tf.callbacks.earlyStopping`: monitor, minDelta, patience, mode, baseline, restoreBestWeights.
 */
export interface EarlyStoppingArgs {
  /** Quantity to watch (default 'val_loss'). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 'min', 'max' or 'auto' (max for names containing 'acc', else min). */
  mode?: 'auto' | 'min' | 'max';
  /** Training stops if the monitored value does not beat this. */
  baseline?: number;
  /** Restore the weights of the best epoch when stopping (Keras option). */
  restoreBestWeights?: boolean;
  verbose?: number;
}

/** Stop training when a monitored quantity stops improving (TF.js `EarlyStopping`). */
export class EarlyStopping extends Callback {
  /** The quantity watched (default 'val_loss'). */
  readonly monitor: string;
  /** The smallest change that counts as an improvement. */
  readonly minDelta: number;
  /** Epochs without improvement before training stops. */
  readonly patience: number;
  /** Whether the watched quantity should fall ('min') or rise ('max'). */
  readonly mode: 'min' | 'max';
  /** A value the watched quantity must beat, if given. */
  readonly baseline?: number;
  /** Whether the best epoch's weights are restored when training stops. */
  readonly restoreBestWeights: boolean;
  /** 1 logs when training stops. */
  readonly verbose: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch at which training stopped (0 if it did not). */
  stoppedEpoch = 0;
  /** The best value of the watched quantity so far. */
  best = Infinity;
  private bestWeights?: Tensor[];

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new Error(`earlyStopping: patience must be a non-negative integer, got ${args.patience}`);
    }
    const mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode)) throw new Error(`earlyStopping: mode must be 'auto', 'min' or 'max', got '${mode}'`);
    this.mode = mode === 'auto' ? (this.monitor.includes('acc') ? 'max' : 'min') : mode;
    this.baseline = args.baseline;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.verbose = args.verbose ?? 0;
  }

  private improved(current: number, reference: number): boolean {
    return this.mode === 'min' ? current < reference - this.minDelta : current > reference + this.minDelta;
  }

  /** Resets the counters at the start of `fit`. */
  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.baseline ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.disposeBest();
  }

  /** Compares the watched quantity with the best and stops training after `patience` epochs without improvement. */
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      console.warn(`earlyStopping: monitored value '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')})`);
      return;
    }
    if (this.improved(current, this.best)) {
      this.best = current;
      this.wait = 0;
      if (this.restoreBestWeights && this.model) {
        this.disposeBest();
        this.bestWeights = this.model.weights.map((w) => ENGINE.makeView(w, w.shape));
      }
      return;
    }
    this.wait++;
    if (this.wait >= this.patience && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights) {
        const best = this.bestWeights;
        tidy(() => this.model!.setWeights(best));
      }
    }
  }

  /** Logs the stopping epoch (when verbose) and restores the best weights (when asked). */
  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    this.disposeBest();
  }

  private disposeBest(): void {
    for (const t of this.bestWeights ?? []) t.dispose();
    this.bestWeights = undefined;
  }
}

/**
 * TF.js `callbacks.earlyStopping(args)`.
 * @example
 * ```js
 * await model.fit(xs, ys, { epochs: 100, validationSplit: 0.2, callbacks: tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3 }) });
 * ```
 */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}
