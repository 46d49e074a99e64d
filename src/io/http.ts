/**
 * HTTP(S) handler (TF.js `io.http`): load() fetches model.json and then its weight shards
 * (relative to model.json's directory, query string kept, or from weightPathPrefix) and
 * concatenates them in manifest order; save() POSTs multipart form data with model.json and
 * model.weights.bin, as TF.js does. The transfers are in transfers.ts, loaded on first use.
 */
import type { IOHandler, LoadOptions, ModelArtifacts, SaveResult } from './types.js';
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
      return (await import('../async_parts.js')).httpLoad(path, options, f);
    },
    async save(a: ModelArtifacts): Promise<SaveResult> {
      const f = getFetch();
      return (await import('../async_parts.js')).httpSave(path, options, f, a);
    },
  };
}
