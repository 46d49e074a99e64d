/**
 * Spec and kernel of shaders/attention.wgsl: the single fused flash-attention dispatch. The host
 * picks the tile shape from the device limits: TPR invocations per query row (so each holds at
 * most 8 vec4 accumulators: headDim <= 32 * TPR), BQ = workgroup size / TPR query rows, and the
 * largest K/V tile (BK keys) whose query, key/value, score and probability tiles fit the device's
 * maxComputeWorkgroupStorageSize (16 KiB is enough for headDim 128). On CPU adapters
 * (ctx.preferDirect) headDim <= 128 runs the barrier-free `attention_direct` entry instead: one
 * invocation per query row with q and the accumulator in registers (with 4-lane subgroups, its
 * form in shaders/attention_subgroup.wgsl, 4 rows sharing each K/V load). Every entry addresses
 * rows through row_at (shaders/attention_rows.wgsl), so `heads` > 0 reads and writes the heads
 * packed in the last axis. A call of at most SIMPLE_ATTENTION_MAX_WORK also carries a fallback, the
 * one-pipeline shaders/attention_simple.wgsl, that the backend records while the call's own pipeline
 * is still compiling (tiered compilation, as matMul's). attentionGrad is two
 * dispatches of shaders/attention_grad.wgsl: one invocation per query row (dQ), then one per key
 * row (dK, dV).
 */
import source from '../../../../shaders/attention.wgsl';
import subgroupSource from '../../../../shaders/attention_subgroup.wgsl';
import gradSource from '../../../../shaders/attention_grad.wgsl';
import simpleSource from '../../../../shaders/attention_simple.wgsl';
import { ATTENTION_GRAD_MAX_HEAD_DIM, checkAttentionHeads } from '../../kernels.js';
import { STORAGE_RO, STORAGE_RW, UNIFORM, type DispatchDesc, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';
import type { KernelAttrs } from '../../kernels.js';

export const attentionSpec: ShaderSpec = {
  family: 'attention',
  source,
  params: [['bh', 'u32'], ['seq_q', 'u32'], ['seq_k', 'u32'], ['head_dim', 'u32'], ['scale', 'f32'], ['kv_stride', 'u32'], ['heads', 'u32']],
  entries: {
    attention: {
      bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RW],
      overrides: ['WG', 'BQ', 'TPR', 'BK', 'D4', 'VEC', 'CAUSAL', 'HAS_MASK'],
    },
    attention_direct: {
      bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RW],
      overrides: ['WG', 'D4', 'VEC', 'CAUSAL', 'HAS_MASK'],
    },
  },
};

/** shaders/attention_subgroup.wgsl: the direct entry sharing K/V quads across 4-lane subgroups. */
export const attentionSubgroupSpec: ShaderSpec = {
  family: 'attention_subgroup',
  source: subgroupSource,
  params: attentionSpec.params,
  entries: {
    attention_subgroup: {
      bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RW],
      overrides: ['WG', 'D4', 'VEC', 'CAUSAL', 'HAS_MASK'],
    },
  },
};

/** shaders/attention_simple.wgsl: the quick-to-compile tier (causal and mask are uniforms: one pipeline). */
export const attentionSimpleSpec: ShaderSpec = {
  family: 'attention_simple',
  source: simpleSource,
  params: [...attentionSpec.params, ['causal', 'u32'], ['has_mask', 'u32']],
  entries: {
    attention_simple: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RW], overrides: [] },
  },
};
/** bh * seqQ * seqK * headDim up to which an attention call may take the simple tier (its three passes cost more past that than waiting for the compile). */
export const SIMPLE_ATTENTION_MAX_WORK = 2 ** 24;
const SIMPLE_WG = 64;

/**
 * The simple-tier dispatch of an attention call (DispatchDesc.fallback: the backend records it while
 * the call's own pipeline is still compiling), or null where the call is too large for it.
 */
