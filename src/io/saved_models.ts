/**
 * The work of io.listModels, removeModel, copyModel and moveModel (model_management.ts) over the browser
 * stores (`indexeddb://`: browser_stores.ts, `localstorage://`: local_storage.ts). All of it is async, so it
 * loads on first use with the other async-only modules (src/async_parts.ts).
 */
import { INDEXEDDB_SCHEME } from './handlers.js';
import { LOCAL_STORAGE_SCHEME, PREFIX, SUFFIXES, keysFor, storage, stripScheme } from './local_storage.js';
import { listIndexedDBModels, removeIndexedDBModel } from './browser_stores.js';
import { getLoadHandler, getSaveHandler } from './model_io.js';
import type { ModelArtifactsInfo } from './types.js';

const SCHEMES = [INDEXEDDB_SCHEME, LOCAL_STORAGE_SCHEME];

function schemeOf(url: string, op: string): string {
  const s = SCHEMES.find((p) => url.startsWith(p));
  if (!s) {
    throw new Error(`${op}: the URL '${url}' has no supported scheme; model management works on ${SCHEMES.join(', ')} (e.g. 'localstorage://my-model')`);
  }
  if (url.length === s.length) throw new Error(`${op}: the URL '${url}' has an empty model path`);
  return s;
}

/** Saved models in localStorage: path -> info. */
function listLocalStorageModels(): Record<string, ModelArtifactsInfo> {
  const ls = storage();
  const out: Record<string, ModelArtifactsInfo> = {};
  const tail = `/${SUFFIXES.info}`;
  for (let i = 0; i < ls.length; i++) {
    const key = ls.key(i);
    if (key && key.startsWith(`${PREFIX}/`) && key.endsWith(tail)) {
      out[key.slice(PREFIX.length + 1, key.length - tail.length)] = JSON.parse(ls.getItem(key)!);
    }
  }
  return out;
}

function removeLocalStorageModel(modelPath: string): ModelArtifactsInfo {
  const path = stripScheme(modelPath);
  const ls = storage();
  const keys = keysFor(path);
  const info = ls.getItem(keys.info);
  if (info == null) throw new Error(`Cannot find model at path '${path}'`);
  for (const k of Object.values(keys)) ls.removeItem(k);
  return JSON.parse(info);
}

/** io.listModels: every model saved in IndexedDB and localStorage, URL -> ModelArtifactsInfo. */
export async function listSavedModels(): Promise<Record<string, ModelArtifactsInfo>> {
  const out: Record<string, ModelArtifactsInfo> = {};
  if ((globalThis as { indexedDB?: unknown }).indexedDB) {
    for (const [p, info] of Object.entries(await listIndexedDBModels())) out[INDEXEDDB_SCHEME + p] = info;
  }
  if ((globalThis as { localStorage?: unknown }).localStorage) {
    for (const [p, info] of Object.entries(listLocalStorageModels())) out[LOCAL_STORAGE_SCHEME + p] = info;
  }
  return out;
}

/** io.removeModel: deletes a saved model; its info. */
export async function removeSavedModel(url: string): Promise<ModelArtifactsInfo> {
  const scheme = schemeOf(url, 'io.removeModel');
  return scheme === INDEXEDDB_SCHEME ? removeIndexedDBModel(url) : removeLocalStorageModel(url);
}

/** io.copyModel and io.moveModel (`move`). */
export async function transferSavedModel(src: string, dst: string, move: boolean): Promise<ModelArtifactsInfo> {
  const op = move ? 'io.moveModel' : 'io.copyModel';
  const srcScheme = schemeOf(src, op);
  schemeOf(dst, op);
  if (src === dst) throw new Error(`${op}: the source and destination URLs are the same ('${src}')`);
  const artifacts = await getLoadHandler(src).load!();
  // moving within one store: delete first, as TF.js does, so a full store has room for the copy
  if (move && srcScheme === schemeOf(dst, op)) await removeSavedModel(src);
  const result = await getSaveHandler(dst).save!(artifacts);
  if (move && srcScheme !== schemeOf(dst, op)) await removeSavedModel(src);
  return result.modelArtifactsInfo as ModelArtifactsInfo;
}
