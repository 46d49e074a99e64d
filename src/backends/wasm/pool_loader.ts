/**
 * Where the wasm backend finds its worker-pool code (pool.ts: threads.ts + parallel.ts). The async start
 * (ready(), setBackend('wasm')) loads it when the thread plan wants more than one thread; entries that
 * start synchronously with threads (the whole-API `tessera` entry, `tessera/inline`, the tests) hand it
 * over with `usePoolModule`. Until it is loaded there is no pool, so the parallel* forwarders below answer
 * false (not run: the caller makes the single-threaded call), as parallel.ts itself does without a pool.
 */
type PoolModule = typeof import('./pool.js');

let poolModule: PoolModule | null = null;

/** Make the pool code available synchronously (for a synchronous start with threads). */
export function usePoolModule(m: PoolModule): void {
  poolModule = m;
}

/** The pool code if it is loaded (null: the backend runs single-threaded). */
export const loadedPoolModule = (): PoolModule | null => poolModule;

/** Loads the pool code (once). */
export async function loadPoolModule(): Promise<PoolModule> {
  return (poolModule ??= await import('./pool.js'));
}

type Parallel = Omit<PoolModule, 'ThreadPool' | 'withSharedMemoryImport' | 'MIN_MACS' | 'SHARED_MAX_PAGES'>;
/** parallel.ts's `name`, or false (not run) while the pool code is not loaded. */
const forward = <K extends keyof Parallel>(name: K): Parallel[K] =>
  ((...args: unknown[]) => poolModule !== null && (poolModule[name] as (...a: unknown[]) => boolean)(...args)) as Parallel[K];
export const parallelMatMul = forward('parallelMatMul');
export const parallelUnary = forward('parallelUnary');
export const parallelBinary = forward('parallelBinary');
export const parallelReduce = forward('parallelReduce');
export const parallelSoftmax = forward('parallelSoftmax');
export const parallelAdam = forward('parallelAdam');
export const parallelAttention = forward('parallelAttention');
export const parallelConv2d = forward('parallelConv2d');
export const parallelConv2dBackpropInput = forward('parallelConv2dBackpropInput');
export const parallelConv2dBackpropFilter = forward('parallelConv2dBackpropFilter');
export const parallelUnits = forward('parallelUnits');
export const parallelQuantize = forward('parallelQuantize');
