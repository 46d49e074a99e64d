/**
 * Model management and URL routers (TF.js names): `io.registerSaveRouter` / `registerLoadRouter` (a
 * router maps a URL to an IOHandler or null; registered routers are asked before the built-in schemes),
 * and `io.listModels`, `removeModel`, `copyModel`, `moveModel` over the browser stores
 * (`indexeddb://` and `localstorage://`), which are async: their work (saved_models.ts) loads on first
 * use with the other async-only modules (src/async_parts.ts).
 */
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

// ---- managing saved models (saved_models.ts) -------------------------------------------------------

/**
 * Every model saved in IndexedDB and localStorage: URL -> ModelArtifactsInfo.
 * @example
 * ```js
 * console.log(await tf.io.listModels()); // { 'indexeddb://my-model': { dateSaved, ... } }
 * ```
 */
export async function listModels(): Promise<Record<string, ModelArtifactsInfo>> {
  return (await import('../async_parts.js')).listSavedModels();
}

/**
 * Delete a saved model; returns its info.
 * @example
 * ```js
 * await tf.io.removeModel('localstorage://my-model');
 * ```
 */
export async function removeModel(url: string): Promise<ModelArtifactsInfo> {
  return (await import('../async_parts.js')).removeSavedModel(url);
}

/**
 * Copy a saved model to another URL (possibly another store).
 * @example
 * ```js
 * await tf.io.copyModel('localstorage://my-model', 'indexeddb://my-model');
 * ```
 */
export async function copyModel(sourceURL: string, destURL: string): Promise<ModelArtifactsInfo> {
  return (await import('../async_parts.js')).transferSavedModel(sourceURL, destURL, false);
}
/**
 * Move a saved model to another URL (possibly another store).
 * @example
 * ```js
 * await tf.io.moveModel('localstorage://my-model', 'indexeddb://my-model');
 * ```
 */
export async function moveModel(sourceURL: string, destURL: string): Promise<ModelArtifactsInfo> {
  return (await import('../async_parts.js')).transferSavedModel(sourceURL, destURL, true);
}
