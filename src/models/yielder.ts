/**
 * fit()'s `yieldEvery` (TF.js option): hands control back to the event loop during training so a page
 * stays responsive (timers, input, rendering run between batches). 'auto' (the default) yields whenever
 * AUTO_YIELD_MS have passed since the last yield; a number sets that interval in ms; 'batch' / 'epoch'
 * yield after every batch / epoch; 'never' runs the whole fit without yielding (beyond awaited callbacks).
 * Unlike TF.js, which yields only when the program passes callbacks, tessera yields by default.
 */
import { now } from '../util_public.js';

export type YieldEveryMode = 'auto' | 'batch' | 'epoch' | 'never' | number;

/** The 'auto' interval: short enough that a task between yields stays under ~50 ms with small batches. */
export const AUTO_YIELD_MS = 20;

/**
 * One macrotask turn that lets due timers run: a setTimeout(0) (FIFO behind timers already due), started
 * from a MessageChannel task so that it is not nested in a timer callback (nested timeouts are clamped to
 * >= 4 ms, which would cost a fifth of the training time at 'auto').
 */
let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];
function macrotask(): Promise<void> {
  const inPage = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  if (!inPage && typeof immediate === 'function') return new Promise((r) => immediate(r));
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const resume = waiting.shift();
      if (resume) setTimeout(resume, 0);
    };
  }
  return new Promise((r) => {
    waiting.push(r);
    channel!.port2.postMessage(0);
  });
}

export class Yielder {
  private readonly intervalMs: number | null;
  private last = now();

  constructor(private readonly mode: YieldEveryMode = 'auto', op = 'fit') {
    const ok = mode === 'auto' || mode === 'batch' || mode === 'epoch' || mode === 'never' || (typeof mode === 'number' && mode >= 0);
    if (!ok) throw new Error(`${op}: yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a number of milliseconds >= 0, got ${JSON.stringify(mode)}`);
    this.intervalMs = mode === 'auto' ? AUTO_YIELD_MS : typeof mode === 'number' ? mode : null;
  }

  private async yieldNow(): Promise<void> {
    await macrotask();
    this.last = now();
  }

  async afterBatch(): Promise<void> {
    if (this.mode === 'batch') return this.yieldNow();
    if (this.intervalMs !== null && now() - this.last >= this.intervalMs) return this.yieldNow();
  }

  async afterEpoch(): Promise<void> {
    if (this.mode === 'epoch') return this.yieldNow();
    return this.afterBatch();
  }
}
