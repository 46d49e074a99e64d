/**
 * The wasm backend's multi-threaded half as one lazily loaded module: the worker pool (threads.ts) and
 * the kernel splits over it (parallel.ts). pool_loader.ts loads it where the thread plan wants more than
 * one thread, so single-threaded pages (not cross-origin isolated: most of them) never fetch it.
 */
export { ThreadPool, withSharedMemoryImport, SHARED_MAX_PAGES } from './threads.js';
export * from './parallel.js';
