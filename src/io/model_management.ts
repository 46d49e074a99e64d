/**
 * Model management and URL routers (TF.js names): `io.registerSaveRouter` / `registerLoadRouter` (a
 * router maps a URL to an IOHandler or null; registered routers are asked before the built-in schemes),
 * and `io.listModels`, `removeModel`, `copyModel`, `moveModel` over the browser stores
 * (`indexeddb://` and `localstorage://`).
 */
import { INDEXEDDB_SCHEME } from './handlers.js';
import { LOCAL_STORAGE_SCHEME, listLocalStorageModels, removeLocalStorageModel } from './local_storage.js';
import type { IOHandler, LoadOptions, ModelArtifactsInfo } from './types.js';

export type IORouter = (url: string | string[], loadOptions?: LoadOptions) => IOHandler | null;
const saveRouters: IORouter[] = [];
const loadRouters: IORouter[] = [];

/**
 * Registers a function that maps a URL to a save IOHandler (or null), for `model.save(url)`.
 * @example
 * ```js
 * tf.io.registerSaveRouter((url) => (url.startsWith('mem://') ? myHandler : null));
 * ```
 */
export function registerSaveRouter(router: IORouter): void {
  if (typeof router !== 'function') throw new Error('io.registerSaveRouter: a router is a function from a URL to an IOHandler or null');
  saveRouters.push(router);
}
/**
 * Registers a function that maps a URL to a load IOHandler (or null), for `tf.loadLayersModel(url)`.
 * @example
 * ```js
 * tf.io.registerLoadRouter((url) => (url.startsWith('mem://') ? myHandler : null));
 * ```
 */
export function registerLoadRouter(router: IORouter): void {
  if (typeof router !== 'function') throw new Error('io.registerLoadRouter: a router is a function from a URL to an IOHandler or null');
  loadRouters.push(router);
}

/** The handler a registered router gives for `url`, or null; two matches are an error, as in TF.js. */
export function routedHandler(url: string, kind: 'save' | 'load', options?: LoadOptions): IOHandler | null {
  const found = (kind === 'save' ? saveRouters : loadRouters).map((r) => r(url, options)).filter((h): h is IOHandler => h != null);
  if (found.length > 1) throw new Error(`Mutliple ${kind} handlers for URL '${url}'`);
  return found[0] ?? null;
}

// ---- managing saved models ------------------------------------------------------------------------

const SCHEMES = [INDEXEDDB_SCHEME, LOCAL_STORAGE_SCHEME];

function schemeOf(url: string, op: string): string {
  const s = SCHEMES.find((p) => url.startsWith(p));
  if (!s) {
    throw new Error(`${op}: the URL '${url}' has no supported scheme; model management works on ${SCHEMES.join(', ')} (e.g. 'localstorage://my-model')`);
  }
  if (url.length === s.length) throw new Error(`${op}: the URL '${url}' has an empty model path`);
  return s;
}

/**
 * Every model saved in IndexedDB and localStorage: URL -> ModelArtifactsInfo.
 * @example
 * ```js
 * console.log(await tf.io.listModels()); // { 'indexeddb://my-model': { dateSaved, ... } }
 * ```
 */
export async function listModels(): Promise<Record<string, ModelArtifactsInfo>> {
  const out: Record<string, ModelArtifactsInfo> = {};
  if ((globalThis as { indexedDB?: unknown }).indexedDB) {
    for (const [p, info] of Object.entries(await (await import('../async_parts.js')).listIndexedDBModels())) out[INDEXEDDB_SCHEME + p] = info;
  }
  if ((globalThis as { localStorage?: unknown }).localStorage) {
    for (const [p, info] of Object.entries(listLocalStorageModels())) out[LOCAL_STORAGE_SCHEME + p] = info;
  }
  return out;
}

/**
 * Delete a saved model; returns its info.
 * @example
 * ```js
 * await tf.io.removeModel('localstorage://my-model');
 * ```
 */
export async function removeModel(url: string): Promise<ModelArtifactsInfo> {
  const scheme = schemeOf(url, 'io.removeModel');
  return scheme === INDEXEDDB_SCHEME ? (await import('../async_parts.js')).removeIndexedDBModel(url) : removeLocalStorageModel(url);
}

async function transfer(src: string, dst: string, move: boolean): Promise<ModelArtifactsInfo> {
  const op = move ? 'io.moveModel' : 'io.copyModel';
  const srcScheme = schemeOf(src, op);
  schemeOf(dst, op);
  if (src === dst) throw new Error(`${op}: the source and destination URLs are the same ('${src}')`);
  const { getLoadHandler, getSaveHandler } = await import('../async_parts.js'); // model_io.ts (an import cycle otherwise)
  const artifacts = await getLoadHandler(src).load!();
  // moving within one store: delete first, as TF.js does, so a full store has room for the copy
  if (move && srcScheme === schemeOf(dst, op)) await removeModel(src);
  const result = await getSaveHandler(dst).save!(artifacts);
  if (move && srcScheme !== schemeOf(dst, op)) await removeModel(src);
  return result.modelArtifactsInfo as ModelArtifactsInfo;
}

/**
 * Copy a saved model to another URL (possibly another store).
 * @example
 * ```js
 * await tf.io.copyModel('localstorage://my-model', 'indexeddb://my-model');
 * ```
 */
export function copyModel(sourceURL: string, destURL: string): Promise<ModelArtifactsInfo> {
  return transfer(sourceURL, destURL, false);
}
/**
 * Move a saved model to another URL (possibly another store).
 * @example
 * ```js
 * await tf.io.moveModel('localstorage://my-model', 'indexeddb://my-model');
 * ```
 */
export function moveModel(sourceURL: string, destURL: string): Promise<ModelArtifactsInfo> {
  return transfer(sourceURL, destURL, true);
}
