/**
 * Spec and kernel of shaders/matmul.wgsl: batched matMul with transposes, broadcast batch
 * strides and the fused bias + activation epilogue, with the plan's residual add
 * (KernelAttrs.matMul.residual: the RESIDUAL override and one more binding, read like the output).
 * Picks the workgroup-tiled entry on GPUs and the barrier-free register-blocked entry on CPU
 * adapters (SwiftShader; there its subgroup form, shaders/matmul_subgroup.wgsl, when the device
 * has 4-lane subgroups), and turns off bounds checks and scalar loads when the shapes allow (both
 * CHECK variants compile together).
 *
 * Past one storage binding (A, B or the output larger than maxStorageBufferBindingSize), the
 * call is split over the space [batch, M, N, K] (chunking.ts): each block binds the aligned
 * ranges of A, B, the output (and bias / prelu weights) it touches, and the shader addresses
 * them as sub-matrices (offset + full row stride). Splitting batch, M or N gives independent
 * blocks of the output. Splitting K is chosen only when it is what shrinks the largest binding
 * (B = [K, N] too big for any block of columns, or a transposed A = [K, M]): the K blocks of
 * one output block run in increasing order, the first stores its partial sums as raw f32
 * bits, each later one adds to them, and only the last applies the epilogue (once) and
 * converts to the output dtype. No temporary buffers are needed; the price of a K split is one
 * extra read and write of the output block per K block.
 *
 * A float16-stored B (a weight loaded from float16; KernelContext.readFloat16) is read packed
 * (B_HALF: unpack2x16float in b_row4) when nothing is split; a split call widens it first.
 *
 * KernelAttrs.matMul.colSums (COL_SUMS, binding 7, read_write): the invocations owning rows 0..3 also
 * store the column sums of B. Binding 7 is bound to the dummy when unused, so the absent read-only
 * operands (bias, prelu, residual) bind A or B instead (one buffer may not be bound read-only and
 * writable in one dispatch). A call the shader cannot sum in one dispatch (split over bindings, or
 * M = 0) sums with the reduceColumns kernel after the matMul.
 *
 * A small float32 call also carries a fallback dispatch (specs/matmul_simple.ts): the backend
 * records it instead while this call's pipeline is still compiling.
 */
