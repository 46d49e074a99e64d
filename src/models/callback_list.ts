/**
 * TF.js's `CallbackList` (runs callbacks in order, awaiting async hooks) and the registry of
 * `registerCallbackConstructor`. fit()'s own list with the verbose progress display is in
 * fit_callbacks.ts, which loads with the training loops (src/async_parts.ts).
 */
import { Callback, type CustomCallbackArgs, type Logs, type TrainParams } from './callbacks.js';
import type { LayersModel } from './layers_model.js';
import type { DeviceLostInfo } from './fit_recovery.js';

export type CallbackConstructor = new () => Callback;
const registeredCallbacks = new Map<number, CallbackConstructor[]>();

/**
 * TF.js `registerCallbackConstructor(verbosityLevel, callbackConstructor)`.
 * @example
 * ```js
 * tf.registerCallbackConstructor(1, MyProgressLogger); // added to fit() when verbose >= 1
 * ```
 */
export function registerCallbackConstructor(verbosityLevel: number, callbackConstructor: CallbackConstructor): void {
  // TF.js's wording
  if (!(Number.isInteger(verbosityLevel) && verbosityLevel >= 0)) {
    throw new Error(`Verbosity level is expected to be an integer >= 0, but got ${verbosityLevel}`);
  }
  if (typeof callbackConstructor !== 'function') throw new Error(`registerCallbackConstructor: expected a class, got ${typeof callbackConstructor}`);
  const list = registeredCallbacks.get(verbosityLevel) ?? [];
  if (list.includes(callbackConstructor)) throw new Error('Duplicate callback constructor.');
  list.push(callbackConstructor);
  registeredCallbacks.set(verbosityLevel, list);
}

/** New instances of the registered callbacks whose level is at most `verbose` (TF.js order: by level). */
export function registeredCallbacksFor(verbose: number): Callback[] {
  return [...registeredCallbacks.keys()].sort((a, b) => a - b).filter((l) => l <= verbose)
    .flatMap((l) => registeredCallbacks.get(l)!.map((C) => new C()));
}

export type AnyCallback = CustomCallbackArgs | Callback;

/** TF.js `CallbackList`: runs each hook of its callbacks in order, awaiting async ones. */
export class CallbackList {
  /** The callbacks called, in order. */
  callbacks: AnyCallback[];
  /** Accepted for TF.js compatibility (batch logs are not queued). */
  readonly queueLength: number;
  constructor(callbacks: AnyCallback[] = [], queueLength = 10) {
    this.callbacks = callbacks.slice();
    this.queueLength = queueLength;
  }
  /** Adds a callback at the end. */
  append(callback: AnyCallback): void {
    this.callbacks.push(callback);
  }
  /** Passes the training parameters (epochs, samples, ...) to every callback. */
  setParams(params: TrainParams): void {
    for (const c of this.callbacks) (c as { setParams?: (p: TrainParams) => void }).setParams?.(params);
  }
  /** Passes the model to every callback. */
  setModel(model: LayersModel): void {
    for (const c of this.callbacks) (c as { setModel?: (m: LayersModel) => void }).setModel?.(model);
  }
  /** Calls every callback's onTrainBegin, in order. */
  async onTrainBegin(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTrainBegin?.(logs);
  }
  /** Calls every callback's onTrainEnd, in order. */
  async onTrainEnd(logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onTrainEnd?.(logs);
  }
  /** Calls every callback's onEpochBegin, in order. */
  async onEpochBegin(epoch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(epoch, logs);
  }
  /** Each callback gets its own copy of the logs, so one cannot change what the next sees. */
  async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(epoch, { ...logs });
  }
  /** Calls every callback's onBatchBegin, in order. */
  async onBatchBegin(batch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onBatchBegin?.(batch, logs);
  }
  /** Calls every callback's onBatchEnd, in order. */
  async onBatchEnd(batch: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c.onBatchEnd?.(batch, { ...logs });
  }
  /** tessera: fit() lost its WebGPU device and resumes from a snapshot. */
  async onDeviceLost(info: DeviceLostInfo): Promise<void> {
    for (const c of this.callbacks) await c.onDeviceLost?.({ ...info });
  }
}
