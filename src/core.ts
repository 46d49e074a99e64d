/**
 * `tessera/core`: tensors, ops, autograd and backends, with nothing run at import time, so bundlers keep
 * only what an app uses. Tensors made through this entry alone have no chained methods (x.add(y)); call
 * the functions (add(x, y)), or import `tessera` (the whole API), which installs them.
 */
export { Tensor } from './tensor.js';
export type { DType } from './backends/backend.js';
export type { BackendInfo } from './engine.js';
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
// attentionPackedHeads stays internal (MultiHeadAttention's path)
export { attention, type AttentionConfig } from './ops/attention.js';
export * from './ops/scan.js';
export * from './ops/scatter.js';
export * from './ops/conv3d.js';
export * from './ops/window.js';
export * as fused from './ops/fused_namespace.js';
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
export * as quantization from './quantization/index.js';
export * as sparse from './ops/sparse.js';
export * as math from './ops/math_namespace.js';
export { raggedGather, raggedRange, raggedTensorToTensor } from './ops/ragged.js';
export { TensorBuffer, buffer } from './buffer.js';
export * from './ops/random.js';
export { print } from './tensor_format.js';
export * as image from './ops/image.js';
export * as browser from './ops/browser.js';
export * as util from './util_public.js';
export { nextFrame } from './browser_util.js';
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
export * as wasm from './backends/wasm/api.js';
// a GPUDevice made by the caller (Node with the webgpu package): issue 10
export * as webgpu from './backends/webgpu/public.js';
// recorded plans (issue 9): tf.jit and tf.debug.plan
export { jit, type JitFunction, type JitOptions } from './plan/jit.js';
export * as debug from './plan/debug.js';
