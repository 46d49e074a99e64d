/**
 * Module-level engine functions with TF.js names: backends (setBackend, getBackend, ready),
 * memory (tidy, dispose, keep, memory).
 */
import { ENGINE, collectTensors } from './engine.js';
import { Tensor } from './tensor.js';
import { runInScope } from './ops/operand.js';

/** Switch to a backend ('webgpu' | 'wasm' | 'js'); false when it is unavailable here. */
export function setBackend(name: 'webgpu' | 'wasm' | 'js' | string): Promise<boolean> {
  return ENGINE.setBackend(name);
}
export function getBackend(): string {
  return ENGINE.getBackend();
}
/** Pick the default backend: webgpu when an adapter exists, else wasm, else js. */
export function ready(): Promise<void> {
  return ENGINE.ready();
}
/** Wait for queued device work to finish. */
export function sync(): Promise<void> {
  return ENGINE.backend.sync();
}

/** Run fn; dispose every tensor it created except those it returns. */
export function tidy<T>(nameOrFn: string | (() => T), maybeFn?: () => T): T {
  if (maybeFn !== undefined && typeof nameOrFn !== 'string') {
    throw new Error('When calling with two arguments, the first argument to tidy() must be a string');
  }
  const fn = typeof nameOrFn === 'function' ? nameOrFn : maybeFn;
  if (typeof fn !== 'function') throw new Error('tidy: expected a function');
  return runInScope(fn, (result) => {
    if (result instanceof Promise) throw new Error('tidy: the function must be synchronous (it returned a Promise)');
  });
}

/** Dispose tensors found in x (a tensor, array or object of tensors). */
export function dispose(x: unknown): void {
  const set = new Set<Tensor>();
  collectTensors(x, set);
  for (const t of set) t.dispose();
}

/** Keep a tensor alive past the enclosing tidy. */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  return t;
}

/** `{numTensors, numDataBuffers, numBytes, backends: {name: {numBuffers, numBytes, ...}}}` */
export function memory() {
  return ENGINE.memory();
}
