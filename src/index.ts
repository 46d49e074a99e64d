/**
 * tessera's public API. Names and argument orders follow TensorFlow.js, so code ports by
 * changing the import.
 */
import { installChainMethods } from './chain.js';
import * as publicApi from './index.js';

export { Tensor } from './tensor.js';
export type { DType } from './backends/backend.js';
export type { BackendInfo } from './engine.js';
export type { DeviceLostInfo } from './models/fit_recovery.js';
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
export * from './ops/ranked_forms.js';
export { depthToSpace } from './ops/depth_to_space.js';
export {
  env, engine, backend, Environment, enableProdMode, enableDebugMode, deprecationWarn, disableDeprecationWarnings, time,
} from './environment.js';
export * from './ops/indexing.js';
export { Variable, variable } from './variable.js';
export * from './autograd.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/norm.js';
export * from './ops/attention.js';
export * from './ops/scan.js';
export * from './ops/scatter.js';
export * from './ops/conv3d.js';
export * from './ops/window.js';
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
export { Callback, CustomCallback, EarlyStopping, History } from './models/callbacks.js';
export type { WarmupArgs } from './models/warmup.js';
export { CallbackList, registerCallbackConstructor } from './models/callback_list.js';
export { InputSpec } from './layers/input_spec.js';
export * as models from './io/model_from_json.js';
export { version_layers } from './io/types.js';
export * as serialization from './layers/register_class.js';
// string and complex64 dtypes, spectral and signal namespaces (issue 7)
export { complex, real, imag } from './ops/complex.js';
export * as spectral from './ops/spectral.js';
export * as signal from './ops/signal.js';
export * as string from './ops/string.js';
export { stridedSlice, batchToSpaceND, spaceToBatchND, mirrorPad } from './ops/slicing.js';
export { einsum } from './ops/einsum.js';
export { norm, euclideanNorm, diag, outerProduct } from './ops/linalg.js';
export { searchSorted, lowerBound, upperBound, bincount, denseBincount, unique, whereAsync, booleanMaskAsync, setdiff1dAsync, inTopKAsync } from './ops/search.js';
export { addN, logSigmoid, movingAverage, bitwiseAnd } from './ops/elementwise_composite.js';
export { ensureShape, broadcastArgs, meshgrid } from './ops/shapes.js';
export * as linalg from './ops/linalg_namespace.js';
export * as sparse from './ops/sparse.js';
export * as math from './ops/math_namespace.js';
export { raggedGather, raggedRange, raggedTensorToTensor } from './ops/ragged.js';

export { Reduction } from './losses/weighted.js';
export { SGDOptimizer, MomentumOptimizer, AdamOptimizer, AdamaxOptimizer, AdadeltaOptimizer, AdagradOptimizer, RMSPropOptimizer } from './optimizers/train.js';
export { TensorBuffer, buffer } from './buffer.js';
export * from './ops/random.js';
export { print } from './tensor_format.js';

export * as image from './ops/image.js';
export * as browser from './ops/browser.js';

export * as util from './util_public.js';
export { nextFrame } from './browser_util.js';
export { LayerVariable } from './layers/layer_variable.js';
export * as data from './data/index.js';
export * as constraints from './layers/constraints.js';
export { RNN } from './layers/recurrent/rnn.js';
export { basicLSTMCell, multiRNNCell } from './ops/rnn_cells.js';
export { sparseToDense } from './ops/sparse_to_dense.js';
// the rest of tfjs-core's user-facing top level (issue 7: tests/public_api_audit.test.ts keeps it complete)
export { fft, ifft, rfft, irfft } from './ops/spectral.js';
export { cosineWindow, enclosingPowerOfTwo } from './ops/signal_util.js';
export { Rank, upcastType, sumOutType } from './dtype_util.js';
export { ENV } from './environment.js';
export { profile } from './profile.js';
export { version as version_core, versions as version } from './version.js';
export * as device_util from './device_util.js';
export * as test_util from './test_util.js';
// text preprocessing and generation (issue 11)
export * as text from './text/index.js';

installChainMethods(publicApi as unknown as Record<string, unknown>);
