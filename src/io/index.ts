/**
 * The `io` namespace (TF.js `tf.io`): IO handlers for saving and loading models, the weight
 * encoders and the URL routers.
 */
export { withSaveHandler, withSaveHandlerSync, fromMemory, fromMemorySync, browserDownloads, browserFiles, indexedDB } from './handlers.js';
export { http, http as browserHTTPRequest, isHTTPScheme } from './http.js';
export { fileSystem } from './node_fs.js';
export { getSaveHandler, getLoadHandler, getSaveHandlers, getLoadHandlers } from './model_io.js';
export { loadWeights, weightsLoaderFactory } from './weights_loader.js';
export { CompositeArrayBuffer } from './composite_array_buffer.js';
export { browserLocalStorage } from './local_storage.js';
export { registerSaveRouter, registerLoadRouter, listModels, removeModel, copyModel, moveModel } from './model_management.js';
export {
  encodeWeights, decodeWeights, decodeWeightsStream, concatenateArrayBuffers, getWeightSpecs,
  getModelArtifactsForJSON, getModelArtifactsForJSONSync, getModelArtifactsInfoForJSON,
} from './io_utils.js';
export type { NamedTensor, NamedTensorMap } from './io_utils.js';
export type { QuantizeWeightsDtype } from './weight_codecs.js';
export type {
  IOHandler, ModelArtifacts, ModelJSON, WeightSpec, WeightsManifestEntry, SaveResult, LoadOptions, ModelArtifactsInfo, WeightData,
} from './types.js';
