/**
 * Specs and kernels of the int8 shaders of issue 12: shaders/int8_quantize.wgsl (quantizeInt8,
 * dequantizeInt8), shaders/int8_matmul.wgsl (int8MatMul) and shaders/int8_conv.wgsl (int8Conv2d,
 * int8DepthwiseConv2d). Packed int8 tensors are int32 tensors holding four values per word
 * (src/backends/kernels.ts, packedCols).
 *
 * Each shader has two variants, picked when the pipeline is made: where the WGSL language
 * feature packed_4x8_integer_dot_product exists (ctx.packedInt8Dot), the `#include
 * "int8_dot.wgsl"` helpers become shaders/int8_dot_packed.wgsl (dot4I8Packed, unpack4xI8,
 * pack4xI8Clamp) under a `requires` directive; elsewhere the shift-unpacking helpers stay.
 * Tests force the portable variant with the backend's `packedInt8DotOverride` hook.
 *
 * int8MatMul runs the register-blocked direct entry on CPU adapters (ctx.preferDirect) and the
 * workgroup-tiled one elsewhere, its tile sized to the device's workgroup limits.
 *
 * Exactness: the int32 accumulators are exact; the epilogue's f32 +, * are correctly rounded in
 * WGSL, so float outputs equal the js reference's bits. The one op WGSL lets be inexact is the
 * division y / outScale (2.5 ulp): where it is not correctly rounded (some GPUs; SwiftShader's is),
 * a quotient within a few ulp of a rounding tie can requantize one step off the reference.
 *
 * These kernels do not split across storage bindings: a tensor past one binding throws the
 * backend's limit error naming the kernel, and a grid past the workgroup limits throws here.
 */
