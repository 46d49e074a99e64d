/**
 * The async work of the http, localStorage and file-system IO handlers (http.ts, local_storage.ts,
 * node_fs.ts): their factories check their arguments synchronously, as TF.js's do, and this module
 * loads with the other async-only modules (src/async_parts.ts) on first use.
 */
import type { ModelArtifacts, ModelJSON, SaveResult } from './types.js';
import { artifactsFromModelJSON, artifactsInfo, manifestPaths, modelJSONFor } from './handlers.js';
import { concatBuffers } from './weights.js';
import type { HttpOptions } from './http.js';
import type { StorageKeys } from './local_storage.js';
import { storage } from './local_storage.js';
import { isNode } from './node_fs.js';

type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

// ---- http(s) --------------------------------------------------------------------------------------

/** Split 'https://h/a/b/model.json?x=1' into ['https://h/a/b/', '?x=1']. */
function prefixAndQuery(url: string): [string, string] {
  const q = url.indexOf('?');
  const base = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? url.slice(q) : '';
  return [base.slice(0, base.lastIndexOf('/') + 1), query];
}

/** io.http's load: model.json, then its weight shards (relative to model.json, or weightPathPrefix) in manifest order. */
export async function httpLoad(path: string, options: HttpOptions, f: Fetch): Promise<ModelArtifacts> {
  const res = await f(path, options.requestInit);
  if (!res.ok) throw new Error(`loadLayersModel: fetching ${path} failed with HTTP ${res.status} ${res.statusText ?? ''}`.trim());
  let json: ModelJSON;
  try {
    json = (await res.json()) as ModelJSON;
  } catch (e) {
    throw new Error(`loadLayersModel: ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (!json.weightsManifest) return artifactsFromModelJSON(json, path);
  const [dir, query] = prefixAndQuery(path);
  const prefix = options.weightPathPrefix ?? dir;
  const paths = manifestPaths(json.weightsManifest);
  // TF.js's weightUrlConverter maps each manifest path (as written) to the URL to fetch
  const shardUrls = options.weightUrlConverter
    ? await Promise.all(paths.map((p) => options.weightUrlConverter!(p)))
    : paths.map((p) => (/^[a-z]+:\/\//i.test(p) ? p : prefix + p.replace(/^\.\//, '') + query));
  let done = 0;
  const shards = await Promise.all(shardUrls.map(async (u) => {
    const r = await f(u, options.requestInit);
    if (!r.ok) throw new Error(`loadLayersModel: weight shard ${u} (listed in ${path}) failed with HTTP ${r.status}`);
    const buf = await r.arrayBuffer();
    options.onProgress?.(++done / shardUrls.length);
    return buf;
  }));
  return artifactsFromModelJSON(json, path, shards);
}

/** io.http's save: multipart form data with model.json and model.weights.bin, as TF.js sends it. */
export async function httpSave(path: string, options: HttpOptions, f: Fetch, a: ModelArtifacts): Promise<SaveResult> {
  const json = modelJSONFor(a, ['./model.weights.bin']);
  const form = new FormData();
  form.append('model.json', new Blob([JSON.stringify(json)], { type: 'application/json' }), 'model.json');
  if (a.weightData) form.append('model.weights.bin', new Blob([concatBuffers(a.weightData)], { type: 'application/octet-stream' }), 'model.weights.bin');
  const method = options.method ?? options.requestInit?.method ?? 'POST';
  const res = await f(path, { ...(options.requestInit ?? {}), method, body: form });
  if (!res.ok) throw new Error(`model.save: ${method} ${path} failed with HTTP ${res.status}`);
  return { modelArtifactsInfo: artifactsInfo(a), responses: [res] };
}

// ---- localStorage (TF.js's key layout) -------------------------------------------------------------

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

/** browserLocalStorage's save of the model `path` under `keys`. */
export async function localStorageSave(path: string, keys: StorageKeys, a: ModelArtifacts): Promise<SaveResult> {
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
}

/** browserLocalStorage's load of the model `path` from `keys`. */
export async function localStorageLoad(path: string, keys: StorageKeys): Promise<ModelArtifacts> {
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
}

// ---- file system (Node) ------------------------------------------------------------------------

/** The parts of node:fs/promises and node:path used here (the bundle has no Node types). */
interface FsPromises {
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  stat(path: string): Promise<{ isDirectory(): boolean }>;
}
interface PathModule {
  join(...parts: string[]): string;
  dirname(p: string): string;
  basename(p: string): string;
  resolve(...parts: string[]): string;
}

async function nodeModules(): Promise<{ fs: FsPromises; path: PathModule }> {
  if (!isNode()) throw new Error('file paths can only be used in Node; in the browser use indexeddb://, downloads:// or an http(s) URL');
  // Module names in variables: bundlers leave these imports alone (the browser build never loads them).
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  const [fs, path] = await Promise.all([import(/* @vite-ignore */ fsName), import(/* @vite-ignore */ pathName)]);
  return { fs: fs as unknown as FsPromises, path: path as unknown as PathModule };
}

/** fileSystem's save: model.json and its weights file into a directory, or to the given model.json path. */
export async function fileSystemSave(target: string, isJson: boolean, a: ModelArtifacts): Promise<SaveResult> {
  const { fs, path } = await nodeModules();
  let jsonPath: string;
  let weightsName: string;
  if (isJson) {
    jsonPath = target;
    const stem = path.basename(target).replace(/\.json$/i, '');
    weightsName = stem === 'model' ? 'weights.bin' : `${stem}.weights.bin`;
  } else {
    jsonPath = path.join(target, 'model.json');
    weightsName = 'weights.bin';
  }
  const dir = path.dirname(jsonPath);
  await fs.mkdir(dir, { recursive: true });
  const json = modelJSONFor(a, [`./${weightsName}`]);
  await fs.writeFile(path.join(dir, weightsName), new Uint8Array(a.weightData ? concatBuffers(a.weightData) : new ArrayBuffer(0)));
  await fs.writeFile(jsonPath, JSON.stringify(json));
  return { modelArtifactsInfo: artifactsInfo(a) };
}

/** fileSystem's load of a model directory or model.json path. */
export async function fileSystemLoad(target: string): Promise<ModelArtifacts> {
  const { fs, path } = await nodeModules();
  let jsonPath = target;
  const stat = await fs.stat(target).catch(() => null);
  if (!stat) throw new Error(`loadLayersModel: '${target}' does not exist`);
  if (stat.isDirectory()) jsonPath = path.join(target, 'model.json');
  let json: ModelJSON;
  try {
    json = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
  } catch (e) {
    throw new Error(`loadLayersModel: cannot read model.json at '${jsonPath}': ${(e as Error).message}`);
  }
  if (!json.weightsManifest) return artifactsFromModelJSON(json, jsonPath);
  const dir = path.dirname(jsonPath);
  const shards = await Promise.all(manifestPaths(json.weightsManifest).map(async (p) => {
    const file = path.resolve(dir, p);
    const buf = await fs.readFile(file).catch(() => {
      throw new Error(`loadLayersModel: weight shard '${p}' listed in '${jsonPath}' was not found at '${file}'`);
    });
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }));
  return artifactsFromModelJSON(json, jsonPath, shards);
}
