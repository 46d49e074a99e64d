/**
 * TF.js `io.loadWeights` / `io.weightsLoaderFactory`: fetch only the manifest groups that hold the
 * requested weights (through `env().platform.fetch`, or a caller's fetcher) and decode them with
 * the same decoder model loading uses (quantized and float16 weights included): manifest_weights.ts.
 */
import { env } from '../environment.js';
import type { Tensor } from '../tensor.js';
import type { WeightsManifestEntry } from './types.js';

export type FetchWeightsFunction = (fetchUrls: string[]) => Promise<ArrayBuffer[]>;

/**
 * A loader (manifest, filePathPrefix?, weightNames?) -> {name: Tensor} that reads shards with fetchWeightsFunction.
 * @example
 * ```js
 * const load = tf.io.weightsLoaderFactory((paths) => Promise.all(paths.map((p) => fetch(p).then((r) => r.arrayBuffer()))));
 * const weights = await load(modelJson.weightsManifest, 'https://example.com/');
 * ```
 */
export function weightsLoaderFactory(fetchWeightsFunction: FetchWeightsFunction) {
  // the reading and decoding (manifest_weights.ts) load on the first call with the async parts (src/async_parts.ts)
  return async (manifest: WeightsManifestEntry[], filePathPrefix = '', weightNames?: string[]): Promise<Record<string, Tensor>> =>
    (await import('../async_parts.js')).loadManifestWeights(fetchWeightsFunction, manifest, filePathPrefix, weightNames);
}

/**
 * TF.js `io.loadWeights(manifest, filePathPrefix?, weightNames?, requestInit?)`.
 * @example
 * ```js
 * const weights = await tf.io.loadWeights(modelJson.weightsManifest, 'https://example.com/');
 * ```
 */
export function loadWeights(
  manifest: WeightsManifestEntry[], filePathPrefix = '', weightNames?: string[], requestInit?: RequestInit,
): Promise<Record<string, Tensor>> {
  const fetchAll: FetchWeightsFunction = (urls) => Promise.all(urls.map(async (u) => {
    const res = await env().platform.fetch(u, requestInit, { isBinary: true });
    if (!res.ok) throw new Error(`io.loadWeights: fetching ${u} failed with HTTP ${res.status}`);
    return res.arrayBuffer();
  }));
  return weightsLoaderFactory(fetchAll)(manifest, filePathPrefix, weightNames);
}
