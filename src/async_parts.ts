/**
 * The modules that only async functions need: the training loops (model.fit, fitDataset, evaluateDataset,
 * trainOnBatch) with their device-loss snapshots, model.backupWeights / warmup, tf.text.generate,
 * tf.quantization.quantize's conversion (calibration included) and the int8 chain linker (int8_chain.ts), model.save / loadLayersModel's work, the IO handlers' transfers (browser_stores.ts, transfers.ts),
 * tf.io.encodeWeights / decodeWeightsStream (weights_encode.ts), the statistics of the preprocessing layers'
 * adapt() (adapt_stats.ts), the CSV parser of tf.data.csv (csv_reader.ts), what a tf.data Dataset runs when it is
 * iterated (dataset_iterators.ts), and the model topology codec that
 * they and modelFromJSON use (it imports the model classes that import io, so a static import would be a
 * cycle). All of them load through this one dynamic import: every separate dynamic import splits the JS an
 * app loads up front into more files, which costs more gzip than a small lazy module saves (issue 10,
 * scripts/sizes.mjs).
 */
export { fit, fitDataset, evaluateDataset, trainOnBatch } from './models/fit_loop.js';
export { backupWeights } from './models/fit_snapshot.js';
export { warmupModel } from './models/warmup.js';
export { generate } from './text/generate.js';
export { csvRows } from './data/csv_reader.js';
export { adaptDocuments, countAdaptTokens, adaptMoments } from './layers/preprocessing_text/adapt_stats.js';
export { convertToInt8 as quantizeConvert } from './quantization/convert_int8.js';
export { linkInt8Output } from './quantization/int8_chain.js';
export { modelFromTopology, modelToTopology } from './io/topology.js';
export { getLoadHandler, getSaveHandler } from './io/model_io.js';
export { loadLayersModel, saveModel, setModelWeights } from './io/model_save_load.js';
export { downloadsSave, filesLoad, indexedDBLoad, indexedDBSave, listIndexedDBModels, removeIndexedDBModel } from './io/browser_stores.js';
export { encodeWeights, decodeWeightsStream } from './io/weights_encode.js';
export { fileSystemLoad, fileSystemSave, httpLoad, httpSave, localStorageLoad, localStorageSave } from './io/transfers.js';
export * as datasetIterators from './data/dataset_iterators.js';
export { listSavedModels, removeSavedModel, transferSavedModel } from './io/saved_models.js';
export { loadManifestWeights } from './io/manifest_weights.js';
