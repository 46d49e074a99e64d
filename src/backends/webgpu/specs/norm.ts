/**
 * Spec and kernels of shaders/layernorm.wgsl: layerNorm and its input gradient, one workgroup
 * per row (tree reductions), sizes taken from the attrs' [rows, cols] view (never the tensor
 * shapes, which keep the user's rank).
 */
import source from '../../../../shaders/layernorm.wgsl';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';
import { rowWorkgroupSize } from './reduce.js';

export const layerNormSpec: ShaderSpec = {
  family: 'layernorm',
  source,
  params: [['rows', 'u32'], ['cols', 'u32'], ['epsilon', 'f32']],
  entries: {
    layer_norm: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    layer_norm_backprop: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
  },
};

/**
 * Invocations per row: up to 256 on GPUs; 4 on CPU adapters (SwiftShader), where every
 * workgroup barrier is a costly context switch across the invocations (measured on
 * [512, 768]: 256 -> ~350 ms, 16 -> ~47 ms, 4 -> ~19 ms, 1 -> ~86 ms).
 */
function normWorkgroupSize(ctx: KernelContext, cols: number): number {
  return ctx.preferDirect ? 4 : rowWorkgroupSize(cols, ctx.limits.maxInvocations);
}

export const normKernels: WebGPUKernelTable = {
  layerNorm(ctx, [x, gamma, beta], [out], a) {
    if (a.rows === 0 || a.cols === 0) return;
    ctx.dispatch({
      spec: layerNormSpec, entry: 'layer_norm',
      constants: { WG: normWorkgroupSize(ctx, a.cols) },
      params: { rows: a.rows, cols: a.cols, epsilon: a.epsilon },
      buffers: [ctx.buffer(x), ctx.buffer(gamma), ctx.buffer(beta), ctx.buffer(out)],
      workgroups: grid1d(a.rows, ctx.limits.maxWorkgroupsPerDimension),
    });
  },
  layerNormBackprop(ctx, [dy, x, gamma], [dx], a) {
    if (a.rows === 0 || a.cols === 0) return;
    ctx.dispatch({
      spec: layerNormSpec, entry: 'layer_norm_backprop',
      constants: { WG: normWorkgroupSize(ctx, a.cols) },
      params: { rows: a.rows, cols: a.cols, epsilon: a.epsilon },
      buffers: [ctx.buffer(x), ctx.buffer(gamma), ctx.buffer(dy), ctx.buffer(dx)],
      workgroups: grid1d(a.rows, ctx.limits.maxWorkgroupsPerDimension),
    });
  },
};
