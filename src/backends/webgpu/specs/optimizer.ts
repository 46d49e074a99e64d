/**
 * Spec and kernel of shaders/optimizer.wgsl: the fused Adam / AdamW update over an optimizer's
 * variables, four elements per invocation. A large variable gets its own dispatch, binding its
 * tensors. Small ones, where the cost is the dispatch and not the arithmetic, are gathered by
 * buffer copies into one scratch buffer (sections params | grads | m | v), updated by one
 * dispatch, and copied out to their outputs. The f64 constants of the catalogue (1 - beta,
 * lr * weightDecay) are formed here and packed as f32 params.
 */
import source from '../../../../shaders/optimizer.wgsl';
import type { KernelAttrs } from '../../kernels.js';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

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
    adam_update_packed: {
      bindings: [UNIFORM, STORAGE_RO, STORAGE_RW],
      overrides: ['WG'],
    },
  },
};

const WG = 64;

/**
 * Variables up to this many elements share packed dispatches: below it a dispatch costs more than
 * the copies in and out (7 x 4 bytes per element); above it each variable binds its own tensors.
 */
export const ADAM_PACK_MAX_ELEMENTS = 1 << 16;
/** Elements per section of one packed dispatch (its input binding is four sections). */
const PACK_SECTION_MAX = 1 << 20;

type Attrs = KernelAttrs['adamUpdate'];
type Tensors = Parameters<KernelContext['buffer']>[0][];

function dispatchAdam(ctx: KernelContext, entry: string, size: number, a: Attrs, buffers: GPUBuffer[]): void {
  ctx.dispatch({
    spec: optimizerSpec, entry,
    constants: { WG },
    params: {
      size, lr: a.lr, beta1: a.beta1, one_minus_beta1: 1 - a.beta1, beta2: a.beta2, one_minus_beta2: 1 - a.beta2,
      epsilon: a.epsilon, bias_correction1: a.biasCorrection1, bias_correction2: a.biasCorrection2, decay: a.lr * a.weightDecay,
    },
    buffers,
    workgroups: grid1d(Math.ceil(Math.ceil(size / 4) / WG), ctx.limits.maxWorkgroupsPerDimension),
  });
}

/**
 * One dispatch for variables `group` (indices into the n variables): gather their params, grads,
 * m and v at vec4-aligned offsets of four sections, update, scatter the three results.
 */
function packedAdam(ctx: KernelContext, ins: Tensors, outs: Tensors, a: Attrs, group: number[]): void {
  const n = a.sizes.length;
  const padded = group.map((i) => Math.ceil(a.sizes[i] / 4) * 4);
  const offsets: number[] = [];
  let section = 0;
  for (const len of padded) { offsets.push(section); section += len; }
  const packedIn = ctx.scratch(4 * section * 4), packedOut = ctx.scratch(3 * section * 4);
  group.forEach((i, j) => {
    for (let role = 0; role < 4; role++) ctx.copy(ctx.buffer(ins[role * n + i]), 0, packedIn, (role * section + offsets[j]) * 4, padded[j] * 4);
  });
  dispatchAdam(ctx, 'adam_update_packed', section, a, [packedIn, packedOut]);
  group.forEach((i, j) => {
    for (let role = 0; role < 3; role++) ctx.copy(packedOut, (role * section + offsets[j]) * 4, ctx.buffer(outs[role * n + i]), 0, padded[j] * 4);
  });
}

export const optimizerKernels: WebGPUKernelTable = {
  adamUpdate(ctx, ins, outs, a) {
    const n = a.sizes.length;
    const bad = ins.length !== 4 * n || outs.length !== 3 * n ||
      [...ins, ...outs].some((t, k) => t.dtype !== 'float32' || t.size !== a.sizes[(k < 4 * n ? k : k - 4 * n) % n]);
    if (bad) {
      const list = (ts: typeof ins) => ts.map((t) => `${t.dtype}[${t.shape}]`).join(', ');
      throw new Error(`webgpu adamUpdate: expected ${4 * n} inputs and ${3 * n} outputs (params, grads, m, v -> params, m, v), float32 with ` +
        `[${a.sizes}] elements; got inputs ${list(ins)}; outputs ${list(outs)}`);
    }
    const sectionMax = Math.min(PACK_SECTION_MAX, Math.floor(ctx.limits.maxBindingBytes / 64) * 4);
    const groups: number[][] = [];
    let group: number[] = [], filled = 0;
    a.sizes.forEach((size, i) => {
      if (size === 0) return;
      const len = Math.ceil(size / 4) * 4;
      if (size > ADAM_PACK_MAX_ELEMENTS || len > sectionMax) {
        groups.push([i]);
        return;
      }
      if (filled + len > sectionMax) { groups.push(group); group = []; filled = 0; }
      group.push(i);
      filled += len;
    });
    if (group.length) groups.push(group);
    for (const g of groups) {
      if (g.length > 1) { packedAdam(ctx, ins, outs, a, g); continue; }
      const i = g[0];
      dispatchAdam(ctx, 'adam_update', a.sizes[i], a, [0, 1, 2, 3].map((r) => ctx.buffer(ins[r * n + i])).concat([0, 1, 2].map((r) => ctx.buffer(outs[r * n + i]))));
    }
  },
};
