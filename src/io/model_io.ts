/**
 * Saving and loading LayersModels in the TF.js Layers format: the URL routing to IO handlers
 * (getSaveHandler, getLoadHandler, ...) and the entry points model.save (saveModel) and
 * loadLayersModel, whose work (model_save_load.ts) loads with the other async-only modules
 * (src/async_parts.ts) on the first call, out of the JS an app loads up front.
 */
import { version } from '../version.js';
import type { LayersModel } from '../models/layers_model.js';
import { browserDownloads, DOWNLOADS_SCHEME, indexedDB, INDEXEDDB_SCHEME } from './handlers.js';
import { http } from './http.js';
import { fileSystem, FILE_SCHEME, isNode } from './node_fs.js';
import { browserLocalStorage, LOCAL_STORAGE_SCHEME } from './local_storage.js';
import { routedHandler } from './model_management.js';
import type { IOHandler, LoadOptions, SaveResult } from './types.js';
import type { QuantizeWeightsDtype } from './weight_codecs.js';

export type { SaveResult } from './types.js';
/**
 * TF.js SaveConfig: `includeOptimizer` adds the training config and the optimizer's state.
 * tessera's `quantizeWeights` ('uint8' | 'uint16' | 'float16') stores the model's float32 weights in
 * the TF.js converter's quantized form (TF.js loads it too); the optimizer's state stays float32.
 */
export interface SaveConfig {
  includeOptimizer?: boolean;
  trainableOnly?: boolean;
  quantizeWeights?: QuantizeWeightsDtype;
}
export const GENERATED_BY = `tessera ${version}`;

// ---- URL routing --------------------------------------------------------------------------------

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * The handler for a save URL: downloads://, indexeddb://, http(s)://, file:// or a Node path.
 * @example
 * ```js
 * const handler = tf.io.getSaveHandler('indexeddb://my-model');
 * ```
 */
export function getSaveHandler(url: string): IOHandler {
  const routed = routedHandler(url, 'save');
  if (routed) return routed;
  if (url.startsWith(LOCAL_STORAGE_SCHEME)) return browserLocalStorage(url);
  if (url.startsWith(DOWNLOADS_SCHEME)) return browserDownloads(url.slice(DOWNLOADS_SCHEME.length));
  if (url.startsWith(INDEXEDDB_SCHEME)) return indexedDB(url);
  if (/^https?:\/\//i.test(url)) return http(url);
  if (url.startsWith(FILE_SCHEME) || (!SCHEME.test(url) && isNode())) return fileSystem(url);
  throw new Error(`model.save: no save handler for '${url}' (use downloads://, indexeddb://, localstorage://, http(s)://, file:// or, in Node, a path)`);
}

/**
 * The handler for a load URL. Relative URLs in the browser load over HTTP.
 * @example
 * ```js
 * const handler = tf.io.getLoadHandler('https://example.com/model.json');
 * ```
 */
export function getLoadHandler(url: string, options: LoadOptions = {}): IOHandler {
  const routed = routedHandler(url, 'load', options);
  if (routed) return routed;
  if (url.startsWith(LOCAL_STORAGE_SCHEME)) return browserLocalStorage(url);
  if (url.startsWith(INDEXEDDB_SCHEME)) return indexedDB(url);
  if (/^https?:\/\//i.test(url)) return http(url, options);
  if (url.startsWith(FILE_SCHEME) || (!SCHEME.test(url) && isNode())) return fileSystem(url);
  if (!SCHEME.test(url)) return http(url, options);
  throw new Error(`loadLayersModel: no load handler for '${url}' (use indexeddb://, localstorage://, http(s)://, file:// or, in Node, a path)`);
}

/**
 * TF.js `io.getSaveHandlers(url)`: the handlers that can save to url (empty when none).
 * @example
 * ```js
 * const handlers = tf.io.getSaveHandlers('localstorage://my-model');
 * ```
 */
export function getSaveHandlers(url: string): IOHandler[] {
  return handlersFor(() => getSaveHandler(url));
}

/**
 * TF.js `io.getLoadHandlers(url, loadOptions?)`: the handlers that can load from url (empty when none).
 * @example
 * ```js
 * const handlers = tf.io.getLoadHandlers('indexeddb://my-model');
 * ```
 */
export function getLoadHandlers(url: string, loadOptions?: LoadOptions): IOHandler[] {
  return handlersFor(() => getLoadHandler(url, loadOptions));
}

function handlersFor(route: () => IOHandler): IOHandler[] {
  try {
    return [route()];
  } catch (e) {
    if (/no (save|load) handler for/.test((e as Error).message)) return [];
    throw e;
  }
}

/** model.save(handlerOrUrl, {includeOptimizer, quantizeWeights}): topology + weights (+ training config and optimizer state) through an IO handler. */
export async function saveModel(model: LayersModel, handlerOrUrl: unknown, config: SaveConfig = {}): Promise<SaveResult> {
  return (await import('../async_parts.js')).saveModel(model, handlerOrUrl, config);
}

/**
 * TF.js `loadLayersModel(pathOrIOHandler, options)`.
 * @example
 * ```js
 * const model = await tf.loadLayersModel('https://example.com/model.json');
 * model.predict(tf.zeros([1, 28, 28, 1])).print();
 * ```
 */
export async function loadLayersModel(pathOrHandler: string | IOHandler, options: LoadOptions = {}): Promise<LayersModel> {
  return (await import('../async_parts.js')).loadLayersModel(pathOrHandler, options);
}
