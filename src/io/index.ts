/**
 * The `io` namespace (TF.js `tf.io`): IO handlers for saving and loading models, the weight
 * encoders and the URL routers.
 */
export { withSaveHandler, withSaveHandlerSync, fromMemory, fromMemorySync, browserDownloads, browserFiles, indexedDB, artifactsInfo as getModelArtifactsInfoForJSON } from './handlers.js';
export { http, http as browserHTTPRequest, isHTTPScheme } from './http.js';
export { manifestSpecs as getWeightSpecs } from './handlers.js';
export { fileSystem } from './node_fs.js';
export { encodeWeights, concatBuffers as concatenateArrayBuffers } from './weights.js';
export { getSaveHandler, getLoadHandler, getSaveHandlers, getLoadHandlers } from './model_io.js';
export { loadWeights, weightsLoaderFactory } from './weights_loader.js';
export { CompositeArrayBuffer } from './composite_array_buffer.js';
export { browserLocalStorage } from './local_storage.js';
export { registerSaveRouter, registerLoadRouter, listModels, removeModel, copyModel, moveModel } from './model_management.js';
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { storageFor } from '../ops/operand.js';
import { decodeWeights as decodeWeightValues } from './weights.js';
import type { WeightData, WeightSpec } from './types.js';
export type {
  IOHandler, ModelArtifacts, ModelJSON, WeightSpec, WeightsManifestEntry, SaveResult, LoadOptions, ModelArtifactsInfo, WeightData,
} from './types.js';

/** TF.js `io.decodeWeights(data, specs)`: a map from weight name to a new Tensor. */
export function decodeWeights(data: WeightData, specs: WeightSpec[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const d of decodeWeightValues(data, specs)) out[d.spec.name] = ENGINE.makeTensor(storageFor(d.values, d.dtype), d.spec.shape.slice(), d.dtype);
  return out;
}
