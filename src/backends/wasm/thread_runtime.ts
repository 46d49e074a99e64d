/**
 * The code both sides of the wasm worker pool run: `runChunks` (claim work chunks of the posted
 * task and call the kernel export on each) and `workerMain` (a pool worker's whole life). Both
 * are self-contained (no imports, no outer names) because the worker gets them as source text
 * (`workerSource()`), stringified from the bundle itself: no separate worker file to ship.
 *
 * The control block is a small SharedArrayBuffer (CTL_* slots, i32) plus the task's arguments and
 * per-chunk argument strides (f64, from ARGS_BYTE). A task is: call export EXPORT once per chunk
 * c in [0, NCHUNKS), with args[i] + c * strides[i], the chunk's unit range [c*PER, min(TOTAL,
 * (c+1)*PER)) written into the BEGIN/END/COUNT argument slots, and the scratch pointer argument
 * moved to the calling thread's own scratch. Chunks are claimed by compare-and-swap on one word
 * that also holds the task's generation, so a late worker can never take a chunk of a newer task
 * with an older task's arguments: before writing a new descriptor, the poster retires the claim
 * word (new generation, chunk index 0xffff), so a compare-and-swap against the old word fails.
 * Which thread runs a chunk never changes what the chunk computes.
 */

export const CTL_CLAIM = 0; // (generation << 16) | next chunk
export const CTL_DONE = 1; // chunks finished
export const CTL_WAKE = 2; // bumped (and notified) per task; workers wait on it
export const CTL_READY = 3; // workers that instantiated the module
export const CTL_NCHUNKS = 4;
export const CTL_EXPORT = 5;
export const CTL_NARGS = 6;
export const CTL_TOTAL = 7;
export const CTL_PER = 8;
export const CTL_BEGIN = 9;
export const CTL_END = 10;
export const CTL_COUNT = 11;
export const CTL_SCRATCH = 12;
export const CTL_SCRATCH_STRIDE = 13;
export const CTL_ERROR = 14;
export const CTL_STOP = 15;
export const CTL_SPIN_US = 16; // how long (µs) a worker spin-waits for the next task before it sleeps
export const CTL_SLEEPING = 17; // workers asleep (or about to sleep) on the wake word: wake() notifies only then
/** i32 slots of the control block before the arguments. */
export const CTL_SLOTS = 20;
export const MAX_ARGS = 24;
export const ARGS_BYTE = CTL_SLOTS * 4;
export const CONTROL_BYTES = ARGS_BYTE + 2 * MAX_ARGS * 8;
/** Chunks per task must fit the claim word's low 16 bits. */
export const MAX_CHUNKS = 0xfff0;

/** The exports a task can name, by index (CTL_EXPORT). */
export const TASK_EXPORTS = [
  'matMulRange', 'unary', 'reduce', 'adamUpdate', 'attention', 'conv2dBackpropInputRange', 'conv2dBackpropFilterRange',
  'binaryFlat', 'attentionRange', 'int8MatMulRange', 'int8ConvRange', 'int8DepthwiseRange', 'matMulPackRange', 'matMulPackedRange',
  'conv2dPackedRange', 'int8SmallConvRange', 'int8BcastRange', 'int8Quantize', 'softmax',
] as const;
export type TaskExport = (typeof TASK_EXPORTS)[number];

/**
 * Claims and runs chunks of the current task until none is left; returns how many it ran.
 * `argBuf` is the caller's preallocated argument array (MAX_ARGS long), so nothing is allocated.
 */