import int8QuantizeSource from '../../../../shaders/int8_quantize.wgsl';
import int8MatmulSource from '../../../../shaders/int8_matmul.wgsl';
import int8ConvSource from '../../../../shaders/int8_conv.wgsl';
import { packedCols, type ConvGeometry, type Int8Epilogue } from '../../kernels.js';
import type { TensorInfo } from '../../backend.js';
import { STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ParamKind, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

const RO = STORAGE_RO;
const RW = STORAGE_RW;
const FEATURE = 'packed_4x8_integer_dot_product';
const PORTABLE_INCLUDE = '#include "int8_dot.wgsl"';

/** The dot4I8Packed variant of a source: the packed helper include and the `requires` directive. */
function packedSource(source: string): string {
  if (!source.includes(PORTABLE_INCLUDE)) throw new Error('webgpu: int8 shader without the int8_dot.wgsl include');
  return `requires ${FEATURE};\n${source.replace(PORTABLE_INCLUDE, '#include "int8_dot_packed.wgsl"')}`;
}

const EPILOGUE_PARAMS: Array<[string, ParamKind]> = [
  ['scale', 'f32'], ['zero_point', 'i32'], ['alpha', 'f32'], ['out_scale', 'f32'], ['out_zero_point', 'i32'],
];
const EPILOGUE_OVERRIDES = ['WG', 'HAS_BIAS', 'ACT', 'OUT_INT8', 'ZERO_POINT'];
const EPILOGUE_BINDINGS = [UNIFORM, RO, RO, RO, RO, RW];

/** The portable and dot4I8Packed specs of one shader. */
function specPair(family: string, source: string, params: Array<[string, ParamKind]>,
  entries: ShaderSpec['entries']): { portable: ShaderSpec; packed: ShaderSpec } {
  return {
    portable: { family, source, params, entries },
    packed: { family: `${family}_dot4`, source: packedSource(source), params, entries },
  };
}

export const int8QuantizeSpecs = specPair('int8_quantize', int8QuantizeSource,
  [['rows', 'u32'], ['cols', 'u32'], ['scale', 'f32'], ['zero_point', 'i32']], {
    quantize_int8: { bindings: [UNIFORM, RO, RW], overrides: ['WG'] },
    dequantize_int8: { bindings: [UNIFORM, RO, RW], overrides: ['WG'] },
  });

export const int8MatmulSpecs = specPair('int8_matmul', int8MatmulSource,
  [['m', 'u32'], ['n', 'u32'], ['k_words', 'u32'], ...EPILOGUE_PARAMS], {
    int8_matmul: { bindings: EPILOGUE_BINDINGS, overrides: [...EPILOGUE_OVERRIDES, 'VEC'] },
    int8_matmul_tiled: {
      bindings: EPILOGUE_BINDINGS, overrides: ['WG_X', 'WG_Y', 'TILE_KW', ...EPILOGUE_OVERRIDES.filter((o) => o !== 'WG')],
    },
  });

/**
 * The workgroup tile of int8_matmul_tiled (GPU adapters): 8 x 8 invocations of 4 x 4 outputs and
 * 8 K words (32 values) per step, TILE_KW halved until the two staged tiles fit the device's
 * workgroup memory; null (use the direct entry) when even one word does not, or the workgroup
 * has more invocations than the device allows.
 */
export function int8MatmulTile(limits: { maxInvocations: number; maxWorkgroupStorage: number }): { wgX: number; wgY: number; tileKW: number } | null {
  const wgX = 8, wgY = 8;
  if (wgX * wgY > limits.maxInvocations) return null;
  for (let tileKW = 8; tileKW >= 1; tileKW >>= 1) {
    if (4 * 4 * (wgX + wgY) * tileKW <= limits.maxWorkgroupStorage) return { wgX, wgY, tileKW };
  }
  return null;
}

export const int8ConvSpecs = specPair('int8_conv', int8ConvSource, [
  ['batch', 'u32'], ['in_h', 'u32'], ['in_w', 'u32'], ['in_cw', 'u32'], ['out_h', 'u32'], ['out_w', 'u32'],
  ['out_c', 'u32'], ['filter_h', 'u32'], ['filter_w', 'u32'], ['stride_h', 'u32'], ['stride_w', 'u32'],
  ['dilation_h', 'u32'], ['dilation_w', 'u32'], ['pad_top', 'i32'], ['pad_left', 'i32'], ...EPILOGUE_PARAMS,
], {
  int8_conv2d: { bindings: EPILOGUE_BINDINGS, overrides: EPILOGUE_OVERRIDES },
  int8_depthwise_conv2d: { bindings: EPILOGUE_BINDINGS, overrides: EPILOGUE_OVERRIDES.filter((o) => o !== 'ZERO_POINT') },
});

/** Invocations per workgroup (within the device's limit, which is at least 256 by the spec). */
const workgroupSize = (ctx: KernelContext) => Math.min(64, ctx.limits.maxInvocations);

/**
 * Workgroups for `invocations` one-dimensional invocations, folded into a 2-D grid (the shaders
 * linearise x + y * width); throws naming the call when even that breaks the device limit.
 */
function grid(ctx: KernelContext, what: string, invocations: number, wg: number): [number, number, number] {
  const n = Math.ceil(invocations / wg);
  const maxDim = ctx.limits.maxWorkgroupsPerDimension;
  if (n <= maxDim) return [Math.max(n, 1), 1, 1];
  const y = Math.ceil(n / maxDim);
  if (y > maxDim) {
    throw new Error(`webgpu ${what}: needs ${n} workgroups of ${wg}, more than the device allows ` +
      `(maxComputeWorkgroupsPerDimension ${maxDim} squared)`);
  }
  return [Math.ceil(n / y), y, 1];
}

function epilogueParams(e: Int8Epilogue): Record<string, number> {
  return { scale: e.aScale, zero_point: e.aZeroPoint, alpha: e.alpha, out_scale: e.outScale, out_zero_point: e.outZeroPoint };
}

const epilogueConstants = (e: Int8Epilogue, wg: number) =>
  ({ WG: wg, HAS_BIAS: e.hasBias, ACT: e.activation, OUT_INT8: e.outInt8, ZERO_POINT: e.aZeroPoint !== 0 });

/** Bindings 1..5 of an epilogue kernel: input, weights, weight scales, bias (or a dummy), output. */
function epilogueBuffers(ctx: KernelContext, inputs: TensorInfo[], out: TensorInfo, e: Int8Epilogue): GPUBuffer[] {
  return [ctx.buffer(inputs[0]), ctx.buffer(inputs[1]), ctx.buffer(inputs[2]), e.hasBias ? ctx.buffer(inputs[3]) : ctx.dummy, ctx.buffer(out)];
}

const pick = (ctx: KernelContext, pair: { portable: ShaderSpec; packed: ShaderSpec }) => (ctx.packedInt8Dot ? pair.packed : pair.portable);

function convGeometryParams(g: ConvGeometry): Record<string, number> {
  return {
    batch: g.batch, in_h: g.inH, in_w: g.inW, in_cw: packedCols(g.inC), out_h: g.outH, out_w: g.outW, out_c: g.outC,
    filter_h: g.filterH, filter_w: g.filterW, stride_h: g.strideH, stride_w: g.strideW,
    dilation_h: g.dilationH, dilation_w: g.dilationW, pad_top: g.padTop, pad_left: g.padLeft,
  };
}

const convName = (kernel: string, g: ConvGeometry) =>
  `${kernel} x [${g.batch}, ${g.inH}, ${g.inW}, ${g.inC}] filter ${g.filterH}x${g.filterW} -> [${g.batch}, ${g.outH}, ${g.outW}, ${g.outC}]`;

export const int8Kernels: WebGPUKernelTable = {
  quantizeInt8(ctx, [x], [out], a) {
    if (a.rows * a.cols === 0) return;
    const wg = workgroupSize(ctx);
    ctx.dispatch({
      spec: pick(ctx, int8QuantizeSpecs), entry: 'quantize_int8', constants: { WG: wg },
      params: { rows: a.rows, cols: a.cols, scale: a.scale, zero_point: a.zeroPoint },
      buffers: [ctx.buffer(x), ctx.buffer(out)],
      workgroups: grid(ctx, `quantizeInt8 [${a.rows}, ${a.cols}]`, a.rows * packedCols(a.cols), wg),
    });
  },
  dequantizeInt8(ctx, [q], [out], a) {
    if (a.rows * a.cols === 0) return;
    const wg = workgroupSize(ctx);
    ctx.dispatch({
      spec: pick(ctx, int8QuantizeSpecs), entry: 'dequantize_int8', constants: { WG: wg },
      params: { rows: a.rows, cols: a.cols, scale: a.scale, zero_point: a.zeroPoint },
      buffers: [ctx.buffer(q), ctx.buffer(out)],
      workgroups: grid(ctx, `dequantizeInt8 [${a.rows}, ${a.cols}]`, a.rows * packedCols(a.cols), wg),
    });
  },
  int8MatMul(ctx, inputs, [out], a) {
    if (a.M * a.N === 0) return;
    const what = `int8MatMul [${a.M}, ${a.K}] x [${a.N}, ${a.K}]`;
    const tile = ctx.preferDirect ? null : int8MatmulTile(ctx.limits);
    const common = {
      spec: pick(ctx, int8MatmulSpecs),
      params: { m: a.M, n: a.N, k_words: packedCols(a.K), ...epilogueParams(a) },
      buffers: epilogueBuffers(ctx, inputs, out, a),
    };
    if (tile) {
      const { WG: _wg, ...constants } = epilogueConstants(a, 0);
      const tiles = Math.ceil(a.M / (4 * tile.wgY)) * Math.ceil(a.N / (4 * tile.wgX));
      ctx.dispatch({
        ...common, entry: 'int8_matmul_tiled', constants: { ...constants, WG_X: tile.wgX, WG_Y: tile.wgY, TILE_KW: tile.tileKW },
        workgroups: grid(ctx, what, tiles, 1),
      });
      return;
    }
    const wg = workgroupSize(ctx);
    ctx.dispatch({
      ...common, entry: 'int8_matmul', constants: { ...epilogueConstants(a, wg), VEC: packedCols(a.K) % 4 === 0 },
      workgroups: grid(ctx, what, Math.ceil(a.M / 4) * Math.ceil(a.N / 4), wg),
    });
  },
  int8Conv2d(ctx, inputs, [out], g) {
    if (out.size === 0) return;
    const wg = workgroupSize(ctx);
    const blocks = Math.ceil((g.batch * g.outH * g.outW) / 4) * Math.ceil(g.outC / 4);
    ctx.dispatch({
      spec: pick(ctx, int8ConvSpecs), entry: 'int8_conv2d', constants: epilogueConstants(g, wg),
      params: { ...convGeometryParams(g), ...epilogueParams(g) },
      buffers: epilogueBuffers(ctx, inputs, out, g),
      workgroups: grid(ctx, convName('int8Conv2d', g), blocks, wg),
    });
  },
  int8DepthwiseConv2d(ctx, inputs, [out], g) {
    if (out.size === 0) return;
    const wg = workgroupSize(ctx);
    const blocks = Math.ceil((g.batch * g.outH * g.outW) / 4) * packedCols(g.inC);
    ctx.dispatch({
      spec: pick(ctx, int8ConvSpecs), entry: 'int8_depthwise_conv2d', constants: epilogueConstants(g, wg),
      params: { ...convGeometryParams(g), out_c: g.inC, ...epilogueParams(g) },
      buffers: epilogueBuffers(ctx, inputs, out, g),
      workgroups: grid(ctx, convName('int8DepthwiseConv2d', g), blocks, wg),
    });
  },
};
