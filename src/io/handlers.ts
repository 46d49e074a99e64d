/**
 * In-memory and browser IO handlers with TF.js names: withSaveHandler, fromMemory,
 * browserDownloads ('downloads://name': model.json + name.weights.bin through anchor clicks),
 * browserFiles ([model.json, ...shards] from an <input type=file>), and indexedDB
 * ('indexeddb://name', the same database layout as TF.js so either library reads the other's). The
 * browser handlers' transfers are in browser_stores.ts, loaded on first use (src/async_parts.ts).
 */
import type { IOHandler, ModelArtifacts, ModelJSON, SaveResult, WeightData, WeightSpec, WeightsManifestEntry } from './types.js';
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
      return (await import('../async_parts.js')).downloadsSave(prefix, jsonName, weightsName, a);
    },
  };
}

// ---- browser files ----------------------------------------------------------------------------

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
      return (await import('../async_parts.js')).filesLoad(jsonFile, weightFiles);
    },
  };
}

// ---- IndexedDB --------------------------------------------------------------------------------

export const INDEXEDDB_SCHEME = 'indexeddb://';
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
      return (await import('../async_parts.js')).indexedDBSave(path, a);
    },
    async load(): Promise<ModelArtifacts> {
      return (await import('../async_parts.js')).indexedDBLoad(path);
    },
  };
}
