/**
 * Spec and kernels of shaders/layernorm.wgsl: layerNorm and its input gradient, one workgroup
 * per row (tree reductions), sizes taken from the attrs' [rows, cols] view (never the tensor
 * shapes, which keep the user's rank); and of shaders/layernorm_param_grad.wgsl: the gamma and
 * beta gradients, one dispatch for the row statistics and one for the column sums.
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
    layer_norm_backprop: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
  },
};

export const layerNormParamGradSpec: ShaderSpec = {
  family: 'layernorm_param_grad',
  source: paramGradSource,
  params: [['rows', 'u32'], ['cols', 'u32'], ['epsilon', 'f32']],
  entries: {
    layer_norm_row_stats: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG'] },
    layer_norm_param_grad: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW, STORAGE_RO, STORAGE_RW, STORAGE_RW], overrides: ['WG'] },
  },
};
/** Invocations per layernorm_param_grad workgroup (one row, then one column, each). */
const PARAM_GRAD_WG = 64;

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
  layerNormParamGrad(ctx, ins, outs, a) {
    const want = [a.rows * a.cols, a.rows * a.cols, a.cols, a.cols, 2 * a.rows];
    if (ins.length !== 2 || outs.length !== 3 || [...ins, ...outs].some((t, i) => t.dtype !== 'float32' || t.size !== want[i])) {
      const list = (ts: typeof ins) => ts.map((t) => `${t.dtype}[${t.shape}]`).join(', ');
      throw new Error(`webgpu layerNormParamGrad: expected float32 dy, x [${a.rows}, ${a.cols}] -> dgamma, dbeta [${a.cols}], stats [${a.rows}, 2]; got inputs ${list(ins)}; outputs ${list(outs)}`);
    }
    if (a.cols === 0) return;
    const [dy, x] = ins, [dgamma, dbeta, stats] = outs;
    const params = { rows: a.rows, cols: a.cols, epsilon: a.epsilon };
    const maxDim = ctx.limits.maxWorkgroupsPerDimension;
    if (a.rows > 0) {
      ctx.dispatch({
        spec: layerNormParamGradSpec, entry: 'layer_norm_row_stats', constants: { WG: PARAM_GRAD_WG }, params,
        buffers: [ctx.buffer(x), ctx.buffer(stats)], workgroups: grid1d(Math.ceil(a.rows / PARAM_GRAD_WG), maxDim),
      });
    }
    ctx.dispatch({
      spec: layerNormParamGradSpec, entry: 'layer_norm_param_grad', constants: { WG: PARAM_GRAD_WG }, params,
      buffers: [ctx.buffer(x), a.rows > 0 ? ctx.buffer(stats) : ctx.dummy, ctx.buffer(dy), ctx.buffer(dgamma), ctx.buffer(dbeta)],
      workgroups: grid1d(Math.ceil(a.cols / PARAM_GRAD_WG), maxDim),
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
