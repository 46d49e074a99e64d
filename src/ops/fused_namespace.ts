/**
 * The public `tf.fused` namespace: TF.js's fused matMul, conv2d and depthwiseConv2d (bias,
 * activation and prelu epilogues in one kernel). src/ops/fused.ts also holds tessera's internal
 * fused helpers (denseMatMul for the Dense layer and recurrent cells), which are not public.
 */
export { matMul, conv2d, depthwiseConv2d } from './fused.js';
export type { FusedActivation, FusedMatMulConfig, FusedConv2DConfig } from './fused.js';
