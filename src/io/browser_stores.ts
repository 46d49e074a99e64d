/**
 * The async work of the browser IO handlers of handlers.ts (browserDownloads' save, browserFiles' load,
 * indexedDB's save / load / list / remove): the factories there check their arguments synchronously, as
 * TF.js's do, and this module loads with the other async-only modules (src/async_parts.ts) on first use.
 */
import type { ModelArtifacts, ModelArtifactsInfo, ModelJSON, SaveResult } from './types.js';
import { concatBuffers } from './weights.js';
import { artifactsFromModelJSON, artifactsInfo, INDEXEDDB_SCHEME, manifestPaths, modelJSONFor } from './handlers.js';

// ---- browser downloads ------------------------------------------------------------------------

/** browserDownloads' save: name.json and name.weights.bin through anchor clicks. */
export async function downloadsSave(prefix: string, jsonName: string, weightsName: string, a: ModelArtifacts): Promise<SaveResult> {
  if (typeof document === 'undefined' || typeof URL === 'undefined' || typeof URL.createObjectURL !== 'function') {
    throw new Error(`io.browserDownloads('${prefix}'): needs a browser page with document and URL.createObjectURL`);
  }
  const json = modelJSONFor(a, [`./${weightsName}`]);
  const click = async (name: string, blob: Blob) => {
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement('a');
    anchor.download = name;
    anchor.href = url;
    await new Promise((r) => setTimeout(r));
    anchor.dispatchEvent(new MouseEvent('click'));
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  await click(jsonName, new Blob([JSON.stringify(json)], { type: 'application/json' }));
  if (a.weightData) await click(weightsName, new Blob([concatBuffers(a.weightData)], { type: 'application/octet-stream' }));
  return { modelArtifactsInfo: artifactsInfo(a) };
}

// ---- browser files ----------------------------------------------------------------------------

const basename = (p: string) => p.replace(/\/+$/, '').split('/').pop() ?? p;

/** browserFiles' load: model.json, then its weight files matched by basename. */
export async function filesLoad(jsonFile: Blob & { name?: string }, weightFiles: (Blob & { name?: string })[]): Promise<ModelArtifacts> {
  const source = `file '${jsonFile.name ?? 'model.json'}'`;
  let json: ModelJSON;
  try {
    json = JSON.parse(await jsonFile.text());
  } catch (e) {
    throw new Error(`io.browserFiles: ${source} is not valid JSON: ${(e as Error).message}`);
  }
  if (json.modelTopology == null) throw new Error(`io.browserFiles: modelTopology field is missing from file ${jsonFile.name ?? 'model.json'}`);
  if (!json.weightsManifest) throw new Error(`io.browserFiles: ${source} has no weightsManifest`);
  if (weightFiles.length === 0) return artifactsFromModelJSON(json, source);
  const byName = new Map(weightFiles.map((f) => [basename(f.name ?? ''), f]));
  const paths = manifestPaths(json.weightsManifest);
  const seen = new Set<string>();
  for (const p of paths) {
    // files are matched by basename, so two manifest paths with one basename are ambiguous
    if (seen.has(basename(p))) throw new Error(`Duplicate file basename found in weights manifest: '${basename(p)}'`);
    seen.add(basename(p));
  }
  if (paths.length !== weightFiles.length) {
    // TF.js's wording, word for word (its specs compare the whole message)
    throw new Error(`Mismatch in the number of files in weights manifest (${paths.length}) and the number of weight files provided (${weightFiles.length}).`);
  }
  const shards = await Promise.all(paths.map(async (p) => {
    const f = byName.get(basename(p));
    if (!f) throw new Error(`Weight file with basename '${basename(p)}' is not provided.`); // TF.js's wording
    return f.arrayBuffer();
  }));
  return artifactsFromModelJSON(json, source, shards);
}

// ---- IndexedDB (TF.js's database layout) ------------------------------------------------------

const DB_NAME = 'tensorflowjs';
const MODEL_STORE = 'models_store';
const INFO_STORE = 'model_info_store';

function openDatabase(): Promise<IDBDatabase> {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new Error('io.indexedDB: IndexedDB is not available in this environment');
  return new Promise((resolve, reject) => {
    const req = factory.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(MODEL_STORE, { keyPath: 'modelPath' });
      req.result.createObjectStore(INFO_STORE, { keyPath: 'modelPath' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** indexedDB's save under `path` (the scheme stripped). */
export async function indexedDBSave(path: string, a: ModelArtifacts): Promise<SaveResult> {
  const artifacts: ModelArtifacts = { ...a, weightData: a.weightData ? concatBuffers(a.weightData) : undefined };
  const modelArtifactsInfo = artifactsInfo(artifacts);
  const db = await openDatabase();
  try {
    const tx = db.transaction([MODEL_STORE, INFO_STORE], 'readwrite');
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('io.indexedDB: the save transaction was aborted'));
    });
    tx.objectStore(INFO_STORE).put({ modelPath: path, modelArtifactsInfo });
    tx.objectStore(MODEL_STORE).put({ modelPath: path, modelArtifacts: artifacts, modelArtifactsInfo });
    await done;
  } finally {
    db.close();
  }
  return { modelArtifactsInfo };
}

/** indexedDB's load of `path`. */
export async function indexedDBLoad(path: string): Promise<ModelArtifacts> {
  const db = await openDatabase();
  try {
    const tx = db.transaction(MODEL_STORE, 'readonly');
    const rec = await request(tx.objectStore(MODEL_STORE).get(path));
    if (!rec) throw new Error(`io.indexedDB: no model saved under '${INDEXEDDB_SCHEME}${path}'`);
    return rec.modelArtifacts as ModelArtifacts;
  } finally {
    db.close();
  }
}

/** Saved models in IndexedDB: path -> info (TF.js's model_info_store). */
export async function listIndexedDBModels(): Promise<Record<string, ModelArtifactsInfo>> {
  const db = await openDatabase();
  try {
    const rows = await request(db.transaction(INFO_STORE, 'readonly').objectStore(INFO_STORE).getAll());
    const out: Record<string, ModelArtifactsInfo> = {};
    for (const r of rows as { modelPath: string; modelArtifactsInfo: ModelArtifactsInfo }[]) out[r.modelPath] = r.modelArtifactsInfo;
    return out;
  } finally {
    db.close();
  }
}

/** Delete a model saved in IndexedDB; returns its info. */
export async function removeIndexedDBModel(modelPath: string): Promise<ModelArtifactsInfo> {
  const path = modelPath.startsWith(INDEXEDDB_SCHEME) ? modelPath.slice(INDEXEDDB_SCHEME.length) : modelPath;
  const db = await openDatabase();
  try {
    const tx = db.transaction([MODEL_STORE, INFO_STORE], 'readwrite');
    const rec = await request(tx.objectStore(INFO_STORE).get(path));
    if (!rec) throw new Error(`Cannot find model with path '${path}' in IndexedDB.`);
    tx.objectStore(INFO_STORE).delete(path);
    tx.objectStore(MODEL_STORE).delete(path);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    return (rec as { modelArtifactsInfo: ModelArtifactsInfo }).modelArtifactsInfo;
  } finally {
    db.close();
  }
}
