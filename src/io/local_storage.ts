/**
 * `localstorage://name` (TF.js scheme): saves a model in the browser's localStorage with TF.js's key
 * layout (`tensorflowjs_models/<name>/info`, `/model_topology`, `/weight_specs`, `/weight_data` as
 * base64, `/model_metadata`), so TF.js and tessera read each other's saved models. Saving and loading
 * (transfers.ts) and the store's list / remove for io.listModels and io.removeModel (saved_models.ts) load
 * on first use.
 */
import type { IOHandler, ModelArtifacts, ModelArtifactsInfo, SaveResult } from './types.js';

export const LOCAL_STORAGE_SCHEME = 'localstorage://';
export const PREFIX = 'tensorflowjs_models';
export const SUFFIXES = { info: 'info', topology: 'model_topology', weightSpecs: 'weight_specs', weightData: 'weight_data', metadata: 'model_metadata' };

export function storage(): Storage {
  const ls = (globalThis as { localStorage?: Storage }).localStorage;
  if (!ls) throw new Error('io.browserLocalStorage: localStorage is not available in this environment');
  return ls;
}
export function stripScheme(path: string): string {
  if (typeof path !== 'string') throw new Error('io.browserLocalStorage: for local storage, modelPath must not be null, undefined or empty');
  const p = path.startsWith(LOCAL_STORAGE_SCHEME) ? path.slice(LOCAL_STORAGE_SCHEME.length) : path;
  if (!p || !p.trim()) throw new Error('io.browserLocalStorage: for local storage, modelPath must not be null, undefined or empty'); // TF.js wording
  return p;
}
export type StorageKeys = Record<keyof typeof SUFFIXES, string>;

export function keysFor(path: string): StorageKeys {
  const out = {} as StorageKeys;
  for (const [k, s] of Object.entries(SUFFIXES)) out[k as keyof typeof SUFFIXES] = `${PREFIX}/${path}/${s}`;
  return out;
}

/**
 * TF.js `io.browserLocalStorage(modelPath)`.
 * @example
 * ```js
 * await model.save(tf.io.browserLocalStorage('my-model')); // or model.save('localstorage://my-model')
 * ```
 */
export function browserLocalStorage(modelPath: string): IOHandler {
  const path = stripScheme(modelPath);
  const keys = keysFor(path);
  return {
    async save(a: ModelArtifacts): Promise<SaveResult> {
      return (await import('../async_parts.js')).localStorageSave(path, keys, a);
    },
    async load(): Promise<ModelArtifacts> {
      return (await import('../async_parts.js')).localStorageLoad(path, keys);
    },
  };
}
