// Re-exports every AssemblyScript kernel family; the module is built twice (SIMD, relaxed SIMD).
export { unary, binary, binaryFlat, select } from './elementwise';
export { reduce, softmax } from './reduce';
export { matMul, addResidual, matMulRange, matMulScratchBytes, matMulPackedRange } from './matmul';
export { matMulPackedBytes, matMulPackRange } from './matmul_pack';
export { copyStrided, pad, copyInto, gather, oneHot, unsortedSegmentSum } from './layout';
export { heapBase, isRelaxed } from './module_info';
export {
  conv2d, conv2dBackpropInput, conv2dBackpropFilter, conv2dScratchBytes, conv2dBackpropInputScratchBytes,
  conv2dUnits, conv2dPackFilter, conv2dPackedBytes, conv2dPackedRange, conv2dBackpropInputRange, conv2dBackpropFilterRange,
} from './conv';
export { depthwiseConv2d, depthwiseConv2dBackpropInput, depthwiseConv2dBackpropFilter, depthwiseScratchBytes } from './depthwise';
export { pool, poolBackprop } from './pool';
export { layerNorm, layerNormBackprop } from './norm';
export { attention, attentionRange, attentionScratchBytes } from './attention';
export { adamUpdate } from './optimizer';
export { topk, cumulative } from './scan';
export { gatherND, scatterND } from './scatter';
export { conv3d, conv3dBackpropInput, conv3dBackpropFilter, pool3d, pool3dBackprop } from './conv3d';
export { dilation2d, dilation2dBackpropInput, dilation2dBackpropFilter, maxPoolWithArgmax } from './window_argmax';
export { resize, resizeBackprop, cropAndResize } from './image';
export { fusedElementwise, fusedScratchBytes } from './fused';
export { int8Quantize, int8Dequantize, int8Widen, int8MatMulRange, int8MatMulScratchBytes, int8ConvRange, int8ConvScratchBytes, int8DepthwiseRange } from './int8';
export { int8PadRows, int8SplitWeights, int8BiasRows, int8PadWeights } from './int8_relaxed';
export { int8BiasCompact, int8InterleaveU8Weights, int8BcastScratchBytes, int8BcastRange } from './int8_bcast';
export { int8Im2col, int8Im2colScratchBytes, int8CompactWeights, int8WidenCompact, int8InterleaveConvWeights, int8SmallConvScratchBytes, int8SmallConvRange } from './int8_im2col';
