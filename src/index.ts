/**
 * tessera's public API. Names and argument orders follow TensorFlow.js, so code ports by
 * changing the import.
 */
import { installChainMethods } from './chain.js';

installChainMethods();

export { Tensor } from './tensor.js';
export type { DType } from './backends/backend.js';
export * from './globals.js';
export * from './ops/creation.js';
export * from './ops/unary.js';
export {
  add, sub, mul, div, realDivide, floorDiv, divNoNan, pow, maximum, minimum, squaredDifference, mod, floorMod, atan2, prelu,
  equal, notEqual, greater, greaterEqual, less, lessEqual, logicalAnd, logicalOr, logicalXor, where,
} from './ops/binary.js';
export * from './ops/reduce.js';
export * from './ops/softmax.js';
export { matMul, dot } from './ops/matmul.js';
export * from './ops/layout.js';
export * from './ops/indexing.js';
export { Variable, variable } from './variable.js';
export * from './autograd.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/norm.js';
export * from './ops/attention.js';
export * as fused from './ops/fused.js';
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
export { Callback } from './models/callbacks.js';
export * as serialization from './layers/register_class.js';
export * as util from './util_public.js';
export { nextFrame } from './browser_util.js';
export { LayerVariable } from './layers/layer_variable.js';
export * as data from './data/index.js';
export * as constraints from './layers/constraints.js';
export { RNN } from './layers/recurrent/rnn.js';
