/**
 * How many threads the wasm backend runs, and why: `setThreadsCount` / `getThreadsCount` (TF.js's wasm
 * backend semantics) and the plan (`plannedThreads`: the count wanted where shared memory and workers
 * exist, else 1 and the reason). Kept apart from the worker pool itself (threads.ts, parallel.ts), which
 * loads only where the plan wants more than one thread (pool_loader.ts).
 */
/** Default pool size cap: past this, memory bandwidth and per-thread scratch win over cores. */
const DEFAULT_MAX_THREADS = 8;

let requestedThreads = -1;
let actualThreads = -1;
let threadsReason = 'the wasm backend has not started yet';

/**
 * Sets how many threads (the calling thread included) the wasm backend uses; call it before the
 * backend initializes (`tf.setBackend('wasm')` / `tf.ready()`). Default: the number of logical
 * cores, at most 8. 1 turns the pool off.
 * @example
 * ```js
 * tf.wasm.setThreadsCount(2); // before the wasm backend starts
 * await tf.setBackend('wasm');
 * ```
 */
export function setThreadsCount(numThreads: number): void {
  if (!Number.isInteger(numThreads) || numThreads < 1 || numThreads > 64) {
    throw new Error(`setThreadsCount: numThreads must be an integer in [1, 64], got ${numThreads}`);
  }
  requestedThreads = numThreads;
}

/**
 * The number of threads the wasm backend actually uses (known once it has initialized): 1 where
 * workers cannot share its memory (e.g. a page that is not cross-origin isolated).
 * @example
 * ```js
 * await tf.setBackend('wasm');
 * const threads = tf.wasm.getThreadsCount(); // e.g. 8 on an 8-core machine
 * ```
 */
export function getThreadsCount(): number {
  if (actualThreads === -1) throw new Error('WASM backend not initialized.');
  return actualThreads;
}

/** Threads in use and why (for backendInfo): e.g. a single thread "because the page is not cross-origin isolated". */
export function threadsInfo(): { threads: number; reason: string } | null {
  return actualThreads === -1 ? null : { threads: actualThreads, reason: threadsReason };
}

/** Called by the backend once its pool (or the lack of one) is settled. */
export function recordThreads(threads: number, reason: string): void {
  actualThreads = threads;
  threadsReason = reason;
}

export interface NodeWorkerThreads {
  Worker: new (src: string, opts: { eval: boolean }) => NodeWorker;
}
export interface NodeWorker {
  postMessage(m: unknown): void;
  on(e: string, f: (d: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
const G = globalThis as unknown as {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Worker?: typeof Worker;
  process?: { versions?: { node?: string; bun?: string; deno?: string }; getBuiltinModule?(m: string): unknown };
  URL?: typeof URL;
  Blob?: typeof Blob;
};

export function nodeWorkerThreads(): NodeWorkerThreads | null {
  if (!G.process?.versions?.node || typeof G.process.getBuiltinModule !== 'function') return null;
  try {
    const wt = G.process.getBuiltinModule('node:worker_threads') as NodeWorkerThreads | undefined;
    return typeof wt?.Worker === 'function' ? wt : null;
  } catch {
    return null;
  }
}

/** Logical cores: navigator.hardwareConcurrency, else Node's os.availableParallelism. */
function logicalCores(): number {
  const hc = G.navigator?.hardwareConcurrency;
  if (typeof hc === 'number' && hc > 0) return hc;
  try {
    const os = G.process?.getBuiltinModule?.('node:os') as { availableParallelism?(): number; cpus(): unknown[] } | undefined;
    if (os) return os.availableParallelism?.() ?? os.cpus().length;
  } catch {
    // fall through
  }
  return 1;
}

/** The thread count wanted (setThreadsCount or the default) and, when it must be 1, why. */
export function plannedThreads(override?: number): { threads: number; reason: string } {
  const asked = override ?? requestedThreads;
  const want = asked > 0 ? asked : Math.min(DEFAULT_MAX_THREADS, logicalCores());
  if (want <= 1) return { threads: 1, reason: asked === 1 ? 'single thread: 1 thread requested (setThreadsCount)' : 'single thread: one logical core' };
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return {
      threads: 1,
      reason: G.crossOriginIsolated === false
        ? 'single thread: the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so SharedArrayBuffer is unavailable'
        : 'single thread: SharedArrayBuffer is unavailable here',
    };
  }
  if (G.crossOriginIsolated === false) return { threads: 1, reason: 'single thread: the page is not cross-origin isolated, so wasm memory cannot be shared with workers' };
  const canWeb = typeof G.Worker === 'function' && typeof G.Blob === 'function' && typeof G.URL?.createObjectURL === 'function';
  // Deno's and Bun's Web Workers could keep a script's process alive after its work (Deno's cannot
  // be unref'd; Bun's hung the runtime test under load): one thread unless the script asks for more
  const runtime = (G as { Deno?: unknown }).Deno ? 'Deno' : (G as { Bun?: unknown }).Bun ? 'Bun' : null;
  if (runtime && override === undefined && requestedThreads <= 0) {
    return { threads: 1, reason: `single thread by default in ${runtime}: its Web Workers can keep a script's process alive after its work; tf.wasm.setThreadsCount(n) turns the pool on` };
  }
  if (!canWeb && !nodeWorkerThreads()) return { threads: 1, reason: 'single thread: this runtime has no Worker (nor worker_threads) to run kernel threads' };
  return { threads: want, reason: `${want} threads (${canWeb ? 'Web Workers' : 'worker_threads'}) over one shared WebAssembly.Memory` };
}
