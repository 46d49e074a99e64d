/**
 * Spec and kernel of shaders/optimizer.wgsl: the fused Adam / AdamW update, one dispatch per
 * variable, four elements per invocation. The f64 constants of the catalogue (1 - beta,
 * lr * weightDecay) are formed here and packed as f32 params.
 */
import source from '../../../../shaders/optimizer.wgsl';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

export const optimizerSpec: ShaderSpec = {
  family: 'optimizer',
  source,
  params: [
    ['size', 'u32'], ['lr', 'f32'], ['beta1', 'f32'], ['one_minus_beta1', 'f32'], ['beta2', 'f32'], ['one_minus_beta2', 'f32'],
    ['epsilon', 'f32'], ['bias_correction1', 'f32'], ['bias_correction2', 'f32'], ['decay', 'f32'],
  ],
  entries: {
    adam_update: {
      bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RW, STORAGE_RW],
      overrides: ['WG'],
    },
  },
};

const WG = 64;

export const optimizerKernels: WebGPUKernelTable = {
  adamUpdate(ctx, ins, outs, a) {
    const all = [...ins, ...outs];
    if (ins.length !== 4 || outs.length !== 3 || all.some((t) => t.dtype !== 'float32' || t.size !== a.size)) {
      const list = (ts: typeof ins) => ts.map((t) => `${t.dtype}[${t.shape}]`).join(', ');
      throw new Error(`webgpu adamUpdate: expected 4 inputs and 3 outputs, float32 with ${a.size} elements each; got inputs ${list(ins)}; outputs ${list(outs)}`);
    }
    if (a.size === 0) return;
    ctx.dispatch({
      spec: optimizerSpec, entry: 'adam_update',
      constants: { WG },
      params: {
        size: a.size, lr: a.lr, beta1: a.beta1, one_minus_beta1: 1 - a.beta1, beta2: a.beta2, one_minus_beta2: 1 - a.beta2,
        epsilon: a.epsilon, bias_correction1: a.biasCorrection1, bias_correction2: a.biasCorrection2, decay: a.lr * a.weightDecay,
      },
      buffers: [...ins, ...outs].map((t) => ctx.buffer(t)),
      workgroups: grid1d(Math.ceil(Math.ceil(a.size / 4) / WG), ctx.limits.maxWorkgroupsPerDimension),
    });
  },
};
