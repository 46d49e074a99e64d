/**
 * Geometry and epilogue records the kernel catalogue's attrs share (src/backends/kernels.ts): the 2-D
 * and 3-D convolution / pooling geometry, the conv epilogue, the int8 requantize epilogue and the
 * packed int8 layout.
 */

/**
 * Packed int8 (issue 12). tessera's dtypes stay TF.js's; int8 data lives in int32 tensors, four
 * int8 values per element, little-endian (value j of a row is byte j of the row's bytes, so
 * element e holds values 4e..4e+3, the lowest address first, as an Int8Array view of the same
 * memory reads them and as WGSL's unpack4xI8 / dot4I8Packed read a u32). The innermost
 * dimension is padded to a multiple of 4 values: packedCols(n) = ceil(n / 4) int32 elements.
 */
export function packedCols(n: number): number {
  return Math.ceil(n / 4);
}

/** Requantize epilogue shared by the int8 kernels (see KernelAttrs.int8MatMul). */
export interface Int8Epilogue {
  aScale: number;
  aZeroPoint: number;
  hasBias: boolean;
  /** Activation code (Activation table); prelu is not supported. */
  activation: number;
  alpha: number;
  outInt8: boolean;
  outScale: number;
  outZeroPoint: number;
}

/** 3-D convolution / pooling geometry (all numbers precomputed). */
export interface Conv3dGeometry {
  batch: number;
  inD: number;
  inH: number;
  inW: number;
  inC: number;
  outD: number;
  outH: number;
  outW: number;
  outC: number;
  filterD: number;
  filterH: number;
  filterW: number;
  strideD: number;
  strideH: number;
  strideW: number;
  dilationD: number;
  dilationH: number;
  dilationW: number;
  padFront: number;
  padTop: number;
  padLeft: number;
}

/** Field order of Conv3dGeometry as packed for the wasm params block and the WGSL uniform. */
export const CONV3D_FIELDS = [
  'batch', 'inD', 'inH', 'inW', 'inC', 'outD', 'outH', 'outW', 'outC', 'filterD', 'filterH', 'filterW',
  'strideD', 'strideH', 'strideW', 'dilationD', 'dilationH', 'dilationW', 'padFront', 'padTop', 'padLeft',
] as const satisfies readonly (keyof Conv3dGeometry)[];

/** Convolution / pooling geometry shared by the conv family (all numbers precomputed). */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

/** Fused epilogue of matMul and conv/depthwise: + bias[c] (biasSize the channels or 1), then the activation. */
export interface Epilogue {
  hasBias: boolean;
  biasSize: number;
  activation: number;
  alpha: number;
  preluSize: number;
  /**
   * Appended for plan fusion (issue 9): a residual epilogue. 0 or absent: none. 1: added before
   * the activation, out = act(acc + bias + r); 2: after it, out = act(acc + bias) + r. r is the
   * last input, float32, one value per output element (same layout as the output). Mode 1 does
   * not combine with prelu.
   */
  residual?: number;
}
