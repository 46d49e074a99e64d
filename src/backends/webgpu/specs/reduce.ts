/**
 * Specs and kernels of shaders/reduce.wgsl (row reductions) and shaders/softmax.wgsl. Long
 * rows get a workgroup each (tree reduction); short rows one invocation each.
 */
import reduceSource from '../../../../shaders/reduce.wgsl';
import softmaxSource from '../../../../shaders/softmax.wgsl';
import {
  grid1d, isInt, outKind, STORAGE_RO, STORAGE_RW, UNIFORM,
  type ShaderSpec, type WebGPUKernelTable,
} from '../spec.js';

export const reduceSpec: ShaderSpec = {
  family: 'reduce',
  source: reduceSource,
  params: [['outer', 'u32'], ['inner', 'u32']],
  entries: {
    reduce_rows: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'X_INT', 'OUT_KIND'] },
    reduce_serial: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'OP', 'X_INT', 'OUT_KIND'] },
  },
};

export const softmaxSpec: ShaderSpec = {
  family: 'softmax',
  source: softmaxSource,
  params: [['rows', 'u32'], ['cols', 'u32']],
  entries: {
    softmax: { bindings: [UNIFORM, STORAGE_RO, STORAGE_RW], overrides: ['WG', 'LOG'] },
  },
};

/** Rows at most this long are reduced by one invocation each. */
const SERIAL_MAX_INNER = 32;
const SERIAL_WG = 64;

/** Power-of-two workgroup size for a row of n elements, within the device limit. */
export function rowWorkgroupSize(n: number, maxInvocations: number): number {
  let wg = 32;
  while (wg < n && wg < 256 && wg * 2 <= maxInvocations) wg *= 2;
  return wg;
}

export const reduceKernels: WebGPUKernelTable = {
  reduce(ctx, [x], [out], a) {
    if (a.outer === 0) return;
    const constants = { OP: a.op, X_INT: isInt(x), OUT_KIND: outKind(out.dtype) };
    const maxDim = ctx.limits.maxWorkgroupsPerDimension;
    const serial = a.inner <= SERIAL_MAX_INNER;
    const wg = serial ? SERIAL_WG : rowWorkgroupSize(a.inner, ctx.limits.maxInvocations);
    ctx.dispatch({
      spec: reduceSpec,
      entry: serial ? 'reduce_serial' : 'reduce_rows',
      constants: { ...constants, WG: wg },
      params: { outer: a.outer, inner: a.inner },
      buffers: [ctx.buffer(x), ctx.buffer(out)],
      workgroups: grid1d(serial ? Math.ceil(a.outer / wg) : a.outer, maxDim),
    });
  },
  softmax(ctx, [x], [out], a) {
    if (a.rows === 0 || a.cols === 0) return;
    ctx.dispatch({
      spec: softmaxSpec,
      entry: 'softmax',
      constants: { WG: rowWorkgroupSize(a.cols, ctx.limits.maxInvocations), LOG: a.log },
      params: { rows: a.rows, cols: a.cols },
      buffers: [ctx.buffer(x), ctx.buffer(out)],
      workgroups: grid1d(a.rows, ctx.limits.maxWorkgroupsPerDimension),
    });
  },
};
