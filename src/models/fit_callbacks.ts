/**
 * Internal: fit()'s callbacks (FitCallbacks) and the verbose progress display. In Node
 * (process.stdout present) verbose 1 draws a progress bar per epoch when stdout is a terminal and
 * prints one line per epoch (verbose 2: the line only); in browsers it logs one line per epoch with
 * console.log. Loss values appear at epoch end, so no per-batch device readback is needed for the
 * display. Loads with the training loops (src/async_parts.ts).
 */
import { Callback, type CustomCallbackArgs, type Logs, type TrainParams } from './callbacks.js';
import type { LayersModel } from './layers_model.js';
import { CallbackList, registeredCallbacksFor, type AnyCallback } from './callback_list.js';

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
