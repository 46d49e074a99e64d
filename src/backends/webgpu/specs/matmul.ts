/**
 * Spec and kernel of shaders/matmul.wgsl: batched matMul with transposes, broadcast batch
 * strides and the fused bias + activation epilogue. Picks the workgroup-tiled entry on GPUs and
 * the barrier-free register-blocked entry on CPU adapters (SwiftShader), and turns off bounds
 * checks and scalar loads when the shapes allow.
 */
import source from '../../../../shaders/matmul.wgsl';
import { Activation } from '../../kernels.js';
import { isInt, outKind, STORAGE_RO, STORAGE_RW, UNIFORM, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

const OVERRIDES = ['WG_X', 'WG_Y', 'TRANS_A', 'TRANS_B', 'VEC_A', 'VEC_B', 'CHECK', 'A_INT', 'B_INT', 'OUT_KIND', 'HAS_BIAS', 'ACT'];

export const matmulSpec: ShaderSpec = {
  family: 'matmul',
  source,
  params: [
    ['M', 'u32'], ['N', 'u32'], ['K', 'u32'], ['a_batch_stride', 'u32'], ['b_batch_stride', 'u32'],
    ['bias_size', 'u32'], ['prelu_size', 'u32'], ['alpha', 'f32'],
  ],
  entries: {
    matmul_tiled: {
      bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW],
      overrides: [...OVERRIDES, 'TILE_K'],
    },
    matmul_direct: {
      bindings: [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RO, STORAGE_RW],
      overrides: OVERRIDES,
    },
  },
};

/** Tile configuration (override constants). Each invocation computes a 4x4 block of C. */
export interface MatmulConfig { wgX: number; wgY: number; tileK: number; direct: boolean }

/** Defaults; tests and benchmarks may change them through `setMatmulConfig`. */
let tiledConfig: MatmulConfig = { wgX: 8, wgY: 8, tileK: 16, direct: false };
let directConfig: MatmulConfig = { wgX: 4, wgY: 4, tileK: 4, direct: true };
export function setMatmulConfig(c: Partial<MatmulConfig> & { direct: boolean }): void {
  if (c.direct) directConfig = { ...directConfig, ...c };
  else tiledConfig = { ...tiledConfig, ...c };
}

/** Workgroup grid: x over N, y over M, z over batch. */
export function matmulWorkgroups(M: number, N: number, batch: number, c: MatmulConfig): [number, number, number] {
  return [Math.ceil(N / (4 * c.wgX)), Math.ceil(M / (4 * c.wgY)), batch];
}

export const matmulKernels: WebGPUKernelTable = {
  matMul(ctx, inputs, [out], a) {
    if (out.size === 0) return;
    const c = ctx.preferDirect ? directConfig : tiledConfig;
    const tileM = 4 * c.wgY, tileN = 4 * c.wgX, tileK = c.direct ? 4 : c.tileK;
    const aInner = a.transposeA ? a.M : a.K;
    const bInner = a.transposeB ? a.K : a.N;
    const aligned = (n: number, s: number) => n % 4 === 0 && s % 4 === 0;
    const check = a.M % tileM !== 0 || a.N % tileN !== 0 || a.K % tileK !== 0;
    const hasPrelu = a.activation === Activation.prelu;
    const bias = a.hasBias ? ctx.buffer(inputs[2]) : ctx.dummy;
    const prelu = hasPrelu ? ctx.buffer(inputs[a.hasBias ? 3 : 2]) : ctx.dummy;
    const groups = matmulWorkgroups(a.M, a.N, a.batch, c);
    const maxDim = ctx.limits.maxWorkgroupsPerDimension;
    if (groups.some((g) => g > maxDim)) {
      throw new Error(`webgpu matMul: [${a.batch}, ${a.M}, ${a.K}] x [${a.K}, ${a.N}] needs ${groups} workgroups, over the device limit ${maxDim}`);
    }
    const constants: Record<string, number | boolean> = {
      WG_X: c.wgX, WG_Y: c.wgY, TRANS_A: a.transposeA, TRANS_B: a.transposeB,
      VEC_A: aligned(aInner, a.aBatchStride), VEC_B: aligned(bInner, a.bBatchStride), CHECK: check,
      A_INT: isInt(inputs[0]), B_INT: isInt(inputs[1]), OUT_KIND: outKind(out.dtype),
      HAS_BIAS: a.hasBias, ACT: a.activation,
    };
    if (!c.direct) constants.TILE_K = c.tileK;
    ctx.dispatch({
      spec: matmulSpec,
      entry: c.direct ? 'matmul_direct' : 'matmul_tiled',
      constants,
      params: {
        M: a.M, N: a.N, K: a.K, a_batch_stride: a.aBatchStride, b_batch_stride: a.bBatchStride,
        bias_size: a.biasSize, prelu_size: a.preluSize, alpha: a.alpha,
      },
      buffers: [ctx.buffer(inputs[0]), ctx.buffer(inputs[1]), bias, prelu, ctx.buffer(out)],
      workgroups: groups,
    });
  },
};
