/**
 * The wasm backend's worker pool: threads - 1 workers instantiate the same kernel module over the
 * backend's one shared `WebAssembly.Memory`; a kernel split into chunks (parallel.ts) is posted
 * through a small shared control block (thread_runtime.ts) and the calling thread works on chunks
 * too, so a pool whose workers are still starting (or busy elsewhere) only loses speed, never
 * results. Workers are module Workers from a Blob URL (pages when `crossOriginIsolated`, Deno,
 * Bun) or `worker_threads` with eval (Node). Elsewhere (workerd, pages that are not
 * cross-origin isolated, no SharedArrayBuffer) the backend runs single-threaded and says why.
 * The thread count and its plan live in thread_count.ts; this module (with parallel.ts) loads only where
 * the plan wants more than one thread (pool_loader.ts).
 */
import {
  ARGS_BYTE, CONTROL_BYTES, CTL_BEGIN, CTL_CLAIM, CTL_COUNT, CTL_DONE, CTL_END, CTL_ERROR, CTL_EXPORT, CTL_NARGS, CTL_NCHUNKS,
  CTL_PER, CTL_READY, CTL_SCRATCH, CTL_SCRATCH_STRIDE, CTL_SLEEPING, CTL_SLOTS, CTL_SPIN_US, CTL_STOP, CTL_TOTAL, CTL_WAKE, MAX_ARGS, MAX_CHUNKS, TASK_EXPORTS,
  runChunks, workerSource, type TaskExport,
} from './thread_runtime.js';
import type { NodeWorker, NodeWorkerThreads } from './thread_count.js';

/**
 * How long a worker spin-waits for the next task after one (µs) before it sleeps in Atomics.wait.
 * It spans the gap between two pooled ops of a program (the bench page's matMul 512: 200-300 µs of
 * slice, readback, dispose and the next op's set-up between one op's last task and the next op's
 * first), so back-to-back ops find the worker running. At the old 50 µs the worker slept before
 * every op; after the bench's 50 ms settle pause the page timed matMul 512 at about one thread's
 * speed (5.8-6.0 ms median) while its back-to-back warm-up iteration took 3.0-3.3 ms. At most this
 * much CPU is spent after each burst of pooled ops.
 */
export const SPIN_MICROS = 1000;

/** Pages of the shared memory's maximum (a shared memory must declare one): the wasm32 limit. */
export const SHARED_MAX_PAGES = 65536;

const G = globalThis as unknown as { Worker?: typeof Worker; URL?: typeof URL; Blob?: typeof Blob };
type AnyWorker = { kind: 'web'; w: Worker } | { kind: 'node'; w: NodeWorker };

/**
 * The module bytes with their imported memory declared shared (limits flag 3, maximum
 * SHARED_MAX_PAGES), so one build serves both the single-threaded path (plain memory) and the
 * pool (shared memory, which a module must import as shared). Rewrites only the import section.
 */
export function withSharedMemoryImport(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const readU32 = (p: number): [number, number] => {
    let v = 0, shift = 0, b: number;
    do {
      b = bytes[p++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return [v, p];
  };
  const leb = (v: number): number[] => {
    const out: number[] = [];
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v > 0) b |= 0x80;
      out.push(b);
    } while (v > 0);
    return out;
  };
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p];
    const [size, body] = readU32(p + 1);
    if (id === 2) {
      let [count, q] = readU32(body);
      for (; count > 0; count--) {
        let len: number;
        [len, q] = readU32(q);
        q += len;
        [len, q] = readU32(q);
        q += len;
        const kind = bytes[q++];
        if (kind === 0) [, q] = readU32(q); // function: type index
        else if (kind === 1) { q += 1; const flag = bytes[q++]; [, q] = readU32(q); if (flag & 1) [, q] = readU32(q); } // table
        else if (kind === 3) q += 2; // global: type, mutability
        else if (kind === 2) {
          const flagAt = q;
          const flag = bytes[q++];
          let min: number;
          [min, q] = readU32(q);
          if (flag & 1) [, q] = readU32(q);
          // typed-array copies: spreading the ~77 KB module into JS arrays cost ~9 ms of a page's wasm start-up
          const parts = [bytes.subarray(0, p + 1), [], bytes.subarray(body, flagAt), [0x03, ...leb(min), ...leb(SHARED_MAX_PAGES)],
            bytes.subarray(q, body + size), bytes.subarray(body + size)];
          parts[1] = leb(parts[2].length + parts[3].length + parts[4].length);
          const out = new Uint8Array(parts.reduce((n, a) => n + a.length, 0));
          let at = 0;
          for (const a of parts) { out.set(a, at); at += a.length; }
          return out;
        } else throw new Error(`wasm backend: unknown import kind ${kind} in the kernel module`);
      }
      break;
    }
    p = body + size;
  }
  throw new Error('wasm backend: the kernel module imports no memory to share');
}

