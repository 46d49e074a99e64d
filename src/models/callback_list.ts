/**
 * Internal: runs fit()'s callbacks in order (awaiting async hooks) and the verbose progress
 * display. In Node (process.stdout present) verbose 1 draws a progress bar per epoch when
 * stdout is a terminal and prints one line per epoch (verbose 2: the line only); in browsers it logs one line
 * per epoch with console.log. Loss values appear at epoch end, so no per-batch device readback
 * is needed for the display.
 */
import { Callback, type CustomCallbackArgs, type Logs, type TrainParams } from './callbacks.js';
import type { LayersModel } from './layers_model.js';
import type { DeviceLostInfo } from './fit_recovery.js';

export type CallbackInput = CustomCallbackArgs | Callback | (CustomCallbackArgs | Callback)[] | undefined;

interface NodeStdout {
  write(s: string): boolean;
  isTTY?: boolean;
}
function nodeStdout(): NodeStdout | undefined {
  const proc = (globalThis as { process?: { stdout?: NodeStdout } }).process;
  const isBrowser = typeof (globalThis as { window?: unknown }).window !== 'undefined';
  return !isBrowser && proc?.stdout && typeof proc.stdout.write === 'function' ? proc.stdout : undefined;
}

/** fit()'s default verbosity: 1 in Node, 0 in browsers. */
export function defaultVerbose(): number {
  return nodeStdout() ? 1 : 0;
}

export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k}=${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3)}`)
    .join(' ');
}

/** verbose 1: a progress bar (terminal) and a line per epoch; verbose 2: the lines only (Keras). */
class ProgressLogger extends Callback {
  private out = nodeStdout();
  constructor(private readonly bar: boolean) {
    super();
  }
  private epochStart = 0;
  private epoch = 0;
  private lastDraw = 0;

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.epochStart = Date.now();
    this.lastDraw = 0;
  }
  override onBatchEnd(batch: number): void {
    const steps = this.params?.steps;
    if (!this.bar || !this.out?.isTTY || !steps) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && batch + 1 < steps) return;
    this.lastDraw = now;
    const width = 30;
    const done = Math.round(((batch + 1) / steps) * width);
    const bar = '='.repeat(Math.max(done - 1, 0)) + (done > 0 ? '>' : '') + '.'.repeat(width - done);
    this.out.write(`\r${this.header()} [${bar}] ${batch + 1}/${steps}`);
  }
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const secs = ((Date.now() - this.epochStart) / 1000).toFixed(1);
    const line = `${this.header()} ${secs}s ${formatLogs(logs)}`;
    if (this.out) this.out.write(`${this.out.isTTY ? '\r\x1b[K' : ''}${line}\n`);
    else console.log(line);
    void epoch;
  }
  private header(): string {
    return `Epoch ${this.epoch + 1}/${this.params?.epochs ?? '?'}`;
  }
}

/** A callback class fit() instantiates on each run at or above a verbosity level (TF.js registerCallbackConstructor). */
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
function registeredCallbacksFor(verbose: number): Callback[] {
  return [...registeredCallbacks.keys()].sort((a, b) => a - b).filter((l) => l <= verbose)
    .flatMap((l) => registeredCallbacks.get(l)!.map((C) => new C()));
}

type AnyCallback = CustomCallbackArgs | Callback;

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

/** fit()'s callbacks: the progress display, the user's callbacks, the registered ones; model and params set. */
export class FitCallbacks extends CallbackList {
  /** Whether any callback wants per-batch logs (forces a readback per batch). */
  readonly wantsBatchLogs: boolean;

  constructor(input: CallbackInput, model: LayersModel, params: TrainParams) {
    const list: AnyCallback[] = input === undefined || input === null ? [] : Array.isArray(input) ? input : [input];
    for (const c of list) {
      if (!c || typeof c !== 'object') throw new Error(`fit: callbacks must be objects with onEpochEnd/onBatchEnd/... hooks, got ${c}`);
    }
    const items: AnyCallback[] = params.verbose >= 1 ? [new ProgressLogger(params.verbose === 1), ...list] : [...list];
    items.push(...registeredCallbacksFor(params.verbose));
    super(items);
    this.wantsBatchLogs = items.some((c) => !(c instanceof ProgressLogger) && (typeof c.onBatchEnd === 'function' || typeof c.onBatchBegin === 'function'));
    this.setModel(model);
    this.setParams(params);
  }
}