import source from '../../../../shaders/matmul.wgsl';
import subgroupSource from '../../../../shaders/matmul_subgroup.wgsl';
import { Activation, checkColSums, Reduce } from '../../kernels.js';
import { reduceKernels } from './reduce.js';
import { simpleMatmul } from './matmul_simple.js';
import { forEachChunk, stridedFootprint } from '../chunking.js';
import { isInt, outKind, residualInput, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

const OVERRIDES = ['WG_X', 'WG_Y', 'TRANS_A', 'TRANS_B', 'VEC_A', 'VEC_B', 'CHECK', 'A_INT', 'B_INT', 'B_HALF', 'OUT_KIND', 'HAS_BIAS', 'ACT', 'RESIDUAL', 'COL_SUMS'];
/** Bindings of every matMul entry: params, A, B, bias, prelu, the output, the residual, the column sums of B. */
const BINDINGS = [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RO, STORAGE_RW];

export const matmulSpec: ShaderSpec = {
  family: 'matmul',
  source,
  params: [
    ['M', 'u32'], ['N', 'u32'], ['K', 'u32'], ['a_batch_stride', 'u32'], ['b_batch_stride', 'u32'],
    ['bias_size', 'u32'], ['prelu_size', 'u32'], ['alpha', 'f32'],
    ['lda', 'u32'], ['ldb', 'u32'], ['ldc', 'u32'], ['a_offset', 'u32'], ['b_offset', 'u32'], ['c_offset', 'u32'],
    ['c_batch_stride', 'u32'], ['bias_offset', 'u32'], ['prelu_offset', 'u32'], ['accumulate', 'u32'], ['epilogue', 'u32'],
    ['r_offset', 'u32'], ['sg_n', 'u32'],
  ],
  entries: {
    matmul_tiled: {
      bindings: BINDINGS,
      overrides: [...OVERRIDES, 'TILE_K'],
    },
    matmul_direct: {
      bindings: BINDINGS,
      overrides: OVERRIDES,
    },
  },
};

const SUBGROUP_OVERRIDES = OVERRIDES.filter((o) => o !== 'WG_X' && o !== 'WG_Y');

/** shaders/matmul_subgroup.wgsl: the direct entry sharing A quads across 4-lane subgroups. */
export const matmulSubgroupSpec: ShaderSpec = {
  family: 'matmul_subgroup',
  source: subgroupSource,
  params: matmulSpec.params,
  entries: {
    matmul_subgroup: {
      bindings: BINDINGS,
      overrides: SUBGROUP_OVERRIDES,
    },
  },
};

/**
 * Tile configuration (override constants). Each invocation computes a 4x4 block of C.
 * `subgroups` (direct only): use matmul_subgroup where the device allows (4-lane subgroups).
 */
export interface MatmulConfig { wgX: number; wgY: number; tileK: number; direct: boolean; subgroups?: boolean }

/** Defaults; tests and benchmarks may change them through `setMatmulConfig`. */
let tiledConfig: MatmulConfig = { wgX: 8, wgY: 8, tileK: 16, direct: false };
let directConfig: MatmulConfig = { wgX: 4, wgY: 4, tileK: 4, direct: true, subgroups: true };
export function setMatmulConfig(c: Partial<MatmulConfig> & { direct: boolean }): void {
  if (c.direct) directConfig = { ...directConfig, ...c };
  else tiledConfig = { ...tiledConfig, ...c };
}

/** Workgroup grid: x over N, y over M, z over batch. */
export function matmulWorkgroups(M: number, N: number, batch: number, c: MatmulConfig): [number, number, number] {
  return [Math.ceil(N / (4 * c.wgX)), Math.ceil(M / (4 * c.wgY)), batch];
}

export const matmulKernels: WebGPUKernelTable = {
  matMul(ctx, inputs, [out, sums], a) {
    const residual = residualInput('matMul', inputs, out, a);
    if (a.colSums) {
      checkColSums('webgpu matMul', a, inputs[1], sums);
      // one dispatch binding everything whole with rows to run; else the matMul, then reduceColumns
      const whole = [inputs[0], inputs[1], out, sums].every((t) => t.size * 4 <= ctx.limits.maxBindingBytes);
      if (!whole || a.M === 0 || a.N === 0) {
        matmulKernels.matMul!(ctx, inputs, [out], { ...a, colSums: false });
        if (sums.size > 0) reduceKernels.reduceColumns!(ctx, [inputs[1]], [sums], { op: Reduce.sum, outer: 1, inner: a.K, cols: a.N });
        return;
      }
    }
    if (out.size === 0) return;
    let c = ctx.preferDirect ? directConfig : tiledConfig;
    const subgroup = c.direct && c.subgroups !== false && ctx.subgroupSize === 4;
    // matmul_subgroup: 4 subgroups of 8 x 32 outputs, sgN of them along N (shaders/matmul_subgroup.wgsl):
    // the arrangement that pads M x N least, ties to the widest (measured fastest).
    let sgN = 0, fewest = Infinity;
    if (subgroup) for (const s of [4, 2, 1]) {
      const tiles = Math.ceil(a.M * s / 32) * Math.ceil(a.N / (32 * s));
      if (tiles < fewest) { fewest = tiles; sgN = s; c = { ...c, wgX: 8 * s, wgY: 8 / s }; }
    }
    const tileM = 4 * c.wgY, tileN = 4 * c.wgX, tileK = c.direct ? 4 : c.tileK;
    const lda = a.transposeA ? a.M : a.K;
    const ldb = a.transposeB ? a.K : a.N;
    const aligned4 = (...v: number[]) => v.every((n) => n % 4 === 0);
    const hasPrelu = a.activation === Activation.prelu;
    const bias = a.hasBias ? inputs[2] : null;
    const prelu = hasPrelu ? inputs[a.hasBias ? 3 : 2] : null;
    const maxDim = ctx.limits.maxWorkgroupsPerDimension;
    const bound = [inputs[0], inputs[1], bias, prelu, out, residual];
    // packed float16 B only where the call is one dispatch binding B whole (forEachChunk's rule)
    const bHalf = bound.every((t) => !t || t.size * 4 <= ctx.limits.maxBindingBytes) && ctx.readFloat16(inputs[1]);
    const common: Record<string, number | boolean> = {
      ...(subgroup ? {} : { WG_X: c.wgX, WG_Y: c.wgY }), TRANS_A: a.transposeA, TRANS_B: a.transposeB,
      A_INT: isInt(inputs[0]), B_INT: isInt(inputs[1]), B_HALF: bHalf, OUT_KIND: outKind(out.dtype),
      HAS_BIAS: a.hasBias, ACT: a.activation, RESIDUAL: a.residual ?? 0, COL_SUMS: !!a.colSums,
    };
    if (!c.direct) common.TILE_K = c.tileK;
    // the quick-to-compile tier, recorded while this call's pipeline compiles (one dispatch only)
    const fallback = simpleMatmul(ctx, inputs, out, a, residual, bHalf);
    // Element index of (batch, m, n, k) in each tensor, as strides over the space [batch, M, N, K].
    const aStrides = [a.aBatchStride, a.transposeA ? 1 : a.K, 0, a.transposeA ? a.M : 1];
    const bStrides = [a.bBatchStride, 0, a.transposeB ? a.K : 1, a.transposeB ? 1 : a.N];
    const outStrides = [a.M * a.N, a.N, 1, 0];
    const vecStrides = (size: number) => [0, 0, size === 1 ? 0 : 1, 0];
    const at = (strides: number[], start: number[]) => strides.reduce((s, v, d) => s + v * start[d], 0);
    const what = `matMul [${a.batch}, ${a.M}, ${a.K}] x [${a.K}, ${a.N}]${a.transposeA ? ' transposeA' : ''}${a.transposeB ? ' transposeB' : ''}`;
    // K = 0 still runs once: the output is the epilogue of 0.
    const space = [a.batch, a.M, a.N, Math.max(1, a.K)];
    forEachChunk(ctx, what, space, bound, [
      stridedFootprint(0, aStrides), stridedFootprint(0, bStrides),
      stridedFootprint(0, vecStrides(a.biasSize)), stridedFootprint(0, vecStrides(a.preluSize)), stridedFootprint(0, outStrides),
      stridedFootprint(0, outStrides),
    ], (start, extent, bound) => {
      const [batch, M, N] = extent;
      const K = Math.min(a.K, extent[3]);
      const [aBase, bBase, biasBase, preluBase, outBase, residualBase] = bound.bases;
      const aOffset = at(aStrides, start) - aBase;
      const bOffset = at(bStrides, start) - bBase;
      const groups = matmulWorkgroups(M, N, batch, c);
      if (groups.some((g) => g > maxDim)) {
        throw new Error(`webgpu ${what}: a block [${batch}, ${M}, ${K}] x [${K}, ${N}] needs ${groups} workgroups, over the device limit ${maxDim}`);
      }
      const constants = {
        ...common,
        // Quad loads also need the block's extent along the contiguous dim in whole quads: the
        // shader clamps a quad's start into that extent (an edge quad must not shift).
        VEC_A: aligned4(a.transposeA ? a.M : a.K, a.aBatchStride, aOffset, a.transposeA ? M : K),
        VEC_B: aligned4(a.transposeB ? a.K : a.N, a.bBatchStride, bOffset, a.transposeB ? K : N),
        CHECK: M % tileM !== 0 || N % tileN !== 0 || K % tileK !== 0,
      };
      const entry = subgroup ? 'matmul_subgroup' : c.direct ? 'matmul_direct' : 'matmul_tiled';
      ctx.dispatch({
        spec: subgroup ? matmulSubgroupSpec : matmulSpec,
        entry,
        constants,
        // CHECK follows the batch size (M, or K of a weight gradient); VEC_A / VEC_B follow the
        // feature dims. The other CHECK variant compiles alongside, so a new batch size (a last
        // partial batch) compiles nothing. (Override constants, not uniforms: on SwiftShader a
        // uniform branch in the load path runs both sides, 2-7x slower on matMul 512^3.)
        variants: [{ entry, constants: { ...constants, CHECK: !constants.CHECK } }],
        params: {
          M, N, K, a_batch_stride: a.aBatchStride, b_batch_stride: a.bBatchStride,
          bias_size: a.biasSize, prelu_size: a.preluSize, alpha: a.alpha,
          lda, ldb, ldc: a.N, a_offset: aOffset, b_offset: bOffset, c_offset: at(outStrides, start) - outBase,
          c_batch_stride: a.M * a.N,
          bias_offset: a.biasSize === 1 ? 0 : start[2] - biasBase, prelu_offset: a.preluSize === 1 ? 0 : start[2] - preluBase,
          accumulate: start[3] > 0 ? 1 : 0, epilogue: start[3] + extent[3] >= a.K ? 1 : 0,
          r_offset: at(outStrides, start) - residualBase, sg_n: sgN,
        },
        buffers: withColSums(ctx, bound.buffers, a.colSums ? ctx.buffer(sums) : null, K),
        workgroups: groups,
        ...(fallback ? { fallback } : {}),
      });
    });
  },
};

/**
 * Bindings 1..7 of a matMul dispatch: `sums` (COL_SUMS) or the dummy at binding 7. Without sums the
 * dummy is bound writable there, so absent read-only operands (bias 3, prelu 4, residual 6: the
 * dummy from forEachChunk) bind A's range instead; with K = 0 (A empty) they keep the dummy and a
 * scratch word takes binding 7.
 */
function withColSums(ctx: KernelContext, buffers: Array<GPUBuffer | GPUBufferBinding>, sums: GPUBuffer | null, K: number): Array<GPUBuffer | GPUBufferBinding> {
  if (sums) return [...buffers, sums];
  const readOnly = [2, 3, 5];
  if (!readOnly.some((i) => buffers[i] === ctx.dummy)) return [...buffers, ctx.dummy];
  if (K === 0) return [...buffers, ctx.scratch(16)];
  return [...buffers.map((b, i) => (readOnly.includes(i) && b === ctx.dummy ? buffers[0] : b)), ctx.dummy];
}