export class ThreadPool {
  /** Threads that share work: the calling thread plus the workers. */
  readonly threads: number;
  /** The task's arguments (f64 slots) and their per-chunk strides; written by parallel.ts. */
  readonly args: Float64Array;
  readonly strides: Float64Array;
  /** Work (roughly multiply-adds or elements) below which kernels stay on the calling thread; tests set 0. */
  minWorkScale = 1;
  /** How long (µs) a worker spin-waits for the next task after one before it sleeps. */
  get spinMicros(): number {
    return this.ctl[CTL_SPIN_US];
  }
  set spinMicros(us: number) {
    Atomics.store(this.ctl, CTL_SPIN_US, us);
  }
  /** Chunks posted per thread (more balances load across uneven threads, each costs a claim). */
  chunksPerThread = 4;
  private readonly ctl: Int32Array;
  private readonly argsAndStrides: Float64Array;
  private readonly fns: ((...args: number[]) => void)[];
  private readonly argBuf: number[] = new Array(MAX_ARGS).fill(0);
  private readonly workers: AnyWorker[] = [];
  private readonly canWait: boolean;
  private generation = 0;
  /** Chunks posted so far, and how many of them workers ran (the rest ran on the calling thread). */
  chunksPosted = 0;
  chunksOnWorkers = 0;
  private failures: string[] = [];
  readonly started: Promise<void>;

  /** `nodeThreads`: Node's worker_threads (thread_count.ts), used where there is no Web Worker. */
  constructor(bytes: Uint8Array, memory: WebAssembly.Memory, exports: Record<string, unknown>, threads: number, nodeThreads: NodeWorkerThreads | null) {
    this.threads = threads;
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.ctl = new Int32Array(control, 0, CTL_SLOTS);
    this.spinMicros = SPIN_MICROS;
    this.args = new Float64Array(control, ARGS_BYTE, MAX_ARGS);
    this.strides = new Float64Array(control, ARGS_BYTE + MAX_ARGS * 8, MAX_ARGS);
    this.argsAndStrides = new Float64Array(control, ARGS_BYTE, 2 * MAX_ARGS);
    this.fns = TASK_EXPORTS.map((n) => exports[n] as (...args: number[]) => void);
    let canWait = true;
    try {
      Atomics.wait(this.ctl, CTL_STOP, 1, 0);
    } catch {
      canWait = false; // a page's main thread may not block
    }
    this.canWait = canWait;
    const src = workerSource();
    const node = typeof G.Worker === 'function' ? null : nodeThreads;
    const url = node ? null : G.URL!.createObjectURL(new G.Blob!([src], { type: 'text/javascript' }));
    const starts: Promise<void>[] = [];
    for (let t = 1; t < threads; t++) {
      const init = { bytes, memory, control, thread: t, names: [...TASK_EXPORTS], ctlSlots: CTL_SLOTS, argsByte: ARGS_BYTE };
      starts.push(new Promise<void>((resolve) => {
        const onMessage = (d: unknown) => {
          const m = d as { ready?: boolean; error?: string };
          if (m.error) this.failures.push(m.error);
          resolve();
        };
        const onError = (e: unknown) => {
          this.failures.push(String((e as Error)?.message ?? e));
          resolve();
        };
        try {
          if (node) {
            const w = new node.Worker(src, { eval: true });
            w.on('message', onMessage);
            w.on('error', onError);
            w.unref();
            w.postMessage(init);
            this.workers.push({ kind: 'node', w });
          } else {
            const w = new G.Worker!(url!, { type: 'module' });
            w.onmessage = (e) => onMessage(e.data);
            w.onerror = (e) => onError(e.message || 'the worker script failed to load (a Content-Security-Policy without worker-src blob:?)');
            w.postMessage(init);
            this.workers.push({ kind: 'web', w });
          }
        } catch (e) {
          onError(e); // e.g. a CSP that forbids blob: workers: the pool runs without this worker
        }
      }));
    }
    this.started = Promise.all(starts).then(() => {
      if (url) G.URL!.revokeObjectURL(url);
    });
  }

