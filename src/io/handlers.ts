/**
 * In-memory and browser IO handlers with TF.js names: withSaveHandler, fromMemory,
 * browserDownloads ('downloads://name': model.json + name.weights.bin through anchor clicks),
 * browserFiles ([model.json, ...shards] from an <input type=file>), and indexedDB
 * ('indexeddb://name', the same database layout as TF.js so either library reads the other's).
 */
import type { IOHandler, ModelArtifacts, ModelArtifactsInfo, ModelJSON, SaveResult, WeightData, WeightSpec, WeightsManifestEntry } from './types.js';
import { concatBuffers } from './weights.js';

/** Every handler reports a save's sizes as TF.js's io.getModelArtifactsInfoForJSON does. */
export { getModelArtifactsInfoForJSON as artifactsInfo } from './io_utils.js';
import { getModelArtifactsInfoForJSON as artifactsInfo } from './io_utils.js';

/** model.json contents for artifacts whose weights live in the given shard paths. */
export function modelJSONFor(a: ModelArtifacts, paths: string[]): ModelJSON {
  const json: ModelJSON = {
    modelTopology: a.modelTopology as Record<string, unknown>,
    weightsManifest: [{ paths, weights: a.weightSpecs ?? [] }],
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
  };
  if (a.trainingConfig) json.trainingConfig = a.trainingConfig;
  if (a.userDefinedMetadata) json.userDefinedMetadata = a.userDefinedMetadata;
  return json;
}

/** Artifacts from a parsed model.json plus its shards (already in manifest order). */
export function artifactsFromModelJSON(json: ModelJSON, source: string, shards?: ArrayBuffer[]): ModelArtifacts {
  if (!json || typeof json !== 'object' || json.modelTopology == null) {
    throw new Error(`loadLayersModel: ${source} has no modelTopology; is it a TF.js layers model.json?`);
  }
  if (json.format === 'graph-model') throw new Error(`loadLayersModel: ${source} is a TF.js graph model; tessera loads layers models`);
  const a: ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  };
  if (json.trainingConfig) a.trainingConfig = json.trainingConfig;
  if (json.userDefinedMetadata) a.userDefinedMetadata = json.userDefinedMetadata;
  if (json.weightsManifest && shards) {
    a.weightSpecs = manifestSpecs(json.weightsManifest);
    a.weightData = concatBuffers(shards);
  }
  return a;
}

export function manifestSpecs(manifest: WeightsManifestEntry[]): WeightSpec[] {
  if (!Array.isArray(manifest)) throw new Error('loadLayersModel: weightsManifest must be a list of {paths, weights}');
  return manifest.flatMap((g) => g.weights ?? []);
}
export function manifestPaths(manifest: WeightsManifestEntry[]): string[] {
  return manifest.flatMap((g) => g.paths ?? []);
}

/**
 * TF.js `io.withSaveHandler(fn)`: model.save() hands the artifacts to fn.
 * @example
 * ```js
 * await model.save(tf.io.withSaveHandler(async (artifacts) => ({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) })));
 * ```
 */
export function withSaveHandler(fn: (artifacts: ModelArtifacts) => Promise<SaveResult>): IOHandler {
  if (typeof fn !== 'function') throw new Error('io.withSaveHandler: expected a function (artifacts) => Promise<SaveResult>');
  return { save: fn };
}

/**
 * TF.js `io.withSaveHandlerSync(fn)`: like withSaveHandler, for a fn that returns the SaveResult directly.
 * @example
 * ```js
 * const handler = tf.io.withSaveHandlerSync((artifacts) => ({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) }));
 * ```
 */
export function withSaveHandlerSync(fn: (artifacts: ModelArtifacts) => SaveResult): { save(a: ModelArtifacts): SaveResult } {
  if (typeof fn !== 'function') throw new Error('io.withSaveHandlerSync: expected a function (artifacts) => SaveResult');
  return { save: fn };
}