function simpleAttention(ctx: KernelContext, a: KernelAttrs['attention'], params: Record<string, number>, buffers: GPUBuffer[]): DispatchDesc | null {
  const workgroups: [number, number, number] = [Math.ceil(a.seqQ / SIMPLE_WG), a.bh, 1];
  if (a.bh * a.seqQ * a.seqK * a.headDim > SIMPLE_ATTENTION_MAX_WORK || workgroups.some((g) => g > ctx.limits.maxWorkgroupsPerDimension)) return null;
  return {
    spec: attentionSimpleSpec, entry: 'attention_simple', constants: {},
    params: { ...params, causal: a.causal ? 1 : 0, has_mask: a.hasMask ? 1 : 0 }, buffers, workgroups,
  };
}

export const attentionGradSpec: ShaderSpec = {
  family: 'attention_grad',
  source: gradSource,
  params: [['bh', 'u32'], ['seq_q', 'u32'], ['seq_k', 'u32'], ['head_dim', 'u32'], ['scale', 'f32'], ['heads', 'u32']],
  entries: {
    attention_grad_q: {
      bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW],
      overrides: ['WG', 'CAUSAL'],
    },
    attention_grad_kv: {
      bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RW],
      overrides: ['WG', 'CAUSAL'],
    },
  },
};
/** Invocations per attention_grad workgroup (one row each). */
const GRAD_WG = 32;

/** The direct entry keeps 4 * MAX_D4 = 128 values of q and of the output in registers. */
const DIRECT_MAX_HEAD_DIM = 128;
const DIRECT_WG = 16;

export interface AttentionTiles { bq: number; tpr: number; bk: number; d4: number; bytes: number }

/** Workgroup-memory bytes of a tile shape (query tile + shared K/V tile + score and probability tiles). */
const tileBytes = (bq: number, bk: number, d4: number) => 16 * (bq + bk) * d4 + 8 * bq * bk;

/** Tile shape for headDim within the device limits; throws when headDim cannot fit at all. */
export function attentionTiles(headDim: number, limits: { maxInvocations: number; maxWorkgroupStorage: number },
  preferredThreads = 64): AttentionTiles {
  const d4 = Math.max(1, Math.ceil(headDim / 4));
  let tpr = 4;
  while (Math.ceil(d4 / tpr) > 8) tpr *= 2;
  for (let threads = Math.min(preferredThreads, limits.maxInvocations); threads >= tpr; threads /= 2) {
    const bq = Math.floor(threads / tpr);
    if (bq < 1) break;
    for (const bk of [64, 32, 16, 8, 4]) {
      const bytes = tileBytes(bq, bk, d4);
      if (bytes <= limits.maxWorkgroupStorage) return { bq, tpr, bk, d4, bytes };
    }
  }
  throw new Error(`webgpu attention: headDim ${headDim} needs more workgroup memory than the device's ${limits.maxWorkgroupStorage} bytes`);
}

