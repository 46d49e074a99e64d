/**
 * `localstorage://name` (TF.js scheme): saves a model in the browser's localStorage with TF.js's key
 * layout (`tensorflowjs_models/<name>/info`, `/model_topology`, `/weight_specs`, `/weight_data` as
 * base64, `/model_metadata`), so TF.js and tessera read each other's saved models. Also the store's
 * list / remove used by io.listModels and io.removeModel.
 */
import { artifactsInfo } from './handlers.js';
import { concatBuffers } from './weights.js';
import type { IOHandler, ModelArtifacts, ModelArtifactsInfo, SaveResult } from './types.js';

export const LOCAL_STORAGE_SCHEME = 'localstorage://';
const PREFIX = 'tensorflowjs_models';
const SUFFIXES = { info: 'info', topology: 'model_topology', weightSpecs: 'weight_specs', weightData: 'weight_data', metadata: 'model_metadata' };

function storage(): Storage {
  const ls = (globalThis as { localStorage?: Storage }).localStorage;
  if (!ls) throw new Error('io.browserLocalStorage: localStorage is not available in this environment');
  return ls;
}
function stripScheme(path: string): string {
  if (typeof path !== 'string') throw new Error('io.browserLocalStorage: for local storage, modelPath must not be null, undefined or empty');
  const p = path.startsWith(LOCAL_STORAGE_SCHEME) ? path.slice(LOCAL_STORAGE_SCHEME.length) : path;
  if (!p || !p.trim()) throw new Error('io.browserLocalStorage: for local storage, modelPath must not be null, undefined or empty'); // TF.js wording
  return p;
}
function keysFor(path: string): Record<keyof typeof SUFFIXES, string> {
  const out = {} as Record<keyof typeof SUFFIXES, string>;
  for (const [k, s] of Object.entries(SUFFIXES)) out[k as keyof typeof SUFFIXES] = `${PREFIX}/${path}/${s}`;
  return out;
}

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
function fromBase64(s: string): ArrayBuffer {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
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
      if (a.modelTopology instanceof ArrayBuffer) throw new Error('io.browserLocalStorage: binary model topologies are not supported');
      const ls = storage();
      const weightData = a.weightData ? concatBuffers(a.weightData) : new ArrayBuffer(0);
      const info = artifactsInfo({ ...a, weightData });
      const metadata: Record<string, unknown> = { format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy };
      for (const k of ['signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature', 'trainingConfig'] as const) {
        const v = (a as unknown as Record<string, unknown>)[k];
        if (v != null) metadata[k] = v;
      }
      try {
        ls.setItem(keys.info, JSON.stringify(info));
        ls.setItem(keys.topology, JSON.stringify(a.modelTopology));
        ls.setItem(keys.weightSpecs, JSON.stringify(a.weightSpecs ?? []));
        ls.setItem(keys.weightData, toBase64(weightData));
        ls.setItem(keys.metadata, JSON.stringify(metadata));
      } catch (e) {
        for (const k of Object.values(keys)) ls.removeItem(k);
        throw new Error(`io.browserLocalStorage: failed to save model '${path}' to localStorage (quota ${JSON.stringify(info)}): ${String((e as Error)?.message ?? e)}`);
      }
      return { modelArtifactsInfo: info };
    },
    async load(): Promise<ModelArtifacts> {
      const ls = storage();
      const info = ls.getItem(keys.info);
      if (info == null) throw new Error(`In local storage, there is no model with name '${path}'`);
      const topology = ls.getItem(keys.topology);
      if (topology == null) throw new Error(`In local storage, the topology of model '${path}' is missing.`);
      const out: ModelArtifacts = { modelTopology: JSON.parse(topology) };
      const specs = ls.getItem(keys.weightSpecs);
      if (specs == null) throw new Error(`In local storage, the weight specs of model '${path}' are missing.`);
      out.weightSpecs = JSON.parse(specs);
      const metadata = ls.getItem(keys.metadata);
      if (metadata != null) Object.assign(out, JSON.parse(metadata));
      const data = ls.getItem(keys.weightData);
      if (data == null) throw new Error(`In local storage, the binary weight values of model '${path}' are missing.`);
      out.weightData = fromBase64(data);
      return out;
    },
  };
}

/** Saved models in localStorage: path -> info. */
export function listLocalStorageModels(): Record<string, ModelArtifactsInfo> {
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

export function removeLocalStorageModel(modelPath: string): ModelArtifactsInfo {
  const path = stripScheme(modelPath);
  const ls = storage();
  const keys = keysFor(path);
  const info = ls.getItem(keys.info);
  if (info == null) throw new Error(`Cannot find model at path '${path}'`);
  for (const k of Object.values(keys)) ls.removeItem(k);
  return JSON.parse(info);
}
