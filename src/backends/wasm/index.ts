/**
 * The wasm backend's registration: priority 2 (below webgpu, above js). Resolves to null where
 * the engine has no Wasm SIMD. Picks the relaxed-SIMD kernel build where the engine supports it,
 * and a worker pool over shared memory where the runtime allows one (threads.ts; its code loads with the
 * async start, pool_loader.ts).
 */
import type { BackendRegistration } from '../backend.js';
import { WasmBackend } from './backend.js';
import { hasSimd, hasWasm, loadModule, loadModuleSync, type LoadedModule, type ModuleKind } from './module.js';
import { plannedThreads, recordThreads, threadsInfo } from './thread_count.js';
import { loadedPoolModule, loadPoolModule } from './pool_loader.js';

export { WasmBackend } from './backend.js';
export type { ModuleKind } from './module.js';
export { getThreadsCount, setThreadsCount } from './thread_count.js';

/** Worker start-up the async creation waits for before the first kernel (they join later otherwise). */
const POOL_START_WAIT_MS = 5000;

/**
 * Loads the module for `threads` threads; when shared memory cannot be made here, falls back to
 * one thread and records why.
 */
function loadWith<T>(attempt: (threads: number) => T, plan: { threads: number; reason: string }): { loaded: T; threads: number; reason: string } {
  if (plan.threads > 1) {
    try {
      return { loaded: attempt(plan.threads), threads: plan.threads, reason: plan.reason };
    } catch (e) {
      return { loaded: attempt(1), threads: 1, reason: `single thread: shared WebAssembly memory failed (${(e as Error).message})` };
    }
  }
  return { loaded: attempt(1), threads: 1, reason: plan.reason };
}

function finish(loaded: LoadedModule | null, threads: number, reason: string): WasmBackend | null {
  if (!loaded) return null;
  if (threads > 1 && !loaded.shared) reason = 'single thread: the kernel module was given precompiled (tf.wasm.setWasmModule), so there are no bytes to share with workers';
  const backend = new WasmBackend(loaded);
  backend.threadsReason = reason;
  return backend;
}

/** Create a wasm backend now; `prefer: 'simd'` forces the plain SIMD build (for comparisons). `threads` overrides setThreadsCount. */
export function createWasmBackendSync(prefer?: ModuleKind, threads?: number): WasmBackend | null {
  let plan = plannedThreads(threads);
  if (plan.threads > 1 && !loadedPoolModule()) {
    plan = { threads: 1, reason: "single thread: a synchronous start before the worker pool's code loaded (it loads with ready() / setBackend('wasm'))" };
  }
  const r = loadWith((n) => loadModuleSync(prefer, n), plan);
  return finish(r.loaded, r.threads, r.reason);
}

export async function createWasmBackend(prefer?: ModuleKind, threads?: number): Promise<WasmBackend | null> {
  let plan = plannedThreads(threads);
  if (plan.threads > 1) {
    try {
      await loadPoolModule();
    } catch (e) {
      plan = { threads: 1, reason: `single thread: the worker pool's code failed to load (${(e as Error).message})` };
    }
  }
  let r: { loaded: LoadedModule | null; threads: number; reason: string };
  try {
    r = { loaded: await loadModule(prefer, plan.threads), threads: plan.threads, reason: plan.reason };
  } catch (e) {
    if (plan.threads === 1) throw e;
    r = { loaded: await loadModule(prefer, 1), threads: 1, reason: `single thread: shared WebAssembly memory failed (${(e as Error).message})` };
  }
  const backend = finish(r.loaded, r.threads, r.reason);
  if (backend?.pool) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([backend.pool.started, new Promise<void>((res) => (timer = setTimeout(res, POOL_START_WAIT_MS)))]);
    clearTimeout(timer);
    if (backend.pool.startFailures.length) backend.threadsReason += `; workers that failed to start: ${backend.pool.startFailures.join('; ')}`;
  }
  return backend;
}

/** The engine's backend: its thread count and reason become getThreadsCount() / backendInfo(). */
function recorded(backend: WasmBackend | null): WasmBackend | null {
  if (backend) recordThreads(backend.pool?.threads ?? 1, backend.threadsReason);
  return backend;
}

export const wasmRegistration: BackendRegistration = {
  priority: 2,
  create: async () => {
    if (!hasWasm()) throw new Error('WebAssembly is not available here');
    if (!hasSimd()) throw new Error('this WebAssembly engine lacks SIMD (v128), which the wasm kernels need');
    return recorded(await createWasmBackend());
  },
  createSync: () => recorded(createWasmBackendSync()),
  describe: () => threadsInfo(),
};