export const attentionKernels: WebGPUKernelTable = {
  attentionGrad(ctx, ins, outs, a) {
    const qSize = a.bh * a.seqQ * a.headDim, kSize = a.bh * a.seqK * a.headDim;
    const want = [qSize, kSize, kSize, qSize, a.bh * a.seqQ, qSize, qSize, kSize, kSize];
    const all = [...ins, ...outs];
    if (ins.length !== 6 || outs.length !== 3 || all.some((t, i) => t.dtype !== 'float32' || t.size !== want[i])
      || a.headDim > ATTENTION_GRAD_MAX_HEAD_DIM || a.seqK < 1) {
      const list = (ts: typeof ins) => ts.map((t) => `${t.dtype}[${t.shape}]`).join(', ');
      throw new Error(`webgpu attentionGrad: expected float32 q, k, v, out, lse, dO -> dQ, dK, dV for bh ${a.bh}, seqQ ${a.seqQ}, seqK ${a.seqK} (>= 1), headDim ${a.headDim} (<= ${ATTENTION_GRAD_MAX_HEAD_DIM}); got inputs ${list(ins)}; outputs ${list(outs)}`);
    }
    if (a.bh === 0 || a.seqQ === 0 || a.headDim === 0) {
      if (kSize && a.bh) throw new Error(`webgpu attentionGrad: seqQ ${a.seqQ} and headDim ${a.headDim} must be >= 1`);
      return;
    }
    const maxDim = ctx.limits.maxWorkgroupsPerDimension;
    const rows = Math.max(a.seqQ, a.seqK);
    if (Math.ceil(rows / GRAD_WG) > maxDim || a.bh > maxDim) {
      throw new Error(`webgpu attentionGrad: bh ${a.bh} x seq ${rows} needs [${Math.ceil(rows / GRAD_WG)}, ${a.bh}] workgroups, over the device limit ${maxDim}`);
    }
    if (a.heads && a.bh % a.heads) throw new Error(`webgpu attentionGrad: bh ${a.bh} is not a multiple of heads ${a.heads}`);
    const params = { bh: a.bh, seq_q: a.seqQ, seq_k: a.seqK, head_dim: a.headDim, scale: a.scale, heads: a.heads };
    const inputs = ins.map((t) => ctx.buffer(t));
    const constants = { WG: GRAD_WG, CAUSAL: a.causal };
    ctx.dispatch({
      spec: attentionGradSpec, entry: 'attention_grad_q', constants, params,
      buffers: [...inputs, ctx.buffer(outs[0])], workgroups: [Math.ceil(a.seqQ / GRAD_WG), a.bh, 1],
    });
    ctx.dispatch({
      spec: attentionGradSpec, entry: 'attention_grad_kv', constants, params,
      buffers: [...inputs, ctx.buffer(outs[1]), ctx.buffer(outs[2])], workgroups: [Math.ceil(a.seqK / GRAD_WG), a.bh, 1],
    });
  },
  attention(ctx, inputs, [out, lse], a) {
    checkAttentionHeads('webgpu', a);
    if (a.bh === 0 || a.seqQ === 0) return;
    const tiles = attentionTiles(a.headDim, ctx.limits);
    const maxDim = ctx.limits.maxWorkgroupsPerDimension;
    const groupsX = Math.ceil(a.seqQ / tiles.bq);
    if (groupsX > maxDim || a.bh > maxDim) {
      throw new Error(`webgpu attention: bh ${a.bh} x seqQ ${a.seqQ} needs [${groupsX}, ${a.bh}] workgroups, over the device limit ${maxDim}`);
    }
    const [q, k, v] = inputs;
    const buffers = [ctx.buffer(q), ctx.buffer(k), ctx.buffer(v), a.hasMask ? ctx.buffer(inputs[3]) : ctx.dummy,
      ctx.buffer(out), ctx.buffer(lse)];
    const params = { bh: a.bh, seq_q: a.seqQ, seq_k: a.seqK, head_dim: a.headDim, scale: a.scale, kv_stride: a.kvStride ?? a.seqK, heads: a.heads ?? 0 };
    // the quick-to-compile tier either entry records while its own pipeline compiles
    const fallback = simpleAttention(ctx, a, params, buffers);
    if (ctx.preferDirect && a.headDim <= DIRECT_MAX_HEAD_DIM) {
      const wg = Math.min(DIRECT_WG, ctx.limits.maxInvocations);
      const gx = Math.ceil(a.seqQ / wg);
      if (gx > maxDim || a.bh > maxDim) {
        throw new Error(`webgpu attention: bh ${a.bh} x seqQ ${a.seqQ} needs [${gx}, ${a.bh}] workgroups, over the device limit ${maxDim}`);
      }
      const subgroup = ctx.subgroupSize === 4 && wg % 4 === 0;
      ctx.dispatch({
        spec: subgroup ? attentionSubgroupSpec : attentionSpec, entry: subgroup ? 'attention_subgroup' : 'attention_direct',
        constants: { WG: wg, D4: tiles.d4, VEC: a.headDim % 4 === 0 && a.headDim > 0, CAUSAL: a.causal, HAS_MASK: a.hasMask },
        params, buffers, workgroups: [gx, a.bh, 1], ...(fallback ? { fallback } : {}),
      });
      return;
    }
    ctx.dispatch({
      spec: attentionSpec, entry: 'attention',
      constants: {
        WG: tiles.bq * tiles.tpr, BQ: tiles.bq, TPR: tiles.tpr, BK: tiles.bk, D4: tiles.d4, VEC: a.headDim % 4 === 0 && a.headDim > 0,
        CAUSAL: a.causal, HAS_MASK: a.hasMask,
      },
      params, buffers, workgroups: [groupsX, a.bh, 1], ...(fallback ? { fallback } : {}),
    });
  },
};
