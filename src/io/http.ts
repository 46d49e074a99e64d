/**
 * HTTP(S) handler (TF.js `io.http`): load() fetches model.json and then its weight shards
 * (relative to model.json's directory, query string kept, or from weightPathPrefix) and
 * concatenates them in manifest order; save() POSTs multipart form data with model.json and
 * model.weights.bin, as TF.js does.
 */
import type { IOHandler, LoadOptions, ModelArtifacts, ModelJSON, SaveResult } from './types.js';
import { artifactsFromModelJSON, artifactsInfo, manifestPaths, modelJSONFor } from './handlers.js';
import { concatBuffers } from './weights.js';
import { env } from '../environment.js';

export interface HttpOptions extends LoadOptions {
  /** save(): HTTP method (default POST). */
  method?: string;
}

/**
 * TF.js `io.isHTTPScheme(url)`: true for http:// and https:// URLs (lower-case scheme, as TF.js).
 * @example
 * ```js
 * tf.io.isHTTPScheme('https://example.com/model.json'); // true
 * ```
 */
export function isHTTPScheme(url: string): boolean {
  return /^https?:\/\//.test(url);
}

/** Split 'https://h/a/b/model.json?x=1' into ['https://h/a/b/', '?x=1']. */
function prefixAndQuery(url: string): [string, string] {
  const q = url.indexOf('?');
  const base = q >= 0 ? url.slice(0, q) : url;
  const query = q >= 0 ? url.slice(q) : '';
  return [base.slice(0, base.lastIndexOf('/') + 1), query];
}

/**
 * An IOHandler that loads a model from, or saves it to (POST), an HTTP(S) URL.
 * @example
 * ```js
 * const model = await tf.loadLayersModel(tf.io.http('https://example.com/model.json', { requestInit: { credentials: 'include' } }));
 * ```
 */
export function http(path: string, options: HttpOptions = {}): IOHandler {
  if (typeof path !== 'string' || !path) throw new Error('io.http: URL path for http must not be null, undefined or empty'); // TF.js wording
  if (options.requestInit?.body != null) {
    throw new Error('io.http: requestInit is expected to have no pre-existing body, but has one (save() sends the model as the body)');
  }
  // Without a fetchFunc, fetch through env().platform.fetch at call time (as TF.js), so a program that
  // replaces the platform's fetch (or a test that spies on it) is honoured.
  const fetchFn = options.fetchFunc ?? (typeof fetch === 'function' || env().platform.fetch !== undefined
    ? (p: string, init?: RequestInit) => env().platform.fetch(p, init)
    : undefined);
  const getFetch = () => {
    if (!fetchFn) throw new Error('io.http: fetch is not available here; pass options.fetchFunc');
    return fetchFn;
  };
  return {
    async load(): Promise<ModelArtifacts> {
      const f = getFetch();
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
    },
    async save(a: ModelArtifacts): Promise<SaveResult> {
      const f = getFetch();
      const json = modelJSONFor(a, ['./model.weights.bin']);
      const form = new FormData();
      form.append('model.json', new Blob([JSON.stringify(json)], { type: 'application/json' }), 'model.json');
      if (a.weightData) form.append('model.weights.bin', new Blob([concatBuffers(a.weightData)], { type: 'application/octet-stream' }), 'model.weights.bin');
      const method = options.method ?? options.requestInit?.method ?? 'POST';
      const res = await f(path, { ...(options.requestInit ?? {}), method, body: form });
      if (!res.ok) throw new Error(`model.save: ${method} ${path} failed with HTTP ${res.status}`);
      return { modelArtifactsInfo: artifactsInfo(a), responses: [res] };
    },
  };
}
