/**
 * Module-level engine functions with TF.js names: backends (setBackend, getBackend, ready),
 * memory (tidy, dispose, keep, memory, disposeVariables), op() and setPlatform.
 */
import { ENGINE, collectTensors, type BackendInfo } from './engine.js';
import { Tensor } from './tensor.js';
import { runInScope } from './ops/operand.js';
import { variableRegistry } from './variable.js';
import { env, type Platform } from './environment.js';

/**
 * Switch to a backend ('webgpu' | 'wasm' | 'js'); false when it is unavailable here.
 * @example
 * ```js
 * await tf.setBackend('wasm'); // or 'webgpu', 'js'
 * ```
 */
export function setBackend(name: 'webgpu' | 'wasm' | 'js' | string): Promise<boolean> {
  return ENGINE.setBackend(name);
}
/**
 * Which WebGPU adapter was found (vendor, architecture, description, isFallbackAdapter), which
 * backend is active and why, and the error of every backend that failed to start.
 * @example
 * ```js
 * console.log(tf.backendInfo()); // { backend: 'webgpu', reason: ..., adapter: {...}, failures: {} }
 * ```
 */
export function backendInfo(): BackendInfo {
  return ENGINE.backendInfo();
}
/**
 * The name of the active backend ('webgpu', 'wasm' or 'js').
 * @example
 * ```js
 * await tf.ready();
 * console.log(tf.getBackend());
 * ```
 */
export function getBackend(): string {
  return ENGINE.getBackend();
}
/**
 * Pick the default backend: webgpu on a hardware adapter, else wasm, else js. After a WebGPU
 * device loss it requests a new device (or moves on to the next backend when none comes).
 * @example
 * ```js
 * await tf.ready(); // the best backend this runtime has is started
 * ```
 */
export function ready(): Promise<void> {
  return ENGINE.ready();
}
/**
 * Wait for queued device work to finish.
 * @example
 * ```js
 * await tf.sync(); // every queued kernel has finished
 * ```
 */
export function sync(): Promise<void> {
  return ENGINE.backend.sync();
}

/**
 * Run fn; dispose every tensor it created except those it returns.
 * @example
 * ```js
 * const y = tf.tidy(() => tf.square(tf.tensor([1, 2])).add(1)); // the square is freed, y is kept
 * ```
 */
export function tidy<T>(nameOrFn: string | (() => T), maybeFn?: () => T): T {
  if (maybeFn !== undefined && typeof nameOrFn !== 'string') {
    throw new Error('When calling with two arguments, the first argument to tidy() must be a string');
  }
  const fn = typeof nameOrFn === 'function' ? nameOrFn : maybeFn;
  if (typeof fn !== 'function') throw new Error('The last argument to tidy() must be a function');
  return runInScope(fn, (result) => {
    if (result instanceof Promise) throw new Error('tidy: the function must be synchronous (it returned a Promise)');
  });
}

/**
 * Dispose tensors found in x (a tensor, array or object of tensors).
 * @example
 * ```js
 * const a = tf.ones([2]);
 * const b = tf.zeros([2]);
 * tf.dispose([a, b]);
 * ```
 */
export function dispose(x: unknown): void {
  const set = new Set<Tensor>();
  collectTensors(x, set);
  for (const t of set) t.dispose();
}

/**
 * Keep a tensor alive past the enclosing tidy.
 * @example
 * ```js
 * const kept = tf.tidy(() => tf.keep(tf.ones([2])));
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  ENGINE.tracer?.untraceable('it keeps a tensor past the call (tf.keep, e.g. a stateful layer\'s state)');
  t.kept = true;
  return t;
}

/**
 * `{numTensors, numDataBuffers, numBytes, backends: {name: {numBuffers, numBytes, ...}}}`
 * @example
 * ```js
 * console.log(tf.memory().numTensors);
 * ```
 */
export function memory() {
  return ENGINE.memory();
}

/**
 * TF.js `disposeVariables()`: dispose every registered variable.
 * @example
 * ```js
 * tf.disposeVariables();
 * ```
 */
export function disposeVariables(): void {
  for (const v of [...variableRegistry.values()]) v.dispose();
}

/** The suffix TF.js's `op()` appends to an op's scope name. */
export const OP_SCOPE_SUFFIX = '__op';

/**
 * TF.js `op({name: fn})`: fn as an op, its intermediate tensors disposed when it returns (as tidy) and
 * named `name__op` (a trailing '_' in the name is dropped first, as TF.js).
 * @example
 * ```js
 * const squarePlusOne = tf.op({ squarePlusOne: (x) => tf.add(tf.square(x), 1) });
 * squarePlusOne(tf.tensor([2])).print(); // [5]
 * ```
 */
export function op<F extends (...args: never[]) => unknown>(f: Record<string, F>): F {
  const keys = Object.keys(f);
  if (keys.length !== 1) {
    // TF.js's wording
    throw new Error(`Please provide an object with a single key (operation name) mapping to a function. Got an object with ${keys.length} keys.`);
  }
  const fn = f[keys[0]];
  const opName = (keys[0].endsWith('_') ? keys[0].slice(0, -1) : keys[0]) + OP_SCOPE_SUFFIX;
  const wrapped = (...args: Parameters<F>) => {
    ENGINE.opNames.push(opName);
    try {
      return runInScope(() => fn(...args), (result) => {
        if (result instanceof Promise) console.error('Cannot return a Promise inside of tidy.');
      });
    } finally {
      ENGINE.opNames.pop();
    }
  };
  Object.defineProperty(wrapped, 'name', { value: opName, configurable: true });
  return wrapped as unknown as F;
}

/**
 * TF.js `setPlatform(name, platform)`: replace the platform (fetch, now, string coding) `env()` uses.
 * @example
 * ```js
 * tf.setPlatform('custom', { fetch: myFetch, now: () => Date.now(), encode: (s) => new TextEncoder().encode(s), decode: (b) => new TextDecoder().decode(b) });
 * ```
 */
export function setPlatform(platformName: string, platform: Platform): void {
  env().setPlatform(platformName, platform);
}
