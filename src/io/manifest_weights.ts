/**
 * What io.loadWeights and io.weightsLoaderFactory's loaders do (weights_loader.ts): check the requested
 * names and dtypes against the manifest, fetch only the groups that hold them, and decode each group with
 * the decoder model loading uses. Async, so it loads on the first call with the async parts (src/async_parts.ts).
 */
import type { Tensor } from '../tensor.js';
import { decodeAnyWeights } from './weights.js';
import { weightTensor } from './io_utils.js';
import type { WeightsManifestEntry } from './types.js';
import type { FetchWeightsFunction } from './weights_loader.js';

const STORED_DTYPES = new Set(['float32', 'int32', 'bool', 'complex64']); // the fixed-width dtypes TF.js's loader reads

/** The weights of `manifest` named in `weightNames` (all when omitted), read with `fetchWeightsFunction`. */
export async function loadManifestWeights(
  fetchWeightsFunction: FetchWeightsFunction, manifest: WeightsManifestEntry[], filePathPrefix: string, weightNames?: string[],
): Promise<Record<string, Tensor>> {
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
}
