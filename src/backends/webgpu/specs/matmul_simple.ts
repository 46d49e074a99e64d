/**
 * Spec and dispatch of shaders/matmul_simple.wgsl, the quick-to-compile matMul tier: one pipeline
 * (everything a uniform) that a small matMul records while its real pipeline (specs/matmul.ts) is
 * still compiling (DispatchDesc.fallback; the backend picks, see backend.ts `record`); a second
 * module (ACT_SET 1) serves the activations past linear and relu. Only
 * float32 calls bound whole, without prelu, column sums or a packed float16 B, and at most
 * SIMPLE_MATMUL_MAX_WORK multiply-adds take it: on a large matMul the naive loop would cost more
 * than waiting for the compile.
 */
import source from '../../../../shaders/matmul_simple.wgsl';
import { Activation, type KernelAttrs } from '../../kernels.js';
import type { TensorInfo } from '../../backend.js';
import { STORAGE_RO, STORAGE_RW, UNIFORM, type DispatchDesc, type KernelContext, type ShaderSpec } from '../spec.js';

export const matmulSimpleSpec: ShaderSpec = {
  family: 'matmul_simple',
  source,
  params: [
    ['M', 'u32'], ['N', 'u32'], ['K', 'u32'], ['a_batch_stride', 'u32'], ['b_batch_stride', 'u32'],
    ['trans_a', 'u32'], ['trans_b', 'u32'], ['bias_size', 'u32'], ['act', 'u32'], ['alpha', 'f32'], ['residual', 'u32'],
  ],
  entries: {
    matmul_simple: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RO], overrides: ['ACT_SET'] },
  },
};

/** batch * M * N * K up to which a matMul may take the simple tier (2^22: ~1-10 ms on SwiftShader). */
export const SIMPLE_MATMUL_MAX_WORK = 2 ** 22;

/**
 * The simple-tier dispatch of a matMul call, or null where it does not apply. `halfB`: B is read
 * as packed float16 words (the real pipeline's B_HALF), which this shader does not read.
 */
export function simpleMatmul(ctx: KernelContext, inputs: TensorInfo[], out: TensorInfo, a: KernelAttrs['matMul'],
  residual: TensorInfo | null, halfB: boolean): DispatchDesc | null {
  const bias = a.hasBias ? inputs[2] : null;
  const operands = [inputs[0], inputs[1], bias, out, residual];
  if (halfB || a.colSums || a.K === 0 || a.activation === Activation.prelu || a.batch * a.M * a.N * a.K > SIMPLE_MATMUL_MAX_WORK ||
    operands.some((t) => t && (t.dtype !== 'float32' || t.size * 4 > ctx.limits.maxBindingBytes))) return null;
  const workgroups: [number, number, number] = [Math.ceil(a.N / 8), Math.ceil(a.M / 8), a.batch];
  if (workgroups.some((g) => g > ctx.limits.maxWorkgroupsPerDimension)) return null;
  return {
    spec: matmulSimpleSpec,
    entry: 'matmul_simple',
    constants: { ACT_SET: a.activation === Activation.linear || a.activation === Activation.relu ? 0 : 1 },
    params: {
      M: a.M, N: a.N, K: a.K, a_batch_stride: a.aBatchStride, b_batch_stride: a.bBatchStride,
      trans_a: a.transposeA ? 1 : 0, trans_b: a.transposeB ? 1 : 0, bias_size: bias ? a.biasSize : 0,
      act: a.activation, alpha: a.alpha, residual: a.residual ?? 0,
    },
    buffers: [ctx.buffer(inputs[0]), ctx.buffer(inputs[1]), bias ? ctx.buffer(bias) : ctx.dummy, ctx.buffer(out),
      residual ? ctx.buffer(residual) : ctx.dummy],
    workgroups,
  };
}