/** fromMemory's two call forms (artifacts, or the legacy topology, specs, data, trainingConfig) as artifacts. */
function memoryArtifacts(
  artifactsOrTopology: ModelArtifacts | Record<string, unknown>, weightSpecs?: WeightSpec[], weightData?: WeightData,
  trainingConfig?: Record<string, unknown>,
): ModelArtifacts {
  const a = artifactsOrTopology as ModelArtifacts;
  const isArtifacts = a && typeof a === 'object' && ('modelTopology' in a || 'weightSpecs' in a) && weightSpecs === undefined;
  return isArtifacts
    ? a
    : { modelTopology: artifactsOrTopology as Record<string, unknown>, weightSpecs, weightData, trainingConfig };
}

/**
 * TF.js `io.fromMemory(artifacts)` or `io.fromMemory(modelTopology, weightSpecs, weightData,
 * trainingConfig)`: a handler whose load() returns those artifacts.
 * @example
 * ```js
 * const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
 * ```
 */
export function fromMemory(...args: Parameters<typeof memoryArtifacts>): IOHandler {
  const artifacts = memoryArtifacts(...args);
  return { load: async () => artifacts };
}

/**
 * TF.js `io.fromMemorySync(...)`: fromMemory whose load() returns the artifacts synchronously.
 * @example
 * ```js
 * const handler = tf.io.fromMemorySync(artifacts);
 * ```
 */
export function fromMemorySync(...args: Parameters<typeof memoryArtifacts>): { load(): ModelArtifacts } {
  const artifacts = memoryArtifacts(...args);
  return { load: () => artifacts };
}

// ---- browser downloads ------------------------------------------------------------------------

export const DOWNLOADS_SCHEME = 'downloads://';

/**
 * TF.js `io.browserDownloads(name)`: triggers downloads of name.json and name.weights.bin.
 * @example
 * ```js
 * await model.save(tf.io.browserDownloads('my-model')); // or model.save('downloads://my-model')
 * ```
 */
export function browserDownloads(fileNamePrefix = 'model'): IOHandler {
  let prefix = fileNamePrefix.startsWith(DOWNLOADS_SCHEME) ? fileNamePrefix.slice(DOWNLOADS_SCHEME.length) : fileNamePrefix;
  if (!prefix) prefix = 'model';
  const jsonName = `${prefix}.json`;
  const weightsName = `${prefix}.weights.bin`;
  return {
    async save(a: ModelArtifacts): Promise<SaveResult> {
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
    },
  };
}

// ---- browser files ----------------------------------------------------------------------------

const basename = (p: string) => p.replace(/\/+$/, '').split('/').pop() ?? p;

/**
 * TF.js `io.browserFiles([jsonFile, ...weightFiles])` (File or Blob with a name).
 * @example
 * ```js
 * const model = await tf.loadLayersModel(tf.io.browserFiles([jsonFile, weightsFile]));
 * ```
 */
export function browserFiles(files: (Blob & { name?: string })[]): IOHandler {
  if (!files || files.length < 1) throw new Error('io.browserFiles: browserFiles expects at least 1 file (model.json first, then its weight files)');
  const [jsonFile, ...weightFiles] = files;
  return {
    async load(): Promise<ModelArtifacts> {
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
    },
  };
}

// ---- IndexedDB --------------------------------------------------------------------------------

export const INDEXEDDB_SCHEME = 'indexeddb://';
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

/**
 * `indexeddb://name`: save and load in the browser's IndexedDB (TF.js layout).
 * @example
 * ```js
 * await model.save(tf.io.indexedDB('my-model')); // or model.save('indexeddb://my-model')
 * ```
 */
export function indexedDB(modelPath: string): IOHandler {
  const path = modelPath.startsWith(INDEXEDDB_SCHEME) ? modelPath.slice(INDEXEDDB_SCHEME.length) : modelPath;
  if (!path) throw new Error('io.indexedDB: the model path must not be empty');
  return {
    async save(a: ModelArtifacts): Promise<SaveResult> {
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
    },
    async load(): Promise<ModelArtifacts> {
      const db = await openDatabase();
      try {
        const tx = db.transaction(MODEL_STORE, 'readonly');
        const rec = await request(tx.objectStore(MODEL_STORE).get(path));
        if (!rec) throw new Error(`io.indexedDB: no model saved under '${INDEXEDDB_SCHEME}${path}'`);
        return rec.modelArtifacts as ModelArtifacts;
      } finally {
        db.close();
      }
    },
  };
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