export function runChunks(fns: ((...args: number[]) => void)[], ctl: Int32Array, f64: Float64Array, argBuf: number[], thread: number): number {
  // f64: MAX_ARGS arguments then MAX_ARGS strides
  let ran = 0;
  for (;;) {
    const w = Atomics.load(ctl, 0);
    const c = w & 0xffff;
    if (c >= Atomics.load(ctl, 4)) return ran;
    if (Atomics.compareExchange(ctl, 0, w, w + 1) !== w) continue;
    // chunk c is ours; the task cannot finish (nor its descriptor change) before we report it done
    const nargs = ctl[6], per = ctl[8], total = ctl[7];
    for (let i = 0; i < nargs; i++) argBuf[i] = f64[i] + c * f64[24 + i];
    const begin = c * per;
    const end = Math.min(total, begin + per);
    if (ctl[9] >= 0) argBuf[ctl[9]] = begin;
    if (ctl[10] >= 0) argBuf[ctl[10]] = end;
    if (ctl[11] >= 0) argBuf[ctl[11]] = end - begin;
    if (ctl[12] >= 0) argBuf[ctl[12]] += thread * ctl[13];
    try {
      fns[ctl[5]].apply(null, argBuf);
    } catch {
      Atomics.store(ctl, 14, 1);
    }
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
    ran++;
  }
}

/**
 * A pool worker: gets { bytes, memory, control, thread, names, ctlSlots, argsByte } once,
 * instantiates the kernel module over the shared memory, reports ready, then runs chunks of each
 * posted task, spin-waiting CTL_SPIN_US after each before it sleeps on the wake word (counted in
 * CTL_SLEEPING first, so the poster skips the notify while every worker spins). Works under
 * worker_threads (Node: parentPort) and web Workers (pages, Deno, Bun).
 */
export function workerMain(run: typeof runChunks): void {
  type Port = { on(e: string, f: (d: unknown) => void): void; postMessage(d: unknown): void };
  const g = globalThis as unknown as { self?: { postMessage?: unknown }; process?: { getBuiltinModule?(m: string): { parentPort: Port | null } } };
  const nodePort = typeof g.self?.postMessage === 'function' ? null : (g.process?.getBuiltinModule?.('node:worker_threads').parentPort ?? null);
  const post = (d: unknown) => (nodePort ? nodePort.postMessage(d) : (g.self as unknown as { postMessage(d: unknown): void }).postMessage(d));
  const start = (msg: { bytes: Uint8Array; memory: WebAssembly.Memory; control: SharedArrayBuffer; thread: number; names: string[]; ctlSlots: number; argsByte: number }) => {
    let instance: WebAssembly.Instance;
    try {
      const abort = () => {
        throw new Error('wasm backend: kernel module aborted');
      };
      instance = new WebAssembly.Instance(new WebAssembly.Module(msg.bytes as Uint8Array<ArrayBuffer>), { env: { memory: msg.memory, abort } });
    } catch (e) {
      post({ error: String((e as Error)?.message ?? e) });
      return;
    }
    const ex = instance.exports as Record<string, (...args: number[]) => void>;
    const fns = msg.names.map((n) => ex[n]);
    const ctl = new Int32Array(msg.control, 0, msg.ctlSlots);
    const f64 = new Float64Array(msg.control, msg.argsByte, 48);
    const argBuf: number[] = new Array(24).fill(0);
    Atomics.add(ctl, 3, 1);
    post({ ready: true });
    for (;;) {
      const seen = Atomics.load(ctl, 2);
      if (Atomics.load(ctl, 15)) return;
      run(fns, ctl, f64, argBuf, msg.thread);
      // Spin before sleeping (CTL_SPIN_US): a kernel's next task (matMul's compute after its packing, the
      // next op of a model) usually comes within that, and a sleeping worker wakes late.
      const until = performance.now() + Atomics.load(ctl, 16) / 1000;
      while (Atomics.load(ctl, 2) === seen && performance.now() < until);
      if (Atomics.load(ctl, 2) === seen) {
        Atomics.add(ctl, 17, 1); // before the wait's own check of the wake word: a wake after this notifies
        Atomics.wait(ctl, 2, seen);
        Atomics.sub(ctl, 17, 1);
      }
    }
  };
  if (nodePort) nodePort.on('message', (d) => start(d as Parameters<typeof start>[0]));
  else (g.self as unknown as { onmessage: (e: { data: unknown }) => void }).onmessage = (e) => start(e.data as Parameters<typeof start>[0]);
}

/** The worker's source: workerMain called with runChunks (both stringified from this bundle). */
export function workerSource(): string {
  return `(${workerMain.toString()})(${runChunks.toString()});`;
}
