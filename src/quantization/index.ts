/**
 * The `tf.quantization` namespace (issue 12): int8 tensors, their ops and packed int8 weights
 * (src/ops/quantized*.ts). Model-level quantization adds its functions here too.
 */
export {
  Int8Tensor, chooseQuantParams, quantizeInt8, dequantizeInt8, int8MatMul, int8Conv2d, int8DepthwiseConv2d,
  type QuantParams, type Int8Activation, type Int8OpOptions,
} from '../ops/quantized.js';
export {
  packWeightsPerChannel, packedWeightsFromInt8, unpackWeightsToInt8, type Int8WeightKind, type PackedWeights,
} from '../ops/quantized_weights.js';
