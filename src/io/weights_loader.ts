/**
 * TF.js `io.loadWeights` / `io.weightsLoaderFactory`: fetch only the manifest groups that hold the
 * requested weights (through `env().platform.fetch`, or a caller's fetcher) and decode them with
 * the same decoder model loading uses (quantized and float16 weights included).
 */
import { env } from '../environment.js';
import type { Tensor } from '../tensor.js';
import { decodeAnyWeights } from './weights.js';
import { weightTensor } from './io_utils.js';
import type { WeightsManifestEntry } from './types.js';

const STORED_DTYPES = new Set(['float32', 'int32', 'bool', 'complex64']); // the fixed-width dtypes TF.js's loader reads

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
  return async (manifest: WeightsManifestEntry[], filePathPrefix = '', weightNames?: string[]): Promise<Record<string, Tensor>> => {
    const wanted = (group: WeightsManifestEntry) =>
      group.weights.filter((w) => weightNames == null || weightNames.includes(w.name));
    const found = new Set(manifest.flatMap((g) => wanted(g).map((w) => w.name)));
    const missing = (weightNames ?? []).filter((n) => !found.has(n));
    if (missing.length > 0) {
      throw new Error(`Could not find weights in manifest with names: ${missing.join(', ')}. \nManifest JSON has weights with names: ${manifest.flatMap((g) => g.weights.map((w) => w.name)).join(', ')}.`);
    }
    for (const g of manifest) {
      for (const w of wanted(g)) {
        if (!w.quantization && !STORED_DTYPES.has(w.dtype)) throw new Error(`Unsupported dtype in weight '${w.name}': ${w.dtype}`);
      }
    }
    const groups = manifest.filter((g) => wanted(g).length > 0);
    const prefix = filePathPrefix === '' || filePathPrefix.endsWith('/') ? filePathPrefix : filePathPrefix + '/';
    const urls = groups.map((g) => g.paths.map((p) => prefix + p));
    const buffers = await fetchWeightsFunction(urls.flat());
    const out: Record<string, Tensor> = {};
    let next = 0;
    for (const g of groups) {
      const shards = buffers.slice(next, next + g.paths.length);
      next += g.paths.length;
      const keep = new Set(wanted(g).map((w) => w.name));
      // decode the whole group: the requested weights' offsets depend on the ones before them
      for (const { spec, decoded } of decodeAnyWeights(shards, g.weights)) {
        if (keep.has(spec.name)) out[spec.name] = weightTensor(spec, decoded);
      }
    }
    return out;
  };
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
