/**
 * Spec and kernels of shaders/layernorm.wgsl: layerNorm and its input gradient, one workgroup
 * per row (tree reductions), sizes taken from the attrs' [rows, cols] view (never the tensor
 * shapes, which keep the user's rank); and of shaders/layernorm_param_grad.wgsl: the gamma and
 * beta gradients (layerNormBackprop's paramGrads): the dx pass also stores each row's statistics in a
 * scratch buffer, and one more dispatch sums the columns.
 */
import source from '../../../../shaders/layernorm.wgsl';
import paramGradSource from '../../../../shaders/layernorm_param_grad.wgsl';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';
import { rowWorkgroupSize } from './reduce.js';

export const layerNormSpec: ShaderSpec = {
  family: 'layernorm',
  source,
  params: [['rows', 'u32'], ['cols', 'u32'], ['epsilon', 'f32']],
  entries: {
    layer_norm: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    layer_norm_backprop: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RW], overrides: ['WG', 'STATS'] },
  },
};

export const layerNormParamGradSpec: ShaderSpec = {
  family: 'layernorm_param_grad',
  source: paramGradSource,
  params: [['rows', 'u32'], ['cols', 'u32'], ['epsilon', 'f32']],
  entries: {
    layer_norm_param_grad: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RW], overrides: ['WG'] },
  },
};
/** Invocations per layernorm_param_grad workgroup (one column each). */
const PARAM_GRAD_WG = 64;

/**
 * Invocations per row: up to 256 on GPUs; 4 on CPU adapters (SwiftShader), where every
 * workgroup barrier is a costly context switch across the invocations (measured on
 * [512, 768]: 256 -> ~350 ms, 16 -> ~47 ms, 4 -> ~19 ms, 1 -> ~86 ms).
 */
function normWorkgroupSize(ctx: KernelContext, cols: number): number {
  return ctx.preferDirect ? 4 : rowWorkgroupSize(cols, ctx.limits.maxInvocations);
}

const normParams = (a: { rows: number; cols: number; epsilon: number }) => ({ rows: a.rows, cols: a.cols, epsilon: a.epsilon });

export const normKernels: WebGPUKernelTable = {
  layerNorm(ctx, [x, gamma, beta], [out], a) {
    if (a.rows === 0 || a.cols === 0) return;
    ctx.dispatch({
      spec: layerNormSpec, entry: 'layer_norm',
      constants: { WG: normWorkgroupSize(ctx, a.cols) },
      params: normParams(a),
      buffers: [ctx.buffer(x), ctx.buffer(gamma), ctx.buffer(beta), ctx.buffer(out)],
      workgroups: grid1d(a.rows, ctx.limits.maxWorkgroupsPerDimension),
    });
  },
  layerNormBackprop(ctx, ins, outs, a) {
    const [dy, x, gamma] = ins;
    if (a.paramGrads && outs.length !== 3) throw new Error(`webgpu layerNormBackprop: with paramGrads it writes dx, dgamma and dbeta; got ${outs.length} outputs`);
    // with paramGrads, each row's (mean, rstd) for the column pass
    const stats = a.paramGrads && a.rows > 0 ? ctx.scratch(a.rows * 8) : ctx.dummy;
    if (a.rows > 0 && a.cols > 0) {
      ctx.dispatch({
        spec: layerNormSpec, entry: 'layer_norm_backprop',
        constants: { WG: normWorkgroupSize(ctx, a.cols), STATS: !!a.paramGrads },
        params: normParams(a),
        buffers: [ctx.buffer(x), ctx.buffer(gamma), ctx.buffer(dy), ctx.buffer(outs[0]), stats],
        workgroups: grid1d(a.rows, ctx.limits.maxWorkgroupsPerDimension),
      });
    }
    if (a.paramGrads && a.cols > 0) {
      ctx.dispatch({
        spec: layerNormParamGradSpec, entry: 'layer_norm_param_grad', constants: { WG: PARAM_GRAD_WG }, params: normParams(a),
        buffers: [ctx.buffer(x), stats, ctx.buffer(dy), ctx.buffer(outs[1]), ctx.buffer(outs[2])],
        workgroups: grid1d(Math.ceil(a.cols / PARAM_GRAD_WG), ctx.limits.maxWorkgroupsPerDimension),
      });
    }
  },
};