  /** Workers that instantiated the module so far. */
  get readyWorkers(): number {
    return Atomics.load(this.ctl, CTL_READY);
  }

  /** Why workers failed to start (empty when none did). */
  get startFailures(): readonly string[] {
    return this.failures;
  }

  /** Whether `work` is worth splitting (at least minWork times minWorkScale) and a worker is up. */
  worth(work: number, minWork: number): boolean {
    return this.readyWorkers > 0 && work >= minWork * this.minWorkScale;
  }

  /** How many chunks to cut `units` into. */
  chunksFor(units: number): number {
    return Math.max(1, Math.min(units, this.threads * this.chunksPerThread, MAX_CHUNKS));
  }

  /** Zeroes the per-chunk strides of the first `nargs` arguments (call before filling args/strides). */
  begin(nargs: number): void {
    this.strides.fill(0, 0, nargs);
  }

  /**
   * Runs export `name` over units [0, total) in chunks of `per` units, on this thread and the
   * workers; returns when every chunk is done. Slot indices are -1 when unused.
   */
  run(name: TaskExport, nargs: number, total: number, per: number, beginSlot: number, endSlot: number, countSlot: number, scratchSlot = -1, scratchStride = 0): void {
    const ctl = this.ctl;
    const nchunks = Math.ceil(total / per);
    // Retire the previous task's claim word first (new generation, chunk index past any count):
    // a worker still holding the old word then fails its compare-and-swap instead of claiming a
    // chunk against a half-written descriptor.
    this.generation = (this.generation + 1) & 0xffff;
    Atomics.store(ctl, CTL_CLAIM, (this.generation << 16) | 0xffff);
    ctl[CTL_EXPORT] = TASK_EXPORTS.indexOf(name);
    ctl[CTL_NARGS] = nargs;
    ctl[CTL_TOTAL] = total;
    ctl[CTL_PER] = per;
    ctl[CTL_BEGIN] = beginSlot;
    ctl[CTL_END] = endSlot;
    ctl[CTL_COUNT] = countSlot;
    ctl[CTL_SCRATCH] = scratchSlot;
    ctl[CTL_SCRATCH_STRIDE] = scratchStride;
    ctl[CTL_ERROR] = 0;
    Atomics.store(ctl, CTL_DONE, 0);
    Atomics.store(ctl, CTL_NCHUNKS, nchunks);
    Atomics.store(ctl, CTL_CLAIM, this.generation << 16); // publishes the task
    this.wake();
    const mine = runChunks(this.fns, ctl, this.argsAndStrides, this.argBuf, 0);
    let spins = 0;
    for (let done = Atomics.load(ctl, CTL_DONE); done < nchunks; done = Atomics.load(ctl, CTL_DONE)) {
      if (++spins > 1 << 12 && this.canWait) Atomics.wait(ctl, CTL_DONE, done, 1);
    }
    this.chunksPosted += nchunks;
    this.chunksOnWorkers += nchunks - mine;
    if (ctl[CTL_ERROR]) throw new Error(`wasm backend: kernel ${name} threw in the worker pool`);
  }

  /**
   * Wakes sleeping workers ahead of a task: they find no chunk to claim and spin (spinMicros) for the
   * next one, so their wake-up overlaps the caller's serial set-up (conv2d's filter packing).
   */
  wake(): void {
    Atomics.add(this.ctl, CTL_WAKE, 1);
    // A worker counts itself in CTL_SLEEPING before Atomics.wait checks the wake word, so when the
    // count reads 0 every worker is spinning and will see the new word: the notify (a futex wake,
    // where a loaded machine may preempt this thread) is skipped.
    if (Atomics.load(this.ctl, CTL_SLEEPING) > 0) Atomics.notify(this.ctl, CTL_WAKE);
  }

  /** Stops the workers (a later backend starts a new pool). */
  dispose(): void {
    Atomics.store(this.ctl, CTL_STOP, 1);
    Atomics.add(this.ctl, CTL_WAKE, 1);
    Atomics.notify(this.ctl, CTL_WAKE);
    for (const w of this.workers) {
      if (w.kind === 'node') void w.w.terminate();
      else w.w.terminate();
    }
    this.workers.length = 0;
  }
}
