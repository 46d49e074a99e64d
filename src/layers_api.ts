/**
 * `tessera/layers`: models, layers, training (optimizers, losses, metrics, callbacks), io and data, over the
 * same engine as `tessera/core`. Nothing is run at import time.
 */
export type { DeviceLostInfo } from './models/fit_recovery.js';
export * as layers from './layers/index.js';
export * as initializers from './layers/initializers.js';
export * as regularizers from './layers/regularizers.js';
export { Layer, SymbolicTensor, input } from './layers/layer.js';
export { LayersModel, model } from './models/layers_model.js';
export { Sequential, sequential } from './models/sequential.js';
export * as io from './io/index.js';
export { loadLayersModel } from './io/model_io.js';
export * as train from './optimizers/train.js';
export { Optimizer } from './optimizers/optimizer.js';
export * as losses from './losses/index.js';
export * as metrics from './metrics/index.js';
export * as callbacks from './models/callbacks.js';
export { Callback, CustomCallback, EarlyStopping, History } from './models/callbacks.js';
export type { WarmupArgs } from './models/warmup.js';
export { CallbackList, registerCallbackConstructor } from './models/callback_list.js';
export { InputSpec } from './layers/input_spec.js';
export * as models from './io/model_from_json.js';
export { version_layers } from './io/types.js';
export * as serialization from './layers/register_class.js';
export { Reduction } from './losses/weighted.js';
export { SGDOptimizer, MomentumOptimizer, AdamOptimizer, AdamaxOptimizer, AdadeltaOptimizer, AdagradOptimizer, RMSPropOptimizer } from './optimizers/train.js';
export { LayerVariable } from './layers/layer_variable.js';
export * as data from './data/index.js';
export * as constraints from './layers/constraints.js';
export { RNN } from './layers/recurrent/rnn.js';
// text preprocessing and generation (issue 11)
export * as text from './text/index.js';
// magnitude pruning (issue 12)
export * as pruning from './pruning/index.js';
// int8 quantization, model level (issue 12): quantize, quantizeModel, fake quant, with the core int8 ops
export * as quantization from './quantization/all.js';
